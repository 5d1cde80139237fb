"""Customers: acquisition date and channel, segment, home store, loyalty enrolment, and a
lifetime drawn from the churn hazard.

A customer's monthly hazard is ``1 - (1 - h) ** (segment multiplier x cohort multiplier)``
so survival after k months is exactly ``(1 - h_i) ** k``; the QA retention bands use the
same formula (``hazard``), which is why it lives here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from fauxdata.scenarios.params import Scenario
from fauxdata.scenarios.simulate.common import (
    DAYS_PER_MONTH,
    F64,
    I64,
    B,
    categorical,
    dates,
    exponential,
    labels,
    month_start_days,
    stream,
    total_days,
)


@dataclass(frozen=True)
class Customers:
    """One block of customers (global indices ``first .. first + len - 1``) as the
    table and the arrays the rest of the simulation reads, indexed locally."""

    first: int
    frame: pl.DataFrame
    segment: I64
    acquired: F64
    churn: F64
    """Fractional day of churn; may lie beyond the end of the range."""
    home_store: I64
    member: B

    def __len__(self) -> int:
        return len(self.segment)


def hazard(scenario: Scenario, segment: I64, cohort: pl.Series | list[str]) -> F64:
    """Monthly churn hazard per customer from its segment and cohort (``YYYY-MM``)."""
    mult = np.asarray([s.churn_multiplier for s in scenario.segments.values()])[segment]
    if scenario.churn.cohort is not None:
        hit = np.asarray(pl.Series(cohort, dtype=pl.String) == scenario.churn.cohort)
        mult = np.where(hit, mult * scenario.churn.cohort_multiplier, mult)
    return np.asarray(1 - (1 - scenario.churn.monthly_hazard) ** mult, dtype=np.float64)


def build_customers(scenario: Scenario, first: int, stop: int) -> Customers:
    """Customers ``first .. stop - 1``, acquired uniformly over the first
    ``acquisition.last_month`` months."""
    idx = np.arange(first, stop, dtype=np.int64)
    segments = list(scenario.segments.values())
    segment = categorical(
        stream(scenario, "customers", "segment"), idx, [s.share for s in segments]
    )
    months = min(scenario.acquisition.last_month, scenario.months)
    span = float(min(month_start_days(scenario, months)[-1], total_days(scenario)))
    acquired = np.floor(stream(scenario, "customers", "acquired").uniform(idx) * span)
    acquired += stream(scenario, "customers", "acquired_time").uniform(idx) * 0.999
    acq_dates = dates(scenario, acquired)
    cohort = acq_dates.dt.strftime("%Y-%m")
    h = hazard(scenario, segment, cohort)
    lifetime_months = exponential(stream(scenario, "customers", "lifetime"), idx) / -np.log1p(-h)
    churn = acquired + lifetime_months * DAYS_PER_MONTH
    shares = scenario.acquisition.channels
    channel = categorical(stream(scenario, "customers", "channel"), idx, list(shares.values()))
    stores = scenario.channels.physical_stores
    home = stream(scenario, "customers", "home_store").below(idx, stores) + 3
    enroll = np.asarray([s.enroll_rate for s in segments])[segment]
    member = stream(scenario, "customers", "enrolled").uniform(idx) < enroll
    end = total_days(scenario)
    frame = pl.DataFrame(
        {
            "customer_id": idx + 1,
            "acquired_on": acq_dates,
            "cohort_month": acq_dates.dt.truncate("1mo"),
            "acquisition_channel": labels(list(shares), channel),
            "segment": labels(list(scenario.segments), segment),
            "home_store_id": home,
            "loyalty_member": member,
            "churned_on": dates(scenario, churn).set(pl.Series(churn >= end), None),
        }
    )
    return Customers(first, frame, segment, acquired, churn, home, member)
