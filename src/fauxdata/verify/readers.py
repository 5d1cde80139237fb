"""Open what ``generate`` wrote, in every format, as DuckDB relations for ``validate``.

Each reader finds a table's data (a DuckDB table, a Parquet/CSV/JSON Lines file, a
Delta table, a database table) and says which columns it really holds, so a column the
spec declares but the data lacks becomes a failed check instead of a SQL error. A file
that cannot be read is a ``TargetError`` naming it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from fauxdata.errors import TargetError
from fauxdata.sinks.bronze import bronze_table_name
from fauxdata.sinks.duckdb_types import duckdb_type, quote, quote_table, sql_string, table_file
from fauxdata.sinks.target import Target
from fauxdata.spec.plan import Plan, ResolvedTable

_SUFFIX = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}


@dataclass(frozen=True)
class Found:
    """A table's data: SQL to read it, the columns it holds, and where it is (for errors)."""

    relation: str
    columns: frozenset[str]
    where: str


Reader = Callable[[duckdb.DuckDBPyConnection, Target, Plan, Mapping[str, str]], dict[str, Found]]


@contextmanager
def opened(
    target: Target, plan: Plan, outputs: Mapping[str, str]
) -> Iterator[tuple[duckdb.DuckDBPyConnection, dict[str, Found]]]:
    """A DuckDB connection reading the target, and what was found of each table.

    ``outputs`` maps each table to its name in the data (the manifest's, else the spec's).

    Raises:
        TargetError: the data cannot be opened or a file of it cannot be read.
    """
    if target.is_database:
        with _database(target, plan, outputs) as found:
            yield found
        return
    readers: dict[str, Reader] = {
        "duckdb": _duckdb,
        "parquet": _files,
        "csv": _files,
        "jsonl": _files,
        "delta": _delta,
    }
    reader = readers.get(target.format)
    if reader is None:
        raise TargetError(f"validate cannot read {target.format} data", path="--data")
    con = duckdb.connect()
    try:
        yield con, reader(con, target, plan, outputs)
    finally:
        con.close()


