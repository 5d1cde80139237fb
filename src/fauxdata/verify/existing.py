"""Verify data that already exists at a target (``fauxdata validate``).

Row counts depend on the run that made the data (seed, ``--rows``, ``--scale``,
``--tables``: tables generated per parent row have seed-dependent counts), so the run's
manifest is read when there is one, and options override it. A table or column the
spec declares but the data lacks is a failed check; data that cannot be read is a
``TargetError`` naming it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from fauxdata.engine.engine import Engine
from fauxdata.errors import FauxdataError, TargetError
from fauxdata.manifest import read_manifest
from fauxdata.run import plan_for
from fauxdata.sinks import parse_target
from fauxdata.sinks.duckdb_types import duckdb_type, quote
from fauxdata.sinks.target import Target
from fauxdata.spec import load_spec, spec_dir
from fauxdata.spec.plan import Plan, ResolvedTable
from fauxdata.verify.checks import verify
from fauxdata.verify.readers import Found, opened, unreadable
from fauxdata.verify.result import Check, Report


@dataclass(frozen=True)
class Validation:
    """What ``validate`` checked, and the run parameters it checked against."""

    report: Report
    target: Target
    plan: Plan
    manifest: Path | None
    """The manifest the seed and overrides came from, if any."""


def validate_target(
    spec: str | Path,
    data: str,
    *,
    seed: int | None = None,
    rows: Mapping[str, int] | None = None,
    scale: float | None = None,
    tables: list[str] | None = None,
) -> Validation:
    """Check the data at ``data`` against ``spec``. Seed, rows, scale and tables come
    from the data's manifest when it has one; the keyword options override them.

    Raises:
        SpecError: the spec (or an override) is invalid.
        TargetError: the data, its manifest or one of its files cannot be read.
    """
    target = _target(data)
    if not target.is_database and not target.path.exists():
        raise TargetError(f"no data at {target.path}", path="--data")
    if target.is_directory and not target.path.is_dir():
        raise TargetError(
            f"{target.path} is a file; {target.format}: data is the folder generate wrote",
            path="--data",
            hint=f"e.g. --data {target.format}:{target.path.parent}",
        )
    run = _recorded_run(target)
    loaded = load_spec(spec)
    if loaded.reference_date is None and run.reference_date:  # TODAY() as on the run's day
        loaded = loaded.model_copy(update={"reference_date": run.reference_date})
    plan = plan_for(
        loaded,
        seed=seed if seed is not None else run.seed,
        rows={**run.rows, **(rows or {})} or None,
        scale=scale if scale is not None else run.scale,
        tables=tables if tables is not None else run.tables,
        base_dir=spec_dir(spec),
    )
    plan = Engine(plan).plan  # row counts of tables generated per parent
    outputs = {name: run.outputs.get(name, plan.tables[name].output_name) for name in plan.selected}
    checks: list[Check] = []
    with opened(target, plan, outputs) as (con, found):

        def relation(t: str) -> str | None:
            seen = found.get(t)
            return _padded(plan.tables[t], seen) if seen is not None else None

        for name in plan.selected:
            table = plan.tables[name]
            here = found.get(name)
            missing = [c for c in table.columns if here is not None and c not in here.columns]
            if missing:
                checks.append(
                    Check(
                        f"Columns of {table.output_name} present",
                        "fail",
                        name,
                        f"missing from the data: {', '.join(missing)}",
                        len(missing),
                    )
                )
            try:
                checks.extend(verify(plan, con, relation, (name,)).checks)
            except (duckdb.Error, pa.ArrowException, OSError) as exc:
                raise unreadable(here.where if here else outputs[name], exc) from None
    absent = {
        plan.tables[n].output_name: {c for c in plan.tables[n].columns if c not in f.columns}
        for n, f in found.items()
    }
    return Validation(Report(_unverifiable(checks, absent)), target, plan, run.manifest)


def _target(data: str) -> Target:
    try:
        return parse_target(data)
    except TargetError as exc:
        raise type(exc)(exc.message, path="--data", hint=exc.hint) from None


@dataclass(frozen=True)
class _Run:
    """What a spec run's manifest says about how its data was made (empty without one)."""

    manifest: Path | None = None
    seed: int | None = None
    rows: dict[str, int] = field(default_factory=dict)
    scale: float = 1.0
    tables: list[str] | None = None
    reference_date: dt.date | None = None
    outputs: dict[str, str] = field(default_factory=dict)


