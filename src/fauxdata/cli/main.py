"""The ``fauxdata`` command line: a thin layer over ``fauxdata.run``."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from fauxdata import run
from fauxdata.cli import mask as mask_commands
from fauxdata.cli import mock as mock_commands
from fauxdata.cli import scenarios as scenario_commands
from fauxdata.cli import synth as synth_commands
from fauxdata.engine.engine import DEFAULT_BLOCK_SIZE
from fauxdata.errors import FauxdataError, SpecError
from fauxdata.publish.signals import Interrupted
from fauxdata.publish.signals import exit_code as signal_exit_code
from fauxdata.spec.models import Spec
from fauxdata.verify import print_checklist

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
    help="Generate safe, realistic, relational mock data from a declarative spec.",
)
console = Console(stderr=False, highlight=False)
errors = Console(stderr=True, highlight=False)
_debug = False


def _report(exc: FauxdataError) -> int:
    """Print an error the user can act on, one line per problem; the exit code for it."""
    if isinstance(exc, SpecError):
        for problem in exc.problems:
            prefix = f"{exc.source}: " if exc.source else ""
            errors.print(f"[red]error[/red] {escape(prefix + str(problem))}", soft_wrap=True)
    else:
        errors.print(f"[red]error[/red] {escape(str(exc))}", soft_wrap=True)
    return exc.exit_code


def _parse_rows(values: list[str] | None) -> dict[str, int]:
    out: dict[str, int] = {}
    for value in values or []:
        name, sep, count = value.partition("=")
        if not sep or not count.strip().isdigit():
            errors.print(
                f"[red]error[/red] --rows {value}: expected TABLE=N, e.g. --rows employees=1000"
            )
            raise typer.Exit(2)
        out[name.strip()] = int(count)
    return out


def _at_least(value: int, least: int, flag: str) -> int:
    """A count flag checked before anything runs: one line naming the flag, exit 2."""
    if value < least:
        errors.print(f"[red]error[/red] {flag}: found {value}; expected a whole number >= {least}")
        raise typer.Exit(2)
    return value


def _tables(value: str | None) -> list[str] | None:
    return [t.strip() for t in value.split(",") if t.strip()] if value else None


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False) -> None:
    global _debug
    _debug = debug


@app.command()
def generate(
    spec: Annotated[
        Path | None, typer.Argument(help="Spec file (YAML or JSON).", show_default=False)
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="FILE.duckdb or duckdb:FILE (default out/NAME.duckdb; duckdb:///ABS for an "
            "absolute path), parquet:DIR, csv:DIR, jsonl:DIR, "
            "delta:DIR (bronze tables) or a database URL.",
        ),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Overrides the spec's seed.")] = None,
    rows: Annotated[list[str] | None, typer.Option("--rows", help="TABLE=N; repeatable.")] = None,
    scale: Annotated[float, typer.Option("--scale", help="Multiply every row count.")] = 1.0,
    tables: Annotated[
        str | None, typer.Option("--tables", help="Only these tables, comma-separated.")
    ] = None,
    replay: Annotated[
        Path | None, typer.Option("--replay", help="Reproduce the dataset of a manifest.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Blocks generated at once.")
    ] = None,
    block_size: Annotated[
        int, typer.Option("--block-size", help="Rows per block.")
    ] = DEFAULT_BLOCK_SIZE,
    no_verify: Annotated[
        bool, typer.Option("--no-verify", help="Skip the verification checks.")
    ] = False,
    truncate: Annotated[
        bool, typer.Option("--truncate", help="Databases: empty the tables first.")
    ] = False,
    atomic: Annotated[
        bool, typer.Option("--atomic", help="Databases: one transaction for the whole run.")
    ] = False,
    append: Annotated[
        bool,
        typer.Option(
            "--append",
            help="Databases: add rows to tables that hold some; sequence keys continue past them.",
        ),
    ] = False,
    discard_failed: Annotated[
        bool,
        typer.Option(
            "--discard-failed",
            help="When verification fails, drop the new data instead of keeping it aside.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="local (default) or spark: generate on Apache Spark, same rows "
            "(--to parquet:DIR or delta:DIR; needs fauxdata[spark]).",
        ),
    ] = "local",
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master",
            help="--engine spark: local[2], spark://HOST:7077, ... (default: spark-submit's).",
        ),
    ] = None,
) -> None:
    """Generate a dataset, verify it and write it.

    Examples:

    * `fauxdata generate examples/hr.yaml`  (DuckDB file out/hr.duckdb)
    * `fauxdata generate examples/shop.yaml --to parquet:out/shop --seed 7`
    * `fauxdata generate examples/shop.yaml --rows customers=1000000 --tables customers`
    * `fauxdata generate --replay out/shop/fauxdata-manifest.json`
    * `fauxdata generate specs/hr.yaml --to postgresql://me@localhost/hr_dev --truncate`
    * `fauxdata generate examples/shop.yaml --engine spark --spark-master local[2] --to delta:out/lake`
    """
    if spec is None and replay is None:
        errors.print("[red]error[/red] give a SPEC file or --replay MANIFEST")
        raise typer.Exit(2)
    if engine not in ("local", "spark"):
        raise FauxdataError(
            f"unknown engine '{engine}'", path="--engine", hint="expected local or spark"
        )
    _at_least(block_size, 1, "--block-size")
    if workers is not None:
        _at_least(workers, 1, "--workers")
    show = not quiet and not as_json and sys.stdout.isatty()
    if replay is not None and _is_scenario_manifest(replay):
        _replay_scenario(replay, to, keep_failed=not discard_failed, quiet=quiet or as_json)
        return
    with _ProgressBars(show) as report_progress:
        if engine == "spark":
            result = _on_spark(
                spec,
                replay,
                to,
                spark_master,
                seed=seed,
                rows=_parse_rows(rows),
                scale=scale,
                tables=_tables(tables),
                block_size=block_size,
                verify_output=not no_verify,
                keep_failed=not discard_failed,
            )
        elif replay is not None:
            result = run.replay(
                replay,
                to,
                workers=workers,
                block_size=block_size,
                verify_output=not no_verify,
                progress=report_progress,
                keep_failed=not discard_failed,
            )
        else:
            assert spec is not None
            target = to or f"out/{_spec_name(spec)}.duckdb"
            result = run.generate(
                spec,
                target,
                truncate=truncate,
                atomic=atomic,
                append=append,
                seed=seed,
                rows=_parse_rows(rows),
                scale=scale,
                tables=_tables(tables),
                workers=workers,
                block_size=block_size,
                verify_output=not no_verify,
                progress=report_progress,
                keep_failed=not discard_failed,
            )
    failed = not result.published or (result.report is not None and not result.report.passed)
    _warn(result.plan)
    if as_json:
        figures = synth_commands.run_figures(spec, result.target) if replay is None else {}
        print(json.dumps({**_result_json(result), **figures}, indent=2, default=str))
    elif not quiet:
        _summary(result)
        if result.report is not None:
            print_checklist(result.report, console)
        if result.published:
            console.print(
                f"Wrote {result.target.absolute() if result.target else ''} "
                f"[dim](manifest {result.manifest_path})[/dim]"
            )
    if not result.published:
        kept = (
            f"; the new data is kept at {result.kept_at} (remove it, or use --discard-failed)"
            if result.kept_at
            else ""
        )
        where = f" to {result.target}" if result.target else ""
        outcome = (
            f"nothing was published{where}, the previous output is unchanged{kept}"
            if result.unchanged
            else f"the tables loaded into {result.target} stay (use --atomic to roll back)"
        )
        errors.print(
            f"[red]error[/red] {escape(result.problem)}: {escape(outcome)}", soft_wrap=True
        )
    if failed:
        if quiet:
            for check in result.report.failures:  # type: ignore[union-attr]
                errors.print(f"✗ {check.name} ({check.detail})")
        raise typer.Exit(1)


def _on_spark(
    spec: Path | None,
    replay: Path | None,
    to: str | None,
    master: str | None,
    **options: Any,
) -> run.RunResult:
    """``generate --engine spark``: Spark writes Parquet or Delta folders (default
    parquet:out/NAME); the session is ours, so it stops with the command."""
    from fauxdata import spark as spark_engine

    if spec is None or replay is not None:
        raise FauxdataError(
            "--replay runs on the local engine",
            path="--engine",
            hint="drop --engine spark: both engines give the same rows and digests",
        )
    from fauxdata.spark.output import spark_target

    target = to or f"parquet:out/{_spec_name(spec)}"
    spark_target(target)  # a wrong target fails before the JVM starts
    spark_engine.require_pyspark()
    session = spark_engine.session(master)
    try:
        return spark_engine.write(spec, session, target, **options)
    finally:
        session.stop()


def _is_scenario_manifest(path: Path) -> bool:
    from fauxdata.manifest import read_manifest

    return read_manifest(path).get("kind") == "scenario"


def _replay_scenario(path: Path, to: str | None, *, keep_failed: bool, quiet: bool) -> None:
    """``generate --replay`` of a scenario run: simulate again, publish only on equal digests."""
    from fauxdata.manifest import read_manifest
    from fauxdata.scenarios.output import replay_scenario

    manifest = read_manifest(path)
    publication = replay_scenario(manifest, to, keep_failed=keep_failed)
    if not quiet:
        rows = sum(t.rows for t in publication.tables.values())
        console.print(
            f"Replayed scenario {escape(str(manifest.get('scenario')))}: {rows:,} rows, "
            f"every digest matches; wrote {escape(str(to or manifest['target']))}"
        )


def _spec_name(spec: Path) -> str:
    try:
        from fauxdata.spec import load_spec

        return load_spec(spec).name
    except FauxdataError:
        return spec.stem


class _ProgressBars:
    """Rich progress bars per table, or nothing when output is not a terminal."""

    def __init__(self, show: bool) -> None:
        self.show = show
        self.bars = Progress(
            TextColumn("{task.description:<16}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.tasks: dict[str, tuple[TaskID, float]] = {}

    def __enter__(self) -> run.Progress | None:
        if not self.show:
            return None
        self.bars.start()
        return self.update

    def update(self, table: str, done: int, total: int) -> None:
        if table not in self.tasks:
            self.tasks[table] = (
                self.bars.add_task(table, total=total, rate=""),
                time.perf_counter(),
            )
        task, started = self.tasks[table]
        elapsed = max(time.perf_counter() - started, 1e-9)
        self.bars.update(task, completed=done, rate=f"{done / elapsed:,.0f} rows/s" if done else "")

    def __exit__(self, *exc: object) -> None:
        if self.show:
            self.bars.stop()


def _summary(result: run.RunResult) -> None:
    table = Table(
        title=f"{result.plan.spec.name}: {result.rows:,} rows in {result.seconds:.2f} s (seed {result.plan.seed})"
    )
    for column in ("table", "rows", "seconds", "rows/s", "digest"):
        table.add_column(
            column, justify="right" if column in ("rows", "seconds", "rows/s") else "left"
        )
    for t in result.tables.values():
        rate = t.rows / t.seconds if t.seconds > 0 else 0
        table.add_row(t.output, f"{t.rows:,}", f"{t.seconds:.2f}", f"{rate:,.0f}", t.digest[:12])
    console.print(table)


def _result_json(result: run.RunResult) -> dict[str, object]:
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


@app.command()
def check(
    spec: Annotated[Path, typer.Argument(help="Spec file (YAML or JSON).")],
    rows: Annotated[list[str] | None, typer.Option("--rows", help="TABLE=N; repeatable.")] = None,
    scale: Annotated[float, typer.Option("--scale", help="Multiply every row count.")] = 1.0,
) -> None:
    """Validate a spec without generating anything.

    Example: `fauxdata check examples/hr.yaml`
    """
    plan = run.check(spec, rows=_parse_rows(rows), scale=scale)
    _warn(plan)
    total = sum(t.rows for t in plan.tables.values())
    console.print(
        f"[green]✓[/green] {spec}: {len(plan.tables)} tables, {total:,} rows, seed {plan.seed}"
    )


def _warn(plan: run.Plan) -> None:
    """Print the plan's warnings (on stderr, so --json output stays clean)."""
    for warning in plan.warnings:
        errors.print(f"[yellow]warning[/yellow] {escape(str(warning))}", soft_wrap=True)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the spec, for editor completion.

    Example: `fauxdata schema > fauxdata.schema.json`
    """
    print(json.dumps(Spec.model_json_schema(), indent=2))


@app.command()
def ddl(
    spec: Annotated[Path, typer.Argument(help="Spec file.")],
    dialect: Annotated[
        str,
        typer.Option("--dialect", help="postgresql, duckdb, sqlite, mysql, mssql or oracle."),
    ] = "postgresql",
) -> None:
    """Print CREATE TABLE statements for the spec: types, keys, foreign keys and CHECKs.

    Example: `fauxdata ddl examples/shop.yaml | psql -d shop_dev`
    """
    from fauxdata.sinks.ddl import create_statements

    statements = create_statements(run.check(spec), dialect)
    print(";\n\n".join(statements) + ";")


@app.command()
def docs(
    spec: Annotated[Path, typer.Argument(help="Spec file (YAML or JSON).")],
    to: Annotated[
        Path | None,
        typer.Option("--to", help="Write to this file: .md for Markdown, .html for a web page."),
    ] = None,
) -> None:
    """Document a spec for review: tables, rows, keys, and each column's type, generator,
    enum values with their exact ratios, ranges, foreign keys, PII marks and masks.

    Example: `fauxdata docs examples/hr.yaml --to docs/hr.md`
    """
    from fauxdata import dictionary

    described = dictionary.build(spec)
    if to is None:
        print(dictionary.to_markdown(described), end="")
        return
    try:
        dictionary.write(described, to)
    except OSError as exc:
        raise FauxdataError(f"cannot write {to}: {exc.strerror}", path="--to") from None
    console.print(f"wrote {to.resolve()}")


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8000,
    root: Annotated[
        Path | None, typer.Option("--root", help="Folder jobs read specs from and write under.")
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Job store (SQLite); default ROOT/.fauxdata/service.db."),
    ] = None,
    token: Annotated[
        list[str] | None,
        typer.Option("--token", help="Bearer token as env:VAR or file:PATH; repeatable."),
    ] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Jobs run at once.")] = 2,
    retention_days: Annotated[
        float,
        typer.Option(
            "--retention-days", min=0, help="Keep finished jobs and their logs this long."
        ),
    ] = 30.0,
) -> None:
    """Serve the REST API: jobs (generate, validate, scenario, check) in worker processes,
    specs checked and previewed, workspaces listed, duplicated and compared. OpenAPI at
    /docs and /openapi.json.

    Example: `FAUXDATA_TOKEN=... fauxdata serve --host 0.0.0.0 --token env:FAUXDATA_TOKEN`
    """
    from fauxdata.service import serve as run_service

    run_service(
        host=host,
        port=port,
        root=root,
        store=store,
        tokens=token,
        concurrency=concurrency,
        retention_days=retention_days,
    )


@app.command()
def lineage(
    location: Annotated[
        str,
        typer.Argument(
            help="Output to read: a .duckdb file, parquet:DIR, delta:DIR, csv:DIR, jsonl:DIR or a database URL."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the marks as JSON.")] = False,
) -> None:
    """Read back the lineage marks fauxdata left in an output: synthetic or masked, the
    producer, version, spec, digest and seed, per table.

    Example: `fauxdata lineage parquet:out/shop`
    """
    from fauxdata import lineage as marks

    found = marks.read(location)
    if as_json:
        print(json.dumps(marks.as_dict(found), indent=2))
        return
    for entry in found:
        if entry.marks is None:
            console.print(f"{entry.table}: no fauxdata mark ({entry.where})")
            continue
        kind = "synthetic" if entry.marks.get("fauxdata.synthetic") == "true" else "masked"
        console.print(
            f"{entry.table}: {kind}, made by fauxdata {entry.marks.get('fauxdata.version')} "
            f"({entry.marks.get('fauxdata.producer')}) from {entry.marks.get('fauxdata.spec')}, "
            f"seed {entry.marks.get('fauxdata.seed')} ({entry.where})"
        )


@app.command("import-policy")
def import_policy(
    policy: Annotated[Path, typer.Argument(help="A Faasera-style JSON policy (one or a list).")],
    out: Annotated[Path, typer.Option("--out", help="The spec to write (YAML).")],
) -> None:
    """Turn JSON policies (tableName, columnRuleMap with SEED, RANDOM, PRESERVE,
    DATE_RANDOM, FPE_ENCODED rules, primaryKeyColumn, compositeKeyColumn) into a spec.
    Seed files are read next to the policy.

    Example: `fauxdata import-policy customers.policy.json --out specs/customers.yaml`
    """
    from fauxdata.policy import import_policies
    from fauxdata.spec.yaml_io import dump_yaml

    if not out.parent.is_dir():
        raise FauxdataError(f"folder {out.parent} does not exist", path="--out")
    document = import_policies(policy, relative_to=out.parent)
    run.check(document, base_dir=out.parent)
    _write_text(out, dump_yaml(document))
    console.print(f"wrote {out.resolve()}: {len(document['tables'])} tables")


@app.command("export-policy")
def export_policy(
    spec: Annotated[Path, typer.Argument(help="Spec file (YAML or JSON).")],
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")] = None,
) -> None:
    """Write a spec's tables as JSON policies, where its generators map onto policy rules.

    Example: `fauxdata export-policy specs/customers.yaml --out customers.policy.json`
    """
    from fauxdata.policy import export_policies
    from fauxdata.spec import load_spec

    relative_to = out.parent if out is not None else Path.cwd()
    policies = export_policies(load_spec(spec), base_dir=spec.parent, relative_to=relative_to)
    text = json.dumps(policies, indent=2) + "\n"
    if out is None:
        print(text, end="")
        return
    _write_text(out, text)
    console.print(f"wrote {out.resolve()}")


def _write_text(path: Path, text: str) -> None:
    """Write a file atomically (a reader never sees half of it).

    Raises:
        FauxdataError: the folder is missing or not writable, naming --out.
    """
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        raise FauxdataError(f"cannot write {path}: {exc.strerror}", path="--out") from None


@app.command()
def preview(
    spec: Annotated[Path, typer.Argument(help="Spec file (YAML or JSON).")],
    table: Annotated[str, typer.Option("--table", "-t", help="Table to show.")],
    n: Annotated[int, typer.Option("-n", help="Rows to show.")] = 10,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
) -> None:
    """Print the first rows of one table, fast (nothing is written).

    Example: `fauxdata preview examples/hr.yaml --table employees -n 5`
    """
    from fauxdata.engine.engine import Engine
    from fauxdata.errors import did_you_mean

    _at_least(n, 0, "-n")
    plan = run.plan_for(spec, seed=seed)
    if table not in plan.tables:
        raise FauxdataError(
            f"no table '{table}'", path="--table", hint=did_you_mean(table, plan.tables)
        )
    engine = Engine(plan)
    engine.build()
    frame = engine.tables[table].block(0, min(n, plan.tables[table].rows))
    documents = [c for c, col in plan.tables[table].columns.items() if col.type.is_document]
    with pl.Config(tbl_rows=n, tbl_cols=-1, fmt_str_lengths=40, tbl_width_chars=200):
        print(frame.drop(documents) if documents and frame.width > len(documents) else frame)
    for name in documents:
        for i, value in enumerate(frame[name].head(min(n, 3)).to_list(), start=1):
            document = json.loads(value) if isinstance(value, str) else value
            print(f"\n{name}, row {i}:\n{json.dumps(document, indent=2, default=str)}")


@app.command()
def validate(
    spec: Annotated[Path, typer.Argument(help="Spec file the data was generated from.")],
    data: Annotated[
        str,
        typer.Option(
            "--data",
            help="FILE.duckdb, parquet:DIR, csv:DIR, jsonl:DIR, delta:DIR or a database URL.",
        ),
    ],
    seed: Annotated[
        int | None, typer.Option("--seed", help="The run's seed (default: its manifest's).")
    ] = None,
    rows: Annotated[
        list[str] | None,
        typer.Option(
            "--rows", help="TABLE=N as given to generate; repeatable (default: the manifest's)."
        ),
    ] = None,
    scale: Annotated[
        float | None, typer.Option("--scale", help="The run's --scale (default: the manifest's).")
    ] = None,
    tables: Annotated[
        str | None,
        typer.Option(
            "--tables", help="Only these tables, comma-separated (default: the manifest's)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Verify existing data against a spec: counts, keys, not-null, FKs, domains, ranges,
    patterns, and every declared table and column present. Row counts follow the run that
    made the data: its manifest (seed, --rows, --scale, --tables), or these flags.

    Exit status: 0 when every check passes, 1 when one fails or the data cannot be read,
    2 for a bad spec or flag.

    Examples:

    * `fauxdata validate examples/hr.yaml --data out/hr.duckdb`
    * `fauxdata validate examples/shop.yaml --data delta:bronze/shop`
    * `fauxdata validate specs/hr.yaml --data postgresql://me@localhost/hr_dev --seed 7`
    """
    from fauxdata.verify.existing import validate_target

    done = validate_target(
        spec, data, seed=seed, rows=_parse_rows(rows) or None, scale=scale, tables=_tables(tables)
    )
    report = done.report
    if as_json:
        against = {
            "seed": done.plan.seed,
            "rows": {n: t.rows for n, t in done.plan.tables.items()},
            "manifest": str(done.manifest) if done.manifest else None,
        }
        print(json.dumps({**report.as_dict(), **against}, indent=2, default=str))
    else:
        source = f"its manifest {done.manifest}" if done.manifest else "the spec and flags"
        console.print(
            f"Validating {done.target} with seed {done.plan.seed} "
            f"and {sum(t.rows for t in done.plan.tables.values()):,} expected rows (from {source})",
            soft_wrap=True,
        )
        print_checklist(report, console)
    if not report.passed:
        raise typer.Exit(1)


