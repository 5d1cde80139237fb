"""Generators that read other rows: child numbers, hierarchies, parent lookups,
temporal ordering and aggregates over children. Each still computes any row alone."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import polars as pl

from fauxdata.generators.base import ColumnContext, Generator, Rows
from fauxdata.spec import generators as g
from fauxdata.spec.relations import duration_seconds, split_dotted


def _scatter(values: pl.Series, valid: np.ndarray, n: int) -> pl.Series:
    """Place values at the valid positions of an n-long column, NULL elsewhere."""
    if valid.all():
        return values
    out = pl.Series(values.name, [None] * n, dtype=values.dtype)
    return out.scatter(np.flatnonzero(valid), values)


class ChildNumberGenerator(Generator):
    """1, 2, ... within each parent: with the parent key it makes a composite key."""

    kinds = ("child_number",)
    inherently_unique = False
    spec: g.ChildNumber

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        layout = self.ctx.engine().per_index(self.ctx.table)
        parents = layout.parent_of(rows)
        return pl.Series(layout.position(rows, parents) + self.spec.start, dtype=pl.Int64)


class HierarchyGenerator(Generator):
    """A forest in level order: the first ``roots`` rows have no parent; each later row's
    parent is a random row of the previous level, so every path climbs to a root."""

    kinds = ("hierarchy",)
    spec: g.Hierarchy

    def __init__(self, spec: g.Hierarchy, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        n, roots = ctx.n_rows, spec.roots
        span = spec.span
        if spec.max_depth is not None:
            span = max(span, _span_for_depth(n, roots, spec.max_depth))
        bounds = [0, roots]
        width = float(roots)
        while bounds[-1] < n:
            width *= span
            bounds.append(bounds[-1] + max(1, math.floor(width)))
        self.bounds = np.array(bounds, dtype=np.int64)
        self.depth = len(bounds) - 2

    def parent_rows_for(self, rows: Rows) -> tuple[Rows, np.ndarray]:
        level = np.searchsorted(self.bounds, rows, side="right") - 1
        has_parent = level >= 1
        prev = np.maximum(level - 1, 0)
        start, stop = self.bounds[prev], self.bounds[prev + 1]
        u = self.ctx.stream("tree").uniform(rows)
        parents = start + np.minimum((u * (stop - start)).astype(np.int64), stop - start - 1)
        return np.where(has_parent, parents, 0), has_parent

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        parents, valid = self.parent_rows_for(rows)
        keys = self.ctx.lookup(self.spec.table, self.spec.column, parents[valid])
        return _scatter(keys, valid, rows.shape[0])


def _span_for_depth(n: int, roots: int, depth: int) -> float:
    """The smallest span whose forest of ``roots`` trees holds n rows within ``depth`` levels."""
    low, high = 1.0, float(max(2, n))
    for _ in range(100):
        mid = (low + high) / 2
        total, width = roots, float(roots)
        for _ in range(depth):
            width *= mid
            total += max(1, math.floor(width))
        low, high = (mid, high) if total < n else (low, mid)
    return high


def _through(ctx: ColumnContext, dotted: str, rows: Rows) -> pl.Series:
    """``fk.column``: the parent's column for each row's parent (NULL without one)."""
    via, column = split_dotted(dotted)
    table, parents, valid = ctx.engine().parent_rows(ctx.table, via, rows)
    values = ctx.lookup(table, column, parents[valid])
    return _scatter(values, valid, rows.shape[0])


class LookupGenerator(Generator):
    kinds = ("lookup",)
    spec: g.Lookup

    def dependencies(self) -> tuple[str, ...]:
        return (self.spec.column.split(".")[0],)  # a column of this table, or via.column

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return _through(self.ctx, self.spec.column, rows)


class AfterGenerator(Generator):
    """Another date or timestamp plus a delay in [min_delay, max_delay]."""

    kinds = ("after",)
    spec: g.After

    def dependencies(self) -> tuple[str, ...]:
        return (self.spec.column.split(".")[0],)  # a column of this table, or via.column

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        base = (
            _through(self.ctx, self.spec.column, rows)
            if "." in self.spec.column
            else inputs[self.spec.column]
        )
        low, high = duration_seconds(self.spec.min_delay), duration_seconds(self.spec.max_delay)
        u = self.ctx.stream("delay").uniform(rows)
        if (
            self.spec.distribution == "exponential"
        ):  # most delays short, 95% of mass inside the range
            u = -np.log1p(-u * 0.95) / -math.log(0.05)
        seconds = low + u * (high - low)
        if base.dtype == pl.Date:
            days = np.floor(seconds / 86400).astype(np.int32)
            return (base.cast(pl.Int32) + pl.Series(days)).cast(pl.Date)
        if not isinstance(base.dtype, pl.Datetime):
            raise self.ctx.error(
                f"'{self.spec.column}' is {base.dtype}; 'after' needs a date or timestamp"
            )
        micros = np.floor(seconds).astype(np.int64) * 1_000_000
        zone = base.dtype.time_zone
        physical = base.dt.replace_time_zone(None) if zone else base
        shifted = (physical.cast(pl.Int64) + pl.Series(micros)).cast(pl.Datetime("us"))
        if not zone:
            return shifted
        # Delays count in wall-clock time; one landing in a DST change's skipped hour
        # counts in elapsed time instead, and a repeated hour takes its first occurrence.
        local = shifted.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
        elapsed = base + pl.Series(micros).cast(pl.Duration("us"))
        return local.fill_null(elapsed)


class AggregateGenerator(Generator):
    """Sum, count, min, max or mean of a column over each row's children.

    A parent's children are consecutive child rows, so each aggregate is one
    ``ufunc.reduceat`` over the children's values.
    """

    kinds = ("aggregate",)
    spec: g.Aggregate

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        child, column = split_dotted(self.spec.of)
        layout = self.ctx.engine().per_index(child)
        child_rows, group = layout.children(rows)
        counts = np.bincount(group, minlength=rows.shape[0]).astype(np.int64)
        if self.spec.fn == "count":
            return pl.Series(counts)
        values = self.ctx.lookup(child, column, child_rows)
        numeric = values.cast(pl.Float64)
        present = numeric.is_not_null().to_numpy()
        data = numeric.fill_null(0.0).to_numpy()
        has = counts > 0
        starts = (np.cumsum(counts) - counts)[has]
        out = np.zeros(rows.shape[0], dtype=np.float64)
        if self.spec.fn in ("sum", "mean"):
            out[has] = np.add.reduceat(data, starts) if starts.size else out[has]
            if self.spec.fn == "mean":
                seen = np.zeros(rows.shape[0], dtype=np.int64)
                seen[has] = np.add.reduceat(present.astype(np.int64), starts) if starts.size else 0
                result = pl.Series(np.divide(out, seen, out=np.zeros_like(out), where=seen > 0))
                return (
                    result.scatter(np.flatnonzero(seen == 0), None) if (seen == 0).any() else result
                )
            return pl.Series(out).cast(_result_type(values))
        fill = np.inf if self.spec.fn == "min" else -np.inf
        ufunc = np.minimum if self.spec.fn == "min" else np.maximum
        masked = np.where(present, data, fill)
        out[has] = ufunc.reduceat(masked, starts) if starts.size else out[has]
        result = pl.Series(out)
        empty = ~has | ~np.isfinite(out)
        if empty.any():
            result = result.scatter(np.flatnonzero(empty), None)
        return result.cast(_result_type(values))


def _result_type(values: pl.Series) -> type[pl.DataType]:
    """Integers stay integers; everything else (decimals too, which may outgrow their
    precision when summed) is a float until the column's declared type is applied."""
    return pl.Int64 if values.dtype.is_integer() else pl.Float64
