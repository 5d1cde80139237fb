"""Content digests of generated tables that do not depend on block size or file format.

Each column feeds its own hashers (values, string lengths, null positions), so the byte
stream is the same however the rows were split into blocks. A NULL is hashed as its
absolute row number and its slot as a zero value. The digest is what golden tests and
manifests pin.

The hash is BLAKE3 (128-bit output), a cryptographic hash like the BLAKE2b it replaced
on 2026-11-30, about five times as fast: hashing every byte written had cost 15% of a
TPC-H run's CPU. Manifests written before then hold BLAKE2b digests, so replaying one
needs the fauxdata version it records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl
from blake3 import blake3

from fauxdata.arrow_blocks import shared_arrow

if TYPE_CHECKING:
    import pyarrow as pa


_SIZE = 16
"""Bytes of every digest (32 hex characters)."""


class _ColumnHasher:
    def __init__(self) -> None:
        self.values = blake3()
        self.lengths = blake3()
        self.validity = blake3()
        self.dtype = ""

    def update(self, series: pl.Series, offset: int, arrow: pa.ChunkedArray | None = None) -> None:
        """Hash the next values of the column; ``arrow`` is the same column in Arrow form
        when the block has one (text without NULLs is then hashed from it)."""
        self.dtype = str(series.dtype)
        if arrow is not None and series.dtype == pl.String and not series.null_count():
            for chunk in arrow.chunks:
                self._string_bytes(chunk)
            return
        present = series
        if series.null_count():
            nulls = series.is_null().arg_true().cast(pl.Int64).to_numpy() + offset
            self.validity.update(nulls.astype("<i8").tobytes())
            present = series.filter(series.is_not_null())
        if isinstance(present.dtype, pl.Struct | pl.List):  # nested documents: their JSON text
            encoded = pl.DataFrame({"v": present}).select(pl.struct("v").struct.json_encode())
            present = encoded.to_series()
        if present.dtype in (pl.String, pl.Categorical) or isinstance(present.dtype, pl.Enum):
            array = present.cast(pl.String).to_arrow()
            for chunk in getattr(array, "chunks", [array]):
                self._string_bytes(chunk)
        elif present.dtype == pl.Boolean:
            self.values.update(present.to_numpy().astype(np.uint8).tobytes())
        elif isinstance(present.dtype, pl.Decimal):
            array = present.to_arrow()
            for chunk in getattr(array, "chunks", [array]):
                width = chunk.type.byte_width
                data = chunk.buffers()[1]
                self.values.update(
                    memoryview(data)[chunk.offset * width : (chunk.offset + len(chunk)) * width]
                )
        else:
            physical = present.to_physical().to_numpy()
            self.values.update(
                np.ascontiguousarray(physical).astype(physical.dtype.newbyteorder("<")).tobytes()
            )

    def _string_bytes(self, chunk: pa.Array) -> None:
        """The chunk's byte lengths (from its offsets) and its bytes."""
        import pyarrow as pa

        arr = chunk.cast(pa.large_string()) if chunk.type != pa.large_string() else chunk
        if len(arr) == 0:
            return
        offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[
            arr.offset : arr.offset + len(arr) + 1
        ]
        self.lengths.update(np.diff(offsets).astype("<u4").tobytes())
        data = arr.buffers()[2]
        self.values.update(memoryview(data)[int(offsets[0]) : int(offsets[-1])])

    def hexdigest(self) -> str:
        outer = blake3()
        for part in (
            self.dtype.encode(),
            self.values.digest(_SIZE),
            self.lengths.digest(_SIZE),
            self.validity.digest(_SIZE),
        ):
            outer.update(part)
        return outer.hexdigest(_SIZE)


class TableDigest:
    """Accumulates a table's digest block by block."""

    def __init__(self) -> None:
        self.columns: dict[str, _ColumnHasher] = {}
        self.rows = 0

    def update(self, frame: pl.DataFrame) -> None:
        """Add the next block (blocks must arrive in row order)."""
        text = [s.name for s in frame.get_columns() if s.dtype == pl.String]
        arrow = shared_arrow(frame) if text else None
        for series in frame.get_columns():
            column = arrow.column(series.name) if arrow is not None else None
            hasher = self.columns.setdefault(series.name, _ColumnHasher())
            hasher.update(series, self.rows, column)
        self.rows += frame.height

    def column_digests(self) -> dict[str, str]:
        return {name: hasher.hexdigest() for name, hasher in self.columns.items()}

    def hexdigest(self) -> str:
        outer = blake3()
        outer.update(str(self.rows).encode())
        for name, digest in self.column_digests().items():
            outer.update(name.encode() + b"=" + digest.encode())
        return outer.hexdigest(_SIZE)


def frame_digest(frame: pl.DataFrame) -> str:
    """The digest of a whole in-memory table."""
    digest = TableDigest()
    digest.update(frame)
    return digest.hexdigest()
