"""MySQL and MariaDB column types in the words the spec suggester knows.

MySQL has types PostgreSQL lacks (TINYINT, MEDIUMINT, YEAR, unsigned integers, SET) and
spells booleans TINYINT(1); MariaDB stores JSON as LONGTEXT guarded by a
``json_valid(col)`` CHECK. Each is mapped to a base type plus, where the range is narrower
than that base type's, a CHECK stating the range, so every suggested generator fits
without the suggester knowing about MySQL.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from fauxdata.introspect.model import SourceColumn

_RANGES: dict[str, tuple[str, int, int, int]] = {
    # name: (base type, signed min, signed max, unsigned max)
    "tinyint": ("smallint", -128, 127, 255),
    "smallint": ("smallint", -(2**15), 2**15 - 1, 2**16 - 1),
    "mediumint": ("integer", -(2**23), 2**23 - 1, 2**24 - 1),
    "integer": ("integer", -(2**31), 2**31 - 1, 2**32 - 1),
    "bigint": ("bigint", -(2**63), 2**63 - 1, 2**63 - 1),
}
"""Unsigned BIGINT above 2**63 - 1 is out of reach of int64 generators: capped there."""

_JSON_VALID = re.compile(r"^\s*json_valid\(\s*`?(\w+)`?\s*\)\s*$", re.IGNORECASE)


def mysql_column(column: SourceColumn, kind: Any) -> bool:
    """Fill ``column`` for a MySQL-only type; False when the generic mapping applies."""
    name = type(kind).__name__.lower()
    if name == "tinyint" and getattr(kind, "display_width", None) == 1:
        column.type = "boolean"
        return True
    if name in _RANGES:
        base, low, high, unsigned_high = _RANGES[name]
        unsigned = bool(getattr(kind, "unsigned", False))
        low, high = (0, unsigned_high) if unsigned else (low, high)
        if unsigned and name == "integer":
            base = "bigint"  # 0..4294967295 does not fit a signed 32-bit integer
        column.type = base
        if unsigned or base != name:
            column.checks.append(f"{column.name} >= {low} AND {column.name} <= {high}")
        return True
    if name == "year":
        column.type = "smallint"
        column.checks.append(f"{column.name} >= 1901 AND {column.name} <= 2155")
        return True
    if name == "set":
        # One member per row is a valid SET value; the labels behave like an enum's.
        column.type, column.labels = "enum", list(getattr(kind, "values", ()))
        return True
    if name in ("tinytext", "mediumtext", "longtext"):
        column.type = "text"
        return True
    if name in ("tinyblob", "mediumblob", "longblob", "varbinary", "binary"):
        column.type = "bytea"
        return True
    return False


def mysql_checks(con: sa.Connection, schema: str, mariadb: bool) -> dict[str, list[str]]:
    """CHECK clauses per table, read in one query (SQLAlchemy's MySQL reflection misses
    MariaDB's)."""
    if mariadb:
        sql = (
            "SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
            "WHERE CONSTRAINT_SCHEMA = :s ORDER BY TABLE_NAME, CONSTRAINT_NAME"
        )
    else:
        sql = (
            "SELECT tc.TABLE_NAME, cc.CHECK_CLAUSE FROM information_schema.TABLE_CONSTRAINTS tc "
            "JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA "
            "AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME "
            "WHERE tc.CONSTRAINT_TYPE = 'CHECK' AND tc.TABLE_SCHEMA = :s ORDER BY 1, tc.CONSTRAINT_NAME"
        )
    result: dict[str, list[str]] = {}
    for table, clause in con.execute(sa.text(sql), {"s": schema}):
        result.setdefault(str(table), []).append(str(clause))
    return result


def json_column(check: str) -> str | None:
    """The column a MariaDB ``json_valid(col)`` CHECK guards (its JSON column), if any."""
    found = _JSON_VALID.match(check)
    return found.group(1) if found else None
