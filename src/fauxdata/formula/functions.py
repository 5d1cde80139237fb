"""Every formula function: arity, type rules, its Polars form, and a documented example.

Each entry's example is evaluated by the tests against ``EXAMPLE_ROW`` and must give its
stated result, and docs/formulas.md is generated from this table, so the list users read
is the list that runs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from fauxdata.formula.compiler import (
    BOOLEAN,
    DATE,
    DATETIME,
    NULL,
    NUMBER,
    TEXT,
    Scope,
    Typed,
    as_text,
    boolean,
    cast_to,
    compile_node,
    date_of,
    number,
    unify,
)
from fauxdata.formula.syntax import Call, FormulaError, Literal, Name, Node, Unary

if TYPE_CHECKING:
    # when().then() gives a Then, chaining .when().then() on it a ChainedThen.
    from polars.expr.whenthen import ChainedThen, Then

EXAMPLE_ROW: dict[str, tuple[str, object]] = {
    "first_name": ("text", "ada"),
    "last_name": ("text", "Lovelace"),
    "middle_name": ("text", None),
    "salary": ("number", 5234.567),
    "level": ("number", 3),
    "hired_on": ("date", dt.date(2021, 1, 31)),
    "birth_date": ("date", dt.date(1990, 7, 15)),
    "active": ("boolean", True),
    "notes": ("text", "  too   many  spaces "),
}
"""The row every example runs on (``TODAY()`` is 2026-11-22 in the examples)."""
EXAMPLE_TODAY = dt.date(2026, 11, 22)


@dataclass(frozen=True)
class Function:
    name: str
    min_args: int
    max_args: int | None
    compile: Callable[[Call, Scope], Typed]
    summary: str
    example: str
    result: object
    group: str

    def check_arity(self, node: Call) -> None:
        n = len(node.args)
        if n < self.min_args or (self.max_args is not None and n > self.max_args):
            if self.max_args is None:
                wanted = f"at least {self.min_args}"
            elif self.min_args == self.max_args:
                wanted = str(self.min_args)
            else:
                wanted = f"{self.min_args} to {self.max_args}"
            raise FormulaError(
                f"{self.name} takes {wanted} argument{'s' if wanted != '1' else ''}, found {n}",
                node.start,
                node.end,
                f"e.g. {self.example}",
            )


FUNCTIONS: dict[str, Function] = {}


def function(
    name: str,
    min_args: int,
    max_args: int | None,
    summary: str,
    example: str,
    result: object,
    group: str,
) -> Callable[[Callable[[Call, Scope], Typed]], Callable[[Call, Scope], Typed]]:
    def register(fn: Callable[[Call, Scope], Typed]) -> Callable[[Call, Scope], Typed]:
        FUNCTIONS[name] = Function(name, min_args, max_args, fn, summary, example, result, group)
        return fn

    return register


def _literal_text(node: Node, what: str) -> str:
    if isinstance(node, Literal) and isinstance(node.value, str):
        return node.value
    raise FormulaError(f"{what} must be a text literal in quotes", node.start, node.end)


def _literal_number(node: Node, what: str) -> float:
    if isinstance(node, Literal) and isinstance(node.value, float):
        return node.value
    if isinstance(node, Unary) and node.op in "-+" and isinstance(node.operand, Literal):
        value = node.operand.value
        if isinstance(value, float):
            return -value if node.op == "-" else value
    raise FormulaError(f"{what} must be a number literal", node.start, node.end)


def _branches(nodes: list[Node], scope: Scope) -> tuple[list[pl.Expr], str]:
    values = [compile_node(n, scope) for n in nodes]
    kind = unify(nodes, values)
    return [cast_to(v, kind) for v in values], kind


# --- logic ----------------------------------------------------------------------------


@function(
    "LET",
    3,
    None,
    "Names values, then computes with them; each value is evaluated once (one RAND() draw).",
    "LET(x, [level] * 2, x + 1)",
    7,
    "logic",
)
def _let(node: Call, scope: Scope) -> Typed:
    if len(node.args) % 2 == 0:
        raise FormulaError(
            "LET takes name, value pairs and then one calculation", node.start, node.end
        )
    saved = dict(scope.names)
    try:
        for name_node, value_node in zip(node.args[:-1:2], node.args[1:-1:2], strict=True):
            if not isinstance(name_node, Name):
                raise FormulaError("expected a name to bind", name_node.start, name_node.end)
            scope.names[name_node.name.upper()] = compile_node(value_node, scope)
        return compile_node(node.args[-1], scope)
    finally:
        scope.names = saved


@function("IF", 2, 3, "The second argument when the condition holds, else the third (or blank).",
          'IF([level] > 2, "senior", "junior")', "senior", "logic")  # fmt: skip
def _if(node: Call, scope: Scope) -> Typed:
    condition = boolean(node.args[0], scope)
    values, kind = _branches(list(node.args[1:]), scope)
    expr = pl.when(condition).then(values[0])
    return Typed(expr.otherwise(values[1]) if len(values) == 2 else expr, kind)


@function("IFS", 2, None, "The value after the first condition that holds (blank if none).",
          'IFS([salary] < 3000, "low", [salary] < 6000, "mid", TRUE, "high")', "mid", "logic")  # fmt: skip
def _ifs(node: Call, scope: Scope) -> Typed:
    if len(node.args) % 2:
        raise FormulaError("IFS takes condition, value pairs", node.start, node.end)
    conditions = [boolean(n, scope) for n in node.args[::2]]
    values, kind = _branches(list(node.args[1::2]), scope)
    expr: Then | ChainedThen = pl.when(conditions[0]).then(values[0])
    for condition, value in zip(conditions[1:], values[1:], strict=True):
        expr = expr.when(condition).then(value)
    return Typed(expr, kind)


@function(
    "SWITCH",
    3,
    None,
    "Compares a value with cases in turn; the result of the first match, else the default.",
    'SWITCH([level], 1, "entry", 3, "mid", "other")',
    "mid",
    "logic",
)
def _switch(node: Call, scope: Scope) -> Typed:
    subject = compile_node(node.args[0], scope)
    rest = list(node.args[1:])
    default = rest.pop() if len(rest) % 2 else None
    cases = [compile_node(n, scope) for n in rest[::2]]
    for case_node, case in zip(rest[::2], cases, strict=True):
        if {subject.type, case.type} - {NULL} and not _comparable(subject.type, case.type):
            raise FormulaError(
                f"SWITCH compares {subject.type} with a {case.type} case",
                case_node.start,
                case_node.end,
            )
    results = rest[1::2] + ([default] if default is not None else [])
    values, kind = _branches(results, scope)
    expr: Then | ChainedThen | None = None
    for case, value in zip(cases, values, strict=False):
        matched = _equal(subject, case)
        expr = pl.when(matched).then(value) if expr is None else expr.when(matched).then(value)
    assert expr is not None
    return Typed(expr.otherwise(values[-1]) if default is not None else expr, kind)


def _comparable(a: str, b: str) -> bool:
    groups = ({TEXT}, {NUMBER, BOOLEAN}, {DATE, DATETIME})
    return any(a in g and b in g for g in groups)


def _equal(a: Typed, b: Typed) -> pl.Expr:
    if TEXT in (a.type, b.type):
        return a.expr.str.to_lowercase() == b.expr.str.to_lowercase()
    return a.expr == b.expr


@function("AND", 1, None, "TRUE when every argument is TRUE.",
          "AND([active], [level] >= 3)", True, "logic")  # fmt: skip
def _and(node: Call, scope: Scope) -> Typed:
    return Typed(pl.all_horizontal([boolean(n, scope) for n in node.args]), BOOLEAN)


@function("OR", 1, None, "TRUE when any argument is TRUE.",
          "OR([level] > 5, [salary] > 5000)", True, "logic")  # fmt: skip
def _or(node: Call, scope: Scope) -> Typed:
    return Typed(pl.any_horizontal([boolean(n, scope) for n in node.args]), BOOLEAN)


@function("NOT", 1, 1, "The opposite of a condition.", "NOT([active])", False, "logic")
def _not(node: Call, scope: Scope) -> Typed:
    return Typed(~boolean(node.args[0], scope), BOOLEAN)


@function("ISBLANK", 1, 1, "TRUE when the value is blank (NULL).", "ISBLANK([middle_name])", True,
          "logic")  # fmt: skip
def _isblank(node: Call, scope: Scope) -> Typed:
    return Typed(compile_node(node.args[0], scope).expr.is_null(), BOOLEAN)


@function("COALESCE", 1, None, "The first argument that is not blank.",
          'COALESCE([middle_name], [first_name])', "ada", "logic")  # fmt: skip
def _coalesce(node: Call, scope: Scope) -> Typed:
    values, kind = _branches(list(node.args), scope)
    return Typed(pl.coalesce(values), kind)


@function("CHOOSE", 2, None, "The n-th of the following values (1-based; blank out of range).",
          'CHOOSE([level], "bronze", "silver", "gold")', "gold", "logic")  # fmt: skip
def _choose(node: Call, scope: Scope) -> Typed:
    index = number(node.args[0], scope, "CHOOSE").cast(pl.Float64).floor().cast(pl.Int64)
    values, kind = _branches(list(node.args[1:]), scope)
    expr: Then | ChainedThen = pl.when(index == 1).then(values[0])
    for i, value in enumerate(values[1:], start=2):
        expr = expr.when(index == i).then(value)
    return Typed(expr, kind)


# --- random ---------------------------------------------------------------------------


@function(
    "RAND",
    0,
    0,
    "A uniform draw in [0, 1), new for each call and each row, fixed by the seed.",
    "RAND() < 1",
    True,
    "random",
)
def _rand(node: Call, scope: Scope) -> Typed:
    scope.draws += 1
    return Typed(pl.col(f"__rand_{scope.draws - 1}"), NUMBER)


@function("RANDBETWEEN", 2, 2, "A uniform whole number from the first to the second, inclusive.",
          "RANDBETWEEN(5, 5)", 5, "random")  # fmt: skip
def _randbetween(node: Call, scope: Scope) -> Typed:
    low = number(node.args[0], scope, "RANDBETWEEN").cast(pl.Float64).ceil()
    high = number(node.args[1], scope, "RANDBETWEEN").cast(pl.Float64).floor()
    scope.draws += 1
    draw = pl.col(f"__rand_{scope.draws - 1}")
    return Typed((low + (draw * (high - low + 1)).floor()).cast(pl.Int64), NUMBER)


# --- numbers --------------------------------------------------------------------------


def _scaled(value: pl.Expr, scale: float) -> pl.Expr:
    """|value| x 10^digits, rounded to 9 places first: 2.675 x 100 is 267.5, as a
    spreadsheet sees it, not binary floating point's 267.49999999999997."""
    return (value.abs() * scale).round(9)


