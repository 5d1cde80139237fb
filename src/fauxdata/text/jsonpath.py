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


@dataclass(frozen=True)
class JSONPath:
    text: str
    steps: tuple[Step, ...]

    @cached_property
    def keys(self) -> frozenset[str]:
        """Member names a document must spell out for the path to reach into it: a
        document whose text lacks one of them as ``"name"`` (and holds no escape that
        could spell it) has no place on this path."""
        return frozenset(s.key for s in self.steps if s.kind in ("member", "deep") and s.key)

    @cached_property
    def slots_into(self) -> Callable[[Any, list[Slot]], None]:
        """``slots_into(document, out)`` appends the places the path names in
        ``document`` to ``out`` (the compiled steps themselves: no call in between,
        once per document and path)."""
        return _compile(self.steps)

    def slots(self, document: Any) -> list[Slot]:
        """Every (container, key) the path names in ``document`` (the root has none),
        in document order."""
        out: list[Slot] = []
        self.slots_into(document, out)
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
    by plain calls and type checks, with no step interpretation per document. The last
    step appends its places itself and every other step hands its children straight to
    the next, so a place costs one call per step."""
    visit = _leaf(steps[-1])
    for step in reversed(steps[:-1]):
        visit = _inner(step, visit)
    return visit


Visit = Callable[[Any, list[Slot]], None]


def _leaf(step: Step) -> Visit:
    """Appends the places the last step selects in one node."""
    name = step.key
    if step.kind == "member":

        def member(node: Any, out: list[Slot]) -> None:
            if type(node) is dict and name in node:
                out.append((node, name))

        return member
    if step.kind == "index":

        def index(node: Any, out: list[Slot]) -> None:
            if type(node) is list and -len(node) <= name < len(node):
                out.append((node, name % len(node)))

        return index
    if step.kind == "all":

        def every(node: Any, out: list[Slot]) -> None:
            if type(node) is dict:
                out.extend([(node, key) for key in node])
            elif type(node) is list:
                out.extend([(node, i) for i in range(len(node))])

        return every

    def deep(node: Any, out: list[Slot]) -> None:
        """This node's matching members, then every descendant's (pre-order)."""
        if type(node) is dict:
            for key, value in node.items():
                if name is None or key == name:
                    out.append((node, key))
                if type(value) is dict or type(value) is list:
                    deep(value, out)
        elif type(node) is list:
            for i, value in enumerate(node):
                if name is None:
                    out.append((node, i))
                if type(value) is dict or type(value) is list:
                    deep(value, out)

    return deep


def _inner(step: Step, visit: Visit) -> Visit:
    """Hands each child the step selects in one node to ``visit`` (the rest of the path)."""
    name = step.key
    if step.kind == "member":

        def member(node: Any, out: list[Slot]) -> None:
            if type(node) is dict and name in node:
                visit(node[name], out)

        return member
    if step.kind == "index":

        def index(node: Any, out: list[Slot]) -> None:
            if type(node) is list and -len(node) <= name < len(node):
                visit(node[name], out)

        return index
    if step.kind == "all":

        def every(node: Any, out: list[Slot]) -> None:
            if type(node) is dict:
                for value in node.values():
                    visit(value, out)
            elif type(node) is list:
                for value in node:
                    visit(value, out)

        return every

    def deep(node: Any, out: list[Slot]) -> None:
        """The rest of the path from this node's matching members, then from every
        descendant's (pre-order)."""
        if type(node) is dict:
            for key, value in node.items():
                if name is None or key == name:
                    visit(value, out)
                if type(value) is dict or type(value) is list:
                    deep(value, out)
        elif type(node) is list:
            for value in node:
                if name is None:
                    visit(value, out)
                if type(value) is dict or type(value) is list:
                    deep(value, out)

    return deep
