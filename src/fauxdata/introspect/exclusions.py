"""Exclusion constraints: read from PostgreSQL's catalog, satisfied where their shape is common.

``EXCLUDE USING gist (room_id WITH =, during WITH &&)`` says no two bookings of one room
overlap; ``EXCLUDE USING gist (during WITH &&)`` that no two rows overlap at all. Both
hold when every row's range is disjoint from every other row's, so init computes the
range column from the table's integer sequence key: row ``k`` gets the ``k``-th day (or
the ``k``-th block of ten numbers), each after the last, which needs no join and no
draw. A WHERE clause only narrows the rows a constraint binds, so it holds too.
Equality alone (``EXCLUDE (code WITH =)``) is a unique constraint. Any other shape is
named by init with its table, columns and what to do, instead of failing at load time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from fauxdata.introspect.model import Exclusion, SourceSchema, SourceTable

RANGES = ("int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange")
_INTEGERS = ("smallint", "integer", "bigint")
_DEFINITION = re.compile(r"EXCLUDE USING (\w+) \((.*?)\)(?: WHERE \((.*)\))?", re.DOTALL)
_ELEMENT = re.compile(r"(.+) WITH (\S+)", re.DOTALL)
_COLUMN = re.compile(r'"?([A-Za-z_][A-Za-z0-9_$]*)"?')


def exclusions(con: sa.Connection, schema: str) -> dict[str, list[Exclusion]]:
    """The exclusion constraints of each table of the schema, in one catalog query."""
    rows = con.execute(
        sa.text(
            "SELECT c.relname, x.conname, pg_get_constraintdef(x.oid) FROM pg_constraint x "
            "JOIN pg_class c ON c.oid = x.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE x.contype = 'x' AND n.nspname = :schema ORDER BY 1, 2"
        ),
        {"schema": schema},
    )
    found: dict[str, list[Exclusion]] = {}
    for table, name, definition in rows:
        found.setdefault(str(table), []).append(parse(str(name), str(definition)))
    return found


def parse(name: str, definition: str) -> Exclusion:
    """The constraint's (expression, operator) pairs; none when the text is not the
    usual ``EXCLUDE USING method (... WITH op, ...)``."""
    match = _DEFINITION.fullmatch(definition.strip())
    if match is None:
        return Exclusion(name, definition)
    elements = []
    for part in _split(match.group(2)):
        element = _ELEMENT.fullmatch(part.strip())
        if element is None:
            return Exclusion(name, definition)
        elements.append((element.group(1).strip(), element.group(2)))
    return Exclusion(name, definition, elements)


def _split(text: str) -> list[str]:
    """Split at commas outside parentheses and quotes."""
    parts, depth, quoted, current = [], 0, False, ""
    for char in text:
        if char in "'\"":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        if char == "," and depth == 0 and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


@dataclass(frozen=True)
class Plan:
    """How a spec satisfies one exclusion constraint: ``unique`` columns, or ``ranges``
    (the range column computed from ``key``); ``problem`` says why it cannot."""

    unique: tuple[str, ...] = ()
    ranges: str | None = None
    key: str | None = None
    problem: str = ""


def plan(exclusion: Exclusion, table: SourceTable) -> Plan:
    """How the spec init writes for ``table`` satisfies one of its constraints (an
    integer primary key is always a sequence there)."""
    columns = table.columns
    named = [_column(expression, table) for expression, _ in exclusion.elements]
    if not exclusion.elements or None in named:
        return Plan(problem="it is not a list of plain columns compared WITH = or WITH &&")
    names = [n for n in named if n is not None]
    operators = [op for _, op in exclusion.elements]
    if set(operators) == {"="}:
        return Plan(unique=tuple(names))
    overlapping = [n for n, op in zip(names, operators, strict=True) if op == "&&"]
    if set(operators) - {"=", "&&"} or len(overlapping) != 1:
        return Plan(problem="only equal columns plus one range compared WITH && are generated")
    column = overlapping[0]
    if columns[column].type not in RANGES:
        return Plan(problem=f"'{column}' is a {columns[column].type}, not a range type")
    key = table.primary_key
    if len(key) != 1 or columns[key[0]].type not in _INTEGERS:
        return Plan(problem="the table has no integer key to lay the ranges out by")
    return Plan(ranges=column, key=key[0])


def unsatisfied(source: SourceSchema, tables: list[str] | None = None) -> list[str]:
    """One line per exclusion constraint init cannot satisfy: table, constraint, columns,
    why, and what to do."""
    lines = []
    for table in source.tables.values():
        if tables is not None and table.name not in tables:
            continue
        for exclusion in table.exclusions:
            found = plan(exclusion, table)
            if found.problem:
                columns = ", ".join(e for e, _ in exclusion.elements) or exclusion.definition
                lines.append(
                    f"{table.name}: {exclusion.definition} (constraint {exclusion.name}) "
                    f"cannot be generated: {found.problem}; rows may break it on load. Give "
                    f"{columns} generators that keep rows apart, or drop it in the dev copy "
                    f"(ALTER TABLE {table.name} DROP CONSTRAINT {exclusion.name})"
                )
    return lines


def _column(expression: str, table: SourceTable) -> str | None:
    match = _COLUMN.fullmatch(expression.strip())
    return match.group(1) if match and match.group(1) in table.columns else None


def generator(kind: str, key: str) -> dict[str, str]:
    """A range per key value, each after the last: the ``key``-th day from 2020-01-01
    (a working day's hours for timestamp ranges), or ``[10k, 10k + 5)`` for numbers."""
    if kind in ("int4range", "int8range", "numrange"):
        return {
            "kind": "sql",
            "expression": f"'[' || CAST({key} * 10 AS VARCHAR) || ',' || "
            f"CAST({key} * 10 + 5 AS VARCHAR) || ')'",
        }
    day = f'TEXT(DATE(2020, 1, 1) + [{key}], "yyyy-mm-dd")'
    if kind == "daterange":
        return {
            "kind": "formula",
            "formula": f'"[" & {day} & "," & TEXT(DATE(2020, 1, 2) + [{key}], "yyyy-mm-dd") & ")"',
        }
    zone = "+00" if kind == "tstzrange" else ""
    return {
        "kind": "formula",
        "formula": f'"[" & {day} & " 09:00:00{zone}," & {day} & " 17:00:00{zone})"',
    }
