"""Cast a generated column to its declared SQL-ish type, so every value fits the column."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import polars as pl

from fauxdata.errors import GenerationError
from fauxdata.spec.expressions import polars_type
from fauxdata.spec.types import INTEGER_BOUNDS, ColumnType


def cast_column(
    series: pl.Series, ctype: ColumnType, path: str, *, words: bool = True, key: bool = False
) -> pl.Series:
    """Cast to the declared type; out-of-range values are an error, long text is cut
    (at a word boundary with ``words``, see ``cut``), except in a key column, where cut
    values could repeat: an error too.

    Raises:
        GenerationError: a value does not fit the declared type.
    """
    if ctype.name == "struct":
        return series  # nested documents keep the dtype their generator gave them
    if ctype.name == "timestamptz":
        if isinstance(series.dtype, pl.Datetime):
            if series.dtype.time_zone is None:
                return series.dt.replace_time_zone("UTC")
            return series
        return series.cast(pl.Datetime("us", "UTC"))
    if (
        ctype.name == "timestamp"
        and isinstance(series.dtype, pl.Datetime)
        and series.dtype.time_zone
    ):
        return series.dt.replace_time_zone(None)
    target = polars_type(ctype)
    if ctype.is_integer and series.dtype.is_numeric():
        low, high = INTEGER_BOUNDS[ctype.name]
        # A numeric Series (checked above) has numeric extremes, None when all null.
        smallest = cast("int | float | Decimal | None", series.min())
        largest = cast("int | float | Decimal", series.max())
        if smallest is not None and (smallest < low or largest > high):
            raise GenerationError(
                f"values from {smallest} to {largest} do not fit type {ctype} [{low}, {high}]",
                path=path,
                hint="use a wider type or narrower generator bounds",
            )
    if ctype.name == "decimal" and series.dtype.is_float():
        series = series.round(ctype.scale or 0)
    if series.dtype != target:
        try:
            series = series.cast(target, strict=True)
        except pl.exceptions.PolarsError as exc:
            raise GenerationError(
                f"cannot store generated {series.dtype} values as {ctype}: {exc}", path=path
            ) from None
    if ctype.name == "varchar" and ctype.length is not None and series.len():
        longest = series.str.len_chars().max()
        if longest is not None and longest > ctype.length:  # type: ignore[operator]
            if key:
                raise GenerationError(
                    f"key values of up to {longest!s} characters do not fit {ctype}; "
                    "cut, they could repeat",
                    path=f"{path}.type",
                    hint=f"use varchar({longest!s}) or wider",
                )
            series = cut(series, ctype.length, words=words)
    return series


def cut(series: pl.Series, length: int, *, words: bool = True) -> pl.Series:
    """Text longer than ``length`` cut to fit: after its last whole word that fits, or
    mid-word only when its first word alone is longer. One regex over the column.

    Unique columns are cut by character (``words=False``): a word cut drops more and so
    makes collisions likelier, and generators that promise uniqueness fit the width.
    """
    hard = series.str.slice(0, length)
    if not words:
        return hard
    # The last run of text followed by whitespace within length + 1 characters: a word
    # that ends exactly at the limit keeps its place.
    head = series.str.slice(0, length + 1).str.extract(r"(?s)^(.*\S)\s", 1)
    too_long = series.str.len_chars() > length
    return (
        pl.select(pl.when(too_long).then(pl.coalesce(head, hard)).otherwise(series))
        .to_series()
        .alias(series.name)
    )
