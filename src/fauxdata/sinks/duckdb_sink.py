"""The default target: one embedded DuckDB file, written under a staging name beside it
and renamed over it in one step (see ``fauxdata.publish.area``)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import duckdb
import polars as pl

from fauxdata.errors import TargetError
from fauxdata.lineage import comment
from fauxdata.sinks.base import Schema, StagedSink
from fauxdata.sinks.duckdb_types import duckdb_type, quote, quote_table, schema_of, sql_string
from fauxdata.sinks.target import Target

MANIFEST_TABLE = "_fauxdata_manifest"


def is_fauxdata_database(path: os.PathLike[str] | str) -> bool:
    """True when the DuckDB file holds fauxdata's manifest table."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            found = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                [MANIFEST_TABLE],
            ).fetchone()
    except duckdb.Error:
        return False
    return bool(found and found[0])


class DuckDBSink(StagedSink):
    def __init__(self, target: Target) -> None:
        super().__init__(target, folder=False)

    def prepare(self) -> None:
        path = self.target.path
        if path.exists():
            if path.is_dir():
                raise TargetError(f"{path} is a directory, expected a DuckDB file", path="--to")
            if not is_fauxdata_database(path):
                raise TargetError(
                    f"refusing to overwrite {path}: it was not written by fauxdata",
                    path="--to",
                    hint="choose a new file name or remove the file yourself",
                )
        self.area.create()
        try:
            self._con = duckdb.connect(str(self.staging))
        except duckdb.Error as exc:
            raise TargetError(f"cannot create {path}: {exc}", path="--to") from None

    def write_table(
        self,
        name: str,
        schema: Schema,
        blocks: Iterable[pl.DataFrame],
        few_values: frozenset[str] = frozenset(),
    ) -> int:
        assert self._con is not None, "prepare() first"
        columns = ", ".join(f"{quote(c)} {duckdb_type(t)}" for c, t in schema.items())
        if schema_of(name):
            self._con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema_of(name) or '')}")
        self._con.execute(f"CREATE OR REPLACE TABLE {quote_table(name)} ({columns})")
        if self.lineage:
            self._con.execute(
                f"COMMENT ON TABLE {quote_table(name)} IS {sql_string(comment(self.lineage))}"
            )
        rows = 0
        for frame in blocks:
            rows += frame.height
            self._con.register("__fauxdata_block", frame.to_arrow())
            self._con.execute(f"INSERT INTO {quote_table(name)} SELECT * FROM __fauxdata_block")
            self._con.unregister("__fauxdata_block")
        return rows

    def staged_relation(self, name: str, schema: Schema) -> str:
        return quote_table(name)

    def query_connection(self) -> duckdb.DuckDBPyConnection:
        assert self._con is not None, "prepare() first"
        return self._con

    def commit(self, manifest_json: str) -> None:
        con = self._con or duckdb.connect(str(self.staging))
        con.execute(f"CREATE OR REPLACE TABLE {MANIFEST_TABLE} (manifest JSON)")
        con.execute(f"INSERT INTO {MANIFEST_TABLE} VALUES (?)", [manifest_json])
        con.execute("CHECKPOINT")
        con.close()
        self._con = None
        wal = self.target.path.with_name(self.target.path.name + ".wal")
        if wal.exists():
            wal.unlink()
        self.area.publish()
        manifest_file = self.target.manifest_path
        manifest_file.with_name(manifest_file.name + ".tmp").write_text(manifest_json)
        os.replace(manifest_file.with_name(manifest_file.name + ".tmp"), manifest_file)
