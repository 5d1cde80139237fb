"""Keyed, vectorised hashes of column values, and the character-class kernel.

``keyed_hash`` gives each value a 64-bit keyed hash that is a pure function of the
value and the key: the same input gives the same hash in any table, batch, run or
database. Text is hashed once per distinct value (Arrow dictionary encoding), eight
bytes at a time, in NumPy. ``substitute_classes`` rewrites each ASCII letter or digit
as another of its class, drawn from a per-row seed, leaving every other byte (and so
every separator and any UTF-8 sequence) in place.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from fauxdata.engine.rng import U64, mix64

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_LEN = np.uint64(0xD6E8FEB86659FD93)


def keyed_hash(values: pl.Series, key: int) -> U64:
    """A keyed 64-bit hash per value (NULLs get an arbitrary hash; mask them yourself)."""
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
    """Hash each distinct string once, then spread the hashes to the rows."""
    arr = values.to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    encoded = pc.dictionary_encode(arr.cast(pa.large_string()))
    indices = encoded.indices.fill_null(0).to_numpy(zero_copy_only=False)
    uniques = encoded.dictionary
    if len(uniques) == 0:
        return np.zeros(len(arr), dtype=np.uint64)
    return _hash_strings(uniques, k)[indices]


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


def _hash_strings(arr: pa.Array, k: np.uint64) -> U64:
    offsets, data = string_buffers(arr)
    n = len(arr)
    lengths = np.diff(offsets)
    row = np.repeat(np.arange(n), lengths)
    pos = np.arange(data.size, dtype=np.int64) - offsets[:-1][row]
    shifted = data.astype(np.uint64) << ((pos % 8) * 8).astype(np.uint64)
    word_starts = np.flatnonzero(pos % 8 == 0)
    with np.errstate(over="ignore"):
        out = mix64(lengths.astype(np.uint64) * _LEN + k)
        if word_starts.size:
            words = np.bitwise_or.reduceat(shifted, word_starts)
            word_no = (pos[word_starts] // 8).astype(np.uint64)
            hashed = mix64(words + k + (word_no + np.uint64(1)) * _GAMMA)
            word_row = row[word_starts]
            has_words = np.flatnonzero(lengths > 0)
            first_word = np.searchsorted(word_row, has_words)
            out[has_words] += np.add.reduceat(hashed, first_word)
        return mix64(out ^ k)


_DIGIT = np.frombuffer(b"0123456789", dtype=np.uint8)
_UPPER = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
_LOWER = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)


def substitute_classes(values: pl.Series, seeds: U64, keep_first_digit: bool = False) -> pl.Series:
    """Each ASCII digit, upper- and lower-case letter replaced by one of its class drawn
    from ``seeds[row]`` and its position; every other byte kept. NULLs stay NULL.
    With ``keep_first_digit`` a leading digit is never 0 (numbers keep their digits)."""
    arr = values.cast(pl.String).to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.large_string())
    offsets, data = string_buffers(arr)
    lengths = np.diff(offsets)
    row = np.repeat(np.arange(len(arr)), lengths)
    pos = np.arange(data.size, dtype=np.int64) - offsets[:-1][row]
    with np.errstate(over="ignore"):
        draw = mix64(seeds[row] + (pos.astype(np.uint64) + np.uint64(1)) * _GAMMA) >> np.uint64(11)
    out = data.copy()
    digit = (data >= 48) & (data <= 57)
    upper = (data >= 65) & (data <= 90)
    lower = (data >= 97) & (data <= 122)
    out[digit] = _DIGIT[draw[digit] % np.uint64(10)]
    if keep_first_digit:
        lead = digit & (pos == 0)
        out[lead] = _DIGIT[1 + draw[lead] % np.uint64(9)]
    out[upper] = _UPPER[draw[upper] % np.uint64(26)]
    out[lower] = _LOWER[draw[lower] % np.uint64(26)]
    rebuilt = pa.LargeStringArray.from_buffers(
        len(arr),
        pa.py_buffer(offsets.astype(np.int64).tobytes()),
        pa.py_buffer(out.tobytes()),
    )
    if arr.null_count:
        rebuilt = pc.if_else(arr.is_valid(), rebuilt, pa.scalar(None, pa.large_string()))
    return pl.Series(values.name, rebuilt)