def _digits(node: Call, scope: Scope) -> int:
    if len(node.args) < 2:
        return 0
    return int(_literal_number(node.args[1], f"{node.name}'s number of digits"))


@function("ROUND", 1, 2, "Rounds half away from zero to a number of digits.",
          "ROUND([salary], 2)", 5234.57, "numbers")  # fmt: skip
def _round(node: Call, scope: Scope) -> Typed:
    value = number(node.args[0], scope, "ROUND").cast(pl.Float64)
    scale = 10.0 ** _digits(node, scope)
    return Typed((_scaled(value, scale) + 0.5).floor() * value.sign() / scale, NUMBER)


@function("ROUNDUP", 1, 2, "Rounds away from zero.", "ROUNDUP([salary], -2)", 5300, "numbers")
def _roundup(node: Call, scope: Scope) -> Typed:
    value = number(node.args[0], scope, "ROUNDUP").cast(pl.Float64)
    scale = 10.0 ** _digits(node, scope)
    return Typed(_scaled(value, scale).ceil() * value.sign() / scale, NUMBER)


@function("ROUNDDOWN", 1, 2, "Rounds toward zero.", "ROUNDDOWN([salary], 1)", 5234.5, "numbers")
def _rounddown(node: Call, scope: Scope) -> Typed:
    value = number(node.args[0], scope, "ROUNDDOWN").cast(pl.Float64)
    scale = 10.0 ** _digits(node, scope)
    return Typed(_scaled(value, scale).floor() * value.sign() / scale, NUMBER)


