"""A small JSONPath compiler for masking rules: the subset that names places in a
document, compiled once into steps that walk parsed JSON without a library call per
document.

Supported: ``$`` (the root), ``.name`` and ``['name']`` / ``["name"]`` (a member),
``[n]`` (an array element, negative from the end), ``[*]`` and ``.*`` (every element or
member), and ``..name`` (a member at any depth). Filters and slices select by value
rather than by place, which a masking rule has no use for; they are refused with the
position of the offending part.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

Slot = tuple[Any, Any]
"""A place in a document: its container (dict or list) and key or index."""

_TOKEN = re.compile(
    r"""\.\.(?P<deep>[A-Za-z_$][\w$\-]*|\*)
      | \.(?P<name>[A-Za-z_$][\w$\-]*)
      | \.\*(?P<star>)
      | \[\s*(?P<index>-?\d+)\s*\]
      | \[\s*\*\s*\](?P<all>)
      | \[\s*'(?P<sq>(?:[^'\\]|\\.)*)'\s*\]
      | \[\s*"(?P<dq>(?:[^"\\]|\\.)*)"\s*\]""",
    re.VERBOSE,
)


class JSONPathError(ValueError):
    """A path outside the supported subset, with the offending position."""


@dataclass(frozen=True)
class Step:
    kind: str  # "member", "index", "all", "deep"
    key: Any = None


Emit = Callable[[Any, Any, list[Slot]], None]
"""Receives one place (container, key) the path reached so far, and the output list."""


@dataclass(frozen=True)
class JSONPath:
    text: str
    steps: tuple[Step, ...]

    @cached_property
    def _visit(self) -> Callable[[Any, list[Slot]], None]:
        return _compile(self.steps)

    @cached_property
    def keys(self) -> frozenset[str]:
        """Member names a document must spell out for the path to reach into it: a
        document whose text lacks one of them as ``"name"`` (and holds no escape that
        could spell it) has no place on this path."""
        return frozenset(s.key for s in self.steps if s.kind in ("member", "deep") and s.key)

    def slots_into(self, document: Any, out: list[Slot]) -> None:
        """Append the places the path names in ``document`` to ``out``."""
        self._visit(document, out)

    def slots(self, document: Any) -> list[Slot]:
        """Every (container, key) the path names in ``document`` (the root has none),
        in document order."""
        out: list[Slot] = []
        self._visit(document, out)
        return out


def compile_path(text: str) -> JSONPath:
    """Compile ``$.items[*].card_number`` and friends.

    Raises:
        JSONPathError: the path is not in the supported subset.
    """
    source = text.strip()
    if not source.startswith("$"):
        raise JSONPathError(f"path '{text}' must start with '$'")
    steps: list[Step] = []
    position = 1
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise JSONPathError(
                f"path '{text}': cannot read '{source[position:]}' at position {position} "
                "(supported: .name, ['name'], [n], [*], .*, ..name)"
            )
        groups = match.groupdict()
        if groups["deep"] is not None:
            steps.append(Step("deep", None if groups["deep"] == "*" else groups["deep"]))
        elif groups["name"] is not None:
            steps.append(Step("member", groups["name"]))
        elif groups["star"] is not None or groups["all"] is not None:
            steps.append(Step("all"))
        elif groups["index"] is not None:
            steps.append(Step("index", int(groups["index"])))
        else:
            quoted = groups["sq"] if groups["sq"] is not None else groups["dq"]
            steps.append(Step("member", re.sub(r"\\(.)", r"\1", quoted)))
        position = match.end()
    if not steps:
        raise JSONPathError(f"path '{text}' names the whole document; name a member instead")
    return JSONPath(text, tuple(steps))


def _compile(steps: tuple[Step, ...]) -> Callable[[Any, list[Slot]], None]:
    """The path as a chain of closures, one per step, built once: a document is walked
    by plain calls and type checks, with no step interpretation per document."""

    def found(container: Any, key: Any, out: list[Slot]) -> None:
        out.append((container, key))

    emit: Emit = found
    for step in reversed(steps[1:]):
        emit = _descend(_step(step, emit))
    return _step(steps[0], emit)


def _descend(visit: Callable[[Any, list[Slot]], None]) -> Emit:
    def into(container: Any, key: Any, out: list[Slot]) -> None:
        visit(container[key], out)

    return into


def _step(step: Step, emit: Emit) -> Callable[[Any, list[Slot]], None]:
    """Visits one node: calls ``emit`` for each of its places the step selects."""
    name = step.key
    if step.kind == "member":

        def member(node: Any, out: list[Slot]) -> None:
            if type(node) is dict and name in node:
                emit(node, name, out)

        return member
    if step.kind == "index":

        def index(node: Any, out: list[Slot]) -> None:
            if type(node) is list and -len(node) <= name < len(node):
                emit(node, name % len(node), out)

        return index
    if step.kind == "all":

        def every(node: Any, out: list[Slot]) -> None:
            if type(node) is dict:
                for key in node:
                    emit(node, key, out)
            elif type(node) is list:
                for i in range(len(node)):
                    emit(node, i, out)

        return every

    def deep(node: Any, out: list[Slot]) -> None:
        """This node's matching members, then every descendant's (pre-order)."""
        if type(node) is dict:
            for key, value in node.items():
                if name is None or key == name:
                    emit(node, key, out)
                if type(value) is dict or type(value) is list:
                    deep(value, out)
        elif type(node) is list:
            for i, value in enumerate(node):
                if name is None:
                    emit(node, i, out)
                if type(value) is dict or type(value) is list:
                    deep(value, out)

    return deep
