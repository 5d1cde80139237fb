"""Evaluation order of columns and load order of tables, with cycles found and explained."""

from __future__ import annotations

from dataclasses import replace

from fauxdata.errors import Problem
from fauxdata.spec.plan import ResolvedColumn, ResolvedForeignKey, ResolvedTable


def column_order(
    base: str, columns: dict[str, ResolvedColumn], problems: list[Problem]
) -> list[str]:
    """Columns after the columns they read; a cycle among them is a problem naming it."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = [*trail[trail.index(name) :], name]
            problems.append(
                Problem(
                    f"{base}.columns.{name}",
                    f"columns depend on each other in a cycle: {' -> '.join(cycle)}",
                    "break the cycle by generating one of them directly",
                    "cycle",
                )
            )
            return
        state[name] = 1
        for dep in columns[name].depends_on:
            if dep in columns:
                visit(dep, [*trail, name])
        state[name] = 2
        order.append(name)

    for name in columns:
        visit(name, [])
    return order


Edge = tuple[str, ResolvedForeignKey]


def table_order(
    tables: dict[str, ResolvedTable], nullable: dict[tuple[str, str], bool], problems: list[Problem]
) -> tuple[list[str], dict[str, ResolvedTable]]:
    """Parents before children. A cycle is broken at a nullable foreign key (marked
    ``deferred``: loaded NULL and filled by a second pass), else at a DEFERRABLE one
    (marked ``at_commit``: loaded in place, checked by the database at commit); a cycle
    with neither is a problem that names it and says how to fix it."""
    deferred: set[tuple[str, tuple[str, ...]]] = set()
    at_commit: set[tuple[str, tuple[str, ...]]] = set()
    while True:
        cycle = _find_cycle(tables, deferred | at_commit)
        if cycle is None:
            break
        breakable = [(t, fk) for t, fk in cycle if all(nullable[(t, c)] for c in fk.columns)]
        if breakable:
            table, fk = breakable[-1]
            deferred.add((table, fk.columns))
            continue
        checked_late = [(t, fk) for t, fk in cycle if fk.deferrable]
        if checked_late:
            table, fk = checked_late[-1]
            at_commit.add((table, fk.columns))
            continue
        text = " -> ".join(
            f"{t}.{','.join(fk.columns)} -> {fk.parent}.{','.join(fk.parent_columns)}"
            for t, fk in cycle
        )
        problems.append(
            Problem(
                f"tables.{cycle[0][0]}",
                f"tables reference each other in a cycle: {text}",
                "mark one foreign key in the cycle nullable (null_rate or nullable: true), "
                "or declare one DEFERRABLE in the database and set deferrable: true on it",
                "cycle",
            )
        )
        table, fk = cycle[0]
        deferred.add((table, fk.columns))
    updated = {
        name: replace(
            t,
            foreign_keys=tuple(
                replace(
                    fk,
                    deferred=(name, fk.columns) in deferred,
                    at_commit=(name, fk.columns) in at_commit,
                )
                for fk in t.foreign_keys
            ),
        )
        for name, t in tables.items()
    }
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for fk in updated[name].foreign_keys:
            if not (fk.deferred or fk.at_commit) and fk.parent != name and fk.parent in updated:
                visit(fk.parent)
        per = updated[name].per
        if per is not None and per.parent in updated:
            visit(per.parent)
        order.append(name)

    for name in updated:
        visit(name)
    return order, updated


def _find_cycle(
    tables: dict[str, ResolvedTable], deferred: set[tuple[str, tuple[str, ...]]]
) -> list[Edge] | None:
    state: dict[str, int] = {}

    def visit(name: str, trail: list[Edge]) -> list[Edge] | None:
        state[name] = 1
        for fk in tables[name].foreign_keys:
            if fk.parent == name or fk.parent not in tables or (name, fk.columns) in deferred:
                continue
            if state.get(fk.parent) == 1:
                start = next(i for i, (t, _) in enumerate([*trail, (name, fk)]) if t == fk.parent)
                return [*trail, (name, fk)][start:]
            if state.get(fk.parent) is None:
                found = visit(fk.parent, [*trail, (name, fk)])
                if found:
                    return found
        state[name] = 2
        return None

    for name in tables:
        if state.get(name) is None:
            found = visit(name, [])
            if found:
                return found
    return None