@app.command()
def init(
    out: Annotated[Path, typer.Option("--out", help="Spec file to write.")],
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Database URL, env:VAR, file:PATH or keyvault:VAULT/SECRET (credentials never land in the spec).",
        ),
    ] = None,
    from_api: Annotated[
        str | None,
        typer.Option("--from-api", help="Base URL of a REST API (with --endpoint)."),
    ] = None,
    endpoint: Annotated[
        list[str] | None,
        typer.Option("--endpoint", help="API: a path to sample; repeatable."),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token", help="API: bearer token as env:VAR, file:PATH or keyvault:VAULT/SECRET."
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param", help="API: query KEY=VALUE (default limit=N from --sample); repeatable."
        ),
    ] = None,
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            help="mock-all (every table), from-scratch (--tables and their parents), or "
            "mock-or-mask (every table masked from the source: fauxdata mask).",
        ),
    ] = "mock-all",
    schema_name: Annotated[
        str | None,
        typer.Option(
            "--schema",
            help="Schemas to read, comma-separated (default: every non-system schema; "
            "MySQL: the URL's database). Tables are named schema.table when several hold tables.",
        ),
    ] = None,
    tables: Annotated[
        str | None, typer.Option("--tables", help="Only these tables, comma-separated.")
    ] = None,
    rows: Annotated[
        int,
        typer.Option(
            "--rows",
            help="Scale: rows of an ordinary table; lookup tables get 2% of it (at least 5), "
            "link tables 2x and event tables 5x (see README, Inferred defaults).",
        ),
    ] = 1000,
    name: Annotated[
        str | None, typer.Option("--name", help="Spec name (default: the file name).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing spec file.")
    ] = False,
    sample: Annotated[
        int,
        typer.Option(
            "--sample",
            help="Read up to N rows per table for statistics (shapes, enum-like columns, "
            "NULL shares) and the PII scan; no value ever lands in the spec. Default 0: no row is read. "
            "APIs: records per endpoint (default 20).",
        ),
    ] = 0,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="API: keep the inferred foreign keys unasked.")
    ] = False,
) -> None:
    """Read a live schema (read-only, no rows) or a REST API (a few records per endpoint) and
    write a spec with a generator for every column; PII columns are marked and mocked.

    Examples:

    * `fauxdata init --from postgresql://me@localhost/hr --out specs/hr.yaml`
    * `fauxdata init --from env:DATABASE_URL --out specs/orders.yaml --mode from-scratch --tables orders`
    * `fauxdata init --from-api https://api.example.com/v1 --endpoint /employee --token env:HR_TOKEN --out specs/hr.yaml`
    """
    from fauxdata.cli.mock import confirm_keys, parse_pairs, show_findings
    from fauxdata.extract import Extraction, apply_findings, build_spec, extract
    from fauxdata.introspect.exclusions import unsatisfied
    from fauxdata.introspect.reflect import read_schema
    from fauxdata.introspect.sample import hints_from, read_sample
    from fauxdata.introspect.suggest import suggest_spec, unsupported_columns
    from fauxdata.introspect.unenforced import unenforced_checks
    from fauxdata.pii import scan_schema
    from fauxdata.project import Source
    from fauxdata.spec.yaml_io import dump_new_yaml

    if (source is None) == (from_api is None):
        errors.print("[red]error[/red] --from or --from-api: give one of them")
        raise typer.Exit(2)
    if mode not in ("mock-all", "from-scratch", "mock-or-mask"):
        errors.print(
            f"[red]error[/red] --mode: found '{mode}', expected mock-all, from-scratch or mock-or-mask"
        )
        raise typer.Exit(2)
    if out.exists() and not force:
        errors.print(
            f"[red]error[/red] --out: {out} exists (use --force to overwrite, or fauxdata sync to update it)"
        )
        raise typer.Exit(2)
    spec_name = name or _identifier(out.stem)
    if mode == "mock-or-mask":
        if source is None:
            errors.print("[red]error[/red] --mode mock-or-mask reads a source: give --from")
            raise typer.Exit(2)
        _init_mask(out, source, spec_name, sample or 1000)
        return
    if from_api is not None:
        api = Source.api(
            spec_name, from_api, endpoint, token, parse_pairs(param, "--param", "--param limit=1")
        )
        extraction = confirm_keys(extract(api, sample=sample or None), yes)
        found = extraction.schema
        spec = build_spec(extraction, {}, 1, scale=rows)
    else:
        assert source is not None
        found = read_schema(source, schema=schema_name, tables=_tables(tables))
        values = read_sample(found, source, sample) if sample > 0 else None
        hints = hints_from(values) if values is not None else None
        spec = suggest_spec(
            found,
            rows=rows,
            name=spec_name,
            tables=_tables(tables),
            mode=mode,
            hints=hints,
        )
        extraction = Extraction(
            Source(spec_name, "database", source, "--from"), found, scan_schema(found, values)
        )
        apply_findings(spec, found, extraction.findings)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump_new_yaml(spec))
    # Checked from memory: parsing the YAML just written again would double the time on
    # a schema of a thousand tables (ruamel is pure Python).
    plan = run.check(spec, base_dir=out.parent)
    for column in unsupported_columns(found, list(plan.tables)):
        errors.print(
            f"[yellow]warning[/yellow] {column}: no generator fits this type; "
            "a placeholder was written, give it a generator in the spec"
        )
    for check in unenforced_checks(found, list(plan.tables)) if from_api is None else []:
        errors.print(f"[yellow]warning[/yellow] {check}")
    for line in unsatisfied(found, list(plan.tables)):
        errors.print(f"[yellow]warning[/yellow] {line}")
    show_findings([f for f in extraction.findings if f.table in plan.tables], "PII found")
    columns = sum(len(t.columns) for t in plan.tables.values())
    console.print(
        f"[green]✓[/green] {out}: {len(plan.tables)} tables, {columns} columns from {found.url}; checked, ready to generate"
    )


