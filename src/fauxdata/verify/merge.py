"""Match child rows to their parent rows by merging two key-ordered files, without a join.

A generated child table holds its parent's key in parent order, and the parent's key
rises row by row (see ``chunks``). So a chunk of one file meets the other file's rows
in the same key range, read forward once (``Window``), and each child row finds its
parent by a binary search of the parent keys (``match``) instead of a hash join: the
26M-row shop's order-line pass (key, unique pair, foreign key to orders) took 4.3
CPU-seconds with DuckDB joining the order-id strings per chunk, and takes 1.5.

Everything here is exact or declines: keys whose values NumPy cannot order like Arrow
(decimals, strings of different lengths, NULLs) raise ``Unordered``, and the caller
counts with its SQL instead.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from fauxdata.arrow_numpy import from_numpy
from fauxdata.verify.chunks import (
    Chunk,
    Steps,
    Unordered,
    integer_steps,
    ordered_chunks,
    steps,
)
from fauxdata.verify.keys import Integers, as_integers, fixed_bytes, numpy_of


@dataclass(frozen=True)
class Matched:
    """Child rows matched to parents: the runs of equal child keys (where each starts,
    how many rows) and the parent row of each run (-1 for none: orphans)."""

    starts: np.ndarray
    lengths: np.ndarray
    parent: np.ndarray
    aligned: bool = False
    """Run i is parent i's, for every parent: no searching, no placing."""

    @property
    def orphans(self) -> int:
        return int(self.lengths[self.parent < 0].sum())

    def rows(self) -> np.ndarray:
        """The parent row of each child row (-1 for an orphan)."""
        return np.repeat(self.parent, self.lengths)

    def per_parent(self, values: np.ndarray, parents: int) -> np.ndarray:
        """``values`` (one per run) placed at their parent's row, zero elsewhere."""
        if self.aligned and len(values) == parents:
            return values
        found = self.parent >= 0
        placed = np.zeros(parents, dtype=values.dtype)
        placed[self.parent[found]] = values[found]
        return placed


def match(
    parents: pa.ChunkedArray | pa.Array,
    children: pa.ChunkedArray | pa.Array,
    known: Steps | None = None,
    *,
    parent_keys: Integers | None = None,
    child_keys: Integers | None = None,
) -> Matched:
    """Each run of equal ``children`` keys (non-decreasing; ``known``: their steps, when
    the chunk has them) matched to the equal key of ``parents`` (rising): by one
    comparison where every parent has children and there are no orphans (an order and
    its lines), else by a binary search. ``parent_keys`` and ``child_keys``: the two
    columns already read as integers (``Chunk.integers``), when the chunks have them.

    Raises:
        Unordered: either is not ordered, holds NULLs, or has keys NumPy cannot compare
            the way Arrow orders them.
    """
    if children.null_count or parents.null_count:
        raise Unordered
    if len(children) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Matched(empty, empty, empty)
    if parent_keys is not None and child_keys is not None and parent_keys.joins(child_keys):
        integers: list[np.ndarray] | None = [child_keys.values, parent_keys.values]
    else:
        integers = as_integers(children, parents)  # formatted ids, read in place
    if integers is not None:
        child_ints, rows = integers
        starts = _run_starts(known or integer_steps(child_ints))
        keys = child_ints[starts]
    else:
        child = _combined(children)
        starts = _run_starts(known or steps(child))
        keys, rows = _comparable(child.take(from_numpy(starts))), _comparable(_combined(parents))
    lengths = np.diff(np.append(starts, len(children)))
    if len(rows) > 1 and not bool(np.all(rows[1:] > rows[:-1])):
        raise Unordered
    if keys.dtype != rows.dtype:
        raise Unordered
    if len(keys) == len(rows) and bool(np.all(keys == rows)):
        return Matched(starts, lengths, np.arange(len(keys)), aligned=True)
    at = np.searchsorted(rows, keys)
    inside = np.minimum(at, max(len(rows) - 1, 0))
    hit = (at < len(rows)) & (rows[inside] == keys) if len(rows) else at < 0
    return Matched(starts, lengths, np.where(hit, at, -1))


def _run_starts(ordered: Steps | None) -> np.ndarray:
    """Where each run of equal keys starts.

    Raises:
        Unordered: the keys are not ordered.
    """
    if ordered is None or not ordered.ordered:
        raise Unordered
    return np.flatnonzero(np.concatenate([[True], ~ordered.equal]))


