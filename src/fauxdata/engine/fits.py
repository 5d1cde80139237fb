"""Refuse, before anything is written, values the declared type would reject or mangle.

A generator knows its range (``uniform_int`` 0..1e20) and, for text, its widest value
(``CUS-{:06d}`` is 10 characters). Compared with the column's type: integers must fit
the integer type, numbers must fit ``decimal(p,s)``, and the values of a key column must
fit ``varchar(n)``, since cut keys may repeat. Where a bound is unknown the value is
checked as it is generated instead (``cast.cast_column``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from fauxdata.errors import GenerationError
from fauxdata.generators import Generator
from fauxdata.spec import generators as g
from fauxdata.spec.division import divisors
from fauxdata.spec.plan import ResolvedColumn
from fauxdata.spec.types import INTEGER_BOUNDS, ColumnType


def check_fits(
    generator: Generator, ctype: ColumnType, declared: bool, path: str, key: bool
) -> None:
    """Raise when the generator's known range or width does not fit the column type.

    Raises:
        GenerationError: naming the values found and the type they need.
    """
    if generator.ctx.n_rows == 0:
        return
    where = f"{path}.type" if declared else f"{path}.generator"
    if ctype.is_integer or ctype.name == "decimal":
        low, high = generator.value_range()
        for bound in (low, high):
            if bound is not None and not _fits_number(bound, ctype):
                raise GenerationError(
                    f"'{generator.spec.kind}' makes values from {_shown(low)} to {_shown(high)}; "
                    f"expected values that fit {ctype} ({_limits(ctype)})",
                    path=where,
                    hint=_wider(ctype, low, high),
                )
    if key and ctype.name == "varchar" and ctype.length is not None:
        width = generator.max_width()
        if width is not None and width > ctype.length:
            raise GenerationError(
                f"'{generator.spec.kind}' makes key values of up to {width} characters; "
                f"{ctype} would cut them, so keys may repeat",
                path=where,
                hint=f"use varchar({width}) or wider",
            )


def _fits_number(value: float, ctype: ColumnType) -> bool:
    if math.isnan(value):
        return True
    if ctype.is_integer:
        low, high = INTEGER_BOUNDS[ctype.name]
        return low <= value <= high
    scale = ctype.scale or 0
    return abs(round(value, scale)) < 10 ** ((ctype.precision or 18) - scale)


def _limits(ctype: ColumnType) -> str:
    if ctype.is_integer:
        low, high = INTEGER_BOUNDS[ctype.name]
        return f"{low:,} to {high:,}"
    scale = ctype.scale or 0
    most = 10 ** ((ctype.precision or 18) - scale) - 10**-scale
    return f"at most {most:,.{scale}f} in absolute value"


def _wider(ctype: ColumnType, low: float | None, high: float | None) -> str:
    if ctype.name == "bigint":
        return "narrow the generator's bounds: bigint is the widest integer type"
    if ctype.is_integer:
        return "use bigint or narrow the generator's bounds"
    largest = max(abs(b) for b in (low, high) if b is not None)
    scale = ctype.scale or 0
    whole = len(str(int(largest))) if largest >= 1 else 1
    if whole + scale > 38:
        return "narrow the generator's bounds"
    return f"use decimal({whole + scale},{scale}) or narrow the generator's bounds"


def _shown(value: float | None) -> str:
    if value is None:
        return "unbounded"
    return f"{value:,}" if isinstance(value, int) or abs(value) < 1e15 else f"{value:.4g}"


def check_divisors(column: ResolvedColumn, generators: Mapping[str, Generator], path: str) -> None:
    """A NOT NULL formula or SQL column must not divide by a literal 0 or by a column whose
    range includes 0: that division gives NULL.

    Raises:
        GenerationError: naming the divisor and its range.
    """
    if column.nullable:
        return
    where = f"{path}.generator." + (
        "formula" if isinstance(column.generator, g.Formula) else "expression"
    )
    hint = "declare the column nullable: true, or guard the divisor (IF([d] = 0, ..., [n] / [d]))"
    for divisor in divisors(column.generator):
        if divisor.zero:
            reason = ""
        elif divisor.column is not None and divisor.column in generators:
            low, high = generators[divisor.column].value_range()
            if low is None or high is None or not low <= 0 <= high:
                continue
            reason = f" (from {_shown(low)} to {_shown(high)}, 0 included)"
        else:
            continue
        raise GenerationError(
            f"divides by {divisor.text}{reason}: division by zero gives NULL, "
            "but the column is NOT NULL",
            path=where,
            hint=hint,
        )
