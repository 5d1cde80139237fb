"""Suggest a generator for every column, from its type, its name and its constraints.

The result is a spec as round-trip YAML with a comment on each column saying why its
generator was chosen, so the user can edit it with confidence. Every suggestion fits
the column: varchar lengths, numeric precision, integer ranges, enum labels, CHECK and
partition bounds.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap

from fauxdata.introspect.checks import (
    SQLGLOT_DIALECTS,
    Rules,
    as_duckdb,
    partition_range,
    rules_for,
)
from fauxdata.introspect.exclusions import generator as range_generator
from fauxdata.introspect.exclusions import plan
from fauxdata.introspect.groups import PEOPLE, Part, context_parts, group_generator
from fauxdata.introspect.hierarchy import self_reference
from fauxdata.introspect.model import SourceColumn, SourceSchema, SourceTable
from fauxdata.introspect.roles import table_rows
from fauxdata.introspect.sample import Hints
from fauxdata.introspect.temporal import Order, temporal_order
from fauxdata.introspect.vocabulary import by_name, shares
from fauxdata.spec.types import INTEGER_BOUNDS

_NAMES: list[tuple[str, str, str]] = [
    (r"e_?mail", "email", "name looks like an email address"),
    (r"first_?name|given_?name|forename", "first_name", "name looks like a first name"),
    (r"last_?name|surname|family_?name", "last_name", "name looks like a last name"),
    (r"^(full_?)?name$|person_?name|contact_?name", "full_name", "name looks like a person's name"),
    (r"phone|mobile|tel", "phone", "name looks like a phone number"),
    (r"city|town", "city", "name looks like a city"),
    (r"country_?code|iso2", "country_code", "name looks like a country code"),
    (r"^country$", "country", "name looks like a country"),
    (r"zip|post_?code|postal", "postcode", "name looks like a postcode"),
    (r"street|address", "street_address", "name looks like a street address"),
    (r"company|employer|organi[sz]ation", "company", "name looks like a company"),
    (r"job|occupation|position", "job_title", "name looks like a job title"),
    (r"iban", "iban", "name looks like an IBAN"),
    (r"card_?(number|no)|credit_?card", "credit_card", "name looks like a card number"),
    (r"url|website|homepage", "url", "name looks like a URL"),
    (r"ip_?addr|^ip$|ipv4", "ipv4", "name looks like an IP address"),
    (r"user_?name|login|handle", "user_name", "name looks like a user name"),
    (r"state|province|region", "state", "name looks like a state or region"),
    (r"description|notes?|comment|bio|summary", "sentence", "name looks like free text"),
]
TEXT_TYPES = ("varchar", "text")
AS_TEXT = (
    "enum",
    "jsonb",
    "json",
    "array",
    "bytea",
    "interval",
    "inet",
    "tsvector",
    "time",
    "xml",
    "macaddr",
    "int4range",
    "int8range",
    "numrange",
    "daterange",
    "tsrange",
    "tstzrange",
    "geometry",
    "geography",
    "hstore",
)
"""Types generated as text literals that the destination database parses on load."""
NATIVE = (
    "smallint",
    "integer",
    "bigint",
    "date",
    "timestamp",
    "timestamptz",
    "uuid",
    "boolean",
    "text",
    "varchar",
    "float",
    "double",
    "numeric",
    "money",
)


def unsupported_columns(source: SourceSchema, tables: list[str] | None = None) -> list[str]:
    """``table.column (type)`` for every column whose type fauxdata has no generator for."""
    return [
        f"{t.name}.{c.name} ({c.type})"
        for t in source.tables.values()
        if tables is None or t.name in tables
        for c in t.columns.values()
        if c.type not in NATIVE and c.type not in AS_TEXT
    ]


def suggest_spec(
    source: SourceSchema,
    *,
    rows: int,
    name: str,
    tables: list[str] | None = None,
    mode: str = "mock-all",
    hints: dict[str, dict[str, Hints]] | None = None,
) -> CommentedMap:
    """A spec for the source's tables (``from-scratch``: the named ones plus their parents).

    ``rows`` is the scale: the rows of an ordinary entity table; lookups get fewer and
    event tables more (``roles.table_rows``), each with a comment saying why.
    """
    chosen = (
        _closure(source, tables)
        if mode == "from-scratch" and tables
        else (tables or list(source.tables))
    )
    spec = CommentedMap()
    spec["name"] = name
    spec["description"] = f"Mock data for {source.url}"
    spec["seed"] = 1
    spec["environment"] = "dev"
    spec["source"] = source.url
    if source.schema:
        spec["source_schema"] = source.schema
    sampled = max((h.rows for t in (hints or {}).values() for h in t.values()), default=0)
    if source.dialect == "rest":
        read = "fields inferred from one record per endpoint; no value was kept"
    elif hints is not None:
        read = (
            f"schema plus statistics of up to {sampled} sampled rows per table; no value was kept"
        )
    else:
        read = "schema only, no rows read"
    spec.yaml_set_comment_before_after_key(
        "name",
        before=f"Generated by `fauxdata init` from {source.url} ({read}).\nEdit freely: `fauxdata sync` keeps your generators and comments.",
    )
    out = CommentedMap()
    sizes = table_rows(source, rows)
    for tname in [t for t in source.tables if t in chosen]:
        count, why = sizes[tname]
        table = suggest_table(source, source.tables[tname], count, (hints or {}).get(tname))
        table.yaml_add_eol_comment(why, "rows")
        out[tname] = table
    spec["tables"] = out
    return spec


def _closure(source: SourceSchema, tables: list[str]) -> list[str]:
    wanted, stack = set(), list(tables)
    while stack:
        name = stack.pop()
        if name in wanted or name not in source.tables:
            continue
        wanted.add(name)
        stack.extend(fk.parent for fk in source.tables[name].foreign_keys)
    return list(wanted)


def suggest_table(
    source: SourceSchema,
    table: SourceTable,
    rows: int,
    hints: dict[str, Hints] | None = None,
) -> CommentedMap:
    out = CommentedMap()
    out["rows"] = _rows_that_fit(source, table, rows)
    if out["rows"] < rows:
        out.yaml_add_eol_comment(f"its key holds no more than {out['rows']} ids", "rows")
    if table.primary_key:
        out["primary_key"] = (
            table.primary_key[0] if len(table.primary_key) == 1 else list(table.primary_key)
        )
    if table.unique:
        out["unique"] = [u[0] if len(u) == 1 else list(u) for u in table.unique]
    composite = [fk for fk in table.foreign_keys if len(fk.columns) > 1]
    if composite:
        out["foreign_keys"] = [
            {
                "columns": fk.columns,
                "references": {"table": fk.parent, "columns": fk.parent_columns},
                **({"deferrable": True} if fk.deferrable else {}),
            }
            for fk in composite
        ]
    if table.partitions:
        out.yaml_set_comment_before_after_key(
            "rows", before=f"partitioned: {', '.join(p for p, _ in table.partitions)}", indent=4
        )
    checks, unreadable = table_checks(source, table)
    if checks:
        out["checks"] = checks
        out.yaml_set_comment_before_after_key(
            "checks", before="the source's CHECK constraints, verified after every run", indent=4
        )
    columns = CommentedMap()
    context = table_context(table)
    for cname, column in table.columns.items():
        spec, why = suggest_column(source, table, column, (hints or {}).get(cname), context)
        columns[cname] = spec
        columns.yaml_add_eol_comment(why, cname)
    for exclusion in table.exclusions:
        found = plan(exclusion, table)
        if found.ranges is not None and found.key is not None:
            kind = table.columns[found.ranges].type
            columns[found.ranges]["generator"] = range_generator(kind, found.key)
            columns.yaml_add_eol_comment(
                f"{exclusion.definition}: one range per {found.key}, each after the last, "
                "so none overlap",
                found.ranges,
            )
    out["columns"] = columns
    if unreadable:
        out.yaml_set_comment_before_after_key(
            "columns",
            before="CHECKs not verified (not readable as SQL): " + "; ".join(unreadable),
            indent=4,
        )
    return out


def _rows_that_fit(source: SourceSchema, table: SourceTable, rows: int) -> int:
    """At most as many rows as a single integer key can number from 1 (a MySQL
    TINYINT UNSIGNED key holds 255 ids), so a sequence never runs past its column."""
    if len(table.primary_key) != 1:
        return rows
    column = table.columns[table.primary_key[0]]
    if column.type not in INTEGER_BOUNDS:
        return rows
    high = rules_for(
        column.name, column.checks, SQLGLOT_DIALECTS.get(source.dialect, "postgres")
    ).high
    top = INTEGER_BOUNDS[column.type][1] if not isinstance(high, float) else math.floor(high)
    return max(1, min(rows, top))


def table_checks(source: SourceSchema, table: SourceTable) -> tuple[list[str], list[str]]:
    """The table's CHECKs (its columns' included) in DuckDB SQL, and those sqlglot cannot read."""
    good: list[str] = []
    bad: list[str] = []
    for text in [c for col in table.columns.values() for c in col.checks] + table.checks:
        converted = as_duckdb(text, source.dialect)
        if converted is None:
            bad.append(text)
        elif converted not in good:
            good.append(converted)
    return good, bad


def suggest_column(
    source: SourceSchema,
    table: SourceTable,
    column: SourceColumn,
    hints: Hints | None = None,
    context: TableContext | None = None,
) -> tuple[CommentedMap, str]:
    spec = CommentedMap()
    ctype, note = spec_type(column)
    if ctype:
        spec["type"] = ctype
    rules = column_rules(source, table, column)
    context = context or table_context(table)
    generator, why = _generator(source, table, column, rules, hints, context)
    spec["generator"] = generator
    in_key = column.name in table.primary_key or any(
        column.name in fk.columns for fk in table.foreign_keys
    )
    kind = generator.get("kind") if isinstance(generator, dict) else generator
    if column.nullable and column.name not in table.primary_key:  # SQLite: PKs say nullable
        spec["nullable"] = True
        order = context.order.get(column.name)
        if rules.null or rules.not_null:  # a CHECK's chosen branch decides
            spec["null_rate"] = 1.0 if rules.null else 0.0
        elif hints and hints.rows and not in_key and kind != "hierarchy":
            spec["null_rate"] = round(hints.null_rate, 3)
        elif kind == "after":
            spec["null_rate"] = order.null_share if order and not rules.after else 0.3
        elif not in_key and kind != "hierarchy":  # a hierarchy's roots are its NULLs
            spec["null_rate"] = 0.1
    if [column.name] in table.unique:
        spec["unique"] = True
    if column.type not in NATIVE and column.type not in AS_TEXT:
        if column.nullable:
            spec["null_rate"] = 1.0
            return spec, f"type '{column.type}' has no generator: left NULL until you give it one"
        return (
            spec,
            f"type '{column.type}' has no generator: replace this placeholder before loading",
        )
    return spec, why + (f"; {note}" if note else "")


def column_rules(source: SourceSchema, table: SourceTable, column: SourceColumn) -> Rules:
    """What the column's and the table's CHECKs say about one column."""
    nullable = {c.name for c in table.columns.values() if c.nullable} - set(table.primary_key)
    return rules_for(
        column.name,
        column.checks + table.checks,
        SQLGLOT_DIALECTS.get(source.dialect, "postgres"),
        nullable,
    )


def distinct_from(table: SourceTable, column: str, rules: Rules) -> str | None:
    """The column a foreign key must never equal (CHECK ``a <> b``), when this foreign key
    is the one to avoid it: the later of two foreign keys, or the only one."""
    other = rules.differs
    if other is None or other not in table.columns:
        return None
    leading = {fk.columns[0] for fk in table.foreign_keys if fk.parent != table.name}
    keys = [table.primary_key, *table.unique]
    if column not in leading or any(column in k and len(k) > 1 for k in keys):
        return None  # a composite key draws its columns jointly, by parent row
    order = list(table.columns)
    return other if other not in leading or order.index(other) < order.index(column) else None


def _from_sample(column: SourceColumn, table: SourceTable, hints: Hints) -> tuple[Any, str] | None:
    """A generator from sampled statistics, for a text column its name and type left open."""
    if column.type not in TEXT_TYPES or not hints.rows:
        return None
    seen = f"in a sample of {hints.rows} rows"
    if hints.looks_like:
        return hints.looks_like, f"values look like {hints.looks_like} addresses {seen}"
    if hints.shares and [column.name] not in table.unique:
        labels = [f"{column.name}_{i + 1}" for i in range(len(hints.shares))]
        if column.length and max(len(x) for x in labels) > column.length:
            labels = [chr(ord("A") + i) for i in range(len(hints.shares))]
        return {"kind": "choice", "values": labels, "weights": hints.shares}, (
            f"enum-like: {len(labels)} distinct values {seen}, at their shares; "
            "the labels are withheld (no value leaves the source): name them"
        )
    if hints.shape and [column.name] not in table.unique:  # a regex cannot promise uniqueness
        return {"kind": "regex", "pattern": hints.shape}, f"values follow this shape {seen}"
    return None


def spec_type(column: SourceColumn) -> tuple[str | None, str]:
    match column.type:
        case (
            "smallint"
            | "integer"
            | "bigint"
            | "date"
            | "timestamp"
            | "timestamptz"
            | "uuid"
            | "boolean"
            | "text"
        ):
            return column.type, ""
        case "float" | "double":
            return column.type, ""
        case "money":  # loaded as a number; read back through numeric, not '$1,234.56'
            return "decimal(19,2)", ""
        case "numeric":
            if column.precision is None:
                return "decimal(18,4)", "unconstrained numeric stored with 4 decimals"
            return f"decimal({column.precision},{column.scale or 0})", ""
        case "varchar":
            return (f"varchar({column.length})" if column.length else "text"), ""
        case _ if column.type in AS_TEXT:
            return "text", f"{column.type} written as text; the database parses it on load"
    return "text", f"unsupported type '{column.type}': a text placeholder, replace its generator"


@dataclass
class TableContext:
    """What a table's columns say together: context groups, temporal order, people."""

    parts: dict[str, Part]
    order: dict[str, Order]
    people: bool


