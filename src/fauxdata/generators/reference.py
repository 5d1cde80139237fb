"""Foreign keys: pick a parent row, compute the parent's key from its row index.

No parent table is ever materialised: the parent key column is itself a pure function
of the parent row index, evaluated for just the rows picked.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from fauxdata.errors import GenerationError
from fauxdata.generators.base import ColumnContext, Generator, Rows
from fauxdata.spec import generators as g


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

    def parent_rows_for(self, rows: Rows) -> Rows:
        """The parent row each child row points at (uniform over the parent's rows)."""
        return self.ctx.stream("parent").below(rows, self.parent_rows)

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return self.ctx.lookup(self.spec.table, self.spec.column, self.parent_rows_for(rows))

    def domain_size(self) -> int:
        """A unique foreign key is a 1:1 relation: each parent is used at most once."""
        return self.parent_rows

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return self.ctx.lookup(self.spec.table, self.spec.column, index)
