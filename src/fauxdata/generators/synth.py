"""Columns drawn from a model learned from a seed table (``synthesize:``).

Every part of a group draws from the group's streams ``(seed, table, "synth:<group>")``,
never its column's, so the amount, currency and category of a row belong together
though each column is its own generator. The group's values for a block are drawn once
and shared by its parts (per thread, keyed by the very row array the engine passes).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import lru_cache

import polars as pl

from fauxdata.engine.rng import Stream
from fauxdata.generators.base import ColumnContext, Generator, Rows
from fauxdata.spec.synthesize import Synthesized
from fauxdata.synth.model import Model


class _Group:
    """One group's sampler and stream, and the last block it drew on each thread."""

    def __init__(self, model: Model, stream: Stream) -> None:
        from fauxdata.synth.sample import Sampler  # SciPy's interpolation: only for synthesize

        self.sampler = Sampler(model)
        self.stream = stream
        self.last = threading.local()

    def values(self, rows: Rows) -> dict[str, pl.Series]:
        cached = getattr(self.last, "block", None)
        if cached is not None and cached[0] is rows:
            return cached[1]
        drawn = self.sampler.sample(rows, self.stream)
        self.last.block = (rows, drawn)
        return drawn


@lru_cache(maxsize=64)
def _group(model: Model, seed: int, table: str, group: str) -> _Group:
    return _Group(model, Stream.of(seed, table, f"synth:{group}"))


class SynthesizedGenerator(Generator):
    kinds = ("synthesize",)
    spec: Synthesized

    def __init__(self, spec: Synthesized, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        from fauxdata.synth.store import model_for  # fitting imports SciPy: on first use

        self.model = model_for(spec, ctx.base_dir, f"tables.{ctx.table}.synthesize")
        self.group = _group(self.model, ctx.seed, ctx.table, spec.group)

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return self.group.values(rows)[self.spec.part]

    def domain_size(self) -> int | None:
        learned = self.model.columns[self.spec.part]
        return len(learned.labels) if learned.kind == "categorical" else None