def table_context(table: SourceTable) -> TableContext:
    """Keys and columns with their own CHECKs stay out of groups: those decide first."""
    keys = set(table.primary_key) | {c for fk in table.foreign_keys for c in fk.columns}
    keys |= {c.name for c in table.columns.values() if c.checks}
    return TableContext(
        context_parts(table, keys),
        temporal_order(table),
        bool(re.search(PEOPLE, table.name.lower())),
    )


def _tree(table: str, key: str) -> dict[str, Any]:
    return {"kind": "hierarchy", "references": f"{table}.{key}", "roots": 3, "span": 5}


def _generator(
    source: SourceSchema,
    table: SourceTable,
    column: SourceColumn,
    rules: Rules,
    hints: Hints | None,
    context: TableContext,
) -> tuple[Any, str]:
    """Keys, CHECKs and enums decide first; then self-references, context groups and
    temporal order; then a sample's statistics, if any; then the vocabulary of names,
    and last the plain fallback for the column's type."""
    name = column.name.lower()
    for fk in table.foreign_keys:
        if column.name in fk.columns:
            i = fk.columns.index(column.name)
            if len(fk.columns) > 1 and i > 0:
                return {
                    "kind": "lookup",
                    "column": f"{fk.columns[0]}.{fk.parent_columns[i]}",
                }, f"part of the composite key to {fk.parent}"
            if fk.parent == table.name:
                return _tree(fk.parent, fk.parent_columns[i]), "self-reference: a tree"
            pick: dict[str, Any] = {
                "kind": "foreign_key",
                "references": f"{fk.parent}.{fk.parent_columns[i]}",
                **({"deferrable": True} if fk.deferrable else {}),
            }
            why = f"foreign key to {fk.parent}" + (
                " (DEFERRABLE: checked at commit)" if fk.deferrable else ""
            )
            other = distinct_from(table, column.name, rules)
            if other is not None:
                pick["distinct_from"] = other
                why += f", never equal to {other} (CHECK)"
            return pick, why
    if column.type in ("geometry", "geography"):
        return _spatial(column)
    if rules.after:
        return {
            "kind": "after",
            "column": rules.after,
            "min_delay": "1d",
            "max_delay": "730d",
        }, f"CHECK: after {rules.after}"
    if rules.values is not None:
        values = rules.values
        if column.type in INTEGER_BOUNDS:  # sqlglot reads numbers as floats: 1.0 -> 1
            values = [int(v) if isinstance(v, float) and v.is_integer() else v for v in values]
        return {"kind": "choice", "values": values}, "CHECK lists the allowed values"
    if column.type == "enum":
        weights = shares(column.name, column.labels)
        if weights is not None:
            return {"kind": "choice", "values": column.labels, "weights": weights}, (
                "enum labels, at the shares usual for this name"
            )
        return {"kind": "choice", "values": column.labels}, "enum labels, equal shares"
    if column.name in table.primary_key and len(table.primary_key) == 1:
        key = _key(table, column)
        if key is not None:
            return key
    if column.identity and column.type in ("smallint", "integer", "bigint"):
        return "sequence", "identity column (the sequence is advanced past it on load)"
    own = self_reference(table, column.name)
    if own is not None:
        return _tree(table.name, own), f"named like a pointer to its own table: a tree over {own}"
    part = context.parts.get(column.name)
    if part is not None:
        others = sorted(
            p.column for p in context.parts.values() if (p.kind, p.group) == (part.kind, part.group)
        )
        why = f"{part.kind} group '{part.group}' ({', '.join(others)} agree in a row)"
        return group_generator(part, context.parts, table), why
    order = context.order.get(column.name)
    if order is not None:
        return {
            "kind": "after",
            "column": order.earlier,
            "min_delay": order.min_delay,
            "max_delay": order.max_delay,
        }, f"after {order.earlier}: the names order them ({order.chain})"
    sampled = _from_sample(column, table, hints) if hints is not None else None
    if sampled is not None:
        return sampled
    if [column.name] not in table.unique:
        named = by_name(column, table.name.lower(), context.people)
        if named is not None:
            return named
    if column.type in TEXT_TYPES:
        leaf = name.rsplit("__", 1)[-1]  # a flattened JSON path: home_address__country
        for pattern, kind, why in _NAMES:
            if re.search(pattern, leaf):
                if kind == "full_name" and leaf == "name" and not context.people:
                    break  # a bare "name" outside a table of people: a title, not a person
                return kind, why
    return _by_type(column, rules, name, source, table)


