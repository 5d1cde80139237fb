"""Subsetting with foreign-key closure: ``--subset customers=10%`` or
``--subset "customers: country = 'NL'"``.

Rows are chosen by a predicate per table, decided before anything is written:

* a table with a rule keeps the rows it selects (a percentage is a keyed hash of the
  primary key, so the same rows every run; a condition is SQL the source evaluates);
* with ``children``, a table referencing a subset table keeps only the rows whose
  parents (in subset tables) were kept; other tables are kept whole;
* the parents of every kept row are kept too, so every foreign key in the output
  resolves.

Parents pulled in can have children of their own to keep, and those more parents, so
the two steps repeat until no kept set grows (a fixpoint): chains of any depth,
self-references (hierarchies) and cycles between tables all close. Kept keys are
remembered as sorted arrays of keyed 64-bit hashes of the key tuples, never as rows;
each round reads the key columns only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.engine.rng import U64, mix64
from fauxdata.errors import FauxdataError, did_you_mean
from fauxdata.mask.hashing import distinct, keyed_hash
from fauxdata.mask.keys import MaskKey
from fauxdata.mask.sources import Source
from fauxdata.spec.plan import Plan, ResolvedForeignKey

Keep = npt.NDArray[np.bool_]
_PERCENT = re.compile(r"^\s*([^:=]+?)\s*=\s*(\d+(?:\.\d+)?)\s*%\s*$")
_WHERE = re.compile(r"^\s*([^:=]+?)\s*:\s*(.+)$", re.S)
"""The table is anything up to ``=`` or ``:``: ``sales.customers`` and ``Order Line`` too."""
_GAMMA = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class SubsetRule:
    table: str
    percent: float | None = None
    where: str | None = None


def parse_subset(text: str) -> SubsetRule:
    """``TABLE=N%`` or ``TABLE: SQL condition``.

    Raises:
        FauxdataError: neither form, or a percentage outside (0, 100].
    """
    if match := _PERCENT.match(text):
        percent = float(match.group(2))
        if not 0 < percent <= 100:
            raise FauxdataError(f"{percent}% is not in (0, 100]", path=f"--subset {text}")
        return SubsetRule(match.group(1), percent=percent)
    if match := _WHERE.match(text):
        return SubsetRule(match.group(1), where=match.group(2).strip())
    raise FauxdataError(
        f"cannot read '{text}'",
        path="--subset",
        hint="TABLE=10% or \"TABLE: country = 'NL'\"",
    )


def tuple_hash(frame: pl.DataFrame, columns: tuple[str, ...], key: int) -> tuple[U64, Keep]:
    """A keyed hash per row of the column tuple, and which rows have no NULL in it."""
    h = np.zeros(frame.height, dtype=np.uint64)
    valid = np.ones(frame.height, dtype=bool)
    with np.errstate(over="ignore"):
        for i, c in enumerate(columns):
            col = frame.get_column(c)
            valid &= col.is_not_null().to_numpy()
            h = mix64(h + keyed_hash(col, key) * (_GAMMA + np.uint64(i)))
    return h, valid


def _member(h: U64, kept: U64) -> Keep:
    if kept.size == 0:
        return np.zeros(h.shape, dtype=bool)
    at = np.minimum(np.searchsorted(kept, h), kept.size - 1)
    return kept[at] == h


@dataclass
class _Table:
    rule: SubsetRule | None = None
    via: list[ResolvedForeignKey] = field(default_factory=list)
    """Children mode: foreign keys to subset parents that decide the rows."""
    kept: dict[tuple[str, ...], U64] = field(default_factory=dict)
    """Referenced column tuple -> hashes of the kept rows' values."""
    up: dict[tuple[str, ...], U64] = field(default_factory=dict)
    """Referenced column tuple -> hashes kept so children's foreign keys resolve."""


_NONE = np.zeros(0, dtype=np.uint64)


