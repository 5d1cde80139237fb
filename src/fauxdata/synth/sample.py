"""Draw rows from a model: vectorised, and every cell a function of its row index.

Per row, independent standard normals come from keyed streams at the row index
(``Stream.child("normal", i).uniform(rows)``, paired by Box-Muller); the Cholesky
factor of the copula's correlation mixes them, and each column's normal score is turned
into a value by its (conditional) inverse CDF. Nothing is carried from row to row, so
any block size, any worker and any subset of rows give the same values.

The inverse CDFs are monotone cubic (PCHIP) curves through the knots, tabulated once as
functions of the normal score on a fine grid (so a block needs no normal CDF, only a
table look-up), and categories are picked by comparing the score with the normal
quantiles of their cumulative shares. Conditional distributions are rows of one table,
indexed by the parent's category, so no per-category loop runs per block.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import interpolate, special

from fauxdata.engine.rng import Stream
from fauxdata.synth.model import ColumnModel, Model, knot_levels

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
GRID = 4097
_DTYPES: dict[str, Any] = {"boolean": pl.Boolean, "bigint": pl.Int64, "text": pl.String}


Z_MAX = 6.0
"""Normal scores are clipped to +-6 (a share of 2e-9 of rows lies beyond)."""


def inverse_cdf(knots: list[float], clip: float) -> F64:
    """The inverse CDF at ``GRID`` normal scores evenly spaced over +-Z_MAX: a monotone
    cubic through the knots, whose levels run from clip to 1 - clip, so values stay
    within the clipped range of the seed."""
    y = np.asarray(knots, dtype=np.float64)
    if np.ptp(y) == 0:
        return np.full(GRID, y[0])
    curve = interpolate.PchipInterpolator(knot_levels(clip, len(y)), y)
    u = special.ndtr(np.linspace(-Z_MAX, Z_MAX, GRID))
    return np.asarray(curve(clip + u * (1 - 2 * clip)), dtype=np.float64)


def thresholds(weights: list[float]) -> F64:
    """The normal scores where each category's cumulative share ends (the last: +Z_MAX)."""
    cum = np.cumsum(weights)
    return np.clip(special.ndtri(cum / cum[-1]), -Z_MAX, Z_MAX)


class Sampler:
    """A model ready to sample: factorised correlation and tabulated distributions."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.names = list(model.columns)
        self.cholesky = np.linalg.cholesky(np.asarray(model.correlation, dtype=np.float64))
        self.tables: dict[str, F64] = {}
        for name, col in model.columns.items():
            if col.kind == "numeric":
                marginal = inverse_cdf(col.knots, model.clip)
                rows = [inverse_cdf(k, model.clip) if k is not None else marginal for k in col.by]
            else:
                marginal = thresholds(col.weights)
                rows = [thresholds(w) if w is not None else marginal for w in col.by]
            self.tables[name] = np.stack([*rows, marginal])  # last row: the marginal

    def normals(self, rows: I64, stream: Stream) -> F64:
        """Correlated normal scores, one row per model column, one column per row index.

        Independent normals come in pairs from two keyed uniforms per pair (Box-Muller,
        several times faster than an inverse normal CDF); the lower-triangular Cholesky
        factor then mixes them column by column (a matrix product through BLAS is slower
        for so few columns).
        """
        d = len(self.names)
        eps = np.empty((d + 1, len(rows)))
        for pair in range(0, d, 2):
            radius = np.sqrt(-2.0 * np.log(stream.child("normal", pair).uniform_open(rows)))
            angle = 2.0 * np.pi * stream.child("normal", pair + 1).uniform(rows)
            eps[pair] = radius * np.cos(angle)
            eps[pair + 1] = radius * np.sin(angle)
        z = np.empty((d, len(rows)))
        for j in range(d):
            z[j] = self.cholesky[j, 0] * eps[0]
            for k in range(1, j + 1):
                z[j] += self.cholesky[j, k] * eps[k]
        return np.clip(z, -Z_MAX, Z_MAX, out=z)

    def sample(self, rows: I64, stream: Stream) -> dict[str, pl.Series]:
        """Every model column at the given row indices, typed like the seed."""
        z = self.normals(rows, stream)
        codes: dict[str, I64] = {}
        out: dict[str, pl.Series] = {}
        for j, (name, col) in enumerate(self.model.columns.items()):
            table = self.tables[name]
            group = codes[col.given] if col.given else np.full(len(rows), len(table) - 1)
            if col.kind == "categorical":
                codes[name] = _pick(table, group, z[j])
                values = _labels(col, codes[name])
            else:
                values = _numbers(col, _lookup(table, group, z[j]))
            if col.null_rate > 0:
                nulls = stream.child(name, "null").uniform(rows) < col.null_rate
                values = values.scatter(np.flatnonzero(nulls), None)
            out[name] = values.alias(name)
        return out


def _pick(bounds: F64, group: I64, z: F64) -> I64:
    """The category of each row: the first of its group's thresholds above its score."""
    size = bounds.shape[1]
    span = 4 * Z_MAX  # keeps each group's thresholds apart in one sorted array
    flat = (bounds + span * np.arange(len(bounds))[:, None]).ravel()
    code = np.searchsorted(flat, z + span * group, side="left") - group * size
    return np.minimum(code, size - 1).astype(np.int64)


def _lookup(grid: F64, group: I64, z: F64) -> F64:
    """Linear interpolation in each row's group of the tabulated inverse CDF."""
    pos = (z + Z_MAX) * ((GRID - 1) / (2 * Z_MAX))
    i = np.minimum(pos.astype(np.int64), GRID - 2)
    frac = pos - i
    flat = grid.ravel()
    base = group * GRID + i
    return flat[base] * (1 - frac) + flat[base + 1] * frac


def _labels(col: ColumnModel, code: I64) -> pl.Series:
    labels = pl.Series(col.labels, dtype=_DTYPES.get(col.type, pl.String))
    return labels.gather(code)


def _numbers(col: ColumnModel, x: F64) -> pl.Series:
    if col.decimals is not None:
        x = np.round(x, col.decimals)
    if col.unit == "date":
        return pl.Series(np.rint(x).astype(np.int32)).cast(pl.Date)
    if col.unit == "timestamp":
        return pl.Series(np.rint(x).astype(np.int64)).cast(pl.Datetime("us"))
    if col.integer:
        return pl.Series(np.rint(x).astype(np.int64))
    return pl.Series(x)
