"""``fauxdata mock``, ``scan`` and ``templates``: the pipeline developer's workflow over a
source full of personal data. Every question the workflow asks has a flag, so it runs
unattended in CI; without a terminal, a question nobody can answer is an error that
names the flag."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.prompt import Confirm, Prompt
from rich.table import Table

from fauxdata.errors import FauxdataError, did_you_mean

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def _interactive() -> bool:
    return sys.stdin.isatty()


def ask_choice(question: str, choices: list[str], default: str, flag: str) -> str:
    if not _interactive():
        raise FauxdataError(
            f"no terminal to answer: {question}", path=flag, hint=f"pass {flag} to run unattended"
        )
    return Prompt.ask(question, choices=choices, default=default, console=console)


def confirm(question: str, yes: bool, flag: str = "--yes") -> bool:
    if yes:
        return True
    if not _interactive():
        raise FauxdataError(
            f"no terminal to confirm: {question}", path=flag, hint=f"pass {flag} to run unattended"
        )
    return Confirm.ask(question, default=True, console=console)


def parse_pairs(values: list[str] | None, flag: str, example: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or []:
        key, sep, item = value.partition("=")
        if not sep or not key.strip():
            raise FauxdataError(f"{flag} {value}: expected KEY=VALUE", path=flag, hint=example)
        out[key.strip()] = item.strip()
    return out


def show_findings(findings: list[Any], title: str) -> None:
    if not findings:
        console.print(f"{title}: no personal data found by name or value")
        return
    table = Table(title=title, title_justify="left")
    for column in ("column", "category", "confidence", "basis", "evidence"):
        table.add_column(column)
    for f in findings:
        table.add_row(
            f"{f.table}.{f.column}",
            f.category,
            f"{f.confidence:.0%}",
            f.basis,
            escape(f.evidence),
        )
    console.print(table)


def confirm_keys(extraction: Any, yes: bool) -> Any:
    """Show the foreign keys guessed from names; keep them unless the user declines."""
    from fauxdata.extract import without_inferred_keys

    keys = extraction.inferred_keys
    if not keys:
        return extraction
    console.print(f"{len(keys)} foreign keys inferred from field names:")
    for key in keys:
        line = f"{key.table}.{key.column} -> {key.parent}.{key.parent_column} ({key.reason})"
        console.print(f"  [cyan]{escape(line)}[/cyan]")
    if confirm(f"Keep these {len(keys)} foreign keys?", yes):
        return extraction
    console.print("Dropped the inferred foreign keys; those columns get plain generators.")
    return without_inferred_keys(extraction)


def guard_environment(project: Any) -> str:
    """Mock runs happen in dev only, said in FAUXDATA_ENV or the project file.

    Raises:
        FauxdataError: any other environment, or none set.
    """
    env, where = project.environment()
    if env != "dev":
        found = f"'{env}' (from {where})" if env else "not set"
        raise FauxdataError(
            f"refusing to run: the environment is {found}; mock data is made in dev only",
            path="environment",
            hint="set FAUXDATA_ENV=dev, or environment: dev in fauxdata.yaml",
            code="environment",
        )
    return where


def mock(
    source: Annotated[
        str, typer.Argument(help="Source name, from fauxdata.yaml or docs/sources/.")
    ],
    extract_first: Annotated[
        bool, typer.Option("--extract", help="Extract the metadata again first.")
    ] = False,
    template: Annotated[
        Path | None, typer.Option("--template", help="Use this template folder.")
    ] = None,
    rows: Annotated[list[str] | None, typer.Option("--rows", help="ENTITY=N; repeatable.")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Confirm every question.")] = False,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", help="Target (default: the source's output, else delta:bronze/SOURCE)."
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Overrides the template's seed.")
    ] = None,
    project_file: Annotated[
        Path | None, typer.Option("--project", help="Project file (default ./fauxdata.yaml).")
    ] = None,
    sample: Annotated[
        int, typer.Option("--sample", help="Databases: rows to read for the PII scan (default 0).")
    ] = 0,
) -> None:
    """Mock a source end to end: extract (or reuse) its template, confirm, generate,
    verify, write bronze tables, record an audit line.

    Examples:

    * `fauxdata mock hr` (asks before each step)
    * `fauxdata mock hr --extract --yes` (unattended, for CI)
    * `fauxdata mock hr --template templates/hr --rows employees=500 --output delta:/lake/bronze`
    """
    from fauxdata import run, templates
    from fauxdata.project import find_source, load_project
    from fauxdata.sinks.bronze import bronze_table_name
    from fauxdata.sinks.target import parse_target
    from fauxdata.spec import load_spec
    from fauxdata.verify import print_checklist

    if extract_first and template is not None:
        raise FauxdataError(
            "--extract and --template ask for different metadata",
            path="--extract",
            hint="give one: --extract reads the source again, --template PATH reuses a saved one",
        )
    project = load_project(path=project_file)
    where = guard_environment(project)
    src = find_source(project, source)
    console.print(f"Source [bold]{src.name}[/bold]: {src.type} at {src.url} (from {src.found_in})")
    existing = project.templates / src.name
    chosen: templates.Template | None = None
    if template is not None:
        chosen = templates.load_template(template)
    elif not extract_first and (existing / templates.METADATA).exists():
        current = templates.load_template(existing)
        label = f"v{current.version}, extracted {current.extracted_at}"
        if yes:
            chosen = current
        else:
            answer = ask_choice(
                f"Extract metadata first, or use the existing template ({label})?",
                ["extract", "template"],
                "template",
                "--extract or --template PATH",
            )
            chosen = current if answer == "template" else None
    if chosen is None:
        chosen = _extract(src, project.templates, yes, sample)
    console.print(f"Template {chosen.folder} (v{chosen.version}, extracted {chosen.extracted_at})")

    entities = list(load_spec(chosen.spec_path).tables)
    wanted: dict[str, int] = {}
    for name, count in parse_pairs(rows, "--rows", "--rows employees=500").items():
        if name not in entities:
            raise FauxdataError(
                f"no entity '{name}' in {chosen.spec_path}",
                path="--rows",
                hint=did_you_mean(name, entities) or f"entities: {', '.join(entities)}",
            )
        if not count.isdigit():
            raise FauxdataError(f"--rows {name}={count}: expected a whole number", path="--rows")
        wanted[name] = int(count)
    plan = run.check(chosen.spec_path, rows=wanted)
    target_text = _target(output or src.default_output, project.root)
    pii = {
        name: sum(1 for c in plan.spec.tables[name].columns.values() if c.pii)
        for name in plan.tables
    }
    summary = Table(
        title=f"{len(plan.tables)} entities to generate into {target_text}", title_justify="left"
    )
    for column in ("entity", "bronze table", "rows", "PII columns"):
        summary.add_column(column, justify="right" if column in ("rows", "PII columns") else "left")
    for name, table in plan.tables.items():
        summary.add_row(
            name, bronze_table_name(src.name, table.output_name), f"{table.rows:,}", str(pii[name])
        )
    console.print(summary)
    if not confirm("Generate with these row counts?", yes):
        console.print("Nothing generated.")
        raise typer.Exit(1)
    result = run.generate(
        chosen.spec_path, target_text, seed=seed, rows=wanted, bronze_source=src.name
    )
    assert result.report is not None
    print_checklist(result.report, console)
    line = templates.audit(
        chosen,
        {
            "source": src.name,
            "environment": f"dev (from {where})",
            "seed": result.plan.seed,
            "rows": {n: t.rows for n, t in result.tables.items()},
            "target": str(result.target),
            "verified": result.report.passed,
            "manifest": str(result.manifest_path),
        },
    )
    console.print(
        f"Audit line added to {chosen.folder / templates.AUDIT} ({line['user']}, {line['at']})"
    )
    if not result.report.passed:
        raise typer.Exit(1)
    target = parse_target(target_text)
    first = next(iter(plan.tables))
    read = (
        f"polars.read_delta('{target.path / bronze_table_name(src.name, first)}')"
        if target.format == "delta"
        else f"fauxdata validate {chosen.spec_path} --data {target_text}"
    )
    console.print(
        f"[green]✓[/green] {result.rows:,} mock rows of {src.name} in {target}, verified.\n"
        "Next steps:\n"
        f"  • read or re-check them: {read}\n"
        f"  • edit the generators in {chosen.spec_path}, then rerun: fauxdata mock {src.name} --template {chosen.folder} --yes\n"
        f"  • scale up: --rows ENTITY=N; reproduce exactly: fauxdata generate --replay {result.manifest_path}\n"
        f"  • the schema changed? fauxdata mock {src.name} --extract"
    )


def _extract(src: Any, root: Path, yes: bool, sample: int) -> Any:
    from fauxdata import run, templates
    from fauxdata.extract import DEFAULT_ROWS, build_spec, extract, metadata
    from fauxdata.spec.yaml_io import dump_yaml

    console.print(
        f"Extracting metadata from {src.url} (schema and at most one record; nothing stored)"
    )
    found = confirm_keys(extract(src, sample=sample), yes)
    show_findings(found.findings, f"PII in {src.name}")
    rows = {name: src.rows.get(name, DEFAULT_ROWS) for name in found.schema.tables}
    spec = build_spec(found, rows, src.seed)
    text = dump_yaml(spec)
    run.check(text, base_dir=root)  # a template is saved only when its spec works
    saved = templates.save_template(root, metadata(found, rows, src.seed), text)
    console.print(f"[green]✓[/green] saved template {saved.folder} (v{saved.version})")
    return saved


def _target(text: str, root: Path) -> str:
    """File and lake targets relative to the project folder."""
    from fauxdata.sinks.target import parse_target

    target = parse_target(text)
    if target.is_database or target.path.is_absolute():
        return text
    return str(replace(target, path=root / target.path))


def scan(
    what: Annotated[
        str,
        typer.Argument(
            help="A file (CSV, Parquet, JSON Lines), a database URL, an API base URL or a project source."
        ),
    ],
    endpoint: Annotated[
        list[str] | None, typer.Option("--endpoint", help="API: a path to sample; repeatable.")
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token", help="API: bearer token as env:VAR, file:PATH or keyvault:VAULT/SECRET."
        ),
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="API: query KEY=VALUE; repeatable.")
    ] = None,
    sample: Annotated[
        int,
        typer.Option(
            "--sample", help="Databases: rows to read for value checks (default 0: names only)."
        ),
    ] = 0,
    schema_name: Annotated[str | None, typer.Option("--schema", help="Database schema.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    fail_on_pii: Annotated[
        bool, typer.Option("--fail-on-pii", help="Exit 1 when any PII is found (for CI).")
    ] = False,
) -> None:
    """Find personal data by column names (English, Dutch, German, French, Spanish) and,
    where values may be read, by their patterns; the report never shows a value.

    Examples:

    * `fauxdata scan exports/customers.csv`
    * `fauxdata scan postgresql://me@localhost/crm --sample 200 --json`
    * `fauxdata scan https://api.example.com/v1 --endpoint /employee --token env:HR_TOKEN`
    """
    findings, scanned = _scan(what, endpoint, token, param, sample, schema_name)
    if as_json:
        print(
            json.dumps({"scanned": scanned, "findings": [f.as_dict() for f in findings]}, indent=2)
        )
    else:
        show_findings(findings, f"PII in {scanned}")
        tables = {f.table for f in findings}
        console.print(f"{len(findings)} PII columns in {len(tables)} tables")
    if fail_on_pii and findings:
        raise typer.Exit(1)


def _scan(
    what: str,
    endpoints: list[str] | None,
    token: str | None,
    params: list[str] | None,
    sample: int,
    schema_name: str | None,
) -> tuple[list[Any], str]:
    from fauxdata.extract import extract
    from fauxdata.pii import scan_frame
    from fauxdata.project import Source, find_source, load_project

    path = Path(what)
    if path.suffix.lower() in (".csv", ".parquet", ".jsonl", ".ndjson") and "://" not in what:
        if not path.exists():
            raise FauxdataError(f"no such file: {path}", path="WHAT")
        return scan_frame(_read_file(path), path.stem), str(path)
    if what.startswith(("http://", "https://")):
        pairs = parse_pairs(params, "--param", "--param limit=1")
        return extract(Source.api("api", what, endpoints, token, pairs)).findings, what
    if "://" not in what and ":" not in what and not path.suffix:
        project = load_project()
        found = find_source(project, what)
        return extract(found, sample=sample).findings, f"{found.name} ({found.url})"
    source = Source("database", "database", what, "WHAT", schema=schema_name)
    return extract(source, sample=sample).findings, what


def _read_file(path: Path) -> Any:
    import polars as pl

    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pl.read_csv(path, infer_schema_length=10_000, try_parse_dates=True)
        if suffix == ".parquet":
            return pl.read_parquet(path)
        return pl.read_ndjson(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise FauxdataError(f"cannot read {path}: {exc}", path="WHAT") from None


def templates_list(
    root: Annotated[Path, typer.Option("--root", help="Templates folder.")] = Path("templates"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the templates as JSON.")] = False,
) -> None:
    """Saved templates with their extraction dates, entities, rows, PII and last run."""
    from fauxdata import templates

    found = templates.list_templates(root)
    rows = []
    for t in found:
        runs = templates.audit_lines(t)
        rows.append(
            {
                "source": t.source,
                "type": t.metadata.get("type"),
                "version": t.version,
                "extracted_at": t.extracted_at,
                "entities": len(t.metadata.get("entities", {})),
                "rows": sum(t.default_rows().values()),
                "pii_columns": t.metadata.get("pii_columns", 0),
                "runs": len(runs),
                "last_run": runs[-1]["at"] if runs else None,
                "path": str(t.folder),
            }
        )
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        console.print(f"No templates in {root} yet: fauxdata mock SOURCE --extract makes one")
        return
    table = Table(
        "source",
        "type",
        "version",
        "extracted (UTC)",
        "entities",
        "rows",
        "PII",
        "runs",
        "last run",
    )
    for r in rows:
        table.add_row(
            r["source"], str(r["type"]), f"v{r['version']}", r["extracted_at"], str(r["entities"]),
            f"{r['rows']:,}", str(r["pii_columns"]), str(r["runs"]), r["last_run"] or "-",
        )  # fmt: skip
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("mock")(mock)
    app.command("scan")(scan)
    app.command("templates")(templates_list)
