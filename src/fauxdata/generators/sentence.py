"""Sentences of random words, built as one Arrow buffer and already cut to the column.

A sentence is five to twelve words from the locale's word list, the first capitalised,
then a full stop. In a ``varchar(n)`` column the engine would cut it after its last
whole word that fits (``fauxdata.engine.cast.cut``); here that cut is decided from the
words' lengths before any text exists, so a word that would be cut away is never drawn
nor copied. For TPC-H's 44-character comments that is about half the words.

The text of a block is then one ``take`` from a small table of pieces (each word with a
trailing space, with a full stop, or bare, each plain or capitalised): consecutive pieces
form a row, so the row offsets are the pieces' offsets at row boundaries and no string is
built twice. The values are exactly those of joining the words and cutting the result.

With ``min_length`` and ``max_length`` (``SizedSentences``) a row draws its length in
characters first, uniformly between the two, then words until the text reaches it; the
last word is cut where the length falls, as in TPC-H's comments, and a cut that falls on
the space after a word ends the sentence with a full stop there instead. The pieces are
then each word spaced, stopped, and every prefix of it (the bare word is its longest).

With ``pool`` as well (``PooledSentences``) a row is a slice of one long text of sentences,
built once per column: its length drawn as above, its start drawn anywhere in the text.
That is how TPC-H's dbgen makes its comments (from a text pool, so they start and end
mid-word), and it costs two draws a row whatever the length: the rows are Arrow string
views into the pool's one buffer, so no text is copied until a writer reads it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from fauxdata.arrow_numpy import from_numpy
from fauxdata.engine.rng import Stream
from fauxdata.generators.draws import RandomDraw

I64 = npt.NDArray[np.int64]
Draw = Callable[[str, int], I64]

MIN_WORDS, MAX_WORDS = 5, 12

# Piece tables, in this order, each as long as the word list.
_SPACED, _STOPPED, _BARE = 0, 2, 4
"""A word followed by a space, by the full stop, or alone; +1 for the capitalised copy."""


def capitalised(words: pl.Series) -> pl.Series:
    """The word list with each word's first character upper-cased."""
    return words.str.slice(0, 1).str.to_uppercase() + words.str.slice(1)


class SentenceBuilder:
    """Sentences over one word list (no empty word: a word then ends where the next
    space starts, which is what the cut looks for), optionally cut to ``width``."""

    def __init__(self, words: pl.Series, width: int | None) -> None:
        self.words = words
        self.width = width

    @cached_property
    def _tables(self) -> tuple[pa.LargeStringArray, I64, I64]:
        words = self.words
        upper = capitalised(words)
        pieces = pl.concat(
            [words + " ", upper + " ", words + ".", upper + ".", words, upper]
        ).to_arrow()
        if isinstance(pieces, pa.ChunkedArray):
            pieces = pieces.combine_chunks()
        table = pieces.cast(pa.large_string())
        chars = words.str.len_chars().cast(pl.Int64).to_numpy()
        upper_chars = upper.str.len_chars().cast(pl.Int64).to_numpy()
        return table, chars, upper_chars

    def build(self, draw: Draw) -> pl.Series:
        """One sentence per row; ``draw(name, size)`` gives each row's index below ``size``
        (``length`` for the word count, ``w0`` ... ``w11`` for the words), and
        ``draw.subset(picked)`` the same draws for some of the rows."""
        table, chars, upper_chars = self._tables
        size = self.words.len()
        limit = self.width
        count = draw("length", MAX_WORDS - MIN_WORDS + 1) + MIN_WORDS
        n = count.shape[0]
        # Each row's pieces, row-major: the words as spaced pieces (capitalised first),
        # the last kept one changed to its stopped or bare piece below.
        pieces = np.empty((n, MAX_WORDS), dtype=np.int32)
        first = draw("w0", size)
        pieces[:, 0] = first + size
        end = upper_chars[first]  # where the space after each row's last word sits
        drawn = np.ones(n, dtype=np.int64)
        for i in range(1, MAX_WORDS):
            open_rows = count > i
            if limit is not None:
                open_rows &= end < limit  # a row already past the width takes no more words
            rows = np.flatnonzero(open_rows)
            if rows.size == 0:
                break
            words = _draw_some(draw, f"w{i}", size, rows, n)
            pieces.reshape(-1)[rows * MAX_WORDS + i] = words
            end[rows] += 1 + chars[words]
            drawn[rows] = i + 1
        if limit is None:
            whole, kept = np.ones(n, dtype=bool), count
        else:
            # Rows took words while the text stayed under the width, so every word but
            # the last drawn ends before it; the last counts when it ends exactly there.
            whole = end + 1 <= limit
            fit = np.where(drawn == count, count - 1, drawn - 1 + (end == limit))
            # A first word longer than the width stays alone (the cast cuts it mid-word).
            kept = np.where(whole, count, np.maximum(fit, 1))
        last = pieces.reshape(-1)[np.arange(n) * MAX_WORDS + kept - 1]
        last += (size * np.where(whole, _STOPPED, _BARE)).astype(np.int32)
        pieces.reshape(-1)[np.arange(n) * MAX_WORDS + kept - 1] = last
        starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(kept, out=starts[1:])
        entries = pieces[np.arange(MAX_WORDS) < kept[:, None]]
        return _rows_of_pieces(table.take(from_numpy(entries)), starts)


