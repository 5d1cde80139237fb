"""Infer tables, columns and keys from one parsed JSON answer of a REST API. No I/O.

A REST API has no catalog to reflect, so its metadata is read off one sample record:
the envelope around it (``{"data": [...]}``, ``{"items": [...]}``, a bare list, ...),
the JSON types of its fields, and what the field names say (``createdAt``, ``status``).
The result is the same ``SourceTable`` model the database readers produce, so
``suggest_spec`` needs no REST special case. The values seen come back as samples for
the caller to hold in memory (the PII scanner reads them); nothing here writes anything.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from fauxdata.errors import FauxdataError
from fauxdata.introspect.model import SourceColumn, SourceForeignKey, SourceTable
from fauxdata.introspect.vocabulary import widen

ENVELOPES = ("data", "items", "results", "records", "content", "value", "rows", "entries")
"""Keys that wrap the records in common APIs (JSON:API, Spring ``content``, OData ``value``)."""
_PAGE_WORDS = (
    "page pages page_size per_page total total_count total_pages total_elements count "
    "next previous prev links meta metadata offset limit cursor next_cursor "
    "has_more pagination paging size number first last sort pageable empty "
    "number_of_elements odata_context odata_count odata_next_link success message"
)
PAGINATION = frozenset(_PAGE_WORDS.split())
"""Envelope siblings that describe the page, not the records; compared in snake case."""

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(?P<tz>Z|[+-]\d{2}(:?\d{2})?)?$"
)
_DECIMAL = re.compile(r"^-?\d{1,20}\.\d{1,6}$")
_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,39}$")
_ENUM_NAME = re.compile(
    r"(^|_)(status|type|kind|category|level|grade|tier|gender|sex|role|frequency|currency|"
    r"unit|method|mode|channel|priority|stage|phase|band|class|classification)$"
)
_MONEY = re.compile(r"amount|price|salary|cost|total|balance|fee|wage|bonus|budget|revenue")
_LENGTHS = (50, 100, 255)
_ISO_NAME = re.compile(r"(^|_)(country|state|region|province|currency|language|lang)(_code|_iso)?$")
_ISO = re.compile(r"^[A-Z]{2,3}$")


@dataclass
class ApiEntity:
    """One table read from an endpoint: where its record was found and how fields map."""

    name: str
    endpoint: str
    record_path: str
    """Where the record sat in the answer: ``data[0]``, ``items[0]``, ``$``, ``data[0].emails[]``."""
    parent: str | None = None
    """The parent table, for a child entity made from an array of objects."""
    fields: dict[str, str] = field(default_factory=dict)
    """JSON path -> column name."""
    key_reason: str = ""
    """Why the primary key was chosen, for the user to confirm."""
    ignored: list[str] = field(default_factory=list)
    """Envelope fields (pagination, meta) that were recognised and skipped."""


@dataclass
class Inferred:
    """An entity with its table and the values seen (in memory only)."""

    entity: ApiEntity
    table: SourceTable
    samples: dict[str, list[Any]]


def find_records(
    payload: Any, *, where: str, names: tuple[str, ...] = ()
) -> tuple[str, list[dict[str, Any]], list[str]]:
    """The first record of an answer: (record path, [record], envelope keys ignored).

    Only the first record is kept even when an API ignores ``limit=1``.

    Raises:
        FauxdataError: no records, or no JSON object to infer fields from.
    """
    if isinstance(payload, list):
        return _first("$[0]", payload, where, [])
    if not isinstance(payload, dict):
        raise FauxdataError(
            f"expected a JSON object or list, got {type(payload).__name__}",
            path=where,
            hint="point --endpoint at a collection or a single resource",
        )
    by_snake = {snake(k): k for k in payload}
    if by_snake.keys() & {"id", "uuid", "guid"}:
        return "$", [payload], []  # a record that has a "data" or "items" field of its own
    for env in (*ENVELOPES, *names):
        key = by_snake.get(env)
        if key is None:
            continue
        value, rest = payload[key], [k for k in payload if k != key]
        if isinstance(value, list):
            return _first(f"{key}[0]", value, where, rest)
        if isinstance(value, dict) and value:
            inner_keys = {snake(k) for k in value}
            if inner_keys & set(ENVELOPES) and inner_keys - set(ENVELOPES) <= PAGINATION:
                path, records, more = find_records(value, where=where)
                return f"{key}.{path}", records, rest + more
            return key, [value], rest
    lists = [k for k, v in payload.items() if isinstance(v, list)]
    others = [k for k in payload if k not in lists]
    if len(lists) == 1 and others and all(snake(k) in PAGINATION for k in others):
        return _first(f"{lists[0]}[0]", payload[lists[0]], where, others)
    if not payload:
        raise FauxdataError("the endpoint returned an empty object", path=where)
    return "$", [payload], []


def _first(
    path: str, items: list[Any], where: str, ignored: list[str]
) -> tuple[str, list[dict[str, Any]], list[str]]:
    if not items:
        raise FauxdataError(
            "the endpoint returned no records; fauxdata needs one to infer fields",
            path=where,
            hint="point it at a collection that holds at least one record, or pass --param filters that match one",
        )
    if not isinstance(items[0], dict):
        raise FauxdataError(
            f"expected a list of JSON objects, got a list of {type(items[0]).__name__}",
            path=where,
        )
    return path, [items[0]], ignored


@dataclass
class _Parent:
    table: str
    key: str
    column: SourceColumn
    values: list[Any]
    """The parent's key value for each record handed to the child."""


