"""Source columns whose names a spec cannot hold (``Invoice No.``, R's ``Sepal.Length``).

A spec column name may be any printable text except ``. [ ] " ` `` (they would clash
with ``table.column`` references, ``[column]`` formulas and quoting). A source column
holding one keeps its place under a spec name with each such character made ``_``
(``Invoice No_``, ``Sepal_Length``), and the spec records where it came from with
``source_name``: masking reads the source column by that name, generating writes the
spec name. Keys, foreign keys and CHECKs that mention the column follow the rename.
"""

from __future__ import annotations

from typing import Any

from fauxdata.introspect.model import SourceSchema, SourceTable

FORBIDDEN = frozenset('.[]"`')
"""The characters a spec column name cannot hold (besides control characters)."""


def spec_column_name(name: str, taken: set[str]) -> str:
    """``name`` with each character a spec cannot hold made ``_``, unique among ``taken``."""
    cleaned = "".join("_" if c in FORBIDDEN or not c.isprintable() else c for c in name) or "_"
    out, n = cleaned, 2
    while out in taken:
        out, n = f"{cleaned}_{n}", n + 1
    return out


def rename_columns(
    schema: SourceSchema, values: dict[str, dict[str, list[Any]]] | None = None
) -> dict[str, dict[str, str]]:
    """Rename, in place, every column of ``schema`` (and of the sampled ``values``) that a
    spec cannot hold; return table -> {spec name: source name} for those renamed."""
    renamed: dict[str, dict[str, str]] = {}
    for table in schema.tables.values():
        names = _renames(table)
        if names:
            renamed[table.name] = {new: old for old, new in names.items()}
            _apply(table, names, (values or {}).get(table.name))
    for table in schema.tables.values():  # references to a renamed parent column
        for fk in table.foreign_keys:
            parent = {old: new for new, old in renamed.get(fk.parent, {}).items()}
            fk.parent_columns = [parent.get(c, c) for c in fk.parent_columns]
    return renamed


def _renames(table: SourceTable) -> dict[str, str]:
    bad = [c for c in table.columns if spec_column_name(c, set()) != c]
    taken = set(table.columns) - set(bad)
    names: dict[str, str] = {}
    for old in bad:
        names[old] = spec_column_name(old, taken)
        taken.add(names[old])
    return names


def _apply(table: SourceTable, names: dict[str, str], values: dict[str, list[Any]] | None) -> None:
    def new(column: str) -> str:
        return names.get(column, column)

    table.columns = {new(k): v for k, v in table.columns.items()}
    for old, name in names.items():
        table.columns[name].name = name
        if values is not None and old in values:
            values[name] = values.pop(old)
    table.primary_key = [new(c) for c in table.primary_key]
    table.unique = [[new(c) for c in u] for u in table.unique]
    for fk in table.foreign_keys:
        fk.columns = [new(c) for c in fk.columns]

    def requoted(sql: str) -> str:
        for old, name in names.items():
            sql = sql.replace(f'"{old}"', f'"{name}"').replace(f"`{old}`", f'"{name}"')
        return sql

    table.checks = [requoted(c) for c in table.checks]
    for column in table.columns.values():
        column.checks = [requoted(c) for c in column.checks]


def record_source_names(tables: Any, renamed: dict[str, dict[str, str]]) -> None:
    """Write ``source_name`` on each renamed column of a spec's ``tables`` mapping."""
    for table, names in renamed.items():
        columns = tables.get(table, {}).get("columns", {})
        for new, old in names.items():
            if new in columns:
                columns[new]["source_name"] = old