@function("ABS", 1, 1, "The absolute value.", "ABS(-[level])", 3, "numbers")
def _abs(node: Call, scope: Scope) -> Typed:
    return Typed(number(node.args[0], scope, "ABS").abs(), NUMBER)


@function("MIN", 1, None, "The smallest of the arguments (blanks ignored).",
          "MIN([level], 10, 2)", 2, "numbers")  # fmt: skip
def _min(node: Call, scope: Scope) -> Typed:
    return Typed(pl.min_horizontal([number(n, scope, "MIN") for n in node.args]), NUMBER)


@function("MAX", 1, None, "The largest of the arguments (blanks ignored).",
          "MAX([level], 10, 2)", 10, "numbers")  # fmt: skip
def _max(node: Call, scope: Scope) -> Typed:
    return Typed(pl.max_horizontal([number(n, scope, "MAX") for n in node.args]), NUMBER)


@function("MOD", 2, 2, "The remainder, with the sign of the divisor (as in spreadsheets).",
          "MOD(-7, 3)", 2, "numbers")  # fmt: skip
def _mod(node: Call, scope: Scope) -> Typed:
    a = number(node.args[0], scope, "MOD").cast(pl.Float64)
    b = number(node.args[1], scope, "MOD").cast(pl.Float64)
    return Typed(pl.when(b != 0).then(a - b * (a / b).floor()), NUMBER)


