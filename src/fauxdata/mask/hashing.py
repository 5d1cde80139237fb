"""Keyed, vectorised hashes of column values, and the character-class kernel.

``keyed_hash`` gives each value a 64-bit keyed hash that is a pure function of the
value and the key: the same input gives the same hash in any table, batch, run or
database. Text is hashed eight bytes at a time, in NumPy. ``substitute_classes`` rewrites each ASCII letter or digit
as another of its class, drawn from a per-row seed, leaving every other byte (and so
every separator and any UTF-8 sequence) in place.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from fauxdata.engine.rng import _M1, _M2, _S27, _S30, _S31, U64, mix64

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


_WORD = np.uint64(8)
_ONES = np.uint64(1)
_MANY_WORDS = 4
"""Past this many words, rows are ordered by length once instead of filtered per word."""


def _hash_strings(arr: pa.Array, k: np.uint64) -> U64:
    """Each string's bytes read as little-endian 64-bit words (the last one zero-padded),
    each word mixed with its position and the key, the mixes summed with the length's.

    The words are gathered word position by word position from an 8-byte sliding window
    over the bytes, for the rows long enough to have that word, so the cost follows the
    number of words, not of bytes."""
    offsets, data = string_buffers(arr)
    lengths = np.diff(offsets)
    starts = offsets[:-1]
    padded = np.zeros(data.size + 8, dtype=np.uint8)
    padded[: data.size] = data
    windows = np.lib.stride_tricks.sliding_window_view(padded, 8)
    words = (int(lengths.max()) + 7) // 8 if lengths.size else 0
    if words > _MANY_WORDS:
        by_length = np.argsort(lengths, kind="stable")[::-1]
        shortest_first = -lengths[by_length]
    with np.errstate(over="ignore"):
        out = mix64(lengths.astype(np.uint64) * _LEN + k)
        for j in range(words):
            if words > _MANY_WORDS:
                rows = by_length[: int(np.searchsorted(shortest_first, -8 * j))]
            else:
                rows = np.flatnonzero(lengths > 8 * j)
            word = windows[starts[rows] + 8 * j].view("<u8").ravel()
            left = lengths[rows] - 8 * j
            short = np.flatnonzero(left < 8)
            word[short] &= (_ONES << (left[short].astype(np.uint64) * _WORD)) - _ONES
            out[rows] += mix64(word + k + np.uint64(j + 1) * _GAMMA)
        return mix64(out ^ k)


def _mix64_in_place(z: U64) -> None:
    """``fauxdata.engine.rng.mix64`` (the splitmix64 finaliser) computed in ``z``'s own
    memory: per character, each temporary array of the allocating version cost a fresh
    page-faulted buffer, most of the kernel's time (``test_hashing`` pins the two equal)."""
    scratch = z >> _S30
    z ^= scratch
    z *= _M1
    np.right_shift(z, _S27, out=scratch)
    z ^= scratch
    z *= _M2
    np.right_shift(z, _S31, out=scratch)
    z ^= scratch


CHAR_CLASS = np.zeros(256, dtype=np.uint8)
CHAR_CLASS[ord("0") : ord("9") + 1] = 1
CHAR_CLASS[ord("A") : ord("Z") + 1] = 2
CHAR_CLASS[ord("a") : ord("z") + 1] = 3
CLASS_FIRST = np.array([0, ord("0"), ord("A"), ord("a")], dtype=np.uint8)
_SIZE = np.array([1, 10, 26, 26], dtype=np.uint64)
"""Per class (none, digit, upper, lower): its first character and its size."""


def substitute_classes(values: pl.Series, seeds: U64, keep_first_digit: bool = False) -> pl.Series:
    """Each ASCII digit, upper- and lower-case letter replaced by one of its class drawn
    from ``seeds[row]`` and its position; every other byte kept. NULLs stay NULL.
    With ``keep_first_digit`` a leading digit is never 0 (numbers keep their digits)."""
    arr = values.cast(pl.String).to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.large_string())
    offsets, data = string_buffers(arr)
    classes = CHAR_CLASS[data]
    at = np.flatnonzero(classes)
    index = np.int32 if len(arr) < 2**31 else np.int64  # half the bytes to repeat
    row = np.repeat(np.arange(len(arr), dtype=index), np.diff(offsets))[at]
    pos = at - offsets[:-1][row]
    kind = classes[at]
    with np.errstate(over="ignore"):
        draw = pos.view(np.uint64)  # pos is not used again: the draws are made in its memory
        draw += _ONES
        draw *= _GAMMA
        draw += seeds[row]
        _mix64_in_place(draw)
        draw >>= np.uint64(11)
    letter = kind != 1
    picked = (draw % np.uint64(10)).astype(np.uint8)
    picked[letter] = (draw[letter] % np.uint64(26)).astype(np.uint8)
    if keep_first_digit:
        lead = np.flatnonzero(~letter & (at == offsets[:-1][row]))
        picked[lead] = 1 + (draw[lead] % np.uint64(9)).astype(np.uint8)
    picked += CLASS_FIRST[kind]
    out = data.copy()
    out[at] = picked
    rebuilt = pa.LargeStringArray.from_buffers(
        len(arr),
        pa.py_buffer(offsets.astype(np.int64).tobytes()),
        pa.py_buffer(out.tobytes()),
    )
    if arr.null_count:
        rebuilt = pc.if_else(arr.is_valid(), rebuilt, pa.scalar(None, pa.large_string()))
    return pl.Series(values.name, rebuilt)
