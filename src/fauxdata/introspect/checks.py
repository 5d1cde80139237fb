"""Turn CHECK constraints into generator bounds, parsed with sqlglot.

Common forms become constraints on the generator: ranges (``>=``, ``<``, ``BETWEEN``),
``IN`` lists, ``length(col) <= n``, and ``a IS NULL OR a > b`` (``a`` after ``b``).
Anything else is kept as text so the spec can show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp


@dataclass
class Rules:
    low: float | str | None = None
    low_strict: bool = False
    high: float | str | None = None
    high_strict: bool = False
    values: list[object] | None = None
    max_length: int | None = None
    after: str | None = None


def _literal(node: exp.Expr) -> float | str | None:
    while isinstance(node, exp.Cast | exp.Paren):
        node = node.this
    if isinstance(node, exp.Neg):
        inner = _literal(node.this)
        return -inner if isinstance(inner, float) else None
    if isinstance(node, exp.Literal):
        return float(node.this) if node.is_number else str(node.this)
    return None


def _column(node: exp.Expr) -> str | None:
    while isinstance(node, exp.Cast | exp.Paren):
        node = node.this
    return node.name if isinstance(node, exp.Column) else None


def _listed(node: exp.Expr) -> str | None:
    """The column of ``col IN (...)``, also under UPPER or LOWER (AdventureWorks'
    ``upper(persontype) IN ('SC', 'VC')``): the listed values themselves satisfy it."""
    while isinstance(node, exp.Cast | exp.Paren | exp.Upper | exp.Lower):
        node = node.this
    return node.name if isinstance(node, exp.Column) else None


# Keyed by node class; Expr is sqlglot's base class, what flatten() and .this yield.
_FLIP: dict[type[exp.Expr], type[exp.Expr]] = {
    exp.GT: exp.LT,
    exp.GTE: exp.LTE,
    exp.LT: exp.GT,
    exp.LTE: exp.GTE,
    exp.EQ: exp.EQ,
}


def rules_for(column: str, checks: list[str], dialect: str = "postgres") -> Rules:
    """Everything the CHECKs say about one column (checks not naming it are skipped unread)."""
    rules = Rules()
    named = re.compile(rf"(?<!\w){re.escape(column)}(?!\w)", re.IGNORECASE)
    for text in checks:
        tree = parsed(text, dialect) if named.search(text) else None
        if tree is None:
            continue
        for part in list(tree.flatten()) if isinstance(tree, exp.And) else [tree]:
            _apply(column, part, rules)
    return rules


@lru_cache(maxsize=8192)
def parsed(text: str, dialect: str) -> exp.Expr | None:
    """A CHECK condition parsed once (None when sqlglot cannot read it): a schema repeats
    its conditions over many columns and tables. Callers must not change the tree."""
    try:
        return sqlglot.parse_one(text, read=dialect)
    except sqlglot.errors.ParseError:
        return None


def _apply(column: str, node: exp.Expr, rules: Rules) -> bool:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Between) and _column(node.this) == column:
        rules.low, rules.high = _literal(node.args["low"]), _literal(node.args["high"])
        return rules.low is not None and rules.high is not None
    if isinstance(node, exp.In) and _listed(node.this) == column:
        values = [_literal(v) for v in node.expressions]
        if all(v is not None for v in values):
            rules.values = values  # type: ignore[assignment]
            return True
        return False
    if (
        isinstance(node, exp.EQ)
        and _listed(node.this) == column
        and isinstance(node.expression, exp.Any)
    ):
        array = node.expression.this  # PostgreSQL stores IN (...) as = ANY (ARRAY[...])
        while isinstance(array, exp.Paren):
            array = array.this
        if isinstance(array, exp.Array):
            values = [_literal(v) for v in array.expressions]
            if all(v is not None for v in values):
                rules.values = values  # type: ignore[assignment]
                return True
        return False
    if isinstance(node, exp.Or):  # a IS NULL OR a > b, b IS NULL OR a > b OR a IS NULL, ...
        terms = [t.unnest() for t in node.flatten()]
        rest = [t for t in terms if not (isinstance(t, exp.Is) and _column(t.this))]
        # Holding every row to the one condition left satisfies the OR (stricter, never wrong).
        return len(rest) == 1 and len(terms) > 1 and _apply(column, rest[0], rules)
    return _apply_compare(column, node, rules)


def _apply_compare(column: str, node: exp.Expr, rules: Rules) -> bool:
    if type(node) in _FLIP:
        left, right = node.this, node.expression
        kind: type[exp.Expr] = type(node)
        if _column(left) != column and _column(right) == column:
            left, right, kind = right, left, _FLIP[kind]
        if (
            isinstance(left, exp.Length)
            and _column(left.this) == column
            and kind in (exp.LT, exp.LTE)
        ):
            value = _literal(right)
            if isinstance(value, float):
                rules.max_length = int(value) - (1 if kind is exp.LT else 0)
                return True
        if _column(left) != column:
            return False
        other = _column(right)
        if other is not None and kind in (exp.GT, exp.GTE):
            rules.after = other
            return True
        value = _literal(right)
        if value is None:
            return False
        if kind in (exp.GT, exp.GTE):
            rules.low, rules.low_strict = value, kind is exp.GT
        elif kind in (exp.LT, exp.LTE):
            rules.high, rules.high_strict = value, kind is exp.LT
        else:
            rules.values = [value]
        return True
    return False


_BOUND = re.compile(r"FROM \('?([^')]+)'?\) TO \('?([^')]+)'?\)")


def partition_range(bounds: list[str]) -> tuple[str, str] | None:
    """The overall [from, to) of range partitions, from their bound expressions."""
    found = [m.groups() for b in bounds if (m := _BOUND.search(b))]
    if not found or any("MINVALUE" in f or "MAXVALUE" in t for f, t in found):
        return None
    return min(f for f, _ in found), max(t for _, t in found)


SQLGLOT_DIALECTS = {
    "postgresql": "postgres",
    "sqlite": "sqlite",
    "duckdb": "duckdb",
    "mysql": "mysql",
    "mariadb": "mysql",
    "mssql": "tsql",
    "oracle": "oracle",
}
"""SQLAlchemy backend names to the sqlglot dialect that reads their SQL."""


@lru_cache(maxsize=8192)
def as_duckdb(text: str, dialect: str) -> str | None:
    """A CHECK condition rewritten in DuckDB SQL (None when sqlglot cannot read it).

    Parentheses around single columns and literals are dropped for readability; the
    others stay, since they carry the precedence the source wrote.
    """
    tree = parsed(text, SQLGLOT_DIALECTS.get(dialect, dialect))
    if tree is None:
        return None

    def simpler(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Paren) and isinstance(node.this, exp.Column | exp.Literal):
            return node.this
        return node

    tree = tree.transform(simpler)
    while isinstance(tree, exp.Paren):
        tree = tree.this
    return tree.sql(dialect="duckdb")
