"""Read a DuckDB file's schema from DuckDB's own catalog functions.

DuckDB has no SQLAlchemy dialect that works with SQLAlchemy 2.1 (duckdb-engine queries
PostgreSQL catalog tables DuckDB lacks), and its catalog already says everything
reflection would: ``duckdb_columns()``, ``duckdb_constraints()``, enum labels in the type.
The file is opened read-only and no row is read.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from fauxdata.errors import FauxdataError
from fauxdata.introspect.model import SourceColumn, SourceForeignKey, SourceSchema, SourceTable
from fauxdata.introspect.source import require
from fauxdata.sinks.duckdb_sink import MANIFEST_TABLE

_TYPES = {
    "tinyint": "smallint",
    "smallint": "smallint",
    "utinyint": "smallint",
    "integer": "integer",
    "usmallint": "integer",
    "bigint": "bigint",
    "uinteger": "bigint",
    "ubigint": "numeric",
    "hugeint": "numeric",
    "uhugeint": "numeric",
    "float": "float",
    "double": "double",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp_ns": "timestamp",
    "timestamp_ms": "timestamp",
    "timestamp_s": "timestamp",
    "timestamp with time zone": "timestamptz",
    "uuid": "uuid",
    "varchar": "varchar",
    "blob": "bytea",
    "interval": "interval",
    "json": "json",
}
_LABEL = re.compile(r"'((?:[^']|'')*)'")


def read_duckdb_schema(
    path: str, *, url: str, schema: str | None, tables: list[str] | None
) -> SourceSchema:
    """The schema of the DuckDB database at ``path`` (``main`` unless ``schema`` says).

    Raises:
        FauxdataError: the file is missing or not a DuckDB database, or a named schema or
            table does not exist.
    """
    if not Path(path).is_file():
        raise FauxdataError(f"DuckDB file {path} not found", path="--from")
    try:
        con = duckdb.connect(path, read_only=True)
    except duckdb.Error as exc:
        raise FauxdataError(
            f"cannot open {path} as DuckDB: {str(exc).splitlines()[0]}", path="--from"
        ) from None
    try:
        wanted = schema or "main"
        schemas = [
            r[0]
            for r in con.execute("SELECT DISTINCT schema_name FROM duckdb_schemas()").fetchall()
        ]
        require("schema", wanted, schemas, url, "--schema")
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? "
                "AND database_name = current_database() ORDER BY table_oid",
                [wanted],
            ).fetchall()
            if r[0] != MANIFEST_TABLE  # fauxdata's own record of a run, not the user's data
        ]
        for name in tables or []:
            require("table", name, names, url, "--tables")
        result = {name: SourceTable(name, {}) for name in names}
        for table, column, data_type, nullable, precision, scale, default in con.execute(
            "SELECT table_name, column_name, data_type, is_nullable, numeric_precision, "
            "numeric_scale, column_default FROM duckdb_columns() WHERE schema_name = ? "
            "AND database_name = current_database() ORDER BY table_oid, column_index",
            [wanted],
        ).fetchall():
            if table in result:
                result[table].columns[column] = duckdb_column(
                    column, data_type, nullable, precision, scale, default
                )
        for table, kind, columns, expression, parent, parent_columns in con.execute(
            "SELECT table_name, constraint_type, constraint_column_names, expression, "
            "referenced_table, referenced_column_names FROM duckdb_constraints() "
            "WHERE schema_name = ? AND database_name = current_database() "
            "ORDER BY table_oid, constraint_index",
            [wanted],
        ).fetchall():
            if table in result:
                _constraint(result[table], kind, list(columns), expression, parent, parent_columns)
    finally:
        con.close()
    return SourceSchema(dialect="duckdb", url=url, schema=schema, tables=result)


def duckdb_column(
    name: str,
    data_type: str,
    nullable: bool,
    precision: int | None,
    scale: int | None,
    default: str | None,
) -> SourceColumn:
    column = SourceColumn(name=name, type="text", nullable=bool(nullable), default=default)
    text = data_type.strip()
    if text.endswith("[]"):
        column.type, column.array_of = "array", _TYPES.get(text[:-2].lower(), text[:-2].lower())
    elif text.upper().startswith("ENUM("):
        column.type = "enum"
        column.labels = [label.replace("''", "'") for label in _LABEL.findall(text)]
    elif text.upper().startswith("DECIMAL"):
        column.type, column.precision, column.scale = "numeric", precision, scale
    else:
        base = text.lower()
        column.type = _TYPES.get(base, base)
        if column.type == "numeric":
            column.precision, column.scale = 38, 0
    if default and default.lower().startswith("nextval("):
        column.identity = True
    return column


def _constraint(
    table: SourceTable,
    kind: str,
    columns: list[str],
    expression: str | None,
    parent: str | None,
    parent_columns: list[str] | None,
) -> None:
    if kind == "PRIMARY KEY":
        table.primary_key = columns
    elif kind == "UNIQUE" and columns not in table.unique:
        table.unique.append(columns)
    elif kind == "FOREIGN KEY" and parent:
        table.foreign_keys.append(SourceForeignKey(columns, parent, list(parent_columns or [])))
    elif kind == "CHECK" and expression:
        if len(columns) == 1 and columns[0] in table.columns:
            table.columns[columns[0]].checks.append(expression)
        else:
            table.checks.append(expression)