def infer_entities(
    name: str,
    endpoint: str,
    record_path: str,
    records: list[dict[str, Any]],
    *,
    separator: str = "__",
    flatten_depth: int = 2,
    parent: _Parent | None = None,
    ignored: list[str] | None = None,
) -> list[Inferred]:
    """The table for ``records`` (one, or a child array's elements) and its child tables.

    Nested objects are flattened to ``outer__inner`` up to ``flatten_depth`` levels and
    kept whole as ``jsonb`` beyond; arrays of objects become child tables named
    ``<table>_<field>`` with a foreign key to this table's key.
    """
    entity = ApiEntity(
        name, endpoint, record_path, parent.table if parent else None, ignored=ignored or []
    )
    found = _Collector(entity, separator, flatten_depth, len(records))
    for index, record in enumerate(records):
        found.walk(record, "", "", 0, index)
    values, children = found.values, found.children
    columns = {c: column_for(c, v) for c, v in values.items()}
    for path, col in entity.fields.items():
        if snake(path) != col:
            note = columns[col].description
            columns[col].description = f"JSON field {path}" + (f"; {note}" if note else "")
    table = SourceTable(name, columns)
    samples = {c: [x for x in v if x is not None] for c, v in values.items()}
    _choose_key(table, entity, samples, needs_key=parent is not None or bool(children))
    if parent is not None:
        _link_to_parent(table, entity, samples, parent)
    out = [Inferred(entity, table, samples)]
    key = table.primary_key[0] if table.primary_key else ""
    keys = values.get(key, [])
    for col, (path, elements, owners) in children.items():
        link = _Parent(name, key, table.columns[key], [keys[i] if keys else None for i in owners])
        out += infer_entities(
            f"{name}_{plural(col)}",
            endpoint,
            f"{record_path}.{path}",
            elements,
            separator=separator,
            flatten_depth=flatten_depth,
            parent=link,
        )
    return out


@dataclass
class _Collector:
    """Gathers the leaves of a table's records per column, padded with None so that the
    values of one record stay aligned across columns (the child links need that)."""

    entity: ApiEntity
    separator: str
    depth: int
    count: int
    values: dict[str, list[Any]] = field(default_factory=dict)
    children: dict[str, tuple[str, list[dict[str, Any]], list[int]]] = field(default_factory=dict)

    def walk(self, obj: dict[str, Any], path: str, prefix: str, level: int, index: int) -> None:
        for key, value in obj.items():
            json_path = f"{path}.{key}" if path else key
            col = f"{prefix}{self.separator}{snake(key)}" if prefix else snake(key)
            if isinstance(value, dict) and value and level < self.depth:
                self.walk(value, json_path, col, level + 1, index)
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                _, elements, owners = self.children.setdefault(col, (f"{json_path}[]", [], []))
                elements.extend(value)
                owners.extend([index] * len(value))
            else:
                column = self.entity.fields.get(json_path)
                if column is None:
                    column = self.entity.fields[json_path] = _unique(col, self.values)
                    self.values[column] = [None] * self.count
                self.values[column][index] = value


def _unique(name: str, taken: dict[str, Any]) -> str:
    out, n = name, 2
    while out in taken:
        out, n = f"{name}_{n}", n + 1
    return out


