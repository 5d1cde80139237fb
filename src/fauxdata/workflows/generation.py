"""``generate`` as the faces call it: a spec (or a manifest to replay) and options in,
a run out, on the local engine or on Spark; progress as events.

``fauxdata.run.generate`` is the engine-level call; this adds what a command decides
around it: the default target (``out/<spec name>.duckdb``), replaying a scenario run's
manifest, and the Spark engine with its own session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fauxdata.engine.engine import DEFAULT_BLOCK_SIZE
from fauxdata.errors import FauxdataError, UsageError
from fauxdata.run import RunResult
from fauxdata.workflows.events import Dialogue


@dataclass
class GenerateOptions:
    spec: Path | None = None
    to: str | None = None
    seed: int | None = None
    rows: dict[str, int] = field(default_factory=dict)
    scale: float = 1.0
    tables: list[str] | None = None
    replay: Path | None = None
    """A manifest whose dataset to reproduce (a spec run or a scenario run)."""
    workers: int | None = None
    block_size: int = DEFAULT_BLOCK_SIZE
    verify: bool = True
    truncate: bool = False
    atomic: bool = False
    append: bool = False
    """Databases: add rows to tables that hold some; sequence keys continue past them."""
    create_tables: bool = False
    """Databases: create the spec's tables the database lacks."""
    keep_failed: bool = True
    engine: str = "local"
    spark_master: str | None = None


@dataclass
class ScenarioReplay:
    """A scenario run simulated again; published only because every digest matched."""

    scenario: str
    rows: int
    target: str


def at_least(value: int, least: int, flag: str) -> int:
    """A count option checked before anything runs.

    Raises:
        UsageError: below ``least``, naming the flag.
    """
    if value < least:
        raise UsageError(f"found {value}; expected a whole number >= {least}", path=flag)
    return value


def generate(
    options: GenerateOptions, dialogue: Dialogue | None = None
) -> RunResult | ScenarioReplay:
    """Generate (or replay) a dataset, verify it and publish it.

    Raises:
        UsageError: neither a spec nor a manifest, an unknown engine, a bad count.
        FauxdataError: whatever the run raises for bad input (see ``fauxdata.run``).
    """
    from fauxdata import run

    ui = dialogue or Dialogue()
    if options.spec is None and options.replay is None:
        raise UsageError("give a SPEC file or --replay MANIFEST")
    if options.engine not in ("local", "spark"):
        raise FauxdataError(
            f"unknown engine '{options.engine}'", path="--engine", hint="expected local or spark"
        )
    at_least(options.block_size, 1, "--block-size")
    if options.workers is not None:
        at_least(options.workers, 1, "--workers")
    if options.replay is not None and _is_scenario_manifest(options.replay):
        return _replay_scenario(options.replay, options.to, keep_failed=options.keep_failed)
    progress = ui.table_progress("generate")
    if options.engine == "spark":
        return _on_spark(options)
    if options.replay is not None:
        return run.replay(
            options.replay,
            options.to,
            workers=options.workers,
            block_size=options.block_size,
            verify_output=options.verify,
            progress=progress,
            keep_failed=options.keep_failed,
        )
    assert options.spec is not None
    return run.generate(
        options.spec,
        options.to or f"out/{spec_name(options.spec)}.duckdb",
        truncate=options.truncate,
        atomic=options.atomic,
        append=options.append,
        create_tables=options.create_tables,
        seed=options.seed,
        rows=options.rows,
        scale=options.scale,
        tables=options.tables,
        workers=options.workers,
        block_size=options.block_size,
        verify_output=options.verify,
        progress=progress,
        keep_failed=options.keep_failed,
    )


def _on_spark(options: GenerateOptions) -> RunResult:
    """Spark writes Parquet or Delta folders (default parquet:out/NAME); the session is
    ours, so it stops with the run."""
    from fauxdata import spark as spark_engine

    if options.spec is None or options.replay is not None:
        raise FauxdataError(
            "--replay runs on the local engine",
            path="--engine",
            hint="drop --engine spark: both engines give the same rows and digests",
        )
    from fauxdata.spark.output import spark_target

    target = options.to or f"parquet:out/{spec_name(options.spec)}"
    spark_target(target)  # a wrong target fails before the JVM starts
    spark_engine.require_pyspark()
    session = spark_engine.session(options.spark_master)
    try:
        return spark_engine.write(
            options.spec,
            session,
            target,
            seed=options.seed,
            rows=options.rows,
            scale=options.scale,
            tables=options.tables,
            block_size=options.block_size,
            verify_output=options.verify,
            keep_failed=options.keep_failed,
        )
    finally:
        session.stop()


def _is_scenario_manifest(path: Path) -> bool:
    from fauxdata.manifest import read_manifest

    return read_manifest(path).get("kind") == "scenario"


def _replay_scenario(path: Path, to: str | None, *, keep_failed: bool) -> ScenarioReplay:
    """Simulate a scenario run again; publish only on equal digests."""
    from fauxdata.manifest import read_manifest
    from fauxdata.scenarios.output import replay_scenario

    manifest = read_manifest(path)
    publication = replay_scenario(manifest, to, keep_failed=keep_failed)
    rows = sum(t.rows for t in publication.tables.values())
    return ScenarioReplay(str(manifest.get("scenario")), rows, str(to or manifest["target"]))


def spec_name(spec: Path) -> str:
    """The spec's name, or its file name when it does not load (the run reports why)."""
    try:
        from fauxdata.spec import load_spec

        return load_spec(spec).name
    except FauxdataError:
        return spec.stem


def result_json(result: RunResult) -> dict[str, Any]:
    """A run as JSON (``generate --json``, the service's report)."""
    return {
        "spec": result.plan.spec.name,
        "seed": result.plan.seed,
        "target": str(result.target) if result.target else None,
        "manifest": str(result.manifest_path) if result.manifest_path else None,
        "seconds": round(result.seconds, 3),
        "tables": {
            n: {
                "output": t.output,
                "rows": t.rows,
                "seconds": round(t.seconds, 3),
                "digest": t.digest,
            }
            for n, t in result.tables.items()
        },
        "verification": result.report.as_dict() if result.report else None,
    }
