"""Turn CHECK constraints into generator bounds, parsed with sqlglot.

Common forms become constraints on the generator: ranges (``>=``, ``<``, ``BETWEEN``),
``IN`` lists, ``length(col) <= n``, ``a IS NULL OR a > b`` (``a`` after ``b``), ``a <> b``
between columns (``a`` avoids ``b``'s value), and conditions with branches such as
``(a IS NULL AND b = 0) OR (a IS NOT NULL AND b >= 1)``, where one branch is chosen for
every row (stricter than the CHECK, so never wrong). Anything else is kept as text so
the spec can show it and init can report it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass, field
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
    differs: str | None = None
    """Another column this one must never equal (``a <> b``)."""
    not_null: bool = False
    """A chosen branch says ``col IS NOT NULL``: no NULLs, although the column allows them."""
    null: bool = False
    """A chosen branch says ``col IS NULL``: NULL in every row."""
    unparsed: list[str] = field(default_factory=list)


def _literal(node: exp.Expr) -> float | str | None:
    while isinstance(node, exp.Cast | exp.Paren):
        node = node.this
    moment = _today(node)
    if moment is not None:
        return moment.isoformat()
    if isinstance(node, exp.Neg):
        inner = _literal(node.this)
        return -inner if isinstance(inner, float) else None
    if isinstance(node, exp.Literal):
        return float(node.this) if node.is_number else str(node.this)
    return None


_UNITS = {"year": 365.25, "month": 30.44, "week": 7.0, "day": 1.0}


def _today(node: exp.Expr) -> dt.date | None:
    """``now()``, ``CURRENT_DATE`` and those plus or minus an interval (``now() -
    interval '18 years'``), as the date init runs on: a bound that only grows looser
    with time for ``<=`` forms such as AdventureWorks' birth and hire dates."""
    if isinstance(node, exp.CurrentTimestamp | exp.CurrentDate):
        return dt.date.today()
    if isinstance(node, exp.Anonymous) and node.name.lower() == "now":
        return dt.date.today()
    if not isinstance(node, exp.Add | exp.Sub):
        return None
    base = _today(node.this.unnest())
    shift = node.expression.unnest()
    while isinstance(shift, exp.Cast):
        shift = shift.this
    if isinstance(shift, exp.Interval):
        unit = shift.args.get("unit")
        text = f"{shift.this.name} {unit.name if unit is not None else ''}"
    else:
        text = shift.name
    found = re.fullmatch(r"'?\s*(\d+)\s+(year|month|week|day)s?\s*'?", text.lower())
    if base is None or found is None:
        return None
    days = dt.timedelta(days=round(int(found.group(1)) * _UNITS[found.group(2)]))
    return base + days if isinstance(node, exp.Add) else base - days


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


def rules_for(
    column: str, checks: list[str], dialect: str = "postgres", nullable: Collection[str] = ()
) -> Rules:
    """Everything the CHECKs say about one column (checks not naming it are skipped
    unread). ``nullable`` names the table's columns that may be NULL: a branch that
    needs one of the others NULL is never chosen."""
    rules = Rules()
    named = re.compile(rf"(?<!\w){re.escape(column)}(?!\w)", re.IGNORECASE)
    for text in checks:
        if not named.search(text):
            continue
        tree = parsed(text, dialect)
        if tree is None:
            rules.unparsed.append(text)
            continue
        for part in _conjuncts(tree):
            if not _apply(column, part, rules, nullable):
                rules.unparsed.append(part.sql(dialect=dialect))
    return rules


def check_parts(text: str, dialect: str = "postgres") -> list[tuple[str, set[str]]] | None:
    """The parts of a CHECK joined by AND, as SQL text with the columns each mentions
    (None when sqlglot cannot read it): the units ``rules_for`` reads or leaves unparsed."""
    tree = parsed(text, dialect)
    if tree is None:
        return None
    return [(part.sql(dialect=dialect), _names(part)) for part in _conjuncts(tree)]


@lru_cache(maxsize=8192)
def parsed(text: str, dialect: str) -> exp.Expr | None:
    """A CHECK condition parsed once (None when sqlglot cannot read it): a schema repeats
    its conditions over many columns and tables. Callers must not change the tree."""
    try:
        return sqlglot.parse_one(text, read=dialect)
    except sqlglot.errors.ParseError:
        return None


def _conjuncts(tree: exp.Expr) -> list[exp.Expr]:
    while isinstance(tree, exp.Paren):
        tree = tree.this
    return [p.unnest() for p in tree.flatten()] if isinstance(tree, exp.And) else [tree]


def _apply(column: str, node: exp.Expr, rules: Rules, nullable: Collection[str] = ()) -> bool:
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
        if len(rest) == 1 and len(terms) > 1 and _apply(column, rest[0], rules):
            return True
        chosen = _branch(terms, nullable)
        # This column's conditions in the chosen branch; the others are their columns' own.
        mine = [t for t in chosen or [] if column in _names(t)]
        return chosen is not None and all(_apply(column, t, rules, nullable) for t in mine)
    test = _null_test(node)
    if test is not None:  # a NULL test of the chosen branch, this column's or another's
        if test == (column, True):
            rules.null = True
        elif test == (column, False):
            rules.not_null = True
        return True
    if isinstance(node, exp.NEQ) and _column(node.this) and _column(node.expression):
        sides = (_column(node.this), _column(node.expression))
        if column in sides:
            rules.differs = sides[1] if sides[0] == column else sides[0]
            return True
        return False
    return _apply_compare(column, node, rules)


def _branch(terms: list[exp.Expr], nullable: Collection[str]) -> list[exp.Expr] | None:
    """One branch of an OR that generators can hold every row to, as its conditions
    joined by AND: each a NULL test or a condition on one column alone (``b >= 1``,
    ``q = 1.00``). A branch that needs NULLs comes last, and never one that needs a
    NULL in a column that cannot hold it. None when no branch qualifies."""
    usable: list[tuple[int, list[exp.Expr]]] = []
    for term in terms:
        parts = _conjuncts(term)
        tests = [t for p in parts if (t := _null_test(p)) is not None]
        nulls = [name for name, is_null in tests if is_null]
        if any(name not in nullable for name in nulls):
            continue
        if all(_alone(p) for p in parts if _null_test(p) is None):
            usable.append((len(nulls), parts))
    return min(usable, key=lambda u: u[0])[1] if usable else None


def _null_test(node: exp.Expr) -> tuple[str, bool] | None:
    """(column, True) for ``col IS NULL``, (column, False) for ``col IS NOT NULL``."""
    negated = isinstance(node, exp.Not)
    if negated:
        node = node.this.unnest()
    if not (isinstance(node, exp.Is) and isinstance(node.expression, exp.Null)):
        return None
    name = _column(node.this)
    if name is None:
        return None
    return name, not (negated ^ bool(node.args.get("negate")))


def _names(node: exp.Expr) -> set[str]:
    return {c.name for c in node.find_all(exp.Column)}


def _alone(node: exp.Expr) -> bool:
    """A condition on one column that a generator's bounds or values can hold."""
    columns = _names(node)
    return len(columns) == 1 and _apply(columns.pop(), node, Rules())


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
