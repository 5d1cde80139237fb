"""Templates: text built from other columns of the same row, evaluated as one expression."""

from __future__ import annotations

import string
from collections.abc import Mapping

import polars as pl

from fauxdata.generators.base import ColumnContext, Generator, Rows
from fauxdata.spec import generators as g


class TemplateGenerator(Generator):
    """``{first_name}.{last_name}@example.com`` with optional case and ASCII folding."""

    kinds = ("template",)
    spec: g.Template

    def __init__(self, spec: g.Template, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        self.parts = [
            (literal, field) for literal, field, _, _ in string.Formatter().parse(spec.template)
        ]

    def dependencies(self) -> tuple[str, ...]:
        return tuple(self.spec.fields())

    def _field(self, name: str) -> pl.Expr:
        expr = pl.col(name).cast(pl.String)
        if self.spec.strip_spaces:
            expr = expr.str.replace_all(" ", "", literal=True)
        if self.spec.ascii:
            expr = expr.str.normalize("NFKD").str.replace_all(r"[^\x00-\x7F]", "")
        return expr

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        pieces: list[pl.Expr] = []
        for literal, field in self.parts:
            if literal:
                pieces.append(pl.lit(literal))
            if field is not None:
                pieces.append(self._field(field))
        expr = pl.concat_str(pieces) if pieces else pl.lit("")
        if self.spec.lower:
            expr = expr.str.to_lowercase()
        if self.spec.upper:
            expr = expr.str.to_uppercase()
        frame = pl.DataFrame(
            {name: inputs[name] for name in self.dependencies()}, height=rows.shape[0]
        )
        return frame.select(expr.alias("v")).to_series()
