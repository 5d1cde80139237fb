"""DuckDB spellings of column types, used for DDL and for typed reads of CSV/JSON."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

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
    "json": "JSON",
}


def duckdb_type(ctype: ColumnType) -> str:
    """The DuckDB type of a column.

    Raises:
        TargetError: a ``struct`` column, whose type only its data knows (Parquet and
            JSON Lines targets store it; elsewhere ``type: json`` does).
    """
    if ctype.name == "struct":
        from fauxdata.errors import TargetError

        raise TargetError(
            "columns of type struct are stored by parquet: targets only",
            path="--to",
            hint="write to parquet:DIR, or declare the column type: json",
        )
    if ctype.name == "decimal":
        return f"DECIMAL({ctype.precision},{ctype.scale})"
    return _DUCKDB[ctype.name]


def quote(name: str) -> str:
    """Quote an identifier for DuckDB SQL."""
    return '"' + name.replace('"', '""') + '"'


def quote_table(name: str) -> str:
    """Quote a table name; ``sales.orders`` (a table read from schema sales) is table
    orders in schema sales, in every database."""
    return ".".join(quote(part) for part in name.split(".", 1))


def schema_of(name: str) -> str | None:
    """The schema part of ``schema.table``, None for a plain name."""
    return name.split(".", 1)[0] if "." in name else None


def table_file(name: str, suffix: str) -> Path:
    """A table's file inside a folder target: ``sales.orders`` -> ``sales/orders.parquet``."""
    return Path(*name.split(".", 1)).with_name(name.split(".", 1)[-1] + suffix)


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def parquet_folder(folder: Path, columns: Iterable[str]) -> str:
    """DuckDB SQL reading every Parquet file in ``folder``; a table written with no rows
    may have no file, which reads as an empty relation with the same columns."""
    if not any(folder.glob("*.parquet")):
        nulls = ", ".join(f"NULL AS {quote(c)}" for c in columns)
        return f"(SELECT {nulls} WHERE false)"
    return f"read_parquet({sql_string(str(folder.resolve() / '*.parquet'))})"
