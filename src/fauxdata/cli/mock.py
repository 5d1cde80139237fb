"""``fauxdata mock``: the pipeline developer's workflow over a source full of personal
data, from finding the source to the bronze tables and the generation script. Every
question the workflow asks has a flag (see ``mock_steps``), so it runs unattended in CI;
without a terminal, a question nobody can answer is an error that names the flag."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from fauxdata.cli import prompts
from fauxdata.cli.prompts import console
from fauxdata.errors import FauxdataError, did_you_mean


def confirm(question: str, yes: bool, flag: str = "--yes") -> bool:
    """A yes/no question (yes, y, no, n in any case) that ``yes`` answers unasked."""
    return True if yes else prompts.yes_no(question, flag)


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
        GuardError: any other environment, or none set.
    """
    from fauxdata.guard import require_dev
    from fauxdata.project import PROJECT_FILE

    return require_dev(
        project.config.environment,
        declared_in=project.file_name,
        action="run the mock workflow",
        where_to_declare=f"to {PROJECT_FILE}",
        rule="mock data is made in dev only",
    )


def mock(
    source: Annotated[
        str,
        typer.Argument(
            help="Source name: fauxdata.yaml, docs/sources/SOURCE.md or projects/*/docs/sources/SOURCE.md."
        ),
    ],
    extract_first: Annotated[
        bool, typer.Option("--extract", help="Workflow 1: extract the metadata first.")
    ] = False,
    template: Annotated[
        str | None,
        typer.Option("--template", help="Workflow 2: use this template (a name or a folder)."),
    ] = None,
    rows: Annotated[list[str] | None, typer.Option("--rows", help="ENTITY=N; repeatable.")] = None,
    pii: Annotated[
        list[str] | None,
        typer.Option(
            "--pii", help="TABLE.COLUMN=CATEGORY, or =none for not PII; repeatable (extraction)."
        ),
    ] = None,
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
    project_arg: Annotated[
        Path | None,
        typer.Option(
            "--project", help="A project file, a project folder, or a folder name under projects/."
        ),
    ] = None,
    sample: Annotated[
        int | None,
        typer.Option(
            "--sample",
            help="REST: records read per endpoint (default 20); databases: rows read for the PII scan (default 0).",
        ),
    ] = None,
    source_type: Annotated[
        str | None, typer.Option("--type", help="A source with no document: rest or database.")
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url", help="With --type: base URL, or database URL / env:VAR / keyvault:..."
        ),
    ] = None,
    endpoint: Annotated[
        list[str] | None, typer.Option("--endpoint", help="With --type rest: a path; repeatable.")
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token", help="With --type rest: env:VAR, file:PATH or keyvault:VAULT/SECRET."
        ),
    ] = None,
) -> None:
    """Mock a source end to end: find it, extract (or reuse) its template, confirm PII,
    keys and row counts, generate, verify, write bronze tables, save a generation script,
    record an audit line.

    Examples:

    * `fauxdata mock hr` (asks before each step)
    * `fauxdata mock hr --extract --yes` (unattended, for CI)
    * `fauxdata mock hr --template hr --rows employees=500 --output delta:/lake/bronze`
    * `fauxdata mock crm --type database --url env:CRM_DATABASE_URL --extract --yes`
    """
    from fauxdata import run, templates
    from fauxdata.cli import mock_steps as steps
    from fauxdata.mock_script import ScriptRun, write_script
    from fauxdata.sinks.bronze import bronze_table_name
    from fauxdata.spec import load_spec
    from fauxdata.verify import print_checklist

    if extract_first and template is not None:
        raise FauxdataError(
            "--extract and --template ask for different metadata",
            path="--extract",
            hint="give one: --extract reads the source again, --template NAME reuses a saved one",
        )
    by_hand = {"type": source_type, "url": url, "endpoints": endpoint, "token": token}
    project, src = steps.locate(source, project_arg, by_hand)
    where = guard_environment(project)
    console.print(
        f"Source [bold]{src.name}[/bold]: {src.type} at {_location(src)} (from {src.found_in})"
    )
    chosen = steps.choose_template(project, src.name, extract_first, template, yes)
    if chosen is None:
        pii_flags = parse_pairs(pii, "--pii", "--pii employees.badge_code=none")
        chosen = _extract(src, project.templates, yes, sample, pii_flags)
    console.print(
        f"Template {_shown(chosen.folder)} (v{chosen.version}, extracted {chosen.extracted_at})"
    )

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
    _summary(plan, src.name, target_text, bronze_table_name)
    counts = {name: t.rows for name, t in plan.tables.items() if t.per is None}
    customised = steps.customise_rows(counts, bool(wanted), yes)
    if customised != counts:
        counts = customised
        plan = run.check(chosen.spec_path, rows=counts)
        _summary(plan, src.name, target_text, bronze_table_name)
    if not confirm("Proceed with generation?", yes):
        console.print("Nothing generated.")
        raise typer.Exit(1)
    result = run.generate(
        chosen.spec_path, target_text, seed=seed, rows=counts, bronze_source=src.name
    )
    assert result.report is not None
    print_checklist(result.report, console)
    script = None
    if result.report.passed:
        script = write_script(
            project.scripts,
            ScriptRun(
                source=src.name,
                spec_path=chosen.spec_path,
                seed=result.plan.seed,
                rows=counts,
                target=target_text,
                template_version=chosen.version,
                extracted_at=chosen.extracted_at,
            ),
        )
    line = templates.audit(
        chosen,
        {
            "source": src.name,
            "project": str(project.root),
            "environment": f"dev (from {where})",
            "seed": result.plan.seed,
            "rows": {n: t.rows for n, t in result.tables.items()},
            "target": str(result.target),
            "verified": result.report.passed,
            "manifest": str(result.manifest_path),
            "script": str(script) if script else None,
        },
    )
    console.print(
        f"Audit line added to {_shown(chosen.folder / templates.AUDIT)} ({line['user']}, {line['at']})"
    )
    if not result.report.passed or script is None:
        raise typer.Exit(1)
    _next_steps(src.name, chosen, script, result, target_text, plan, bronze_table_name)


