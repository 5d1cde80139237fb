"""No target: the tables stay in memory as Polars frames (``generate(spec)``), verified
like any other output."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl

from fauxdata.sinks.arrow_types import arrow_schema
from fauxdata.sinks.base import Schema, Sink
from fauxdata.sinks.duckdb_types import quote
from fauxdata.sinks.target import Target


class MemorySink(Sink):
    def __init__(self) -> None:
        super().__init__(Target("memory", Path("memory")))
        self.frames: dict[str, pl.DataFrame] = {}
        self._con: duckdb.DuckDBPyConnection | None = None

    def prepare(self) -> None:
        """Nothing to prepare: memory holds no previous output."""

    def write_table(
        self,
        name: str,
        schema: Schema,
        blocks: Iterable[pl.DataFrame],
        few_values: frozenset[str] = frozenset(),
    ) -> int:
        parts = list(blocks)
        frame = pl.concat(parts) if parts else pl.DataFrame(arrow_schema(schema).empty_table())
        self.frames[name] = frame
        return frame.height

    def staged_relation(self, name: str, schema: Schema) -> str:
        return quote(f"__faux_{name}")

    def query_connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = duckdb.connect()
            for name, frame in self.frames.items():
                self._con.register(f"__faux_{name}", frame.to_arrow())
        return self._con

    def commit(self, manifest_json: str) -> None:
        self._close()

    def abort(self) -> None:
        self._close()
        self.frames.clear()

    def keep_aside(self) -> Path | None:
        """Failed verification: the frames stay in the result for inspection."""
        self._close()
        return None

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
