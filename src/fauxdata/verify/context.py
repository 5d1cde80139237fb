"""What every check of one table works with, passed as one object instead of six
arguments threaded through each check function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from fauxdata.spec.plan import Plan, ResolvedTable
from fauxdata.verify.parents import Besides

Relation = Callable[[str], str | None]
"""Maps a table name to SQL reading it, or None when the output does not hold it."""

Counted = dict[tuple[str, str, str], list[int]]
"""Violation counts of a (table, relation, check) found by another table's pass: a
child's cardinality and its foreign key to the parent, by the parent's aggregates."""


@dataclass(frozen=True)
class Context:
    """One table under verification: the plan, the table, the DuckDB connection, the SQL
    reading this table (``rel``) and any table (``relation``), and the counts one table's
    pass found for another table's check (``counted``, shared by the whole run: a
    parent's aggregates count its children's cardinality), and the parent files read
    beside this table's chunks (``besides``, shared by the checks of its read)."""

    plan: Plan
    table: ResolvedTable
    con: duckdb.DuckDBPyConnection
    rel: str
    relation: Relation
    counted: Counted
    besides: Besides = field(default_factory=dict)


def declared_keys(table: ResolvedTable) -> list[tuple[str, tuple[str, ...]]]:
    """The table's keys that must not repeat, labelled: its primary key, then each
    unique set of columns and each unique column."""
    keys = [("Primary key", table.primary_key)] if table.primary_key else []
    keys += [("Unique", u) for u in table.unique]
    keys += [
        ("Unique", (c.name,))
        for c in table.columns.values()
        if c.spec.unique and (c.name,) not in table.unique and (c.name,) != table.primary_key
    ]
    return keys