def _summary(plan: Any, source: str, target_text: str, bronze_table_name: Any) -> None:
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
            name, bronze_table_name(source, table.output_name), f"{table.rows:,}", str(pii[name])
        )
    console.print(summary)


def _next_steps(
    source: str,
    chosen: Any,
    script: Path,
    result: Any,
    target_text: str,
    plan: Any,
    bronze_table_name: Any,
) -> None:
    from fauxdata.sinks.target import parse_target
    from fauxdata.templates import METADATA

    target = parse_target(target_text)
    first = next(iter(plan.tables))
    read = (
        f"polars.read_delta('{target.path / bronze_table_name(source, first)}')"
        if target.format == "delta"
        else f"fauxdata validate {chosen.spec_path} --data {target_text}"
    )
    written = Table(title="Bronze tables written", title_justify="left")
    written.add_column("table")
    written.add_column("rows", justify="right")
    for table in result.tables.values():
        written.add_row(table.output, f"{table.rows:,}")
    console.print(written)
    console.print(
        f"[green]✓[/green] {result.rows:,} mock rows of {source} in {target}, verified.\n"
        "Next steps:\n"
        f"  • template: {_shown(chosen.folder / METADATA)} (v{chosen.version}); "
        f"edit the generators in {_shown(chosen.spec_path)}\n"
        f"  • regenerate exactly: python {_shown(script)}\n"
        f"  • read or re-check them: {read}\n"
        f"  • scale up: --rows ENTITY=N, or edit ROWS in the script; "
        f"replay: fauxdata generate --replay {result.manifest_path}\n"
        f"  • the schema changed? fauxdata mock {source} --extract (your edits are kept)"
    )


def _location(src: Any) -> str:
    """The source's URL as it may be shown: a database password masked, a reference as is."""
    from fauxdata.extract import connection_reference
    from fauxdata.introspect.api import safe_url

    return safe_url(src.url) if src.type == "rest" else connection_reference(src.url)


def _shown(path: Path) -> str:
    """A path relative to the current folder when it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _extract(src: Any, root: Path, yes: bool, sample: int | None, pii_flags: dict[str, str]) -> Any:
    from fauxdata import run, templates
    from fauxdata.cli import mock_steps as steps
    from fauxdata.extract import build_spec, extract, merge_spec, metadata
    from fauxdata.spec.yaml_io import dump_yaml

    what = "schema and a few records" if src.type == "rest" else "schema"
    console.print(
        f"Extracting metadata from {_location(src)} ({what}, held in memory; nothing stored)"
    )
    found = extract(src, sample=sample)
    show_findings(found.findings, f"PII in {src.name}")
    found = steps.review_pii(found, pii_flags, yes)
    found = confirm_keys(found, yes)
    rows = {name: count for name, count in src.rows.items() if name in found.schema.tables}
    live = root / src.name / templates.SPEC
    if live.exists():
        merged = merge_spec(live, found, rows)
        text = merged.text
        console.print(
            f"Compared with your spec {_shown(live)}: {len(merged.changes)} changes; "
            "your generators and comments are kept"
        )
        for change in merged.changes:
            console.print(f"  {escape(change)}")
        for replaced in merged.replaced:
            console.print(f"  [yellow]replaced[/yellow] {escape(replaced)}")
    else:
        text = dump_yaml(build_spec(found, rows, src.seed))
    plan = run.check(text, base_dir=root)  # a template is saved only when its spec works
    counts = {name: table.rows for name, table in plan.tables.items()}
    saved = templates.save_template(root, metadata(found, counts, src.seed), text)
    kept = f"; v{saved.version - 1} kept in {_shown(saved.folder / f'v{saved.version - 1}')}"
    console.print(
        f"[green]✓[/green] saved template {_shown(saved.folder)} (v{saved.version}"
        f"{kept if saved.version > 1 else ''})"
    )
    return saved


def _target(text: str, root: Path) -> str:
    """File and lake targets relative to the project folder."""
    from fauxdata.sinks.target import parse_target

    target = parse_target(text)
    if target.is_database or target.path.is_absolute():
        return text
    return str(replace(target, path=root / target.path))


def register(app: typer.Typer) -> None:
    from fauxdata.cli.scan import scan, templates_list

    app.command("mock")(mock)
    app.command("scan")(scan)
    app.command("templates")(templates_list)