def _init_mask(out: Path, source: str, name: str, sample: int) -> None:
    """``init --mode mock-or-mask``: every table masked, each column's mask from the scan."""
    from fauxdata.cli.mock import show_findings
    from fauxdata.mask.sources import open_source
    from fauxdata.mask.suggest import read_samples, suggest_mask_spec
    from fauxdata.pii import scan_schema
    from fauxdata.spec.yaml_io import dump_yaml

    reader = open_source(source)
    try:
        found = reader.schema()
        findings = scan_schema(found, read_samples(reader, sample))
    finally:
        reader.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump_yaml(suggest_mask_spec(found, findings, name=name)))
    plan = run.check(out)
    show_findings(findings, "PII found")
    columns = sum(len(t.columns) for t in plan.tables.values())
    console.print(
        f"[green]✓[/green] {out}: {len(plan.tables)} tables, {columns} columns from {found.url}, "
        "each with a mask; review the passthroughs, then run fauxdata mask"
    )


@app.command()
def sync(
    spec: Annotated[Path, typer.Argument(help="Spec file to compare (and update).")],
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Database URL, env:VAR, file:PATH or keyvault:VAULT/SECRET (default: the spec's source).",
        ),
    ] = None,
    schema_name: Annotated[
        str | None, typer.Option("--schema", help="Database schema (default: the spec's).")
    ] = None,
    tables: Annotated[
        str | None, typer.Option("--tables", help="Only compare these tables, comma-separated.")
    ] = None,
    check_only: Annotated[
        bool, typer.Option("--check", help="Exit 1 when the schema drifted (for CI).")
    ] = False,
    write: Annotated[
        bool,
        typer.Option("--apply", help="Rewrite the spec, keeping your generators and comments."),
    ] = False,
    rows: Annotated[
        int | None,
        typer.Option("--rows", help="Rows for tables sync adds (default: the spec's usual count)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")] = False,
) -> None:
    """Compare a spec with its live schema: added and removed tables and columns, types,
    nullability, keys, foreign keys, enum values and CHECKs.

    Examples:

    * `fauxdata sync specs/hr.yaml` (print the drift)
    * `fauxdata sync specs/hr.yaml --from env:HR_URL --check` (in CI: exit 1 on drift)
    * `fauxdata sync specs/hr.yaml --apply` (update the spec in place)
    """
    from fauxdata.introspect import sync as syncing
    from fauxdata.introspect.reflect import read_schema
    from fauxdata.spec.loader import load_spec

    if check_only and write:
        errors.print("[red]error[/red] --check and --apply: give one of them, not both")
        raise typer.Exit(2)
    loaded = load_spec(spec)
    url = source or loaded.source
    if not url:
        raise FauxdataError("the spec records no source", path="--from", hint="pass --from URL")
    if "***" in url:
        raise FauxdataError(
            "the spec's source has a masked password",
            path="--from",
            hint="pass --from env:VAR, file:PATH or keyvault:VAULT/SECRET with the credentials",
        )
    live = read_schema(url, schema=schema_name or loaded.source_schema, tables=_tables(tables))
    if write:
        result = syncing.apply(spec, live, tables=_tables(tables), rows=rows)
    else:
        result = syncing.drift(spec, live, tables=_tables(tables))
    if as_json:
        print(
            json.dumps(
                {
                    "spec": str(spec),
                    "source": live.url,
                    "drift": bool(result.changes),
                    "changes": [c.as_dict() for c in result.changes],
                    "replaced_generators": result.replaced,
                    "virtual_foreign_keys": result.virtual,
                    "review": result.review,
                    "applied": bool(write and result.changes),
                },
                indent=2,
            )
        )
    else:
        if not result.changes:
            console.print(f"[green]✓[/green] {spec} matches {live.url}: no drift")
        else:
            console.print(f"{len(result.changes)} changes between {spec} and {live.url}:")
            for change in result.changes:
                _signed(change.sign, str(change))
        for key in result.virtual:
            console.print(
                f"  virtual foreign key {escape(key)} (the database does not declare it; "
                "kept with its generator)",
                soft_wrap=True,
            )
    if write and result.changes and result.text is not None:
        syncing.write_atomically(spec, result.text)
        if not as_json:
            for line in result.replaced:
                console.print(f"  generator replaced: {escape(line)}")
            for column in result.review:
                console.print(f"  [yellow]review[/yellow] {column}: a CHECK on it changed")
            console.print(f"[green]✓[/green] updated {spec}; your generators and comments kept")
    elif result.changes and not as_json:
        console.print(f"Run `fauxdata sync {spec} --apply` to update the spec.")
    if check_only and result.changes:
        raise typer.Exit(1)


