"""What the engine can index, so ``check`` refuses a count it could never honour.

Row indices are int64, and row counts pass through float64 (``--scale``, exact choice
ratios), which is exact up to 2**53; a children-per-parent layout keeps one 8-byte
offset per parent row in memory. Counts past these limits are refused with the figure
and the limit instead of running out of memory or wrapping around.
"""

from __future__ import annotations

MAX_ROWS = 2**53
"""Rows of one table: 9,007,199,254,740,992 (float64 counts are exact up to here)."""

MAX_PARENTS = 2**28
"""Parent rows of a per-parent layout or a skewed pick: 4 to 8 bytes each in memory (1-2 GiB)."""

INT64 = (-(2**63), 2**63 - 1)


def too_many_rows(count: float) -> str | None:
    """Why a row count cannot be generated, or None when it can."""
    if count > MAX_ROWS or count < 0:
        shown = f"{count:,}" if isinstance(count, int) and abs(count) < 10**18 else f"{count:.4g}"
        return f"found {shown} rows; expected 0 to {MAX_ROWS:,} (2^53, what one table can index)"
    return None


def outside_int64(value: float) -> bool:
    """True when an integer parameter would wrap around in an int64."""
    return not INT64[0] <= value <= INT64[1]
