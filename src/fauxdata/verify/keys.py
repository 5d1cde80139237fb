"""Key columns as NumPy arrays that compare like Arrow's values, for the ordered checks.

A formatted id (``ORD-00012345``) is a string of one byte length, and the keys of one
chunk share their first bytes; where all but the last eight are the same, those eight
read as a big-endian integer order and compare the strings exactly as Arrow does
(bytes, left to right).
Comparing integers is cheaper than comparing Arrow strings, and a binary search over
them far cheaper than over fixed-width bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import polars as pl
import pyarrow as pa


def numpy_of(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow column as NumPy (NULLs of numbers as NaN): numbers without NULLs read in
    place (``primitive``), anything else through Polars. pyarrow's own ``to_numpy``
    imports pandas on first use, 0.25 CPU-s inside every verification (half a masked
    million rows' check, serial after the writing)."""
    kind = values.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        found = primitive(values)
        if found is not None:
            return found
    return pl.Series(values).to_numpy()


def primitive(values: pa.Array | pa.ChunkedArray, *, nulls: bool = False) -> np.ndarray | None:
    """A column of fixed-width numbers (integers, floats, dates as days, timestamps in
    their unit) as NumPy, each chunk's buffer read in place and the chunks joined; None
    for another type, or for NULLs unless ``nulls`` (then a NULL row holds whatever its
    buffer holds: see ``validity``). Polars took 0.1-0.4 ms per chunk to wrap one, a
    tenth of TPC-H's verification."""
    if values.null_count and not nulls:
        return None
    kind = values.type
    if pa.types.is_date32(kind):
        dtype: np.dtype = np.dtype(np.int32)
    elif pa.types.is_timestamp(kind) or pa.types.is_date64(kind):
        dtype = np.dtype(np.int64)
    elif pa.types.is_integer(kind) or pa.types.is_floating(kind):
        dtype = np.dtype(kind.to_pandas_dtype())
    else:
        return None
    parts = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    pieces = [
        np.frombuffer(part.buffers()[1], dtype=dtype)[part.offset : part.offset + len(part)]
        for part in parts
        if len(part)
    ]
    if not pieces:
        return np.zeros(0, dtype=dtype)
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)


