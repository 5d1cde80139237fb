"""Turn a JSON Schema into payload fields whose documents validate against it.

Each schema keyword maps onto a generator that honours it by construction: ``enum`` and
``const`` onto choices, string ``format``s onto the matching mockers or patterns,
``pattern`` onto the regex generator, ``minLength`` / ``maxLength`` onto a regex of
letters of that length, ``minimum`` / ``maximum`` (and their exclusive forms) and
``multipleOf`` onto bounded numbers, ``minItems`` / ``maxItems`` onto array lengths,
tuple ``items`` / ``prefixItems`` onto fixed positions, ``required``,
``minProperties`` and ``dependentRequired`` onto presence (optional members appear in
70% of documents), ``["string", "null"]`` and ``nullable`` onto a 10% null rate.

References are followed within the document: ``#``, JSON pointers (``#/$defs/item``),
anchors (``$anchor``, draft-7 ``$id: "#name"``) and ``$id``-named subschemas;
``allOf`` merges, ``anyOf`` / ``oneOf`` take the first usable option. Boolean schemas
are honoured (``true`` allows anything, ``false`` forbids the member).

Real schemas recurse (a geometry holds geometries, a tree holds trees). Below
``MAX_DEPTH`` levels only what the schema requires is generated (required members,
``minItems`` items, the least nested option), so every document is finite; a schema
whose required members nest without end is refused with the path where it loops.
"""

from __future__ import annotations

import math
from typing import Any

from fauxdata.spec import generators as g

OPTIONAL_PRESENCE = 0.7
NULLABLE_RATE = 0.1
MAX_DEPTH = 4
"""Levels of nesting generated in full; deeper, only what the schema requires."""
HARD_DEPTH = 48
"""Nesting at which a schema that still requires more is refused as endless."""
_SMALL_DOMAIN = 1000
_FORMATS: dict[str, dict[str, Any]] = {
    "email": {"kind": "email"},
    "idn-email": {"kind": "email"},
    "uuid": {"kind": "uuid"},
    "uri": {"kind": "url"},
    "url": {"kind": "url"},
    "iri": {"kind": "url"},
    "uri-reference": {"kind": "url"},
    "iri-reference": {"kind": "url"},
    "uri-template": {"kind": "url"},
    "ipv4": {"kind": "ipv4"},
    "ipv6": {"kind": "ipv6"},
    "hostname": {"kind": "regex", "pattern": "[a-z]{3,10}\\.(com|org|net|nl)"},
    "idn-hostname": {"kind": "regex", "pattern": "[a-z]{3,10}\\.(com|org|net|nl)"},
    "time": {"kind": "regex", "pattern": "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z"},
    "duration": {"kind": "regex", "pattern": "P[1-9][0-9]?D"},
    "json-pointer": {"kind": "regex", "pattern": "(/[a-z]{1,8}){0,3}"},
    "relative-json-pointer": {"kind": "regex", "pattern": "[0-9](/[a-z]{1,8}){0,2}"},
    "regex": {"kind": "regex", "pattern": "[a-z]{1,8}"},
    "date": {"kind": "date", "start": "2000-01-01", "end": "2030-12-31"},
    "date-time": {
        "kind": "timestamp",
        "start": "2000-01-01",
        "end": "2030-12-31",
        "timezone": "UTC",
    },
}
_ANY: dict[str, Any] = {"type": "string"}
"""What ``true`` and ``{}`` (anything allowed) become: a short string."""


def fields_from_schema(schema: Any) -> dict[str, g.JsonField]:
    """The payload fields of an object schema.

    Raises:
        ValueError: the schema's root is not an object, or uses what cannot be honoured.
    """
    compiler = _Compiler(schema)
    root = compiler.resolve(schema, "$")
    if root is False or _type(root) != "object":
        raise ValueError("the schema's root must be an object (type: object)")
    value = compiler.value(root, "$", 0)
    assert isinstance(value, g.JsonObject)
    return dict(value.fields)


