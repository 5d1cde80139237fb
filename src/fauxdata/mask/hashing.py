"""Keyed, vectorised hashes of column values, and the character-class kernel.

``keyed_hash`` gives each value a 64-bit keyed hash that is a pure function of the
value and the key: the same input gives the same hash in any table, batch, run or
database. Text is hashed eight bytes at a time, in NumPy. ``substitute_classes`` rewrites each ASCII letter or digit
as another of its class, drawn from a per-row seed, leaving every other byte (and so
every separator and any UTF-8 sequence) in place.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from fauxdata.engine.rng import U64, mix64, mix64_in_place

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_LEN = np.uint64(0xD6E8FEB86659FD93)


def keyed_hash(values: pl.Series, key: int) -> U64:
    """A keyed 64-bit hash per value (a NULL hashes like 0 or the empty string, whatever
    the batch; mask NULLs yourself where that matters)."""
    dtype = values.dtype
    k = np.uint64(key & 0xFFFFFFFFFFFFFFFF)
    if dtype.is_integer() or dtype.is_temporal() or dtype == pl.Boolean:
        raw = values.to_physical().cast(pl.Int64).fill_null(0).to_numpy().view(np.uint64)
        return _finish(raw, k)
    if dtype.is_float():
        raw = values.cast(pl.Float64).fill_null(0.0).to_numpy().view(np.uint64)
        return _finish(raw, k)
    return hash_text(values.cast(pl.String), k)


def _finish(raw: U64, k: np.uint64) -> U64:
    with np.errstate(over="ignore"):
        return mix64(mix64(raw ^ k) + k * _GAMMA)


def distinct(values: U64) -> U64:
    """Sorted distinct values; sorting beats NumPy's hash-based ``unique`` on 64-bit hashes."""
    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def hash_text(values: pl.Series, k: np.uint64) -> U64:
    """Hash each string where it stands: eight bytes a step, so hashing every row costs
    less than finding the distinct values first (Arrow's dictionary encoding)."""
    arr = values.to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return _hash_strings(arr.cast(pa.large_string()), k)


def string_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets relative to the first value, the bytes) of a large_string array."""
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
    data = (
        np.frombuffer(data_buf, dtype=np.uint8)[offsets[0] : offsets[-1]]
        if data_buf is not None
        else np.zeros(0, dtype=np.uint8)
    )
    return offsets - offsets[0], data


_MANY_WORDS = 4
"""Past this many words, rows are ordered by length once instead of filtered per word."""
_TAIL = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
"""The bytes of a word a string of ``i`` more bytes holds (``i`` >= 8: all of them)."""


def _hash_strings(arr: pa.Array, k: np.uint64) -> U64:
    """Each string's bytes read as little-endian 64-bit words (the last one zero-padded),
    each word mixed with its position and the key, the mixes summed with the length's.

    The words are read word position by word position, as unaligned 64-bit integers
    at every row's start plus 8 per word, for the rows long enough to have that word
    (every row, without filtering, for the words the shortest string has whole), so
    the cost follows the number of words, not of bytes."""
    offsets, data = string_buffers(arr)
    lengths = np.diff(offsets)
    starts = offsets[:-1]
    padded = np.zeros(data.size + 8, dtype=np.uint8)
    padded[: data.size] = data
    word_at = np.ndarray((data.size + 1,), dtype="<u8", buffer=padded, strides=(1,))
    words = (int(lengths.max()) + 7) // 8 if lengths.size else 0
    whole = int(lengths.min()) // 8 if lengths.size else 0
    if words > _MANY_WORDS:
        by_length = np.argsort(lengths, kind="stable")[::-1]
        shortest_first = -lengths[by_length]
    with np.errstate(over="ignore"):
        out = mix64(lengths.astype(np.uint64) * _LEN + k)
        for j in range(words):
            salt = k + np.uint64(j + 1) * _GAMMA
            if j < whole:
                word = word_at[starts + 8 * j]
                word += salt
                mix64_in_place(word)
                out += word
                continue
            if words > _MANY_WORDS:
                rows = by_length[: int(np.searchsorted(shortest_first, -8 * j))]
            else:
                rows = np.flatnonzero(lengths > 8 * j)
            word = word_at[starts[rows] + 8 * j]
            word &= _TAIL[np.minimum(lengths[rows] - 8 * j, 8)]
            word += salt
            mix64_in_place(word)
            out[rows] += word
        return mix64(out ^ k)


CHAR_CLASS = np.zeros(256, dtype=np.uint8)
CHAR_CLASS[ord("0") : ord("9") + 1] = 1
CHAR_CLASS[ord("A") : ord("Z") + 1] = 2
CHAR_CLASS[ord("a") : ord("z") + 1] = 3
CLASS_FIRST = np.array([0, ord("0"), ord("A"), ord("a")], dtype=np.uint8)
"""Per class (none, digit, upper, lower): its first character."""

_PERIOD = np.uint64(1170)
"""lcm(9, 10, 26): a draw modulo this, modulo a class's size, is the draw modulo that size."""
_CHUNK_BYTES = 1 << 15
"""Bytes drawn at a time: each step's arrays stay in the core's cache (1.7x faster than
whole 131k-row batches, whose 15 MB of draws went to memory and back at every step)."""
_U8, _U16 = np.uint8, np.uint16


