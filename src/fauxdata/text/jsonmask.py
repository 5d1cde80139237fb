"""Mask JSON documents by JSONPath rules, one column at a time.

Rules apply in order. For each rule, the values its path names are gathered from every
document of the batch into one typed column (strings, integers, floats, booleans apart),
the rule's mask runs once over that column (the same vectorized masks as for plain
columns), and the results go back into their places. A document no rule touched is
kept byte for byte; a touched one is written again with its key order and its own
spacing (compact or ``", "``/``": "``). A row that is not valid JSON gets the fallback
(kept as it is, or NULL) and is counted.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import orjson
import polars as pl

from fauxdata.text.jsonpath import JSONPath, Slot, compile_path

ValueMask = Callable[[pl.Series, npt.NDArray[np.int64]], pl.Series]
"""Masks one column of values, given the row each value came from (the same contract
as a plain column's mask, whose per-row draws key by row)."""

JsonType = Literal["string", "number", "boolean", "object", "array"]
JSON_TYPES: tuple[JsonType, ...] = ("string", "number", "boolean", "object", "array")
Fallback = Literal["passthrough", "redact"]


@dataclass(frozen=True)
class Rule:
    path: JSONPath
    mask: ValueMask
    types: frozenset[str] = frozenset({"string", "number", "boolean"})


def rule(path: str, mask: ValueMask, types: Sequence[str] | None = None) -> Rule:
    """A rule from its path text.

    Raises:
        JSONPathError: the path is outside the supported subset.
        ValueError: an unknown JSON type in ``types``.
    """
    chosen = frozenset(types) if types else frozenset({"string", "number", "boolean"})
    unknown = sorted(chosen - set(JSON_TYPES))
    if unknown:
        raise ValueError(f"unknown JSON types {unknown}; expected some of {list(JSON_TYPES)}")
    return Rule(compile_path(path), mask, chosen)


@dataclass
class JsonMaskResult:
    values: pl.Series
    replaced: Counter[str] = field(default_factory=Counter)
    """Values masked per rule path."""
    invalid: int = 0
    """Rows that were not valid JSON (given the fallback)."""


def mask_json(
    column: pl.Series, rules: Sequence[Rule], *, fallback: Fallback = "passthrough"
) -> JsonMaskResult:
    """Apply ``rules`` in order to every document of ``column`` (JSON text)."""
    texts: list[str | None] = column.cast(pl.String).to_list()
    documents: list[Any] = []
    invalid = 0
    out: list[str | None] = list(texts)
    for i, text in enumerate(texts):
        if text is None:
            documents.append(None)
            continue
        try:
            documents.append(_load(text))
        except ValueError:
            documents.append(None)
            invalid += 1
            if fallback == "redact":
                out[i] = None
    touched: set[int] = set()
    replaced: Counter[str] = Counter()
    for r in rules:
        replaced[r.path.text] += _apply(r, documents, touched)
    for i in touched:
        out[i] = _dump(documents[i], texts[i] or "")
    return JsonMaskResult(pl.Series(column.name, out, dtype=pl.String), replaced, invalid)


_KINDS = {
    str: "string",
    int: "integer",
    float: "float",
    bool: "boolean",
    dict: "object",
    list: "array",
}
_GROUP = {"integer": "number", "float": "number"}


def _apply(r: Rule, documents: list[Any], touched: set[int]) -> int:
    groups: dict[str, list[tuple[int, Slot]]] = {}
    for row, document in enumerate(documents):
        if document is None:
            continue
        for container, key in r.path.slots(document):
            kind = _KINDS.get(type(container[key]))
            if kind is None or _GROUP.get(kind, kind) not in r.types:
                continue
            groups.setdefault(kind, []).append((row, (container, key)))
    count = 0
    for kind, places in groups.items():
        values = [c[k] for _, (c, k) in places]
        if kind in ("object", "array"):
            values = [json.dumps(v, ensure_ascii=False) for v in values]
        dtype = {"string": pl.String, "integer": pl.Int64, "float": pl.Float64}.get(kind)
        if kind in ("object", "array"):
            dtype = pl.String
        series = pl.Series("value", values, dtype=dtype or pl.Boolean)
        owners = np.fromiter((row for row, _ in places), dtype=np.int64, count=len(places))
        masked = r.mask(series, owners).to_list()
        for (row, (container, key)), new in zip(places, masked, strict=True):
            container[key] = new
            touched.add(row)
        count += len(places)
    return count


def _load(text: str) -> Any:
    """orjson, several times faster than the standard library; the standard library
    where orjson refuses valid JSON (integers beyond 64 bits)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _dump(document: Any, original: str) -> str:
    if '": ' in original or '", "' in original:  # spaced, as PostgreSQL prints jsonb
        return json.dumps(document, ensure_ascii=False, separators=(", ", ": "))
    try:
        return orjson.dumps(document).decode()
    except TypeError:  # a mask returned something orjson does not write (a big integer)
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