class _Compiler:
    """One schema document: its anchors and ``$id``s, and the walk that turns its
    nodes into payload fields."""

    def __init__(self, root: Any) -> None:
        if not isinstance(root, dict):
            raise ValueError(f"expected a schema object, found {root!r}")
        self.root = root
        self.base = str(root.get("$id", "")).split("#")[0]
        self.named: dict[str, Any] = {}
        self._index(root)

    def _index(self, node: Any) -> None:
        """Anchors (``$anchor``, draft-7 ``$id: "#name"``) and subschemas named by ``$id``."""
        if isinstance(node, dict):
            anchor, ident = node.get("$anchor"), node.get("$id")
            if isinstance(anchor, str):
                self.named.setdefault("#" + anchor, node)
            if isinstance(ident, str) and node is not self.root:
                self.named.setdefault(ident, node)
                self.named.setdefault(ident.rstrip("#"), node)
            for key, value in node.items():
                if key not in ("enum", "const", "default", "examples"):
                    self._index(value)
        elif isinstance(node, list):
            for item in node:
                self._index(item)

    def lookup(self, ref: str) -> Any:
        if ref in self.named:
            return self.named[ref]
        if self.base and ref.startswith(self.base):
            ref = ref[len(self.base) :] or "#"
        if ref in ("#", ""):
            return self.root
        if ref in self.named:
            return self.named[ref]
        if not ref.startswith("#/"):
            raise ValueError(
                f"$ref {ref!r} points outside the schema file; only references within it "
                "(#, #/$defs/item, anchors, $id-named subschemas) are followed"
            )
        target: Any = self.root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(target, list) and part.isdigit() and int(part) < len(target):
                target = target[int(part)]
            elif isinstance(target, dict) and part in target:
                target = target[part]
            else:
                raise ValueError(f"$ref {ref} does not resolve")
        return target

    def resolve(self, node: Any, path: str, depth: int = 0, seen: tuple[str, ...] = ()) -> Any:
        """The node with ``$ref``, ``allOf`` and ``anyOf``/``oneOf`` applied: a dict, or
        ``False`` for a schema nothing satisfies."""
        if node is True:
            return dict(_ANY)
        if node is False:
            return False
        if not isinstance(node, dict):
            raise ValueError(f"{path}: expected a schema object, found {node!r}")
        if isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise ValueError(f"{path}: $ref {ref} refers to itself without adding anything")
            target = self.resolve(self.lookup(ref), path, depth, (*seen, ref))
            rest = {k: v for k, v in node.items() if k != "$ref"}
            if target is False:
                return False
            if not rest:
                return target
            both = dict(target)  # siblings of $ref hold as well (allOf, as 2019-09 says)
            _merge(both, rest)
            return self.resolve(both, path, depth, (*seen, ref)) if _combines(both) else both
        if "$ref" in node:
            raise ValueError(f"{path}: $ref must be text, found {node['$ref']!r}")
        if isinstance(node.get("allOf"), list):
            merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
            for item in node["allOf"]:
                part = self.resolve(item, path, depth, seen)
                if part is False:
                    return False
                _merge(merged, part)
            return self.resolve(merged, path, depth, seen) if _combines(merged) else merged
        for key in ("oneOf", "anyOf"):
            options = node.get(key)
            if isinstance(options, list) and options:
                rest = {k: v for k, v in node.items() if k != key}
                chosen = self._option(options, path, depth, seen)
                if chosen is False:
                    return False
                both = {**rest, **chosen}
                if "properties" in rest and "properties" in chosen:
                    both["properties"] = {**rest["properties"], **chosen["properties"]}
                if "required" in rest and "required" in chosen:
                    both["required"] = [*rest["required"], *chosen["required"]]
                return self.resolve(both, path, depth, seen) if _combines(both) else both
        return node

    def _option(self, options: list[Any], path: str, depth: int, seen: tuple[str, ...]) -> Any:
        """The first option that allows something; below ``MAX_DEPTH`` the least nested."""
        resolved = []
        for option in options:
            try:
                found = self.resolve(option, path, depth, seen)
            except ValueError:
                continue
            if found is not False and _type(found) != "null":
                resolved.append(found)
        if not resolved:
            return self.resolve(options[0], path, depth, seen)
        if depth < MAX_DEPTH:
            return resolved[0]
        return min(resolved, key=_nesting)

    def field(self, node: Any, path: str, depth: int, *, required: bool) -> g.JsonField | None:
        """The payload field of a member, or None where the member must be absent."""
        resolved = self.resolve(node, path, depth)
        if resolved is False:
            if required:
                raise ValueError(f"{path}: required, but its schema is false (nothing valid)")
            return None
        if not required and depth >= MAX_DEPTH:
            return None
        nullable = _nullable(resolved)
        return g.JsonField(
            presence=1.0 if required else OPTIONAL_PRESENCE,
            null_rate=NULLABLE_RATE if nullable else 0.0,
            value=self.value(resolved, path, depth),
        )

    def value(self, node: dict[str, Any], path: str, depth: int) -> Any:
        if depth > HARD_DEPTH:
            raise ValueError(
                f"{path}: the schema requires nesting deeper than {HARD_DEPTH} levels "
                "(a required member or minItems refers back to its own schema)"
            )
        if "const" in node:
            return {"kind": "constant", "value": node["const"]}
        if isinstance(node.get("enum"), list):
            values = [v for v in node["enum"] if v is not None]
            if not values:
                return {"kind": "constant", "value": None}
            if len({repr(v) for v in values}) == 1:
                return {"kind": "constant", "value": values[0]}
            return {"kind": "choice", "values": values, "exact": False}
        kind = _type(node)
        if kind == "object":
            return self._object(node, path, depth)
        if kind == "array":
            return self._array(node, path, depth)
        if kind == "integer":
            return _number(node, path, integer=True)
        if kind == "number":
            return _number(node, path, integer=False)
        if kind == "boolean":
            return {"kind": "boolean"}
        if kind == "null":
            return {"kind": "constant", "value": None}
        return _string(node, path)

    def _object(self, node: dict[str, Any], path: str, depth: int) -> g.JsonObject:
        properties = dict(node.get("properties") or {})
        required = [r for r in node.get("required") or [] if isinstance(r, str)]
        extra = node.get("additionalProperties", True)
        for name in required:  # required but not described: what additionalProperties allows
            if name not in properties:
                properties[name] = extra if isinstance(extra, dict) else True
        wanted = set(required)
        for trigger, needed in _dependent_required(node).items():
            if trigger in properties:
                wanted.update(n for n in needed if n in properties)
        least = int(node.get("minProperties", 0) or 0)
        for name in properties:  # minProperties: promote optional members in order
            if len(wanted) >= least:
                break
            if properties[name] is not False:
                wanted.add(name)
        if len(wanted) < least:
            raise ValueError(
                f"{path}: minProperties {least} but only {len(wanted)} members can be generated"
            )
        for group in _excluded_together(node):  # keep the first optional one, drop the rest
            optional = [n for n in group if n not in wanted]
            if len(optional) == len(group):
                optional = optional[1:]
            for name in optional:
                properties[name] = False
        fields: dict[str, g.JsonField] = {}
        for name, sub in properties.items():
            member = f"{path}.{name}"
            resolved = self.resolve(sub, member, depth + 1)
            if _discriminator(resolved):
                wanted.add(name)  # a fixed value tells oneOf's options apart: always there
            made = self.field(resolved, member, depth + 1, required=name in wanted)
            if made is not None:
                fields[name] = made
        return g.JsonObject(kind="object", fields=fields)

    def _array(self, node: dict[str, Any], path: str, depth: int) -> Any:
        prefix = node.get("prefixItems")
        items = node.get("items", True)
        if prefix is None and isinstance(items, list):  # draft 4-7 tuple form
            prefix, items = items, node.get("additionalItems", True)
        low = int(node.get("minItems", 0) or 0)
        high = node.get("maxItems")
        if isinstance(prefix, list) and prefix:
            count = len(prefix) if high is None else min(len(prefix), int(high))
            if low > count:
                raise ValueError(
                    f"{path}: minItems {low} is more than the {count} positions the tuple describes"
                )
            positions = [
                self.field(p, f"{path}[{i}]", depth + 1, required=True)
                for i, p in enumerate(prefix[:count])
            ]
            return g.JsonTuple(kind="tuple", items=[p for p in positions if p is not None])
        top = int(high) if high is not None else max(low, 3)
        if depth >= MAX_DEPTH:
            top = low
        item = self.field(items, f"{path}[]", depth + 1, required=True) if top else None
        if item is None:
            if low:
                raise ValueError(f"{path}: minItems {low} but its items schema is false")
            nothing = g.JsonField.model_validate({"value": {"kind": "constant", "value": None}})
            return g.JsonArray(kind="array", length=g.ArrayLength(min=0, max=0), items=nothing)
        if node.get("uniqueItems") is True and _small_domain(item.value):
            top = min(top, 1)  # two draws from a handful of values would repeat
            if low > top:
                raise ValueError(
                    f"{path}: uniqueItems with minItems {low} over so few values is not supported"
                )
        if top > 1000:
            top = max(low, 1000)
        if low > 1000:
            raise ValueError(f"{path}: minItems {low} is more than the 1,000 items supported")
        unique = node.get("uniqueItems") is True
        length = g.ArrayLength(min=low, max=top)
        return g.JsonArray(kind="array", length=length, items=item, unique=unique)