def unreadable(where: str, exc: BaseException) -> TargetError:
    """One line for data that is there but cannot be read (truncated, not that format)."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return TargetError(
        f"cannot read {where}: {first}",
        path="--data",
        hint="it is damaged or not in the target's format; "
        "regenerate it with fauxdata generate --replay MANIFEST",
        code="unreadable",
    )


def _columns(con: duckdb.DuckDBPyConnection, relation: str, where: str) -> dict[str, str]:
    """The columns (and DuckDB types) a relation holds; reading the header or footer only."""
    try:
        return {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}
    except duckdb.Error as exc:
        raise unreadable(where, exc) from None


def _duckdb(
    con: duckdb.DuckDBPyConnection, target: Target, plan: Plan, outputs: Mapping[str, str]
) -> dict[str, Found]:
    path = target.path.resolve()
    try:
        con.execute(f"ATTACH {sql_string(str(path))} AS data (READ_ONLY)")
    except duckdb.Error as exc:
        raise unreadable(f"{target.path} as a DuckDB file", exc) from None
    held: dict[str, set[str]] = defaultdict(set)
    for schema, table, column in con.execute(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE table_catalog = 'data'"
    ).fetchall():
        held[table if schema == "main" else f"{schema}.{table}"].add(column)
    return {
        name: Found(
            f"data.{quote_table(out)}", frozenset(held[out]), f"table {out} in {target.path}"
        )
        for name, out in outputs.items()
        if out in held
    }


def _files(
    con: duckdb.DuckDBPyConnection, target: Target, plan: Plan, outputs: Mapping[str, str]
) -> dict[str, Found]:
    found = {}
    for name, out in outputs.items():
        path = target.path / table_file(out, _SUFFIX[target.format])
        if path.is_file():
            found[name] = _file(con, target.format, path, plan.tables[name])
    return found


def _file(con: duckdb.DuckDBPyConnection, fmt: str, path: Path, table: ResolvedTable) -> Found:
    """A Parquet file as it is; CSV and JSON Lines typed by the spec for the columns they hold."""
    file = sql_string(str(path.resolve()))
    if fmt == "parquet":
        relation = f"read_parquet({file})"
        return Found(relation, frozenset(_columns(con, relation, str(path))), str(path))
    if fmt == "jsonl" and path.stat().st_size == 0:  # an empty table: no row to show its keys
        empty = ", ".join(
            f"CAST(NULL AS {duckdb_type(c.type)}) AS {quote(c.name)}"
            for c in table.columns.values()
        )
        return Found(f"(SELECT {empty} WHERE false)", frozenset(table.columns), str(path))
    if fmt == "csv":
        held = _columns(con, f"read_csv({file}, header=true, all_varchar=true)", str(path))
    else:
        held = _columns(con, f"read_json({file}, format='newline_delimited')", str(path))
    declared = {c.name: duckdb_type(c.type) for c in table.columns.values()}
    types = ", ".join(
        f"{sql_string(c)}: {sql_string(declared.get(c, kind))}" for c, kind in held.items()
    )
    relation = (
        f"read_csv({file}, header=true, columns={{{types}}}, auto_detect=false)"
        if fmt == "csv"
        else f"read_json({file}, format='newline_delimited', columns={{{types}}})"
    )
    return Found(relation, frozenset(held), str(path))


def _delta(
    con: duckdb.DuckDBPyConnection, target: Target, plan: Plan, outputs: Mapping[str, str]
) -> dict[str, Found]:
    """Bronze Delta tables: the current version, through the Delta log (not every file in
    the folder: older versions' files stay for time travel)."""
    from deltalake import DeltaTable

    found = {}
    for name, out in outputs.items():
        place = _bronze_folder(target.path, plan.spec.name, out)
        if place is None:
            continue
        try:
            dataset = DeltaTable(str(place)).to_pyarrow_dataset()
        except Exception as exc:  # deltalake raises its own errors and OSError for a damaged log
            raise unreadable(f"{place} as a Delta table", exc) from None
        view = f"__delta_{name}"
        con.register(view, dataset)
        found[name] = Found(quote(view), frozenset(dataset.schema.names), str(place))
    return found


def _bronze_folder(root: Path, spec_name: str, out: str) -> Path | None:
    """The folder of a bronze table: the manifest's name, else ``bronze_<spec>_<entity>``,
    else the one ``bronze_<source>_<entity>`` there (the mock workflow names the source)."""
    for candidate in (root / out, root / bronze_table_name(spec_name, out)):
        if candidate.is_dir():
            return candidate
    schema, _, table = out.rpartition(".")  # sales.orders: sales/bronze_<source>_orders
    suffix = bronze_table_name("x", table).removeprefix("bronze_x")
    matches = [p for p in (root / schema).glob(f"bronze_*{suffix}") if p.is_dir()]
    return matches[0] if len(matches) == 1 else None


@contextmanager
def _database(
    target: Target, plan: Plan, outputs: Mapping[str, str]
) -> Iterator[tuple[duckdb.DuckDBPyConnection, dict[str, Found]]]:
    """Read the tables back from the database, read-only, with the columns it holds."""
    from fauxdata.sinks.database import DatabaseSink

    sink = DatabaseSink(target, plan)
    sink.open_read_only()
    try:
        present = sink.table_names()
        held = {}
        for name, out in outputs.items():
            if out in present:
                columns = {c["name"] for c in sink.columns(out)}
                held[name] = frozenset(columns)
                sink.loaded[out] = {
                    c.name: c.type for c in plan.tables[name].columns.values() if c.name in columns
                }
        found = {
            name: Found(
                sink.staged_relation(outputs[name], sink.loaded[outputs[name]]),
                columns,
                f"table {outputs[name]} in {target}",
            )
            for name, columns in held.items()
        }
        yield sink.query_connection(), found
    finally:
        sink.close()
