"""Extract a source's metadata, find its personal data, and turn both into a spec.

One path for REST APIs and databases: read the schema (REST: a few records per
endpoint, held in memory for the type inference and the PII scanner and then dropped), scan names and that sample for
PII, suggest a generator per column, put a mocker on every PII column and mark it
``pii: <category>``. The result feeds ``fauxdata init`` (a spec) and the ``mock``
workflow (a template: spec plus metadata).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from fauxdata.audit import now_utc
from fauxdata.errors import FauxdataError, did_you_mean
from fauxdata.introspect.api import InferredKey
from fauxdata.introspect.model import SourceSchema, SourceTable
from fauxdata.introspect.source import is_reference, resolve_url
from fauxdata.pii import Finding, scan_schema
from fauxdata.project import Source
from fauxdata.sinks.bronze import bronze_table_name
from fauxdata.spec.yaml_io import dump_yaml

DEFAULT_ROWS = 100


@dataclass
class Extraction:
    source: Source
    schema: SourceSchema
    findings: list[Finding]
    inferred_keys: list[InferredKey] = field(default_factory=list)
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    """REST: per table, the endpoint and JSON paths it came from."""
    observed: dict[str, set[str]] = field(default_factory=dict)
    """REST: per table, the columns the sampled records filled (no value is kept)."""

    def pii(self, table: str, column: str) -> Finding | None:
        return next((f for f in self.findings if (f.table, f.column) == (table, column)), None)


REST_SAMPLE = 20
"""Records read per REST endpoint by default: enough to see optional fields and varying
values, few enough for any API's rate limit."""


def extract(source: Source, *, sample: int | None = None, timeout: float = 10.0) -> Extraction:
    """Read the source's schema and scan it for PII (names always; values of the REST
    records, ``sample`` per endpoint (default ``REST_SAMPLE``), or of up to ``sample``
    database rows when allowed, default none). No value is returned."""
    if source.type == "rest":
        return _extract_api(source, timeout, REST_SAMPLE if sample is None else max(1, sample))
    from fauxdata.introspect.reflect import read_schema
    from fauxdata.introspect.sample import read_sample

    schema = read_schema(source.url, schema=source.schema, tables=source.tables)
    values = read_sample(schema, source.url, sample) if sample else None
    return Extraction(source, schema, scan_schema(schema, values))


def _extract_api(source: Source, timeout: float, records: int) -> Extraction:
    from fauxdata.introspect.api import read_api

    if not source.endpoints:
        raise FauxdataError(
            f"source '{source.name}' lists no endpoints",
            path=f"{source.found_in}.endpoints" if "sources." in source.found_in else "--endpoint",
            hint="name at least one, e.g. --endpoint /employee",
        )
    found = read_api(
        source.url,
        source.endpoints,
        token=resolve_url(source.token, "--token", "the API token") if source.token else None,
        params=source.params or None,
        timeout=timeout,
        records=records,
    )
    findings = scan_schema(found.schema, found.samples)
    observed = {
        table: {c for c, values in columns.items() if any(v is not None for v in values)}
        for table, columns in found.samples.items()
    }
    keys = list(found.inferred_foreign_keys)
    entities = {
        name: {
            "endpoint": e.endpoint,
            "record_path": e.record_path,
            "parent": e.parent,
            "fields": dict(e.fields),
        }
        for name, e in found.entities.items()
    }
    schema = found.schema
    del found  # the sampled records go no further than the scanner
    return Extraction(source, schema, findings, keys, entities, observed)


def without_inferred_keys(extraction: Extraction) -> Extraction:
    """The extraction with the guessed foreign keys dropped (the user declined them)."""
    schema = copy.deepcopy(extraction.schema)
    dropped = {(k.table, k.column) for k in extraction.inferred_keys}
    for table in schema.tables.values():
        table.foreign_keys = [
            fk
            for fk in table.foreign_keys
            if not (len(fk.columns) == 1 and (table.name, fk.columns[0]) in dropped)
        ]
    return replace(extraction, schema=schema, inferred_keys=[])