@function("VALUE", 1, 1, "Text read as a number (blank when it is not one).",
          'VALUE("42.5") + 1', 43.5, "numbers")  # fmt: skip
def _value(node: Call, scope: Scope) -> Typed:
    typed = compile_node(node.args[0], scope)
    if typed.type == NUMBER:
        return typed
    return Typed(
        typed.expr.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False), NUMBER
    )


# --- text -----------------------------------------------------------------------------


@function("LOWER", 1, 1, "Lower case.", 'LOWER("Ada")', "ada", "text")
def _lower(node: Call, scope: Scope) -> Typed:
    return Typed(as_text(node.args[0], scope).str.to_lowercase(), TEXT)


@function("UPPER", 1, 1, "Upper case.", "UPPER([last_name])", "LOVELACE", "text")
def _upper(node: Call, scope: Scope) -> Typed:
    return Typed(as_text(node.args[0], scope).str.to_uppercase(), TEXT)


@function("PROPER", 1, 1, "Each word capitalised.", 'PROPER("ada LOVELACE")', "Ada Lovelace",
          "text")  # fmt: skip
def _proper(node: Call, scope: Scope) -> Typed:
    return Typed(as_text(node.args[0], scope).str.to_titlecase(), TEXT)


@function("CONCATENATE", 1, None, "Joins its arguments as text (blanks as empty text).",
          'CONCATENATE([first_name], " ", [last_name])', "ada Lovelace", "text")  # fmt: skip
def _concatenate(node: Call, scope: Scope) -> Typed:
    return Typed(pl.concat_str([as_text(n, scope) for n in node.args]), TEXT)


@function("CONCAT", 1, None, "Same as CONCATENATE.", 'CONCAT("L", [level])', "L3", "text")
def _concat(node: Call, scope: Scope) -> Typed:
    return _concatenate(node, scope)


def _count(node: Node, scope: Scope, what: str) -> pl.Expr:
    return number(node, scope, what).cast(pl.Float64).floor().cast(pl.Int64).clip(lower_bound=0)


@function("LEFT", 1, 2, "The first n characters (default 1).", "LEFT([last_name], 4)", "Love",
          "text")  # fmt: skip
def _left(node: Call, scope: Scope) -> Typed:
    n = _count(node.args[1], scope, "LEFT") if len(node.args) > 1 else pl.lit(1)
    return Typed(as_text(node.args[0], scope).str.slice(0, n), TEXT)


@function("RIGHT", 1, 2, "The last n characters (default 1).", "RIGHT([last_name], 4)", "lace",
          "text")  # fmt: skip
def _right(node: Call, scope: Scope) -> Typed:
    n = _count(node.args[1], scope, "RIGHT") if len(node.args) > 1 else pl.lit(1)
    text = as_text(node.args[0], scope)
    length = text.str.len_chars().cast(pl.Int64)
    start = pl.max_horizontal(length - n, pl.lit(0))
    return Typed(text.str.slice(start, n), TEXT)


@function("MID", 3, 3, "n characters from a 1-based position.", "MID([last_name], 3, 4)", "vela",
          "text")  # fmt: skip
def _mid(node: Call, scope: Scope) -> Typed:
    start = number(node.args[1], scope, "MID").cast(pl.Float64).floor().cast(pl.Int64)
    n = _count(node.args[2], scope, "MID")
    offset = pl.max_horizontal(start - 1, pl.lit(0))
    return Typed(as_text(node.args[0], scope).str.slice(offset, n), TEXT)


@function("LEN", 1, 1, "The number of characters.", "LEN([last_name])", 8, "text")
def _len(node: Call, scope: Scope) -> Typed:
    return Typed(as_text(node.args[0], scope).str.len_chars().cast(pl.Int64), NUMBER)


@function("TRIM", 1, 1, "Spaces removed at both ends and runs of spaces made single.",
          "TRIM([notes])", "too many spaces", "text")  # fmt: skip
def _trim(node: Call, scope: Scope) -> Typed:
    text = as_text(node.args[0], scope)
    return Typed(text.str.replace_all(" +", " ").str.strip_chars(" "), TEXT)


