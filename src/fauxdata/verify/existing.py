"""Verify data that already exists at a target (``fauxdata validate``)."""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict

import duckdb

from fauxdata.engine.engine import Engine
from fauxdata.errors import FauxdataError, TargetError
from fauxdata.manifest import read_manifest
from fauxdata.run import plan_for
from fauxdata.sinks import parse_target
from fauxdata.sinks.database import DatabaseSink
from fauxdata.sinks.duckdb_types import duckdb_type, quote_table, sql_string, table_file
from fauxdata.sinks.target import Target
from fauxdata.spec.plan import Plan
from fauxdata.verify.checks import verify
from fauxdata.verify.result import Report

_SUFFIX = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}


class _Overrides(TypedDict, total=False):
    """What a run's manifest records under "overrides" (see fauxdata.manifest)."""

    rows: dict[str, int] | None
    scale: float | None
    tables: list[str] | None


def validate_target(spec: str | Path, data: str) -> Report:
    """Check the data at ``data`` against ``spec``; row counts follow the run's manifest.

    Raises:
        TargetError: the data cannot be opened.
    """
    target = parse_target(data)
    if not target.is_database and not target.path.exists():
        raise TargetError(f"no data at {target.path}", path="--data")
    overrides: _Overrides = {}
    try:
        manifest = read_manifest(target.manifest_path)
        overrides = manifest.get("overrides") or _Overrides()
    except FauxdataError:
        manifest = None
    plan = plan_for(
        spec,
        rows=overrides.get("rows") or None,
        scale=float(overrides.get("scale") or 1.0),
        tables=overrides.get("tables") or None,
    )
    plan = Engine(plan).plan  # row counts of tables generated per parent
    if target.is_database:
        return _validate_database(plan, target)
    con = duckdb.connect()
    try:
        if target.format == "duckdb":
            try:
                con.execute(f"ATTACH {sql_string(str(target.path.resolve()))} AS data (READ_ONLY)")
            except duckdb.Error as exc:
                raise TargetError(
                    f"cannot open {target.path} as DuckDB: {exc}", path="--data"
                ) from None
            present = {
                name
                for schema, table in con.execute(
                    "SELECT table_schema, table_name FROM information_schema.tables WHERE table_catalog = 'data'"
                ).fetchall()
                for name in ([f"{schema}.{table}"] if schema != "main" else [table])
            }

            def relation(name: str) -> str | None:
                out = plan.tables[name].output_name
                return f"data.{quote_table(out)}" if out in present else None
        else:

            def relation(name: str) -> str | None:
                table = plan.tables[name]
                path = target.path / table_file(table.output_name, _SUFFIX[target.format])
                if not path.exists():
                    return None
                file = sql_string(str(path.resolve()))
                if target.format == "parquet":
                    return f"read_parquet({file})"
                columns = (
                    "{"
                    + ", ".join(
                        f"{sql_string(c.name)}: {sql_string(duckdb_type(c.type))}"
                        for c in table.columns.values()
                    )
                    + "}"
                )
                if target.format == "csv":
                    return f"read_csv({file}, header=true, columns={columns}, auto_detect=false)"
                return f"read_json({file}, format='newline_delimited', columns={columns})"

        return verify(plan, con, relation)
    finally:
        con.close()


def _validate_database(plan: Plan, target: Target) -> Report:
    """Read the spec's tables back from the database (read-only) and verify them."""
    sink = DatabaseSink(target, plan)
    sink.open_read_only()
    try:
        present = sink.table_names()
        for name in plan.selected:
            table = plan.tables[name]
            if table.output_name in present:
                sink.loaded[table.output_name] = {c.name: c.type for c in table.columns.values()}

        def relation(name: str) -> str | None:
            out = plan.tables[name].output_name
            return sink.staged_relation(out, sink.loaded[out]) if out in sink.loaded else None

        return verify(plan, sink.query_connection(), relation)
    finally:
        sink.close()
