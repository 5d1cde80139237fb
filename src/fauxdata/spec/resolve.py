"""Second phase: check references across the spec and produce an immutable plan.

``resolve`` is pure: it reads the validated spec and returns a ``Plan`` with tables in
dependency order, every column's type settled and the columns each one reads. All
problems are collected and raised together. Row counts of tables generated ``per``
parent are left at 0 here; the engine derives them from the parents' counts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from fauxdata.errors import Problem, SpecError, did_you_mean
from fauxdata.formula import FormulaError, compile_formula
from fauxdata.formula.types import column_type_of, formula_type
from fauxdata.spec import generators as g
from fauxdata.spec.expressions import result_type
from fauxdata.spec.limits import too_many_rows
from fauxdata.spec.models import Column, Spec, Table
from fauxdata.spec.ordering import column_order, table_order
from fauxdata.spec.plan import Plan, ResolvedColumn, ResolvedForeignKey, ResolvedPer, ResolvedTable
from fauxdata.spec.references import column_relations, is_key, per_column
from fauxdata.spec.relations import split_dotted
from fauxdata.spec.types import ColumnType, parse_type

__all__ = [
    "Plan",
    "ResolvedColumn",
    "ResolvedForeignKey",
    "ResolvedPer",
    "ResolvedTable",
    "natural_type",
    "resolve",
]


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
    warnings: list[Problem] = []
    if spec.reference_date is None:  # fixed now, so the manifest records it for --replay
        spec = spec.model_copy(update={"reference_date": dt.datetime.now(dt.UTC).date()})
    overrides = dict(rows or {})
    for name in overrides:
        if name not in spec.tables:
            problems.append(
                Problem(f"--rows {name}", f"no table '{name}'", did_you_mean(name, spec.tables))
            )
        elif (per := spec.tables[name].per) is not None:
            problems.append(
                Problem(
                    f"--rows {name}",
                    f"'{name}' is generated per {per.table}; its row count follows",
                    f"change the row count of {per.table} instead",
                )
            )
        elif reason := too_many_rows(overrides[name]):
            problems.append(Problem(f"--rows {name}", reason))
            overrides[name] = 0  # keeps resolving, so every other problem is reported too
    if scale <= 0 or not math.isfinite(scale):
        problems.append(Problem("--scale", f"scale must be a positive number; found {scale}"))
        scale = 1.0  # keeps resolving, so every other problem is reported too
    for name in tables or []:
        if name not in spec.tables:
            problems.append(
                Problem(f"--tables {name}", f"no table '{name}'", did_you_mean(name, spec.tables))
            )

    types = _infer_types(spec)
    resolved: dict[str, ResolvedTable] = {}
    for tname, table in spec.tables.items():
        n = overrides.get(tname, table.rows or 0)
        if tname not in overrides and scale != 1.0:
            scaled = n * scale
            if reason := too_many_rows(scaled):
                problems.append(Problem(f"--scale {scale:g}", f"tables.{tname}.rows: {reason}"))
                scaled = 0
            n = max(0, round(scaled))
        resolved[tname] = _resolve_table(spec, tname, table, n, types, problems, warnings)

    nullable = {
        (t, c): col.nullable for t, table in resolved.items() for c, col in table.columns.items()
    }
    order, resolved = table_order(resolved, nullable, problems)
    if problems:
        raise SpecError(problems)
    selected = tuple(name for name in order if not tables or name in tables)
    return Plan(
        spec=spec,
        seed=spec.seed if seed is None else seed,
        base_dir=base_dir or Path.cwd(),
        tables=MappingProxyType({name: resolved[name] for name in order}),
        selected=selected,
        row_overrides=MappingProxyType(overrides),
        scale=scale,
        warnings=tuple(warnings),
    )


def natural_type(gen: g.GeneratorSpec) -> ColumnType | None:
    """The type a generator produces when the column declares none (None: it follows another column)."""
    match gen:
        case (
            g.Sequence() | g.UniqueInt() | g.UniformInt() | g.Poisson() | g.Zipf() | g.ChildNumber()
        ):
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
        case g.Address(part="latitude" | "longitude"):
            return ColumnType("double")
        case g.Person(part="birth_date"):
            return ColumnType("date")
        case g.Person(part="age"):
            return ColumnType("smallint")
        case g.Json():
            return ColumnType("json")
        case g.Choice():
            return _value_type(gen.options()[0])
        case g.Constant():
            return _value_type([gen.value])
        case (
            g.ForeignKeyRef()
            | g.Hierarchy()
            | g.Lookup()
            | g.After()
            | g.Aggregate()
            | g.SqlExpression()
            | g.Synthesized()  # its model's type, set by fauxdata.synth.store.attach
            | g.FromSource()
        ):
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


def _infer_types(spec: Spec) -> dict[tuple[str, str], ColumnType]:
    """Declared types, else generator types; columns that follow others iterate to a fixpoint."""
    types: dict[tuple[str, str], ColumnType] = {}
    for _ in range(len(spec.tables) * 2 + 2):
        before = len(types)
        for tname, table in spec.tables.items():
            for cname, column in table.columns.items():
                found = _column_type(spec, tname, table, column, types)
                if found is not None:
                    types[(tname, cname)] = found
        if len(types) == before:
            break
    return types


def _column_type(
    spec: Spec, tname: str, table: Table, column: Column, known: dict[tuple[str, str], ColumnType]
) -> ColumnType | None:
    if column.type:
        return parse_type(column.type)
    gen = column.generator
    match gen:
        case g.ForeignKeyRef() | g.Hierarchy():
            return known.get((gen.table, gen.column))
        case g.Lookup():
            return _through(spec, table, gen.column, known)
        case g.After():
            if "." in gen.column:
                return _through(spec, table, gen.column, known)
            return known.get((tname, gen.column))
        case g.SqlExpression():
            inputs = {f: known.get((tname, f)) for f in gen.fields()}
            if any(t is None for t in inputs.values()):
                return None
            try:
                return result_type(gen.expression, inputs)  # type: ignore[arg-type]
            except ValueError:
                return None  # reported with its path by _resolve_table
        case g.Formula():
            return _formula_type(spec, tname, table, gen, known)
        case g.Aggregate():
            if gen.fn == "count":
                return ColumnType("bigint")
            if gen.fn == "mean":
                return ColumnType("double")
            child, col = split_dotted(gen.of)
            return known.get((child, col))
    return natural_type(gen)


def _through(
    spec: Spec, table: Table, dotted: str, known: dict[tuple[str, str], ColumnType]
) -> ColumnType | None:
    via, column = split_dotted(dotted)
    source = table.columns.get(via)
    if source is None or not isinstance(source.generator, g.ForeignKeyRef | g.Hierarchy):
        return None
    return known.get((source.generator.table, column))


_FAMILY = {
    "smallint": "int", "integer": "int", "bigint": "int", "float": "float", "double": "float",
    "decimal": "decimal", "text": "text", "varchar": "text", "uuid": "uuid", "boolean": "bool",
    "date": "date", "timestamp": "ts", "timestamptz": "ts", "json": "doc", "struct": "doc",
}  # fmt: skip
_CASTS = {
    "int": {"int", "float", "decimal", "text"},
    "float": {"float", "decimal"},
    "decimal": {"float", "decimal"},
    "text": {"text"},
    "uuid": {"uuid", "text"},
    "bool": {"bool", "text"},
    "date": {"date", "ts", "text"},
    "ts": {"ts", "text"},
    "doc": {"doc", "text"},
}


def _resolve_table(
    spec: Spec,
    tname: str,
    table: Table,
    n_rows: int,
    types: dict[tuple[str, str], ColumnType],
    problems: list[Problem],
    warnings: list[Problem],
) -> ResolvedTable:
    base = f"tables.{tname}"
    names = list(table.columns)
    columns: dict[str, ResolvedColumn] = {}
    for cname, column in table.columns.items():
        deps, parent = column_relations(spec, tname, table, cname, problems)
        declared = parse_type(column.type) if column.type else None
        inferred = _column_type(spec, tname, table, column.model_copy(update={"type": None}), types)
        if declared is not None and inferred is not None:
            _check_cast(f"{base}.columns.{cname}", column.generator, inferred, declared, problems)
        if isinstance(column.generator, g.SqlExpression) and all(
            f in table.columns for f in column.generator.fields()
        ):
            _check_expression(
                f"{base}.columns.{cname}.generator.expression",
                tname,
                column.generator,
                types,
                problems,
            )
        if isinstance(column.generator, g.Formula):
            _check_formula(
                f"{base}.columns.{cname}.generator.formula",
                spec,
                tname,
                table,
                column.generator,
                types,
                problems,
                warnings,
            )
        if isinstance(column.generator, g.After):
            found = declared or inferred
            if found is not None and not found.is_temporal:
                problems.append(
                    Problem(
                        f"{base}.columns.{cname}.generator.column",
                        f"'{column.generator.column}' is {found}; 'after' needs a date or timestamp",
                    )
                )
        columns[cname] = ResolvedColumn(
            cname, column, types.get((tname, cname)) or ColumnType("bigint"), deps, parent
        )

    _check_groups(base, table, problems)
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
        ResolvedForeignKey(
            (c.name,),
            c.parent[0],
            (c.parent[1],),
            deferrable=isinstance(c.spec.generator, g.ForeignKeyRef)
            and c.spec.generator.deferrable,
        )
        for c in columns.values()
        if c.parent is not None
    ]
    for i, fk in enumerate(table.foreign_keys):
        resolved_fk = _declared_fk(
            spec,
            f"{base}.foreign_keys.{i}",
            table,
            fk.column_list,
            fk.references.table,
            fk.references.column_list,
            problems,
        )
        if resolved_fk is None:
            continue
        resolved_fk = replace(resolved_fk, deferrable=fk.deferrable)
        same = [
            f for f in fks if f.columns == resolved_fk.columns and f.parent == resolved_fk.parent
        ]
        if not same:
            fks.append(resolved_fk)
        elif resolved_fk.deferrable:  # declared DEFERRABLE on the table, not on the column
            fks[fks.index(same[0])] = replace(same[0], deferrable=True)

    per = None
    per_col = per_column(spec, tname, table, problems)
    if per_col is not None and table.per is not None:
        per = ResolvedPer(table.per.table, per_col, table.per)

    return ResolvedTable(
        name=tname,
        rows=n_rows,
        columns=MappingProxyType(columns),
        evaluation_order=tuple(column_order(base, columns, problems)),
        primary_key=primary_key,
        unique=tuple(uniques),
        foreign_keys=tuple(fks),
        output_name=table.output or tname,
        per=per,
        checks=tuple(_checked_conditions(base, table, problems)),
    )


def _check_groups(base: str, table: Table, problems: list[Problem]) -> None:
    """The parts of one address or person group must share their settings to agree."""
    first: dict[tuple[str, str], tuple[str, tuple[object, ...]]] = {}
    for cname, column in table.columns.items():
        gen = column.generator
        if not isinstance(gen, g.Address | g.Person):
            continue
        key = (gen.kind, gen.group)
        if key not in first:
            first[key] = (cname, gen.setting())
        elif first[key][1] != gen.setting():
            problems.append(
                Problem(
                    f"{base}.columns.{cname}.generator",
                    f"this {gen.kind} part's settings differ from those of '{first[key][0]}' "
                    f"in the same group '{gen.group}'",
                    "give every part of a group the same settings (a YAML anchor helps), "
                    "or a different group",
                )
            )


def _checked_conditions(base: str, table: Table, problems: list[Problem]) -> list[str]:
    """The table's CHECK conditions that parse as DuckDB SQL over the table's own columns."""
    if not table.checks:
        return []
    import sqlglot  # 0.1 CPU-s to import: only for tables with CHECK conditions

    good = []
    for i, text in enumerate(table.checks):
        path = f"{base}.checks.{i}"
        try:
            mentioned = condition_columns(text)
        except sqlglot.errors.ParseError as exc:
            first = str(exc).splitlines()[0]
            problems.append(Problem(path, f"not a SQL condition: {first}", code="expression"))
            continue
        unknown = sorted(mentioned - set(table.columns))
        for name in unknown:
            problems.append(
                Problem(path, f"unknown column '{name}'", did_you_mean(name, list(table.columns)))
            )
        if not unknown:
            good.append(text)
    return good


@lru_cache(maxsize=8192)
def condition_columns(condition: str) -> frozenset[str]:
    """The columns a DuckDB condition names, parsed once: a large schema repeats its
    conditions (``amount >= 0``) over many tables.

    Raises:
        sqlglot.errors.ParseError: it is no SQL condition.
    """
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(condition, read="duckdb")
    return frozenset(c.name for c in tree.find_all(exp.Column))


def _formula_inputs(
    tname: str, table: Table, known: dict[tuple[str, str], ColumnType]
) -> dict[str, str]:
    return {c: formula_type(known[(tname, c)]) for c in table.columns if (tname, c) in known}


def _formula_type(
    spec: Spec, tname: str, table: Table, gen: g.Formula, known: dict[tuple[str, str], ColumnType]
) -> ColumnType | None:
    if any((tname, f) not in known for f in gen.fields() if f in table.columns):
        return None
    try:
        compiled = compile_formula(
            gen.formula, _formula_inputs(tname, table, known), spec.reference_date
        )
    except FormulaError:
        return None  # reported with its caret by _check_formula
    return column_type_of(compiled.type)


def _check_formula(
    path: str,
    spec: Spec,
    tname: str,
    table: Table,
    gen: g.Formula,
    types: dict[tuple[str, str], ColumnType],
    problems: list[Problem],
    warnings: list[Problem],
) -> None:
    inputs = _formula_inputs(tname, table, types)
    unknown_types = [f for f in gen.fields() if f in table.columns and f not in inputs]
    if unknown_types:
        return  # a column it reads has no type yet: that column's own problem is reported
    try:
        compiled = compile_formula(gen.formula, inputs, spec.reference_date)
    except FormulaError as exc:
        problems.append(Problem(path, _pointed(exc, gen.formula), code="formula"))
        return
    for warning in compiled.warnings:
        warnings.append(Problem(path, _pointed(warning, gen.formula), code="formula"))


def _pointed(exc: FormulaError, formula: str) -> str:
    """The message, its hint, then the formula with a caret under the spot."""
    hint = f" ({exc.hint})" if exc.hint else ""
    return f"{exc.message}{hint}\n{exc.caret(formula)}"


def _check_expression(
    path: str,
    tname: str,
    gen: g.SqlExpression,
    types: dict[tuple[str, str], ColumnType],
    problems: list[Problem],
) -> None:
    inputs = {f: types.get((tname, f)) for f in gen.fields()}
    if any(t is None for t in inputs.values()):
        return
    try:
        result_type(gen.expression, inputs)  # type: ignore[arg-type]
    except ValueError as exc:
        problems.append(
            Problem(path, str(exc), "check the column types the expression combines", "expression")
        )


def _check_cast(
    path: str,
    gen: g.GeneratorSpec,
    produced: ColumnType,
    declared: ColumnType,
    problems: list[Problem],
) -> None:
    have, want = _FAMILY[produced.name], _FAMILY[declared.name]
    if isinstance(gen, g.Formula) and have == "float" and want == "int":
        return  # formulas compute in numbers, like spreadsheets; whole results store as integers
    if want not in _CASTS[have]:
        problems.append(
            Problem(
                f"{path}.type",
                f"generator '{gen.kind}' makes {produced} values; found type '{declared}'",
                f"use a {produced.name} type or another generator",
                "type_mismatch",
            )
        )


def _declared_fk(
    spec: Spec,
    path: str,
    table: Table,
    columns: list[str],
    parent_name: str,
    parent_columns: list[str],
    problems: list[Problem],
) -> ResolvedForeignKey | None:
    """A foreign key declared on the table: each column must be filled from the parent's matching column."""
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
    if not is_key(parent, parent_columns):
        problems.append(
            Problem(
                f"{path}.references",
                f"{parent_name}.{','.join(parent_columns)} is neither a primary key nor unique",
                "a foreign key must reference a primary key or unique constraint",
                "not_a_key",
            )
        )
        return None
    if all(isinstance(table.columns[c].generator, g.FromSource) for c in columns):
        # read from a source and masked: the key mapping keeps the join (fauxdata mask)
        return ResolvedForeignKey(tuple(columns), parent_name, tuple(parent_columns))
    via = _composite_via(table, columns, parent_name, parent_columns)
    if via is None:
        first = columns[0]
        hint = (
            f"use {{kind: foreign_key, references: {parent_name}.{parent_columns[0]}}}"
            if len(columns) == 1
            else f"make one column a foreign_key to {parent_name} and the others {{kind: lookup, column: <that column>.<parent column>}}"
        )
        problems.append(
            Problem(
                f"tables.{path.split('.')[1]}.columns.{first}.generator",
                f"columns {', '.join(columns)} form a foreign key to {parent_name} but are not filled from it",
                hint,
                "fk_generator",
            )
        )
        return None
    return ResolvedForeignKey(tuple(columns), parent_name, tuple(parent_columns))


def _composite_via(
    table: Table, columns: list[str], parent: str, parent_columns: list[str]
) -> str | None:
    """The FK column that picks the parent row, when every column of the key follows it."""
    for anchor, anchor_parent_col in zip(columns, parent_columns, strict=True):
        gen = table.columns[anchor].generator
        if not (
            isinstance(gen, g.ForeignKeyRef)
            and gen.table == parent
            and gen.column == anchor_parent_col
        ):
            continue
        ok = True
        for col, parent_col in zip(columns, parent_columns, strict=True):
            if col == anchor:
                continue
            other = table.columns[col].generator
            ok = ok and isinstance(other, g.Lookup) and other.column == f"{anchor}.{parent_col}"
        if ok:
            return anchor
    return None