class SizedSentences:
    """Sentences of exactly ``low`` to ``high`` characters, uniform, over one word list."""

    def __init__(self, words: pl.Series, low: int, high: int) -> None:
        self.words = words
        self.low, self.high = low, high

    @cached_property
    def _tables(self) -> tuple[pa.LargeStringArray, tuple[I64, I64], tuple[I64, I64]]:
        """The pieces (spaced and stopped words, plain then capitalised, then each word's
        prefixes, plain then capitalised), each word's characters and where its prefixes
        start in the pieces, plain and capitalised."""
        words = self.words
        upper = capitalised(words)
        chars = words.str.len_chars().cast(pl.Int64).to_numpy()
        upper_chars = upper.str.len_chars().cast(pl.Int64).to_numpy()
        size = words.len()
        first = 4 * size + _starts(chars)
        first_upper = 4 * size + int(chars.sum()) + _starts(upper_chars)
        spaced, stopped = [words + " ", upper + " "], [words + ".", upper + "."]
        prefixes = [_prefixes(words, chars), _prefixes(upper, upper_chars)]
        pieces = pl.concat(spaced + stopped + prefixes).to_arrow()
        if isinstance(pieces, pa.ChunkedArray):
            pieces = pieces.combine_chunks()
        table = pieces.cast(pa.large_string())
        return table, (chars, upper_chars), (first, first_upper)

    def build(self, draw: Draw) -> pl.Series:
        """One sentence per row; ``draw(name, size)`` gives each row's index below ``size``
        (``chars`` for the length, ``w0``, ``w1`` ... for the words), and
        ``draw.subset(picked)`` the same draws for some of the rows."""
        table, (chars, upper_chars), (first, first_upper) = self._tables
        size = self.words.len()
        target = draw("chars", self.high - self.low + 1) + self.low
        n = target.shape[0]
        opening = draw("w0", size)
        # Each row's last word, where it starts and ends (where the space after it sits),
        # and how many words it has; the open rows' are kept apart while they grow.
        word, start, end = opening.copy(), np.zeros(n, dtype=np.int64), upper_chars[opening]
        drawn = np.ones(n, dtype=np.int64)
        steps: list[tuple[I64, I64]] = []
        # A row takes another word while its length reaches past the space after its last.
        open_rows = np.flatnonzero(end + 1 < target)
        ends, targets = end[open_rows], target[open_rows]
        while open_rows.size:
            picked = _draw_some(draw, f"w{len(steps) + 1}", size, open_rows, n)
            steps.append((open_rows, picked))
            starts_at = ends + 1
            ends = starts_at + chars[picked]
            grows = ends + 1 < targets
            done = open_rows[~grows]
            word[done], start[done], end[done] = picked[~grows], starts_at[~grows], ends[~grows]
            drawn[done] = len(steps) + 1
            open_rows, ends, targets = open_rows[grows], ends[grows], targets[grows]
        starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(drawn, out=starts[1:])
        entries = np.empty(int(starts[-1]), dtype=np.int64)
        entries[starts[:-1]] = size + opening
        for i, (rows, picked) in enumerate(steps, start=1):
            entries[starts[rows] + i] = picked
        # The last word: stopped where the length falls on its space, else its prefix.
        alone = drawn == 1
        stopped = np.where(alone, 3 * size, 2 * size) + word
        prefix = np.where(alone, first_upper[word], first[word]) + target - start - 1
        entries[starts[1:] - 1] = np.where(end + 1 == target, stopped, prefix)
        return _rows_of_pieces(table.take(from_numpy(entries)), starts)