def review_pii(
    extraction: Extraction, decisions: Mapping[tuple[str, str], str | None]
) -> Extraction:
    """The extraction with the user's PII decisions: per (table, column) a category (kept,
    changed, or added to a column the scanner missed) or None (not PII). A changed
    category changes the column's mocker.

    Raises:
        FauxdataError: an unknown column or category, naming the closest.
    """
    from fauxdata.pii.categories import CATEGORIES

    tables = extraction.schema.tables
    for (tname, cname), category in decisions.items():
        if tname not in tables or cname not in tables[tname].columns:
            known = [f"{t}.{c}" for t, table in tables.items() for c in table.columns]
            raise FauxdataError(
                f"no column {tname}.{cname} in the extracted schema",
                path="--pii",
                hint=did_you_mean(f"{tname}.{cname}", known) or "write --pii TABLE.COLUMN=CATEGORY",
            )
        if category is not None and category not in CATEGORIES:
            raise FauxdataError(
                f"unknown PII category '{category}' for {tname}.{cname}",
                path="--pii",
                hint=did_you_mean(category, list(CATEGORIES))
                or f"categories: {', '.join(CATEGORIES)}, or none",
            )
    findings: list[Finding] = []
    for finding in extraction.findings:
        key = (finding.table, finding.column)
        if key not in decisions:
            findings.append(finding)
        elif decisions[key] == finding.category:
            findings.append(replace(finding, evidence=f"{finding.evidence}; confirmed"))
        elif (category := decisions[key]) is not None:
            evidence = f"{finding.evidence}; category {finding.category} changed to {category}"
            findings.append(replace(finding, category=category, evidence=evidence, variant=None))
    flagged = {(f.table, f.column) for f in extraction.findings}
    for (tname, cname), category in decisions.items():
        if category is not None and (tname, cname) not in flagged:
            findings.append(Finding(tname, cname, category, "marked by the user", 1.0, "name"))
    return replace(extraction, findings=findings)


@dataclass
class Merged:
    """A re-extraction merged into the live spec, as ``sync`` would: what it said."""

    text: str
    changes: list[str]
    replaced: list[str]


def merge_spec(spec_path: Path, extraction: Extraction, rows: Mapping[str, int]) -> Merged:
    """The live spec brought in line with a new extraction, keeping the user's generators
    and comments (``introspect.sync``); new columns get the extraction's mockers and PII
    marks, new tables their default row counts.

    Raises:
        SpecError: the merged spec does not resolve.
    """
    from fauxdata.introspect.sync import apply
    from fauxdata.spec.yaml_io import round_trip

    before = round_trip().load(spec_path.read_text())
    had = {(t, c) for t, table in before["tables"].items() for c in table["columns"]}
    result = apply(spec_path, extraction.schema, rows=DEFAULT_ROWS)
    doc = round_trip().load(result.text or "")
    new = {
        (t, c) for t, table in doc["tables"].items() for c in table["columns"] if (t, c) not in had
    }
    for tname, table in doc["tables"].items():
        if tname not in before["tables"]:
            table["rows"] = int(rows.get(tname, DEFAULT_ROWS))
        for cname, column in table["columns"].items():
            if (tname, cname) in new and cname in extraction.observed.get(tname, set()):
                column.pop("null_rate", None)
    fresh = [f for f in extraction.findings if (f.table, f.column) in new]
    apply_findings(doc, extraction.schema, fresh)
    return Merged(dump_yaml(doc), [str(c) for c in result.changes], list(result.replaced))


def build_spec(
    extraction: Extraction, rows: Mapping[str, int], seed: int, *, scale: int = DEFAULT_ROWS
) -> CommentedMap:
    """The spec: suggested generators, a mocker and a ``pii:`` mark on each PII column.

    Tables in ``rows`` get that many rows; the others follow their role at ``scale``.
    """
    from fauxdata.introspect.suggest import suggest_spec

    source = extraction.source
    spec = suggest_spec(extraction.schema, rows=scale, name=_identifier(source.name))
    spec["seed"] = seed
    if source.type == "rest":
        spec["description"] = f"Mock data for the {source.name} API ({source.url})"
    for tname, table in spec["tables"].items():
        if tname in rows:
            table["rows"] = int(rows[tname])
            table.yaml_add_eol_comment("rows as asked", "rows")
        if source.type == "rest":
            for cname, column in table["columns"].items():
                if cname in extraction.observed.get(tname, set()):
                    column.pop("null_rate", None)  # the record had a value: no NULLs unless asked
    apply_findings(spec, extraction.schema, extraction.findings)
    return spec


def apply_findings(spec: CommentedMap, schema: SourceSchema, findings: list[Finding]) -> None:
    """Mark each PII column ``pii: <category>`` and give it a mocker (keys keep theirs),
    with the evidence as the column's comment."""
    for finding in findings:
        table = spec["tables"].get(finding.table)
        if table is None or finding.column not in table["columns"]:
            continue
        column = table["columns"][finding.column]
        source_table = schema.tables[finding.table]
        keys = set(source_table.primary_key) | {
            c for fk in source_table.foreign_keys for c in fk.columns
        }
        column["pii"] = finding.category
        why = f"PII {finding.category} ({finding.confidence:.0%}): {finding.evidence}"
        generator = finding.mocker(column.get("type"))
        current = column.get("generator")
        if finding.column in keys:
            why += "; a key, so it keeps its key generator"
        elif isinstance(current, dict) and current.get("kind") in ("address", "person"):
            why += f"; mocked as part of the {current['kind']} group, so it agrees with its row"
        elif column.get("unique") and generator.get("kind") not in _UNIQUE_MOCKERS:
            why += "; unique, so it keeps a generator that guarantees it"
        elif _listed_by_schema(source_table, finding.column):
            why += "; its values are listed by the schema (enum or CHECK), so it keeps them"
        elif _bounded_by_check(source_table, finding.column):
            why += "; a CHECK bounds it, so it keeps the generator held within the CHECK"
        elif source_table.columns[finding.column].type in _STRUCTURED:
            why += "; its type has a syntax a mocker's text would break, so it keeps its generator"
        else:
            column["generator"] = generator
            why += "; mocked"
        table["columns"].yaml_add_eol_comment(why, finding.column)


