"""The divisors of a formula or SQL expression, for ``check``'s division-by-zero rule.

A calculation that divides by zero gives NULL (as SQL's ``a / NULLIF(b, 0)``), never
inf or NaN. On a NOT NULL column that NULL would break the column, so ``check`` refuses
a divisor that is a literal 0 or a column whose range includes 0; the engine finds the
other cases as it generates.
"""

from __future__ import annotations

from dataclasses import dataclass

from fauxdata.formula import FormulaError, parse
from fauxdata.formula import syntax as f
from fauxdata.spec import generators as g
from fauxdata.spec.expressions import might_divide


@dataclass(frozen=True)
class Divisor:
    """What a division divides by: a literal zero, a column, or something else."""

    text: str
    zero: bool = False
    column: str | None = None


def divisors(gen: g.GeneratorSpec) -> list[Divisor]:
    """The divisors of a formula or SQL generator (none for other generators)."""
    if isinstance(gen, g.Formula):
        return _formula_divisors(gen.formula)
    if isinstance(gen, g.SqlExpression):
        return _sql_divisors(gen.expression)
    return []


def _formula_divisors(text: str) -> list[Divisor]:
    try:
        tree = parse(text)
    except FormulaError:
        return []  # reported with its caret elsewhere
    found = []
    for node in f.walk(tree):
        if isinstance(node, f.Binary) and node.op == "/":
            found.append(_formula_divisor(node.right, text))
        elif isinstance(node, f.Call) and node.name.upper() == "MOD" and len(node.args) == 2:
            found.append(_formula_divisor(node.args[1], text))
    return found


def _formula_divisor(node: f.Node, text: str) -> Divisor:
    shown = text[node.start : node.end]
    while isinstance(node, f.Unary) and node.op in ("-", "+"):
        node = node.operand
    if isinstance(node, f.Literal) and not isinstance(node.value, bool | str):
        return Divisor(shown, zero=node.value == 0)
    if isinstance(node, f.Column):
        return Divisor(shown, column=node.name)
    return Divisor(shown)


def _sql_divisors(text: str) -> list[Divisor]:
    if not might_divide(text):
        return []
    import sqlglot  # 0.1 CPU-s to import: only for specs with SQL expressions
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(text, read="postgres")
    except sqlglot.errors.SqlglotError:
        return []  # Polars reports the expression's own problem
    found = []
    for node in tree.find_all(exp.Div, exp.Mod, exp.IntDiv):
        divisor = node.expression
        shown = divisor.sql("postgres")
        while isinstance(divisor, exp.Paren | exp.Neg):
            divisor = divisor.this
        if isinstance(divisor, exp.Literal) and not divisor.is_string:
            found.append(Divisor(shown, zero=float(divisor.this) == 0))
        elif isinstance(divisor, exp.Column) and not divisor.table:
            found.append(Divisor(shown, column=divisor.name))
        else:
            found.append(Divisor(shown))
    return found
