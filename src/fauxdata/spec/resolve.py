"""Second phase: check references across the spec and produce an immutable plan.

``resolve`` is pure: it reads the validated spec and returns a ``Plan`` with tables in
dependency order, every column's type settled and the columns each one reads. All
problems are collected and raised together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from fauxdata.errors import Problem, SpecError, did_you_mean
from fauxdata.spec import generators as g
from fauxdata.spec.models import Column, Spec, Table
from fauxdata.spec.types import ColumnType, parse_type


@dataclass(frozen=True)
class ResolvedColumn:
    name: str
    spec: Column
    type: ColumnType
    depends_on: tuple[str, ...] = ()
    parent: tuple[str, str] | None = None

    @property
    def generator(self) -> g.GeneratorSpec:
        return self.spec.generator


@dataclass(frozen=True)
class ResolvedForeignKey:
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]

    def describe(self, table: str) -> str:
        return f"{table}.{','.join(self.columns)} -> {self.parent}.{','.join(self.parent_columns)}"


@dataclass(frozen=True)
class ResolvedTable:
    name: str
    rows: int
    columns: Mapping[str, ResolvedColumn]
    evaluation_order: tuple[str, ...]
    primary_key: tuple[str, ...]
    unique: tuple[tuple[str, ...], ...]
    foreign_keys: tuple[ResolvedForeignKey, ...]
    output_name: str

    def is_unique_key(self, columns: tuple[str, ...]) -> bool:
        """True when the columns form the primary key or a declared unique constraint."""
        if columns == self.primary_key or columns in self.unique:
            return True
        return len(columns) == 1 and self.columns[columns[0]].spec.unique


@dataclass(frozen=True)
class Plan:
    spec: Spec
    seed: int
    base_dir: Path
    tables: Mapping[str, ResolvedTable]
    selected: tuple[str, ...]
    row_overrides: Mapping[str, int] = field(default_factory=dict)
    scale: float = 1.0


def resolve(
    spec: Spec,
    *,
    seed: int | None = None,
    rows: Mapping[str, int] | None = None,
    scale: float = 1.0,
    tables: list[str] | None = None,
    base_dir: Path | None = None,
) -> Plan:
    """Check the spec's cross-references and build the plan the engine runs.

    Raises:
        SpecError: every cross-reference problem, each with its path.
    """
    problems: list[Problem] = []
    overrides = dict(rows or {})
    for name in overrides:
        if name not in spec.tables:
            problems.append(
                Problem(f"--rows {name}", f"no table '{name}'", did_you_mean(name, spec.tables))
            )
    if scale <= 0 or not math.isfinite(scale):
        problems.append(Problem("--scale", f"scale must be a positive number; found {scale}"))
    for name in tables or []:
        if name not in spec.tables:
            problems.append(
                Problem(f"--tables {name}", f"no table '{name}'", did_you_mean(name, spec.tables))
            )

    types: dict[tuple[str, str], ColumnType] = {}
    for _ in range(len(spec.tables) + 1):  # FK types flow from parents; iterate to a fixpoint
        for tname, table in spec.tables.items():
            for cname, column in table.columns.items():
                inferred = _column_type(spec, tname, cname, column, types)
                if inferred is not None:
                    types[(tname, cname)] = inferred

    resolved: dict[str, ResolvedTable] = {}
    for tname, table in spec.tables.items():
        n = overrides.get(tname, table.rows)
        n = max(0, round(n * scale)) if tname not in overrides else n
        resolved[tname] = _resolve_table(spec, tname, table, n, types, problems)

    order = _table_order(resolved, problems)
    if problems:
        raise SpecError(problems)
    ordered = {name: resolved[name] for name in order}
    selected = tuple(name for name in order if not tables or name in tables)
    return Plan(
        spec=spec,
        seed=spec.seed if seed is None else seed,
        base_dir=base_dir or Path.cwd(),
        tables=MappingProxyType(ordered),
        selected=selected,
        row_overrides=MappingProxyType(overrides),
        scale=scale,
    )


def natural_type(gen: g.GeneratorSpec) -> ColumnType | None:
    """The type a generator produces when the column declares none (None: ask the parent)."""
    match gen:
        case g.Sequence() | g.UniqueInt() | g.UniformInt() | g.Poisson() | g.Zipf():
            return ColumnType("bigint")
        case g.Uniform() | g.Normal() | g.Lognormal() | g.Exponential():
            return ColumnType("double")
        case g.Boolean():
            return ColumnType("boolean")
        case g.DateRange():
            return ColumnType("date")
        case g.TimestampRange():
            aware = gen.timezone is not None or gen.start.tzinfo is not None
            return ColumnType("timestamptz" if aware else "timestamp")
        case g.Uuid():
            return ColumnType("uuid")
        case g.Choice():
            return _value_type(gen.options()[0])
        case g.Constant():
            return _value_type([gen.value])
        case g.ForeignKeyRef():
            return None
        case _:
            return ColumnType("text")


def _value_type(values: list[object]) -> ColumnType:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return ColumnType("boolean")
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return ColumnType("bigint")
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return ColumnType("double")
    return ColumnType("text")


def _column_type(
    spec: Spec, tname: str, cname: str, column: Column, known: dict[tuple[str, str], ColumnType]
) -> ColumnType | None:
    if column.type:
        return parse_type(column.type)
    gen = column.generator
    if isinstance(gen, g.ForeignKeyRef):
        return known.get((gen.table, gen.column))
    return natural_type(gen)


_FAMILY = {
    "smallint": "int",
    "integer": "int",
    "bigint": "int",
    "float": "float",
    "double": "float",
    "decimal": "decimal",
    "text": "text",
    "varchar": "text",
    "uuid": "uuid",
    "boolean": "bool",
    "date": "date",
    "timestamp": "ts",
    "timestamptz": "ts",
}
_CASTS = {
    "int": {"int", "float", "decimal", "text"},
    "float": {"float", "decimal"},
    "decimal": {"float", "decimal"},
    "text": {"text"},
    "uuid": {"uuid", "text"},
    "bool": {"bool", "text"},
    "date": {"date", "ts", "text"},
    "ts": {"ts", "text"},
}


def _resolve_table(
    spec: Spec,
    tname: str,
    table: Table,
    n_rows: int,
    types: dict[tuple[str, str], ColumnType],
    problems: list[Problem],
) -> ResolvedTable:
    base = f"tables.{tname}"
    names = list(table.columns)
    columns: dict[str, ResolvedColumn] = {}
    for cname, column in table.columns.items():
        path = f"{base}.columns.{cname}"
        gen = column.generator
        deps: tuple[str, ...] = ()
        parent = None
        if isinstance(gen, g.Template):
            deps = tuple(gen.fields())
            for dep in deps:
                if dep not in table.columns:
                    problems.append(
                        Problem(
                            f"{path}.generator.template",
                            f"unknown column '{{{dep}}}' in template",
                            did_you_mean(dep, names) or f"columns of {tname}: {', '.join(names)}",
                        )
                    )
        elif isinstance(gen, g.ForeignKeyRef):
            parent = (gen.table, gen.column)
            _check_reference(spec, path, gen, problems)
        ctype = types.get((tname, cname))
        if ctype is None:
            ctype = ColumnType("bigint")
        elif column.type is not None:
            _check_cast(path, gen, ctype, types, problems)
        columns[cname] = ResolvedColumn(cname, column, ctype, deps, parent)

    primary_key = tuple(table.primary_key_columns)
    for col in primary_key:
        if col not in table.columns:
            problems.append(
                Problem(f"{base}.primary_key", f"unknown column '{col}'", did_you_mean(col, names))
            )
        elif table.columns[col].null_rate > 0 or table.columns[col].nullable:
            problems.append(
                Problem(f"{base}.columns.{col}", "a primary-key column cannot be nullable")
            )
    uniques = []
    for i, constraint in enumerate(table.unique_constraints):
        for col in constraint:
            if col not in table.columns:
                problems.append(
                    Problem(
                        f"{base}.unique.{i}", f"unknown column '{col}'", did_you_mean(col, names)
                    )
                )
        uniques.append(tuple(constraint))

    fks = [
        ResolvedForeignKey((cname,), c.parent[0], (c.parent[1],))
        for cname, c in columns.items()
        if c.parent is not None
    ]
    for i, fk in enumerate(table.foreign_keys):
        path = f"{base}.foreign_keys.{i}"
        resolved_fk = _declared_fk(
            spec,
            path,
            tname,
            table,
            fk.column_list,
            fk.references.table,
            fk.references.column_list,
            problems,
        )
        if resolved_fk and resolved_fk not in fks:
            fks.append(resolved_fk)

    order = _column_order(base, columns, problems)
    return ResolvedTable(
        name=tname,
        rows=n_rows,
        columns=MappingProxyType(columns),
        evaluation_order=tuple(order),
        primary_key=primary_key,
        unique=tuple(uniques),
        foreign_keys=tuple(fks),
        output_name=table.output or tname,
    )


def _check_cast(
    path: str,
    gen: g.GeneratorSpec,
    declared: ColumnType,
    types: dict[tuple[str, str], ColumnType],
    problems: list[Problem],
) -> None:
    produced = natural_type(gen)
    if isinstance(gen, g.ForeignKeyRef):
        produced = types.get((gen.table, gen.column))
    if produced is None:
        return
    have, want = _FAMILY[produced.name], _FAMILY[declared.name]
    if want not in _CASTS[have]:
        problems.append(
            Problem(
                f"{path}.type",
                f"generator '{gen.kind}' makes {produced} values; found type '{declared}'",
                f"use a {produced.name} type or another generator",
                "type_mismatch",
            )
        )


def _check_reference(spec: Spec, path: str, gen: g.ForeignKeyRef, problems: list[Problem]) -> None:
    where = f"{path}.generator.references"
    parent = spec.tables.get(gen.table)
    if parent is None:
        problems.append(
            Problem(
                where,
                f"unknown table '{gen.table}'",
                did_you_mean(gen.table, spec.tables),
                "unknown_table",
            )
        )
        return
    if gen.column not in parent.columns:
        problems.append(
            Problem(
                where,
                f"unknown column '{gen.column}' in table '{gen.table}'",
                did_you_mean(gen.column, parent.columns),
                "unknown_column",
            )
        )
        return
    if not _is_key(parent, [gen.column]):
        problems.append(
            Problem(
                where,
                f"'{gen.references}' is neither a primary key nor unique",
                "a foreign key must reference a primary key or a unique column",
                "not_a_key",
            )
        )


def _is_key(table: Table, columns: list[str]) -> bool:
    if table.primary_key_columns == columns or columns in table.unique_constraints:
        return True
    if len(columns) == 1:
        column = table.columns.get(columns[0])
        return column is not None and (
            column.unique
            or isinstance(column.generator, g.Sequence | g.FormattedId | g.Uuid | g.UniqueInt)
        )
    return False


def _declared_fk(
    spec: Spec,
    path: str,
    tname: str,
    table: Table,
    columns: list[str],
    parent_name: str,
    parent_columns: list[str],
    problems: list[Problem],
) -> ResolvedForeignKey | None:
    for col in columns:
        if col not in table.columns:
            problems.append(
                Problem(
                    f"{path}.columns", f"unknown column '{col}'", did_you_mean(col, table.columns)
                )
            )
            return None
    parent = spec.tables.get(parent_name)
    if parent is None:
        problems.append(
            Problem(
                f"{path}.references.table",
                f"unknown table '{parent_name}'",
                did_you_mean(parent_name, spec.tables),
            )
        )
        return None
    for col in parent_columns:
        if col not in parent.columns:
            problems.append(
                Problem(
                    f"{path}.references.columns",
                    f"unknown column '{col}' in table '{parent_name}'",
                    did_you_mean(col, parent.columns),
                )
            )
            return None
    if len(columns) != len(parent_columns):
        problems.append(
            Problem(
                path,
                f"{len(columns)} columns reference {len(parent_columns)} parent columns; expected the same number",
            )
        )
        return None
    if not _is_key(parent, parent_columns):
        problems.append(
            Problem(
                f"{path}.references",
                f"{parent_name}.{','.join(parent_columns)} is neither a primary key nor unique",
                "a foreign key must reference a primary key or unique constraint",
                "not_a_key",
            )
        )
        return None
    if len(columns) == 1:
        gen = table.columns[columns[0]].generator
        if not (
            isinstance(gen, g.ForeignKeyRef)
            and gen.table == parent_name
            and gen.column == parent_columns[0]
        ):
            problems.append(
                Problem(
                    f"tables.{tname}.columns.{columns[0]}.generator",
                    f"column is in a foreign key to {parent_name}.{parent_columns[0]} but its generator is '{gen.kind}'",
                    f"use {{kind: foreign_key, references: {parent_name}.{parent_columns[0]}}}",
                    "fk_generator",
                )
            )
            return None
    else:
        problems.append(
            Problem(
                path,
                "composite foreign keys are declared but not generated yet",
                "reference each column with kind: foreign_key, or wait for composite key support",
                "unsupported",
            )
        )
        return None
    return ResolvedForeignKey(tuple(columns), parent_name, tuple(parent_columns))


def _column_order(
    base: str, columns: dict[str, ResolvedColumn], problems: list[Problem]
) -> list[str]:
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


def _table_order(tables: dict[str, ResolvedTable], problems: list[Problem]) -> list[str]:
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, trail: list[tuple[str, ResolvedForeignKey | None]]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            start = [t for t, _ in trail].index(name)
            edges = trail[start:]
            text = " -> ".join(f"{t}.{fk.columns[0]}" for t, fk in edges if fk) + f" -> {name}"
            problems.append(
                Problem(
                    f"tables.{name}",
                    f"tables reference each other in a cycle: {text}",
                    "make one foreign key in the cycle nullable",
                    "cycle",
                )
            )
            return
        state[name] = 1
        for fk in tables[name].foreign_keys:
            if fk.parent != name and fk.parent in tables:
                visit(fk.parent, [*trail, (name, fk)])
        state[name] = 2
        order.append(name)

    for name in tables:
        visit(name, [])
    return order
