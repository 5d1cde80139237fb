"""The NumPy twins of the temporal and lookup rules give exactly what their SQL gives.

Each case lines a child column up with a base column (through row numbers, -1 for an
orphan, as a merge with the parent file finds them), counts the rule's violations with
the twin, and counts them again with the rule's SQL in DuckDB over the same rows.
Values sit on and one unit beside each bound, with NULLs on either side.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from fauxdata.arrow_numpy import from_numpy
from fauxdata.verify.twins import after, same

DAY = 86_400


def _sql_count(bad: str, mine: pa.Array, base: pa.Array, at: np.ndarray | None) -> int:
    lined = base if at is None else base.take(from_numpy(at, mask=at < 0))
    con = duckdb.connect()
    con.register("c", pa.table({"x": mine}))
    con.register("p", pa.table({"y": lined}))
    row = con.execute(f"SELECT count(*) FILTER (WHERE {bad}) FROM c POSITIONAL JOIN p").fetchone()
    assert row is not None
    return int(row[0])


def _after_sql(low: float, high: float, date: bool) -> str:
    """The rule's SQL as ``relations._rule_groups`` writes it."""
    return (
        "c.x IS NOT NULL AND p.y IS NOT NULL AND "
        f"(epoch(c.x) < epoch(p.y) + {low} - 86400 * {int(date)} OR epoch(c.x) > epoch(p.y) + {high})"
    )


def _near(base: list[int], offsets: list[int]) -> list[int]:
    return [b + o for b in base for o in offsets]


@pytest.mark.parametrize(
    ("kind", "unit", "low", "high", "date"),
    [
        (pa.timestamp("us"), 1_000_000, 3_600, 720 * DAY, False),
        (pa.timestamp("us", tz="UTC"), 1_000_000, 1, 30 * DAY, False),
        (pa.timestamp("ms"), 1_000, 0, 90 * DAY, False),
        (pa.timestamp("s"), 1, 60, 2 * DAY, False),
        (pa.date32(), 1, 1 * DAY, 121 * DAY, True),
        (pa.date32(), 1, 30 * DAY, 90 * DAY, True),
        (pa.date32(), 1, 0, 0, True),
    ],
)
def test_after_counts_what_its_sql_counts(
    kind: pa.DataType, unit: int, low: int, high: int, date: bool
) -> None:
    shift = DAY if date else 0
    twin = after(float(low), float(high), float(shift))
    assert twin is not None
    if date:  # day numbers: the bounds in days, and children around them
        base = [0, 18_000, -3, 20_000]
        children = _near(
            base, [low // DAY - 2, low // DAY - 1, low // DAY, high // DAY, high // DAY + 1]
        )
    else:  # stamps in the unit: the bounds in seconds, children one unit and one second off
        scale = {"s": 1, "ms": 1_000, "us": 1_000_000}[kind.unit]
        base = [b * scale for b in [0, 1_000_000, -3, 1_700_000_000]]
        edges = [low * scale, high * scale]
        offsets = sorted({e + d for e in edges for d in (-scale, -1, 0, 1, scale)})
        assert unit == scale
        children = _near(base, offsets)
    rng = np.random.default_rng(7)
    parents = len(base)
    at = np.repeat(np.arange(parents), len(children) // parents)
    at[rng.choice(len(at), size=3, replace=False)] = -1  # orphans
    mine_values: list[int | None] = list(children)
    for i in rng.choice(len(mine_values), size=4, replace=False):
        mine_values[i] = None
    storage = pa.int32() if date else pa.int64()
    mine = pa.array(mine_values, storage).cast(kind)
    base_array = pa.array([*base[:-1], None] if parents > 2 else base, storage).cast(kind)
    expected = _sql_count(_after_sql(float(low), float(high), date), mine, base_array, at)
    assert twin(mine, base_array, at) == expected
    assert expected > 0  # the cases do reach past the bounds
    chunked = pa.chunked_array([mine.slice(0, 5), mine.slice(5)])
    assert twin(chunked, base_array, at) == expected


def test_after_on_one_row_compares_its_own_columns() -> None:
    twin = after(float(DAY), float(30 * DAY), float(DAY))
    assert twin is not None
    ship = pa.array([dt.date(2020, 1, 1)] * 4)
    receipt = pa.array([dt.date(2020, 1, 1), dt.date(2020, 1, 2), dt.date(2020, 1, 31), None])
    expected = _sql_count(_after_sql(float(DAY), float(30 * DAY), True), receipt, ship, None)
    assert twin(receipt, ship, None) == expected == 0
    late = pa.array([dt.date(2020, 2, 1)])
    assert twin(late, ship.slice(0, 1), None) == 1


def test_after_declines_what_it_cannot_give_exactly() -> None:
    assert after(0.5, 10.0, 0.0) is None  # fractional seconds: DuckDB's decimal literal
    twin = after(1.0, 10.0, 0.0)
    assert twin is not None
    nanos = pa.array([1, 2], pa.timestamp("ns"))
    assert twin(nanos, nanos, None) is None
    numbers = pa.array([1.0, 2.0])
    assert twin(numbers, numbers, None) is None


@pytest.mark.parametrize(
    ("mine", "base"),
    [
        (pa.array([1, 2, None, 4, 5, None]), pa.array([1, 3, None, None, 5])),
        (
            pa.array(
                [Decimal("1.10"), Decimal("-2.00"), None, Decimal("4.00")], pa.decimal128(8, 2)
            ),
            pa.array(
                [Decimal("1.10"), Decimal("2.00"), Decimal("3.00"), None], pa.decimal128(8, 2)
            ),
        ),
        (pa.array(["a", "b", None, "d", ""]), pa.array(["a", "B", None, None, ""])),
        (pa.array([True, False, None, True]), pa.array([True, True, None, None])),
        (
            pa.array([dt.date(2020, 1, 1), None, dt.date(2020, 1, 3)]),
            pa.array([dt.date(2020, 1, 1), dt.date(2020, 1, 2), dt.date(2020, 1, 4)]),
        ),
        (
            pa.array([dt.datetime(2020, 1, 1, 0, 0, 1), None], pa.timestamp("us")),
            pa.array([dt.datetime(2020, 1, 1), None], pa.timestamp("us")),
        ),
    ],
)
def test_same_counts_what_is_distinct_from_counts(mine: pa.Array, base: pa.Array) -> None:
    rows = len(mine)
    for at in (
        np.arange(rows) % len(base),
        np.where(np.arange(rows) % 3 == 1, -1, np.arange(rows) % len(base)),
    ):
        expected = _sql_count("c.x IS DISTINCT FROM p.y", mine, base, at)
        assert same(mine, base, at) == expected
    if len(base) == rows:
        assert same(mine, base, None) == _sql_count("c.x IS DISTINCT FROM p.y", mine, base, None)


def test_same_declines_floats_and_types_that_differ() -> None:
    floats = pa.array([float("nan"), 1.0])
    assert same(floats, floats, None) is None  # DuckDB's NaN equals NaN; Arrow's does not
    assert same(pa.array([1], pa.int32()), pa.array([1], pa.int64()), None) is None
