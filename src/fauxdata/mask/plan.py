"""Which source columns a mask run reads, how it treats each, and the output plan.

Built before any row is read, so every spec problem stops the run first: a source
column the spec does not name (schema drift) unless ``--allow-passthrough`` lists it, a
spec column the source lacks, a mask that does not fit the column's type, a foreign
key whose mask differs from its parent's (the join would break).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType

import polars as pl
import pyarrow as pa

from fauxdata.errors import FauxdataError, Problem, SpecError
from fauxdata.mask.keys import MaskKey
from fauxdata.mask.masks import Mask, MaskContext, implementation
from fauxdata.mask.sources import Source
from fauxdata.spec.expressions import column_type
from fauxdata.spec.masks import Passthrough
from fauxdata.spec.models import Column
from fauxdata.spec.plan import Plan, ResolvedColumn
from fauxdata.spec.types import ColumnType, parse_type

_WIDTHS = {pl.Int8: "smallint", pl.Int16: "smallint", pl.Int32: "integer", pl.UInt8: "smallint"}


@dataclass
class TablePlan:
    """One ``mode: mask`` table: what to read, each column's mask, what to generate."""

    name: str
    read: list[str]
    """Source columns to read (masked ones, allowed drift, date_shift entities)."""
    masks: dict[str, Mask]
    """Output column -> its mask (source columns only)."""
    generated: list[str]
    """Columns the spec generates, in evaluation order."""
    output: list[str]
    """Output columns in order."""
    types: dict[str, ColumnType]
    drift: list[str] = field(default_factory=list)
    """Source columns the spec does not name, passed through by --allow-passthrough."""


def mask_tables(plan: Plan) -> list[str]:
    """The tables of a plan whose rows come from the source, in plan order."""
    return [n for n in plan.tables if plan.spec.tables[n].mode == "mask"]


def plan_masks(
    plan: Plan, source: Source, key: MaskKey, allow_passthrough: list[str]
) -> tuple[dict[str, TablePlan], Plan]:
    """A table plan per mask table, and the plan with their real column types.

    Raises:
        SpecError: every problem found, each with its path.
    """
    problems: list[Problem] = []
    found = source.schema().tables
    allowed = set(allow_passthrough)
    out: dict[str, TablePlan] = {}
    for name in mask_tables(plan):
        base = f"tables.{name}"
        if name not in found:
            problems.append(Problem(base, f"no table '{name}' in {source.label}"))
            continue
        table = plan.tables[name]
        spec_table = plan.spec.tables[name]
        source_cols = list(found[name].columns)
        masked = [c for c, col in spec_table.columns.items() if col.mask is not None]
        missing = [c for c in masked if c not in source_cols]
        for c in missing:
            problems.append(
                Problem(f"{base}.columns.{c}", f"column '{c}' is not in {source.label}.{name}")
            )
        new = [c for c in source_cols if c not in spec_table.columns]
        drift = [c for c in new if c in allowed or f"{name}.{c}" in allowed]
        unreviewed = [c for c in new if c not in drift]
        if unreviewed:
            problems.append(
                Problem(
                    base,
                    f"the source has columns the spec does not name: {', '.join(unreviewed)}",
                    "add them with a mask (fauxdata init --mode mock-or-mask writes one), or "
                    f"--allow-passthrough {','.join(f'{name}.{c}' for c in unreviewed)}",
                    code="schema_drift",
                )
            )
        if missing or unreviewed:
            continue
        read = [c for c in source_cols if c in masked or c in drift]
        arrow = source.arrow_schema(name, read)
        # not Schema.empty_table(): it imports pandas (0.3 CPU-s, a tenth of masking 1M rows)
        empty = pa.Table.from_batches([], schema=arrow)
        dtypes = dict(pl.from_arrow(empty).schema)  # type: ignore[union-attr]
        types: dict[str, ColumnType] = {}
        masks: dict[str, Mask] = {}
        for c in read:
            declared = spec_table.columns[c].type if c in spec_table.columns else None
            types[c] = parse_type(declared) if declared else _type_of(dtypes[c])
            spec = spec_table.columns[c].mask if c in spec_table.columns else None
            pii = spec_table.columns[c].pii if c in spec_table.columns else None
            ctx = MaskContext(key, name, c, types[c], plan.spec.locale, plan.base_dir, pii)
            mask_spec = spec if spec is not None else _PASSTHROUGH
            try:
                masks[c] = implementation(mask_spec.kind)(mask_spec, ctx)
                masks[c].check(dtypes[c])
            except FauxdataError as exc:
                problems.append(Problem(exc.path, exc.message, exc.hint))
                continue
            for dep in masks[c].dependencies():
                if dep not in read:
                    problems.append(
                        Problem(
                            f"{base}.columns.{c}.mask", f"entity '{dep}' is not a source column"
                        )
                    )
        generated = [c for c in table.evaluation_order if c not in masked]
        for c in generated:
            types[c] = table.columns[c].type
        output = list(spec_table.columns) + drift
        out[name] = TablePlan(name, read, masks, generated, output, types, drift)
    _check_joins(plan, out, problems)
    if problems:
        raise SpecError(problems)
    return out, _with_types(plan, out)


_PASSTHROUGH = Passthrough(kind="passthrough")


def _type_of(dtype: pl.DataType) -> ColumnType:
    for width, name in _WIDTHS.items():
        if dtype == width:
            return ColumnType(name)
    return column_type(dtype)


def _check_joins(plan: Plan, tables: dict[str, TablePlan], problems: list[Problem]) -> None:
    """Every foreign key maps like the key it references, or its joins would break."""
    for name, tp in tables.items():
        for fk in plan.tables[name].foreign_keys:
            for child, parent in zip(fk.columns, fk.parent_columns, strict=True):
                path = f"tables.{name}.columns.{child}.mask"
                if fk.parent not in tables:
                    problems.append(
                        Problem(path, f"references {fk.parent}, which is generated, not masked")
                    )
                    continue
                mine = tp.masks.get(child)
                theirs = tables[fk.parent].masks.get(parent)
                if mine is None or theirs is None:
                    problems.append(
                        Problem(path, f"foreign key to {fk.parent}.{parent} must be masked")
                    )
                elif mine.identity() != theirs.identity():
                    problems.append(
                        Problem(
                            path,
                            f"masks differently from {fk.parent}.{parent} "
                            f"({'/'.join(mine.identity()[:2])} vs {'/'.join(theirs.identity()[:2])}), "
                            "so the join would break",
                            "give both the same mask kind and domain (key for keys)",
                        )
                    )


def _with_types(plan: Plan, tables: dict[str, TablePlan]) -> Plan:
    updated = dict(plan.tables)
    for name, tp in tables.items():
        table = plan.tables[name]
        columns = {
            c: replace(table.columns[c], type=tp.types[c])
            if c in table.columns
            else ResolvedColumn(
                c, Column.model_validate({"mask": "passthrough", "nullable": True}), tp.types[c]
            )
            for c in tp.output
        }
        updated[name] = replace(table, columns=MappingProxyType(columns))
    return replace(plan, tables=MappingProxyType(updated))


def with_rows(plan: Plan, rows: dict[str, int]) -> Plan:
    """The plan with the row counts a run wrote (mask tables have no count of their own)."""
    updated = {n: replace(t, rows=rows[n]) if n in rows else t for n, t in plan.tables.items()}
    return replace(plan, tables=MappingProxyType(updated))
