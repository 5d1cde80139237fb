"""The leak check: after masking, compare each masked column with its source.

Two figures per column, computed while the batches stream past:

* **unchanged**: rows whose output equals their own source value;
* **found**: distinct source values that appear anywhere in the output column.

Distinct values are remembered as 64-bit hashes (Polars' own, seeded per run: they live
only as long as the run, so they need not be stable across versions). Past ``CAP``
(1M) distinct hashes a side keeps only the hashes below a threshold that halves as
needed: both sides keep the same slice of the hash space, so the overlap found in it
is exact for that slice and memory stays bounded whatever the column's size. Columns
without a found check keep only their source side, and only ``COUNT_CAP`` (4,096)
hashes: their number of distinct values is exact up to there and estimated past it,
where ``3/D`` no longer matters.

A column leaks when (tolerance ``t``, default 1%, with ``D`` distinct source values):

* unchanged rows exceed ``t + 3/D`` of its non-NULL rows (``3/D``: a small domain maps
  some values to themselves by chance);
* for masks whose output space is wide (``key``, ``fpe``, ``hash`` on text, ``email``,
  ``uuid``), source values found in the output exceed ``t + D / 10^L`` of them, ``L``
  the shortest output value's length (the chance of a collision in that format).
  Integer keys are permuted within their digit range, so an id that shows up in
  another row is expected there; only ids kept in their own row count for them.

``noise`` perturbs rather than hides and ``passthrough`` is a choice: both are
reported, never failed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import polars as pl

from fauxdata.engine.rng import U64
from fauxdata.mask.masks import Mask, family

CAP = 1 << 20
"""Distinct hashes kept exactly for the found check (source and output alike)."""
COUNT_CAP = 1 << 12
"""Distinct hashes kept exactly where only the number of distinct values is needed."""
TOLERANCE = 0.01
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)


class HashSample:
    """Distinct 64-bit hashes, sampled by threshold past ``cap``.

    Batches are only filtered by the threshold and set aside; duplicates go when the
    pile outgrows twice ``cap`` (one sort then, instead of one per batch)."""

    def __init__(self, cap: int | None = None) -> None:
        self.cap = cap or CAP
        self.threshold = np.uint64(0xFFFFFFFFFFFFFFFF)
        self.kept = np.zeros(0, dtype=np.uint64)
        self._pending: list[U64] = []
        self._pending_size = 0

    def add(self, hashes: U64) -> None:
        if self.threshold != _ALL:
            hashes = hashes[hashes <= self.threshold]
        self._pending.append(hashes)
        self._pending_size += hashes.size
        if self._pending_size > 2 * self.cap:
            self.merge()

    def merge(self) -> None:
        pile = pl.Series(np.concatenate([self.kept, *self._pending]), dtype=pl.UInt64)
        self.kept = pile.unique().to_numpy()  # hash-based, unordered, on Polars' threads
        self._pending, self._pending_size = [], 0
        while self.kept.size > self.cap:
            self.threshold = self.threshold >> np.uint64(1)
            self.kept = self.kept[self.kept <= self.threshold]

    def final(self, threshold: np.uint64) -> U64:
        """The hashes at or below ``threshold`` (call ``merge`` first on both sides)."""
        return self.kept[self.kept <= threshold]

    @property
    def share(self) -> float:
        """The share of the hash space kept."""
        return (float(self.threshold) + 1.0) / 2.0**64


@dataclass
class LeakFigures:
    table: str
    column: str
    mask: str
    rows: int
    non_null: int
    unchanged: int
    distinct: int
    """Distinct source values (estimated when sampled)."""
    found: int | None
    """Source values found anywhere in the output (in the sampled slice); None: not checked."""
    sampled: bool
    allowed_unchanged: float
    allowed_found: float | None
    judged: bool
    """False for masks that are reported, never failed (noise)."""

    @property
    def unchanged_share(self) -> float:
        return self.unchanged / self.non_null if self.non_null else 0.0

    @property
    def found_share(self) -> float:
        checked = self.distinct
        return (self.found or 0) / checked if checked else 0.0

    @property
    def leaks(self) -> bool:
        if not self.judged:
            return False
        if self.unchanged_share > self.allowed_unchanged:
            return True
        return self.allowed_found is not None and self.found_share > self.allowed_found

    def as_dict(self) -> dict[str, object]:
        return {
            "table": self.table,
            "column": self.column,
            "mask": self.mask,
            "rows": self.rows,
            "non_null": self.non_null,
            "unchanged": self.unchanged,
            "unchanged_share": round(self.unchanged_share, 6),
            "distinct_source_values": self.distinct,
            "source_values_found": self.found,
            "found_share": round(self.found_share, 6) if self.found is not None else None,
            "sampled": self.sampled,
            "allowed_unchanged": round(self.allowed_unchanged, 6),
            "allowed_found": round(self.allowed_found, 6)
            if self.allowed_found is not None
            else None,
            "judged": self.judged,
            "leaks": self.leaks,
        }


def _hash(values: pl.Series, key: int) -> U64:
    return values.hash(key & 0xFFFFFFFF).to_numpy()


class ColumnLeaks:
    """Accumulates one masked column's figures, batch by batch, from any thread: the
    hashing runs unlocked, only the tallies take the lock, and no figure depends on
    the order batches arrive in (sums, a minimum, sets of hashes)."""

    def __init__(self, table: str, column: str, mask: Mask, key: int, tolerance: float) -> None:
        self.table, self.column, self.mask = table, column, mask
        self.key = key
        self.tolerance = tolerance
        self.rows = self.non_null = self.unchanged = 0
        self.wide = mask.wide
        self.text = False
        self.source = HashSample()
        self.output = HashSample()
        self.checks_found: bool | None = None
        """Decided by the first batch: wide masks with text output only."""
        self._lock = threading.Lock()
        self.shortest: int | None = None

    def update(self, source: pl.Series, output: pl.Series) -> None:
        if source.dtype != output.dtype:
            source, output = source.cast(pl.String), output.cast(pl.String)
        both = ~(source.is_null() | output.is_null())
        unchanged = int((both & (source == output).fill_null(False)).sum())
        checks_found = self.wide and family(output.dtype) != "integer"
        present_in = source.drop_nulls() if source.null_count() else source
        hashes_in = _hash(present_in, self.key)
        hashes_out, shortest = None, None
        if checks_found:
            present_out = output.drop_nulls() if output.null_count() else output
            hashes_out = _hash(present_out, self.key)
            if present_out.len():
                shortest = self.mask.shortest(present_out)
        with self._lock:
            self.rows += source.len()
            self.non_null += source.len() - source.null_count()
            self.unchanged += unchanged
            if self.checks_found is None:
                self.checks_found = checks_found
                if not checks_found:  # only the number of distinct source values counts
                    self.source = HashSample(COUNT_CAP)
            self.source.add(hashes_in)
            if hashes_out is not None:
                self.output.add(hashes_out)
            if shortest is not None:
                self.text = True
                self.shortest = shortest if self.shortest is None else min(self.shortest, shortest)

    def figures(self) -> LeakFigures:
        self.source.merge()
        self.output.merge()
        threshold = min(self.source.threshold, self.output.threshold)
        src = self.source.final(threshold)
        out = self.output.final(threshold)
        share = (float(threshold) + 1.0) / 2.0**64
        sampled = share < 1.0
        distinct = round(src.size / share)
        check_found = self.wide and self.text
        found = None
        if check_found:
            inside = pl.Series(src, dtype=pl.UInt64).is_in(
                pl.Series(out, dtype=pl.UInt64).implode()
            )
            found = int(inside.sum())
        allowed_found = None
        if check_found:
            chance = min(1.0, distinct / self.mask.output_space(self.shortest or 0))
            allowed_found = self.tolerance + chance
        return LeakFigures(
            self.table,
            self.column,
            self.mask.spec.kind,
            self.rows,
            self.non_null,
            self.unchanged,
            distinct if not sampled else round(src.size / share),
            round(found / share) if found is not None and sampled else found,
            sampled,
            self.tolerance + min(1.0, 3.0 / distinct) if distinct else 1.0,
            allowed_found,
            self.mask.spec.kind != "noise",
        )
