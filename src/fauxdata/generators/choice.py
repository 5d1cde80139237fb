"""Weighted choice with exact ratios, shared by ``choice`` and ``seed_list``.

Exact mode gives every value ``round(p * n)`` rows (largest remainder, so the counts add
up to n) and spreads them with a keyed permutation of the row indices: row i gets the
value whose cumulative count range holds ``perm(i)``. No row reads another row, so it
stays a pure function of the row index.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.engine.permute import Permutation
from fauxdata.engine.rng import Stream
from fauxdata.generators.base import ColumnContext, Generator, Rows, text_width
from fauxdata.spec import generators as g


def exact_counts(probabilities: Sequence[float], n: int) -> npt.NDArray[np.int64]:
    """Split n into integer counts proportional to the probabilities (largest remainder)."""
    p = np.asarray(probabilities, dtype=np.float64)
    p = p / p.sum()
    raw = p * n
    counts = np.floor(raw).astype(np.int64)
    short = n - int(counts.sum())
    if short:
        order = np.argsort(-(raw - counts), kind="stable")
        counts[order[:short]] += 1
    return counts


class WeightedPicker:
    """Maps rows to indices of a weighted list of values."""

    def __init__(self, probabilities: Sequence[float], ctx: ColumnContext, exact: bool) -> None:
        self.n_rows = ctx.n_rows
        self.exact = exact and ctx.n_rows > 0
        self.stream: Stream = ctx.stream("choice")
        if self.exact:
            self.bounds = np.cumsum(exact_counts(probabilities, ctx.n_rows))
            self.permutation = Permutation(ctx.n_rows, self.stream.key)
        else:
            cdf = np.cumsum(np.asarray(probabilities, dtype=np.float64))
            self.bounds_f = cdf / cdf[-1]
        self.last = len(probabilities) - 1

    def pick(self, rows: Rows) -> npt.NDArray[np.intp]:
        if self.exact:
            if rows.size and (rows.min() < 0 or rows.max() >= self.n_rows):
                raise ValueError(f"row index outside the table's {self.n_rows} rows")
            idx = np.searchsorted(self.bounds, self.permutation(rows), side="right")
        else:
            idx = np.searchsorted(self.bounds_f, self.stream.uniform(rows), side="right")
        return np.minimum(idx, self.last)


def numeric_range(values: pl.Series) -> tuple[float | None, float | None]:
    """Smallest and largest of numeric values; (None, None) for text or booleans."""
    if not values.dtype.is_numeric() or values.null_count() == values.len():
        return None, None
    return values.min(), values.max()  # type: ignore[return-value]


def values_series(values: Sequence[Any]) -> pl.Series:
    """The candidate values as one typed Series (ints stay ints, text stays text)."""
    try:
        return pl.Series(list(values), strict=True)
    except (TypeError, pl.exceptions.PolarsError):
        return pl.Series([None if v is None else str(v) for v in values], dtype=pl.String)


class WeightedValues(Generator):
    """Values picked by weight; subclasses set ``values`` and ``picker``."""

    values: pl.Series
    picker: WeightedPicker

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return self.values.gather(self.picker.pick(rows))

    def domain_size(self) -> int:
        return self.values.len()

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return self.values.gather(index)

    def value_range(self) -> tuple[float | None, float | None]:
        return numeric_range(self.values)

    def max_width(self) -> int:
        return text_width(self.values)


class ChoiceGenerator(WeightedValues):
    kinds = ("choice",)
    spec: g.Choice

    def __init__(self, spec: g.Choice, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        values, probabilities = spec.options()
        self.values = values_series(values)
        self.picker = WeightedPicker(probabilities, ctx, spec.exact)
