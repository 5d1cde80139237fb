"""One exception root for everything fauxdata reports to a user.

Every error carries the dotted spec path it is about, what was found and what was
expected, so the CLI can print one actionable line per problem and exit non-zero.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class FauxdataError(Exception):
    """Root of every error fauxdata raises on purpose."""

    code: str = "error"
    exit_code: int = 1
    """The CLI's exit status: 1 for a failed run, load or verification; 2 for usage and spec errors."""

    def __init__(self, message: str, *, path: str = "", hint: str = "", code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.hint = hint
        if code:
            self.code = code

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        return f"{text} ({self.hint})" if self.hint else text


@dataclass(frozen=True)
class Problem:
    """One problem found in a spec, kept apart so all of them can be reported at once."""

    path: str
    message: str
    hint: str = ""
    code: str = "invalid"

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        return f"{text} ({self.hint})" if self.hint else text


class SpecError(FauxdataError):
    """The spec is invalid; holds every problem found, not just the first."""

    code = "spec"
    exit_code = 2

    def __init__(self, problems: Sequence[Problem], *, source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        first = self.problems[0] if self.problems else Problem("", "invalid spec")
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first.message + more, path=first.path, hint=first.hint, code=first.code)

    def __str__(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return "\n".join(prefix + str(p) for p in self.problems)


class UsageError(FauxdataError):
    """Options that contradict each other or cannot be honoured; nothing was done."""

    code = "usage"
    exit_code = 2


class GenerationError(FauxdataError):
    """A generator could not honour its spec (for example a unique domain too small)."""

    code = "generation"


class TargetError(FauxdataError):
    """The output target cannot be written or read."""

    code = "target"


class TargetFlagError(TargetError):
    """A ``--to``/``--data`` value names no format or path fauxdata can use: a usage error."""

    exit_code = 2


class VerificationError(FauxdataError):
    """Generated data violated a declared constraint."""

    code = "verification"


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return a ``did you mean 'x'?`` hint for a misspelt name, or an empty string."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