def _recorded_run(target: Target) -> _Run:
    """The run manifest beside the data, if there is one and it is a spec run's.

    Raises:
        TargetError: the manifest cannot be read, or holds values no run writes.
    """
    path = target.manifest_path
    if not path.is_file():
        return _Run()
    try:
        manifest = read_manifest(path)
    except FauxdataError as exc:
        raise TargetError(
            exc.message,
            path="--data",
            hint="move the broken manifest aside; --seed, --rows, --scale and --tables "
            "then say how the data was made",
        ) from None
    if manifest.get("kind", "spec") != "spec":  # a scenario pack's: not from a spec
        return _Run()
    try:
        overrides = manifest.get("overrides") or {}
        spec = manifest.get("spec") or {}
        date = spec.get("reference_date")
        run = _Run(
            manifest=path,
            seed=_typed(manifest.get("seed"), int),
            rows={str(k): _typed(v, int) for k, v in (overrides.get("rows") or {}).items()},
            scale=float(_typed(overrides.get("scale") or 1.0, int | float)),
            tables=[str(t) for t in overrides.get("tables") or []] or None,
            reference_date=dt.date.fromisoformat(date) if date else None,
            outputs={
                str(name): str(t["output"])
                for name, t in (manifest.get("tables") or {}).items()
                if t.get("output")
            },
        )
    except (AttributeError, TypeError, ValueError) as exc:
        raise TargetError(
            f"manifest {path} holds values no run writes: {exc}",
            path="--data",
            hint="the manifest was edited: move it aside, then pass --seed, --rows, --scale "
            "and --tables",
        ) from None
    return run


def _typed(value: Any, kind: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"found {value!r} where a number belongs")
    return value


_COLUMNS_NAMED = re.compile(r"([A-Za-z_][\w$]*)\.([\w$]+(?:[+,][\w$]+)*)")
_CHECK_ON = re.compile(r"CHECK on ([\w$]+): (.*)", re.S)


def _unverifiable(checks: list[Check], absent: Mapping[str, set[str]]) -> list[Check]:
    """A check about a column the data lacks fails, saying so: it ran over the NULLs
    ``_padded`` put in its place, so its pass would mean nothing."""
    out = []
    for check in checks:
        lacking = sorted(
            f"{table}.{column}"
            for table, columns in _COLUMNS_NAMED.findall(check.name)
            for column in re.split(r"[+,]", columns)
            if column in absent.get(table, ())
        )
        condition = _CHECK_ON.match(check.name)
        if condition:
            table, sql = condition.groups()
            lacking += [
                f"{table}.{c}"
                for c in sorted(absent.get(table, ()))
                if re.search(rf"\b{re.escape(c)}\b", sql)
            ]
        if lacking and not check.name.startswith("Columns of "):
            check = Check(
                check.name,
                "fail",
                check.table,
                f"cannot check: {', '.join(lacking)} missing from the data",
            )
        out.append(check)
    return out


def _padded(table: ResolvedTable, found: Found) -> str:
    """The data with a typed NULL for each declared column it lacks, so every check still
    runs; the lack itself is reported by the "Columns present" check."""
    missing = [c for c in table.columns.values() if c.name not in found.columns]
    if not missing:
        return found.relation
    nulls = ", ".join(f"CAST(NULL AS {duckdb_type(c.type)}) AS {quote(c.name)}" for c in missing)
    return f"(SELECT *, {nulls} FROM {found.relation})"