@function("SUBSTITUTE", 3, 4, "Replaces text (every occurrence, or only the n-th).",
          'SUBSTITUTE("a-b-c", "-", "+", 2)', "a-b+c", "text")  # fmt: skip
def _substitute(node: Call, scope: Scope) -> Typed:
    text = as_text(node.args[0], scope)
    old = _literal_text(node.args[1], "SUBSTITUTE's old text")
    new = as_text(node.args[2], scope)
    if len(node.args) == 3:
        return Typed(text.str.replace_all(old, new, literal=True), TEXT)
    nth = int(_literal_number(node.args[3], "SUBSTITUTE's instance"))
    if nth < 1:
        raise FormulaError("the instance must be 1 or more", node.args[3].start, node.args[3].end)
    pattern = "^((?:.*?" + re.escape(old) + f"){{{nth - 1}}}.*?)" + re.escape(old)
    return Typed(
        text.str.replace(pattern, "${1}" + "\x00").str.replace("\x00", new, literal=True), TEXT
    )


@function("REPLACE", 4, 4, "Replaces n characters at a 1-based position with new text.",
          'REPLACE([last_name], 1, 4, "Dove")', "Dovelace", "text")  # fmt: skip
def _replace(node: Call, scope: Scope) -> Typed:
    text = as_text(node.args[0], scope)
    start = number(node.args[1], scope, "REPLACE").cast(pl.Float64).floor().cast(pl.Int64)
    n = _count(node.args[2], scope, "REPLACE")
    new = as_text(node.args[3], scope)
    head = text.str.slice(0, pl.max_horizontal(start - 1, pl.lit(0)))
    tail = text.str.slice(pl.max_horizontal(start - 1 + n, pl.lit(0)))
    return Typed(pl.concat_str([head, new, tail]), TEXT)


@function("TEXT", 2, 2, "A number or date formatted: 0, 0.00, #,##0.00, 0%, yyyy-mm-dd, dd/mm/yyyy, mmm ...",
          'TEXT([salary], "#,##0.00")', "5,234.57", "text")  # fmt: skip
def _text(node: Call, scope: Scope) -> Typed:
    from fauxdata.formula.formats import format_date, format_number

    typed = compile_node(node.args[0], scope)
    pattern = _literal_text(node.args[1], "TEXT's format")
    try:
        if typed.type in (DATE, DATETIME):
            return Typed(format_date(typed.expr, pattern), TEXT)
        if typed.type in (NUMBER, BOOLEAN, NULL):
            return Typed(format_number(typed.expr.cast(pl.Float64), pattern), TEXT)
    except ValueError as exc:
        raise FormulaError(str(exc), node.args[1].start, node.args[1].end) from None
    return Typed(typed.expr, TEXT)


# --- dates ----------------------------------------------------------------------------


@function("DATE", 3, 3, "A date; months and days past the end roll over as in spreadsheets.",
          "DATE(2024, 14, 1)", dt.date(2025, 2, 1), "dates")  # fmt: skip
