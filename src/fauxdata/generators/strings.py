"""Seed lists from files and constants."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from fauxdata.errors import did_you_mean
from fauxdata.generators.base import ColumnContext, Generator, Rows, text_width
from fauxdata.generators.choice import (
    WeightedPicker,
    WeightedValues,
    numeric_range,
    values_series,
)
from fauxdata.spec import generators as g


class SeedListGenerator(WeightedValues):
    """Values read from a TXT file (one per line) or a CSV file, with optional weights."""

    kinds = ("seed_list",)
    spec: g.SeedList

    def __init__(self, spec: g.SeedList, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        path = Path(spec.path)
        if not path.is_absolute():
            path = ctx.base_dir / path
        values, weights = self._read(path)
        if not values:
            raise ctx.error(f"seed list {path} holds no values", "add one value per line")
        self.values = values_series(values)
        self.picker = WeightedPicker(weights or [1.0] * len(values), ctx, spec.exact)

    def _read(self, path: Path) -> tuple[list[str], list[float] | None]:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise self.ctx.error(
                f"seed list file not found: {path}", "paths are relative to the spec file"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise self.ctx.error(f"cannot read seed list {path}: {exc}") from None
        if path.suffix.lower() == ".csv" and self.spec.separator is not None:
            raise self.ctx.error(
                f"{path.name} is a CSV file; 'separator' is for TXT files",
                "drop 'separator' and name the CSV column with 'column'",
            )
        if path.suffix.lower() != ".csv":
            if self.spec.column or self.spec.weight_column:
                raise self.ctx.error(
                    f"{path.name} is not a CSV file; 'column' and 'weight_column' need one"
                )
            lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
            if self.spec.separator is not None:
                lines = [part for line in lines for part in line.split(self.spec.separator)]
            values = [value.strip() for value in lines]
            return [value for value in values if value], None
        rows = list(csv.DictReader(text.splitlines()))
        header = list(rows[0]) if rows else []
        column = self.spec.column or (header[0] if header else "")
        for name in (column, self.spec.weight_column):
            if name is not None and name not in header:
                raise self.ctx.error(
                    f"{path.name} has no column '{name}'",
                    did_you_mean(name, header) or f"columns: {', '.join(header)}",
                )
        values = [row[column] for row in rows]
        if self.spec.weight_column is None:
            return values, None
        weights = []
        for line, row in enumerate(rows, start=2):
            try:
                weight = float(row[self.spec.weight_column])
            except (TypeError, ValueError):
                raise self.ctx.error(
                    f"{path.name} line {line}: weight {row[self.spec.weight_column]!r} is not a number"
                ) from None
            if weight < 0:
                raise self.ctx.error(f"{path.name} line {line}: weight {weight} is negative")
            weights.append(weight)
        if sum(weights) <= 0:
            raise self.ctx.error(f"{path.name}: weights are all zero")
        return values, weights


class ConstantGenerator(Generator):
    kinds = ("constant",)
    spec: g.Constant

    def __init__(self, spec: g.Constant, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        self.value = values_series([spec.value])

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return pl.repeat(self.value[0], rows.shape[0], dtype=self.value.dtype, eager=True)

    def domain_size(self) -> int:
        return 1

    def value_range(self) -> tuple[float | None, float | None]:
        return numeric_range(self.value)

    def max_width(self) -> int:
        return text_width(self.value)

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return self.generate(index, inputs)
