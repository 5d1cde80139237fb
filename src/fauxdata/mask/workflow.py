"""``mask``: read a source, mask it column by column, write, verify, publish.

The library's entry point for masking, mirrored by ``fauxdata mask``. Mask tables are
streamed from the source batch by batch (never a whole table); tables the spec
generates are generated as ``fauxdata generate`` would. Everything goes through the
one publisher (``fauxdata.publish``): staging, verification and commit; the leak check
runs on the way, and a leak aborts the run after the report is written.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from fauxdata.engine.cast import cast_column
from fauxdata.engine.engine import Engine
from fauxdata.errors import TargetError, VerificationError
from fauxdata.guard import guard_database
from fauxdata.lineage import marks
from fauxdata.manifest import spec_digest
from fauxdata.mask.keys import MaskKey, resolve_key
from fauxdata.mask.leaks import TOLERANCE, ColumnLeaks, LeakFigures
from fauxdata.mask.masks import FpeMask, Rows
from fauxdata.mask.plan import TablePlan, plan_masks, with_rows
from fauxdata.mask.report import Treatment, report_document, write_report
from fauxdata.mask.sources import BATCH_SIZE, Source, as_spec_names, open_source
from fauxdata.mask.subset import Subset, parse_subset
from fauxdata.pii.scan import judge
from fauxdata.publish import Publisher, StagedTable, TableResult
from fauxdata.run import audit_database_write, plan_for, spec_source
from fauxdata.sinks import Target, as_target, open_sink
from fauxdata.spec.models import Spec
from fauxdata.spec.plan import Plan
from fauxdata.verify import Report, verify

Progress = Callable[[str, int], None]
"""Called with (table, rows written so far) after each batch."""


@dataclass
class MaskResult:
    target: Target
    plan: Plan
    tables: dict[str, TableResult]
    verification: Report | None
    leaks: list[LeakFigures]
    treatments: list[Treatment]
    fpe: dict[str, Any]
    seconds: float
    manifest_path: Path | None = None
    report_paths: list[Path] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())


class LeakError(VerificationError):
    """A masked column still holds source values beyond the tolerance."""

    code = "leak"


def mask(
    spec: Spec | str | Path | dict[str, Any],
    source: str | os.PathLike[str],
    to: str | os.PathLike[str] | Target,
    *,
    key: str | MaskKey,
    subset: list[str] | None = None,
    subset_children: bool = False,
    allow_passthrough: list[str] | None = None,
    report: Path | None = None,
    leak_tolerance: float = TOLERANCE,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    base_dir: Path | None = None,
    truncate: bool = False,
    create_tables: bool = False,
) -> MaskResult:
    """Mask ``source`` into ``to`` as the spec says.

    Raises:
        SpecError: the spec is invalid, the source drifted from it, or a foreign key
            masks differently from its key.
        TargetError: the target is the source, or cannot be written.
        LeakError: a masked column leaks (after the report is written; nothing published).
    """
    started = time.perf_counter()
    plan = plan_for(spec, base_dir=base_dir)
    secret = key if isinstance(key, MaskKey) else resolve_key(key)
    target = as_target(to)
    reader = as_spec_names(open_source(os.fspath(source)), plan.spec)
    try:
        if reader.is_target(target):
            raise TargetError(
                f"refusing to write into the source {reader.label}",
                path="--to",
                hint="masking reads the source read-only; write to another file, folder or database",
            )
        tables, plan = plan_masks(plan, reader, secret, allow_passthrough or [])
        engine = Engine(plan)
        engine.build()
        plan = engine.plan
        rules = [parse_subset(s) for s in subset or []]
        chooser = (
            Subset(plan, list(tables), reader, rules, secret, subset_children) if rules else None
        )
        if target.is_database:
            guard_database(plan.spec, target)
        run = _Run(plan, tables, reader, engine, chooser, secret, leak_tolerance, batch_size)
        result = publish(spec, plan, target, run, progress, truncate, create_tables)
    finally:
        reader.close()
    result.seconds = time.perf_counter() - started
    document = report_document(
        reader.label,
        str(target),
        {n: t.rows for n, t in result.tables.items()},
        result.treatments,
        result.leaks,
        result.fpe,
    )
    if report is not None:
        result.report_paths = write_report(report, document)
    leaking = [f for f in result.leaks if f.leaks]
    if leaking:
        raise LeakError(
            "masked columns still hold source values: "
            + ", ".join(
                f"{f.table}.{f.column} ({f.unchanged} unchanged rows, "
                f"{f.found if f.found is not None else 'n/a'} source values found)"
                for f in leaking
            ),
            path="--to",
            hint="choose a mask that hides these values; nothing was published",
        )
    return result


WORKERS = 2
"""Batches masked at once (each holds one batch of the source and its output)."""


@dataclass
class _Masked:
    output: pl.DataFrame
    seconds: dict[str, float]


class _Run:
    """The state of one mask run: what to read, how to mask, the leak figures."""

    def __init__(
        self,
        plan: Plan,
        tables: dict[str, TablePlan],
        source: Source,
        engine: Engine,
        subset: Subset | None,
        key: MaskKey,
        tolerance: float,
        batch_size: int,
    ) -> None:
        self.plan, self.tables, self.source, self.engine = plan, tables, source, engine
        self.subset, self.batch_size = subset, batch_size
        leak_key = key.derive("leak-check")
        self.leaks = {
            (t, c): ColumnLeaks(t, c, m, leak_key, tolerance)
            for t, tp in tables.items()
            for c, m in tp.masks.items()
            if m.transforms
        }
        self.seconds: dict[tuple[str, str], float] = {}

    def blocks(self, name: str) -> Iterator[pl.DataFrame]:
        """The masked table, batch by batch, in source order. Batches are masked and
        leak-checked on a small thread pool (NumPy, Polars and Arrow release the GIL)
        while the caller writes the previous one; the leak figures do not depend on the
        order batches arrive in."""
        with ThreadPoolExecutor(WORKERS, thread_name_prefix="fauxdata-mask") as pool:
            pending: deque[Future[_Masked]] = deque()
            for frame, rows in self._read(name):
                pending.append(pool.submit(self._mask, name, frame, rows))
                if len(pending) > WORKERS:
                    yield self._finish(name, pending.popleft().result())
            while pending:
                yield self._finish(name, pending.popleft().result())

    def _read(self, name: str) -> Iterator[tuple[pl.DataFrame, Rows]]:
        """Source batches with their rows' ordinals, subset rows dropped."""
        read = list(self.tables[name].read)
        where = None
        if self.subset is not None and self.subset.subset(name):
            read += [c for c in self.subset.columns(name) if c not in read]
            where = self.subset.where(name)
        ordinal = 0
        for batch in self.source.batches(name, read, where, self.batch_size):
            frame = pl.DataFrame(pl.from_arrow(batch))
            rows = np.arange(ordinal, ordinal + frame.height, dtype=np.int64)
            ordinal += frame.height
            if self.subset is not None:
                keep = self.subset.keep(name, frame)
                frame, rows = frame.filter(pl.Series(keep)), rows[keep]
            yield frame, rows

    def _mask(self, name: str, frame: pl.DataFrame, rows: Rows) -> _Masked:
        tp = self.tables[name]
        out: dict[str, pl.Series] = {}
        seconds: dict[str, float] = {}
        for column, masker in tp.masks.items():
            t0 = time.perf_counter()
            masked = masker.apply(frame.get_column(column), frame, rows).alias(column)
            out[column] = cast_column(masked, tp.types[column], masker.ctx.path)
            seconds[column] = time.perf_counter() - t0
            if (name, column) in self.leaks:
                self.leaks[(name, column)].update(frame.get_column(column), out[column])
        generators = self.engine.tables[name].columns
        for column in tp.generated:
            gen = generators[column]
            inputs = {d: out[d] for d in gen.generator.dependencies()}
            out[column] = gen.evaluate(rows, inputs)
        return _Masked(pl.DataFrame([out[c] for c in tp.output]), seconds)

    def _finish(self, name: str, done: _Masked) -> pl.DataFrame:
        for column, spent in done.seconds.items():
            self.seconds[(name, column)] = self.seconds.get((name, column), 0.0) + spent
        return done.output

    def leak_figures(self) -> list[LeakFigures]:
        """Every masked column's figures, columns side by side (sorting releases the GIL)."""
        with ThreadPoolExecutor(WORKERS, thread_name_prefix="fauxdata-leaks") as pool:
            return list(pool.map(ColumnLeaks.figures, self.leaks.values()))

    def treatments(self) -> list[Treatment]:
        found = []
        for name, tp in self.tables.items():
            spec_table = self.plan.spec.tables[name]
            for column in tp.output:
                spec_column = spec_table.columns.get(column)
                if column in tp.drift:
                    treatment = "passthrough (--allow-passthrough)"
                elif column in tp.masks:
                    treatment = tp.masks[column].spec.kind
                else:
                    treatment = "generated"
                pii = spec_column.pii if spec_column is not None else None
                if pii is None:
                    finding = judge(name, column, str(tp.types[column]))
                    pii = finding.category if finding else None
                seconds = round(self.seconds.get((name, column), 0.0), 4)
                replaced = tp.masks[column].tally() if column in tp.masks else None
                found.append(Treatment(name, column, treatment, pii, seconds, replaced or None))
        return found

    def fpe(self) -> dict[str, Any]:
        ciphers = {}
        seconds = 0.0
        for name, tp in self.tables.items():
            for column, masker in tp.masks.items():
                if isinstance(masker, FpeMask):
                    cipher = masker.checked or masker.cipher
                    ciphers[id(cipher)] = cipher
                    seconds += self.seconds.get((name, column), 0.0)
        values = sum(c.encrypted for c in ciphers.values())
        rate = round(values / seconds) if seconds else None
        return {"values": values, "seconds": round(seconds, 3), "values_per_second": rate}


