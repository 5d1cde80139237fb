"""Directory targets: one Parquet, CSV or JSON Lines file per table, streamed."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from fauxdata.sinks.base import Schema, Sink, prepare_folder, withdraw_manifest, write_manifest
from fauxdata.sinks.duckdb_types import duckdb_type, sql_string, table_file
from fauxdata.sinks.target import Target

MANIFEST = "fauxdata-manifest.json"
_SUFFIX = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}


def parquet_encoding(schema: Schema, few_values: frozenset[str]) -> dict[str, list[str]]:
    """Dictionary pages for columns with few distinct values only, and no min/max
    statistics for free text (costly to compute, useless for pruning)."""
    text = {c for c, t in schema.items() if t.is_text}
    return {
        "use_dictionary": [c for c in schema if c in few_values],
        "write_statistics": [c for c in schema if c not in text or c in few_values],
    }


class DirectorySink(Sink):
    def __init__(self, target: Target) -> None:
        super().__init__(target)
        self.suffix = _SUFFIX[target.format]
        self.staging = target.path.parent / f".{target.path.name}.fauxdata-staging-{os.getpid()}"
        self.written: list[str] = []
        self._con: duckdb.DuckDBPyConnection | None = None

    def prepare(self) -> None:
        prepare_folder(self.target.path, self.staging, MANIFEST)

    def _file(self, name: str, root: Path | None = None) -> Path:
        """``sales.orders`` (a table of schema sales) lives in ``sales/orders.parquet``."""
        return (root or self.staging) / table_file(name, self.suffix)

    def write_table(
        self,
        name: str,
        schema: Schema,
        blocks: Iterable[pl.DataFrame],
        few_values: frozenset[str] = frozenset(),
    ) -> int:
        path = self._file(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = 0
        writer: pq.ParquetWriter | pacsv.CSVWriter | None = None
        handle = path.open("wb") if self.target.format == "jsonl" else None
        try:
            for frame in blocks:
                rows += frame.height
                if self.target.format == "jsonl":
                    frame.write_ndjson(handle)  # type: ignore[arg-type]
                    continue
                table = frame.to_arrow()
                if writer is None:
                    if self.target.format == "parquet":
                        writer = pq.ParquetWriter(
                            path,
                            table.schema,
                            compression="snappy",
                            **parquet_encoding(schema, few_values),
                        )
                    else:
                        writer = pacsv.CSVWriter(path, table.schema)
                writer.write_table(table)
            if writer is None and handle is None:  # no rows: still write a file with the schema
                empty = pl.DataFrame(schema={c: pl.String for c in schema}).to_arrow()
                if self.target.format == "parquet":
                    pq.write_table(empty, path)
                else:
                    pacsv.write_csv(empty, path)
        finally:
            if writer is not None:
                writer.close()
            if handle is not None:
                handle.close()
        self.written.append(name)
        return rows

    def staged_relation(self, name: str, schema: Schema) -> str:
        path = sql_string(str(self._file(name).resolve()))
        if self.target.format == "parquet":
            return f"read_parquet({path})"
        columns = (
            "{"
            + ", ".join(f"{sql_string(c)}: {sql_string(duckdb_type(t))}" for c, t in schema.items())
            + "}"
        )
        if self.target.format == "csv":
            return f"read_csv({path}, header=true, columns={columns}, auto_detect=false)"
        return f"read_json({path}, format='newline_delimited', columns={columns})"

    def query_connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = duckdb.connect()
        return self._con

    def commit(self, manifest_json: str) -> None:
        final = self.target.path
        final.mkdir(parents=True, exist_ok=True)
        old_manifest = final / MANIFEST
        previous: list[str] = []
        if old_manifest.exists():
            try:
                previous = list(json.loads(old_manifest.read_text()).get("files", []))
            except (OSError, ValueError):
                previous = []
            withdraw_manifest(final, MANIFEST)
        for name in previous:
            stale = final / name
            if stale.is_file() and name not in self.file_names():
                stale.unlink()
        for name in self.written:
            self._file(name, final).parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._file(name), self._file(name, final))
        write_manifest(final, MANIFEST, manifest_json)
        shutil.rmtree(self.staging, ignore_errors=True)
        if self._con is not None:
            self._con.close()

    def abort(self) -> None:
        if self._con is not None:
            self._con.close()
        shutil.rmtree(self.staging, ignore_errors=True)

    def file_names(self) -> list[str]:
        return [table_file(name, self.suffix).as_posix() for name in self.written]
