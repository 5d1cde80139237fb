"""The data dictionary: a spec described in words a reviewer reads.

``build(spec)`` resolves the spec (row counts after ``per`` layouts, inferred types,
keys, foreign keys) and describes every table and column: type, nullability, key role,
what fills it, enum values with their exact ratios, ranges, foreign keys, PII marks and
masks. Ratios come from the spec itself: a choice's weights, a boolean's probability,
and the branches of a random formula (``LET(r, RAND(), SWITCH(...))``, see
``formula.shares``); nothing is sampled. ``to_markdown`` and ``to_html`` render it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fauxdata.formula.shares import branch_shares
from fauxdata.spec import generators as g
from fauxdata.spec.models import Spec
from fauxdata.spec.plan import Plan, ResolvedColumn, ResolvedTable


@dataclass(frozen=True)
class ColumnEntry:
    name: str
    type: str
    nullable: bool
    null_rate: float
    key: str
    """"primary key", "unique", "part of the primary key", or empty."""
    filled_by: str
    """The generator in words."""
    values: tuple[tuple[str, float], ...] = ()
    """Enum values with their exact shares, where the spec fixes them."""
    range: str = ""
    references: str = ""
    pii: str = ""
    mask: str = ""
    description: str = ""


@dataclass(frozen=True)
class TableEntry:
    name: str
    rows: int
    rows_rule: str
    primary_key: tuple[str, ...]
    unique: tuple[tuple[str, ...], ...]
    foreign_keys: tuple[str, ...]
    checks: tuple[str, ...]
    description: str
    columns: tuple[ColumnEntry, ...]


@dataclass(frozen=True)
class Dictionary:
    name: str
    seed: int
    environment: str | None
    tables: tuple[TableEntry, ...] = field(default_factory=tuple)


def build(
    spec: Spec | str | Path | dict[str, Any],
    *,
    rows: Mapping[str, int] | None = None,
    scale: float = 1.0,
) -> Dictionary:
    """Describe a spec.

    Raises:
        SpecError: the spec is invalid (the same errors ``fauxdata check`` reports).
    """
    from fauxdata.run import check

    plan: Plan = check(spec, rows=rows, scale=scale)
    return Dictionary(
        name=plan.spec.name,
        seed=plan.seed,
        environment=plan.spec.environment,
        tables=tuple(_table(plan, t) for t in plan.tables.values()),
    )


def _table(plan: Plan, table: ResolvedTable) -> TableEntry:
    spec_table = plan.spec.tables[table.name]
    if table.per is not None:
        rows_rule = f"{_count(table.per.spec.count)} per {table.per.parent} row"
    elif table.name in plan.row_overrides:
        rows_rule = "set on the command line"
    else:
        rows_rule = "fixed" if plan.scale == 1.0 else f"scaled x{plan.scale:g}"
    return TableEntry(
        name=table.name,
        rows=table.rows,
        rows_rule=rows_rule,
        primary_key=table.primary_key,
        unique=table.unique,
        foreign_keys=tuple(fk.describe(table.name) for fk in table.foreign_keys),
        checks=table.checks,
        description=spec_table.description or "",
        columns=tuple(_column(table, c) for c in table.columns.values()),
    )


def _count(count: Any) -> str:
    bounds = []
    if getattr(count, "min", None) is not None:
        bounds.append(f"at least {count.min}")
    if getattr(count, "max", None) is not None and count.kind != "range":
        bounds.append(f"at most {count.max}")
    params = {k: v for k, v in count.model_dump(exclude_unset=True).items() if k != "kind"}
    text = f"{count.kind}({', '.join(f'{k}={v}' for k, v in params.items())})"
    return text + (f", {', '.join(bounds)}" if bounds and count.kind != "range" else "")


def _key(table: ResolvedTable, name: str) -> str:
    if table.primary_key == (name,):
        return "primary key"
    if name in table.primary_key:
        return "part of the primary key"
    if (name,) in table.unique or table.columns[name].spec.unique:
        return "unique"
    if any(name in u for u in table.unique):
        return "part of a unique constraint"
    return ""


def _column(table: ResolvedTable, column: ResolvedColumn) -> ColumnEntry:
    gen = column.generator
    values = _values(gen)
    mask = getattr(column.spec, "mask", None)
    return ColumnEntry(
        name=column.name,
        type=str(column.type),
        nullable=column.nullable,
        null_rate=column.spec.null_rate,
        key=_key(table, column.name),
        filled_by=describe(gen),
        values=tuple((str(v), share) for v, share in values),
        range=_range(gen),
        references=f"{column.parent[0]}.{column.parent[1]}" if column.parent else "",
        pii=column.spec.pii or "",
        mask=_mask(mask),
        description=column.spec.description or "",
    )


def _values(gen: g.GeneratorSpec) -> list[tuple[Any, float]]:
    match gen:
        case g.Choice():
            options, shares = gen.options()
            return list(zip(options, shares, strict=True))
        case g.Boolean():
            return [("true", gen.probability), ("false", 1 - gen.probability)]
        case g.Formula():
            return branch_shares(gen.formula) or []
    return []


def _range(gen: g.GeneratorSpec) -> str:
    low, high = getattr(gen, "min", None), getattr(gen, "max", None)
    start, end = getattr(gen, "start", None), getattr(gen, "end", None)
    if isinstance(gen, g.DateRange | g.TimestampRange):
        return f"{start} to {end}"
    if low is not None or high is not None:
        return f"{'' if low is None else low} to {'' if high is None else high}".strip()
    return ""


def _mask(mask: Any) -> str:
    if mask is None:
        return ""
    params = mask.model_dump(exclude_unset=True, mode="json") if hasattr(mask, "model_dump") else {}
    kind = params.pop("kind", str(mask))
    return kind + (f" ({_params(params)})" if params else "")


def _params(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())


def describe(gen: g.GeneratorSpec) -> str:
    """One phrase saying what fills a column."""
    match gen:
        case g.Sequence():
            return f"a sequence from {gen.start}, step {gen.step}"
        case g.FormattedId():
            return f"ids formatted as {gen.format}"
        case g.Uuid():
            return "deterministic UUIDs"
        case g.UniqueInt():
            return "distinct random integers"
        case g.Choice():
            return "one of a list of values" + (" (exact counts)" if gen.exact else "")
        case g.Boolean():
            return "true or false"
        case g.Formula():
            return f"the formula {gen.formula}"
        case g.SqlExpression():
            return f"the SQL expression {gen.expression}"
        case g.ForeignKeyRef():
            return f"a key of {gen.table}.{gen.column}, parents picked {gen.distribution.kind}"
        case g.Lookup():
            return f"looked up through {gen.column}"
        case g.After():
            return f"after {gen.column}"
        case g.Aggregate():
            return f"the {gen.fn} of {gen.of}"
        case g.Json():
            if gen.schema_file:
                return f"a JSON document following {gen.schema_file}"
            return f"a JSON document with members {', '.join(gen.fields or {})}"
        case g.FreeText():
            return f"{gen.style} texts mentioning {', '.join(gen.entities)}"
        case g.Address() | g.Person():
            article = "an" if gen.kind[0] in "aeiou" else "a"
            return f"the {gen.part} of {article} {gen.kind} context group"
    params = gen.model_dump(exclude_unset=True, mode="json")
    kind = params.pop("kind")
    return kind.replace("_", " ") + (f" ({_params(params)})" if params else "")


def to_markdown(d: Dictionary) -> str:
    lines = [f"# Data dictionary: {d.name}", ""]
    lines.append(
        f"Seed {d.seed}; environment {d.environment or 'not declared'}; "
        f"{len(d.tables)} tables, {sum(t.rows for t in d.tables):,} rows."
    )
    for t in d.tables:
        lines += ["", f"## {t.name}", ""]
        if t.description:
            lines += [t.description, ""]
        lines.append(f"- Rows: {t.rows:,} ({t.rows_rule})")
        if t.primary_key:
            lines.append(f"- Primary key: {', '.join(t.primary_key)}")
        for u in t.unique:
            lines.append(f"- Unique: {', '.join(u)}")
        for fk in t.foreign_keys:
            lines.append(f"- Foreign key: {fk}")
        for c in t.checks:
            lines.append(f"- Check: `{c}`")
        lines += [
            "",
            "| column | type | null | key | filled by | values and ratios | range | references | PII | mask |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for col in t.columns:
            lines.append(
                "| "
                + " | ".join(
                    _cell(x)
                    for x in (
                        col.name,
                        col.type,
                        _nulls(col),
                        col.key,
                        col.filled_by,
                        _ratios(col),
                        col.range,
                        col.references,
                        col.pii,
                        col.mask,
                    )
                )
                + " |"
            )
    return "\n".join(lines) + "\n"


def _nulls(col: ColumnEntry) -> str:
    if col.null_rate:
        return f"{col.null_rate:.0%} NULL"
    return "nullable" if col.nullable else "not null"


def _ratios(col: ColumnEntry) -> str:
    return ", ".join(f"{v} {share:.1%}" for v, share in col.values)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write(d: Dictionary, path: Path) -> None:
    """Write Markdown, or HTML for a ``.html`` path, atomically (a reader never sees half)."""
    text = to_html(d) if path.suffix.lower() in (".html", ".htm") else to_markdown(d)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def to_html(d: Dictionary) -> str:
    """One self-contained HTML page (the Markdown's content as tables)."""
    parts = [
        "<!doctype html><meta charset='utf-8'>",
        f"<title>Data dictionary: {html.escape(d.name)}</title>",
        "<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
        "th{background:#f3f3f3}</style>",
        f"<h1>Data dictionary: {html.escape(d.name)}</h1>",
        f"<p>Seed {d.seed}; environment {html.escape(d.environment or 'not declared')}.</p>",
    ]
    headers = ("column", "type", "null", "key", "filled by", "values and ratios", "range",
               "references", "PII", "mask")  # fmt: skip
    for t in d.tables:
        parts.append(f"<h2>{html.escape(t.name)}</h2>")
        facts = [f"Rows: {t.rows:,} ({t.rows_rule})"]
        if t.primary_key:
            facts.append(f"Primary key: {', '.join(t.primary_key)}")
        facts += [f"Unique: {', '.join(u)}" for u in t.unique]
        facts += [f"Foreign key: {fk}" for fk in t.foreign_keys]
        facts += [f"Check: {c}" for c in t.checks]
        parts.append("<ul>" + "".join(f"<li>{html.escape(f)}</li>" for f in facts) + "</ul>")
        parts.append("<table><tr>" + "".join(f"<th>{h}</th>" for h in headers) + "</tr>")
        for col in t.columns:
            cells = (col.name, col.type, _nulls(col), col.key, col.filled_by, _ratios(col),
                     col.range, col.references, col.pii, col.mask)  # fmt: skip
            parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    return "\n".join(parts) + "\n"
