"""``fauxdata mock``, ``fauxdata scan`` and ``fauxdata templates``: flags in, the
workflows of ``fauxdata.workflows`` run with the terminal as their dialogue, results out.
Every question the mock workflow asks has a flag, so it runs unattended in CI; without a
terminal, a question nobody can answer is an error that names the flag."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from fauxdata.cli.api_options import Endpoint, Param, Token
from fauxdata.cli.prompts import console
from fauxdata.cli.render import Terminal
from fauxdata.verify import print_checklist
from fauxdata.workflows import mocking, scanning
from fauxdata.workflows.events import TableView
from fauxdata.workflows.steps import parse_pairs, show_findings


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
    options = mocking.MockOptions(
        source,
        extract=extract_first,
        template=template,
        rows=mocking.parse_rows(parse_pairs(rows, "--rows", "--rows employees=500")),
        pii=parse_pairs(pii, "--pii", "--pii employees.badge_code=none"),
        yes=yes,
        output=output,
        seed=seed,
        project=project_arg,
        sample=sample,
        source_type=source_type,
        url=url,
        endpoints=endpoint,
        token=token,
    )
    terminal = Terminal()
    done = mocking.mock(options, terminal)
    if not done.generated:
        console.print("Nothing generated.")
        raise typer.Exit(1)
    print_checklist(done.run.report, console)
    console.print(done.audit_text())
    if not done.passed:
        raise typer.Exit(1)
    terminal.table(done.written())
    terminal.note(done.next_steps(), "ok")


def scan(
    what: Annotated[
        str,
        typer.Argument(
            help="A file (CSV, Parquet, JSON Lines), a database URL, an API base URL or a project source."
        ),
    ],
    endpoint: Endpoint = None,
    token: Token = None,
    param: Param = None,
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
    """Find personal data by column names (English, Dutch, German, French, Spanish, Italian,
    Portuguese) and, where values may be read, by their patterns; the report never shows a
    value.

    Examples:

    * `fauxdata scan exports/customers.csv`
    * `fauxdata scan postgresql://me@localhost/crm --sample 200 --json`
    * `fauxdata scan https://api.example.com/v1 --endpoint /employee --token env:HR_TOKEN`
    """
    options = scanning.ScanOptions(
        what,
        endpoints=endpoint,
        token=token,
        params=parse_pairs(param, "--param", "--param limit=1"),
        sample=sample,
        schema=schema_name,
    )
    terminal = Terminal()
    found = scanning.scan(options, terminal)
    if as_json:
        print(json.dumps(found.as_dict(), indent=2))
    else:
        show_findings(terminal, found.findings, f"PII in {found.scanned}")
        console.print(f"{len(found.findings)} PII columns in {found.tables} tables")
    if fail_on_pii and found.findings:
        raise typer.Exit(1)


def templates_list(
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="Templates folder (default: templates/ and every projects/*/docs/templates/).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the templates as JSON.")] = False,
) -> None:
    """Saved templates with their extraction dates, entities, rows, PII and last run."""
    rows = scanning.list_templates(root)
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        where = root or "templates/ or projects/*/docs/templates/"
        console.print(f"No templates in {where} yet: fauxdata mock SOURCE --extract makes one")
        return
    columns = ("source", "type", "version", "extracted (UTC)", "entities", "rows", "PII",
               "runs", "last run", "folder")  # fmt: skip
    cells = tuple(
        (
            r["source"],
            str(r["type"]),
            f"v{r['version']}",
            r["extracted_at"],
            str(r["entities"]),
            f"{r['rows']:,}",
            str(r["pii_columns"]),
            str(r["runs"]),
            r["last_run"] or "-",
            r["path"],
        )
        for r in rows
    )
    Terminal().table(TableView("", columns, cells))


def register(app: typer.Typer) -> None:
    app.command("mock")(mock)
    app.command("scan")(scan)
    app.command("templates")(templates_list)
