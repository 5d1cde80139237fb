"""Render a verification report as a terminal checklist."""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape

from fauxdata.verify.checks import Report

_MARK = {"pass": "[green]✓[/green]", "fail": "[red]✗[/red]", "skip": "[yellow]–[/yellow]"}


def print_checklist(report: Report, console: Console) -> None:
    for check in report.checks:
        line = f"{_MARK[check.status]} {escape(check.name)}"
        if check.detail:
            line += f" [dim]({escape(check.detail)})[/dim]"
        if check.examples:
            shown = ", ".join(json.dumps(e, default=str) for e in check.examples)
            line += f" [dim]e.g. {escape(shown)}[/dim]"
        console.print(line, highlight=False, soft_wrap=True)
    failed = len(report.failures)
    summary = f"{len(report.checks) - failed}/{len(report.checks)} checks passed"
    console.print(f"[bold {'green' if not failed else 'red'}]{summary}[/]")