class PooledSentences:
    """Slices of ``low`` to ``high`` characters, uniform, of one text of ``size``
    characters: sentences of ``words`` (as ``SentenceBuilder`` makes them) joined by
    spaces, drawn from the streams ``stream(name)`` of the pool's own names."""

    def __init__(
        self, words: pl.Series, low: int, high: int, size: int, stream: Callable[[str], Stream]
    ) -> None:
        self.words = words
        self.low, self.high, self.size = low, high, size
        self._stream = stream
        self._lock = threading.Lock()
        self._pool: _Pool | None = None

    @property
    def pool(self) -> _Pool:
        """The text, built on first use (once, whichever worker thread asks first)."""
        with self._lock:
            if self._pool is None:
                self._pool = _Pool(self._text())
            return self._pool

    def _text(self) -> str:
        """The first ``size`` characters of sentences 0, 1, 2... joined by spaces. Each
        sentence is a function of its number, so asking for more changes none of them."""
        builder = SentenceBuilder(self.words, None)
        count = self.size // 32 + 16
        while True:
            draw = RandomDraw(self._stream, np.arange(count, dtype=np.int64))
            text: str = builder.build(draw).str.join(" ").item()
            if len(text) >= self.size:
                return text[: self.size]
            count *= 2

    def build(self, draw: Draw) -> pl.Series:
        """One slice per row; ``draw(name, size)`` gives each row's index below ``size``
        (``chars`` for the length, ``start`` for where it starts in the pool)."""
        length = draw("chars", self.high - self.low + 1) + self.low
        start = draw("start", self.size - self.high + 1)
        return self.pool.slices(start, length)


class _Pool:
    """A text in one Arrow buffer, sliced by characters into string views."""

    def __init__(self, text: str) -> None:
        data = text.encode()
        self.buffer = pa.py_buffer(data)
        # Padded, so a short slice's twelve inline bytes can be read past the end.
        self.bytes = np.frombuffer(data + bytes(12), dtype=np.uint8)
        self.char_starts: npt.NDArray[np.int32] | None = None
        """Where each character starts in the bytes (plus the end), unless all are ASCII;
        4 bytes each (a pool of at most 10^8 characters is under 2^31 bytes)."""
        if len(data) != len(text):
            lead = np.flatnonzero((self.bytes[: len(data)] & 0xC0) != 0x80)
            self.char_starts = np.append(lead, len(data)).astype(np.int32)

    def slices(self, start: I64, length: I64) -> pl.Series:
        """``text[start:start + length]`` for each row, as views of the buffer: Arrow's
        16-byte view holds a slice of up to 12 bytes inline, a longer one as its first
        four bytes, the buffer's number and its offset in it."""
        if self.char_starts is None:
            offset, size = start, length
        else:
            offset = self.char_starts[start].astype(np.int64)
            size = self.char_starts[start + length] - offset
        n = start.shape[0]
        views = np.zeros((n, 4), dtype=np.int32)
        views[:, 0] = size
        long = np.flatnonzero(size > 12)
        prefix = self.bytes[offset[long, None] + np.arange(4)]
        views[long, 1] = prefix.view(np.int32)[:, 0]
        views[long, 3] = offset[long]  # buffer 0, the pool's
        short = np.flatnonzero(size <= 12)
        inline = self.bytes[offset[short, None] + np.arange(12)]
        inline[np.arange(12) >= size[short, None]] = 0
        views[short, 1:] = inline.view(np.int32)
        array = pa.Array.from_buffers(pa.string_view(), n, [None, pa.py_buffer(views), self.buffer])
        return pl.Series(pl.from_arrow(array))


def _starts(chars: I64) -> I64:
    """Where each word's run of prefixes starts, one prefix per character."""
    return np.concatenate([[0], np.cumsum(chars)[:-1]]).astype(np.int64)


def _prefixes(words: pl.Series, chars: I64) -> pl.Series:
    """Every prefix of every word, shortest first: ``a, ab, abc`` for ``abc``."""
    which = np.repeat(np.arange(words.len()), chars)
    length = np.arange(which.shape[0]) - np.repeat(_starts(chars), chars) + 1
    return words.gather(which).str.slice(0, pl.Series(length))


def _draw_some(draw: Draw, name: str, size: int, rows: I64, n: int) -> I64:
    """The draws of ``name`` for some rows only (counter-based: the same values as
    drawing all rows and selecting)."""
    subset = getattr(draw, "subset", None)
    if subset is None or rows.size == n:
        values = draw(name, size)
        return values if rows.size == n else values[rows]
    some: Draw = subset(rows)
    return some(name, size)


def _rows_of_pieces(pieces: pa.LargeStringArray, starts: I64) -> pl.Series:
    """Strings made of consecutive pieces, row ``r`` of pieces ``starts[r]`` up to
    ``starts[r + 1]``, sharing the pieces' data buffer."""
    offsets = np.frombuffer(pieces.buffers()[1], dtype=np.int64)[
        pieces.offset : pieces.offset + len(pieces) + 1
    ]
    data = pieces.buffers()[2]
    array = pa.LargeStringArray.from_buffers(
        starts.shape[0] - 1,
        pa.py_buffer(offsets[starts]),
        data if data is not None else pa.py_buffer(b""),
    )
    return pl.Series(pl.from_arrow(array)).cast(pl.String)
