"""Directory targets: one Parquet, CSV or JSON Lines file per table, streamed.

The whole new folder is staged beside the target and swapped in at once (see
``fauxdata.publish.area``); the previous folder is replaced only when its manifest
proves fauxdata wrote everything in it (``fauxdata.publish.trust``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.csv as pacsv

from fauxdata.publish.trust import MANIFEST, trusted_files
from fauxdata.sinks.arrow_types import arrow_schema
from fauxdata.sinks.base import Schema, StagedSink
from fauxdata.sinks.duckdb_types import duckdb_type, parquet_folder, sql_string, table_file
from fauxdata.sinks.parquet_writer import ParquetParts, default_encoders, parquet_encoding
from fauxdata.sinks.target import Target

__all__ = ["MANIFEST", "DirectorySink", "FolderStaging"]

_SUFFIX = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}


class FolderStaging(StagedSink):
    """What folder targets share: a staged copy of the whole folder, swapped in on commit."""

    def __init__(self, target: Target) -> None:
        super().__init__(target, folder=True)
        self.previous: list[str] = []
        """Entries of the current folder, proved fauxdata's by its manifest."""

    def prepare(self) -> None:
        self.area.create()
        try:
            self.previous = trusted_files(self.area.final)
        except BaseException:
            self.area.discard()
            raise

    def query_connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = self.reading_connection()
        return self._con

    def publish_staged(self, manifest_json: str) -> None:
        """Write the manifest into the staged folder, then swap it in."""
        self._close()
        (self.staging / MANIFEST).write_text(manifest_json)
        self.area.publish()


class DirectorySink(FolderStaging):
    def __init__(self, target: Target) -> None:
        super().__init__(target)
        self.suffix = _SUFFIX[target.format]
        self.entries: dict[str, str] = {}
        """Table name -> its file (or, for Spark, its folder of Parquet parts)."""

    def write_table(
        self,
        name: str,
        schema: Schema,
        blocks: Iterable[pl.DataFrame],
        few_values: frozenset[str] = frozenset(),
    ) -> int:
        if self.target.format != "parquet" and any(t.name == "struct" for t in schema.values()):
            duckdb_type(next(t for t in schema.values() if t.name == "struct"))  # says why
        path = self.staging / table_file(name, self.suffix)  # sales.orders: sales/orders.parquet
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.target.format == "parquet":
            rows = self.parquet_parts(schema, few_values).write(
                blocks, lambda _: path, encoders=default_encoders()
            )
        elif self.target.format == "csv":
            rows = _write_csv(blocks, path, schema)
        else:
            rows = 0
            with path.open("wb") as handle:
                for frame in blocks:
                    rows += frame.height
                    frame.write_ndjson(handle)
        self.entries[name] = table_file(name, self.suffix).as_posix()
        return rows

    @property
    def reads_arrow(self) -> bool:
        return self.target.format == "parquet"

    def parquet_parts(self, schema: Schema, few_values: frozenset[str]) -> ParquetParts:
        """How this target writes a table's Parquet (here and in Spark's tasks)."""
        return ParquetParts(
            arrow_schema(schema), parquet_encoding(schema, few_values), dict(self.lineage)
        )

    def stage_folder(self, name: str) -> Path:
        """Spark's folder of Parquet parts for a table: ``sales.orders`` -> ``sales/orders``."""
        return self.staging / table_file(name, "")

    def adopt(self, name: str, schema: Schema) -> None:
        self.entries[name] = table_file(name, "").as_posix()

    def staged_relation(self, name: str, schema: Schema) -> str:
        path = self.staging / self.entries[name]
        if path.is_dir():
            return parquet_folder(path, schema)
        source = sql_string(str(path))
        if self.target.format == "parquet":
            return f"read_parquet({source})"
        columns = (
            "{"
            + ", ".join(f"{sql_string(c)}: {sql_string(duckdb_type(t))}" for c, t in schema.items())
            + "}"
        )
        if self.target.format == "csv":
            return f"read_csv({source}, header=true, columns={columns}, auto_detect=false)"
        return f"read_json({source}, format='newline_delimited', columns={columns})"

    def commit(self, manifest_json: str) -> None:
        self.publish_staged(manifest_json)

    def file_names(self) -> list[str]:
        return list(self.entries.values())


def _write_csv(blocks: Iterable[pl.DataFrame], path: Path, schema: Schema) -> int:
    """CSV with a header; a table with no rows is the header alone."""
    rows = 0
    writer: pacsv.CSVWriter | None = None
    try:
        for frame in blocks:
            table = frame.to_arrow()
            if writer is None:
                writer = pacsv.CSVWriter(path, table.schema)
            writer.write_table(table)
            rows += frame.height
        if writer is None:
            pacsv.write_csv(arrow_schema(schema).empty_table(), path)
    finally:
        if writer is not None:
            writer.close()
    return rows
