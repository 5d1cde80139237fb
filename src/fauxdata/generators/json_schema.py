"""Turn a JSON Schema into payload fields whose documents validate against it.

Each schema keyword maps onto a generator that honours it by construction: ``enum`` and
``const`` onto choices, string ``format``s (email, date, date-time, uuid, uri, ipv4,
ipv6) onto the matching mockers, ``pattern`` onto the regex generator, ``minLength`` /
``maxLength`` onto a regex of letters of that length, ``minimum`` / ``maximum`` (and
their exclusive forms) onto bounded numbers, ``minItems`` / ``maxItems`` onto array
lengths, ``required`` onto presence (optional members appear in 70% of documents),
``["string", "null"]`` onto a 10% null rate. Local ``$ref``s (``#/definitions/...``,
``#/$defs/...``) are followed; ``allOf`` merges, ``anyOf`` / ``oneOf`` take the first
option.
"""

from __future__ import annotations

import math
from typing import Any

from fauxdata.spec import generators as g

OPTIONAL_PRESENCE = 0.7
NULLABLE_RATE = 0.1
_FORMATS = {
    "email": {"kind": "email"},
    "idn-email": {"kind": "email"},
    "uuid": {"kind": "uuid"},
    "uri": {"kind": "url"},
    "url": {"kind": "url"},
    "iri": {"kind": "url"},
    "ipv4": {"kind": "ipv4"},
    "ipv6": {"kind": "ipv6"},
    "date": {"kind": "date", "start": "2000-01-01", "end": "2030-12-31"},
    "date-time": {
        "kind": "timestamp",
        "start": "2000-01-01",
        "end": "2030-12-31",
        "timezone": "UTC",
    },
}


def fields_from_schema(schema: dict[str, Any]) -> dict[str, g.JsonField]:
    """The payload fields of an object schema.

    Raises:
        ValueError: the schema's root is not an object, or uses what cannot be honoured.
    """
    root = _resolve(schema, schema)
    if _type(root) != "object":
        raise ValueError("the schema's root must be an object (type: object)")
    field = _field(root, schema, "$", required=True)
    value = field.value
    assert isinstance(value, g.JsonObject)
    return dict(value.fields)


def _resolve(node: Any, root: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(node, dict):
        raise ValueError(f"expected a schema object, found {node!r}")
    if "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise ValueError(f"only local $ref such as '#/$defs/item' is supported, found {ref!r}")
        target: Any = root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                raise ValueError(f"$ref {ref} does not resolve")
            target = target[part]
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return {**_resolve(target, root), **rest}
    if "allOf" in node:
        merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
        for item in node["allOf"]:
            for key, value in _resolve(item, root).items():
                if key == "properties":
                    merged["properties"] = {**merged.get("properties", {}), **value}
                elif key == "required":
                    merged["required"] = [*merged.get("required", []), *value]
                else:
                    merged.setdefault(key, value)
        return merged
    for key in ("anyOf", "oneOf"):
        if node.get(key):
            first = _resolve(node[key][0], root)
            return {**{k: v for k, v in node.items() if k != key}, **first}
    return node


def _type(node: dict[str, Any]) -> str:
    declared = node.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), "null")
    if declared:
        return str(declared)
    if "properties" in node:
        return "object"
    if "items" in node:
        return "array"
    if "enum" in node or "const" in node:
        return "enum"
    return "string"


def _nullable(node: dict[str, Any]) -> bool:
    declared = node.get("type")
    return isinstance(declared, list) and "null" in declared


def _field(node: Any, root: dict[str, Any], path: str, *, required: bool) -> g.JsonField:
    node = _resolve(node, root)
    presence = 1.0 if required else OPTIONAL_PRESENCE
    null_rate = NULLABLE_RATE if _nullable(node) else 0.0
    return g.JsonField(presence=presence, null_rate=null_rate, value=_value(node, root, path))


def _value(node: dict[str, Any], root: dict[str, Any], path: str) -> Any:
    if "const" in node:
        return {"kind": "constant", "value": node["const"]}
    if "enum" in node:
        values = [v for v in node["enum"] if v is not None]
        if not values:
            raise ValueError(f"{path}: enum has no non-null value")
        return {"kind": "choice", "values": values, "exact": False}
    kind = _type(node)
    if kind == "object":
        required = set(node.get("required", []))
        properties = node.get("properties", {})
        return g.JsonObject(
            kind="object",
            fields={
                name: _field(sub, root, f"{path}.{name}", required=name in required)
                for name, sub in properties.items()
            },
        )
    if kind == "array":
        low = int(node.get("minItems", 0))
        high = int(node.get("maxItems", max(low, 3)))
        items = node.get("items", {"type": "string"})
        if isinstance(items, list):  # draft-04 tuple form: the first item's schema
            items = items[0] if items else {"type": "string"}
        return g.JsonArray(
            kind="array",
            length=g.ArrayLength(min=low, max=min(high, 1000)),
            items=_field(items, root, f"{path}[]", required=True),
        )
    if kind == "integer":
        least, most = _bounds(node, integer=True)
        return {"kind": "uniform_int", "min": least, "max": most}
    if kind == "number":
        least, most = _bounds(node, integer=False)
        return {"kind": "uniform", "min": least, "max": most, "decimals": 2}
    if kind == "boolean":
        return {"kind": "boolean"}
    if kind == "null":
        return {"kind": "constant", "value": None}
    return _string(node, path)


def _bounds(node: dict[str, Any], *, integer: bool) -> tuple[float, float]:
    """[minimum, maximum] with exclusive bounds moved in by one step (draft 4's boolean
    form and draft 6+'s numeric form both)."""
    step = 1.0 if integer else 0.01
    low = float(node.get("minimum", 0))
    high = float(node.get("maximum", max(low, 0) + 1000))
    if "exclusiveMinimum" in node:
        value = node["exclusiveMinimum"]
        low = (low if isinstance(value, bool) else value) + step
    if "exclusiveMaximum" in node:
        value = node["exclusiveMaximum"]
        high = (high if isinstance(value, bool) else value) - step
    if integer:
        return math.ceil(low), math.floor(high)
    return math.ceil(low * 100) / 100, math.floor(high * 100) / 100


def _string(node: dict[str, Any], path: str) -> dict[str, Any]:
    if "pattern" in node:
        return {"kind": "regex", "pattern": _anchored(node["pattern"])}
    fmt = node.get("format")
    if fmt in _FORMATS:
        return dict(_FORMATS[fmt])
    low = int(node.get("minLength", 0))
    high = int(node.get("maxLength", max(low, 12)))
    if low > high:
        raise ValueError(f"{path}: minLength {low} is greater than maxLength {high}")
    return {"kind": "regex", "pattern": f"[a-z]{{{max(low, 1) if high else 0},{high}}}"}


def _anchored(pattern: str) -> str:
    """JSON Schema patterns are unanchored searches; a generated value is the whole match."""
    return pattern.removeprefix("^").removesuffix("$")
