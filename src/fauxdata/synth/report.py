"""The quality and privacy report of a spec's synthesized groups.

``synth_report(spec, data)`` reads each group's seed and the generated table (from a
target, or generated in memory when no target is given), then measures quality
(``fauxdata.synth.quality``) and privacy (``fauxdata.synth.privacy``, with a holdout
model fitted on 80% of the seed). ``to_dict`` gives the figures for JSON output;
``fauxdata.synth.html`` draws them.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl

from fauxdata.engine.rng import Stream
from fauxdata.errors import FauxdataError, TargetError
from fauxdata.spec.loader import load_spec, spec_dir
from fauxdata.spec.models import Spec
from fauxdata.spec.synthesize import Synthesized
from fauxdata.synth.fit import FitOptions, fit
from fauxdata.synth.model import Model
from fauxdata.synth.privacy import (
    Distances,
    Privacy,
    distances,
    holdout_mask,
    rare_emitted,
)
from fauxdata.synth.quality import Quality, quality
from fauxdata.synth.sample import Sampler
from fauxdata.synth.source import read_seed
from fauxdata.synth.store import attach, model_for

MAX_QUALITY_ROWS = 200_000
HOLDOUT_SYNTHETIC_ROWS = 2_000


@dataclass
class GroupReport:
    """One synthesized group of one table."""

    table: str
    group: str
    columns: dict[str, str]
    """Output column -> seed column."""
    seed: str
    seed_rows: int
    synthetic_rows: int
    min_rows: int
    quality: Quality
    privacy: Privacy
    seconds: float

    @property
    def passed(self) -> bool:
        return self.privacy.passed

    def to_dict(self) -> dict[str, Any]:
        body = asdict(self)
        body["privacy"]["exact_copy_allowance"] = self.privacy.allowance
        body["privacy"]["target_exact_copy_allowance"] = self.privacy.target_allowance
        body["privacy"]["passed"] = self.privacy.passed
        body["medians_within_spread"] = sum(m.within_spread for m in self.quality.medians)
        body["medians"] = len(self.quality.medians)
        body["passed"] = self.passed
        return body


def evaluate(
    seed: pl.DataFrame,
    synthetic: pl.DataFrame,
    kinds: dict[str, str],
    options: FitOptions,
) -> tuple[Quality, Privacy]:
    """Quality of ``synthetic`` against ``seed`` on the columns of ``kinds`` (seed column
    -> "numeric" or "categorical", as in the model), and privacy against the seed and
    against a holdout baseline (a model fitted on 80% of the seed)."""
    names = list(kinds)
    synthetic = synthetic.select(names)
    q = quality(seed, _spaced(synthetic, MAX_QUALITY_ROWS), kinds, options.min_rows)
    mask = holdout_mask(seed.height)
    train, held = seed.filter(~pl.Series(mask)), seed.filter(pl.Series(mask))
    baseline = fit(train, names, options)
    rows = np.arange(HOLDOUT_SYNTHETIC_ROWS, dtype=np.int64)
    drawn = Sampler(baseline).sample(rows, Stream.of(0, "synth-holdout-sample"))
    holdout_synthetic = pl.DataFrame([drawn[n] for n in names])
    privacy = Privacy(
        target=distances(synthetic, seed, kinds),
        holdout=distances(held, train, kinds),
        holdout_synthetic=distances(holdout_synthetic, train, kinds),
        seed_rows=seed.height,
        train_rows=train.height,
        rare_emitted=rare_emitted(seed, synthetic, kinds, options.min_rows),
    )
    return q, privacy


def kinds_of(model: Model) -> dict[str, str]:
    """Each model column's kind: "numeric" or "categorical"."""
    return {name: column.kind for name, column in model.columns.items()}


def _spaced(frame: pl.DataFrame, limit: int) -> pl.DataFrame:
    if frame.height <= limit:
        return frame
    return frame[np.linspace(0, frame.height - 1, limit).astype(np.int64)]


def groups(spec: Spec) -> dict[tuple[str, str], dict[str, Synthesized]]:
    """The synthesized groups: (table, group) -> {output column: its generator spec}."""
    out: dict[tuple[str, str], dict[str, Synthesized]] = {}
    for tname, table in spec.tables.items():
        for cname, column in table.columns.items():
            if isinstance(column.generator, Synthesized):
                out.setdefault((tname, column.generator.group), {})[cname] = column.generator
    return out


