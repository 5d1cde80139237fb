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
from collections.abc import Iterator
from dataclasses import dataclass
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

    def slots(self, document: Any) -> Iterator[Slot]:
        """Every (container, key) the path names in ``document`` (the root has none)."""
        yield from _walk(document, self.steps)


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


def _walk(document: Any, steps: tuple[Step, ...]) -> Iterator[Slot]:
    """Breadth first over the steps, with plain lists (no generator per level)."""
    frontier: list[tuple[Any, Any]] = [({"$": document}, "$")]
    for step in steps:
        following: list[tuple[Any, Any]] = []
        for container, key in frontier:
            node = container[key]
            if step.kind == "member":
                if type(node) is dict and step.key in node:
                    following.append((node, step.key))
            elif step.kind == "index":
                if type(node) is list and -len(node) <= step.key < len(node):
                    following.append((node, step.key % len(node)))
            elif step.kind == "all":
                if type(node) is dict:
                    following.extend((node, k) for k in node)
                elif type(node) is list:
                    following.extend((node, i) for i in range(len(node)))
            else:
                following.extend(_deep(node, step.key))
        frontier = following
        if not frontier:
            break
    return iter(frontier)


def _deep(node: Any, name: str | None) -> Iterator[Slot]:
    """This node's matching members, then every descendant's."""
    if isinstance(node, dict):
        for key, value in node.items():
            if name is None or key == name:
                yield node, key
            yield from _deep(value, name)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if name is None:
                yield node, i
            yield from _deep(value, name)