mock_commands.register(app)
synth_commands.register(app)
mask_commands.register(app)

workspace_app = typer.Typer(
    help="Spec versions side by side (v1, v2, baseline): list, duplicate, diff.",
    no_args_is_help=True,
)
app.add_typer(workspace_app, name="workspace")
app.add_typer(scenario_commands.scenario_app, name="scenario")
app.command("qa")(scenario_commands.qa_command)
WorkspaceRoot = Annotated[
    Path, typer.Option("--root", help="Folder holding one subfolder per version.")
]


@workspace_app.command("list")
def workspace_list(
    root: WorkspaceRoot = Path("workspaces"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the versions as JSON.")] = False,
) -> None:
    """Every version: its specs, tables, rows, when it last changed and where it came from."""
    from fauxdata import workspace

    versions = workspace.list_versions(root)
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "name": v.name,
                        "path": str(v.path),
                        "specs": v.specs,
                        "tables": v.tables,
                        "rows": v.rows,
                        "modified": v.modified.isoformat(),
                        "copied_from": v.parent,
                        "digest": v.digest,
                    }
                    for v in versions
                ],
                indent=2,
            )
        )
        return
    if not versions:
        console.print(f"No versions in {root} yet: make a subfolder per version, e.g. {root}/v1")
        return
    table = Table("version", "specs", "tables", "rows", "modified (UTC)", "from", "digest")
    for v in versions:
        broken = [f"{name}: {error}" for name, error in v.specs.items() if error]
        specs = ", ".join(v.specs) or "-"
        if broken:
            specs += " [red](invalid: " + escape("; ".join(broken)) + ")[/red]"
        table.add_row(
            v.name,
            specs,
            str(v.tables),
            f"{v.rows:,}",
            v.modified.strftime("%Y-%m-%d %H:%M"),
            v.parent or "",
            v.digest,
        )
    console.print(table)


