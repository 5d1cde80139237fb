"""Warnings for formulas that run but probably do not mean what they say.

The classic: ``SWITCH(TRUE, RAND() < 0.10, "A", RAND() < 0.85, "B", "C")``. Each RAND()
is a new draw, exactly as in a spreadsheet, so B gets 0.9 x 0.85 = 76.5%, not the 75%
the cumulative thresholds suggest. Such chains are reported with the shares they really
give and the fix: draw once with LET, or use a weighted choice.
"""

from __future__ import annotations

from collections.abc import Callable

from fauxdata.formula.syntax import Binary, Call, FormulaError, Literal, Node, walk


def random_chain_warnings(tree: Node) -> list[FormulaError]:
    """A warning for each SWITCH/IFS/IF chain whose conditions draw RAND() more than once."""
    out: list[FormulaError] = []
    inner_ifs: set[int] = set()
    for node in walk(tree):
        if not isinstance(node, Call) or id(node) in inner_ifs:
            continue
        conditions = chain_conditions(node, inner_ifs)
        if conditions is None:
            continue
        draws = sum(_rand_calls(c) for c in conditions)
        if draws < 2:
            continue
        shares = independent_shares(conditions)
        said = (
            f"so the branches get {' / '.join(f'{s:.1%}' for s in shares)}, not the thresholds written"
            if shares
            else "so the shares are not the thresholds written"
        )
        out.append(
            FormulaError(
                f"{node.name} draws RAND() {draws} times; each call is an independent draw, {said}",
                node.start,
                node.end,
                "draw once: LET(r, RAND(), SWITCH(TRUE, r < 0.10, ..., r < 0.85, ..., ...)), "
                "or use a choice generator with ratios",
            )
        )
    return out


def chain_conditions(node: Call, inner_ifs: set[int] | None = None) -> list[Node] | None:
    """The conditions of a SWITCH(TRUE, ...), IFS or nested IF chain, in order (None
    for any other call). Nested IFs met on the way are added to ``inner_ifs``."""
    inner_ifs = set() if inner_ifs is None else inner_ifs
    args = node.args
    if node.name == "SWITCH" and args and isinstance(args[0], Literal) and args[0].value is True:
        rest = list(args[1:])
        return rest[: len(rest) - len(rest) % 2][::2]
    if node.name == "IFS":
        return list(args[::2])
    if node.name == "IF" and len(args) >= 2:
        conditions = [args[0]]
        tail = args[2] if len(args) == 3 else None
        while isinstance(tail, Call) and tail.name == "IF" and len(tail.args) >= 2:
            inner_ifs.add(id(tail))
            conditions.append(tail.args[0])
            tail = tail.args[2] if len(tail.args) == 3 else None
        return conditions
    return None


def _rand_calls(node: Node) -> int:
    return sum(1 for n in walk(node) if isinstance(n, Call) and n.name == "RAND")


def thresholds(conditions: list[Node], is_draw: Callable[[Node], bool]) -> list[float] | None:
    """``p`` of each condition written ``draw < p`` (or ``<=``), clipped to [0, 1]; None
    when any condition has another shape. ``is_draw`` says what the left side must be."""
    out = []
    for condition in conditions:
        if not (
            isinstance(condition, Binary)
            and condition.op in ("<", "<=")
            and is_draw(condition.left)
            and isinstance(condition.right, Literal)
            and isinstance(condition.right.value, float)
        ):
            return None
        out.append(min(max(condition.right.value, 0.0), 1.0))
    return out


def independent_shares(conditions: list[Node]) -> list[float] | None:
    """Branch shares when every condition is ``RAND() < p``; the last is the fall-through."""
    found = thresholds(conditions, lambda n: isinstance(n, Call) and n.name == "RAND")
    if found is None:
        return None
    shares, remaining = [], 1.0
    for p in found:
        shares.append(remaining * p)
        remaining *= 1 - p
    return [*shares, remaining]