def _bounded_by_check(table: SourceTable, name: str) -> bool:
    """A date or number with CHECKs of its own (``birth_date <= now() - interval '18
    years'``): init's generator holds it within them, a mocker's range might not."""
    column = table.columns.get(name)
    return (
        column is not None
        and bool(column.checks)
        and column.type
        in ("date", "timestamp", "timestamptz", "smallint", "integer", "bigint", "numeric")
    )


def _listed_by_schema(table: SourceTable, name: str) -> bool:
    """True when the schema lists the column's values (an enum, a SET, a CHECK IN list):
    a mocker's values (``female``) would break the constraint (``ENUM('M','F')``)."""
    column = table.columns.get(name)
    return column is not None and (
        column.type == "enum"
        or any(" IN " in c.upper() or "ANY" in c.upper() for c in column.checks)
    )


_STRUCTURED = {
    "inet", "macaddr", "uuid", "json", "jsonb", "xml", "array", "bytea", "interval",
    "tsvector", "int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange",
    "geometry", "geography", "hstore",
}  # fmt: skip
"""Types whose values must parse (an ``inet`` column named ``addr`` takes no street)."""

_UNIQUE_MOCKERS = {"email", "user_name", "credit_card", "national_id", "ipv4"}
"""Mockers whose domain is enumerated (``unique: true`` works) and large enough for any
table a source is likely to hold."""


def metadata(extraction: Extraction, rows: Mapping[str, int], seed: int) -> dict[str, Any]:
    """The template's metadata document: the schema, PII flags and keys; no value, no secret."""
    source = extraction.source
    schema = extraction.schema
    entities: dict[str, Any] = {}
    for tname, table in schema.tables.items():
        parents = {
            fk.columns[0]: f"{fk.parent}.{fk.parent_columns[0]}"
            for fk in table.foreign_keys
            if len(fk.columns) == 1
        }
        info = extraction.entities.get(tname, {})
        paths = {column: path for path, column in info.get("fields", {}).items()}
        fields = []
        for cname, column in table.columns.items():
            finding = extraction.pii(tname, cname)
            fields.append(
                {
                    "name": cname,
                    **({"source_field": paths[cname]} if cname in paths else {}),
                    "type": _type_text(column),
                    "nullable": column.nullable,
                    "primary_key": cname in table.primary_key,
                    **({"foreign_key": parents[cname]} if cname in parents else {}),
                    "pii": finding.category if finding else None,
                    **(
                        {"pii_evidence": finding.evidence, "pii_confidence": finding.confidence}
                        if finding
                        else {}
                    ),
                }
            )
        entities[tname] = {
            **({"endpoint": info["endpoint"], "record_path": info["record_path"]} if info else {}),
            **({"parent": info["parent"]} if info.get("parent") else {}),
            "rows": int(rows.get(tname, DEFAULT_ROWS)),
            "bronze_table": bronze_table_name(source.name, tname),
            "primary_key": list(table.primary_key),
            "fields": fields,
        }
    return {
        "source": source.name,
        "type": source.type,
        **(
            {"base_url": source.url}
            if source.type == "rest"
            else {"connection": connection_reference(source.url)}
        ),
        **({"token": source.token} if source.token and is_reference(source.token) else {}),
        "found_in": source.found_in,
        "extracted_at": now_utc(),
        "seed": seed,
        "entities": entities,
        "foreign_keys": [
            {
                "table": t.name,
                "columns": fk.columns,
                "references": {"table": fk.parent, "columns": fk.parent_columns},
                **_inferred(extraction, t.name, fk.columns),
            }
            for t in schema.tables.values()
            for fk in t.foreign_keys
        ],
        "pii_columns": len(extraction.findings),
    }


def _inferred(extraction: Extraction, table: str, columns: list[str]) -> dict[str, Any]:
    for key in extraction.inferred_keys:
        if key.table == table and [key.column] == columns:
            return {"inferred": key.reason, "confirmed": True}
    return {}


def _type_text(column: Any) -> str:
    if column.precision is not None:
        return f"{column.type}({column.precision},{column.scale or 0})"
    if column.length is not None:
        return f"{column.type}({column.length})"
    return str(column.type)


def connection_reference(url: str) -> str:
    """A connection reference without a secret: env:/file: as given, else the masked URL."""
    if is_reference(url):
        return url
    from fauxdata.introspect.source import parse, safe

    return safe(parse(url))


def _identifier(text: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in text)
    return cleaned if cleaned[:1].isalpha() else f"source_{cleaned}"
