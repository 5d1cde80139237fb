"""Numeric generators: uniform, normal, lognormal, exponential, poisson, zipf.

Every draw is an inverse CDF applied to one uniform per row, which keeps each value a
pure function of its row and makes bounds exact: ``min``/``max`` truncate the
distribution (the CDF is rescaled to [F(min), F(max)]) rather than piling mass on the
bounds as clipping would.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.generators.base import Generator, Rows, number_width
from fauxdata.spec import generators as g

F64 = npt.NDArray[np.float64]


def _rounded(values: npt.NDArray[np.floating[Any]], decimals: int | None) -> pl.Series:
    if decimals is not None:
        values = np.round(values, decimals)
    return pl.Series(values, dtype=pl.Float64)


class UniformIntGenerator(Generator):
    kinds = ("uniform_int",)
    spec: g.UniformInt

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return pl.Series(
            self.ctx.stream().integers(rows, self.spec.min, self.spec.max), dtype=pl.Int64
        )

    def domain_size(self) -> int:
        return self.spec.max - self.spec.min + 1

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return pl.Series(index + self.spec.min, dtype=pl.Int64)

    def value_range(self) -> tuple[float | None, float | None]:
        return self.spec.min, self.spec.max

    def max_width(self) -> int:
        return number_width(self.spec.min, self.spec.max)


class UniformGenerator(Generator):
    kinds = ("uniform",)
    spec: g.Uniform

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        u = self.ctx.stream().uniform(rows)
        return _rounded(self.spec.min + u * (self.spec.max - self.spec.min), self.spec.decimals)

    def domain_size(self) -> int | None:
        if self.spec.decimals is None:
            return None
        step = 10.0**-self.spec.decimals
        return math.floor(round((self.spec.max - self.spec.min) / step, 6)) + 1

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        step = 10.0 ** -(self.spec.decimals or 0)
        return _rounded(self.spec.min + index * step, self.spec.decimals)

    def value_range(self) -> tuple[float | None, float | None]:
        return self.spec.min, self.spec.max


class _Continuous(Generator):
    """A continuous distribution given by its CDF and inverse CDF, truncated to bounds."""

    spec: g.Normal | g.Lognormal | g.Exponential

    def cdf(self, x: float) -> float:
        raise NotImplementedError

    def ppf(self, u: F64) -> F64:
        raise NotImplementedError

    @cached_property
    def _span(self) -> tuple[float, float]:
        low = self.cdf(self.spec.min) if self.spec.min is not None else 0.0
        high = self.cdf(self.spec.max) if self.spec.max is not None else 1.0
        if high <= low:
            raise self.ctx.error(
                f"[{self.spec.min}, {self.spec.max}] has no probability mass under this distribution",
                "widen the bounds or move the distribution",
            )
        return low, high

    def value_range(self) -> tuple[float | None, float | None]:
        return self.spec.min, self.spec.max

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        low, high = self._span
        u = low + self.ctx.stream().uniform_open(rows) * (high - low)
        values = self.ppf(u)
        if self.spec.min is not None or self.spec.max is not None:
            values = np.clip(values, self.spec.min, self.spec.max)  # float round-off only
        return _rounded(values, self.spec.decimals)


def _special() -> Any:
    """``scipy.special``, imported on first use: 0.3 CPU-s at every start otherwise."""
    from scipy import special

    return special


class NormalGenerator(_Continuous):
    kinds = ("normal",)
    spec: g.Normal

    def cdf(self, x: float) -> float:
        return float(_special().ndtr((x - self.spec.mean) / self.spec.std))

    def ppf(self, u: F64) -> F64:
        return self.spec.mean + self.spec.std * _special().ndtri(u)


class LognormalGenerator(_Continuous):
    kinds = ("lognormal",)
    spec: g.Lognormal

    def cdf(self, x: float) -> float:
        return (
            0.0
            if x <= 0
            else float(_special().ndtr((math.log(x) - self.spec.mu) / self.spec.sigma))
        )

    def ppf(self, u: F64) -> F64:
        return np.exp(self.spec.mu + self.spec.sigma * _special().ndtri(u))


class ExponentialGenerator(_Continuous):
    kinds = ("exponential",)
    spec: g.Exponential

    def cdf(self, x: float) -> float:
        return 0.0 if x <= 0 else -math.expm1(-x / self.spec.scale)

    def ppf(self, u: F64) -> F64:
        return -self.spec.scale * np.log1p(-u)


class _Discrete(Generator):
    """A discrete distribution sampled through its cumulative table over a finite support."""

    spec: g.Poisson | g.Zipf

    def support(self) -> tuple[npt.NDArray[np.int64], F64]:
        raise NotImplementedError

    @cached_property
    def _table(self) -> tuple[npt.NDArray[np.int64], F64]:
        values, pmf = self.support()
        keep = np.ones(values.shape, dtype=bool)
        if self.spec.min is not None:
            keep &= values >= self.spec.min
        if self.spec.max is not None:
            keep &= values <= self.spec.max
        values, pmf = values[keep], pmf[keep]
        total = pmf.sum()
        if values.size == 0 or total <= 0:
            raise self.ctx.error(
                f"[{self.spec.min}, {self.spec.max}] has no probability mass under this distribution",
                "widen the bounds",
            )
        cdf = np.cumsum(pmf / total)
        cdf[-1] = 1.0
        return values, cdf

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        values, cdf = self._table
        idx = np.searchsorted(cdf, self.ctx.stream().uniform(rows), side="right")
        return pl.Series(values[np.minimum(idx, values.size - 1)], dtype=pl.Int64)

    def domain_size(self) -> int:
        return int(self._table[0].size)

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return pl.Series(self._table[0][index], dtype=pl.Int64)

    def value_range(self) -> tuple[float | None, float | None]:
        values = self._table[0]
        return int(values[0]), int(values[-1])


class PoissonGenerator(_Discrete):
    kinds = ("poisson",)
    spec: g.Poisson

    def support(self) -> tuple[npt.NDArray[np.int64], F64]:
        lam = self.spec.lam
        spread = 12 * math.sqrt(lam) + 20
        low, high = max(0, int(lam - spread)), int(lam + spread)
        values = np.arange(low, high + 1, dtype=np.int64)
        from scipy import stats  # slow to import; only needed here

        return values, stats.poisson.pmf(values, lam)


class ZipfGenerator(_Discrete):
    kinds = ("zipf",)
    spec: g.Zipf

    def support(self) -> tuple[npt.NDArray[np.int64], F64]:
        values = np.arange(1, self.spec.n + 1, dtype=np.int64)
        return values, values.astype(np.float64) ** -self.spec.s


class BooleanGenerator(Generator):
    kinds = ("boolean",)
    spec: g.Boolean

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return pl.Series(self.ctx.stream().uniform(rows) < self.spec.probability, dtype=pl.Boolean)

    def domain_size(self) -> int:
        return 2

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        """false, true: a key over a boolean and another column is built jointly."""
        return pl.Series(index == 1, dtype=pl.Boolean)
