"""How child rows map to parent rows, without joins.

``PerIndex`` lays out children per parent: parent j owns the child rows
``[offsets[j], offsets[j+1])``, its count a pure function of (seed, child table, j).
``ParentPicker`` picks parents for a fixed number of children: uniformly, Zipf- or
Pareto-skewed (heavy parents scattered by a keyed permutation), or weighted by a parent
column. Both are built once per run; every lookup after that is vectorized.
"""

from __future__ import annotations

import math
import threading
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
_EVERY = 16
"""Parents per mark of a children-per-parent layout (``PerIndex``)."""


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
        # Each parent's count in the narrowest integer that holds it, and the first child
        # row of every _EVERY-th parent: offsets between marks are summed again from the
        # counts when asked for. 1.5 bytes per parent for counts under 256 (22 MB for
        # TPC-H SF10's 15M orders, where one offset per parent took 60 MB, or 120 MB at
        # 8 bytes), so 100M child rows take about the memory 10M do. (Without the counts,
        # each lookup hashed its block's parents again: a row looked up at random took
        # 1.2 us instead of 0.2; with them and marks every 16 parents, 0.4.)
        most_children = int(self.values.max()) if self.values.size else 0
        narrow = next(
            t
            for t in (np.uint8, np.uint16, np.uint32, np.int64)
            if most_children <= np.iinfo(t).max
        )
        self._counts = np.empty(parent_rows, dtype=narrow)
        self.marks = np.zeros(-(-parent_rows // _EVERY) + 1, dtype=np.int64)
        running = 0
        for start in range(0, parent_rows, _BUILD_BLOCK):
            stop = min(start + _BUILD_BLOCK, parent_rows)
            counts = self.counts(np.arange(start, stop, dtype=np.int64))
            self._counts[start:stop] = counts
            ends = np.cumsum(counts) + running
            # marks[j] is the offset of parent j * _EVERY: the end of parent j * _EVERY - 1.
            first = -(-(start + 1) // _EVERY)  # the first j with j * _EVERY - 1 >= start
            last = stop // _EVERY
            at = np.arange(first, last + 1, dtype=np.int64) * _EVERY - 1 - start
            self.marks[first : last + 1] = ends[at]
            running = int(ends[-1])
        self.marks[-1] = running
        self.max_count = int(self.values.max()) if self.values.size else 0
        self._last = threading.local()

    def _block_sums(self, parents: I64) -> tuple[I64, I64, I64]:
        """For the blocks of ``_EVERY`` parents that ``parents`` fall in: the blocks'
        first parents (sorted, once each), each block's offsets of its parents relative to
        its mark (``_EVERY + 1`` columns: before each parent, then after the last), and for
        each of ``parents`` its block's row among them."""
        blocks, row = np.unique(parents // _EVERY, return_inverse=True)
        members = blocks[:, None] * _EVERY + np.arange(_EVERY, dtype=np.int64)
        real = members < self.parent_rows
        counts = np.zeros(members.shape, dtype=np.int64)
        counts[real] = self._counts[members[real]]  # widened: the sums below are int64
        sums = np.zeros((blocks.shape[0], _EVERY + 1), dtype=np.int64)
        np.cumsum(counts, axis=1, out=sums[:, 1:])
        return blocks, sums, row.reshape(-1)

    def _offsets_at(self, index: I64) -> I64:
        """The first child row of each parent in ``index`` (``parent_rows`` gives the
        total), as int64."""
        if index.size == 0:
            return np.zeros(0, dtype=np.int64)
        low, high = int(index.min()), int(index.max())
        if high - low <= 2 * index.size + 2 * _EVERY:  # a run of parents: one cumulative sum
            # (to the end of the last parent too: the run ``parent_of`` keeps for the block)
            return self._run_offsets(low, high + 1)[index - low]
        blocks, sums, row = self._block_sums(index)
        return self.marks[blocks[row]] + sums[row, index - blocks[row] * _EVERY]

    def _run_offsets(self, first: int, last: int) -> I64:
        """The offsets of parents ``first`` to ``last`` (both included), counted on from
        the mark before ``first``; the last run is kept per thread, since a block asks
        for its parents' offsets once to find them and again for the children's places."""
        cached = getattr(self._last, "run", None)
        if cached is not None and cached[0] == first and cached[1] == last:
            return cached[2]
        base = first // _EVERY * _EVERY
        counts = self._counts[base : min(last, self.parent_rows)]
        offsets = np.empty(last - base + 1, dtype=np.int64)
        offsets[0] = self.marks[first // _EVERY]
        np.cumsum(counts, dtype=np.int64, out=offsets[1 : counts.shape[0] + 1])
        offsets[1 : counts.shape[0] + 1] += offsets[0]
        offsets[counts.shape[0] + 1 :] = self.total  # parents past the last: the end
        run = offsets[first - base :]
        self._last.run = (first, last, run)
        return run

    def _parents_holding(self, children: I64) -> I64:
        """For each child row, the parent whose range holds it: its block by the marks,
        then the parent within the block by the block's offsets."""
        if children.size == 0:
            return np.zeros(0, dtype=np.int64)
        block = np.searchsorted(self.marks, children, side="right") - 1
        block = np.minimum(block, max(self.marks.shape[0] - 2, 0))
        _, sums, row = self._block_sums(block * _EVERY)
        within = children - self.marks[block]
        # Parents of the block whose end is at or before the child come before its parent.
        before = (sums[row, 1:] <= within[:, None]).sum(axis=1)
        return block * _EVERY + before

    @property
    def total(self) -> int:
        return int(self.marks[-1])

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
            offsets = self._run_offsets(first, last + 1)
            starts = np.maximum(offsets[:-1], children[0])
            stops = np.minimum(offsets[1:], children[-1] + 1)
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
