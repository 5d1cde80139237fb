"""Columns computed from other columns of the row: text templates and SQL expressions."""

from __future__ import annotations

import string
from collections.abc import Mapping

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from fauxdata.generators.base import ColumnContext, Generator, Rows
from fauxdata.generators.text import has_byte, is_ascii, large_strings
from fauxdata.spec import generators as g
from fauxdata.spec.expressions import compile_sql

_NON_ASCII = r"[^\x00-\x7F]"


def fold_ascii(values: pl.Series) -> pl.Series:
    """Fold accents (é -> e) and drop other non-ASCII characters.

    Unicode normalisation is the costly part, so it runs only on the rows that need it,
    and a byte scan skips the whole step for text that is ASCII already (most names).
    """
    text = values.cast(pl.String)
    if is_ascii(large_strings(text)):
        return text
    needs = text.str.contains(_NON_ASCII).fill_null(False)
    if not needs.any():
        return text
    folded = text.filter(needs).str.normalize("NFKD").str.replace_all(_NON_ASCII, "")
    return text.scatter(needs.arg_true(), folded)


def _literal(text: str) -> pa.Scalar:
    """Template text as an Arrow scalar (built from Polars: ``pa.scalar`` would import
    pandas, 0.2 s of CPU, on the first block)."""
    return large_strings(pl.Series([text], dtype=pl.String))[0]


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

    def _field(self, values: pl.Series) -> pa.LargeStringArray:
        """One inserted value as Arrow text, spaces stripped and folded to ASCII as
        asked; byte scans skip each step when no value needs it."""
        text = large_strings(values)
        if self.spec.strip_spaces and has_byte(text, 0x20):
            text = pc.replace_substring(text, " ", "")
        if self.spec.ascii and not is_ascii(text):
            text = large_strings(fold_ascii(pl.Series(text)))
        return text

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        """The pieces joined by Arrow (NULL when any inserted value is NULL); case
        mapping by bytes when the text is ASCII, by Unicode rules otherwise."""
        fields = {name: self._field(inputs[name]) for name in self.dependencies()}
        pieces: list[pa.LargeStringArray | pa.Scalar] = []
        for literal, field in self.parts:
            if literal:
                pieces.append(_literal(literal))
            if field is not None:
                pieces.append(fields[field])
        if fields:
            text = pc.binary_join_element_wise(*pieces, _literal(""))
        else:  # constant text
            constant = "".join(literal for literal, _ in self.parts)
            text = large_strings(pl.repeat(constant, rows.shape[0], dtype=pl.String, eager=True))
        if not (self.spec.lower or self.spec.upper):
            return pl.Series(text).cast(pl.String)
        if is_ascii(text):  # then byte case mapping is Unicode's
            return pl.Series(pc.ascii_upper(text) if self.spec.upper else pc.ascii_lower(text))
        unicode = pl.Series(text).cast(pl.String)
        if self.spec.lower:
            unicode = unicode.str.to_lowercase()
        return unicode.str.to_uppercase() if self.spec.upper else unicode


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
