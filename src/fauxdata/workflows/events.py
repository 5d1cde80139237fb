"""What a workflow tells its face while it runs, and the questions it asks.

The workflows (``init``, ``scan``, ``mock``, ``generate``, ...) are library functions;
the CLI and the REST service are two faces over them. A workflow never prints or
reads a terminal: it emits typed events (``ProgressEvent`` for rows done, ``note`` and
``table`` for what a person should see) and asks questions through a ``Dialogue``.
The CLI's dialogue renders Rich bars and tables and asks at the keyboard; the service's
records progress per table in the job and writes notes to the job's log. The base
``Dialogue`` is unattended: it keeps the notes, and a question no option answered is an
error naming the flag that answers it, so a run from Python or CI never hangs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from fauxdata.errors import FauxdataError

Phase = Literal["generate", "mask", "validate", "extract", "scenario"]
NoteKind = Literal["info", "ok", "warning"]


@dataclass(frozen=True)
class ProgressEvent:
    """Rows done in one table of one run: ``total`` is None where it is not known
    in advance (a masked table streams until its source ends)."""

    table: str
    done: int
    total: int | None
    phase: Phase = "generate"
    job: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"rows": self.done, "total": self.total}


ProgressSink = Callable[[ProgressEvent], None]


@dataclass(frozen=True)
class TableView:
    """A small table for a person to read (findings, entities, templates): the face
    decides how to draw it."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[str] = frozenset()
    """Columns aligned right (counts)."""


def unanswered(question: str, flag: str) -> FauxdataError:
    """The error for a question nobody can answer: it names the flag that answers it."""
    return FauxdataError(
        f"no terminal to answer: {question}",
        path=flag,
        hint=f"pass {flag} to run unattended",
        code="unattended",
    )


def pick(answer: str, options: list[tuple[str, str]]) -> str | None:
    """The option an answer names: its number, its key, or one word of its label."""
    text = answer.strip().lower()
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1][0]
    for key, _ in options:
        if text == key.lower():
            return key
    words = [key for key, label in options if text and text in label.lower().split()]
    return words[0] if len(words) == 1 else None


@dataclass
class Dialogue:
    """The unattended face: notes are kept in ``notes``, progress goes to ``on_progress``,
    and every question raises ``unanswered`` (the workflow only asks when no option
    answered it). Subclasses ask a person or record into a job."""

    on_progress: ProgressSink | None = None
    job: str | None = None
    notes: list[str] = field(default_factory=list)

    def interactive(self) -> bool:
        return False

    def note(self, text: str, kind: NoteKind = "info") -> None:
        self.notes.append(text if kind == "info" else f"{kind}: {text}")

    def table(self, view: TableView) -> None:
        self.notes.append(f"{view.title}: {len(view.rows)} rows")

    def progress(self, event: ProgressEvent) -> None:
        if self.on_progress is not None:
            self.on_progress(event)

    def yes_no(self, question: str, flag: str, default: bool = True) -> bool:
        raise unanswered(question, flag)

    def choose(
        self, question: str, options: list[tuple[str, str]], flag: str, default: str | None = None
    ) -> str:
        """A numbered menu of (key, label); returns the chosen key."""
        raise unanswered(question, flag)

    def text(self, question: str, flag: str, default: str | None = None) -> str:
        raise unanswered(question, flag)

    def whole_number(self, question: str, flag: str, default: int) -> int:
        """A non-negative whole number; Enter takes the default."""
        while True:
            answer = self.text(question, flag, str(default)).replace(",", "").replace("_", "")
            if answer.isdigit():
                return int(answer)
            self.note("Please enter a whole number.")

    def streaming_progress(self, phase: Phase) -> Callable[[str, int], None]:
        """A ``(table, done)`` callback for tables whose total is not known in advance
        (a masked table streams until its source ends), as events of ``phase``."""

        def report(table: str, done: int) -> None:
            self.progress(ProgressEvent(table, done, None, phase, self.job))

        return report

    def table_progress(self, phase: Phase = "generate") -> Callable[[str, int, int], None]:
        """The publisher's ``(table, done, total)`` callback, as events of ``phase``."""

        def report(table: str, done: int, total: int) -> None:
            self.progress(ProgressEvent(table, done, total, phase, self.job))

        return report


def confirm(dialogue: Dialogue, question: str, yes: bool, flag: str = "--yes") -> bool:
    """A yes/no question that ``yes`` answers unasked."""
    return True if yes else dialogue.yes_no(question, flag)