@workspace_app.command("duplicate")
def workspace_duplicate(
    source: Annotated[str, typer.Argument(help="Version to copy, e.g. baseline.")],
    target: Annotated[str, typer.Argument(help="New version name, e.g. v3.")],
    root: WorkspaceRoot = Path("workspaces"),
) -> None:
    """Copy a version to a new one (to start a change, or to roll back to a known-good one)."""
    from fauxdata import workspace

    made = workspace.duplicate(root, source, target)
    console.print(f"[green]✓[/green] {made}: a copy of {source}")


@workspace_app.command("diff")
def workspace_diff(
    a: Annotated[str, typer.Argument(help="The older version.")],
    b: Annotated[str, typer.Argument(help="The newer version.")],
    root: WorkspaceRoot = Path("workspaces"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the differences as JSON.")] = False,
) -> None:
    """What changed between two versions, spec values by path; exits 1 when they differ."""
    from fauxdata import workspace

    found = workspace.diff(root, a, b)
    if as_json:
        print(json.dumps([d.as_dict() for d in found], indent=2, default=str))
    elif not found:
        console.print(f"[green]✓[/green] {a} and {b} are the same")
    else:
        console.print(f"{len(found)} differences from {a} to {b}:")
        for d in found:
            _signed(d.sign, str(d))
    if found:
        raise typer.Exit(1)


def _signed(sign: str, line: str) -> None:
    """A line of a diff: additions green, removals red, changes yellow."""
    colour = {"+": "green", "-": "red", "~": "yellow"}[sign]
    console.print(f"  [{colour}]{escape(line)}[/{colour}]", soft_wrap=True)


def _identifier(text: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in text)
    return cleaned if cleaned[:1].isalpha() else f"spec_{cleaned}"


def main() -> None:
    """Entry point: unexpected failures print one line unless --debug asks for the traceback."""
    try:
        app()
    except (KeyboardInterrupt, Interrupted) as exc:
        name = str(exc) if isinstance(exc, Interrupted) else "SIGINT"
        outcome = (
            "after the output was published"
            if getattr(exc, "published", False)
            else "nothing was published, staging was removed"
        )
        errors.print(f"[red]interrupted[/red] by {name}: {outcome}")
        sys.exit(signal_exit_code(exc))
    except FauxdataError as exc:  # every command's expected failures end here
        if _debug:
            raise
        sys.exit(_report(exc))
    except Exception as exc:  # the last line of defence: never a bare traceback
        if _debug:
            raise
        errors.print(
            f"[red]internal error[/red] {type(exc).__name__}: {exc} (rerun with --debug for the traceback)"
        )
        sys.exit(70)
