"""Foreign keys: pick a parent row, compute the parent's key from its row index.

No parent table is ever materialised: the parent key column is itself a pure function
of the parent row index, evaluated for just the rows picked. In a table generated
``per`` parent, the column that references that parent follows the layout instead.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from fauxdata.engine.cardinality import ParentPicker
from fauxdata.errors import GenerationError
from fauxdata.generators.base import ColumnContext, Generator, Rows
from fauxdata.spec import generators as g
from fauxdata.spec.limits import MAX_PARENTS
from fauxdata.spec.relations import UniformPick, WeightedPick


class ForeignKeyGenerator(Generator):
    kinds = ("foreign_key",)
    spec: g.ForeignKeyRef

    def __init__(self, spec: g.ForeignKeyRef, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        self.parent_rows = ctx.table_rows(spec.table)
        if self.parent_rows == 0 and ctx.n_rows > 0:
            raise GenerationError(
                f"parent table '{spec.table}' has no rows to reference",
                path=ctx.path,
                hint=f"give {spec.table} rows or make this column nullable with null_rate: 1",
            )
        if spec.distinct_from and self.parent_rows == 1 and ctx.n_rows > 0:
            raise GenerationError(
                f"'{spec.table}' has one row, so this key cannot differ from "
                f"'{spec.distinct_from}' (distinct_from)",
                path=ctx.path,
                hint=f"give {spec.table} two rows or more",
            )
        per = ctx.relations.per_index(ctx.table) if ctx.relations is not None else None
        self.layout = (
            per
            if per is not None and per.parent_table == spec.table and per.column == ctx.column
            else None
        )
        if not isinstance(spec.distribution, UniformPick) and self.parent_rows > MAX_PARENTS:
            raise GenerationError(
                f"a {spec.distribution.kind} pick over {self.parent_rows:,} parents; expected at "
                f"most {MAX_PARENTS:,} (2^28: the pick keeps 8 bytes per parent row in memory)",
                path=f"{ctx.path}.distribution",
                hint="use the uniform distribution, or fewer parent rows",
            )
        weights = None
        if isinstance(spec.distribution, WeightedPick):
            weights = self._weights
        self.picker = (
            ParentPicker(spec.distribution, self.parent_rows, ctx.stream("parent"), weights)
            if self.parent_rows
            else None
        )

    def _weights(self) -> np.ndarray:
        column = self.spec.distribution.column  # type: ignore[union-attr]
        values = self.ctx.engine().column_values(self.spec.table, column)
        if not values.dtype.is_numeric():
            raise self.ctx.error(
                f"weights column '{self.spec.table}.{column}' is {values.dtype}, not numeric"
            )
        weights = values.cast(pl.Float64).fill_null(0.0).to_numpy()
        if (weights < 0).any() or weights.sum() <= 0:
            raise self.ctx.error(
                f"weights column '{self.spec.table}.{column}' must be non-negative and not all zero"
            )
        return weights

    def dependencies(self) -> tuple[str, ...]:
        return (self.spec.distinct_from,) if self.spec.distinct_from else ()

    def parent_rows_for(self, rows: Rows) -> Rows:
        """The parent row each child row points at."""
        if self.layout is not None:
            return self.layout.parent_of(rows)
        assert self.picker is not None
        picked = self.picker.pick(rows)
        if self.spec.distinct_from is None or self.parent_rows < 2:
            return picked
        # Parent keys are unique, so the next parent's key differs from the one that
        # matched the other column: one step always resolves the clash.
        other = self.ctx.lookup(self.ctx.table, self.spec.distinct_from, rows)
        keys = self.ctx.lookup(self.spec.table, self.spec.column, picked)
        if keys.dtype != other.dtype:
            keys, other = keys.cast(pl.String), other.cast(pl.String)
        clash = (keys == other).fill_null(False).to_numpy()
        return np.where(clash, (picked + 1) % self.parent_rows, picked)

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return self.ctx.lookup(self.spec.table, self.spec.column, self.parent_rows_for(rows))

    def domain_size(self) -> int:
        """A unique foreign key is a 1:1 relation: each parent is used at most once."""
        return self.parent_rows

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return self.ctx.lookup(self.spec.table, self.spec.column, index)
