"""Schema drift: what a live schema says that a spec no longer does.

Both sides are reduced to the same facts by the same code: the live schema goes through
``suggest_spec`` and ``resolve`` exactly like ``fauxdata init``, the spec through
``resolve``. Comparing resolved plans, not YAML, means a spec written by hand and one
written by ``init`` are judged alike, and a generator the user chose is never drift.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot

from fauxdata.spec import generators as g
from fauxdata.spec.plan import Plan, ResolvedTable

FK = tuple[tuple[str, ...], str, tuple[str, ...]]


@dataclass(frozen=True)
class ColumnFacts:
    type: str
    nullable: bool
    values: tuple[str, ...] | None
    """Allowed values when the generator is a choice (enum labels, CHECK IN lists)."""


@dataclass(frozen=True)
class TableFacts:
    columns: dict[str, ColumnFacts]
    primary_key: tuple[str, ...]
    unique: frozenset[tuple[str, ...]]
    foreign_keys: frozenset[FK]
    checks: frozenset[str]


@dataclass(frozen=True)
class Change:
    """One difference; ``was``/``now`` are None for additions and removals."""

    kind: str
    """table, column, type, nullability, values, primary key, unique, foreign key, check."""
    table: str
    column: str | None = None
    was: str | None = None
    now: str | None = None

    @property
    def sign(self) -> str:
        return "+" if self.was is None else "-" if self.now is None else "~"

    def __str__(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        if self.was is None:
            return f"+ {self.kind} {where}: {self.now}"
        if self.now is None:
            return f"- {self.kind} {where}: {self.was}"
        return f"~ {self.kind} {where}: {self.was} -> {self.now}"

    def as_dict(self) -> dict[str, object]:
        return {
            "change": {"+": "added", "-": "removed", "~": "changed"}[self.sign],
            "kind": self.kind,
            "table": self.table,
            "column": self.column,
            "was": self.was,
            "now": self.now,
        }


def facts(plan: Plan) -> dict[str, TableFacts]:
    """The schema facts a resolved plan states, table by table."""
    return {name: _table_facts(table, plan) for name, table in plan.tables.items()}


def _table_facts(table: ResolvedTable, plan: Plan) -> TableFacts:
    columns = {}
    for name, column in table.columns.items():
        gen = column.generator
        values = None
        if isinstance(gen, g.Choice):
            values = tuple(str(v) for v in gen.values)
        columns[name] = ColumnFacts(str(column.type), column.nullable, values)
    unique = set(table.unique)  # a column's own `unique: true` is a generation choice, not schema
    unique.discard(table.primary_key)
    composite = {c for fk in table.foreign_keys if len(fk.columns) > 1 for c in fk.columns}
    fks = {
        (fk.columns, fk.parent, fk.parent_columns)
        for fk in table.foreign_keys
        if len(fk.columns) > 1 or fk.columns[0] not in composite
    }
    checks = frozenset(_normal(c) for c in plan.spec.tables[table.name].checks)
    return TableFacts(columns, table.primary_key, frozenset(unique), frozenset(fks), checks)


def _normal(condition: str) -> str:
    try:
        return sqlglot.parse_one(condition, read="duckdb").sql(dialect="duckdb")
    except sqlglot.errors.ParseError:
        return condition


def compare(spec: dict[str, TableFacts], live: dict[str, TableFacts]) -> list[Change]:
    """Every way the live schema differs from the spec, tables in the live schema's order.

    A foreign key only the spec states is not drift when its columns and its parent's
    still exist: databases often leave keys undeclared, so it is a virtual foreign key
    (see ``virtual_foreign_keys``), the user's to keep.
    """
    changes: list[Change] = []
    for name, table in live.items():
        if name not in spec:
            changes.append(Change("table", name, now=f"{len(table.columns)} columns"))
    for name in spec:
        if name not in live:
            changes.append(Change("table", name, was=f"{len(spec[name].columns)} columns"))
    for name, now in live.items():
        if name in spec:
            changes.extend(_table_changes(name, spec[name], now, live))
    return changes


def virtual_foreign_keys(spec: dict[str, TableFacts], live: dict[str, TableFacts]) -> list[str]:
    """``table: (columns) -> parent(columns)`` for each foreign key the spec states and the
    database does not declare, over columns that exist on both sides."""
    return [
        f"{name}: {_fk(fk)}"
        for name, was in spec.items()
        if name in live
        for fk in sorted(was.foreign_keys - live[name].foreign_keys)
        if _virtual(name, fk, live)
    ]


def _virtual(name: str, fk: FK, live: dict[str, TableFacts]) -> bool:
    columns, parent, parent_columns = fk
    there = live.get(parent)
    return (
        there is not None
        and all(c in live[name].columns for c in columns)
        and all(c in there.columns for c in parent_columns)
    )


def _table_changes(
    name: str, was: TableFacts, now: TableFacts, live: dict[str, TableFacts]
) -> list[Change]:
    changes: list[Change] = []
    for cname, column in now.columns.items():
        if cname not in was.columns:
            changes.append(Change("column", name, cname, now=_describe(column)))
    for cname, column in was.columns.items():
        if cname not in now.columns:
            changes.append(Change("column", name, cname, was=_describe(column)))
    for cname, column in now.columns.items():
        old = was.columns.get(cname)
        if old is None:
            continue
        if old.type != column.type:
            changes.append(Change("type", name, cname, old.type, column.type))
        if old.nullable != column.nullable:
            changes.append(
                Change("nullability", name, cname, _null(old.nullable), _null(column.nullable))
            )
        if (
            old.values is not None
            and column.values is not None
            and set(old.values) != set(column.values)
        ):
            changes.append(
                Change("values", name, cname, ", ".join(old.values), ", ".join(column.values))
            )
    if was.primary_key != now.primary_key:
        changes.append(
            Change("primary key", name, was=_cols(was.primary_key), now=_cols(now.primary_key))
        )
    for key in sorted(now.unique - was.unique):
        changes.append(Change("unique", name, now=_cols(key)))
    for key in sorted(was.unique - now.unique):
        changes.append(Change("unique", name, was=_cols(key)))
    for fk in sorted(now.foreign_keys - was.foreign_keys):
        changes.append(Change("foreign key", name, now=_fk(fk)))
    for fk in sorted(was.foreign_keys - now.foreign_keys):
        if not _virtual(name, fk, live):
            changes.append(Change("foreign key", name, was=_fk(fk)))
    for check in sorted(now.checks - was.checks):
        changes.append(Change("check", name, now=check))
    for check in sorted(was.checks - now.checks):
        changes.append(Change("check", name, was=check))
    return changes


def _describe(column: ColumnFacts) -> str:
    return f"{column.type} {_null(column.nullable)}"


def _null(nullable: bool) -> str:
    return "NULL" if nullable else "NOT NULL"


def _cols(columns: tuple[str, ...]) -> str:
    return f"({', '.join(columns)})" if columns else "none"


def _fk(fk: FK) -> str:
    columns, parent, parent_columns = fk
    return f"{_cols(columns)} -> {parent}{_cols(parent_columns)}"