def _spatial(column: SourceColumn) -> tuple[Any, str]:
    """A PostGIS column's declared shape, dimensions and SRID (``geometry(Polygon,4326)``)."""
    generator: dict[str, Any] = {"kind": "geometry", "shape": column.geometry or "point"}
    generator["srid"] = column.srid or 0
    if column.dimensions != "xy":
        generator["dimensions"] = column.dimensions
    declared = f"{column.geometry or 'any'} geometry" + (
        f" in SRID {column.srid}" if column.srid else ""
    )
    return generator, f"{column.type}: a valid {declared}"


def _key(table: SourceTable, column: SourceColumn) -> tuple[Any, str] | None:
    if column.type in ("smallint", "integer", "bigint"):
        return "sequence", "integer primary key" + (
            " (identity: the sequence is advanced past it on load)" if column.identity else ""
        )
    if column.type == "uuid":
        return "uuid", "uuid primary key"
    if column.type in TEXT_TYPES and column.length is not None and column.length < 10:
        # Too short for PREFIX-digits: random codes of the full width, unique by permutation.
        return {
            "kind": "regex",
            "pattern": f"[A-Z0-9]{{{column.length}}}",
        }, f"text primary key of {column.length} characters as a unique code"
    if column.type in TEXT_TYPES:
        return _text_key(table, column), "text primary key as a formatted id"
    return None


