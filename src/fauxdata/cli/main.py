"""The ``fauxdata`` command line: a thin layer over ``fauxdata.run``."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from fauxdata import run
from fauxdata.cli import mask as mask_commands
from fauxdata.cli import mock as mock_commands
from fauxdata.cli import scenarios as scenario_commands
from fauxdata.cli import synth as synth_commands
from fauxdata.cli.api_options import Endpoint, Param, Token
from fauxdata.cli.render import Bars, Terminal
from fauxdata.cli.target_options import CreateTables, Truncate
from fauxdata.errors import FauxdataError, SpecError
from fauxdata.publish.signals import Interrupted
from fauxdata.publish.signals import exit_code as signal_exit_code
from fauxdata.spec.models import Spec
from fauxdata.verify import print_checklist
from fauxdata.workflows.counts import parse_table_counts
from fauxdata.workflows.generation import DEFAULT_BLOCK_SIZE, result_json
from fauxdata.workflows.synthesis import run_figures

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
    truncate: Truncate = False,
    atomic: Annotated[
        bool, typer.Option("--atomic", help="Databases: one transaction for the whole run.")
    ] = False,
    create_tables: CreateTables = False,
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
    from fauxdata.workflows import GenerateOptions, ScenarioReplay
    from fauxdata.workflows import generate as run_generate

    options = GenerateOptions(
        spec,
        to,
        seed=seed,
        rows=parse_table_counts(rows),
        scale=scale,
        tables=_tables(tables),
        replay=replay,
        workers=workers,
        block_size=block_size,
        verify=not no_verify,
        truncate=truncate,
        create_tables=create_tables,
        atomic=atomic,
        append=append,
        keep_failed=not discard_failed,
        engine=engine,
        spark_master=spark_master,
    )
    show = not quiet and not as_json and sys.stdout.isatty()
    with Bars(show, console) as bars:
        result = run_generate(options, Terminal(bars=bars))
    if isinstance(result, ScenarioReplay):
        if not (quiet or as_json):
            console.print(
                f"Replayed scenario {escape(result.scenario)}: {result.rows:,} rows, "
                f"every digest matches; wrote {escape(result.target)}"
            )
        return
    failed = not result.published or (result.report is not None and not result.report.passed)
    _warn(result.plan)
    if as_json:
        figures = run_figures(spec, result.target) if replay is None else {}
        print(json.dumps({**result_json(result), **figures}, indent=2, default=str))
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


@app.command()
def check(
    spec: Annotated[Path, typer.Argument(help="Spec file (YAML or JSON).")],
    rows: Annotated[list[str] | None, typer.Option("--rows", help="TABLE=N; repeatable.")] = None,
    scale: Annotated[float, typer.Option("--scale", help="Multiply every row count.")] = 1.0,
) -> None:
    """Validate a spec without generating anything.

    Example: `fauxdata check examples/hr.yaml`
    """
    plan = run.check(spec, rows=parse_table_counts(rows), scale=scale)
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
    from fauxdata.workflows.previewing import ddl as statements

    print(statements(spec, dialect))


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
    """Serve the REST API: jobs (generate, validate, scenario, check, init, scan, mock, mask,
    synthesize) in worker processes,
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
    from fauxdata.workflows.policies import import_policy as to_spec

    made = to_spec(policy, out)
    console.print(f"wrote {out.resolve()}: {made.tables} tables")


@app.command("export-policy")
def export_policy(
    spec: Annotated[Path, typer.Argument(help="Spec file (YAML or JSON).")],
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")] = None,
) -> None:
    """Write a spec's tables as JSON policies, where its generators map onto policy rules.

    Example: `fauxdata export-policy specs/customers.yaml --out customers.policy.json`
    """
    from fauxdata.workflows.policies import export_policy as to_policy

    text = to_policy(spec, out)
    if out is None:
        print(text, end="")
        return
    console.print(f"wrote {out.resolve()}")


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
    from fauxdata.workflows import preview as first_rows
    from fauxdata.workflows.generation import at_least

    at_least(n, 0, "-n")
    print(first_rows(spec, table, n, seed=seed).as_text())


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
        spec,
        data,
        seed=seed,
        rows=parse_table_counts(rows) or None,
        scale=scale,
        tables=_tables(tables),
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
    endpoint: Endpoint = None,
    token: Token = None,
    param: Param = None,
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
    from fauxdata.workflows import InitOptions
    from fauxdata.workflows import init as init_spec
    from fauxdata.workflows.steps import parse_pairs, show_findings

    options = InitOptions(
        out,
        source=source,
        from_api=from_api,
        endpoints=endpoint,
        token=token,
        params=parse_pairs(param, "--param", "--param limit=1"),
        mode=mode,
        schema=schema_name,
        tables=_tables(tables),
        rows=rows,
        name=name,
        force=force,
        sample=sample,
        yes=yes,
    )
    terminal = Terminal()
    made = init_spec(options, terminal)
    for column in made.unsupported:
        terminal.note(
            f"{column}: no generator fits this type; "
            "a placeholder was written, give it a generator in the spec",
            "warning",
        )
    for line in made.inferred:
        terminal.note(line, "info")
    for line in made.warnings:
        terminal.note(line, "warning")
    show_findings(terminal, made.findings, "PII found")
    what = (
        "each with a mask; review the passthroughs, then run fauxdata mask"
        if made.mode == "mock-or-mask"
        else "checked, ready to generate"
    )
    sep = ", " if made.mode == "mock-or-mask" else "; "
    console.print(
        f"[green]✓[/green] {made.out}: {made.tables} tables, {made.columns} columns "
        f"from {made.url}{sep}{what}"
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
    from fauxdata.workflows.syncing import SyncOptions
    from fauxdata.workflows.syncing import sync as compare

    done = compare(SyncOptions(spec, source, schema_name, _tables(tables), check_only, write, rows))
    result = done.result
    if as_json:
        print(json.dumps(done.as_dict(), indent=2))
    else:
        if not result.changes:
            console.print(f"[green]✓[/green] {spec} matches {done.url}: no drift")
        else:
            console.print(f"{len(result.changes)} changes between {spec} and {done.url}:")
            for change in result.changes:
                _signed(change.sign, str(change))
        for key in result.virtual:
            console.print(
                f"  virtual foreign key {escape(key)} (the database does not declare it; "
                "kept with its generator)",
                soft_wrap=True,
            )
    if done.applied:
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


def main() -> None:
    """Entry point: unexpected failures print one line unless --debug asks for the traceback.

    The objects the imports made (modules, classes, word lists) live as long as the
    process, so they are frozen out of the garbage collector first: each full collection,
    and the one at exit, then walks only what the command made."""
    gc.freeze()
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
