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
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt
import orjson
import polars as pl

from fauxdata.text.collector import paused
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
    column = column.cast(pl.String)
    texts: list[str | None] = column.to_list()
    out: list[str | None] = list(texts)
    invalid = 0
    touched: set[int] = set()
    replaced: Counter[str] = Counter()
    with paused():
        try:  # every row JSON orjson reads, the common case: one loop in C (a NULL raises)
            documents: list[Any] = list(map(orjson.loads, cast(list[str], texts)))
        except (orjson.JSONDecodeError, TypeError):
            documents = []
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
        for r in rules:
            rows = _candidates(column, r.path)
            replaced[r.path.text] += _apply(r, documents, rows, touched)
        if touched:
            spaced = _spaced(column)
            for i in touched:
                out[i] = _dump(documents[i], spaced[i])
        documents.clear()  # freed now: with the collector back on, its first pass would
        # walk every object of every document before they go (see ``collector``)
    return JsonMaskResult(pl.Series(column.name, out, dtype=pl.String), replaced, invalid)


def _candidates(column: pl.Series, path: JSONPath) -> list[int]:
    """Rows whose text spells every member name of ``path`` (``"name"``), or holds an
    escape that could spell one: the others cannot have a place on it. One vectorized
    substring search per name instead of a walk per document."""
    if not path.keys:
        return list(range(column.len()))
    frame = column.to_frame("t")
    spelled = pl.all_horizontal(
        pl.col("t").str.contains(orjson.dumps(k).decode(), literal=True) for k in path.keys
    )
    hits = frame.select((spelled | pl.col("t").str.contains("\\", literal=True)).fill_null(False))
    return hits.to_series().arg_true().to_list()


_KINDS = {
    str: "string",
    int: "integer",
    float: "float",
    bool: "boolean",
    dict: "object",
    list: "array",
}
_GROUP = {"integer": "number", "float": "number"}


def _apply(r: Rule, documents: list[Any], rows: list[int], touched: set[int]) -> int:
    """Gather the rule's places in ``rows``, mask their values one column per JSON
    kind, put the results back; returns how many values were masked."""
    places: list[Slot] = []
    counts: list[int] = []
    slots = r.path.slots_into
    for row in rows:
        document = documents[row]
        before = len(places)
        if document is not None:
            slots(document, places)
        counts.append(len(places) - before)
    owners = np.repeat(np.asarray(rows, dtype=np.int64), counts)
    values = [c[k] for c, k in places]
    distinct = set(map(type, values))
    # Kinds in the order first seen: with ``$..*`` an object masked before or after its
    # members gives different documents, so the order is part of the output.
    types = [type(v) for v in values] if len(distinct) > 1 else []
    present = [_KINDS.get(t) for t in (dict.fromkeys(types) if types else distinct)]
    wanted = [k for k in present if k is not None and _GROUP.get(k, k) in r.types]
    count = 0
    for kind in wanted:
        if len(present) == 1:
            group, group_values, group_owners = places, values, owners
        else:
            index = [i for i, t in enumerate(types) if _KINDS.get(t) == kind]
            group = [places[i] for i in index]
            group_values = [values[i] for i in index]
            group_owners = owners[index]
        if kind in ("object", "array"):
            group_values = [json.dumps(v, ensure_ascii=False) for v in group_values]
        series = pl.Series("value", group_values, dtype=_DTYPES[kind])
        masked = r.mask(series, group_owners).to_list()
        for (container, key), new in zip(group, masked, strict=True):
            container[key] = new
        touched.update(group_owners.tolist())
        count += len(group)
    return count


_DTYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "float": pl.Float64(),
    "boolean": pl.Boolean(),
    "object": pl.String(),
    "array": pl.String(),
}


def _load(text: str) -> Any:
    """orjson, several times faster than the standard library; the standard library
    where orjson refuses valid JSON (integers beyond 64 bits)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _spaced(column: pl.Series) -> list[bool]:
    """Rows written with a space after colons or commas, as PostgreSQL prints jsonb:
    a touched document is written again the same way."""
    has = column.str.contains('": ', literal=True) | column.str.contains('", "', literal=True)
    return has.fill_null(False).to_list()


def _dump(document: Any, spaced: bool) -> str:
    if spaced:
        return json.dumps(document, ensure_ascii=False, separators=(", ", ": "))
    try:
        return orjson.dumps(document).decode()
    except TypeError:  # a mask returned something orjson does not write (a big integer)
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