def _combined(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _comparable(values: pa.Array) -> np.ndarray:
    """Keys as a NumPy array ordered and compared as Arrow does: integers, dates and
    timestamps as integers; strings of one byte length as fixed-width bytes (a
    formatted id), where NumPy's comparison is Arrow's byte order."""
    kind = values.type
    if pa.types.is_integer(kind):
        return numpy_of(values)
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        return numpy_of(values.cast(pa.int64() if pa.types.is_timestamp(kind) else pa.int32()))
    fixed = fixed_bytes(values)
    if fixed is None:
        raise Unordered
    if not bool(fixed.all()):  # a NUL byte: NumPy's fixed-width bytes would drop it
        raise Unordered
    return fixed.reshape(-1).view(f"S{fixed.shape[1]}")


class Window:
    """A key-ordered Parquet file read forward in key ranges: ``between(low, high)``
    gives its rows with keys in that range; ranges must not move back. Rows below a
    range are dropped, so the window holds about one chunk, however big the file.

    Raises (from ``between``):
        Unordered: the file is not ordered by ``key`` (``strict``: rising).
    """

    def __init__(self, path: Path, key: str, columns: tuple[str, ...], *, strict: bool) -> None:
        self.key = key
        self._strict = strict
        self._chunks: Iterator[Chunk] = ordered_chunks(path, key, columns, strict=strict)
        self._held: pa.Table | None = None
        self._integers: list[Integers] | None = None
        """The held keys as integers, one piece per chunk (joined only for the rows
        ``between`` gives: joining at every pull copied the held rows again and again,
        the largest cost of the shop's aggregates pass), None where a chunk lacks them."""
        self._high: Any = None  # the highest key held
        self._ended = False
        self.rows = 0
        """Rows read from the file so far."""
        self.given = 0
        """Rows given by ``between`` so far (each row at most once)."""

    def between(self, low: Any, high: Any) -> Chunk:
        """The rows with keys from ``low`` to ``high`` (and their keys as integers
        where every chunk held has them)."""
        if low is None or high is None:
            raise Unordered
        while not self._ended and (self._high is None or self._high <= high):
            self._pull()
        held = self._held
        if held is None:
            raise Unordered  # an empty file: nothing to match
        keys = held[self.key]
        # The held keys are ordered (each pulled chunk is checked), so a binary search
        # finds the range: comparing every held key with both bounds was 12% of the
        # 26M-row shop's verification.
        at = partial(_held_key, keys)
        try:
            below = bisect_left(range(len(keys)), low, key=at)
            inside = bisect_right(range(len(keys)), high, key=at)
        except TypeError:  # bounds of a type the keys do not compare with
            raise Unordered from None
        self.given += inside - below
        integers = _joined(self._integers, below, inside)
        self._held = held.slice(below)
        self._integers = _dropped(self._integers, below)
        return Chunk(held.slice(below, inside - below), low, high, integers=integers)

    def rest(self) -> int:
        """Reads the file to its end (every chunk checked for order, as ``between``
        does) and gives how many rows it holds.

        Raises:
            Unordered: the rest of the file is not ordered by the key.
        """
        while not self._ended:
            self._pull()
            self._held, self._integers = None, None  # nothing after it is asked for
        return self.rows

    def never_given(self) -> int:
        """The file's rows no range given to ``between`` held, once it is read to its
        end (``rest``).

        Raises:
            Unordered: the rest of the file is not ordered by the key.
        """
        return self.rest() - self.given

    def _pull(self) -> None:
        chunk = next(self._chunks, None)
        if chunk is None:
            self._ended = True
            return
        known = chunk.steps
        if known is None or not (known.rising if self._strict else known.ordered):
            raise Unordered
        self.rows += chunk.data.num_rows
        held, integers, more = self._held, self._integers, chunk.integers
        if held is None:
            self._held, self._integers = chunk.data, None if more is None else [more]
        else:
            self._held = pa.concat_tables([held, chunk.data])
            if integers is not None and more is not None and all(p.joins(more) for p in integers):
                self._integers = [*integers, more]
            else:
                self._integers = None
        if chunk.high is not None:
            self._high = chunk.high


def _joined(pieces: list[Integers] | None, start: int, stop: int) -> Integers | None:
    """Rows ``start`` to ``stop`` of the pieces, as one ``Integers`` (one copy, or none
    where they lie in one piece)."""
    if pieces is None:
        return None
    parts, at = [], 0
    for piece in pieces:
        size = len(piece.values)
        if size and at + size > start and at < stop:
            parts.append(piece.slice(max(start - at, 0), min(stop - at, size)))
        at += size
    if not parts:
        return pieces[0].slice(0, 0)
    if len(parts) == 1:
        return parts[0]
    return Integers(np.concatenate([p.values for p in parts]), parts[0].width, parts[0].head)


def _dropped(pieces: list[Integers] | None, rows: int) -> list[Integers] | None:
    """The pieces without their first ``rows`` rows."""
    if pieces is None:
        return None
    kept, at = [], 0
    for piece in pieces:
        size = len(piece.values)
        if at + size > rows:
            kept.append(piece.slice(max(rows - at, 0)))
        at += size
    return kept or [pieces[-1].slice(len(pieces[-1].values))]


def _held_key(keys: pa.ChunkedArray, row: int) -> Any:
    """The key of a held row as Python compares it (strings in UTF-8 byte order, as Arrow)."""
    return keys[row].as_py()
