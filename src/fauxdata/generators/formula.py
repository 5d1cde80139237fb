"""The formula generator: a spreadsheet formula evaluated as one Polars expression per block."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import polars as pl

from fauxdata.formula import Compiled, compile_formula
from fauxdata.formula.compiler import mock_token
from fauxdata.formula.types import formula_type_of_dtype
from fauxdata.generators.base import ColumnContext, Generator, Rows, implementation
from fauxdata.generators.lexicon import email_domains, top_level_domains
from fauxdata.spec import generators as g

_MOCKERS: dict[str, tuple[str, str | None]] = {
    "MOCK_FIRST_NAME": ("first_name", None),
    "MOCK_FIRST_NAME_FEMALE": ("first_name", "female"),
    "MOCK_FIRST_NAME_MALE": ("first_name", "male"),
    "MOCK_LAST_NAME": ("last_name", None),
    "MOCK_CITY": ("city", None),
    "MOCK_COUNTRY_CODE": ("country_code", None),
    "MOCK_COMPANY": ("company", None),
    "MOCK_JOB_TITLE": ("job_title", None),
}


class FormulaGenerator(Generator):
    """Each RAND() is its own stream ``(column, "rand", i)`` and each mock constant its own
    sub-column, so a value depends only on the seed, the row and the formula. An indexed
    token's stream is keyed by its name (``MOCK_CITY_1``), not its position."""

    kinds = ("formula",)
    spec: g.Formula

    def __init__(self, spec: g.Formula, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        self._compiled: dict[tuple[tuple[str, str], ...], Compiled] = {}

    def dependencies(self) -> tuple[str, ...]:
        return tuple(self.spec.fields())

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        n = rows.shape[0]
        columns = {name: inputs[name] for name in self.dependencies()}
        compiled = self._compile(columns)
        extra = {
            f"__rand_{i}": pl.Series(self.ctx.stream("rand", i).uniform(rows))
            for i in range(compiled.draws)
        }
        extra.update(
            {f"__mock_{i}": self._mock(name, i, rows) for i, name in enumerate(compiled.mocks)}
        )
        frame = pl.DataFrame({"__row": rows, **columns, **extra}, height=n)
        result = frame.select(compiled.expr.alias("v")).to_series()
        return result if result.len() == n else pl.repeat(result[0], n, eager=True)

    def _compile(self, columns: Mapping[str, pl.Series]) -> Compiled:
        key = tuple((name, formula_type_of_dtype(s.dtype)) for name, s in columns.items())
        if key not in self._compiled:
            self._compiled[key] = compile_formula(
                self.spec.formula, dict(key), self.ctx.reference_date
            )
        return self._compiled[key]

    def _mock(self, token: str, position: int, rows: Rows) -> pl.Series:
        name, indexed = mock_token(token) or (token, False)
        index: int | str = token if indexed else position
        stream = self.ctx.stream("mock", index)
        if name == "MOCK_FREE_EMAIL_DOMAIN":
            domains = email_domains()
            return domains.gather(stream.below(rows, len(domains)))
        if name == "MOCK_COMPANY_DOMAIN":
            company = self._mocker("company", index, rows)
            tlds = top_level_domains()
            slug = company.str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "")
            # concat_str builds an expression even from Series: evaluate it to a Series.
            return pl.select(
                pl.concat_str(
                    [slug, pl.Series(["."] * len(rows)), tlds.gather(stream.below(rows, len(tlds)))]
                )
            ).to_series()
        kind, gender = _MOCKERS[name]
        return self._mocker(kind, index, rows, gender)

    def _mocker(
        self, kind: str, index: int | str, rows: Rows, gender: str | None = None
    ) -> pl.Series:
        ctx = replace(self.ctx, column=f"{self.ctx.column}#mock{index}")
        spec = g.Mock(kind=kind, gender=gender)  # type: ignore[arg-type]
        mocker = implementation(kind)(spec, ctx)  # type: ignore[arg-type]
        return mocker.generate(rows, {})
