"""Shared vectorized helpers for the simulation: draws, calendars, money and grouping.

Every draw comes from a counter-based ``Stream`` addressed by a row key, so a table is a
pure function of (seed, scenario parameters, table) and needs no per-row Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
from scipy import special

from fauxdata.engine.rng import Stream
from fauxdata.scenarios.params import Scenario

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

DAYS_PER_MONTH = 30.4375
SLOT = 4096
"""Row keys of per-customer events are ``customer * SLOT + k``: a customer's k-th draw does
not move when another customer has more or fewer events."""


@dataclass(frozen=True)
class Offsets:
    """Rows made by earlier customer blocks, per table: ids and row keys of a block
    continue from them, so the data do not depend on the block size."""

    customer: int = 0
    order: int = 0
    line: int = 0
    touch: int = 0
    account: int = 0
    entry: int = 0
    ret: int = 0


def stream(scenario: Scenario, table: str, purpose: str) -> Stream:
    """The stream for one purpose of one table, keyed by names (never positions)."""
    return Stream.of(scenario.seed, "scenario", table, purpose)


def normal(s: Stream, rows: npt.ArrayLike) -> F64:
    """Standard normal draws by inverse CDF (one uniform per row)."""
    return np.asarray(special.ndtri(s.uniform_open(rows)), dtype=np.float64)


def exponential(s: Stream, rows: npt.ArrayLike) -> F64:
    """Exponential(1) draws."""
    return -np.log(s.uniform_open(rows))


def poisson(s: Stream, rows: npt.ArrayLike, mean: npt.ArrayLike) -> I64:
    """Poisson draws by inverse CDF (one uniform per row), zero where the mean is zero.

    The CDF is accumulated term by term over the rows still below their uniform, so the
    cost is about ``rows x mean`` vector operations and no per-row Python; means above
    500 use the normal approximation (the pmf underflows there)."""
    u = s.uniform_open(rows)
    mu = np.broadcast_to(np.asarray(mean, dtype=np.float64), u.shape).copy()
    out = np.zeros(len(u), dtype=np.int64)
    big = mu > 500
    if big.any():
        out[big] = np.maximum(np.round(mu[big] + np.sqrt(mu[big]) * special.ndtri(u[big])), 0)
    p = np.exp(-np.where(big, 0.0, mu))
    cdf = p.copy()
    active = np.flatnonzero(~big & (mu > 0) & (u > cdf))
    k = 0
    while active.size:
        k += 1
        p[active] *= mu[active] / k
        cdf[active] += p[active]
        out[active] = k
        active = active[(u[active] > cdf[active]) & (p[active] > 0)]
    return out


def categorical(s: Stream, rows: npt.ArrayLike, weights: npt.ArrayLike) -> I64:
    """Indices into ``weights`` drawn in proportion to them."""
    w = np.asarray(weights, dtype=np.float64)
    cum = np.cumsum(w / w.sum())
    cum[-1] = 1.0
    return np.searchsorted(cum, s.uniform(rows), side="right").astype(np.int64)


def expand(counts: I64) -> tuple[I64, I64]:
    """For counts per group: the group of each expanded row and its rank within the group."""
    groups = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    return groups, np.arange(len(groups), dtype=np.int64) - np.repeat(starts, counts)


def group_sum(groups: I64, values: npt.ArrayLike, size: int) -> npt.NDArray[np.float64]:
    """Sum of values per group id in [0, size)."""
    return np.asarray(
        np.bincount(groups, weights=np.asarray(values, dtype=np.float64), minlength=size),
        dtype=np.float64,
    )


def allocate_cents(groups: I64, rank: I64, weights: F64, totals: I64) -> I64:
    """Split each group's integer total over its rows in proportion to ``weights`` so the
    parts sum to the total exactly: each part is the floor of its share and the leftover
    cents (fewer than the group's rows) go one each to its first rows by ``rank``. This
    is what makes line amounts and attributed revenue reconcile to the cent."""
    size = len(totals)
    wsum = group_sum(groups, weights, size)
    share = weights / np.where(wsum > 0, wsum, 1.0)[groups]
    floor = np.floor(totals[groups] * share).astype(np.int64)
    remainder = totals - np.bincount(groups, weights=floor, minlength=size).astype(np.int64)
    return floor + (rank < remainder[groups]).astype(np.int64)


def labels(names: list[str] | tuple[str, ...], codes: npt.ArrayLike) -> pl.Series:
    """A string column from small-integer codes (a gather, far cheaper than building
    Python or NumPy strings per row)."""
    return pl.Series(list(names), dtype=pl.String).gather(np.asarray(codes, dtype=np.int64))


def total_days(scenario: Scenario) -> int:
    """Days in the simulated range, both ends included."""
    return (scenario.end - scenario.start).days + 1


def day_of(scenario: Scenario, date: dt.date | None) -> float | None:
    """A date as days since the start of the range (None stays None)."""
    return None if date is None else float((date - scenario.start).days)


def month_labels(scenario: Scenario) -> list[str]:
    """``YYYY-MM`` of every month the range touches."""
    first = dt.date(scenario.start.year, scenario.start.month, 1)
    out = []
    for m in range(scenario.months):
        y, mo = divmod(first.month - 1 + m, 12)
        out.append(f"{first.year + y:04d}-{mo + 1:02d}")
    return out


def month_start_days(scenario: Scenario, months: int) -> I64:
    """Day offsets of the first day of each of ``months`` months from the start month."""
    first = dt.date(scenario.start.year, scenario.start.month, 1)
    out = []
    for m in range(months + 1):
        y, mo = divmod(first.month - 1 + m, 12)
        out.append((dt.date(first.year + y, mo + 1, 1) - scenario.start).days)
    return np.asarray(out, dtype=np.int64)


def daily_multiplier(scenario: Scenario) -> F64:
    """Order-rate multiplier per day: weekly x yearly seasonality x the promotion's lift
    (the dip after it falls on the promotion's buyers only: ``transactions``)."""
    days = total_days(scenario)
    dates = np.datetime64(scenario.start) + np.arange(days)
    dow = (dates.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thursday
    weekly = np.asarray(scenario.season.weekly, dtype=np.float64)
    weekly = weekly / weekly.mean()
    doy = (dates - dates.astype("datetime64[Y]")).astype(np.int64) + 1
    season = scenario.season
    yearly = 1 + season.yearly_amplitude * np.cos(
        2 * np.pi * (doy - season.yearly_peak_day) / 365.25
    )
    return weekly[dow] * yearly * promo_multiplier(scenario, np.arange(days, dtype=np.float64))


def promo_window(scenario: Scenario) -> tuple[float, float] | None:
    """[start, end) of the promotion in days, or None."""
    p = scenario.promo
    if p.start is None or p.end is None:
        return None
    return float((p.start - scenario.start).days), float((p.end - scenario.start).days + 1)


def dip_window(scenario: Scenario) -> tuple[float, float] | None:
    """[start, end) of the post-promotion dip in days, or None."""
    window = promo_window(scenario)
    if window is None or scenario.promo.dip_days == 0:
        return None
    return window[1], window[1] + scenario.promo.dip_days


def promo_multiplier(scenario: Scenario, day: F64) -> F64:
    """The lift inside the promotion, 1 elsewhere."""
    out = np.ones_like(day)
    window = promo_window(scenario)
    if window is not None:
        out[(day >= window[0]) & (day < window[1])] = scenario.promo.lift
    return out


def timestamps(scenario: Scenario, days: F64) -> pl.Series:
    """Fractional days since the start as second-resolution timestamps."""
    base = np.datetime64(scenario.start, "s").astype(np.int64)
    seconds = base + np.floor(days * 86400).astype(np.int64)
    return pl.Series((seconds * 1_000_000).astype("datetime64[us]"))


def dates(scenario: Scenario, days: F64) -> pl.Series:
    """Fractional days since the start as calendar dates."""
    base = np.datetime64(scenario.start, "D")
    return pl.Series(base + np.floor(days).astype("timedelta64[D]"))


def money(cents: npt.ArrayLike) -> pa.Array:
    """Integer cents as an exact DECIMAL(12,2) Arrow array (no float rounding): the
    128-bit values are the cents and their sign extension, shared without a copy."""
    c = np.asarray(cents, dtype=np.int64)
    words = np.empty((len(c), 2), dtype=np.int64)
    words[:, 0] = c
    words[:, 1] = c >> 63
    return pa.Array.from_buffers(pa.decimal128(12, 2), len(c), [None, pa.py_buffer(words)])