def publish(
    spec: Spec | str | Path | dict[str, Any],
    plan: Plan,
    target: Target,
    run: _Run,
    progress: Progress | None,
    truncate: bool,
    create_tables: bool = False,
) -> MaskResult:
    """Stage every table through the one publisher (``fauxdata.publish``): digest,
    verify (keys unique, foreign keys resolve), manifest, commit.

    A leak removes everything staged and publishes nothing (leaking data is never kept);
    a failed verification publishes nothing and keeps the masked data aside.

    Raises:
        VerificationError: the masked output fails verification.
    """
    lineage = marks(
        spec_name=plan.spec.name,
        spec_digest=spec_digest(plan.spec),
        seed=plan.seed,
        producer="mask",
    )
    sink = open_sink(target, plan, truncate=truncate, lineage=lineage, create_tables=create_tables)
    tracked = (lambda t, done, _total: progress(t, done)) if progress else None
    with Publisher(sink, progress=tracked) as publisher:
        for name in plan.selected:
            table = plan.tables[name]
            blocks = run.blocks(name) if name in run.tables else _generated(run.engine, name)
            schema = {c.name: c.type for c in table.columns.values()}
            publisher.write(StagedTable(name, schema, blocks, output=table.output_name))
        results = publisher.results
        checked = with_rows(plan, {n: r.rows for n, r in results.items()})
        leaks = run.leak_figures()
        if any(f.leaks for f in leaks):  # leaving the block unpublished removes staging
            return MaskResult(
                target, checked, results, None, leaks, run.treatments(), run.fpe(), 0.0
            )
        mask_record = {
            "source": run.source.label,
            "tables": sorted(run.tables),
            "columns": [t.__dict__ for t in run.treatments()],
            "leak_check": [f.as_dict() for f in leaks],
        }
        publication = publisher.commit(
            verify=lambda con, relation: verify(checked, con, relation),
            manifest_extra={**spec_source(spec, checked, None), "mask": mask_record},
        )
    report = publication.report
    if target.is_database:
        outcome = "committed" if publication.published else "failed"
        audit_database_write(checked, target, results, report, outcome)
    if not publication.published and report is not None:
        kept = f"; the masked data is kept at {publication.kept_at}" if publication.kept_at else ""
        raise VerificationError(
            "the masked output fails verification: "
            + "; ".join(f"{c.name}: {c.detail}" for c in report.failures),
            path="--to",
            hint=f"nothing was published{kept}",
        )
    return MaskResult(
        target,
        checked,
        results,
        report,
        leaks,
        run.treatments(),
        run.fpe(),
        0.0,
        target.manifest_path,
    )


def _generated(engine: Engine, name: str) -> Iterator[pl.DataFrame]:
    yield from engine.blocks(name, BATCH_SIZE, 1)
