"""CHECKs no suggested generator holds: init names them with their table, columns and
reason, so a spec that cannot load is known before anything is generated.

A part of a CHECK (its conditions joined by AND) is held when one of the columns it
mentions reads it into its generator (bounds, values, ``after``, a chosen branch); a
``a <> b`` between columns is held only when one of them is a foreign key, which then
avoids the other's value (``distinct_from``).
"""

from __future__ import annotations

from dataclasses import dataclass

from fauxdata.introspect.checks import SQLGLOT_DIALECTS, check_parts
from fauxdata.introspect.model import SourceSchema, SourceTable
from fauxdata.introspect.suggest import column_rules, distinct_from


@dataclass(frozen=True)
class Unenforced:
    table: str
    columns: list[str]
    check: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table} ({', '.join(self.columns)}): CHECK {self.check}: {self.reason}"


def unenforced_checks(source: SourceSchema, tables: list[str] | None = None) -> list[Unenforced]:
    """Every CHECK part of the chosen tables that no suggested generator holds."""
    return [
        found
        for table in source.tables.values()
        if tables is None or table.name in tables
        for found in _table(source, table)
    ]


def _table(source: SourceSchema, table: SourceTable) -> list[Unenforced]:
    dialect = SQLGLOT_DIALECTS.get(source.dialect, "postgres")
    texts = list(dict.fromkeys([c for col in table.columns.values() for c in col.checks]))
    texts += [t for t in table.checks if t not in texts]
    if not texts:
        return []
    rules = {name: column_rules(source, table, col) for name, col in table.columns.items()}
    out: list[Unenforced] = []
    for text in texts:
        parts = check_parts(text, dialect)
        if parts is None:
            out.append(Unenforced(table.name, [], text, "sqlglot cannot read it"))
            continue
        for sql, names in parts:
            mentioned = [n for n in table.columns if n in names]
            if not mentioned:
                continue
            held = [n for n in mentioned if sql not in rules[n].unparsed]
            differs = [n for n in held if rules[n].differs in mentioned]
            if differs and not any(distinct_from(table, n, rules[n]) for n in differs):
                out.append(
                    Unenforced(
                        table.name,
                        mentioned,
                        sql,
                        "two columns that must differ and neither is a foreign key; "
                        "give one a generator whose values cannot meet the other's",
                    )
                )
            elif not held:
                out.append(
                    Unenforced(
                        table.name,
                        mentioned,
                        sql,
                        "no generator reads this form; the values may break it "
                        "(it is verified after every run)",
                    )
                )
    return out
