"""Run a plan: generate every selected table, write it, verify it, publish it.

This is the library's front door, mirrored by the CLI: ``generate(spec, to=...)``.
Generation runs ``workers`` blocks at a time on a thread pool (NumPy, Polars and
Arrow release the GIL) while the main thread writes the previous block, so both cores
work; block size and worker count never change the data.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from fauxdata.audit import record_database_write
from fauxdata.engine.engine import DEFAULT_BLOCK_SIZE, Engine
from fauxdata.errors import FauxdataError, VerificationError
from fauxdata.guard import guard_database
from fauxdata.manifest import read_manifest
from fauxdata.manifest import spec_source as manifest_source
from fauxdata.publish import Progress, StagedTable, TableResult, publish
from fauxdata.sinks import Sink, Target, as_target, open_sink
from fauxdata.sinks.memory import MemorySink
from fauxdata.spec import load_spec, spec_dir, validate_spec
from fauxdata.spec.models import Spec
from fauxdata.spec.resolve import Plan, resolve
from fauxdata.synth.store import attach
from fauxdata.verify import Report, verify


@dataclass
class RunResult:
    target: Target | None
    plan: Plan
    tables: dict[str, TableResult]
    report: Report | None
    seconds: float
    manifest_path: Path | None = None
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    published: bool = True
    """False when verification failed or a replay's digests differed: the target was
    left as it was."""
    kept_at: Path | None = None
    """Where the unpublished data was kept aside (None when dropped or in memory)."""
    problem: str = ""
    """Why nothing was published."""
    unchanged: bool = True
    """When not published: the target is as it was before the run (a database loaded
    without ``atomic`` keeps the tables it committed)."""

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def plan_for(
    spec: Spec | str | Path | dict[str, Any],
    *,
    seed: int | None = None,
    rows: Mapping[str, int] | None = None,
    scale: float = 1.0,
    tables: list[str] | None = None,
    base_dir: Path | None = None,
) -> Plan:
    """Load (if needed) and resolve a spec into a plan."""
    if isinstance(spec, Spec):
        loaded, folder = spec, base_dir or Path.cwd()
    else:
        loaded, folder = load_spec(spec), base_dir or spec_dir(spec)
    loaded = attach(loaded, folder)  # synthesized columns take their types from their model
    return resolve(loaded, seed=seed, rows=rows, scale=scale, tables=tables, base_dir=folder)


def check(spec: Spec | str | Path | dict[str, Any], **options: Any) -> Plan:
    """Validate a spec completely (models, references, every generator) without generating."""
    engine = Engine(plan_for(spec, **options))
    engine.build()
    return engine.plan


def generate(
    spec: Spec | str | Path | dict[str, Any],
    to: str | os.PathLike[str] | Target | None = None,
    *,
    seed: int | None = None,
    rows: Mapping[str, int] | None = None,
    scale: float = 1.0,
    tables: list[str] | None = None,
    block_size: int = DEFAULT_BLOCK_SIZE,
    workers: int | None = None,
    verify_output: bool = True,
    progress: Progress | None = None,
    base_dir: Path | None = None,
    truncate: bool = False,
    atomic: bool = False,
    append: bool = False,
    create_tables: bool = False,
    bronze_source: str | None = None,
    keep_failed: bool = True,
    expected_digests: Mapping[str, str] | None = None,
) -> RunResult:
    """Generate a dataset.

    Without ``to`` the tables come back in memory (``result.frames``, Polars). With a
    target they are streamed to it, verified, and published with a manifest. Delta
    targets name their tables ``bronze_<bronze_source>_<table>`` (default: the spec's name).

    A database target whose tables already hold rows is refused unless ``truncate``
    empties them or ``append`` continues the spec's sequence keys past their rows
    (``sinks.append``; only the new rows are verified). A table the database lacks is
    refused unless ``create_tables`` creates it (as ``fauxdata ddl`` spells it).

    When verification fails (or a table's digest differs from ``expected_digests``)
    nothing is published: ``result.published`` is False and the previous output stays;
    the new data is kept aside at ``result.kept_at`` unless ``keep_failed`` is False.

    Raises:
        SpecError: the spec is invalid.
        GenerationError / TargetError: generation or writing failed; nothing is published.
    """
    started = time.perf_counter()
    plan = plan_for(spec, seed=seed, rows=rows, scale=scale, tables=tables, base_dir=base_dir)
    masked = [n for n in plan.selected if plan.spec.tables[n].mode == "mask"]
    if masked:
        raise FauxdataError(
            f"tables {', '.join(masked)} have mode: mask: their rows come from a source",
            path=f"tables.{masked[0]}.mode",
            hint="run fauxdata mask SPEC --from SOURCE --to TARGET, or --tables to generate the others",
            code="mask_mode",
        )
    target = None if to is None else as_target(to)
    since = None
    if append:
        if truncate or target is None or not target.is_database:
            usage = FauxdataError(
                "--append adds rows to database tables"
                + (" and cannot be combined with --truncate" if truncate else ""),
                path="--append",
                hint="use one of --append or --truncate, with a database --to",
            )
            usage.exit_code = 2
            raise usage
        guard_database(plan.spec, target)  # before connecting
        from fauxdata.sinks.database import open_append

        appended = open_append(plan, target)
        since = appended.since
        plan = plan_for(
            appended.spec, seed=seed, rows=rows, scale=scale, tables=tables, base_dir=plan.base_dir
        )
    engine = Engine(plan)
    engine.build()
    plan = engine.plan  # with the row counts of tables generated per parent
    n_workers = workers or default_workers()
    sink: Sink
    if target is None:
        sink = MemorySink()
    else:
        if target.is_database:
            guard_database(plan.spec, target)
        sink = open_sink(
            target,
            plan,
            truncate=truncate,
            atomic=atomic,
            bronze_source=bronze_source,
            since=since,
            create_tables=create_tables,
        )
    staged = (
        StagedTable(
            name,
            _schema(plan, name),
            engine.blocks(name, block_size, n_workers),
            output=plan.tables[name].output_name,
            few_values=engine.few_values(name) if target is not None else frozenset(),
            rows=plan.tables[name].rows,
        )
        for name in plan.selected
    )
    database = target is not None and target.is_database

    def verified(con: duckdb.DuckDBPyConnection, relation: Callable[[str], str | None]) -> Report:
        engine.release()  # every table is written; the checks read what was written
        return verify(plan, con, relation)

    try:
        publication = publish(
            sink,
            staged,
            verify=verified if verify_output else None,
            manifest_extra=spec_source(spec, plan, tables),
            expected_digests=expected_digests,
            keep_failed=keep_failed,
            progress=progress,
        )
    except BaseException:
        if target is not None and database:
            audit_database_write(plan, target, {}, None, "failed")
        raise
    if target is not None and database:
        outcome = "committed" if publication.published else "failed"
        audit_database_write(plan, target, publication.tables, publication.report, outcome)
    return RunResult(
        target,
        plan,
        publication.tables,
        publication.report,
        time.perf_counter() - started,
        target.manifest_path if target is not None and publication.published else None,
        sink.frames if isinstance(sink, MemorySink) else {},
        published=publication.published,
        kept_at=publication.kept_at,
        problem=publication.problem,
        unchanged=publication.unchanged,
    )


def spec_source(
    spec: Spec | str | Path | dict[str, Any], plan: Plan, tables: list[str] | None
) -> dict[str, Any]:
    """What the manifest of a spec run records (both engines record the same)."""
    text = str(spec)
    return manifest_source(
        spec=plan.spec,
        spec_path=None if isinstance(spec, Spec | dict) or "\n" in text else text,
        base_dir=plan.base_dir,
        seed=plan.seed,
        rows=dict(plan.row_overrides),
        scale=plan.scale,
        tables=list(tables) if tables else None,
    )


def audit_database_write(
    plan: Plan,
    target: Target,
    results: Mapping[str, TableResult],
    report: Report | None,
    outcome: str,
) -> None:
    """One audit line for a run into a database (see ``fauxdata.audit``)."""
    record_database_write(
        target.url or "",
        spec=plan.spec,
        seed=plan.seed,
        tables={name: r.rows for name, r in results.items()},
        verified=report.passed if report else None,
        outcome=outcome,
    )


def _schema(plan: Plan, table: str) -> dict[str, Any]:
    return {c.name: c.type for c in plan.tables[table].columns.values()}


def replay(manifest_path: str | Path, to: str | None = None, **options: Any) -> RunResult:
    """Regenerate the exact dataset a manifest describes, into staging, and publish it
    only when every table's digest matches the manifest's: a replay that differs never
    overwrites the data it was checking.

    Raises:
        VerificationError: the regenerated data differs from the manifest's digests
            (nothing published; the message names where the replayed data was kept).
    """
    manifest = read_manifest(manifest_path)
    spec = validate_spec(manifest["spec"], origin=str(manifest_path))
    overrides = manifest.get("overrides") or {}
    result = generate(
        spec,
        to or manifest["target"],
        seed=manifest["seed"],
        rows=overrides.get("rows") or None,
        scale=overrides.get("scale", 1.0),
        tables=overrides.get("tables"),
        base_dir=Path(manifest.get("base_dir") or "."),
        expected_digests={name: t["digest"] for name, t in manifest["tables"].items()},
        **options,
    )
    if not result.published and result.problem.startswith("the digests"):
        raise replay_mismatch(result.problem, result.kept_at, manifest)
    return result


def replay_mismatch(
    problem: str, kept_at: Path | None, manifest: Mapping[str, Any]
) -> VerificationError:
    """The error of a replay whose digests differ (used by spec and scenario replays)."""
    kept = f"; the replayed data is kept at {kept_at}" if kept_at else ""
    return VerificationError(
        f"replay failed: {problem}; nothing was published{kept}",
        path="--replay",
        hint=f"the manifest was made with {manifest.get('packages')}; install those versions",
        code="replay_mismatch",
    )
