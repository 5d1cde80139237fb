"""``fauxdata scenario list|run`` and ``fauxdata qa``: scenario packs from the command line.

A thin layer: parameters, simulation, output and QA live in ``fauxdata.scenarios``;
expected failures raise ``FauxdataError`` and are reported once by ``cli.main``.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console(highlight=False)

scenario_app = typer.Typer(
    help="Marketing, sales and loyalty scenario packs: list them, run one.",
    no_args_is_help=True,
)


@scenario_app.command("list")
def scenario_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print the packs as JSON.")] = False,
) -> None:
    """The bundled scenario packs and what each one changes."""
    from fauxdata.scenarios.params import describe_packs

    packs = describe_packs()
    if as_json:
        print(json.dumps([{"name": n, "description": d} for n, d in packs], indent=2))
        return
    table = Table("scenario", "what it does")
    for name, description in packs:
        table.add_row(name, escape(description))
    console.print(table)


@scenario_app.command("show")
def scenario_show(
    name: Annotated[str, typer.Argument(help="A pack from `fauxdata scenario list`.")],
    sets: Annotated[
        list[str] | None, typer.Option("--set", help="PATH=VALUE over the pack; repeatable.")
    ] = None,
    params: Annotated[
        list[Path] | None, typer.Option("--params", help="YAML file of overrides; repeatable.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of YAML.")] = False,
) -> None:
    """Every parameter of a pack after overrides: the paths `--set` accepts, and what a run
    with the same options would use."""
    import sys

    from ruamel.yaml import YAML

    from fauxdata.scenarios.params import load_scenario

    doc = load_scenario(name, sets=sets or [], files=params or []).model_dump(mode="json")
    if as_json:
        print(json.dumps(doc, indent=2))
        return
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(doc, sys.stdout)


@scenario_app.command("run")
def scenario_run(
    name: Annotated[str, typer.Argument(help="A pack from `fauxdata scenario list`.")],
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set", help="PATH=VALUE over the pack, e.g. churn.monthly_hazard=0.12; repeatable."
        ),
    ] = None,
    params: Annotated[
        list[Path] | None, typer.Option("--params", help="YAML file of overrides; repeatable.")
    ] = None,
    customers: Annotated[
        int | None, typer.Option("--customers", help="Number of customers.")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Overrides the pack's seed.")] = None,
    start: Annotated[str | None, typer.Option("--start", help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last day, YYYY-MM-DD.")] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="FILE.duckdb (default out/NAME.duckdb), parquet:DIR, csv:DIR, jsonl:DIR.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Simulate a scenario and write its tables (with a manifest recording every parameter).

    Examples:

    * `fauxdata scenario run baseline --customers 20000`
    * `fauxdata scenario run heavy-promotion-month --set promo.lift=3 --to parquet:out/promo`
    * `fauxdata scenario run high-churn-cohort --set churn.cohort_multiplier=6 --params mine.yaml`
    """
    from fauxdata.scenarios import run_scenario

    extra: dict[str, Any] = {}
    if customers is not None:
        extra["customers"] = customers
    if seed is not None:
        extra["seed"] = seed
    for key, value in (("start", start), ("end", end)):
        if value is not None:
            extra[key] = _date(value, f"--{key}")
    target = to or f"out/{name}.duckdb"
    started = time.perf_counter()
    manifest = run_scenario(name, target, sets=sets or [], files=params or [], extra=extra)
    seconds = time.perf_counter() - started
    rows = {t: v["rows"] for t, v in manifest["tables"].items()}
    if as_json:
        print(
            json.dumps(
                {
                    "scenario": name,
                    "target": manifest["target"],
                    "seconds": round(seconds, 3),
                    "rows": rows,
                },
                indent=2,
            )
        )
        return
    table = Table("table", "rows")
    for t, n in rows.items():
        table.add_row(t, f"{n:,}")
    console.print(table)
    total = sum(rows.values())
    console.print(
        f"[green]✓[/green] {name}: {total:,} rows in {seconds:.1f}s ({total / max(seconds, 1e-9):,.0f} rows/s) "
        f"-> {escape(manifest['target'])}\n  check it: fauxdata qa --data {escape(manifest['target'])}"
    )


def qa_command(
    data: Annotated[
        str,
        typer.Option(
            "--data",
            help="Output of `scenario run`: a .duckdb file (or duckdb:FILE) or a directory.",
        ),
    ],
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario", help="Use this pack's expectations instead of the recorded one's."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the results as JSON (for CI).")
    ] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write a self-contained HTML report.")
    ] = None,
) -> None:
    """Run a scenario's statistical QA on its output; exits 1 when a check fails.

    Each check prints its statistic, its bound and its verdict. The scenario and its
    parameters come from the output's manifest.
    """
    from fauxdata.scenarios import qa_output

    result, written = qa_output(data, expectations_from=scenario, report=report)
    if as_json:
        print(result.to_json())
    else:
        table = Table("check", "statistic", "bound", "verdict", "detail")
        for r in result.results:
            verdict = "[green]pass[/green]" if r.passed else "[red]FAIL[/red]"
            table.add_row(
                escape(r.name), f"{r.statistic:.4g}", escape(r.bound), verdict, escape(r.detail)
            )
        console.print(table)
        failed = len(result.failures)
        summary = f"{len(result.results) - failed} passed, {failed} failed"
        console.print(
            ("[green]✓[/green] " if not failed else "[red]✗[/red] ")
            + f"{result.scenario}: {summary}"
        )
        if written is not None:
            console.print(f"report: {escape(str(written))}")
    if not result.passed:
        raise typer.Exit(1)


def _date(text: str, option: str) -> dt.date:
    from fauxdata.errors import FauxdataError

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FauxdataError(f"'{text}' is not a date", path=option, hint="use YYYY-MM-DD") from None
