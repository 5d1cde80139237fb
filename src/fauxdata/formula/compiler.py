"""Type-check a formula and compile it into one vectorized Polars expression.

Types are checked before any row is generated: text + number is an error that points
at the ``+``. Random draws (``RAND()``, ``RANDBETWEEN``) and mock constants
(``MOCK_FREE_EMAIL_DOMAIN``) become columns the generator adds before evaluating the
expression, one per call in the formula, so each call is an independent draw per row,
exactly like a spreadsheet, and deterministic under the seed. An indexed mock token
(Syntho's ``MOCK_FIRST_NAME_0``) names one draw: every use of it in a row gives the same
value, and ``_0`` and ``_1`` are independent draws. ``LET`` binds a value once:
a ``RAND()`` bound by ``LET`` is one draw however often it is used.

Where Excel and data differ, the data reading wins and is documented: blanks propagate
through arithmetic (Excel reads them as 0) but are empty text in ``&`` and ``CONCAT``;
IF without an else, and IFS or SWITCH without a match, give NULL rather than an error
value; dates join text as ISO dates rather than serial numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import polars as pl

from fauxdata.errors import did_you_mean
from fauxdata.formula.lint import random_chain_warnings
from fauxdata.formula.syntax import (
    Binary,
    Call,
    Column,
    FormulaError,
    Literal,
    Name,
    Node,
    Unary,
    parse,
    walk,
)

TEXT, NUMBER, BOOLEAN, DATE, DATETIME = "text", "number", "boolean", "date", "datetime"
NULL = "null"
"""The type of a value that is always blank (an IF without else never taken, say)."""


@dataclass(frozen=True)
class Typed:
    expr: pl.Expr
    type: str


@dataclass
class Compiled:
    expr: pl.Expr
    type: str
    columns: tuple[str, ...]
    draws: int
    """How many uniform draws per row the formula makes (one column ``__rand_i`` each)."""
    mocks: tuple[str, ...]
    """The mock constants, in order (one column ``__mock_i`` each); an indexed token
    (``MOCK_FIRST_NAME_0``) appears once however often the formula uses it."""
    warnings: list[FormulaError] = field(default_factory=list)


@dataclass
class Scope:
    columns: dict[str, str]
    reference_date: dt.date
    names: dict[str, Typed] = field(default_factory=dict)
    used: list[str] = field(default_factory=list)
    draws: int = 0
    mocks: list[str] = field(default_factory=list)


MOCK_CONSTANTS = {
    "MOCK_FREE_EMAIL_DOMAIN": "a free email provider's domain (gmail.com, yahoo.com, ...)",
    "MOCK_COMPANY_DOMAIN": "a company's domain (brightlane.com, ...)",
    "MOCK_FIRST_NAME": "a first name",
    "MOCK_FIRST_NAME_FEMALE": "a woman's first name",
    "MOCK_FIRST_NAME_MALE": "a man's first name",
    "MOCK_LAST_NAME": "a last name",
    "MOCK_CITY": "a city",
    "MOCK_COUNTRY_CODE": "an ISO 3166 alpha-2 country code",
    "MOCK_COMPANY": "a company name",
    "MOCK_JOB_TITLE": "a job title",
}
_INDEXED = re.compile(r"(?P<base>MOCK_[A-Z_]+?)_(?P<index>\d+)")


def mock_token(name: str) -> tuple[str, bool] | None:
    """The mock constant a token names and whether it is indexed: ``MOCK_CITY`` ->
    (``MOCK_CITY``, False), ``MOCK_CITY_2`` -> (``MOCK_CITY``, True); None for other names."""
    key = name.upper()
    if key in MOCK_CONSTANTS:
        return key, False
    match = _INDEXED.fullmatch(key)
    if match and match["base"] in MOCK_CONSTANTS:
        return match["base"], True
    return None


def compile_formula(
    text: str, columns: dict[str, str], reference_date: dt.date | None = None
) -> Compiled:
    """Compile ``text`` over columns of the given formula types (text, number, ...).

    Raises:
        FormulaError: a syntax, name or type error, with its span.
    """
    tree = parse(text)
    scope = Scope(dict(columns), reference_date or dt.date.today())
    result = _compile(tree, scope)
    return Compiled(
        result.expr,
        result.type,
        tuple(dict.fromkeys(scope.used)),
        scope.draws,
        tuple(scope.mocks),
        random_chain_warnings(tree),
    )


def formula_columns(text: str) -> list[str]:
    """The ``[column]`` references of a formula, in order, without type-checking."""
    return list(dict.fromkeys(n.name for n in walk(parse(text)) if isinstance(n, Column)))


def _compile(node: Node, scope: Scope) -> Typed:
    match node:
        case Literal(value=value):
            return _literal(value)
        case Column(name=name):
            if name not in scope.columns:
                raise FormulaError(
                    f"unknown column [{name}]",
                    node.start,
                    node.end,
                    did_you_mean(name, list(scope.columns)),
                )
            scope.used.append(name)
            return Typed(pl.col(name), scope.columns[name])
        case Name(name=name):
            return _name(node, name, scope)
        case Unary(op="-", operand=operand):
            inner = _number(operand, scope, "-")
            return Typed(-inner, NUMBER)
        case Unary(op="+", operand=operand):
            return Typed(_number(operand, scope, "+"), NUMBER)
        case Unary(op="%", operand=operand):
            return Typed(_number(operand, scope, "%") / 100, NUMBER)
        case Binary():
            return _binary(node, scope)
        case Call():
            from fauxdata.formula.functions import FUNCTIONS

            spec = FUNCTIONS.get(node.name)
            if spec is None:
                raise FormulaError(
                    f"unknown function {node.name}",
                    node.start,
                    node.start + len(node.name),
                    did_you_mean(node.name, list(FUNCTIONS)),
                )
            spec.check_arity(node)
            return spec.compile(node, scope)
    raise FormulaError("cannot compile this", node.start, node.end)  # pragma: no cover


def _literal(value: object) -> Typed:
    if isinstance(value, bool):
        return Typed(pl.lit(value), BOOLEAN)
    if isinstance(value, float):
        whole = value.is_integer() and abs(value) < 2**63  # larger whole numbers stay floats
        return Typed(pl.lit(int(value)) if whole else pl.lit(value), NUMBER)
    if isinstance(value, dt.datetime):
        return Typed(pl.lit(value), DATETIME)
    if isinstance(value, dt.date):
        return Typed(pl.lit(value), DATE)
    return Typed(pl.lit(str(value), dtype=pl.String), TEXT)


def _name(node: Node, name: str, scope: Scope) -> Typed:
    key = name.upper()
    if key in scope.names:
        return scope.names[key]
    token = mock_token(key)
    if token is not None:
        if not token[1] or key not in scope.mocks:  # an indexed token is one draw per row
            scope.mocks.append(key)
        return Typed(pl.col(f"__mock_{_last_index(scope.mocks, key)}"), TEXT)
    if key in scope.columns or name in scope.columns:
        raise FormulaError(
            f"'{name}' is a column: write it in brackets, [{name}]", node.start, node.end
        )
    known = list(scope.names) + list(MOCK_CONSTANTS)
    raise FormulaError(
        f"unknown name '{name}'",
        node.start,
        node.end,
        did_you_mean(key, known) or "column references go in brackets: [first_name]",
    )


def _last_index(items: list[str], item: str) -> int:
    return len(items) - 1 - items[::-1].index(item)


def compile_node(node: Node, scope: Scope) -> Typed:
    """Compile a sub-formula (for the function table)."""
    return _compile(node, scope)


def _binary(node: Binary, scope: Scope) -> Typed:
    op = node.op
    if op == "&":
        return Typed(pl.concat_str([as_text(node.left, scope), as_text(node.right, scope)]), TEXT)
    left, right = _compile(node.left, scope), _compile(node.right, scope)
    if op in ("=", "<>", "<", "<=", ">", ">="):
        return Typed(_compare(node, op, left, right), BOOLEAN)
    temporal = (DATE, DATETIME)
    if op in ("+", "-") and left.type in temporal and right.type in (NUMBER, BOOLEAN, NULL):
        return Typed(_add_days(left, right.expr if op == "+" else -right.expr), left.type)
    if op == "+" and right.type in temporal and left.type in (NUMBER, BOOLEAN, NULL):
        return Typed(_add_days(right, left.expr), right.type)
    if op == "-" and left.type in temporal and right.type in temporal:
        days = left.expr.cast(pl.Datetime("us")) - right.expr.cast(pl.Datetime("us"))
        return Typed(days.dt.total_microseconds() / 86_400_000_000, NUMBER)
    a = _as_number(node.left, left, op)
    b = _as_number(node.right, right, op)
    match op:
        case "+":
            return Typed(a + b, NUMBER)
        case "-":
            return Typed(a - b, NUMBER)
        case "*":
            return Typed(a * b, NUMBER)
        case "/":
            return Typed(pl.when(b != 0).then(a.cast(pl.Float64) / b), NUMBER)
        case "^":
            return Typed(a.cast(pl.Float64).pow(b), NUMBER)
    raise FormulaError(f"unknown operator {op}", node.start, node.end)  # pragma: no cover


def _add_days(value: Typed, days: pl.Expr) -> pl.Expr:
    if value.type == DATE:
        return value.expr + pl.duration(days=days.cast(pl.Int64))
    return value.expr + pl.duration(microseconds=(days * 86_400_000_000).cast(pl.Int64))


def _compare(node: Binary, op: str, left: Typed, right: Typed) -> pl.Expr:
    kinds = {left.type, right.type} - {NULL}
    a, b = left.expr, right.expr
    if kinds <= {TEXT}:
        a, b = a.str.to_lowercase(), b.str.to_lowercase()  # spreadsheets compare text case-blind
    elif kinds <= {DATE, DATETIME}:
        if len(kinds) == 2:
            a, b = a.cast(pl.Datetime("us")), b.cast(pl.Datetime("us"))
    elif kinds <= {NUMBER, BOOLEAN}:
        pass
    else:
        raise FormulaError(
            f"cannot compare {left.type} with {right.type}",
            node.start,
            node.end,
            'convert one side: VALUE(text) gives a number, TEXT(number, "0") gives text',
        )
    return {
        "=": a == b,
        "<>": a != b,
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
    }[op]


def _as_number(node: Node, typed: Typed, op: str) -> pl.Expr:
    if typed.type in (NUMBER, NULL):
        return typed.expr
    if typed.type == BOOLEAN:
        return typed.expr.cast(pl.Int64)
    raise FormulaError(
        f"{typed.type} used as a number with '{op}'",
        node.start,
        node.end,
        "VALUE(text) turns text into a number; & joins text"
        if typed.type == TEXT
        else "date arithmetic: date + days, date - date, or EDATE/DATEDIF",
    )


def _number(node: Node, scope: Scope, op: str) -> pl.Expr:
    return _as_number(node, _compile(node, scope), op)


def number(node: Node, scope: Scope, what: str) -> pl.Expr:
    """A numeric argument (booleans count as 0/1)."""
    return _as_number(node, _compile(node, scope), what)


def boolean(node: Node, scope: Scope) -> pl.Expr:
    """A condition: booleans as they are, numbers true when not zero."""
    typed = _compile(node, scope)
    if typed.type in (BOOLEAN, NULL):
        return typed.expr
    if typed.type == NUMBER:
        return typed.expr != 0
    raise FormulaError(f"{typed.type} used as a condition", node.start, node.end)


def as_text(node: Node, scope: Scope) -> pl.Expr:
    """Any value as text, the way a spreadsheet shows it; blanks are empty text."""
    return text_of(_compile(node, scope))


def text_of(typed: Typed) -> pl.Expr:
    expr = typed.expr
    match typed.type:
        case "number":
            whole = expr.cast(pl.Float64)
            shown = (
                pl.when(whole == whole.round(0))
                .then(whole.cast(pl.Int64, strict=False).cast(pl.String))
                .otherwise(whole.cast(pl.String))
            )
            return shown.fill_null("")
        case "boolean":
            return pl.when(expr).then(pl.lit("TRUE")).otherwise(pl.lit("FALSE")).fill_null("")
        case "date":
            return expr.dt.strftime("%Y-%m-%d").fill_null("")
        case "datetime":
            return expr.dt.strftime("%Y-%m-%d %H:%M:%S").fill_null("")
        case "null":
            return pl.lit("")
    return expr.cast(pl.String).fill_null("")


def date_of(node: Node, scope: Scope) -> Typed:
    """A date or datetime argument; text in ISO form is parsed."""
    typed = _compile(node, scope)
    if typed.type in (DATE, DATETIME):
        return typed
    if typed.type == TEXT:
        return Typed(typed.expr.str.to_date("%Y-%m-%d", strict=False), DATE)
    raise FormulaError(
        f"expected a date, found {typed.type}", node.start, node.end, "DATE(y, m, d) makes one"
    )


def unify(nodes: list[Node], values: list[Typed]) -> str:
    """The one type several branches share (numbers and booleans mix as numbers).

    Raises:
        FormulaError: branches of incompatible types, pointing at the first odd one.
    """
    kinds = [v.type for v in values if v.type != NULL]
    if not kinds:
        return NULL
    first = kinds[0]
    for node, value in zip(nodes, values, strict=True):
        kind = value.type
        if kind in (NULL, first):
            continue
        if {kind, first} <= {NUMBER, BOOLEAN}:
            first = NUMBER
            continue
        if {kind, first} <= {DATE, DATETIME}:
            first = DATETIME
            continue
        raise FormulaError(
            f"this branch gives {kind} but an earlier one gives {first}",
            node.start,
            node.end,
            "every result of IF/SWITCH/IFS/CHOOSE must be of one type",
        )
    return first


def cast_to(value: Typed, kind: str) -> pl.Expr:
    """A branch value converted to the unified type."""
    if kind == NUMBER and value.type == BOOLEAN:
        return value.expr.cast(pl.Int64)
    if kind == DATETIME and value.type == DATE:
        return value.expr.cast(pl.Datetime("us"))
    if value.type == NULL:
        return pl.lit(None, dtype=_dtype(kind))
    return value.expr


def _dtype(kind: str) -> pl.DataType:
    return {
        TEXT: pl.String(),
        NUMBER: pl.Float64(),
        BOOLEAN: pl.Boolean(),
        DATE: pl.Date(),
        DATETIME: pl.Datetime("us"),
    }.get(kind, pl.Null())
