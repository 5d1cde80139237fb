"""DuckDB spellings of column types, used for DDL and for typed reads of CSV/JSON."""

from __future__ import annotations

from fauxdata.spec.types import ColumnType

_DUCKDB = {
    "smallint": "SMALLINT",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "float": "REAL",
    "double": "DOUBLE",
    "text": "VARCHAR",
    "varchar": "VARCHAR",
    "uuid": "UUID",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "timestamptz": "TIMESTAMPTZ",
}


def duckdb_type(ctype: ColumnType) -> str:
    if ctype.name == "decimal":
        return f"DECIMAL({ctype.precision},{ctype.scale})"
    return _DUCKDB[ctype.name]


def quote(name: str) -> str:
    """Quote an identifier for DuckDB SQL."""
    return '"' + name.replace('"', '""') + '"'


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
