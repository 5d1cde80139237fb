"""Delta Lake bronze tables without a JVM, written with the ``deltalake`` package.

``--to delta:PATH`` writes one Delta table per entity under PATH, named
``bronze_<source>_<entity>`` and carrying ``_ingested_at`` and ``_source_system``
(see ``bronze.py``). Blocks stream into Parquet part files (the one Parquet writer, the
same encodings as the Parquet target) in staging, where verification reads them.

Publishing keeps Delta's history and still swaps the folder as a whole, like every folder
target: ``commit`` builds the next state of the whole folder in staging, each previous
table carried over (its ``_delta_log`` copied, its data files hard-linked, so no data is
copied and the previous folder is untouched), then the new part files are added to each
table in an overwrite commit (a new table is created over its files). The staged folder
then replaces the previous one in one swap: a reader sees the previous versions or the
new ones, time travel to earlier versions keeps working, and tables of earlier runs that
this run does not rewrite stay. The Spark engine publishes through the same sink.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from fauxdata.errors import TargetError
from fauxdata.publish.area import remove
from fauxdata.sinks.arrow_types import arrow_type
from fauxdata.sinks.base import Schema
from fauxdata.sinks.bronze import (
    INGESTED_AT,
    METADATA_COLUMNS,
    SOURCE_SYSTEM,
    bronze_table_name,
    ingestion_time,
    source_system,
)
from fauxdata.sinks.duckdb_types import parquet_folder
from fauxdata.sinks.files import FolderStaging
from fauxdata.sinks.parquet_writer import ParquetParts, default_encoders, parquet_encoding
from fauxdata.sinks.target import Target

__all__ = ["DeltaSink", "arrow_type", "bronze_schema", "commit_delta"]


def bronze_schema(schema: Schema) -> pa.Schema:
    """The Arrow schema of a bronze table: the spec's columns, then the metadata columns.

    Raises:
        TargetError: a ``struct`` column (Delta tables take its documents as ``json``).
    """
    if any(ctype.name == "struct" for ctype in schema.values()):
        raise TargetError(
            "columns of type struct are stored by parquet: targets only",
            path="--to",
            hint="declare the column type: json for Delta tables",
        )
    fields = [pa.field(name, arrow_type(ctype)) for name, ctype in schema.items()]
    fields.append(pa.field(INGESTED_AT, pa.timestamp("us", tz="UTC"), nullable=False))
    fields.append(pa.field(SOURCE_SYSTEM, pa.string(), nullable=False))
    return pa.schema(fields)


ROWS_PER_FILE = 4 * 1024 * 1024
"""A new part file every ~4M rows keeps files in the size Delta readers like."""


def commit_delta(
    staged: Path,
    place: Path,
    schema: pa.Schema,
    table: str,
    description: str,
    properties: Mapping[str, str] | None = None,
) -> None:
    """Make the Parquet files in ``staged`` a Delta table version at ``place``: a new
    table is moved into place and created over its files; an existing one receives the
    files and an overwrite commit (older versions stay readable by time travel).
    ``properties`` (the lineage marks) go into the version's commit info and the
    table's properties (see ``mark_table``).

    Raises:
        TargetError: ``place`` exists and is not a Delta table.
    """
    from deltalake import CommitProperties, DeltaTable, Schema
    from deltalake.transaction import AddAction, create_table_with_add_actions

    commit = CommitProperties(custom_metadata=dict(properties or {}))

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
            list(actions), mode="overwrite", schema=schema, commit_properties=commit
        )
    else:
        create_table_with_add_actions(
            str(place),
            Schema.from_arrow(schema),
            actions,
            mode="error",
            name=table,
            description=description,
            commit_properties=commit,
        )
    mark_table(place, properties or {}, created=not existing)


def mark_table(place: Path, properties: Mapping[str, str], *, created: bool) -> None:
    """Keep the lineage marks as table properties (``metadata().configuration``).

    delta-rs refuses keys it does not know when it creates a table (``Error parsing
    property``), so a table just created in staging gets them in its first commit's
    ``metaData`` action, written there before anyone can read the table. An existing
    table keeps its properties across overwrites; when the marks changed (another seed,
    spec or version) they are set by a second commit (``set_table_properties``, told not
    to check the keys), so a rerun of the same spec and seed adds one version, as before.
    """
    from deltalake import DeltaTable

    marks = {k: str(v) for k, v in properties.items()}
    if not marks:
        return
    if created:
        first = place / "_delta_log" / f"{0:020d}.json"
        actions = [json.loads(line) for line in first.read_text().splitlines() if line]
        for action in actions:
            if "metaData" in action:
                action["metaData"].setdefault("configuration", {}).update(marks)
        first.write_text("".join(json.dumps(a) + "\n" for a in actions))
        return
    table = DeltaTable(str(place))
    current = table.metadata().configuration
    if any(current.get(k) != v for k, v in marks.items()):
        table.alter.set_table_properties(marks, raise_if_not_exists=False)


PARTS = ".parts"
"""Staged part files per table, inside the staged folder until commit."""


def carry_table(previous: Path, staged: Path) -> None:
    """Put a previous Delta table into the staged folder without touching it: its log
    copied (small, and the next commit writes there), its data files hard-linked (never
    rewritten by Delta), copied where links are not possible."""
    for root, _, files in os.walk(previous):
        here = Path(root)
        into = staged / here.relative_to(previous)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            if "_delta_log" in here.relative_to(previous).parts:
                shutil.copy2(here / name, into / name)
                continue
            try:
                os.link(here / name, into / name)
            except OSError:
                shutil.copy2(here / name, into / name)


class DeltaSink(FolderStaging):
    """Bronze Delta tables under a folder, staged, then published with one folder swap."""

    def __init__(self, target: Target, source: str, ingested_at: dt.datetime | None = None) -> None:
        super().__init__(target)
        self.source = source
        self.ingested_at = ingestion_time(ingested_at)
        self.written: dict[str, pa.Schema] = {}

    def table_name(self, entity: str) -> str:
        return bronze_table_name(self.source, entity)

    def published_name(self, name: str) -> str:
        return self.table_name(name)

    def stage_folder(self, name: str) -> Path:
        return self.staging / PARTS / self.table_name(name)

    def adopt(self, name: str, schema: Schema) -> None:
        self.written[self.table_name(name)] = bronze_schema(schema)

    def parquet_parts(self, schema: Schema, few_values: frozenset[str]) -> ParquetParts:
        """How a bronze table's part files are written (here and in Spark's tasks): the
        spec's columns in Delta's types, then the two metadata columns."""
        encoding = parquet_encoding(schema, few_values)
        encoding["use_dictionary"] = [*encoding["use_dictionary"], *METADATA_COLUMNS]
        encoding["write_statistics"] = [*encoding["write_statistics"], *METADATA_COLUMNS]
        return ParquetParts(
            bronze_schema(schema),
            encoding,
            dict(self.lineage),
            rows_per_file=ROWS_PER_FILE,
            bronze=(self.ingested_at, source_system(self.source)),
        )

    def write_table(
        self,
        name: str,
        schema: Schema,
        blocks: Iterable[pl.DataFrame],
        few_values: frozenset[str] = frozenset(),
    ) -> int:
        folder = self.stage_folder(name)
        folder.mkdir(parents=True)
        rows = self.parquet_parts(schema, few_values).write(
            blocks,
            lambda part: folder / f"part-{part:05d}-{uuid.uuid4()}-c000.snappy.parquet",
            encoders=default_encoders(),
        )
        self.adopt(name, schema)
        return rows

    def staged_relation(self, name: str, schema: Schema) -> str:
        return parquet_folder(self.stage_folder(name), schema)

    def commit(self, manifest_json: str) -> None:
        for table in self.previous:
            carry_table(self.area.final / table, self.staging / table)
        description = f"fauxdata mock data ({source_system(self.source)})"
        for table, schema in self.written.items():
            staged = self.staging / PARTS / table
            place = self.staging / table
            place.parent.mkdir(parents=True, exist_ok=True)  # sales/bronze_hr_orders
            commit_delta(staged, place, schema, place.name, description, self.lineage)
        remove(self.staging / PARTS)
        self.publish_staged(manifest_json)

    def file_names(self) -> list[str]:
        return sorted({*self.previous, *self.written})
