"""Columns read from the source (``mode: mask`` tables): nothing to generate here.

The kind exists so a masked column is a complete spec column; ``fauxdata mask`` reads
its values, and ``fauxdata generate`` says so instead of inventing them.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from fauxdata.generators.base import Generator, Rows


class FromSourceGenerator(Generator):
    kinds = ("source",)

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        raise self.ctx.error(
            f"table '{self.ctx.table}' has mode: mask: its rows come from a source",
            hint="run fauxdata mask SPEC --from SOURCE --to TARGET",
        )