def _choose_key(
    table: SourceTable, entity: ApiEntity, samples: dict[str, list[Any]], *, needs_key: bool
) -> None:
    """``id``, ``<entity>_id``, ``uuid``, ``code``... holding distinct scalars; else a synthetic
    key when a child needs something to point at."""
    one = singular(table.name.rsplit("_", 1)[-1])
    whole = singular(table.name)
    for candidate in (
        "id",
        f"{whole}_id",
        f"{one}_id",
        "_id",
        "uuid",
        "guid",
        f"{one}_uuid",
        "code",
        f"{one}_code",
        "key",
    ):
        column = table.columns.get(candidate)
        seen = samples.get(candidate, [])
        if column is None or column.type not in ("integer", "bigint", "uuid", "varchar", "text"):
            continue
        if not seen or len(set(seen)) != len(seen) or any(isinstance(v, bool) for v in seen):
            continue
        table.primary_key = [candidate]
        column.nullable = False
        json_name = next((p for p, c in entity.fields.items() if c == candidate), candidate)
        entity.key_reason = f"primary key {candidate}: named {json_name}"
        return
    if not needs_key:
        entity.key_reason = "no primary key: no field named like one (id, <entity>Id, uuid, code)"
        return
    name = _unique("id", table.columns)
    table.columns = {
        name: SourceColumn(
            name, "integer", nullable=False, description="synthetic key: not in the API"
        ),
        **table.columns,
    }
    table.primary_key = [name]
    samples[name] = []
    entity.key_reason = f"primary key {name}: synthetic (no field looked like a key)"


def _link_to_parent(
    table: SourceTable, entity: ApiEntity, samples: dict[str, list[Any]], parent: _Parent
) -> None:
    """A foreign key to the parent's key, reusing a field of the element that already holds it."""
    stem = singular(parent.table)
    name = parent.key if parent.key.startswith(f"{stem}_") else f"{stem}_{parent.key}"
    if name not in table.columns:
        column = SourceColumn(
            name,
            parent.column.type,
            nullable=False,
            length=parent.column.length,
            description=f"key of the parent {parent.table} (the array's owner)",
        )
        table.columns[name] = column
        samples[name] = [v for v in parent.values if v is not None]
    else:
        table.columns[name].nullable = False
    table.foreign_keys.append(SourceForeignKey([name], parent.table, [parent.key]))


def column_for(name: str, values: list[Any]) -> SourceColumn:
    """A nullable column whose type fits every value seen; from the name when all are null."""
    present = [v for v in values if v is not None]
    if not present:
        column = _from_name(name)
        column.description = "the sample held null: type guessed from the name"
        return column
    types = {_value_type(name, v) for v in present}
    if len(types) > 1 and types <= {"integer", "bigint", "numeric"}:
        types = {"numeric" if "numeric" in types else "bigint"}
    elif len(types) > 1 and types <= {"timestamp", "timestamptz", "date"}:
        types = {"timestamptz" if "timestamptz" in types else "timestamp"}
    elif len(types) > 1:
        types = {"jsonb"} if "jsonb" in types else {"varchar"}
    kind = types.pop()
    column = SourceColumn(name, kind, nullable=True)
    if kind == "numeric":
        _decimal_shape(column, name, present)
    elif kind == "enum":
        seen = list(dict.fromkeys(str(v) for v in present))
        column.labels, _ = widen(name, seen)
        if len(column.labels) > len(seen):
            column.description = f"{len(seen)} value(s) seen, widened by the name's vocabulary"
    elif kind == "varchar" and _ISO_NAME.search(name) and all(_ISO.match(str(v)) for v in present):
        column.length = max(len(str(v)) for v in present)  # an ISO code: char(2) or char(3)
    elif kind == "varchar":
        longest = max(len(str(v)) for v in present)
        column.length = next((n for n in _LENGTHS if longest * 1.5 <= n), None)
        if column.length is None or re.search(
            r"description|notes?$|comment|bio|summary|body", name
        ):
            column.type, column.length = "text", None
    return column


