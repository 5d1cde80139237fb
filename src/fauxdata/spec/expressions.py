"""SQL expressions compiled to Polars expressions, and the types they produce."""

from __future__ import annotations

import re
from functools import cache

import polars as pl

from fauxdata.spec.types import ColumnType


@cache
def compile_sql(expression: str) -> pl.Expr:
    """Parse a SQL expression.

    Raises:
        ValueError: it does not parse, with Polars' reason.
    """
    try:
        return pl.sql_expr(null_safe_division(expression))
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise ValueError(f"SQL expression '{expression}' does not parse: {exc}") from None


def might_divide(expression: str) -> bool:
    """Whether the SQL text can hold a division at all: sqlglot reads one only from
    ``/``, ``%``, ``DIV`` or ``MOD``. Text without them is not parsed for divisions, so a
    spec whose expressions only add and multiply never imports sqlglot (0.1 CPU-s)."""
    return _DIVIDES.search(expression) is not None


_DIVIDES = re.compile(r"[/%]|div|mod", re.IGNORECASE)


def null_safe_division(expression: str) -> str:
    """``a / b`` as ``a / NULLIF(b, 0)`` (likewise ``%``): division by zero gives NULL, as
    in SQL databases, instead of inf, NaN or an error. Text without a division is kept as
    written. (sqlglot is imported here, not with the module: it costs 0.1 CPU-s, and a
    spec without SQL expressions never needs it.)"""
    if not might_divide(expression):
        return expression
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(expression, read="postgres")
    except sqlglot.errors.SqlglotError:
        return expression  # Polars reports its own reason
    divisions = list(tree.find_all(exp.Div, exp.Mod, exp.IntDiv))
    if not divisions:
        return expression
    for node in divisions:
        node.set("expression", exp.Nullif(this=node.expression, expression=exp.Literal.number(0)))
    return tree.sql("postgres")


_TO_POLARS = {
    "smallint": pl.Int16, "integer": pl.Int32, "bigint": pl.Int64, "float": pl.Float32,
    "double": pl.Float64, "text": pl.String, "varchar": pl.String, "uuid": pl.String,
    "boolean": pl.Boolean, "date": pl.Date, "json": pl.String,
}  # fmt: skip


def polars_type(ctype: ColumnType) -> pl.DataType:
    """The Polars dtype a column of this type is stored as."""
    if ctype.name == "decimal":
        return pl.Decimal(ctype.precision or 18, ctype.scale or 0)
    if ctype.name == "timestamp":
        return pl.Datetime("us")
    if ctype.name == "timestamptz":
        return pl.Datetime("us", "UTC")
    return _TO_POLARS[ctype.name]()


def column_type(dtype: pl.DataType) -> ColumnType:
    """The column type that stores a Polars dtype."""
    if dtype.is_integer():
        return ColumnType("bigint")
    if dtype.is_float():
        return ColumnType("double")
    if isinstance(dtype, pl.Decimal):
        return ColumnType("decimal", precision=dtype.precision or 38, scale=dtype.scale or 0)
    if dtype == pl.Boolean:
        return ColumnType("boolean")
    if dtype == pl.Date:
        return ColumnType("date")
    if isinstance(dtype, pl.Datetime):
        return ColumnType("timestamptz" if dtype.time_zone else "timestamp")
    return ColumnType("text")


def result_type(expression: str, inputs: dict[str, ColumnType]) -> ColumnType:
    """The type the expression yields over columns of the given types.

    Raises:
        ValueError: the expression fails on those types (e.g. text plus number).
    """
    frame = pl.DataFrame(schema={name: polars_type(t) for name, t in inputs.items()})
    try:
        dtype = frame.select(compile_sql(expression).alias("v")).schema["v"]
    except pl.exceptions.PolarsError as exc:
        reason = str(exc).strip().splitlines()[0]
        raise ValueError(
            f"SQL expression '{expression}' fails on columns {_show(inputs)}: {reason}"
        ) from None
    return column_type(dtype)


def _show(inputs: dict[str, ColumnType]) -> str:
    return ", ".join(f"{k} {v}" for k, v in inputs.items()) or "(none)"
