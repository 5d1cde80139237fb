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
from functools import cache, partial
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.text.jsondocs import Documents
from fauxdata.text.jsonmask import (
    Fallback,
    JsonMaskResult,
    Rule,
    candidates,
    column_of,
    escapes,
    spaced,
)
from fauxdata.text.jsonpath import JSONPath, compile_path
from fauxdata.text.workers import WorkerError, after_answer, reserved

_slices: dict[str, Documents] = {}
_texts: dict[str, list[str | None]] = {}
_columns: dict[str, tuple[pl.Series, pl.Series]] = {}
"""The slice as a column, and which of its rows hold an escape (``escapes``)."""
_collector: list[bool] = []
"""Whether the cycle collector was on before the first slice came."""


def mask_spread(
    column: pl.Series, rules: Sequence[Rule], fallback: Fallback, workers: int
) -> JsonMaskResult:
    """``mask_json`` of a String column on ``workers`` worker processes. Texts and
    values travel as Polars columns (pickled as Arrow, in bulk), so this process
    neither makes nor reads a Python object per document or value."""
    step = -(-column.len() // workers)
    starts = list(range(0, column.len(), step))
    token = secrets.token_hex(8)
    replaced: Counter[str] = Counter()
    with reserved(len(starts)) as crew:
        try:
            invalid = crew.each(_open, [(token, column.slice(a, step)) for a in starts])
            for r in rules:
                found = crew.each(_gather, [(token, r.path.text, r.types)] * len(starts))
                count = 0
                for kind in dict.fromkeys(k for kinds in found for k in kinds):
                    parts = crew.each(_values, [(token, kind)] * len(starts))
                    values = pl.concat([part for part, _ in parts])
                    owners = np.concatenate(
                        [o + a for (_, o), a in zip(parts, starts, strict=True)]
                    )
                    result = r.mask(values, owners)
                    if result.len() != values.len():
                        raise ValueError(
                            f"rule {r.path.text}: the mask gave {result.len()} values "
                            f"for {values.len()}"
                        )
                    bounds = np.cumsum([0] + [part.len() for part, _ in parts]).tolist()
                    crew.each(
                        _put,
                        [(token, kind, _portable(result[b:e])) for b, e in pairwise(bounds)],
                    )
                    count += values.len()
                replaced[r.path.text] += count
            redact = fallback == "redact"
            written = crew.each(_close, [(token, redact)] * len(starts))
        finally:
            with suppress(WorkerError):  # a worker that is gone holds nothing
                crew.each(_drop, [(token,)] * len(starts))
    out = pl.concat(written).alias(column.name)
    return JsonMaskResult(out, replaced, sum(len(part) for part in invalid))


def _portable(values: pl.Series) -> pl.Series | list[Any]:
    """A mask's answers as they can travel: a column, or a list where its values are
    Python objects (an Object column has no Arrow form)."""
    return values.to_list() if values.dtype == pl.Object else values


# --- in the worker -----------------------------------------------------------------------


@cache
def _path(text: str) -> JSONPath:
    return compile_path(text)


def _open(token: str, column: pl.Series) -> list[int]:
    """Parse a slice; returns the rows (in it) that are not JSON. The cycle collector
    stays off while the worker holds a slice: between calls, unpickling the next
    call's values would set it off, and each pass would walk every object of every
    held document (they hold no cycles; see ``collector``)."""
    if not _slices:
        _collector.append(gc.isenabled())
        gc.disable()
    texts = column.to_list()
    _slices[token] = Documents(texts)
    _texts[token] = texts
    _columns[token] = (column, escapes(column))
    return _slices[token].invalid


def _gather(token: str, path: str, types: frozenset[str]) -> list[str]:
    """The places of ``path`` in the slice, from the rows that can hold one (found
    here, on each worker's own slice, so the caller does not scan every text for
    every rule while the workers wait)."""
    compiled = _path(path)
    column, escaped = _columns[token]
    return _slices[token].gather(compiled, types, candidates(column, compiled, escaped))


def _values(token: str, kind: str) -> tuple[pl.Series, npt.NDArray[np.int64]]:
    values, owners = _slices[token].values(kind)
    return column_of(kind, values), owners


def _put(token: str, kind: str, values: pl.Series | list[Any]) -> None:
    _slices[token].put(kind, values.to_list() if isinstance(values, pl.Series) else values)


def _close(token: str, redact: bool) -> pl.Series:
    """The slice's texts: touched documents written again (with their own spacing),
    the rest as they came (or NULL where not JSON, with ``redact``)."""
    documents, out = _slices[token], list(_texts[token])
    for i, text in documents.dump(spaced(_columns[token][0])).items():
        out[i] = text
    if redact:
        for i in documents.invalid:
            out[i] = None
    return pl.Series(out, dtype=pl.String)


def _drop(token: str) -> None:
    """Forget a slice. Its objects are freed after the answer is sent (by reference
    counting: a tenth of the slice's whole masking, which the caller need not wait
    for); with the last one, the collector is back as it was."""
    held = [_slices.pop(token, None), _texts.pop(token, None), _columns.pop(token, None)]
    after_answer(partial(_free, held))


def _free(held: list[Any]) -> None:
    """Let a dropped slice go (its last references are in ``held``)."""
    held.clear()
    if not _slices and _collector and _collector.pop():
        gc.enable()
