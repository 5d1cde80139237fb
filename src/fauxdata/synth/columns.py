"""Seed columns as arrays the model fits: numbers (with their unit) or category codes.

A column is *numeric* (integers, floats, decimals, dates as days, timestamps as
microseconds) or *categorical* (text, booleans, and integer columns with at most
``DISCRETE_MAX`` distinct values, such as a count of cylinders). Categories seen in fewer
than ``min_rows`` seed rows are *rare*: their rows get code ``RARE`` and their labels
never reach the model, so they can never be emitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.errors import FauxdataError

DISCRETE_MAX = 20
NULL, RARE = -1, -2
Unit = Literal["number", "date", "timestamp"]


@dataclass
class Prepared:
    """One seed column ready to fit."""

    name: str
    kind: Literal["numeric", "categorical"]
    type: str
    null_rate: float
    values: npt.NDArray[np.float64]  # numeric: NaN where NULL; categorical: unused
    codes: npt.NDArray[np.int64]  # categorical: label index, NULL or RARE; numeric: unused
    labels: list[Any]
    counts: npt.NDArray[np.int64]
    integer: bool = False
    decimals: int | None = None
    unit: Unit = "number"


def _decimals(x: npt.NDArray[np.float64]) -> int | None:
    """The fewest decimals (up to 6) that write every seed value exactly, else None."""
    finite = x[np.isfinite(x)]
    for d in range(7):
        if np.allclose(
            np.round(finite, d),
            finite,
            rtol=0,
            atol=1e-9 * max(1.0, float(np.abs(finite).max(initial=0))),
        ):
            return d
    return None


def _categorical(name: str, series: pl.Series, type_: str, min_rows: int) -> Prepared:
    n = series.len()
    counts_frame = series.drop_nulls().value_counts(sort=True, name="n")
    frequent = counts_frame.filter(pl.col("n") >= min_rows)
    if series.dtype.is_numeric() or series.dtype == pl.Boolean:
        frequent = frequent.sort(name)  # ordered labels keep the copula's order meaningful
    labels = frequent[name].to_list()
    lookup = pl.DataFrame({name: frequent[name], "code": np.arange(len(labels), dtype=np.int64)})
    codes = (
        series.to_frame()
        .join(lookup, on=name, how="left", maintain_order="left")
        .select(
            pl.when(pl.col(name).is_null()).then(NULL).otherwise(pl.col("code").fill_null(RARE))
        )
        .to_series()
        .to_numpy()
        .astype(np.int64)
    )
    return Prepared(
        name=name,
        kind="categorical",
        type=type_,
        null_rate=series.null_count() / n if n else 0.0,
        values=np.empty(0),
        codes=codes,
        labels=labels,
        counts=frequent["n"].to_numpy().astype(np.int64),
    )


def learnable(frame: pl.DataFrame, min_rows: int) -> tuple[list[str], dict[str, str]]:
    """The seed's columns a model can learn, and why each other one cannot: fitting a
    whole table should not stop at its ``iata`` code or ``Individual ID``, which are
    identifiers (every value rare) and belong to a key or mock generator."""
    names: list[str] = []
    skipped: dict[str, str] = {}
    for name in frame.columns:
        try:
            prepare(frame, name, min_rows, name)
        except FauxdataError as exc:
            skipped[name] = f"{exc.message} ({exc.hint})" if exc.hint else exc.message
        else:
            names.append(name)
    return names, skipped


def prepare(frame: pl.DataFrame, name: str, min_rows: int, path: str) -> Prepared:
    """Turn one seed column into arrays; the output type follows the seed's.

    Raises:
        FauxdataError: the column's type cannot be synthesized, or (for categories)
            no category has ``min_rows`` rows, so nothing could be emitted.
    """
    series = frame[name]
    dtype = series.dtype
    n = series.len()
    if dtype == pl.Boolean:
        out = _categorical(name, series, "boolean", min_rows)
    elif dtype.is_integer() and series.n_unique() <= DISCRETE_MAX:
        out = _categorical(name, series.cast(pl.Int64), "bigint", min_rows)
    elif dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        out = _categorical(name, series.cast(pl.String), "text", min_rows)
    elif dtype.is_numeric():
        values = series.cast(pl.Float64).to_numpy().astype(np.float64)
        decimals: int | None
        if isinstance(dtype, pl.Decimal):
            type_, decimals = f"decimal({dtype.precision or 18},{dtype.scale})", dtype.scale
        elif dtype.is_integer():
            type_, decimals = "bigint", 0
        else:
            type_, decimals = "double", _decimals(values)
        out = _numeric(name, values, type_, n, decimals=decimals, integer=dtype.is_integer())
    elif dtype == pl.Date:
        days = series.cast(pl.Int32).cast(pl.Float64).to_numpy().astype(np.float64)
        out = _numeric(name, days, "date", n, decimals=0, integer=True, unit="date")
    elif isinstance(dtype, pl.Datetime):
        micros = series.dt.cast_time_unit("us").cast(pl.Int64).cast(pl.Float64)
        values = micros.to_numpy().astype(np.float64)
        whole = np.all(np.mod(values[np.isfinite(values)], 1e6) == 0)
        type_ = "timestamptz" if dtype.time_zone else "timestamp"
        out = _numeric(
            name, values, type_, n, decimals=-6 if whole else 0, integer=True, unit="timestamp"
        )
    else:
        raise FauxdataError(
            f"column '{name}' is {dtype}; fauxdata synthesizes numbers, dates, timestamps, "
            "text and booleans",
            path=path,
            hint="leave it out of synthesize.columns and give it a generator",
        )
    if out.kind == "categorical" and not out.labels and out.null_rate < 1:
        raise FauxdataError(
            f"no value of '{name}' occurs in {min_rows} or more seed rows, so every value is "
            "a rare category that must never be emitted",
            path=path,
            hint="it looks like an identifier: give it a key or mock generator instead",
        )
    if out.kind == "numeric" and not np.isfinite(out.values).any():
        raise FauxdataError(f"column '{name}' has no non-null value in the seed", path=path)
    return out


def _numeric(
    name: str,
    values: npt.NDArray[np.float64],
    type_: str,
    n: int,
    *,
    decimals: int | None,
    integer: bool,
    unit: Unit = "number",
) -> Prepared:
    nulls = int(np.isnan(values).sum())
    return Prepared(
        name=name,
        kind="numeric",
        type=type_,
        null_rate=nulls / n if n else 0.0,
        values=values,
        codes=np.empty(0, dtype=np.int64),
        labels=[],
        counts=np.empty(0, dtype=np.int64),
        integer=integer,
        decimals=decimals,
        unit=unit,
    )