class Subset:
    """Which source rows each mask table keeps."""

    def __init__(
        self,
        plan: Plan,
        tables: list[str],
        source: Source,
        rules: list[SubsetRule],
        key: MaskKey,
        children: bool = False,
    ) -> None:
        self.plan, self.source = plan, source
        self.order = [t for t in plan.tables if t in tables]
        self.key = key.derive("subset")
        self.state: dict[str, _Table] = {}
        for rule in rules:
            if rule.table not in tables:
                raise FauxdataError(
                    f"no mask table '{rule.table}'",
                    path="--subset",
                    hint=did_you_mean(rule.table, tables) or f"tables: {', '.join(tables)}",
                )
            self.state[rule.table] = _Table(rule=rule)
        if children:
            self._children()
        self.rounds = self._close()
        """Rounds the closure took (the last one changed nothing)."""

    def subset(self, table: str) -> bool:
        return table in self.state

    def where(self, table: str) -> str | None:
        state = self.state.get(table)
        return state.rule.where if state and state.rule else None

    def columns(self, table: str) -> list[str]:
        """Source columns the predicate reads."""
        t = self.plan.tables[table]
        wanted = list(t.primary_key)
        for fk in t.foreign_keys:
            wanted.extend(fk.columns)
        for child in self.order:
            for fk in self.plan.tables[child].foreign_keys:
                if fk.parent == table:
                    wanted.extend(fk.parent_columns)
        if not t.primary_key:
            wanted.extend(t.columns)
        return list(dict.fromkeys(c for c in wanted if c in self._source_columns(table)))

    def _source_columns(self, table: str) -> list[str]:
        return list(self.source.schema().tables[table].columns)

    def keep(self, table: str, batch: pl.DataFrame) -> Keep:
        """Rows of a source batch the output keeps."""
        state = self.state.get(table)
        if state is None:
            return np.ones(batch.height, dtype=bool)
        keep = self._base(state, table, batch)
        for cols, hashes in state.up.items():
            h, valid = tuple_hash(batch, cols, self.key)
            keep |= valid & _member(h, hashes)
        return keep

    def _base(self, state: _Table, table: str, batch: pl.DataFrame) -> Keep:
        rule = state.rule
        if rule is not None and rule.where is not None:
            return batch.get_column("__keep").fill_null(False).to_numpy().astype(bool)
        if rule is not None and rule.percent is not None:
            t = self.plan.tables[table]
            cols = t.primary_key or tuple(c for c in t.columns if c in batch.columns)
            h, _ = tuple_hash(batch, tuple(cols), self.key)
            return (h % np.uint64(1_000_000)) < np.uint64(round(rule.percent * 10_000))
        keep = np.ones(batch.height, dtype=bool)
        for fk in state.via:
            h, valid = tuple_hash(batch, fk.columns, self.key)
            keep &= ~valid | _member(h, self.state[fk.parent].kept.get(fk.parent_columns, _NONE))
        return keep

    def _read(self, table: str) -> Iterator[pl.DataFrame]:
        for batch in self.source.batches(table, self.columns(table), self.where(table)):
            yield pl.DataFrame(pl.from_arrow(batch))

    def _referenced(self, table: str) -> list[tuple[str, ...]]:
        return list(
            dict.fromkeys(
                fk.parent_columns
                for child in self.order
                for fk in self.plan.tables[child].foreign_keys
                if fk.parent == table
            )
        )

    def _children(self) -> None:
        """Children mode: every table referencing a subset table (directly or through
        another such table) is decided by its parents."""
        for table in self.order:
            if table in self.state:
                continue
            via = [
                fk
                for fk in self.plan.tables[table].foreign_keys
                if fk.parent in self.state and fk.parent != table
            ]
            if via:
                self.state[table] = _Table(via=via)

    def _close(self) -> int:
        """Alternate the two steps until nothing grows: each subset table's kept key
        values (parents first), then the parent keys its kept rows need (children
        first); returns the rounds taken."""
        rounds = 0
        while True:
            rounds += 1
            grew = False
            for table in self.order:
                state = self.state.get(table)
                referenced = self._referenced(table)
                if state is None or not referenced:
                    continue
                found: dict[tuple[str, ...], list[U64]] = {cols: [] for cols in referenced}
                for batch in self._read(table):
                    keep = self.keep(table, batch)
                    for cols in referenced:
                        h, valid = tuple_hash(batch, cols, self.key)
                        found[cols].append(h[keep & valid])
                for cols, hashes in found.items():
                    grew |= _grow(state.kept, cols, hashes)
            for table in reversed(self.order):
                fks = [fk for fk in self.plan.tables[table].foreign_keys if fk.parent in self.state]
                if not fks or (rounds > 1 and table not in self.state):
                    continue  # a table kept whole needs the same parents every round
                needed: dict[tuple[str, tuple[str, ...]], list[U64]] = {}
                for batch in self._read(table):
                    keep = self.keep(table, batch)
                    for fk in fks:
                        h, valid = tuple_hash(batch, fk.columns, self.key)
                        needed.setdefault((fk.parent, fk.parent_columns), []).append(
                            h[keep & valid]
                        )
                for (parent, cols), hashes in needed.items():
                    grew |= _grow(self.state[parent].up, cols, hashes)
            if not grew:
                return rounds


def _grow(sets: dict[tuple[str, ...], U64], cols: tuple[str, ...], hashes: list[U64]) -> bool:
    """Merge ``hashes`` into ``sets[cols]``; True when it grew."""
    before = sets.get(cols, _NONE)
    merged = distinct(np.concatenate([before, *hashes]))
    sets[cols] = merged
    return merged.size > before.size
