"""How close synthetic rows are to the seed: per column, per pair, per category.

- Per column: the Kolmogorov-Smirnov statistic (numbers, dates) or the total variation
  distance (categories, NULL counted as a category); 0 is identical, 1 is disjoint.
- Per pair of columns: the association in the seed and in the synthetic rows, Pearson's
  r (two numbers), Cramér's V (two categories) or the correlation ratio η (a category and
  a number), and their difference (|Δr| / 2, so every difference lies in [0, 1]).
- Per category: the median of each number within each frequent category, in the seed
  (with its quartiles: the seed's spread) and in the synthetic rows.
- Score = 100 x (mean column similarity + mean pair similarity) / 2, where a similarity
  is 1 minus the statistic or the difference (without pairs: the column part alone).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import stats

from fauxdata.synth.fit import correlation_ratio, cramers_v

F64 = npt.NDArray[np.float64]
MAX_CATEGORIES = 30


@dataclass
class ColumnQuality:
    column: str
    metric: str  # "ks" or "tvd"
    statistic: float


@dataclass
class PairQuality:
    columns: tuple[str, str]
    metric: str  # "pearson", "cramers_v" or "correlation_ratio"
    seed: float
    synthetic: float
    difference: float


@dataclass
class CategoryMedian:
    category_column: str
    category: str
    column: str
    seed_rows: int
    seed_median: float
    seed_q25: float
    seed_q75: float
    synthetic_median: float | None

    @property
    def within_spread(self) -> bool:
        m = self.synthetic_median
        return m is not None and self.seed_q25 <= m <= self.seed_q75


@dataclass
class Distribution:
    """For charts: a histogram over the seed's 1%..99% range (numbers; log-spaced bins
    when that range spans more than 50x) or the shares of
    the seed's frequent labels, rare ones summed as "(rare)" (categories)."""

    column: str
    labels: list[str]
    seed: list[float]
    synthetic: list[float]
    edges: list[float] = field(default_factory=list)


@dataclass
class Quality:
    score: float
    columns: list[ColumnQuality] = field(default_factory=list)
    distributions: list[Distribution] = field(default_factory=list)
    pairs: list[PairQuality] = field(default_factory=list)
    medians: list[CategoryMedian] = field(default_factory=list)


def numbers(series: pl.Series) -> F64:
    """Any numeric, date or timestamp column as floats (NaN for NULL)."""
    if series.dtype == pl.Date or isinstance(series.dtype, pl.Datetime):
        series = series.to_physical()
    return series.cast(pl.Float64).fill_null(np.nan).to_numpy().astype(np.float64)


def codes(
    seed: pl.Series, synthetic: pl.Series
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]]:
    """Both columns as codes over the labels either has (NULL: -1)."""
    a, b = seed.cast(pl.String), synthetic.cast(pl.String)
    labels = sorted(set(a.drop_nulls().unique().to_list()) | set(b.drop_nulls().unique().to_list()))
    lookup = pl.DataFrame(
        {"label": labels, "code": list(range(len(labels)))},
        schema={"label": pl.String, "code": pl.Int64},
    )

    def encode(s: pl.Series) -> npt.NDArray[np.int64]:
        frame = (
            s.alias("label").to_frame().join(lookup, on="label", how="left", maintain_order="left")
        )
        return frame["code"].fill_null(-1).to_numpy().astype(np.int64)

    return encode(a), encode(b), labels


def tvd(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], size: int) -> float:
    pa = np.bincount(a + 1, minlength=size + 1) / max(len(a), 1)
    pb = np.bincount(b + 1, minlength=size + 1) / max(len(b), 1)
    return float(0.5 * np.abs(pa - pb).sum())


def ks(a: F64, b: F64) -> float:
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) == 0 or len(b) == 0:
        return 1.0
    return float(stats.ks_2samp(a, b).statistic)


def pearson(x: F64, y: F64) -> float:
    keep = np.isfinite(x) & np.isfinite(y)
    if keep.sum() < 3 or np.ptp(x[keep]) == 0 or np.ptp(y[keep]) == 0:
        return 0.0
    return float(np.corrcoef(x[keep], y[keep])[0, 1])


