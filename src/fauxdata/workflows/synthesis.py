"""Synthesis as workflows: ``fit`` a seed table into a model of aggregates, and
``synthesize`` (generate a spec whose columns are synthesized, then measure quality and
privacy of what was written against the seed)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fauxdata.errors import FauxdataError
from fauxdata.run import RunResult
from fauxdata.workflows.events import Dialogue


@dataclass
class FitSeedOptions:
    seed: str
    """FILE.csv, FILE.parquet, duckdb:FILE#TABLE, or a database URL#TABLE."""
    out: Path
    columns: list[str] | None = None
    min_rows: int = 5
    clip: float = 0.005


@dataclass
class FitSeedResult:
    origin: str
    rows: int
    out: Path
    seconds: float
    model: Any
    """The fitted ``fauxdata.synth.model.Model``."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Columns left out, when none were named, with the reason (an identifier, a type
    fauxdata does not synthesize, no value)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "seed": self.origin,
            "rows": self.rows,
            "model": str(self.out),
            "seconds": round(self.seconds, 3),
            "columns": {
                n: {"kind": c.kind, "type": c.type, "given": c.given, "null_rate": c.null_rate}
                for n, c in self.model.columns.items()
            },
            "skipped": self.skipped,
        }


def fit_seed(options: FitSeedOptions) -> FitSeedResult:
    """Read a seed, fit a model (aggregates only, never a row) and write it.

    Raises:
        FauxdataError: the seed cannot be read or a column cannot be learnt.
    """
    from fauxdata.synth.columns import learnable
    from fauxdata.synth.fit import FitOptions, fit
    from fauxdata.synth.source import read_seed

    started = time.perf_counter()
    loaded = read_seed(options.seed, Path.cwd(), "SEED")
    columns, skipped = options.columns, dict[str, str]()
    enough = loaded.frame.height >= 2 * options.min_rows  # else fit names the row count
    if columns is None and enough:  # all of them: leave out what cannot be learnt, say why
        columns, skipped = learnable(loaded.frame, options.min_rows)
        if not columns:
            raise FauxdataError(
                f"no column of the seed can be learnt: {'; '.join(skipped.values())}",
                path="SEED",
            )
    model = fit(
        loaded.frame,
        columns,
        FitOptions(min_rows=options.min_rows, clip=options.clip),
        digest=loaded.digest,
        path="SEED",
        columns_path="--columns",
    )
    model.write(options.out)
    seconds = time.perf_counter() - started
    return FitSeedResult(loaded.origin, loaded.frame.height, options.out, seconds, model, skipped)


def run_figures(spec: Path | None, target: object) -> dict[str, Any]:
    """The synthesis figures of a run when its spec synthesizes columns and its output
    can be read back (files, DuckDB, Delta); otherwise nothing."""
    if spec is None or target is None or getattr(target, "is_database", True):
        return {}
    from fauxdata.spec import load_spec
    from fauxdata.synth.report import groups, synth_report

    if not groups(load_spec(spec)):
        return {}
    return {"synthesis": [r.to_dict() for r in synth_report(spec, str(target))]}


@dataclass
class SynthesizeOptions:
    spec: Path
    to: str
    seed: int | None = None
    rows: dict[str, int] = field(default_factory=dict)


@dataclass
class SynthesizeResult:
    run: RunResult
    reports: list[Any]
    """One ``GroupReport`` (quality and privacy) per synthesized group."""

    @property
    def passed(self) -> bool:
        verified = self.run.report is None or self.run.report.passed
        return self.run.published and verified and all(r.passed for r in self.reports)


def synthesize(options: SynthesizeOptions, dialogue: Dialogue | None = None) -> SynthesizeResult:
    """Generate ``spec`` into ``to`` and report on its synthesized columns.

    Raises:
        FauxdataError: the spec synthesizes nothing, or the run fails on bad input.
    """
    from fauxdata import run
    from fauxdata.errors import FauxdataError
    from fauxdata.spec import load_spec
    from fauxdata.synth.report import groups, synth_report

    ui = dialogue or Dialogue()
    if not groups(load_spec(options.spec)):
        raise FauxdataError(
            "no column of this spec is synthesized",
            path="options.spec",
            hint="give columns a synthesize: {model: FILE} generator, or run a generate job",
        )
    done = run.generate(
        options.spec,
        options.to,
        seed=options.seed,
        rows=options.rows or None,
        progress=ui.table_progress("generate"),
    )
    reports = synth_report(options.spec, str(done.target)) if done.published else []
    return SynthesizeResult(done, reports)
