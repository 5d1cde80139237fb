"""``fauxdata fit`` and ``fauxdata synth-report``: learn a seed, report on what was made."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from fauxdata.cli.render import errors
from fauxdata.workflows.synthesis import FitSeedOptions, fit_seed

if TYPE_CHECKING:
    from fauxdata.synth.report import GroupReport

console = Console(highlight=False)


def fit_command(
    seed: Annotated[
        str,
        typer.Argument(
            help="The seed: FILE.csv, FILE.parquet, duckdb:FILE.duckdb#TABLE, or a database "
            "URL#TABLE (postgresql://..., env:VAR#TABLE, file:PATH#TABLE)."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Model file to write (JSON).")],
    columns: Annotated[
        str | None,
        typer.Option("--columns", help="Seed columns to learn, comma-separated (default: all)."),
    ] = None,
    min_rows: Annotated[
        int, typer.Option("--min-rows", min=2, help="k: rarer categories are never emitted.")
    ] = 5,
    clip: Annotated[
        float, typer.Option("--clip", min=0.0, max=0.49, help="Clip numbers to these quantiles.")
    ] = 0.005,
    as_json: Annotated[bool, typer.Option("--json", help="Print a summary as JSON.")] = False,
) -> None:
    """Fit a synthesis model to a seed table; the spec can then say `synthesize: {model: FILE, columns: [...]}`.

    The model holds aggregates only (quantiles, label shares, correlations), never a row.

    Example: `fauxdata fit examples/seeds/payments_seed.csv --out payments.model.json`
    """
    names = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    done = fit_seed(FitSeedOptions(seed, out, names, min_rows=min_rows, clip=clip))
    model, summary = done.model, done.as_dict()
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    table = Table("column", "kind", "type", "given", "NULL rate")
    for n, c in model.columns.items():
        table.add_row(n, c.kind, c.type, c.given or "", f"{c.null_rate:.3f}")
    console.print(table)
    for name, why in done.skipped.items():
        errors.print(f"[yellow]skipped[/yellow] {escape(name)}: {escape(why)}", soft_wrap=True)
    console.print(
        f"Fitted {escape(done.origin)} ({done.rows:,} rows) in {done.seconds:.2f}s; wrote {escape(str(out))}"
    )


def synth_report_command(
    spec: Annotated[Path, typer.Argument(help="Spec whose tables use synthesize:.")],
    data: Annotated[
        str | None,
        typer.Option(
            "--data",
            help="Where the data was written: FILE.duckdb, parquet:DIR, csv:DIR, jsonl:DIR, "
            "delta:DIR (default: generate in memory at the spec's row counts).",
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write an HTML report here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Quality and privacy of synthesized columns against their seed.

    Quality: KS / total variation per column, association differences per pair, medians
    per category, a score out of 100. Privacy: exact copies and distance to the closest
    seed row, against a holdout baseline; rare categories emitted. Exits 1 when a
    privacy check fails.

    Example: `fauxdata synth-report examples/payments.yaml --data out/payments.duckdb --out out/payments-synth.html`
    """
    from fauxdata.synth.report import synth_report  # SciPy's statistics: 0.5 CPU-s to import

    reports = synth_report(spec, data)
    if out is not None:
        from fauxdata.synth.html import write_html

        write_html(out, spec.stem, reports)
    if as_json:
        print(json.dumps([r.to_dict() for r in reports], indent=2, default=str))
    else:
        for r in reports:
            _print(r)
        if out is not None:
            console.print(f"Wrote {escape(str(out))}")
    if not all(r.passed for r in reports):
        raise typer.Exit(1)


def _print(r: GroupReport) -> None:
    q, p = r.quality, r.privacy
    console.print(
        f"[bold]{escape(r.table)} / {escape(r.group)}[/bold]: score {q.score:.1f}/100, "
        f"{r.synthetic_rows:,} rows against a {r.seed_rows:,}-row seed"
    )
    table = Table("column", "measure", "statistic")
    for c in q.columns:
        table.add_row(c.column, c.metric, f"{c.statistic:.4f}")
    console.print(table)
    within = sum(m.within_spread for m in q.medians)
    console.print(f"medians per category within the seed's quartiles: {within}/{len(q.medians)}")
    verdict = "[green]pass[/green]" if p.passed else "[red]FAIL[/red]"
    rare = sum(p.rare_emitted.values())
    console.print(
        f"privacy {verdict}: exact copies {p.target.exact_copy_rate:.4f} (allowed {p.target_allowance:.4f}; "
        f"holdout {p.holdout.exact_copy_rate:.4f}), DCR median {p.target.dcr_median:.4g} "
        f"(holdout {p.holdout.dcr_median:.4g}), rare categories emitted: {rare}"
    )


def register(app: typer.Typer) -> None:
    app.command("fit")(fit_command)
    app.command("synth-report")(synth_report_command)
