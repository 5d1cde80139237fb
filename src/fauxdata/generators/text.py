"""Fast string building from byte matrices, shared by generators that format digits."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_HEX_UPPER = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)


def fixed_width(matrix: npt.NDArray[np.uint8]) -> pl.Series:
    """Turn an (n, w) matrix of ASCII bytes into n strings of width w, without a row loop."""
    n, width = matrix.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    data = np.ascontiguousarray(matrix)  # Arrow reads both arrays' memory, no copies
    array = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    return pl.Series(pl.from_arrow(array)).cast(pl.String)


def digits(
    values: npt.NDArray[np.int64], width: int, base: int = 10, upper: bool = False
) -> npt.NDArray[np.uint8]:
    """Zero-padded digits of non-negative integers as an (n, width) ASCII matrix."""
    table = _HEX_UPPER if upper else _HEX
    v = values.astype(np.uint64)
    out = np.empty((v.shape[0], width), dtype=np.uint8)
    b = np.uint64(base)
    for pos in range(width - 1, -1, -1):
        out[:, pos] = table[(v % b).astype(np.intp)]
        v //= b
    return out


def digit_width(max_value: int, base: int = 10) -> int:
    """Digits needed to write ``max_value`` in ``base``."""
    width = 1
    while max_value >= base:
        max_value //= base
        width += 1
    return width


def large_strings(values: pl.Series) -> pa.LargeStringArray:
    """A text Series as one Arrow ``large_string`` array, whose bytes numpy can scan."""
    array = values.cast(pl.String).rechunk().to_arrow()
    if array.type != pa.large_string():
        array = array.cast(pa.large_string())
    return array


def string_bytes(array: pa.LargeStringArray) -> npt.NDArray[np.uint8]:
    """The bytes an Arrow ``large_string`` array's values span, without a copy."""
    if len(array) == 0 or array.buffers()[2] is None:
        return np.empty(0, dtype=np.uint8)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)
    start, stop = offsets[array.offset], offsets[array.offset + len(array)]
    return np.frombuffer(array.buffers()[2], dtype=np.uint8)[start:stop]


def is_ascii(array: pa.LargeStringArray) -> bool:
    """True when no value holds a byte above 0x7F: then ASCII rules (case, width) are
    Unicode's, and byte kernels give the same text as Unicode ones."""
    return not (string_bytes(array) >= 0x80).any()


def has_byte(array: pa.LargeStringArray, byte: int) -> bool:
    """True when some value holds ``byte`` (an ASCII byte never appears inside a
    multi-byte UTF-8 character, so this finds the character itself)."""
    return bool((string_bytes(array) == byte).any())
