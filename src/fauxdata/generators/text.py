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
    data = np.ascontiguousarray(matrix).tobytes()
    array = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data))
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
