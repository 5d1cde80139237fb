"""Free-text de-identification: replace, annotate or redact every identifier found.

``deidentify`` takes a column of texts and gives back the cleaned column and a count of
replacements per entity type. ``replace`` writes a fake of the same type, the same for
the same value everywhere (keyed, see ``fakes``); ``annotate`` writes the type in
brackets (``[EMAIL]``); ``redact`` writes ``[REDACTED]``. Text between identifiers is
copied unchanged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from fauxdata.text.collector import paused
from fauxdata.text.detect import ENTITIES, Span, check_entities, find_spans, spans_in
from fauxdata.text.fakes import fake
from fauxdata.text.workers import PARALLEL_MIN, default_workers, run_in_workers

Action = Literal["replace", "annotate", "redact"]
ACTIONS: tuple[Action, ...] = ("replace", "annotate", "redact")
BATCH = 20_000
"""Texts scanned per joined string: bounds memory, not results."""


@dataclass
class DeidResult:
    texts: pl.Series
    counts: Counter[str] = field(default_factory=Counter)
    """Replacements per entity type."""

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def deidentify(
    texts: pl.Series | Sequence[str | None],
    *,
    entities: Sequence[str] = ENTITIES,
    action: Action = "replace",
    locale: str = "en_US",
    key: bytes = b"",
    workers: int | None = None,
) -> DeidResult:
    """De-identify a column of free text (NULLs stay NULL).

    Each distinct text is cleaned once (the result depends on the text alone, so a
    repeated text comes out identical) and replacements are counted once per row. From
    ``PARALLEL_MIN`` distinct texts on, slices of them are cleaned in ``workers``
    processes at once (default: one per core, at most four; ``1`` keeps the work in
    this process): detection is Python per match, which threads would serialise on the
    GIL. The output is the same whatever the number of workers.

    Raises:
        ValueError: an unknown entity type or action (the spec layer names its path).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action '{action}'")
    check_entities(entities)
    series = texts if isinstance(texts, pl.Series) else pl.Series(list(texts), dtype=pl.String)
    series = series.cast(pl.String)
    distinct = series.drop_nulls().to_frame("text").group_by("text", maintain_order=True).len()
    values, weights = distinct["text"], distinct["len"]
    n = default_workers() if workers is None else max(1, workers)
    parallel = n > 1 and values.len() >= PARALLEL_MIN
    step = _step(values.len(), n) if parallel else BATCH
    tasks = [
        (values.slice(i, step), weights.slice(i, step), tuple(entities), action, locale, key)
        for i in range(0, values.len(), step)
    ]
    done = run_in_workers(clean, tasks, n if parallel else 1)
    counts: Counter[str] = Counter()
    for _, found in done:
        counts.update(found)
    cleaned = pl.concat([texts_out for texts_out, _ in done]) if done else values
    if distinct.height == series.len():  # every row a text of its own, in row order
        out = cleaned
    else:
        out = series.replace_strict(values, cleaned, default=None, return_dtype=pl.String)
    return DeidResult(out.alias(series.name), counts)


def _step(count: int, workers: int) -> int:
    """Texts per task: at most ``BATCH``, in a multiple of ``workers`` tasks of equal
    size, so every worker gets the same share (five tasks on two workers left one
    idle for the last fifth: 1.7 times one core's rate instead of 2), and at least two
    rounds, so a worker slowed by other load hands its second share to the other."""
    rounds = max(2, -(-count // (workers * BATCH)))
    return -(-count // (rounds * workers))


def clean(
    batch: pl.Series,
    weights: pl.Series,
    entities: Sequence[str],
    action: Action,
    locale: str,
    key: bytes,
) -> tuple[pl.Series, Counter[str]]:
    """One slice of distinct texts (no NULLs) cleaned, with its replacements counted
    ``weights`` times each (a module-level function, so a worker process can run it).
    Texts go in and out as columns: pickled as Arrow, they cost the caller less than
    lists of strings, and the column is read into Python once."""
    texts: list[str] = batch.to_list()
    counts: Counter[str] = Counter()
    with paused():  # candidates and spans are acyclic: see ``collector``
        spans = spans_in(batch, texts, entities, locale)
        cleaned = _rewrite(texts, weights.to_list(), spans, action, locale, key, counts)
        del spans  # freed while the collector is off, not walked by its next pass
    return pl.Series(batch.name, cleaned, dtype=pl.String), counts


def _rewrite(
    batch: list[str],
    weights: list[int],
    spans: list[Span],
    action: Action,
    locale: str,
    key: bytes,
    counts: Counter[str],
) -> list[str]:
    """The batch with its spans (sorted by row and offset) substituted;
    ``weights[row]`` is how many rows hold that text, for the counts. One pass over
    the spans, a row's text joined when the next row's spans begin."""
    out = list(batch)
    substitute = _substitution(action, locale, key)
    replace = action == "replace"  # the fake called directly: a call less per identifier
    tally: dict[str, int] = {}
    row, last, text, weight = -1, 0, "", 0
    pieces: list[str] = []
    for span_row, start, end, entity, value in spans:  # unpacked: no attribute lookups
        if span_row != row:
            if row >= 0:
                pieces.append(text[last:])
                out[row] = "".join(pieces)
            row, last, pieces = span_row, 0, []
            text, weight = batch[row], weights[row]
        pieces += (  # one extend, not two appends
            text[last:start],
            fake(entity, value, key, locale) if replace else substitute(entity, value),
        )
        tally[entity] = tally.get(entity, 0) + weight
        last = end
    if row >= 0:
        pieces.append(text[last:])
        out[row] = "".join(pieces)
    counts.update(tally)
    return out


def _substitution(action: Action, locale: str, key: bytes) -> Callable[[str, str], str]:
    """What an identifier (entity type, text) is replaced with."""
    if action == "annotate":
        return lambda entity, _: f"[{entity.upper()}]"
    if action == "redact":
        return lambda _, __: "[REDACTED]"
    return lambda entity, value: fake(entity, value, key, locale)


__all__ = ["ACTIONS", "ENTITIES", "Action", "DeidResult", "Span", "deidentify", "find_spans"]
