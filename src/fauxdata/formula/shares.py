"""The exact shares of the values a random branching formula gives, read off its syntax.

Two shapes are recognised, the ones people write for "new enums at fixed ratios":

- one draw: ``LET(r, RAND(), SWITCH(TRUE, r < 0.10, "A", r < 0.85, "B", "C"))`` (or IFS,
  or nested IFs) gives A 10%, B 75%, C 15%: the thresholds are cumulative;
- a draw per condition: ``SWITCH(TRUE, RAND() < 0.10, "A", RAND() < 0.85, "B", "C")``
  gives A 10%, B 76.5%, C 13.5%: each condition is a new draw.

The data dictionary prints these, so a reviewer reads the ratios the data will have.
"""

from __future__ import annotations

from fauxdata.formula.lint import chain_conditions, independent_shares, thresholds
from fauxdata.formula.syntax import Call, FormulaError, Literal, Name, Node, parse

Value = str | float | bool


def branch_shares(formula: str) -> list[tuple[Value, float]] | None:
    """(value, share) per branch, or None when the formula has neither shape."""
    try:
        tree = parse(formula)
    except FormulaError:
        return None
    if isinstance(tree, Call) and tree.name == "LET" and len(tree.args) == 3:
        variable, bound, body = tree.args
        if (
            isinstance(variable, Name)
            and isinstance(bound, Call)
            and bound.name == "RAND"
            and isinstance(body, Call)
        ):
            return _one_draw(body, variable.name)
    if isinstance(tree, Call):
        conditions = chain_conditions(tree)
        values = _branch_values(tree)
        if conditions is None or values is None:
            return None
        shares = independent_shares(conditions)
        if shares is None or len(shares) != len(values):
            return None
        return list(zip(values, shares, strict=True))
    return None


def _one_draw(body: Call, variable: str) -> list[tuple[Value, float]] | None:
    conditions = chain_conditions(body)
    values = _branch_values(body)
    if conditions is None or values is None or len(values) != len(conditions) + 1:
        return None
    cuts = thresholds(conditions, lambda n: isinstance(n, Name) and n.name == variable)
    if cuts is None:
        return None
    shares, covered = [], 0.0
    for threshold in cuts:
        share = max(threshold - covered, 0.0)
        shares.append(share)
        covered = max(covered, threshold)
    shares.append(1.0 - covered)
    return list(zip(values, shares, strict=True))


def _branch_values(node: Call) -> list[Value] | None:
    """The literal result of each branch, the fall-through last (None if any is not a
    literal, or there is no fall-through)."""
    results: list[Node] = []
    if node.name == "SWITCH":
        rest = list(node.args[1:])
        if len(rest) % 2 == 0:
            return None
        results = [*rest[1::2], rest[-1]]
    elif node.name == "IFS":
        return None  # IFS has no fall-through value: unmatched rows are an error
    elif node.name == "IF":
        tail: Node | None = node
        while isinstance(tail, Call) and tail.name == "IF" and len(tail.args) == 3:
            results.append(tail.args[1])
            tail = tail.args[2]
        if tail is None:
            return None
        results.append(tail)
    else:
        return None
    out: list[Value] = []
    for result in results:
        if not isinstance(result, Literal) or not isinstance(result.value, str | float | bool):
            return None
        out.append(result.value)
    return out
