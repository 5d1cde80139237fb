"""The terminal face of the workflows: a ``Dialogue`` that asks at the keyboard (see
``prompts``), prints notes and tables with Rich, and draws progress events as bars."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

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

from fauxdata.cli import prompts
from fauxdata.workflows.events import Dialogue, NoteKind, ProgressEvent, TableView

errors = Console(stderr=True, highlight=False)


def rich_table(view: TableView) -> Table:
    table = Table(title=view.title or None, title_justify="left")
    for column in view.columns:
        table.add_column(column, justify="right" if column in view.right else "left")
    for row in view.rows:
        table.add_row(*(escape(cell) for cell in row))
    return table


@dataclass
class Terminal(Dialogue):
    """Asks a person (when there is one), prints to the terminal."""

    console: Console = field(default_factory=lambda: prompts.console)
    bars: Bars | None = None

    def interactive(self) -> bool:
        return prompts.interactive()

    def note(self, text: str, kind: NoteKind = "info") -> None:
        if kind == "warning":
            errors.print(f"[yellow]warning[/yellow] {escape(text)}", soft_wrap=True)
        elif kind == "ok":
            self.console.print(f"[green]✓[/green] {escape(text)}")
        else:
            self.console.print(escape(text))

    def table(self, view: TableView) -> None:
        self.console.print(rich_table(view))

    def progress(self, event: ProgressEvent) -> None:
        if self.bars is not None:
            self.bars.update(event)

    def yes_no(self, question: str, flag: str, default: bool = True) -> bool:
        return prompts.yes_no(question, flag, default)

    def choose(
        self, question: str, options: list[tuple[str, str]], flag: str, default: str | None = None
    ) -> str:
        return prompts.numbered(question, options, flag, default)

    def text(self, question: str, flag: str, default: str | None = None) -> str:
        return prompts.text(question, flag, default)


class Bars:
    """Rich progress bars per table, drawn from progress events; nothing when ``show``
    is False (output is not a terminal, or --quiet / --json)."""

    def __init__(self, show: bool, console: Console) -> None:
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

    def __enter__(self) -> Bars:
        if self.show:
            self.bars.start()
        return self

    def update(self, event: ProgressEvent) -> None:
        if not self.show:
            return
        if event.table not in self.tasks:
            self.tasks[event.table] = (
                self.bars.add_task(event.table, total=event.total, rate=""),
                time.perf_counter(),
            )
        task, started = self.tasks[event.table]
        elapsed = max(time.perf_counter() - started, 1e-9)
        rate = f"{event.done / elapsed:,.0f} rows/s" if event.done else ""
        self.bars.update(task, completed=event.done, rate=rate)

    def __exit__(self, *exc: object) -> None:
        if self.show:
            self.bars.stop()
