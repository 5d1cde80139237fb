"""How child rows map to parent rows, without joins.

``PerIndex`` lays out children per parent: parent j owns the child rows
``[offsets[j], offsets[j+1])``, its count a pure function of (seed, child table, j).
``ParentPicker`` picks parents for a fixed number of children: uniformly, Zipf- or
Pareto-skewed (heavy parents scattered by a keyed permutation), or weighted by a parent
column. Both are built once per run; every lookup after that is vectorized.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from fauxdata.engine.permute import Permutation
from fauxdata.engine.rng import Stream
from fauxdata.errors import GenerationError
from fauxdata.spec import relations as r
from fauxdata.spec.limits import MAX_ROWS

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
_BUILD_BLOCK = 1 << 20


def count_table(count: r.ChildCount, low: int, high: int | None, path: str) -> tuple[I64, F64]:
    """Support and CDF of a children-per-parent count, truncated to [low, high]."""
    match count:
        case r.FixedCount():
            values, pmf = np.array([count.n]), np.array([1.0])
        case r.RangeCount():
            values = np.arange(count.min, count.max + 1)
            pmf = np.ones(values.shape)
        case r.PoissonCount():
            from scipy import stats  # slow to import (0.3 CPU-s); only these counts need it

            spread = 12 * math.sqrt(count.lam) + 20
            values = np.arange(max(0, int(count.lam - spread)), int(count.lam + spread) + 1)
            pmf = stats.poisson.pmf(values, count.lam)
        case r.NegativeBinomialCount():
            from scipy import stats

            p = count.dispersion / (count.dispersion + count.mean)
            top = int(stats.nbinom.ppf(1 - 1e-12, count.dispersion, p)) + 1
            values = np.arange(0, top + 1)
            pmf = stats.nbinom.pmf(values, count.dispersion, p)
    keep = values >= low
    if high is not None:
        keep &= values <= high
    values, pmf = values[keep].astype(np.int64), pmf[keep]
    if values.size == 0 or pmf.sum() <= 0:
        raise GenerationError(
            f"no child count fits [{low}, {high if high is not None else 'inf'}]",
            path=path,
            hint="widen min/max or change the count",
        )
    cdf = np.cumsum(pmf / pmf.sum())
    cdf[-1] = 1.0
    return values, cdf


class PerIndex:
    """Children-per-parent layout of one child table."""

    def __init__(
        self, seed: int, child: str, per: r.PerParent, parent_rows: int, column: str
    ) -> None:
        self.parent_table = per.table
        self.column = column
        self.parent_rows = parent_rows
        self.values, self.cdf = count_table(per.count, per.min, per.max, f"tables.{child}.per")
        self.stream = Stream.of(seed, child, "__per__", per.table)
        most = parent_rows * int(self.values.max())
        if most > MAX_ROWS:
            raise GenerationError(
                f"{parent_rows:,} parents with up to {int(self.values.max()):,} children each "
                f"may make {most:,} rows; expected at most {MAX_ROWS:,} (2^53, what one table "
                "can index)",
                path=f"tables.{child}.per",
                hint="lower per.max or the parent's row count",
            )
        # 4 bytes per parent while every offset fits (75M lineitem rows at TPC-H SF10:
        # 60 MB instead of 120 MB); lookups cast their few values, never the layout.
        wide = most >= 1 << 32
        self.offsets = np.zeros(parent_rows + 1, dtype=np.int64 if wide else np.uint32)
        running = 0
        for start in range(0, parent_rows, _BUILD_BLOCK):
            stop = min(start + _BUILD_BLOCK, parent_rows)
            counts = self.counts(np.arange(start, stop, dtype=np.int64))
            self.offsets[start + 1 : stop + 1] = np.cumsum(counts) + running
            running = int(self.offsets[stop])
        self.max_count = int(self.values.max()) if self.values.size else 0

    def _offsets_at(self, index: I64) -> I64:
        """Offsets of some parents, as int64."""
        return self.offsets[index].astype(np.int64)

    def _parents_holding(self, children: I64) -> I64:
        """For each child row, the parent whose range holds it (the children cast to the
        layout's type, so ``searchsorted`` does not convert the whole layout)."""
        found = np.searchsorted(self.offsets, children.astype(self.offsets.dtype), side="right")
        return found.astype(np.int64) - 1

    @property
    def total(self) -> int:
        return int(self.offsets[-1])

    def counts(self, parents: I64) -> I64:
        """Number of children of each parent row."""
        if self.values.size == 1:
            return np.full(parents.shape, self.values[0], dtype=np.int64)
        idx = np.searchsorted(self.cdf, self.stream.uniform(parents), side="right")
        return self.values[np.minimum(idx, self.values.size - 1)]

    def parent_of(self, children: I64) -> I64:
        """The parent row of each child row (linear for a run of consecutive rows)."""
        n = children.shape[0]
        if n > 1 and children[-1] - children[0] == n - 1 and bool((np.diff(children) == 1).all()):
            first, last = (int(p) for p in self._parents_holding(children[[0, -1]]))
            parents = np.arange(first, last + 1, dtype=np.int64)
            starts = np.maximum(self.offsets[first : last + 1].astype(np.int64), children[0])
            stops = np.minimum(
                self.offsets[first + 1 : last + 2].astype(np.int64), children[-1] + 1
            )
            return np.repeat(parents, stops - starts)
        return self._parents_holding(children)

    def position(self, children: I64, parents: I64) -> I64:
        """Each child's 0-based position among its parent's children."""
        return children - self._offsets_at(parents)

    def children(self, parents: I64) -> tuple[I64, I64]:
        """All child rows of the given parents, and for each the index into ``parents``."""
        starts = self._offsets_at(parents)
        counts = self._offsets_at(parents + 1) - starts
        group = np.repeat(np.arange(parents.shape[0], dtype=np.int64), counts)
        first = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        return np.arange(group.shape[0], dtype=np.int64) + first, group


def _zipf_share(n: int, s: float, top: int) -> float:
    """Share of Zipf(s) mass on the first ``top`` of n ranks (Euler-Maclaurin tail)."""

    def harmonic(m: int) -> float:
        head = min(m, 2000)
        total = float(np.sum(np.arange(1, head + 1, dtype=np.float64) ** -s))
        if m > head:
            a, b = head + 0.5, m + 0.5
            total += (
                math.log(b / a) if abs(s - 1) < 1e-12 else (b ** (1 - s) - a ** (1 - s)) / (1 - s)
            )
        return total

    return harmonic(top) / harmonic(n)


def pareto_exponent(n: int, top: float, share: float) -> float:
    """The Zipf exponent that gives the top ``top`` of n parents ``share`` of the children."""
    k = max(1, round(top * n))
    if k >= n or _zipf_share(n, 20.0, k) < share:
        return 20.0
    low, high = 0.0, 20.0
    for _ in range(80):
        mid = (low + high) / 2
        if _zipf_share(n, mid, k) < share:
            low = mid
        else:
            high = mid
    return (low + high) / 2


class ParentPicker:
    """Picks a parent row for each child row according to a distribution."""

    def __init__(
        self,
        pick: r.ParentPick,
        n_parents: int,
        stream: Stream,
        weights: Callable[[], F64] | None = None,
    ) -> None:
        self.n = n_parents
        self.stream = stream
        self.cdf: F64 | None = None
        self.permutation: Permutation | None = None
        if isinstance(pick, r.ZipfPick | r.ParetoPick) and n_parents > 1:
            s = (
                pick.s
                if isinstance(pick, r.ZipfPick)
                else pareto_exponent(n_parents, pick.top, pick.share)
            )
            mass = np.arange(1, n_parents + 1, dtype=np.float64) ** -s
            self.cdf = np.cumsum(mass / mass.sum())
            self.permutation = Permutation(n_parents, stream.child("scatter").key)
        elif isinstance(pick, r.WeightedPick) and weights is not None:
            w = weights()
            self.cdf = np.cumsum(w / w.sum())
        if self.cdf is not None:
            self.cdf[-1] = 1.0

    def pick(self, rows: I64) -> I64:
        if self.cdf is None:
            return self.stream.below(rows, self.n)
        idx = np.minimum(
            np.searchsorted(self.cdf, self.stream.uniform(rows), side="right"), self.n - 1
        )
        return self.permutation(idx) if self.permutation is not None else idx


def coprime_stride(n: int, stream: Stream) -> int:
    """A step coprime with n: ``(offset + k * step) mod n`` visits distinct values for k < n."""
    if n <= 2:
        return 1
    candidate = int(stream.integers(np.array([0]), 1, n - 1)[0])
    while math.gcd(candidate, n) != 1:
        candidate = candidate % (n - 1) + 1
    return candidate
