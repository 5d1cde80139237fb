"""Columns computed from other columns of the row: text templates and SQL expressions."""

from __future__ import annotations

import string
from collections.abc import Mapping

import polars as pl

from fauxdata.generators.base import ColumnContext, Generator, Rows
from fauxdata.spec import generators as g
from fauxdata.spec.expressions import compile_sql

_NON_ASCII = r"[^\x00-\x7F]"


def fold_ascii(values: pl.Series) -> pl.Series:
    """Fold accents (é -> e) and drop other non-ASCII characters.

    Unicode normalisation is the costly part, so it runs only on the rows that need it.
    """
    text = values.cast(pl.String)
    needs = text.str.contains(_NON_ASCII).fill_null(False)
    if not needs.any():
        return text
    folded = text.filter(needs).str.normalize("NFKD").str.replace_all(_NON_ASCII, "")
    return text.scatter(needs.arg_true(), folded)


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

    def _field(self, values: pl.Series) -> pl.Series:
        text = values.cast(pl.String)
        if self.spec.strip_spaces:
            text = text.str.replace_all(" ", "", literal=True)
        if self.spec.ascii:
            text = fold_ascii(text)
        return text

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        fields = {name: self._field(inputs[name]) for name in self.dependencies()}
        pieces: list[pl.Expr] = []
        for literal, field in self.parts:
            if literal:
                pieces.append(pl.lit(literal))
            if field is not None:
                pieces.append(pl.col(field))
        expr = pl.concat_str(pieces) if pieces else pl.lit("")
        if self.spec.lower:
            expr = expr.str.to_lowercase()
        if self.spec.upper:
            expr = expr.str.to_uppercase()
        return pl.DataFrame(fields, height=rows.shape[0]).select(expr.alias("v")).to_series()


class SqlGenerator(Generator):
    """A SQL expression over other columns of the row, compiled once to Polars."""

    kinds = ("sql",)
    spec: g.SqlExpression

    def __init__(self, spec: g.SqlExpression, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        self.expression = compile_sql(spec.expression)

    def dependencies(self) -> tuple[str, ...]:
        return tuple(self.spec.fields())

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        frame = pl.DataFrame(
            {name: inputs[name] for name in self.dependencies()}, height=rows.shape[0]
        )
        result = frame.select(self.expression.alias("v")).to_series()
        return (
            result
            if result.len() == rows.shape[0]
            else pl.repeat(result[0], rows.shape[0], eager=True)
        )