def _merge(into: dict[str, Any], part: dict[str, Any]) -> None:
    """``allOf``: properties and required united, other keywords kept where first set."""
    for key, value in part.items():
        if key == "properties" and isinstance(value, dict):
            into["properties"] = {**into.get("properties", {}), **value}
        elif key == "required" and isinstance(value, list):
            into["required"] = [*into.get("required", []), *value]
        elif key == "not":  # each part's exclusions hold together
            into["not"] = {"anyOf": [*_exclusions(into.get("not")), *_exclusions(value)]}
        elif key in ("minimum", "minLength", "minItems", "exclusiveMinimum"):
            into[key] = max(into[key], value) if _both_numbers(into.get(key), value) else value
        elif key in ("maximum", "maxLength", "maxItems", "exclusiveMaximum"):
            into[key] = min(into[key], value) if _both_numbers(into.get(key), value) else value
        else:
            into.setdefault(key, value)


def _exclusions(node: Any) -> list[Any]:
    """The schemas a ``not`` rules out, one per alternative."""
    if not isinstance(node, dict):
        return []
    if list(node) == ["anyOf"] and isinstance(node["anyOf"], list):
        return list(node["anyOf"])
    return [node]


def _excluded_together(node: dict[str, Any]) -> list[list[str]]:
    """Members that must not all appear: ``not: {required: [id, ids]}`` (the usual way
    to say "one or the other")."""
    groups = []
    for part in _exclusions(node.get("not")):
        names = part.get("required") if isinstance(part, dict) else None
        if isinstance(names, list) and len(names) > 1:
            groups.append([n for n in names if isinstance(n, str)])
    return groups


