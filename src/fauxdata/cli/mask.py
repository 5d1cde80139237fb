"""``fauxdata mask`` and ``fauxdata unmask``: a thin layer over ``fauxdata.mask``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from fauxdata.cli.render import Bars, Terminal
from fauxdata.cli.target_options import CreateTables, Truncate
from fauxdata.errors import FauxdataError
from fauxdata.verify import print_checklist

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)

_KEY_HELP = "The masking secret as env:VAR or file:PATH (never on the command line)."


def mask_command(
    spec: Annotated[Path, typer.Argument(help="Spec with mode: mask tables.")],
    source: Annotated[
        str,
        typer.Option(
            "--from",
            help="Source to read (read-only): a DuckDB file, parquet:DIR, csv:DIR, or a "
            "PostgreSQL / MySQL / SQLite URL (env:VAR or file:PATH keep it out of history).",
        ),
    ],
    to: Annotated[
        str | None,
        typer.Option("--to", help="Target, as for generate (never the source itself)."),
    ] = None,
    key: Annotated[str, typer.Option("--key", help=_KEY_HELP)] = "env:FAUXDATA_MASK_KEY",
    subset: Annotated[
        list[str] | None,
        typer.Option(
            "--subset",
            help='TABLE=10% or "TABLE: SQL condition"; parents of kept rows are kept too. Repeatable.',
        ),
    ] = None,
    subset_children: Annotated[
        bool,
        typer.Option("--subset-children", help="Also keep only the children of kept rows."),
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write the privacy report to PATH.json and PATH.html."),
    ] = None,
    allow_passthrough: Annotated[
        str | None,
        typer.Option(
            "--allow-passthrough",
            help="TABLE.COLUMN,... source columns the spec does not name, passed through "
            "unchanged (listed in the report). Without it, such a column stops the run.",
        ),
    ] = None,
    leak_tolerance: Annotated[
        float,
        typer.Option("--leak-tolerance", help="Share of a column allowed to match the source."),
    ] = 0.01,
    truncate: Truncate = False,
    create_tables: CreateTables = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    preview: Annotated[
        int | None,
        typer.Option(
            "--preview",
            min=1,
            help="Show N rows of each masked JSON and free-text column before and after; write nothing.",
        ),
    ] = None,
) -> None:
    """Mask an existing dataset: read SOURCE read-only, mask every column as the spec
    says, keep every join, verify, and publish to TARGET.

    Examples:

    * `fauxdata init --from shop.duckdb --mode mock-or-mask --out shop.yaml`
    * `fauxdata mask shop.yaml --from shop.duckdb --to parquet:masked/ --key env:MASK_KEY --report privacy`
    * `fauxdata mask shop.yaml --from env:STAGING_URL --to out.duckdb --key file:mask.key --subset customers=10%`
    """
    from fauxdata.mask.workflow import mask

    if preview is not None:
        _preview(spec, source, key, preview)
        return
    if to is None:
        raise FauxdataError(
            "give the target to write", path="--to", hint="e.g. --to parquet:masked/"
        )
    passthrough = [c.strip() for c in (allow_passthrough or "").split(",") if c.strip()]
    with Bars(not as_json and sys.stdout.isatty(), console) as bars:
        result = mask(
            spec,
            source,
            to,
            key=key,
            subset=subset,
            subset_children=subset_children,
            allow_passthrough=passthrough,
            report=report,
            leak_tolerance=leak_tolerance,
            truncate=truncate,
            create_tables=create_tables,
            progress=Terminal(bars=bars).streaming_progress("mask"),
        )
    if as_json:
        print(
            json.dumps(
                {
                    "target": str(result.target),
                    "rows": {n: t.rows for n, t in result.tables.items()},
                    "seconds": round(result.seconds, 3),
                    "leak_check": [f.as_dict() for f in result.leaks],
                    "fpe": result.fpe,
                    "report": [str(p) for p in result.report_paths],
                },
                indent=2,
            )
        )
        return
    table = Table("table", "rows", "seconds")
    for name, written in result.tables.items():
        table.add_row(name, f"{written.rows:,}", f"{written.seconds:.2f}")
    console.print(table)
    flagged = [t for t in result.treatments if t.flagged]
    for t in flagged:
        errors.print(
            f"[yellow]warning[/yellow] {t.table}.{t.column}: {t.pii} passed through unmasked"
        )
    if result.verification is not None:
        print_checklist(result.verification, console)
    console.print(
        f"[green]✓[/green] masked {result.rows:,} rows in {result.seconds:.1f}s; "
        f"no leak found; wrote {escape(str(result.target))}"
        + (f" and {escape(str(result.report_paths[1]))}" if result.report_paths else "")
    )


def _preview(spec: Path, source: str, key: str, n: int) -> None:
    from fauxdata.mask.preview import preview_masks

    found = preview_masks(spec, source, key=key, n=n)
    if not found:
        console.print("no JSON or free-text column is masked in this spec")
    for item in found:
        console.print(f"[bold]{item.table}.{item.column}[/bold] ({item.kind})")
        for i, (before, after) in enumerate(item.rows, start=1):
            console.print(f"  row {i} before: {escape(_pretty(before, item.kind))}", soft_wrap=True)
            console.print(f"  row {i} after:  {escape(_pretty(after, item.kind))}", soft_wrap=True)


def _pretty(value: str | None, kind: str) -> str:
    if value is None:
        return "NULL"
    if kind != "json":
        return value
    try:
        return json.dumps(json.loads(value), indent=2, ensure_ascii=False).replace("\n", "\n  ")
    except ValueError:
        return value + "  (not JSON)"


def unmask_command(
    spec: Annotated[Path, typer.Argument(help="The spec the data was masked with.")],
    column: Annotated[str, typer.Argument(help="TABLE.COLUMN masked with fpe or key.")],
    values: Annotated[list[str], typer.Argument(help="Masked values to reverse.")],
    key: Annotated[str, typer.Option("--key", help=_KEY_HELP)] = "env:FAUXDATA_MASK_KEY",
) -> None:
    """For authorised use only: the source values behind masked fpe or key values.

    Needs the key the data was masked with; other masks cannot be reversed.
    """
    from fauxdata.mask.unmask import unmask_values

    for masked, original in zip(values, unmask_values(spec, column, values, key), strict=True):
        print(f"{masked}\t{original}")


def register(app: typer.Typer) -> None:
    app.command("mask")(mask_command)
    app.command("unmask")(unmask_command)
