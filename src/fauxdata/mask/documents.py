"""Masks for columns that hold documents: JSON by JSONPath rules, and free text.

``json`` gathers, per rule, the values its path names across the batch and runs the
rule's own mask (any mask: ``email``, ``fpe``, ``hash``, ``free_text``, ...) over them as
one column, so a card number inside a document is masked exactly like a card number
column. ``free_text`` finds identifiers (``fauxdata.text``) and replaces them with keyed
fakes, or annotates or redacts them. Both count what they replaced, by rule or by
entity type, for the privacy report; neither changes text it found nothing in, so the
value-level leak check does not judge them (their ``tally`` reports instead).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from typing import Any

import numpy as np
import polars as pl

from fauxdata.mask.masks import Mask, MaskContext, Rows, implementation
from fauxdata.spec import masks as m
from fauxdata.spec.types import ColumnType
from fauxdata.text import deidentify
from fauxdata.text.jsonmask import mask_json, rule
from fauxdata.text.jsonpath import JSONPathError


class _Tallied(Mask):
    transforms = False

    def __init__(self, spec: Any, ctx: MaskContext) -> None:
        super().__init__(spec, ctx)
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def _add(self, counts: Counter[str] | dict[str, int]) -> None:
        with self._lock:
            self._counts.update(counts)

    def tally(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)


class FreeTextMaskImpl(_Tallied):
    kinds = ("free_text",)
    spec: m.FreeTextMask
    families = ("text",)
    hint = "free_text masks text columns"

    def __init__(self, spec: m.FreeTextMask, ctx: MaskContext) -> None:
        super().__init__(spec, ctx)
        self.secret = ctx.key.digest("free_text", spec.domain, size=32)

    def apply(self, values: pl.Series, batch: pl.DataFrame, rows: Rows) -> pl.Series:
        done = deidentify(
            values,
            entities=self.spec.entities,
            action=self.spec.action,
            locale=self.spec.locale or self.ctx.locale,
            key=self.secret,
        )
        self._add(done.counts)
        return done.texts.alias(values.name)


class JsonMaskImpl(_Tallied):
    kinds = ("json",)
    spec: m.JsonMask
    families = ("text", "other")
    hint = "json masks columns of JSON text"

    def __init__(self, spec: m.JsonMask, ctx: MaskContext) -> None:
        super().__init__(spec, ctx)
        self.rules = []
        for i, r in enumerate(spec.rules):
            inner_ctx = replace(  # the column's pii: is the document's, not the path's
                ctx, column=f"{ctx.column}.mask.rules.{i}", type=ColumnType("text"), pii=None
            )
            inner = implementation(r.mask.kind)(r.mask, inner_ctx)
            try:
                self.rules.append(rule(r.path, self._runner(inner), r.types or spec.types))
            except (JSONPathError, ValueError) as exc:
                raise ctx.error(f"rules.{i}.path: {exc}") from None
        self._batch: threading.local = threading.local()

    def _runner(self, inner: Mask) -> Any:
        def run(values: pl.Series, owners: Rows) -> pl.Series:
            batch: pl.DataFrame = self._batch.frame
            rows: Rows = self._batch.rows
            return inner.apply(values, batch[owners], rows[owners])

        return run

    def apply(self, values: pl.Series, batch: pl.DataFrame, rows: Rows) -> pl.Series:
        self._batch.frame, self._batch.rows = batch, np.asarray(rows, dtype=np.int64)
        done = mask_json(values.cast(pl.String), self.rules, fallback=self.spec.fallback)
        self._add(Counter({f"rule {r}": n for r, n in done.replaced.items()}))
        if done.invalid:
            self._add({"not JSON": done.invalid})
        return done.values.alias(values.name)
