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

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import orjson
import polars as pl

from fauxdata.text.collector import paused
from fauxdata.text.jsondocs import Documents
from fauxdata.text.jsonpath import JSONPath, compile_path
from fauxdata.text.workers import default_workers

ValueMask = Callable[[pl.Series, npt.NDArray[np.int64]], pl.Series]
"""Masks one column of values, given the row each value came from (the same contract
as a plain column's mask, whose per-row draws key by row)."""

JsonType = Literal["string", "number", "boolean", "object", "array"]
JSON_TYPES: tuple[JsonType, ...] = ("string", "number", "boolean", "object", "array")
Fallback = Literal["passthrough", "redact"]
SPREAD_MIN = 20_000
"""Documents from which a column is masked on worker processes: below it, handing
texts over and back costs more than the second core gives."""


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
    column: pl.Series,
    rules: Sequence[Rule],
    *,
    fallback: Fallback = "passthrough",
    workers: int | None = None,
) -> JsonMaskResult:
    """Apply ``rules`` in order to every document of ``column`` (JSON text).

    From ``SPREAD_MIN`` rows on, the documents are parsed, walked and written again in
    ``workers`` processes at once (default: one per core, at most four; ``1`` keeps
    the work in this process), each holding a slice of the rows, while the rules'
    masks still run here, once per rule and kind over the whole column. The output is
    the same whatever the number of workers.
    """
    column = column.cast(pl.String)
    n = default_workers() if workers is None else max(1, workers)
    if n > 1 and column.len() >= SPREAD_MIN:
        from fauxdata.text.jsonspread import mask_spread

        return mask_spread(column, rules, fallback, n)
    texts: list[str | None] = column.to_list()
    out: list[str | None] = list(texts)
    replaced: Counter[str] = Counter()
    with paused():
        documents = Documents(texts)
        escaped = escapes(column)
        for r in rules:
            count = 0
            for kind in documents.gather(r.path, r.types, candidates(column, r.path, escaped)):
                values, owners = documents.values(kind)
                documents.put(kind, r.mask(column_of(kind, values), owners).to_list())
                count += len(values)
            replaced[r.path.text] += count
        if documents.touched.any():
            for i, text in documents.dump(spaced(column)).items():
                out[i] = text
        if fallback == "redact":
            for i in documents.invalid:
                out[i] = None
        invalid = len(documents.invalid)
        del documents  # freed now: with the collector back on, its first pass would
        # walk every object of every document before they go (see ``collector``)
    return JsonMaskResult(pl.Series(column.name, out, dtype=pl.String), replaced, invalid)


def column_of(kind: str, values: list[Any]) -> pl.Series:
    """One kind's values as the column its rule's mask runs over."""
    return pl.Series("value", values, dtype=_DTYPES[kind])


def escapes(column: pl.Series) -> pl.Series:
    """Rows whose text holds a backslash (an escape that could spell a member name),
    found once per column for every rule's ``candidates``."""
    return column.str.contains("\\", literal=True).fill_null(False)


def candidates(column: pl.Series, path: JSONPath, escaped: pl.Series) -> list[int]:
    """Rows whose text spells every member name of ``path`` (``"name"``), or holds an
    escape (``escaped``, from ``escapes``) that could spell one: the others cannot
    have a place on it. One vectorized substring search per name instead of a walk
    per document."""
    if not path.keys:
        return list(range(column.len()))
    frame = pl.DataFrame({"t": column, "e": escaped})
    spelled = pl.all_horizontal(
        pl.col("t").str.contains(orjson.dumps(k).decode(), literal=True) for k in path.keys
    )
    hits = frame.select((spelled | pl.col("e")).fill_null(False))
    return hits.to_series().arg_true().to_list()


_DTYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "float": pl.Float64(),
    "boolean": pl.Boolean(),
    "object": pl.String(),
    "array": pl.String(),
}


def spaced(column: pl.Series) -> list[bool]:
    """Rows written with a space after colons or commas, as PostgreSQL prints jsonb:
    a touched document is written again the same way."""
    has = column.str.contains('": ', literal=True) | column.str.contains('", "', literal=True)
    return has.fill_null(False).to_list()
