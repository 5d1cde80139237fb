"""QA building blocks: a check's result, the report, the context a check reads, bounds.

Kept apart from the checks so the check families (``qa``, ``qa_events``) share them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import polars as pl

from fauxdata.errors import Problem, SpecError
from fauxdata.scenarios.params import Expectation, Scenario

Tables = dict[str, pl.DataFrame]


@dataclass(frozen=True)
class Result:
    """One check's outcome: what was measured, against what, and the verdict."""

    name: str
    statistic: float
    bound: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class Report:
    scenario: str
    results: list[Result]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.passed]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "passed": self.passed,
            "checks": [asdict(r) for r in self.results],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2)


@dataclass(frozen=True)
class Context:
    """The tables and the parameters that made them, with a few shared derived columns."""

    scenario: Scenario
    tables: Tables

    def day(self, column: pl.Expr) -> pl.Expr:
        """Days since the start of the range, for a date or timestamp column."""
        return (column.cast(pl.Date) - pl.lit(self.scenario.start)).dt.total_days()


Check = Callable[[Context, str, Expectation], list[Result]]


def number(exp: Expectation, key: str, default: float | None = None) -> float:
    """A numeric bound of an expectation, or its default.

    Raises:
        SpecError: the bound is missing (and has no default) or not a number.
    """
    value = (exp.model_extra or {}).get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        found = "missing" if value is None else f"not a number: {value!r}"
        raise SpecError([Problem(f"qa.*.{key}", found, hint=f"check {exp.check} needs a number")])
    return float(value)


def between(
    name: str, value: float, lo: float | None, hi: float | None, detail: str = ""
) -> Result:
    ok = (lo is None or value >= lo) and (hi is None or value <= hi)
    bound = f"[{'-inf' if lo is None else f'{lo:.4g}'}, {'inf' if hi is None else f'{hi:.4g}'}]"
    return Result(name, float(value), bound, bool(ok and np.isfinite(value)), detail)