def _date(node: Call, scope: Scope) -> Typed:
    y = number(node.args[0], scope, "DATE").cast(pl.Int64)
    m = number(node.args[1], scope, "DATE").cast(pl.Int64)
    d = number(node.args[2], scope, "DATE").cast(pl.Int64)
    months = y * 12 + (m - 1)
    first = pl.date(months // 12, months % 12 + 1, 1)
    return Typed(first + pl.duration(days=d - 1), DATE)


@function("DATEVALUE", 1, 1, "An ISO date text as a date.", 'DATEVALUE("2024-02-29")',
          dt.date(2024, 2, 29), "dates")  # fmt: skip
def _datevalue(node: Call, scope: Scope) -> Typed:
    return Typed(as_text(node.args[0], scope).str.to_date("%Y-%m-%d", strict=False), DATE)


@function("YEAR", 1, 1, "The year of a date.", "YEAR([hired_on])", 2021, "dates")
def _year(node: Call, scope: Scope) -> Typed:
    return Typed(date_of(node.args[0], scope).expr.dt.year().cast(pl.Int64), NUMBER)


@function("MONTH", 1, 1, "The month of a date (1-12).", "MONTH([hired_on])", 1, "dates")
def _month(node: Call, scope: Scope) -> Typed:
    return Typed(date_of(node.args[0], scope).expr.dt.month().cast(pl.Int64), NUMBER)


@function("DAY", 1, 1, "The day of the month.", "DAY([hired_on])", 31, "dates")
def _day(node: Call, scope: Scope) -> Typed:
    return Typed(date_of(node.args[0], scope).expr.dt.day().cast(pl.Int64), NUMBER)


@function("TODAY", 0, 0, "The reference date: the spec's reference_date, else the run's date.",
          "TODAY()", EXAMPLE_TODAY, "dates")  # fmt: skip
def _today(node: Call, scope: Scope) -> Typed:
    return Typed(pl.lit(scope.reference_date), DATE)


@function("NOW", 0, 0, "Midnight of the reference date, as a timestamp.", "NOW()",
          dt.datetime.combine(EXAMPLE_TODAY, dt.time()), "dates")  # fmt: skip
def _now(node: Call, scope: Scope) -> Typed:
    return Typed(pl.lit(dt.datetime.combine(scope.reference_date, dt.time())), DATETIME)


def _months(node: Node, scope: Scope, what: str) -> pl.Expr:
    return number(node, scope, what).cast(pl.Float64).floor().cast(pl.Int64)


@function("EDATE", 2, 2, "The date n months later, clamped to the month's end.",
          "EDATE([hired_on], 1)", dt.date(2021, 2, 28), "dates")  # fmt: skip
def _edate(node: Call, scope: Scope) -> Typed:
    start = date_of(node.args[0], scope)
    months = _months(node.args[1], scope, "EDATE")
    return Typed(start.expr.dt.offset_by(pl.format("{}mo", months)), start.type)


@function("EOMONTH", 2, 2, "The last day of the month n months later.",
          "EOMONTH([hired_on], 1)", dt.date(2021, 2, 28), "dates")  # fmt: skip
def _eomonth(node: Call, scope: Scope) -> Typed:
    start = date_of(node.args[0], scope)
    months = _months(node.args[1], scope, "EOMONTH")
    day = start.expr.cast(pl.Date)
    return Typed(day.dt.month_start().dt.offset_by(pl.format("{}mo", months)).dt.month_end(), DATE)


@function("DATEDIF", 3, 3, 'Whole "Y" years, "M" months or "D" days between two dates; also "YM", "MD", "YD".',
          'DATEDIF([birth_date], [hired_on], "Y")', 30, "dates")  # fmt: skip
def _datedif(node: Call, scope: Scope) -> Typed:
    a = date_of(node.args[0], scope).expr.cast(pl.Date)
    b = date_of(node.args[1], scope).expr.cast(pl.Date)
    unit = _literal_text(node.args[2], "DATEDIF's unit").upper()
    months = (b.dt.year() - a.dt.year()).cast(pl.Int64) * 12 + (
        b.dt.month().cast(pl.Int64) - a.dt.month().cast(pl.Int64)
    )
    months = months - (b.dt.day() < a.dt.day()).cast(pl.Int64)
    days = (b - a).dt.total_days()
    match unit:
        case "Y":
            expr = months // 12
        case "M":
            expr = months
        case "D":
            expr = days
        case "YM":
            expr = months % 12
        case "MD":
            anchor = a.dt.offset_by(pl.format("{}mo", months))
            expr = (b - anchor).dt.total_days()
        case "YD":
            anchor = a.dt.offset_by(pl.format("{}y", months // 12))
            expr = (b - anchor).dt.total_days()
        case _:
            raise FormulaError(
                f"unknown DATEDIF unit '{unit}'",
                node.args[2].start,
                node.args[2].end,
                'one of "Y", "M", "D", "YM", "MD", "YD"',
            )
    return Typed(pl.when(a <= b).then(expr.cast(pl.Int64)), NUMBER)


@function("WEEKDAY", 1, 2, "Day of the week: type 1 (default) Sunday=1..Saturday=7, type 2 Monday=1..Sunday=7, type 3 Monday=0..Sunday=6.",
          "WEEKDAY([hired_on])", 1, "dates")  # fmt: skip
def _weekday(node: Call, scope: Scope) -> Typed:
    iso = date_of(node.args[0], scope).expr.dt.weekday().cast(pl.Int64)  # Monday=1
    kind = int(_literal_number(node.args[1], "WEEKDAY's type")) if len(node.args) > 1 else 1
    match kind:
        case 1:
            return Typed(iso % 7 + 1, NUMBER)
        case 2:
            return Typed(iso, NUMBER)
        case 3:
            return Typed(iso - 1, NUMBER)
    raise FormulaError("WEEKDAY's type must be 1, 2 or 3", node.args[1].start, node.args[1].end)
