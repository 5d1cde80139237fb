"""Fit a synthesis model to a seed table (see ``fauxdata.synth.model`` for what it holds).

Steps: prepare each column (type, NULL rate, rare categories out); pick at most one
categorical parent per column by association strength (Cramér's V between categories,
the correlation ratio between a category and a number), parents first, no cycles; fit
marginals and per-parent-category conditionals; then the Gaussian copula: every row's
normal score per column (within its parent's category), and their correlation matrix.
All of it is vectorised; a 100k x 10 seed fits in about a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.errors import FauxdataError, did_you_mean
from fauxdata.synth.columns import Prepared, prepare
from fauxdata.synth.model import ColumnModel, Model, knot_levels

FIT_REVISION = 2
"""Part of the model cache's key: raise it whenever fitting changes, so cached models of
an older fit are not used."""
MAX_KNOTS = 101
MAX_PARENT_LABELS = 64
MIN_ASSOCIATION = 0.2
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class FitOptions:
    """How a model is fitted; part of the cache key."""

    min_rows: int = 5
    """k: a category (or pair of categories) with fewer seed rows is never emitted."""
    clip: float = 0.005
    """Numbers are clipped to the clip .. 1 - clip quantiles of the seed."""
    min_group_rows: int = 30
    """A parent category needs this many rows for its own conditional distribution."""


def knots(values: F64, k: int, clip: float) -> list[float]:
    """Quantile knots of ``values`` (no NaN): at most ``MAX_KNOTS``, each the mean of the
    ``k`` order statistics around its level, so none is a single row's value."""
    x = np.sort(values)
    n = len(x)
    k = max(1, min(k, n))
    levels = knot_levels(clip, min(MAX_KNOTS, max(2, n // k)))
    start = np.clip(np.rint(levels * (n - 1) - (k - 1) / 2).astype(np.int64), 0, n - k)
    sums = np.concatenate([[0.0], np.cumsum(x)])
    means = (sums[start + k] - sums[start]) / k
    return [float(v) for v in np.maximum.accumulate(means)]


def cramers_v(a: I64, b: I64) -> float:
    """Cramér's V of two code arrays (non-negative codes only)."""
    keep = (a >= 0) & (b >= 0)
    a, b = a[keep], b[keep]
    if len(a) < 2:
        return 0.0
    ra, ia = np.unique(a, return_inverse=True)
    rb, ib = np.unique(b, return_inverse=True)
    if len(ra) < 2 or len(rb) < 2:
        return 0.0
    table = np.zeros((len(ra), len(rb)))
    np.add.at(table, (ia, ib), 1)
    expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / len(a)
    chi2 = float(((table - expected) ** 2 / expected).sum())
    return float(np.sqrt(chi2 / (len(a) * (min(table.shape) - 1))))


def correlation_ratio(codes: I64, x: F64) -> float:
    """η: the share of x's spread that its category explains (square root)."""
    keep = (codes >= 0) & np.isfinite(x)
    codes, x = codes[keep], x[keep]
    if len(x) < 2 or np.ptp(x) == 0:
        return 0.0
    _, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
    means = np.bincount(inverse, weights=x) / counts
    between = float((counts * (means - x.mean()) ** 2).sum())
    total = float(((x - x.mean()) ** 2).sum())
    return float(np.sqrt(between / total))


def _association(parent: Prepared, child: Prepared) -> float:
    if child.kind == "categorical":
        return cramers_v(parent.codes, child.codes)
    return correlation_ratio(parent.codes, child.values)


def choose_parents(columns: list[Prepared], options: FitOptions) -> dict[str, str]:
    """At most one parent per column, strongest associations first, no cycles.

    Parents are nominal (text or boolean) columns: an ordered column (a small integer
    count) relates to others monotonically, which the copula already carries. Then a
    column follows its strongest monotone partner's parent where that parent is also
    associated with it and binds the partner more tightly than the column's own parent
    binds the column: the copula links scores *within* categories, so two columns that
    move together (items and amount) keep their link best under the same parent.
    """
    strengths: dict[tuple[str, str], float] = {}
    for p in columns:
        nominal = p.kind == "categorical" and p.type in ("text", "boolean")
        groups = int((p.counts >= options.min_group_rows).sum()) if nominal else 0
        if groups < 2 or len(p.labels) > MAX_PARENT_LABELS:
            continue
        for c in columns:
            if c is not p:
                strength = _association(p, c)
                if strength >= MIN_ASSOCIATION:
                    strengths[(p.name, c.name)] = strength
    parents: dict[str, str] = {}
    for (p_name, c_name), _ in sorted(strengths.items(), key=lambda kv: -kv[1]):
        if c_name not in parents and not _descends(parents, p_name, c_name):
            parents[c_name] = p_name
    for c_name, partner in _partners(columns).items():
        shared, current = parents.get(partner), parents.get(c_name)
        if (
            shared is None
            or shared in (c_name, current)
            or (shared, c_name) not in strengths
            or (
                current is not None and strengths[(current, c_name)] >= strengths[(shared, partner)]
            )
        ):
            continue  # the column's own parent binds it more tightly than its partner's
        if not _descends({k: v for k, v in parents.items() if k != c_name}, shared, c_name):
            parents[c_name] = shared
    return parents


def _descends(parents: dict[str, str], name: str, ancestor: str) -> bool:
    """Whether ``ancestor`` is ``name`` or one of its ancestors."""
    current: str | None = name
    while current is not None and current != ancestor:
        current = parents.get(current)
    return current is not None


def _ordered(col: Prepared) -> F64 | None:
    """An ordered column's values (category codes follow the value order), else None."""
    if col.kind == "numeric":
        return col.values
    if col.type in ("text", "boolean"):
        return None
    return np.where(col.codes >= 0, col.codes, np.nan).astype(np.float64)


def _partners(columns: list[Prepared], least: float = 0.5) -> dict[str, str]:
    """Each ordered column's strongest monotone partner (|Spearman| of at least ``least``)."""
    values = {c.name: v for c in columns if (v := _ordered(c)) is not None}
    best: dict[str, tuple[float, str]] = {}
    names = list(values)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            keep = np.isfinite(values[a]) & np.isfinite(values[b])
            if keep.sum() < 3:
                continue
            rho = abs(float(_stats().spearmanr(values[a][keep], values[b][keep]).statistic))
            if not np.isfinite(rho) or rho < least:
                continue
            for x, y in ((a, b), (b, a)):
                if rho > best.get(x, (0.0, ""))[0]:
                    best[x] = (rho, y)
    return {name: partner for name, (_, partner) in best.items()}


def _order(names: list[str], parents: dict[str, str]) -> list[str]:
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        if name in parents:
            visit(parents[name])
        order.append(name)

    for name in names:
        visit(name)
    return order


def _weights(counts: F64, k: int) -> list[float] | None:
    counts = np.where(counts >= k, counts, 0.0)
    total = counts.sum()
    return [float(c) for c in counts / total] if total > 0 else None


def _column_model(
    col: Prepared, parent: Prepared | None, options: FitOptions
) -> tuple[ColumnModel, F64]:
    """The column's model and every seed row's normal score under it (NaN: no score)."""
    n = len(col.codes) if col.kind == "categorical" else len(col.values)
    model = ColumnModel(kind=col.kind, type=col.type, null_rate=col.null_rate)
    groups: list[npt.NDArray[np.bool_] | None] = []
    if parent is not None:
        model.given = parent.name
        for code, count in enumerate(parent.counts):
            fits = count >= options.min_group_rows
            groups.append(parent.codes == code if fits else None)
    z = np.full(n, np.nan)
    if col.kind == "numeric":
        model.integer, model.decimals, model.unit = col.integer, col.decimals, col.unit
        valid = np.isfinite(col.values)
        model.knots = knots(col.values[valid], options.min_rows, options.clip)
        z[valid] = _special().ndtri(_ranks(col.values[valid]))
        for mask in groups:
            rows = mask & valid if mask is not None else None
            if rows is None or rows.sum() < options.min_group_rows:
                model.by.append(None)
                continue
            model.by.append(knots(col.values[rows], options.min_rows, options.clip))
            z[rows] = _special().ndtri(_ranks(col.values[rows]))
        return model, z
    model.labels = col.labels
    size = len(col.labels)
    model.weights = _weights(col.counts.astype(np.float64), options.min_rows) or []
    z = _category_scores(col.codes, np.asarray(model.weights))
    for mask in groups:
        if mask is None:
            model.by.append(None)
            continue
        inside = col.codes[mask]
        counts = np.bincount(inside[inside >= 0], minlength=size).astype(np.float64)
        weights = _weights(counts, options.min_rows)
        model.by.append(weights)
        if weights is not None:
            z[mask] = _category_scores(inside, np.asarray(weights))
    return model, z


def _ranks(x: F64) -> F64:
    return (_stats().rankdata(x) - 0.5) / len(x)


def _category_scores(codes: I64, weights: F64) -> F64:
    """Each row's normal score: the mean of a standard normal over its category's interval
    (NaN where it has none). ``copula`` divides by these scores' spread, which undoes the
    loss of correlation that grouping a normal into intervals causes (the classical
    polyserial correction), so the categories' links come back at full strength."""
    if len(weights) == 0:
        return np.full(len(codes), np.nan)
    edges = _special().ndtri(np.clip(np.concatenate([[0.0], np.cumsum(weights)]), 0, 1))
    density = np.exp(-0.5 * np.nan_to_num(edges, posinf=0, neginf=0) ** 2) / np.sqrt(2 * np.pi)
    density[~np.isfinite(edges)] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        means = (density[:-1] - density[1:]) / weights
    safe = np.clip(codes, 0, len(weights) - 1)
    return np.where((codes >= 0) & (weights[safe] > 0), means[safe], np.nan)


def copula(z: F64) -> list[list[float]]:
    """Correlation of the normal scores (pairwise complete), made positive definite."""
    present = np.isfinite(z).astype(np.float64)
    z = np.where(np.isfinite(z), z, 0.0)
    pairs = present.T @ present
    corr = (z.T @ z) / np.maximum(pairs, 1)
    corr = np.where(pairs >= 3, corr, 0.0)
    scale = np.sqrt(np.clip(np.diag(corr), 1e-12, None))
    corr = np.clip(corr / np.outer(scale, scale), -0.999, 0.999)
    np.fill_diagonal(corr, 1.0)
    values, vectors = np.linalg.eigh((corr + corr.T) / 2)
    corr = (vectors * np.clip(values, 1e-6, None)) @ vectors.T
    scale = np.sqrt(np.diag(corr))
    corr = corr / np.outer(scale, scale)
    return [[round(float(v), 6) for v in row] for row in corr]


def fit(
    frame: pl.DataFrame,
    columns: list[str] | None = None,
    options: FitOptions | None = None,
    *,
    digest: str = "",
    path: str = "synthesize",
    columns_path: str | None = None,
) -> Model:
    """Fit a model to the seed's ``columns`` (default: all of them). Errors name ``path``
    (the seed) and ``columns_path`` (default ``path.columns``).

    Raises:
        FauxdataError: an unknown column, an empty seed, or a column that cannot be
            synthesized (see ``fauxdata.synth.columns.prepare``).
    """
    options = options or FitOptions()
    columns_path = columns_path or f"{path}.columns"
    names = list(columns or frame.columns)
    for name in names:
        if name not in frame.columns:
            raise FauxdataError(
                f"the seed has no column '{name}'",
                path=columns_path,
                hint=did_you_mean(name, frame.columns) or f"columns: {', '.join(frame.columns)}",
            )
    if frame.height < 2 * options.min_rows:
        raise FauxdataError(
            f"the seed has {frame.height} rows; at least {2 * options.min_rows} are needed",
            path=f"{path}.from",
        )
    prepared = {n: prepare(frame, n, options.min_rows, f"{columns_path}.{n}") for n in names}
    parents = choose_parents(list(prepared.values()), options)
    order = _order(names, parents)
    models: dict[str, ColumnModel] = {}
    scores = np.empty((frame.height, len(order)))
    for i, name in enumerate(order):
        parent = prepared[parents[name]] if name in parents else None
        models[name], scores[:, i] = _column_model(prepared[name], parent, options)
    return Model(
        columns=models,
        correlation=copula(scores),
        seed_rows=frame.height,
        min_rows=options.min_rows,
        clip=options.clip,
        source_digest=digest,
    )


def _stats() -> Any:
    """scipy.stats, imported on first use: it takes a second or two to import, which
    every ``import fauxdata`` paid though only fitting a model needs it."""
    from scipy import stats

    return stats


def _special() -> Any:
    """scipy.special, imported on first use like ``_stats``: 0.3 CPU-s of every start."""
    from scipy import special

    return special