def _text_key(table: SourceTable, column: SourceColumn) -> dict[str, Any]:
    """A formatted id that fits the column's width with room for many rows: ``CUS-000001``
    when six digits fit after the prefix, else bare digits (five or more), else hex digits
    (``char(2)`` holds 256 ids, ``char(4)`` 65,536), so no id is ever cut into a duplicate."""
    prefix = re.sub(r"[^A-Z]", "", table.name.rsplit(".", 1)[-1].upper())[:3] or "ID"
    length = column.length or 12
    if length - len(prefix) - 1 >= 6:
        return {
            "kind": "formatted_id",
            "format": f"{prefix}-{{:0{min(8, length - len(prefix) - 1)}d}}",
        }
    if length >= 5:
        return {"kind": "formatted_id", "format": f"{{:0{min(8, length)}d}}"}
    return {"kind": "formatted_id", "format": f"{{:0{length}x}}"}


def _by_type(
    column: SourceColumn, rules: Rules, name: str, source: SourceSchema, table: SourceTable
) -> tuple[Any, str]:
    match column.type:
        case "smallint" | "integer" | "bigint":
            low, high = INTEGER_BOUNDS[column.type]
            int_lo = _int_bound(rules.low, rules.low_strict, 1, up=True)
            # A unique integer with no bound of its own takes the type's range (up to 2^31),
            # so any row count a user forces later still has values to spare.
            unique = [column.name] in table.unique
            widest = min(high, 2**31 - 1) if unique else min(high, max(int_lo, 1000))
            int_hi = _int_bound(rules.high, rules.high_strict, widest, up=False)
            return {
                "kind": "uniform_int",
                "min": max(int_lo, low),
                "max": min(int_hi, high),
            }, ("unique integer" if unique else "integer") + (
                " within its CHECK" if rules.low is not None or rules.high is not None else ""
            )
        case "numeric" | "float" | "double":
            scale = column.scale if column.scale is not None else 2
            top = 10.0 ** ((column.precision or 10) - scale) - 10.0**-scale
            lo = (
                float(rules.low) + (10.0**-scale if rules.low_strict else 0)
                if isinstance(rules.low, float)
                else 0.0
            )
            hi = (
                float(rules.high) - (10.0**-scale if rules.high_strict else 0)
                if isinstance(rules.high, float)
                else min(top, 10_000.0 if lo < 10_000 else top)
            )
            if re.search(r"amount|price|salary|cost|total|revenue|value|budget", name) and lo >= 0:
                mid = max((lo + hi) / 4, lo + 1)
                return {
                    "kind": "lognormal",
                    "mu": round(math.log(mid), 3),
                    "sigma": 0.6,
                    "min": lo,
                    "max": hi,
                    "decimals": scale,
                }, "amount: right-skewed within the column's range"
            return {
                "kind": "uniform",
                "min": lo,
                "max": hi,
                "decimals": scale,
            }, "number within the column's precision and CHECKs"
        case "boolean":
            return {"kind": "boolean", "probability": 0.5}, "boolean"
        case "uuid":
            return "uuid", "uuid"
        case "date" | "timestamp" | "timestamptz":
            return _temporal(column, name, table, rules)
        case "varchar" | "text":
            limit = min(rules.max_length or column.length or 40, 40)
            if [column.name] in table.unique:
                return _text_key(table, column), "unique text as a formatted id that fits"
            if column.type == "text" and not column.length:
                return "sentence", "free text"
            return {
                "kind": "regex",
                "pattern": f"[A-Z][a-z]{{2,{max(2, limit - 1)}}}",
            }, f"text up to {limit} characters"
        case "jsonb" | "json":
            return {"kind": "constant", "value": '{"source": "fauxdata"}'}, "a fixed JSON document"
        case "array":
            item = (
                "[0-9]{1,4}"
                if column.array_of in ("integer", "bigint", "smallint")
                else "[a-z]{3,8}"
            )
            return {
                "kind": "regex",
                "pattern": f"\\{{{item}(,{item}){{0,3}}\\}}",
            }, f"array of {column.array_of} as a literal"
        case "bytea":
            return {"kind": "regex", "pattern": "\\\\x[0-9a-f]{32}"}, "16 random bytes"
        case "inet":
            return "ipv4", "inet address"
        case "interval":  # values PostgreSQL prints back as they were written
            return {
                "kind": "choice",
                "values": ["1 day", "2 days", "7 days", "14 days", "30 days", "90 days"],
            }, "an interval"
        case "time":
            return {"kind": "regex", "pattern": "(0[89]|1[0-7]):[0-5][0-9]:[0-5][0-9]"}, (
                "a time of day in office hours"
            )
        case "money":
            return {"kind": "uniform", "min": 0, "max": 1000, "decimals": 2}, "an amount of money"
        case "tsvector":
            return "sentence", "words for a text-search vector"
        case "xml":
            return {"kind": "constant", "value": "<note>fauxdata</note>"}, "a fixed XML document"
        case "hstore":
            return {
                "kind": "regex",
                "pattern": '"(source|kind|note)"=>"[a-z]{3,10}"',
            }, "a key-value pair as an hstore literal"
        case "macaddr":
            return {"kind": "regex", "pattern": "([0-9a-f]{2}:){5}[0-9a-f]{2}"}, "a MAC address"
        case "int4range" | "int8range" | "numrange":
            return {"kind": "regex", "pattern": "\\[[1-9][0-9]?,[1-9][0-9]{2}\\)"}, "a range"
        case "daterange" | "tsrange" | "tstzrange":
            return {
                "kind": "regex",
                "pattern": "\\[2024-0[1-6]-1[0-9],2024-1[0-2]-2[0-8]\\)",
            }, "a range of dates within 2024"
    return {"kind": "constant", "value": "?"}, f"no generator fits type '{column.type}'"