def synth_report(
    spec: str | Path, data: str | None = None, *, base_dir: Path | None = None
) -> list[GroupReport]:
    """Measure every synthesized group of ``spec`` against the rows at ``data`` (a
    target as written by ``generate``), or against rows generated in memory.

    Raises:
        FauxdataError: the spec has no synthesized column, a group has no seed
            (``model:`` without ``from:``), or the data cannot be read.
    """
    folder = base_dir or spec_dir(spec)
    loaded = attach(load_spec(spec), folder)
    found = groups(loaded)
    if not found:
        raise FauxdataError(
            "the spec has no synthesized column", path="tables", hint="add synthesize: to a table"
        )
    frames: dict[str, pl.DataFrame] = {}
    reports = []
    for (tname, group), parts in found.items():
        started = time.perf_counter()
        first = next(iter(parts.values()))
        path = f"tables.{tname}.synthesize"
        if first.source is None:
            raise FauxdataError(
                f"group '{group}' has a model but no seed to compare with",
                path=path,
                hint="the report compares rows with their seed: name it with from: (fit saves only the model)",
            )
        seed = read_seed(first.source, folder, f"{path}.from")
        model = model_for(first, folder, path)
        if tname not in frames:
            frames[tname] = _table(loaded, tname, data, folder)
        synthetic = frames[tname].select(pl.col(out).alias(gen.part) for out, gen in parts.items())
        options = FitOptions(min_rows=first.min_rows, clip=first.clip)
        kinds: dict[str, str] = {g.part: model.columns[g.part].kind for g in parts.values()}
        q, privacy = evaluate(seed.frame, synthetic, kinds, options)
        reports.append(
            GroupReport(
                table=tname,
                group=group,
                columns={out: gen.part for out, gen in parts.items()},
                seed=seed.origin,
                seed_rows=seed.frame.height,
                synthetic_rows=synthetic.height,
                min_rows=first.min_rows,
                quality=q,
                privacy=privacy,
                seconds=round(time.perf_counter() - started, 3),
            )
        )
    return reports


def _table(spec: Spec, table: str, data: str | None, folder: Path) -> pl.DataFrame:
    if data is None:
        from fauxdata.run import generate

        return generate(spec, tables=[table], base_dir=folder, verify_output=False).frames[table]
    return read_output(data, spec.tables[table].output or table)


def read_output(data: str, name: str) -> pl.DataFrame:
    """A generated table back from a DuckDB file, or a Parquet, CSV, JSONL or Delta folder.

    Raises:
        TargetError: the target or table is missing, or of a kind not read here.
    """
    from fauxdata.sinks import parse_target
    from fauxdata.sinks.duckdb_types import quote

    target = parse_target(data)
    if target.is_database:
        raise TargetError(
            "synth-report reads DuckDB files and Parquet, CSV, JSONL or Delta folders",
            path="--data",
            hint="generate to one of those, or leave out --data to report on rows made in memory",
        )
    if not target.path.exists():
        raise TargetError(f"no data at {target.path}", path="--data")
    try:
        if target.format == "duckdb":
            with duckdb.connect(str(target.path), read_only=True) as con:
                return con.sql(f"SELECT * FROM {quote(name)}").pl()
        file = target.path / f"{name}.{target.format}"
        if target.format == "parquet":
            return pl.read_parquet(file)
        if target.format == "csv":
            return pl.read_csv(file, try_parse_dates=True, infer_schema_length=10_000)
        if target.format == "jsonl":
            return pl.read_ndjson(file)
        if target.format == "delta":
            return pl.read_delta(str(target.path / name))
    except (OSError, duckdb.Error, pl.exceptions.PolarsError) as exc:
        raise TargetError(
            f"cannot read table '{name}' from {target.path}: {exc}", path="--data"
        ) from None
    raise TargetError(f"cannot read {target.format} output", path="--data")


__all__ = ["Distances", "GroupReport", "evaluate", "kinds_of", "read_output", "synth_report"]
