"""Run a plan: generate every selected table, write it, verify it, publish it.

This is the library's front door, mirrored by the CLI: ``generate(spec, to=...)``.
Generation runs ``workers`` blocks at a time on a thread pool (NumPy, Polars and
Arrow release the GIL) while the main thread writes the previous block, so both cores
work; block size and worker count never change the data.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from fauxdata.engine.digest import TableDigest
from fauxdata.engine.engine import DEFAULT_BLOCK_SIZE, Engine
from fauxdata.errors import FauxdataError
from fauxdata.manifest import build_manifest, read_manifest
from fauxdata.sinks import Target, open_sink, parse_target
from fauxdata.spec import load_spec, spec_dir, validate_spec
from fauxdata.spec.models import Spec
from fauxdata.spec.resolve import Plan, resolve
from fauxdata.synth.store import attach
from fauxdata.verify import Report, verify

Progress = Callable[[str, int, int], None]
"""Called with (table, rows done, rows total) after each block."""


@dataclass
class TableResult:
    name: str
    output: str
    rows: int
    seconds: float
    digest: str
    column_digests: dict[str, str]


@dataclass
class RunResult:
    target: Target | None
    plan: Plan
    tables: dict[str, TableResult]
    report: Report | None
    seconds: float
    manifest_path: Path | None = None
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)

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
    to: str | Target | None = None,
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
    bronze_source: str | None = None,
) -> RunResult:
    """Generate a dataset.

    Without ``to`` the tables come back in memory (``result.frames``, Polars). With a
    target they are streamed to it, verified, and published with a manifest. Delta
    targets name their tables ``bronze_<bronze_source>_<table>`` (default: the spec's name).

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
    engine = Engine(plan)
    engine.build()
    plan = engine.plan  # with the row counts of tables generated per parent
    n_workers = workers or default_workers()
    target = parse_target(to) if isinstance(to, str) else to
    if target is None:
        return _in_memory(plan, engine, block_size, n_workers, verify_output, progress, started)

    if target.is_database:
        guard_database(plan, target)
    sink = open_sink(target, plan, truncate=truncate, atomic=atomic, bronze_source=bronze_source)
    sink.prepare()
    try:
        results: dict[str, TableResult] = {}
        for name in plan.selected:
            table = plan.tables[name]
            schema = {c.name: c.type for c in table.columns.values()}
            digest = TableDigest()
            t0 = time.perf_counter()
            blocks = _tracked(
                engine.blocks(name, block_size, n_workers), digest, name, table.rows, progress
            )
            written = sink.write_table(table.output_name, schema, blocks, engine.few_values(name))
            results[name] = TableResult(
                name,
                sink.published_name(table.output_name),
                written,
                time.perf_counter() - t0,
                digest.hexdigest(),
                digest.column_digests(),
            )
        sink.finish_tables()
        report = None
        if verify_output:
            con = sink.query_connection()
            report = verify(
                plan,
                con,
                lambda t: (
                    sink.staged_relation(plan.tables[t].output_name, _schema(plan, t))
                    if t in results
                    else None
                ),
            )
        manifest = run_manifest(spec, plan, tables, target, results, report, sink.file_names())
        sink.commit(json.dumps(manifest, indent=2, default=str))
    except BaseException:
        sink.abort()
        raise
    return RunResult(
        target, plan, results, report, time.perf_counter() - started, target.manifest_path
    )


def run_manifest(
    spec: Spec | str | Path | dict[str, Any],
    plan: Plan,
    tables: list[str] | None,
    target: Target,
    results: Mapping[str, TableResult],
    report: Report | None,
    files: list[str],
) -> dict[str, Any]:
    """The manifest of a finished run (both engines write the same one)."""
    text = str(spec)
    spec_path = None if isinstance(spec, Spec | dict) or "\n" in text else text
    return build_manifest(
        spec=plan.spec,
        spec_path=spec_path,
        base_dir=plan.base_dir,
        seed=plan.seed,
        rows=dict(plan.row_overrides),
        scale=plan.scale,
        tables=list(tables) if tables else None,
        target=str(target),
        results={
            n: {"output": r.output, "rows": r.rows, "digest": r.digest, "columns": r.column_digests}
            for n, r in results.items()
        },
        verification=report.as_dict() if report else None,
        files=files,
    )


def guard_database(plan: Plan, target: Target) -> None:
    """Databases only in dev: the spec says ``environment: dev`` or FAUXDATA_ENV=dev, and
    the destination is not the database the spec was extracted from.

    Raises:
        TargetError: with what was found and how to allow it.
    """
    from sqlalchemy.engine import make_url

    from fauxdata.errors import TargetError

    env = os.environ.get("FAUXDATA_ENV")
    if plan.spec.environment != "dev" and env != "dev":
        raise TargetError(
            f"refusing to write to a database: the spec's environment is '{plan.spec.environment}'"
            + (f" and FAUXDATA_ENV is '{env}'" if env else ""),
            path="environment",
            hint="databases are written only in dev: set environment: dev in the spec, or FAUXDATA_ENV=dev",
            code="environment",
        )
    if plan.spec.source:
        here, there = make_url(target.url or ""), make_url(plan.spec.source)
        if (here.host, here.port, here.database) == (there.host, there.port, there.database):
            raise TargetError(
                f"refusing to write into the spec's own source database {target}",
                path="--to",
                hint="load into a separate dev database",
                code="environment",
            )


def _schema(plan: Plan, table: str) -> dict[str, Any]:
    return {c.name: c.type for c in plan.tables[table].columns.values()}


def _tracked(
    blocks: Iterator[pl.DataFrame],
    digest: TableDigest,
    name: str,
    total: int,
    progress: Progress | None,
) -> Iterator[pl.DataFrame]:
    """Pass blocks through, digesting them on a thread of their own (hashlib and Polars
    release the GIL) so hashing overlaps with writing."""
    done = 0
    if progress:
        progress(name, 0, total)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fauxdata-digest") as hasher:
        pending: list[Future[None]] = []
        for frame in blocks:
            pending.append(hasher.submit(digest.update, frame))
            while len(pending) > 2:
                pending.pop(0).result()
            done += frame.height
            if progress:
                progress(name, done, total)
            yield frame
        for future in pending:
            future.result()


def _in_memory(
    plan: Plan,
    engine: Engine,
    block_size: int,
    workers: int,
    verify_output: bool,
    progress: Progress | None,
    started: float,
) -> RunResult:
    import duckdb

    frames: dict[str, pl.DataFrame] = {}
    results: dict[str, TableResult] = {}
    for name in plan.selected:
        table = plan.tables[name]
        digest = TableDigest()
        t0 = time.perf_counter()
        parts = list(
            _tracked(engine.blocks(name, block_size, workers), digest, name, table.rows, progress)
        )
        frame = pl.concat(parts) if parts else engine.frame(name)
        frames[name] = frame
        results[name] = TableResult(
            name,
            table.output_name,
            frame.height,
            time.perf_counter() - t0,
            digest.hexdigest(),
            digest.column_digests(),
        )
    report = None
    if verify_output:
        con = duckdb.connect()
        for name, frame in frames.items():
            con.register(f"__faux_{name}", frame.to_arrow())
        report = verify(plan, con, lambda t: f'"__faux_{t}"' if t in frames else None)
        con.close()
    return RunResult(None, plan, results, report, time.perf_counter() - started, None, frames)


def replay(manifest_path: str | Path, to: str | None = None, **options: Any) -> RunResult:
    """Regenerate the exact dataset a manifest describes and check its digests.

    Raises:
        FauxdataError: the regenerated data differs from the manifest's digests.
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
        **options,
    )
    expected = {name: t["digest"] for name, t in manifest["tables"].items()}
    actual = {name: t.digest for name, t in result.tables.items()}
    if expected != actual:
        differing = sorted(n for n in expected if expected[n] != actual.get(n))
        raise FauxdataError(
            f"replayed data differs from the manifest for tables: {', '.join(differing)}",
            path="--replay",
            hint=f"the manifest was made with {manifest.get('packages')}; install those versions",
            code="replay_mismatch",
        )
    return result
