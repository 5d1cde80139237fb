"""Key generators: sequences, formatted ids, deterministic UUIDs, unique random integers.

All are injective functions of the row index, so they are unique by construction and a
child table can compute any parent key from a parent row index alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import polars as pl

from fauxdata.engine.permute import Permutation
from fauxdata.engine.rng import mix64, stable_key
from fauxdata.errors import GenerationError
from fauxdata.generators.base import Generator, Rows, number_width
from fauxdata.generators.text import _HEX, digit_width, digits, fixed_width
from fauxdata.spec import generators as g
from fauxdata.spec.limits import outside_int64


class SequenceGenerator(Generator):
    kinds = ("sequence",)
    inherently_unique = True
    spec: g.Sequence

    def value_range(self) -> tuple[float | None, float | None]:
        return last_values(self.spec.start, self.spec.step, self.ctx.n_rows)

    def max_width(self) -> int:
        low, high = last_values(self.spec.start, self.spec.step, self.ctx.n_rows)
        return number_width(low, high)

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return pl.Series(self.spec.start + rows * self.spec.step, dtype=pl.Int64)


def last_values(start: int, step: int, n_rows: int) -> tuple[int, int]:
    """The smallest and largest of start, start + step, ... over n rows."""
    last = start + max(n_rows - 1, 0) * step
    return min(start, last), max(start, last)


_FIELD = re.compile(r"\{(?::(0?)(\d*)([dxX]?))?\}")


class FormattedIdGenerator(Generator):
    """``EMP-{:06d}``: a sequence rendered with a prefix, suffix and zero padding."""

    kinds = ("formatted_id",)
    inherently_unique = True
    spec: g.FormattedId

    def __init__(self, spec: g.FormattedId, ctx: object) -> None:
        super().__init__(spec, ctx)  # type: ignore[arg-type]
        match = _FIELD.search(spec.format)
        assert match is not None  # guaranteed by the spec model
        self.prefix = spec.format[: match.start()]
        self.suffix = spec.format[match.end() :]
        zero, width, conv = match.groups(default="")
        self.pad = int(width) if zero and width else 0
        self.base = 16 if conv in ("x", "X") else 10
        self.upper = conv == "X"
        low, high = last_values(spec.start, spec.step, self.ctx.n_rows)
        if outside_int64(low) or outside_int64(high):
            raise self.ctx.error(
                f"ids run from {low:,} to {high:,} over {self.ctx.n_rows:,} rows; expected them "
                "within int64 (-2^63 to 2^63-1)",
                "lower 'start' or 'step'",
            )
        if low < 0 and self.base == 16:
            raise self.ctx.error("hexadecimal ids need non-negative values", "raise 'start'")

    def max_width(self) -> int:
        low, high = last_values(self.spec.start, self.spec.step, self.ctx.n_rows)
        if self.base == 10:
            digits_needed = max(number_width(low, high), self.pad + (low < 0))
        else:
            digits_needed = max(len(f"{high:x}"), self.pad, 1)
        return len(self.prefix) + digits_needed + len(self.suffix)

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        values = self.spec.start + rows * self.spec.step
        if self.base == 10:
            numbers = pl.Series(values, dtype=pl.Int64).cast(pl.String).str.zfill(self.pad)
        else:
            width = max(1, digit_width(int(values.max()), 16)) if values.size else 1
            numbers = fixed_width(digits(values, width, 16, self.upper))
            numbers = numbers.str.strip_chars_start("0").str.zfill(max(self.pad, 1))
        return pl.select(
            pl.concat_str(pl.lit(self.prefix), pl.lit(numbers), pl.lit(self.suffix))
        ).to_series()


class UuidGenerator(Generator):
    """Version-4-shaped UUIDs whose 64 low-order entropy bits are a bijection of the row."""

    kinds = ("uuid",)
    inherently_unique = True

    def max_width(self) -> int:
        return 36

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        key = np.uint64(stable_key(self.ctx.seed, self.ctx.table, self.ctx.column, "uuid"))
        with np.errstate(over="ignore"):
            v = mix64(rows.astype(np.uint64) ^ key)  # bijective: distinct rows, distinct v
        noise = self.ctx.stream("uuid-noise").bits(rows)
        v60 = v >> np.uint64(4)
        hi = (
            ((v60 >> np.uint64(12)) << np.uint64(16)) | np.uint64(0x4000) | (v60 & np.uint64(0xFFF))
        )
        lo = (
            (noise & np.uint64(0x3FFFFFFFFFFFFFF0))
            | np.uint64(0x8000000000000000)
            | (v & np.uint64(0xF))
        )
        nibbles = np.empty((rows.shape[0], 32), dtype=np.uint8)
        for i in range(16):
            shift = np.uint64(60 - 4 * i)
            nibbles[:, i] = ((hi >> shift) & np.uint64(0xF)).astype(np.uint8)
            nibbles[:, 16 + i] = ((lo >> shift) & np.uint64(0xF)).astype(np.uint8)
        text = np.full((rows.shape[0], 36), ord("-"), dtype=np.uint8)
        positions = [*range(8), *range(9, 13), *range(14, 18), *range(19, 23), *range(24, 36)]
        text[:, positions] = _HEX[nibbles]
        return fixed_width(text)


class UniqueIntGenerator(Generator):
    """Distinct integers from [min, max] in a random-looking order (keyed permutation)."""

    kinds = ("unique_int",)
    inherently_unique = True
    spec: g.UniqueInt

    def __init__(self, spec: g.UniqueInt, ctx: object) -> None:
        super().__init__(spec, ctx)  # type: ignore[arg-type]
        size = spec.max - spec.min + 1
        if size < self.ctx.n_rows:
            raise GenerationError(
                f"range [{spec.min}, {spec.max}] holds {size} values but the table has {self.ctx.n_rows} rows",
                path=self.ctx.path,
                hint="widen the range or lower the row count",
            )
        self.permutation = Permutation(
            size, stable_key(self.ctx.seed, self.ctx.table, self.ctx.column, "unique_int")
        )

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return pl.Series(self.permutation(rows) + self.spec.min, dtype=pl.Int64)

    def value_range(self) -> tuple[float | None, float | None]:
        return self.spec.min, self.spec.max

    def max_width(self) -> int:
        return number_width(self.spec.min, self.spec.max)
