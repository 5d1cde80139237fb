"""The one place fauxdata writes Parquet: the Parquet target, Delta parts, scenario spills,
and the Spark engine's tasks.

Blocks stream into snappy files with pyarrow, dictionary pages only for columns with few
distinct values (see ``parquet_encoding``), integers, dates, timestamps and decimals
without a dictionary delta-encoded (see ``delta_columns``). A table with no rows still gets one file, with
the declared Arrow types, so an empty table reads back with its types instead of strings.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from fauxdata.arrow_blocks import arrow_of
from fauxdata.sinks import parquet_footer as footer
from fauxdata.sinks.bronze import INGESTED_AT, METADATA_COLUMNS
from fauxdata.spec.types import ColumnType


def parquet_encoding(
    schema: Mapping[str, ColumnType], few_values: frozenset[str]
) -> dict[str, list[str]]:
    """Dictionary pages for columns with few distinct values only. Statistics for every
    column but few-value text: free text keeps them (they cost 4% more time to write
    the TPC-H comments, and with their null counts in the footer verification's
    not-null check of a text column reads no data page: 0.38 s to 0.002 s for 6M
    comments).

    Few-value text (names, cities, labels) drops them: pyarrow compares every value
    for min and max even when it writes only dictionary indices, 10-16% of the write
    (1M rows, CPU-s of the write alone: shop customers 0.33-0.34 -> 0.29-0.30, TPC-H
    lineitem 0.40 -> 0.35, orders 0.34 -> 0.31), while such a column's range says
    nothing a reader can skip by in generated rows, and its not-null check reads back
    only dictionary indices."""
    few = [c for c in schema if c in few_values]
    return {
        "use_dictionary": few,
        "write_statistics": [c for c in schema if not (c in few and schema[c].is_text)],
    }


def delta_columns(schema: pa.Schema, dictionary: object) -> dict[str, str]:
    """DELTA_BINARY_PACKED for the columns stored as Parquet integers (integers, dates,
    times, timestamps, durations, decimals of up to 18 digits) that get no dictionary.

    Deltas of a sequence key pack into a few bits a value and random values into about
    their range's bits, where plain pages hold 8 bytes a value for snappy to squeeze:
    measured on 1M rows each (CPU-s of the write alone, best of 3), shop customers 0.350
    -> 0.337 s and 48.9 -> 41.0 MB, TPC-H lineitem 0.527 -> 0.487 s and 59.2 -> 46.2 MB,
    orders 0.284 -> 0.269 s and 42.1 -> 35.7 MB. Few-value integer columns keep their
    dictionary (delta made lineitem's quantities, discounts and taxes slower). DuckDB,
    Polars, pyarrow, Spark 3.3+ and delta-rs read the encoding."""
    if dictionary is True:
        return {}
    with_dictionary = set(dictionary) if isinstance(dictionary, list | tuple) else set()
    return {
        field.name: "DELTA_BINARY_PACKED"
        for field in schema
        if field.name not in with_dictionary and _stored_as_integer(field.type)
    }


def _stored_as_integer(kind: pa.DataType) -> bool:
    if pa.types.is_decimal(kind):
        return kind.precision <= 18  # written as INT32/INT64 (store_decimal_as_integer)
    return (
        pa.types.is_integer(kind)
        or pa.types.is_date(kind)
        or pa.types.is_time(kind)
        or pa.types.is_timestamp(kind)
        or pa.types.is_duration(kind)
    )


def default_encoders() -> int:
    """Threads that encode row groups at once: one per core, up to four."""
    return max(1, min(4, os.cpu_count() or 1))


def write_parquet(
    tables: Iterable[pa.Table],
    path_of: Callable[[int], Path],
    *,
    empty_schema: pa.Schema,
    encoding: Mapping[str, object] | None = None,
    rows_per_file: int | None = None,
    metadata: Mapping[str, str] | None = None,
    encoders: int = 1,
) -> int:
    """Write ``tables`` in order into ``path_of(0)``, ``path_of(1)``... (a new file every
    ``rows_per_file`` rows when given); returns the row count. The first table's schema
    is the file's; with no rows at all one empty file has ``empty_schema``. ``encoding``
    holds pyarrow writer options (default: snappy, decimals as integers, dictionaries and
    statistics for all; integer columns without a dictionary delta-encoded unless it
    names ``column_encoding``);
    ``metadata`` goes into every file's key-value metadata (the lineage marks).

    With ``encoders`` above one, that many threads encode consecutive tables' row groups
    at once and the file is joined from them (``JoinedWriter``): the same bytes, written
    sooner, since pyarrow's own writer encodes on one thread."""
    # Decimals up to 18 digits as INT64 (the Parquet spec's compact form, as tpchgen-cli
    # writes them): about a quarter cheaper to encode than 16-byte fixed-length values.
    options: dict[str, object] = {
        "compression": "snappy",
        "store_decimal_as_integer": True,
        **(encoding or {}),
    }
    rows, in_file, part = 0, 0, 0
    writer: pq.ParquetWriter | JoinedWriter | None = None
    pool = (
        ThreadPoolExecutor(encoders, thread_name_prefix="fauxdata-parquet")
        if encoders > 1
        else None
    )
    try:
        for table in tables:
            if metadata:
                table = table.replace_schema_metadata({**(table.schema.metadata or {}), **metadata})
            if writer is None or (rows_per_file is not None and in_file >= rows_per_file):
                if writer is not None:
                    writer.close()
                settings = _with_deltas(options, table.schema)
                writer = (
                    pq.ParquetWriter(path_of(part), table.schema, **settings)
                    if pool is None
                    else JoinedWriter(path_of(part), table.schema, settings, pool, encoders)
                )
                part, in_file = part + 1, 0
            writer.write_table(table)
            rows += table.num_rows
            in_file += table.num_rows
        if writer is None:
            empty = empty_schema.with_metadata(
                {**(empty_schema.metadata or {}), **(metadata or {})}
            )
            pq.write_table(empty.empty_table(), path_of(0), **_with_deltas(options, empty))
        if writer is not None:
            writer.close()
    except BaseException:
        if isinstance(writer, JoinedWriter):
            writer.abort()  # no footer over a file some of whose row groups never came
        elif writer is not None:
            writer.close()
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return rows


class JoinedWriter:
    """``pq.ParquetWriter``'s ``write_table`` and ``close``, with each table encoded on
    a pool thread into a file of its own in memory, and those files joined in order
    (``fauxdata.sinks.parquet_footer``): every table's row groups keep their bytes, their
    offsets move to where they land, and one footer lists them all."""

    def __init__(
        self,
        path: Path,
        schema: pa.Schema,
        settings: Mapping[str, Any],
        pool: ThreadPoolExecutor,
        encoders: int,
    ) -> None:
        self.schema, self.settings, self.pool = schema, settings, pool
        self.ahead = encoders
        self.pending: deque[Future[pa.Buffer]] = deque()
        self.file = path.open("wb")
        self.file.write(footer.MAGIC)
        self.first: footer.Footer | None = None
        self.groups: list[bytes] = []
        self.rows = 0

    def write_table(self, table: pa.Table) -> None:
        self.pending.append(self.pool.submit(_encoded, table, self.schema, self.settings))
        while len(self.pending) > self.ahead:
            self._append(self.pending.popleft().result())

    def _append(self, part: pa.Buffer) -> None:
        data = memoryview(part)
        tail, start = footer.footer_of(data)
        scanned = footer.scan(tail)
        moved_by = self.file.tell() - len(footer.MAGIC)
        for group in scanned.groups:
            self.groups.append(group.moved(moved_by, len(self.groups)))
        self.file.write(data[len(footer.MAGIC) : start])
        self.rows += scanned.rows
        if self.first is None:
            self.first = scanned

    def close(self) -> None:
        """Append what is still encoding, then the footer."""
        try:
            while self.pending:
                self._append(self.pending.popleft().result())
            if self.first is None:  # no table came: the file one writer would leave
                self._append(_encoded(self.schema.empty_table(), self.schema, self.settings))
            assert self.first is not None
            tail = footer.joined(self.first, self.groups, self.rows)
            self.file.write(tail + struct.pack("<I", len(tail)) + footer.MAGIC)
        finally:
            self.abort()

    def abort(self) -> None:
        """Stop: cancel what has not started encoding and close the file as it is (the
        caller's staging area goes with it)."""
        while self.pending:
            self.pending.popleft().cancel()
        self.file.close()


def _encoded(table: pa.Table, schema: pa.Schema, settings: Mapping[str, Any]) -> pa.Buffer:
    """``table`` as a whole Parquet file in memory, written as the joined file's writer
    would write it."""
    sink = pa.BufferOutputStream()
    with pq.ParquetWriter(sink, schema, **settings) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _with_deltas(options: dict[str, object], schema: pa.Schema) -> dict[str, object]:
    if "column_encoding" in options:
        return options
    deltas = delta_columns(schema, options.get("use_dictionary", True))
    return {**options, "column_encoding": deltas} if deltas else options


@dataclass(frozen=True)
class ParquetParts:
    """How a sink turns one table's blocks into Parquet files, as plain data: the local
    sinks write with it, and the Spark engine ships it to its tasks, which write the
    files the sink would (same types, encodings and lineage marks) without a sink of
    their own."""

    schema: pa.Schema
    """The declared Arrow schema: an empty table's file schema; bronze blocks are cast to it."""
    encoding: Mapping[str, object]
    metadata: dict[str, str]
    """The lineage marks, in every file's key-value metadata."""
    rows_per_file: int | None = None
    bronze: tuple[dt.datetime, str] | None = None
    """``_ingested_at`` and ``_source_system`` to append (Delta bronze tables), or None."""

    def write(
        self, blocks: Iterable[pl.DataFrame], path_of: Callable[[int], Path], encoders: int = 1
    ) -> int:
        """Write the blocks in order into ``path_of(0)``, ``path_of(1)``...; the row count.
        ``encoders`` threads encode row groups at once (see ``write_parquet``)."""
        return write_parquet(
            self._tables(blocks),
            path_of,
            empty_schema=self.schema,
            encoding=self.encoding,
            rows_per_file=self.rows_per_file,
            metadata=self.metadata,
            encoders=encoders,
        )

    def _tables(self, blocks: Iterable[pl.DataFrame]) -> Iterator[pa.Table]:
        if self.bronze is None:
            yield from (arrow_of(frame) for frame in blocks)
            return
        stamp = pa.scalar(self.bronze[0], self.schema.field(INGESTED_AT).type)
        system = pa.scalar(self.bronze[1], pa.string())
        for frame in blocks:
            arrays = [
                frame.get_column(field.name).to_arrow().cast(field.type)
                for field in self.schema
                if field.name not in METADATA_COLUMNS
            ]
            arrays += [pa.repeat(stamp, frame.height), pa.repeat(system, frame.height)]
            yield pa.Table.from_arrays(arrays, schema=self.schema)
