"""Between column types and the five formula types (text, number, boolean, date, datetime)."""

from __future__ import annotations

import polars as pl

from fauxdata.spec.types import ColumnType

_FORMULA = {
    "smallint": "number", "integer": "number", "bigint": "number", "float": "number",
    "double": "number", "decimal": "number", "text": "text", "varchar": "text", "uuid": "text",
    "boolean": "boolean", "date": "date", "timestamp": "datetime", "timestamptz": "datetime",
    "json": "text",
}  # fmt: skip
_COLUMN = {
    "text": "text", "number": "double", "boolean": "boolean", "date": "date",
    "datetime": "timestamp", "null": "text",
}  # fmt: skip


def formula_type(column: ColumnType) -> str:
    """How a formula sees a column of this type."""
    return _FORMULA[column.name]


def column_type_of(kind: str) -> ColumnType:
    """The column type a formula result is stored as when the column declares none."""
    return ColumnType(_COLUMN[kind])


def formula_type_of_dtype(dtype: pl.DataType) -> str:
    """How a formula sees a Polars column (used when the generator compiles)."""
    if dtype == pl.Boolean:
        return "boolean"
    if dtype.is_numeric():
        return "number"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    return "text"
