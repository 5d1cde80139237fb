"""``fauxdata init --mode mock-or-mask``: a spec in which every table is masked.

Every source table gets ``mode: mask`` and every column an explicit ``mask:``, chosen
from the PII scan (names, and values of a sample read in memory and never kept): PII
columns a mask that fits their category and type, primary- and foreign-key columns the
``key`` mapping that keeps joins, everything else ``passthrough``, written out so a
reviewer sees each choice. A column added to the source later is not in the spec, so
``fauxdata mask`` stops on it instead of passing it through.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ruamel.yaml.comments import CommentedMap

from fauxdata.introspect.model import SourceColumn, SourceSchema, SourceTable
from fauxdata.introspect.suggest import spec_type
from fauxdata.mask.masks import implementation
from fauxdata.mask.sources import Source
from fauxdata.pii.categories import Finding, mocker_for

_FAMILIES = {
    "smallint": "integer", "integer": "integer", "bigint": "integer",
    "numeric": "number", "float": "number", "double": "number", "real": "number",
    "date": "temporal", "timestamp": "temporal", "timestamptz": "temporal",
    "text": "text", "varchar": "text", "char": "text", "enum": "text", "uuid": "text",
}  # fmt: skip
_FPE = ("national_id", "tax_id", "passport", "iban", "bank_account", "credit_card")
_ID_CHECKSUM = {"US": "ssn", "NL": "bsn"}
"""National ids whose values the scan found valid keep valid (``checksum``); IBANs and
cards need nothing written: ``checksum: auto`` reads the column's ``pii:``."""
_MOCK = (
    "person_name", "first_name", "last_name", "street_address", "city", "region",
    "postcode", "ip_address",
)  # fmt: skip


def read_samples(source: Source, rows: int) -> dict[str, dict[str, list[Any]]]:
    """The first ``rows`` rows of each table, column by column, for the value scan."""
    out: dict[str, dict[str, list[Any]]] = {}
    for name, table in source.schema().tables.items():
        columns = list(table.columns)
        for batch in source.batches(name, columns, size=rows):
            out[name] = {c: batch.column(c).to_pylist() for c in columns}
            break
    return out


def mask_for(
    table: SourceTable, column: SourceColumn, finding: Finding | None
) -> tuple[dict[str, Any], str]:
    """The mask for one column, and why."""
    keys = set(table.primary_key) | {c for fk in table.foreign_keys for c in fk.columns}
    family = _FAMILIES.get(column.type, "other")
    if column.name in keys:
        if family in ("integer", "text"):
            return {"kind": "key"}, "key: a bijection that keeps joins and uniqueness"
        return {"kind": "passthrough"}, f"key column of type {column.type}: review"
    if finding is None:
        return {"kind": "passthrough"}, "no PII found"
    category = finding.category
    why = f"PII: {category} ({finding.basis})"
    entity = table.primary_key[0] if len(table.primary_key) == 1 else None
    choice: dict[str, Any]
    if category == "email":
        choice = {"kind": "email"}
    elif category in _FPE:
        choice = {"kind": "fpe"}
        # auto cannot tell a national id's country; integer columns take bsn only
        scheme = _ID_CHECKSUM.get(finding.variant or "")
        fits = scheme == "bsn" or (scheme == "ssn" and family == "text")
        if category in ("national_id", "tax_id") and fits:
            choice["checksum"] = scheme
    elif category in ("phone", "user_name"):
        choice = {"kind": "hash"}
    elif category in _MOCK:
        mocker = mocker_for(category, column.type, variant=finding.variant)
        choice = {"kind": "mock", "generator": mocker}
    elif category == "gender":
        mocker = mocker_for(category, column.type, variant=finding.variant)
        choice = {"kind": "mock", "generator": mocker, "consistent": False}
    elif category == "date_of_birth":
        choice = {"kind": "date_shift", "max_days": 365} | ({"entity": entity} if entity else {})
    elif category == "age":
        choice = {"kind": "noise", "absolute": 2, "min": 0}
    elif category == "salary":
        choice = {"kind": "noise", "relative": 0.1}
    elif category == "geolocation":
        choice = {"kind": "noise", "absolute": 0.05}
    else:
        choice = {"kind": "redact"}
    if family not in implementation(str(choice["kind"])).families:
        choice = {"kind": "null"} if column.nullable else {"kind": "hash"}
        if family not in implementation("hash").families and not column.nullable:
            return {"kind": "passthrough"}, f"{why}; no mask fits type {column.type}: review"
    return choice, why


def suggest_mask_spec(
    source: SourceSchema, findings: Iterable[Finding], *, name: str
) -> CommentedMap:
    """The mock-or-mask spec for every table of the source."""
    by_column = {(f.table, f.column): f for f in findings}
    spec = CommentedMap()
    spec["name"] = name
    spec["description"] = f"Masked copy of {source.url}"
    spec["seed"] = 1
    spec["environment"] = "dev"
    spec["source"] = source.url
    spec.yaml_set_comment_before_after_key(
        "name",
        before=f"Generated by `fauxdata init --mode mock-or-mask` from {source.url}.\n"
        "Every column has an explicit mask; review each passthrough before masking.",
    )
    tables = CommentedMap()
    for tname, table in source.tables.items():
        out = CommentedMap()
        out["mode"] = "mask"
        if table.primary_key:
            pk = table.primary_key
            out["primary_key"] = pk[0] if len(pk) == 1 else list(pk)
        if table.unique:
            out["unique"] = [u[0] if len(u) == 1 else list(u) for u in table.unique]
        if table.foreign_keys:
            out["foreign_keys"] = [
                {
                    "columns": fk.columns[0] if len(fk.columns) == 1 else fk.columns,
                    "references": {
                        "table": fk.parent,
                        "columns": fk.parent_columns[0]
                        if len(fk.parent_columns) == 1
                        else fk.parent_columns,
                    },
                }
                for fk in table.foreign_keys
            ]
        columns = CommentedMap()
        for cname, column in table.columns.items():
            finding = by_column.get((tname, cname))
            choice, why = mask_for(table, column, finding)
            entry = CommentedMap()
            ctype, note = spec_type(column)
            if ctype and not note:
                entry["type"] = ctype
            if column.nullable and cname not in table.primary_key:
                entry["nullable"] = True
            if finding is not None:
                entry["pii"] = finding.category
            entry["mask"] = choice["kind"] if len(choice) == 1 else choice
            columns[cname] = entry
            columns.yaml_add_eol_comment(why, cname)
        out["columns"] = columns
        tables[tname] = out
    spec["tables"] = tables
    return spec
