"""Cast a generated column to its declared SQL-ish type, so every value fits the column."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import numpy as np
import polars as pl
import pyarrow as pa

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
        longest = series.str.len_bytes().max()  # an upper bound on characters, far cheaper
        if longest is not None and longest > ctype.length:  # type: ignore[operator]
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
    mid-word only when its first word alone is longer.

    Unique columns are cut by character (``words=False``): a word cut drops more and so
    makes collisions likelier, and generators that promise uniqueness fit the width.
    """
    if not words:
        return series.str.slice(0, length)
    keep = _ascii_word_cut(series, length)
    if keep is not None:
        return pl.select(pl.lit(series).str.slice(0, pl.lit(keep))).to_series().alias(series.name)
    # The last run of text followed by whitespace within length + 1 characters: a word
    # that ends exactly at the limit keeps its place.
    hard = series.str.slice(0, length)
    head = series.str.slice(0, length + 1).str.extract(r"(?s)^(.*\S)\s", 1)
    too_long = series.str.len_chars() > length
    return (
        pl.select(pl.when(too_long).then(pl.coalesce(head, hard)).otherwise(series))
        .to_series()
        .alias(series.name)
    )


_ASCII_SPACE = np.isin(np.arange(256), [9, 10, 11, 12, 13, 32])
"""Per byte: one of the ASCII characters in Unicode's White_Space (the regex's \\s);
a table lookup per byte, several times faster than ``np.isin``."""


def _ascii_word_cut(series: pl.Series, length: int) -> pl.Series | None:
    """How many characters of each value ``cut`` keeps, found with NumPy over the bytes
    (the regex cost 15% of a TPC-H run); None when the text is not all ASCII, where
    characters are not bytes and the regex decides.

    The same rule as the regex: in the first ``length + 1`` characters, the last place
    where a non-space is followed by whitespace; without one, ``length``.
    """
    array = series.to_arrow().cast(pa.large_string())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if len(array) == 0 or array.buffers()[2] is None:
        return None
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[
        array.offset : array.offset + len(array) + 1
    ]
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    if data.size and int(data.max()) >= 128:
        return None
    sizes = np.diff(offsets)
    long_rows = np.flatnonzero(sizes > length)
    keep = sizes.copy()
    if long_rows.size:
        space = _ASCII_SPACE[data]
        # Where a word ends: whitespace after a non-space, never at a value's first byte.
        ends = np.flatnonzero(space[1:] & ~space[:-1]) + 1
        starts = offsets[long_rows] - offsets[0]
        if ends.size:
            last = ends[np.maximum(np.searchsorted(ends, starts + length, side="right") - 1, 0)]
            keep[long_rows] = np.where(
                (last > starts) & (last <= starts + length), last - starts, length
            )
        else:
            keep[long_rows] = length
    return pl.Series(keep)
