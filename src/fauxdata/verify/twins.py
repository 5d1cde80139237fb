"""NumPy twins of the temporal and lookup rules' SQL, for a chunk of rows read already.

``relations`` defines each rule as SQL over a row ``c`` and the row it compares with
(its parent ``p``, or itself). Run per chunk in DuckDB, TPC-H lineitem's two date rules
were a third of its verification: registering the chunk and its parent rows, planning
the query and reading the columns back cost more than the comparisons. A twin counts
the same violations from the columns' buffers. It answers only where it gives exactly
what the SQL gives (dates, timestamps of second to microsecond units, durations of
whole seconds; lookups between columns of one exact type), and None otherwise: the
chunk's SQL then counts every rule of the chunk, so a twin never changes a result.
``tests/test_verify_twins.py`` holds each twin to its SQL on values at the bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fauxdata.arrow_numpy import from_numpy
from fauxdata.verify.keys import decimal_words, primitive, validity

Values: TypeAlias = pa.ChunkedArray | pa.Array

Twin = Callable[[Values, Values, "np.ndarray | None"], "int | None"]
"""Counts the rows of ``mine`` that break a rule against ``base``, where ``base`` is
lined up by the row numbers given (-1: no row, as a LEFT JOIN's NULLs) or, for None,
row by row; None where the twin cannot give the SQL's answer."""

_MICROS = {"s": 1_000_000, "ms": 1_000, "us": 1}


def after(low: float, high: float, shift: float) -> Twin | None:
    """The twin of ``epoch(c) < epoch(base) + low - shift OR epoch(c) > epoch(base) +
    high`` over rows where both are set (``relations._rule_groups``); None where the
    delays are not whole seconds (DuckDB's decimal literals would round them its way)."""
    if not all(float(v).is_integer() for v in (low, high, shift)):
        return None
    floor, ceiling = int(low) - int(shift), int(high)
    # Two dates' epochs are whole days of seconds, exact in a double: the rule holds
    # where the days between them, d, have d * 86400 within [floor, ceiling].
    first_day, last_day = -(-floor // 86400), ceiling // 86400

    def count(mine: Values, base: Values, at: np.ndarray | None) -> int | None:
        if pa.types.is_date32(mine.type) and pa.types.is_date32(base.type):
            days, known = _filled(mine)
            base_days, base_known = _lined_up(*_filled(base), at)
            apart = days.astype(np.int64) - base_days
            bad = (apart < first_day) | (apart > last_day)
        else:
            ours, theirs = _epoch(mine), _epoch(base)
            if ours is None or theirs is None:
                return None
            seconds, known = ours
            base_seconds, base_known = _lined_up(*theirs, at)
            bad = (seconds < (base_seconds + low) - shift) | (seconds > base_seconds + high)
        return int(np.count_nonzero(_where_known(bad, known, base_known)))

    return count


def same(mine: Values, base: Values, at: np.ndarray | None) -> int | None:
    """The twin of ``c.column IS DISTINCT FROM base`` (a lookup), for two columns of one
    type: integers, dates, timestamps and decimals by their stored values, strings and
    booleans by Arrow's comparison (floats are left to SQL, whose NaN equals NaN)."""
    if mine.type != base.type:
        return None
    kind = mine.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_boolean(kind):
        return _distinct_arrow(mine, base, at)
    ours, theirs = _stored(mine), _stored(base)
    if ours is None or theirs is None:
        return None
    values, known = ours
    base_values, base_known = _lined_up(*theirs, at)
    differ = values != base_values
    if differ.ndim == 2:  # decimals: two words a value
        differ = differ.any(axis=1)
    differ = _where_known(differ, known, base_known)
    if known is not None or base_known is not None:  # set on one side only
        differ |= _all(known, len(values)) != _all(base_known, len(values))
    return int(np.count_nonzero(differ))


def _distinct_arrow(mine: Values, base: Values, at: np.ndarray | None) -> int:
    lined = base if at is None else _taken(base, at)
    equal = pc.fill_null(pc.equal(mine, lined), False)
    both_null = pc.and_(pc.is_null(mine), pc.is_null(lined))
    return len(mine) - int(pc.sum(pc.or_(equal, both_null)).as_py() or 0)


def _taken(values: Values, at: np.ndarray) -> Values:
    return values.take(from_numpy(at, mask=at < 0))


Known = np.ndarray | None
"""Which rows are set (not NULL); None for every row."""


def _epoch(values: Values) -> tuple[np.ndarray, Known] | None:
    """Seconds since 1970 as DuckDB's ``epoch()`` gives them (a double: days times
    86400 for a date, microseconds over a million for a timestamp) and which rows are
    set; None for another type or unit."""
    kind = values.type
    if pa.types.is_date32(kind):
        days, known = _filled(values)
        return days.astype(np.float64) * 86400.0, known
    if pa.types.is_timestamp(kind) and kind.unit in _MICROS:
        stamps, known = _filled(values)
        micros = stamps.astype(np.int64) * _MICROS[kind.unit]
        return micros.astype(np.float64) / 1e6, known
    return None


def _stored(values: Values) -> tuple[np.ndarray, Known] | None:
    """Each row's stored value, comparable with ``!=`` (decimals as two 64-bit words),
    and which rows are set; None for a type compared otherwise."""
    kind = values.type
    if (
        pa.types.is_integer(kind)
        or pa.types.is_date32(kind)
        or pa.types.is_date64(kind)
        or pa.types.is_timestamp(kind)
    ):
        return _filled(values)
    if pa.types.is_decimal128(kind):
        return decimal_words(values), _validity(values)
    return None


def _filled(values: Values) -> tuple[np.ndarray, Known]:
    """The values of a fixed-width column (anything where NULL) and which rows are set."""
    found = primitive(values, nulls=True)
    assert found is not None, values.type  # only asked of fixed-width types
    return found, _validity(values)


def _validity(values: Values) -> Known:
    return validity(values) if values.null_count else None


def _all(known: Known, rows: int) -> np.ndarray:
    return np.ones(rows, dtype=bool) if known is None else known


def _where_known(bad: np.ndarray, known: Known, base_known: Known) -> np.ndarray:
    """``bad`` where both sides are set."""
    if known is not None:
        bad &= known
    if base_known is not None:
        bad &= base_known
    return bad


def _lined_up(values: np.ndarray, known: Known, at: np.ndarray | None) -> tuple[np.ndarray, Known]:
    """``values`` and ``known`` at the rows ``at`` (-1: unknown), or as they are."""
    if at is None:
        return values, known
    if not len(values):
        nothing = np.zeros((len(at), *values.shape[1:]), dtype=values.dtype)
        return nothing, np.zeros(len(at), dtype=bool)
    missing = at < 0
    if not missing.any():
        return values[at], None if known is None else known[at]
    inside = np.where(missing, 0, at)
    return values[inside], _all(known, len(values))[inside] & ~missing
