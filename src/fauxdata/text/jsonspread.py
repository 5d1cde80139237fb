"""JSON rule masking spread over worker processes.

Parsing, walking and writing documents is Python per document, which threads would
serialise on the GIL; the masks are not (they run over whole columns), and they may
need this process's state (the batch a rule's mask keys by). So each worker holds a
slice of the rows as ``Documents`` from the first call to the last, and for each rule
hands back the values its path names there; this process joins the slices' values in
row order, runs the mask once per kind over the whole column, exactly as in one
process, and sends each worker its part of the result to put back. At the end the
workers write the touched documents again.

The worker-side functions below run in a worker process; a slice lives in its
``_slices`` under a token until ``_close`` or ``_drop``.
"""

from __future__ import annotations

import gc
import secrets
from collections import Counter
from collections.abc import Sequence
from contextlib import suppress
from functools import cache
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.text.jsondocs import Documents
from fauxdata.text.jsonmask import Fallback, JsonMaskResult, Rule, candidates, masked, spaced
from fauxdata.text.jsonpath import JSONPath, compile_path
from fauxdata.text.workers import WorkerError, reserved

_slices: dict[str, Documents] = {}
_collector: list[bool] = []
"""Whether the cycle collector was on before the first slice came."""


def mask_spread(
    column: pl.Series, rules: Sequence[Rule], fallback: Fallback, workers: int
) -> JsonMaskResult:
    """``mask_json`` of a String column on ``workers`` worker processes."""
    texts: list[str | None] = column.to_list()
    step = -(-len(texts) // workers)
    starts = list(range(0, len(texts), step))
    token = secrets.token_hex(8)
    replaced: Counter[str] = Counter()
    with reserved(len(starts)) as crew:
        try:
            invalid = crew.each(_open, [(token, texts[a : a + step]) for a in starts])
            for r in rules:
                rows = np.asarray(candidates(column, r.path), dtype=np.int64)
                cuts = np.searchsorted(rows, [*starts, len(texts)])
                found = crew.each(
                    _gather,
                    [
                        (token, r.path.text, r.types, (rows[cuts[i] : cuts[i + 1]] - a).tolist())
                        for i, a in enumerate(starts)
                    ],
                )
                count = 0
                for kind in dict.fromkeys(k for kinds in found for k in kinds):
                    parts = crew.each(_values, [(token, kind)] * len(starts))
                    values = [v for part, _ in parts for v in part]
                    owners = np.concatenate(
                        [o + a for (_, o), a in zip(parts, starts, strict=True)]
                    )
                    result = masked(r, kind, values, owners)
                    bounds = np.cumsum([0] + [len(part) for part, _ in parts]).tolist()
                    crew.each(
                        _put,
                        [(token, kind, result[b:e]) for b, e in pairwise(bounds)],
                    )
                    count += len(values)
                replaced[r.path.text] += count
            flags = spaced(column)
            written = crew.each(_close, [(token, flags[a : a + step]) for a in starts])
        finally:
            with suppress(WorkerError):  # a worker that is gone holds nothing
                crew.each(_drop, [(token,)] * len(starts))
    out = list(texts)
    for a, part in zip(starts, written, strict=True):
        for i, text in part.items():
            out[a + i] = text
    bad = [a + i for a, part in zip(starts, invalid, strict=True) for i in part]
    if fallback == "redact":
        for i in bad:
            out[i] = None
    return JsonMaskResult(pl.Series(column.name, out, dtype=pl.String), replaced, len(bad))


# --- in the worker -----------------------------------------------------------------------


@cache
def _path(text: str) -> JSONPath:
    return compile_path(text)


def _open(token: str, texts: list[str | None]) -> list[int]:
    """Parse a slice; returns the rows (in it) that are not JSON. The cycle collector
    stays off while the worker holds a slice: between calls, unpickling the next
    call's values would set it off, and each pass would walk every object of every
    held document (they hold no cycles; see ``collector``)."""
    if not _slices:
        _collector.append(gc.isenabled())
        gc.disable()
    _slices[token] = Documents(texts)
    return _slices[token].invalid


def _gather(token: str, path: str, types: frozenset[str], rows: list[int]) -> list[str]:
    return _slices[token].gather(_path(path), types, rows)


def _values(token: str, kind: str) -> tuple[list[Any], npt.NDArray[np.int64]]:
    return _slices[token].values(kind)


def _put(token: str, kind: str, values: list[Any]) -> None:
    _slices[token].put(kind, values)


def _close(token: str, spaced: list[bool]) -> dict[int, str]:
    return _slices[token].dump(spaced)


def _drop(token: str) -> None:
    """Forget a slice (its objects go by reference counting); with the last one, the
    collector is back as it was."""
    _slices.pop(token, None)
    if not _slices and _collector and _collector.pop():
        gc.enable()
