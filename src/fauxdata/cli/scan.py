"""``fauxdata scan`` (PII by names and value patterns, never showing a value) and
``fauxdata templates`` (what was extracted, when, and every run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from fauxdata.cli.mock import parse_pairs, show_findings
from fauxdata.cli.prompts import console
from fauxdata.errors import FauxdataError


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
    from fauxdata.project import Source

    path = Path(what)
    if path.suffix.lower() in (".csv", ".parquet", ".jsonl", ".ndjson") and "://" not in what:
        if not path.exists():
            raise FauxdataError(f"no such file: {path}", path="WHAT")
        return scan_frame(_read_file(path), path.stem), str(path)
    if what.startswith(("http://", "https://")):
        pairs = parse_pairs(params, "--param", "--param limit=1")
        return extract(Source.api("api", what, endpoints, token, pairs)).findings, what
    if "://" not in what and ":" not in what and not path.suffix:
        from fauxdata.cli.mock_steps import locate

        found = locate(what, None, {})[1]
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
    from fauxdata import templates
    from fauxdata.project import PROJECTS

    roots = (
        [root] if root else [Path("templates"), *sorted(Path(PROJECTS).glob("*/docs/templates"))]
    )
    found = [t for folder in roots for t in templates.list_templates(folder)]
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
        where = root or "templates/ or projects/*/docs/templates/"
        console.print(f"No templates in {where} yet: fauxdata mock SOURCE --extract makes one")
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
        "folder",
    )
    for r in rows:
        table.add_row(
            r["source"], str(r["type"]), f"v{r['version']}", r["extracted_at"], str(r["entities"]),
            f"{r['rows']:,}", str(r["pii_columns"]), str(r["runs"]), r["last_run"] or "-",
            r["path"],
        )  # fmt: skip
    console.print(table)