def substitute_classes(values: pl.Series, seeds: U64, keep_first_digit: bool = False) -> pl.Series:
    """Each ASCII digit, upper- and lower-case letter replaced by one of its class drawn
    from ``seeds[row]`` and its position; every other byte kept. NULLs stay NULL.
    With ``keep_first_digit`` a leading digit is never 0 (numbers keep their digits).

    The draw of the byte at ``pos`` in its row is ``mix64(seed + (pos + 1) * GAMMA) >> 11``
    modulo its class's size. It is made for every byte, separators included (most
    bytes of a masked value are letters or digits), as ``seed - start * GAMMA + GAMMA``
    repeated along the row plus the byte's offset times GAMMA, a cache-sized run of
    rows at a time (``_CHUNK_BYTES``): no gathers by character position."""
    arr = values.cast(pl.String).to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.large_string())
    offsets, data = string_buffers(arr)
    lengths = np.diff(offsets)
    starts = offsets[:-1]
    cuts = np.searchsorted(offsets, np.arange(_CHUNK_BYTES, data.size, _CHUNK_BYTES))
    bounds = [0, *np.unique(cuts).tolist(), len(arr)]
    out = np.empty_like(data)
    with np.errstate(over="ignore"):
        base = seeds + _GAMMA - starts.view(np.uint64) * _GAMMA
        steps = np.arange(int(np.max(np.diff(offsets[bounds]))), dtype=np.uint64)
        steps *= _GAMMA
        for r0, r1 in pairwise(bounds):
            b0, b1 = int(offsets[r0]), int(offsets[r1])
            if b1 == b0:
                continue
            draw = np.repeat(base[r0:r1] + np.uint64(b0) * _GAMMA, lengths[r0:r1])
            draw += steps[: b1 - b0]
            mix64_in_place(draw)
            whole = draw // (_PERIOD << np.uint64(11))  # libdivide: far cheaper than %
            draw >>= np.uint64(11)
            whole *= _PERIOD
            draw -= whole
            lead = starts[r0:r1][lengths[r0:r1] > 0] - b0 if keep_first_digit else None
            out[b0:b1] = _replaced(data[b0:b1], draw.astype(_U16), lead)
    rebuilt = pa.LargeStringArray.from_buffers(
        len(arr),
        pa.py_buffer(offsets.astype(np.int64).tobytes()),
        pa.py_buffer(out.tobytes()),
    )
    if arr.null_count:
        rebuilt = pc.if_else(arr.is_valid(), rebuilt, pa.scalar(None, pa.large_string()))
    return pl.Series(values.name, rebuilt)


def _replaced(data: np.ndarray, draw: np.ndarray, lead: np.ndarray | None) -> np.ndarray:
    """``data`` with its digits and letters replaced by draws (``0 <= draw < _PERIOD``),
    in byte arithmetic that wraps: each byte plus (its replacement - itself) times
    whether it is of the class, for digits and for letters (a letter keeps its case:
    bit 32). ``lead``: positions of leading digits to draw from 1-9."""
    digit = ((data - _U8(48)) < _U8(10)).view(_U8)
    letter = (((data | _U8(32)) - _U8(97)) < _U8(26)).view(_U8)
    to_digit = (draw - draw // _U16(10) * _U16(10)).astype(_U8)
    to_digit += _U8(48)
    if lead is not None and lead.size:
        first = draw[lead]
        to_digit[lead] = _U8(49) + (first - first // _U16(9) * _U16(9)).astype(_U8)
    to_digit -= data
    to_digit *= digit
    to_letter = (draw - draw // _U16(26) * _U16(26)).astype(_U8)
    to_letter += _U8(65)
    to_letter += data & _U8(32)
    to_letter -= data
    to_letter *= letter
    to_digit += to_letter
    to_digit += data
    return to_digit