def _value_type(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer" if -(2**31) <= value < 2**31 else "bigint"
    if isinstance(value, float):
        text = repr(value)
        decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 99
        return "numeric" if decimals <= 4 or _MONEY.search(name) else "double"
    if isinstance(value, (dict, list)):
        return "jsonb"
    text = str(value)
    if _UUID.match(text):
        return "uuid"
    if _DATE.match(text) and _parses(dt.date.fromisoformat, text):
        return "date"
    stamp = _STAMP.match(text)
    if stamp and _parses(dt.datetime.fromisoformat, text):
        return "timestamptz" if stamp.group("tz") else "timestamp"
    if _DECIMAL.match(text) and not re.search(r"phone|zip|post|code|version", name):
        return "numeric"
    if text.lower() in ("true", "false"):
        return "boolean"
    if _ENUM_NAME.search(name) and _CODE.match(text):
        return "enum"
    return "varchar"


def _parses(parse: Any, text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def _decimal_shape(column: SourceColumn, name: str, values: list[Any]) -> None:
    """Precision and scale with room to spare: money keeps at least 2 decimals."""
    texts = [str(v) if not isinstance(v, float) else repr(v) for v in values]
    scale = max((len(t.split(".")[1]) for t in texts if "." in t), default=0)
    digits = max(len(t.split(".")[0].lstrip("-")) for t in texts)
    column.scale = max(scale, 2)
    column.precision = min(38, max(10, digits + 4) + column.scale)


def _from_name(name: str) -> SourceColumn:
    if re.search(r"(^|_)id$|_uuid$", name):
        return SourceColumn(name, "integer", nullable=True)
    if re.search(r"^(is|has|can)_|_flag$|enabled$", name):
        return SourceColumn(name, "boolean", nullable=True)
    if re.search(r"_at$|_time$|timestamp", name):
        return SourceColumn(name, "timestamptz", nullable=True)
    if re.search(r"date$|_on$|^dob$|birth", name):
        return SourceColumn(name, "date", nullable=True)
    if _MONEY.search(name):
        return SourceColumn(name, "numeric", nullable=True, precision=12, scale=2)
    if re.search(r"count$|quantity|^qty|^age$", name):
        return SourceColumn(name, "integer", nullable=True)
    return SourceColumn(name, "varchar", nullable=True, length=255)


_UNCOUNTABLE_WORDS = (
    "compensation data information staff personnel equipment feedback payroll news series "
    "metadata media software inventory"
)
_UNCOUNTABLE = frozenset(_UNCOUNTABLE_WORDS.split())
_IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women"}


def snake(text: str) -> str:
    """``homeAddress`` -> ``home_address``, ``employeeID`` -> ``employee_id``, ``_id`` -> ``id``."""
    out = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    out = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", out)
    out = re.sub(r"[^0-9a-zA-Z]+", "_", out).strip("_").lower()
    return (f"f_{out}" if out[:1].isdigit() else out) or "field"


def plural(name: str) -> str:
    """English plural of a snake name's last word, for table names (team -> teams)."""
    head, _, word = name.rpartition("_")
    if word in _UNCOUNTABLE or word in _IRREGULAR.values():
        out = word
    elif word in _IRREGULAR:
        out = _IRREGULAR[word]
    elif word.endswith(("ss", "sh", "ch", "x", "z", "us")):
        out = word + "es"
    elif word.endswith("is"):
        out = word[:-2] + "es"
    elif word.endswith("s"):
        out = word  # already plural (employees, departments)
    elif re.search(r"[^aeiou]y$", word):
        out = word[:-1] + "ies"
    else:
        out = word + "s"
    return f"{head}_{out}" if head else out


def singular(name: str) -> str:
    """English singular of a snake name's last word (companies -> company, offices -> office)."""
    head, _, word = name.rpartition("_")
    back = {v: k for k, v in _IRREGULAR.items()}
    if word in _UNCOUNTABLE or word.endswith(("ss", "us", "is")):
        out = word
    elif word in back:
        out = back[word]
    elif word.endswith("ies") and len(word) > 3:
        out = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes", "zes")):
        out = word[:-2]
    elif word.endswith("s"):
        out = word[:-1]
    else:
        out = word
    return f"{head}_{out}" if head else out


def table_name(endpoint: str) -> str:
    """A snake plural table name from an endpoint's last meaningful segment.

    ``/employee`` -> ``employees``, ``/api/v1/compensation`` -> ``compensation``; ids,
    ``{placeholders}`` and version segments are skipped.
    """
    path = re.sub(r"^[a-z]+://[^/]*", "", endpoint).split("?", 1)[0]
    words = [
        s
        for s in path.split("/")
        if s and not re.fullmatch(r"v\d+(\.\d+)*|api|rest|\d+|[{:].*|[0-9a-fA-F-]{32,36}", s)
    ]
    return plural(snake(words[-1])) if words else "records"
