"""Delta Lake bronze tables without a JVM, written with the ``deltalake`` package.

``--to delta:PATH`` writes one Delta table per entity under PATH, named
``bronze_<source>_<entity>`` and carrying ``_ingested_at`` and ``_source_system``
(see ``bronze.py``). Blocks stream into Parquet part files in a staging folder with
pyarrow (the same writer and encodings as the Parquet target, so writing overlaps with
generation), verification reads them there, and ``commit`` makes them a Delta version
with ``deltalake``: a new table is created over its files, an existing one receives them
in an overwrite commit (its history stays, so time travel back to the previous run
works). The manifest is written last. The Spark engine commits its files the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from fauxdata.errors import TargetError
from fauxdata.sinks.base import Schema, Sink, prepare_folder, withdraw_manifest, write_manifest
from fauxdata.sinks.bronze import (
    INGESTED_AT,
    METADATA_COLUMNS,
    SOURCE_SYSTEM,
    bronze_table_name,
    ingestion_time,
    source_system,
)
from fauxdata.sinks.duckdb_types import parquet_folder
from fauxdata.sinks.files import parquet_encoding
from fauxdata.sinks.target import Target
from fauxdata.spec.types import ColumnType

MANIFEST = "fauxdata-manifest.json"


def arrow_type(ctype: ColumnType) -> pa.DataType:
    """The Delta-compatible Arrow type of a spec type (Delta has no unsigned or nanosecond types)."""
    simple: dict[str, pa.DataType] = {
        "smallint": pa.int16(),
        "integer": pa.int32(),
        "bigint": pa.int64(),
        "float": pa.float32(),
        "double": pa.float64(),
        "text": pa.string(),
        "varchar": pa.string(),
        "uuid": pa.string(),
        "json": pa.string(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us"),
        "timestamptz": pa.timestamp("us", tz="UTC"),
    }
    if ctype.name == "decimal":
        return pa.decimal128(ctype.precision or 18, ctype.scale or 0)
    if ctype.name == "struct":
        raise TargetError(
            "columns of type struct are stored by parquet: targets only",
            path="--to",
            hint="declare the column type: json for Delta tables",
        )
    return simple[ctype.name]


def bronze_schema(schema: Schema) -> pa.Schema:
    """The Arrow schema of a bronze table: the spec's columns, then the metadata columns."""
    fields = [pa.field(name, arrow_type(ctype)) for name, ctype in schema.items()]
    fields.append(pa.field(INGESTED_AT, pa.timestamp("us", tz="UTC"), nullable=False))
    fields.append(pa.field(SOURCE_SYSTEM, pa.string(), nullable=False))
    return pa.schema(fields)


ROWS_PER_FILE = 4 * 1024 * 1024
"""A new part file every ~4M rows keeps files in the size Delta readers like."""


def commit_delta(
    staged: Path, place: Path, schema: pa.Schema, table: str, description: str
) -> None:
    """Make the Parquet files in ``staged`` a Delta table version at ``place``: a new
    table is moved into place and created over its files; an existing one receives the
    files and an overwrite commit (older versions stay readable by time travel).

    Raises:
        TargetError: ``place`` exists and is not a Delta table.
    """
    from deltalake import DeltaTable, Schema
    from deltalake.transaction import AddAction, create_table_with_add_actions

    files = sorted(staged.glob("part-*.parquet"))
    if place.exists() and not DeltaTable.is_deltatable(str(place)):
        raise TargetError(
            f"refusing to replace {place}: it is not a Delta table",
            path="--to",
            hint="remove it or choose another folder",
        )
    existing = place.exists()
    if existing:
        for path in files:
            os.replace(path, place / path.name)
    else:
        os.replace(staged, place)
    actions = []
    for path in files:
        stat = (place / path.name).stat()
        rows = pq.ParquetFile(place / path.name).metadata.num_rows
        actions.append(
            AddAction(
                path=path.name,
                size=stat.st_size,
                partition_values={},
                modification_time=int(stat.st_mtime * 1000),
                data_change=True,
                stats=json.dumps({"numRecords": rows}),
            )
        )
    if existing:
        # A copy typed as the wider list[AddAction | RemoveAction] this call takes (list is invariant).
        DeltaTable(str(place)).create_write_transaction(
            list(actions), mode="overwrite", schema=schema
        )
    else:
        create_table_with_add_actions(
            str(place),
            Schema.from_arrow(schema),
            actions,
            mode="error",
            name=table,
            description=description,
        )


class DeltaSink(Sink):
    """Bronze Delta tables under a folder, staged then published, manifest last."""

    def __init__(self, target: Target, source: str, ingested_at: dt.datetime | None = None) -> None:
        super().__init__(target)
        self.source = source
        self.ingested_at = ingestion_time(ingested_at)
        self.staging = target.path.parent / f".{target.path.name}.fauxdata-staging-{os.getpid()}"
        self.written: dict[str, pa.Schema] = {}
        self._con: duckdb.DuckDBPyConnection | None = None

    def table_name(self, entity: str) -> str:
        return bronze_table_name(self.source, entity)

    def published_name(self, name: str) -> str:
        return self.table_name(name)

    def prepare(self) -> None:
        prepare_folder(self.target.path, self.staging, MANIFEST)

    def write_table(
        self,
        name: str,
        schema: Schema,
        blocks: Iterable[pl.DataFrame],
        few_values: frozenset[str] = frozenset(),
    ) -> int:
        arrow_schema = bronze_schema(schema)
        table = self.table_name(name)
        folder = self.staging / table
        folder.mkdir()
        encoding = parquet_encoding(schema, few_values)
        encoding["use_dictionary"] = [*encoding["use_dictionary"], *METADATA_COLUMNS]
        encoding["write_statistics"] = [*encoding["write_statistics"], *METADATA_COLUMNS]
        stamp = pa.scalar(self.ingested_at, arrow_schema.field(INGESTED_AT).type)
        system = pa.scalar(source_system(self.source), pa.string())
        rows, in_file, part = 0, 0, 0
        writer: pq.ParquetWriter | None = None
        try:
            for frame in blocks:
                if writer is None or in_file >= ROWS_PER_FILE:
                    if writer is not None:
                        writer.close()
                    path = folder / f"part-{part:05d}-{uuid.uuid4()}-c000.snappy.parquet"
                    writer = pq.ParquetWriter(path, arrow_schema, compression="snappy", **encoding)
                    part, in_file = part + 1, 0
                arrays = [
                    frame.get_column(field.name).to_arrow().cast(field.type)
                    for field in arrow_schema
                    if field.name not in METADATA_COLUMNS
                ]
                arrays += [pa.repeat(stamp, frame.height), pa.repeat(system, frame.height)]
                writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=arrow_schema))
                rows += frame.height
                in_file += frame.height
        finally:
            if writer is not None:
                writer.close()
        self.written[table] = arrow_schema
        return rows

    def staged_relation(self, name: str, schema: Schema) -> str:
        return parquet_folder(self.staging / self.table_name(name), schema)

    def query_connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = duckdb.connect()
        return self._con

    def commit(self, manifest_json: str) -> None:
        final = self.target.path
        final.mkdir(parents=True, exist_ok=True)
        withdraw_manifest(final, MANIFEST)
        description = f"fauxdata mock data ({source_system(self.source)})"
        for table, schema in self.written.items():
            commit_delta(self.staging / table, final / table, schema, table, description)
        write_manifest(final, MANIFEST, manifest_json)
        self._close()

    def abort(self) -> None:
        self._close()

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        shutil.rmtree(self.staging, ignore_errors=True)

    def file_names(self) -> list[str]:
        return list(self.written)