def _within_check(start: str, end: str, rules: Rules, whole_days: bool) -> tuple[str, str] | None:
    """The default [start, end] cut to a CHECK's date bounds (``hire_date >= '1996-07-01'``,
    ``birth_date <= now() - interval '18 years'``, read on the day init runs). A timestamp
    ends the day before its upper bound, which may be a moment on that day."""
    low, high = _day(rules.low), _day(rules.high)
    if low is None and high is None:
        return None
    if low is not None and rules.low_strict:
        low += dt.timedelta(days=1)
    if high is not None and (rules.high_strict or not whole_days):
        high -= dt.timedelta(days=1)
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    first, last = max(first, low or first), min(last, high or last)
    if first > last:  # the CHECK's window lies outside the default: take it, ten years at most
        decade = dt.timedelta(days=3652)
        first = low if low is not None else last - decade
        last = high if high is not None else first + decade
        first = min(first, last)
    return first.isoformat(), last.isoformat()


def _day(value: float | str | None) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _int_bound(value: float | str | None, strict: bool, default: int, *, up: bool) -> int:
    if not isinstance(value, float):
        return default
    if up:
        return math.floor(value) + 1 if strict else math.ceil(value)
    return math.ceil(value) - 1 if strict else math.floor(value)


def _temporal(column: SourceColumn, name: str, table: SourceTable, rules: Rules) -> tuple[Any, str]:
    start, end = "2015-01-01", "2025-12-31"
    why = "a date in the last decade"
    if re.search(r"birth|dob|born", name):
        start, end, why = "1950-01-01", "2005-12-31", "a birth date (adults)"
    bounded = _within_check(start, end, rules, column.type == "date")
    if bounded is not None:
        start, end = bounded
        why += f", within its CHECK ({start} to {end})"
    if table.partitions and table.primary_key and column.name in table.primary_key:
        found = partition_range([b for _, b in table.partitions])
        if found:
            start = found[0][:10]
            end = (dt.date.fromisoformat(found[1][:10]) - dt.timedelta(days=1)).isoformat()
            why = f"within the partitions' range [{found[0]}, {found[1]})"
    if column.type == "date":
        return {"kind": "date", "start": start, "end": end}, why
    gen: dict[str, Any] = {
        "kind": "timestamp",
        "start": f"{start}T00:00:00",
        "end": f"{end}T23:59:59",
    }
    if column.type == "timestamptz":
        gen["timezone"] = "UTC"
    return gen, why.replace("a date", "a time")