def quality(
    seed: pl.DataFrame, synthetic: pl.DataFrame, kinds: dict[str, str], min_rows: int
) -> Quality:
    """Compare the synthetic rows with the seed on the columns named in ``kinds``
    (column -> "numeric" or "categorical")."""
    nums: dict[str, tuple[F64, F64]] = {}
    cats: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]]] = {}
    result = Quality(score=0.0)
    for name, kind in kinds.items():
        if kind == "numeric":
            nums[name] = (numbers(seed[name]), numbers(synthetic[name]))
            result.columns.append(ColumnQuality(name, "ks", ks(*nums[name])))
            result.distributions.append(_histogram(name, *nums[name]))
        else:
            cats[name] = codes(seed[name], synthetic[name])
            a, b, labels = cats[name]
            result.columns.append(ColumnQuality(name, "tvd", tvd(a, b, len(labels))))
            result.distributions.append(_shares(name, a, b, labels, min_rows))
    for x, y in combinations(kinds, 2):
        if x in nums and y in nums:
            s, t = pearson(nums[x][0], nums[y][0]), pearson(nums[x][1], nums[y][1])
            result.pairs.append(PairQuality((x, y), "pearson", s, t, abs(s - t) / 2))
        elif x in cats and y in cats:
            s, t = cramers_v(cats[x][0], cats[y][0]), cramers_v(cats[x][1], cats[y][1])
            result.pairs.append(PairQuality((x, y), "cramers_v", s, t, abs(s - t)))
        else:
            c, n = (x, y) if x in cats else (y, x)
            s = correlation_ratio(cats[c][0], nums[n][0])
            t = correlation_ratio(cats[c][1], nums[n][1])
            result.pairs.append(PairQuality((c, n), "correlation_ratio", s, t, abs(s - t)))
    for c in cats:
        for n in nums:
            result.medians.extend(_medians(c, n, cats[c], nums[n], min_rows))
    column_part = 1 - float(np.mean([q.statistic for q in result.columns]))
    if result.pairs:
        pair_part = 1 - float(np.mean([p.difference for p in result.pairs]))
        result.score = round(100 * (column_part + pair_part) / 2, 2)
    else:
        result.score = round(100 * column_part, 2)
    return result


def _medians(
    c: str,
    n: str,
    cat: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]],
    num: tuple[F64, F64],
    min_rows: int,
) -> list[CategoryMedian]:
    seed_codes, synth_codes, labels = cat
    counts = np.bincount(seed_codes[seed_codes >= 0], minlength=len(labels))
    out = []
    for code in np.argsort(-counts)[:MAX_CATEGORIES]:
        if counts[code] < min_rows:
            break
        x = num[0][(seed_codes == code) & np.isfinite(num[0])]
        y = num[1][(synth_codes == code) & np.isfinite(num[1])]
        if len(x) == 0:
            continue
        q25, med, q75 = np.quantile(x, [0.25, 0.5, 0.75])
        out.append(
            CategoryMedian(
                c, labels[code], n, int(counts[code]), float(med), float(q25), float(q75),
                float(np.median(y)) if len(y) else None,
            )
        )  # fmt: skip
    return out


def _histogram(name: str, x: F64, y: F64, bins: int = 40) -> Distribution:
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    lo, hi = np.quantile(x, [0.01, 0.99]) if len(x) else (0.0, 1.0)
    if lo > 0 and hi / lo > 50:  # long-tailed and positive: bins even on a log scale
        edges = np.geomspace(lo, hi, bins + 1)
    else:
        edges = np.linspace(lo, hi if hi > lo else lo + 1, bins + 1)
    a = np.histogram(np.clip(x, edges[0], edges[-1]), edges)[0] / max(len(x), 1)
    b = np.histogram(np.clip(y, edges[0], edges[-1]), edges)[0] / max(len(y), 1)
    return Distribution(name, [], a.tolist(), b.tolist(), edges.tolist())


def _shares(
    name: str,
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    labels: list[str],
    min_rows: int,
    top: int = 20,
) -> Distribution:
    counts = np.bincount(a[a >= 0], minlength=len(labels))
    shown = [int(c) for c in np.argsort(-counts)[:top] if counts[c] >= min_rows]
    pa = np.bincount(a + 1, minlength=len(labels) + 1)[1:] / max(len(a), 1)
    pb = np.bincount(b + 1, minlength=len(labels) + 1)[1:] / max(len(b), 1)
    rare = counts < min_rows
    return Distribution(
        name,
        [labels[c] for c in shown] + ["(rare)", "(null)"],
        [float(pa[c]) for c in shown] + [float(pa[rare].sum()), float(np.mean(a < 0))],
        [float(pb[c]) for c in shown] + [float(pb[rare].sum()), float(np.mean(b < 0))],
    )