def fixed_bytes(values: pa.Array) -> np.ndarray | None:
    """A string or binary column of one byte length as an (rows, width) array of bytes
    (no copy); None for another type, NULLs, or lengths that differ."""
    kind = values.type
    wide = pa.types.is_large_string(kind) or pa.types.is_large_binary(kind)
    if values.null_count or not (wide or pa.types.is_string(kind) or pa.types.is_binary(kind)):
        return None
    buffers = values.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64 if wide else np.int32)
    offsets = offsets[values.offset : values.offset + len(values) + 1]
    width = int(offsets[1] - offsets[0]) if len(values) else 0
    if width == 0 or not bool(np.all(np.diff(offsets) == width)):
        return None
    data = np.frombuffer(buffers[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.reshape(len(values), width)


def decimal_words(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A decimal128 column's values as (rows, 2) 64-bit words, low word first, read in
    place (anything where NULL); a decimal of up to 18 digits is its low word whole."""
    parts = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    words = [
        np.frombuffer(part.buffers()[1], dtype=np.int64).reshape(-1, 2)[
            part.offset : part.offset + len(part)
        ]
        for part in parts
        if len(part)
    ]
    if not words:
        return np.zeros((0, 2), dtype=np.int64)
    return words[0] if len(words) == 1 else np.concatenate(words)


NATIVE = -1
"""``Integers.width`` of a column of integers (not a formatted id): its values compare
with another integer column's, never with a formatted id's."""


def validity(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Which rows of a column are set (not NULL), from its validity bitmaps."""
    parts = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    pieces = []
    for part in parts:
        bitmap = part.buffers()[0] if part.null_count else None
        if bitmap is None:
            pieces.append(np.ones(len(part), dtype=bool))
            continue
        bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
        pieces.append(bits[part.offset : part.offset + len(part)].astype(bool))
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=bool)


@dataclass(frozen=True)
class Integers:
    """A key column read as integers that order like its values (see ``integers_of``):
    they compare with another column's only where both have the same byte ``width``
    and the same leading bytes before the last eight (``head``). An empty column's
    compare with any."""

    values: np.ndarray
    width: int
    head: int

    def slice(self, start: int, stop: int | None = None) -> Integers:
        return Integers(self.values[start:stop], self.width, self.head)

    def joins(self, other: Integers) -> bool:
        """Whether the two columns' integers compare like their values."""
        if not len(self.values) or not len(other.values):
            return True
        return (self.width, self.head) == (other.width, other.head)


def integers_of(column: pa.Array | pa.ChunkedArray) -> Integers | None:
    """A column of strings of one byte length, up to 16 bytes (a formatted id), as
    unsigned integers that order like the strings: their last eight bytes, read in
    place, where the bytes before them are the same in every value. None when that
    does not hold. A chunked column is read chunk by chunk, never combined (copying the
    shop's order ids into one buffer first was a tenth of its merged checks). Read once
    per chunk of the file and kept with it, the integers serve the chunk's order, its
    uniqueness and every merge with another file. A column of integers (up to 63 bits,
    no NULLs) is its own values as int64, of width ``NATIVE``."""
    kind = column.type
    if pa.types.is_integer(kind) and kind != pa.uint64():
        values = primitive(column)
        return None if values is None else Integers(values.astype(np.int64, copy=False), NATIVE, 0)
    parts = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    pieces = [fixed_bytes(part) for part in parts if len(part)]
    fixed = [f for f in pieces if f is not None]
    if len(fixed) != len(pieces):
        return None
    if not fixed:
        return Integers(np.zeros(0, dtype=np.uint64), 0, 0)
    widths = {f.shape[1] for f in fixed}
    if len(widths) != 1 or (width := widths.pop()) > 16:
        return None
    if width <= 8:  # the whole value, zeros before it
        return Integers(_joined([_padded(f, width) for f in fixed]), width, 0)
    heads = [_words(f, 0) >> np.uint64(8 * (16 - width)) for f in fixed]
    head = int(heads[0][0])
    if not all(bool(np.all(h == head)) for h in heads):
        return None
    return Integers(_joined([_words(f, width - 8) for f in fixed]), width, head)


def as_integers(*columns: pa.Array | pa.ChunkedArray) -> list[np.ndarray] | None:
    """Each of ``columns`` as integers that compare across them like their values
    (``integers_of``), or None."""
    found = [integers_of(column) for column in columns]
    known = [f for f in found if f is not None]
    if len(known) != len(found) or not all(a.joins(b) for a, b in combinations(known, 2)):
        return None
    return [f.values for f in known]


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    if not parts:
        return np.zeros(0, dtype=np.uint64)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _words(rows: np.ndarray, at: int) -> np.ndarray:
    """The eight bytes from byte ``at`` of each row, as big-endian integers (one copy)."""
    if not len(rows):
        return np.zeros(0, dtype=np.uint64)
    flat = np.ascontiguousarray(rows).reshape(-1)  # a view: the rows are one buffer
    view = np.ndarray((len(rows),), dtype=">u8", buffer=flat, offset=at, strides=(rows.shape[1],))
    return view.astype(np.uint64)


def _padded(rows: np.ndarray, width: int) -> np.ndarray:
    """Values of ``width`` <= 8 bytes as big-endian integers, zeros before them."""
    if not len(rows):
        return np.zeros(0, dtype=np.uint64)
    padded = np.zeros((len(rows), 8), dtype=np.uint8)
    padded[:, 8 - width :] = rows
    return padded.view(">u8").reshape(-1).astype(np.uint64)