def _both_numbers(a: Any, b: Any) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b))


def _combines(node: dict[str, Any]) -> bool:
    return any(k in node for k in ("$ref", "allOf", "anyOf", "oneOf"))


def _nesting(node: dict[str, Any]) -> int:
    """How much an option nests: references and structures count, leaves do not."""
    text = repr(node)
    return text.count("$ref") * 4 + text.count("'properties'") * 2 + text.count("'items'")


def _dependent_required(node: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key in ("dependentRequired", "dependencies"):
        for trigger, needed in (node.get(key) or {}).items():
            if isinstance(needed, str):  # draft 3: one name
                needed = [needed]
            if isinstance(needed, list):
                found.setdefault(trigger, []).extend(n for n in needed if isinstance(n, str))
    return found


def _discriminator(node: Any) -> bool:
    """A member with one possible value (``const``, a one-item ``enum``)."""
    if not isinstance(node, dict):
        return False
    enum = node.get("enum")
    return "const" in node or (isinstance(enum, list) and len(enum) == 1)


def _small_domain(value: Any) -> bool:
    if isinstance(value, dict):
        kind = value.get("kind")
        if kind in ("constant", "boolean"):
            return True
        if kind == "choice":
            return len(value["values"]) < _SMALL_DOMAIN
        if kind == "uniform_int":
            return value["max"] - value["min"] < _SMALL_DOMAIN
    return False


def _type(node: dict[str, Any]) -> str:
    declared = node.get("type")
    if isinstance(declared, list):  # draft 3 also lists schemas there: names only
        declared = next((t for t in declared if isinstance(t, str) and t != "null"), "null")
    if isinstance(declared, str) and declared:
        return declared
    if "properties" in node or "required" in node or "additionalProperties" in node:
        return "object"
    if "items" in node or "prefixItems" in node:
        return "array"
    if "enum" in node or "const" in node:
        return "enum"
    if any(k in node for k in ("minimum", "maximum", "multipleOf")):
        return "number"
    return "string"


def _nullable(node: dict[str, Any]) -> bool:
    declared = node.get("type")
    return (isinstance(declared, list) and "null" in declared) or node.get("nullable") is True


def _number(node: dict[str, Any], path: str, *, integer: bool) -> dict[str, Any]:
    least, most = _bounds(node, integer=integer)
    if least > most:
        raise ValueError(f"{path}: minimum {least} is greater than maximum {most}")
    step = node.get("multipleOf")
    if isinstance(step, int | float) and not isinstance(step, bool) and step > 0:
        first, last = math.ceil(least / step), math.floor(most / step)
        if first > last:
            raise ValueError(f"{path}: no multiple of {step} lies in [{least}, {most}]")
        if last - first >= _SMALL_DOMAIN:
            last = first + _SMALL_DOMAIN - 1
        multiples = [k * step for k in range(first, last + 1)]
        if integer or float(step).is_integer():
            multiples = [int(m) for m in multiples]
        return {"kind": "choice", "values": multiples, "exact": False}
    if integer:
        return {"kind": "uniform_int", "min": int(least), "max": int(most)}
    return {"kind": "uniform", "min": least, "max": most, "decimals": 2}


def _bounds(node: dict[str, Any], *, integer: bool) -> tuple[float, float]:
    """[minimum, maximum] with exclusive bounds moved in by one step (draft 4's boolean
    form and draft 6+'s numeric form both)."""
    step = 1.0 if integer else 0.01
    low = float(node.get("minimum", 0 if "maximum" not in node else node["maximum"] - 1000))
    high = float(node.get("maximum", max(low, 0) + 1000))
    if "exclusiveMinimum" in node:
        value = node["exclusiveMinimum"]
        low = (low if isinstance(value, bool) else max(low, value)) + step
    if "exclusiveMaximum" in node:
        value = node["exclusiveMaximum"]
        high = (high if isinstance(value, bool) else min(high, value)) - step
    if integer:
        return math.ceil(low), math.floor(high)
    return math.ceil(low * 100) / 100, math.floor(high * 100) / 100


def _string(node: dict[str, Any], path: str) -> dict[str, Any]:
    if isinstance(node.get("pattern"), str):
        return {"kind": "regex", "pattern": _anchored(node["pattern"])}
    fmt = node.get("format")
    if fmt in _FORMATS:
        return dict(_FORMATS[fmt])
    low = int(node.get("minLength", 0) or 0)
    high = int(node.get("maxLength", max(low, 12)))
    if low > high:
        raise ValueError(f"{path}: minLength {low} is greater than maxLength {high}")
    return {"kind": "regex", "pattern": f"[a-z]{{{max(low, 1) if high else 0},{high}}}"}


def _anchored(pattern: str) -> str:
    """JSON Schema patterns are unanchored searches; a generated value is the whole match."""
    return pattern.removeprefix("^").removesuffix("$")
