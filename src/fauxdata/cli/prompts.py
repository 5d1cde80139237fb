"""The questions interactive commands ask, worded and answered as people type them.

``yes``/``no`` and ``y``/``n`` in any case; numbered menus answered by number or by
word; free text with a default. Every question carries the flag that answers it: without
a terminal, or with ``CI`` set to true, asking is an error naming that flag, so an
unattended run never hangs.
"""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.markup import escape

from fauxdata.errors import FauxdataError
from fauxdata.workflows.events import pick, unanswered

console = Console(highlight=False)

_YES = {"y", "yes"}
_NO = {"n", "no"}


def interactive() -> bool:
    """A person can answer: stdin is a terminal and this is not a CI run."""
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        return False
    return sys.stdin.isatty()


def _require(question: str, flag: str) -> None:
    if not interactive():
        raise unanswered(question, flag)


def _ask(prompt: str) -> str:
    try:
        return console.input(prompt).strip()
    except EOFError:
        raise FauxdataError("no answer (end of input)", path="stdin") from None


def yes_no(question: str, flag: str, default: bool = True) -> bool:
    """``question (yes/no)``: yes, y, no, n in any case; Enter takes the default."""
    _require(question, flag)
    shown = "[yes]" if default else "[no]"
    while True:
        answer = _ask(f"{escape(question)} (yes/no) {escape(shown)}: ").lower()
        if not answer:
            return default
        if answer in _YES:
            return True
        if answer in _NO:
            return False
        console.print("Please answer yes or no (y/n).")


def numbered(
    question: str, options: list[tuple[str, str]], flag: str, default: str | None = None
) -> str:
    """A numbered menu; the answer is an option's number or its key (or a word of its label).

    ``options`` are (key, label); the key of the chosen option is returned.
    """
    _require(question, flag)
    for i, (_, label) in enumerate(options, 1):
        console.print(f"  {i}. {escape(label)}")
    numbers = f"1-{len(options)}" if len(options) > 2 else " or ".join(("1", "2")[: len(options)])
    tail = f" [{escape(default)}]" if default else ""
    while True:
        answer = _ask(f"{escape(question)} ({numbers}){tail}: ")
        if not answer and default is not None:
            return default
        picked = pick(answer, options)
        if picked is not None:
            return picked
        console.print(f"Please enter a number from {numbers}, or a name from the list.")


def text(question: str, flag: str, default: str | None = None) -> str:
    """Free text; Enter takes the default when there is one."""
    _require(question, flag)
    tail = f" [{escape(default)}]" if default else ""
    while True:
        answer = _ask(f"{escape(question)}{tail}: ")
        if answer:
            return answer
        if default is not None:
            return default
        console.print("Please type an answer.")
