"""Marketing touches (email, SMS, paid search, social, display) with opens and clicks,
and service touches (recall notices).

Each channel is a Poisson process over the customer's active life at its own monthly
rate; a campaign is one channel's sends in one calendar month (``EM-2025-03``). Opens and
clicks are Bernoulli at the channel's rates; a click becomes an order with probability
``marketing.response_rate`` within ``response_days`` (in ``transactions``), which is what
gives attribution a real signal to find.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import polars as pl

from fauxdata.errors import GenerationError
from fauxdata.scenarios.params import Scenario
from fauxdata.scenarios.simulate.common import (
    DAYS_PER_MONTH,
    F64,
    I64,
    SLOT,
    B,
    expand,
    labels,
    month_labels,
    month_start_days,
    poisson,
    stream,
    timestamps,
    total_days,
)
from fauxdata.scenarios.simulate.customers import Customers

CHANNELS = ("email", "sms", "paid_search", "social", "display")
PREFIX = {"email": "EM", "sms": "SM", "paid_search": "PS", "social": "SO", "display": "DI"}
KINDS = ("marketing", "recall_notice")
_NOTICE = 7
"""The channel slot of notices in ``key`` (channels use 0..4)."""


@dataclass(frozen=True)
class Touches:
    """A block's touches sorted by (customer, time); ``customer`` is the block-local
    customer index; ``key`` is a stable per-touch row key for later draws."""

    customer: I64
    day: F64
    channel: I64
    opened: B
    clicked: B
    notice: B
    key: I64

    def take(self, order: I64) -> Touches:
        return Touches(*(getattr(self, f.name)[order] for f in fields(Touches)))

    def __len__(self) -> int:
        return len(self.day)


def _sorted(t: Touches) -> Touches:
    span = float(t.day.max() + 1.0) if len(t) else 1.0
    return t.take(np.argsort(t.customer * span + t.day, kind="stable"))


def marketing_touches(scenario: Scenario, customers: Customers) -> Touches:
    """Every channel's touches while the customer is active (acquisition to churn or end)."""
    end = float(total_days(scenario))
    stop = np.minimum(customers.churn, end)
    active = np.maximum(stop - customers.acquired, 0.0) / DAYS_PER_MONTH
    idx = np.arange(customers.first, customers.first + len(customers), dtype=np.int64)
    parts: list[Touches] = []
    for ch, name in enumerate(CHANNELS):
        cfg = scenario.marketing.channels.get(name)  # type: ignore[call-overload]
        if cfg is None or cfg.touches_per_month == 0:
            continue
        mean = active * cfg.touches_per_month
        counts = poisson(stream(scenario, "touches", f"{name}.count"), idx, mean)
        if len(counts) and counts.max() >= SLOT:
            raise GenerationError(
                f"a customer would get {counts.max()} {name} touches (at most {SLOT - 1})",
                path=f"marketing.channels.{name}.touches_per_month",
                hint="lower the rate or shorten the range",
            )
        cust, k = expand(counts)
        rows = (cust + customers.first) * SLOT + k
        u = stream(scenario, "touches", f"{name}.time").uniform(rows)
        day = customers.acquired[cust] + u * (stop - customers.acquired)[cust]
        opened = stream(scenario, "touches", f"{name}.open").uniform(rows) < cfg.open_rate
        clicks = stream(scenario, "touches", f"{name}.click").uniform(rows) < cfg.click_rate
        n = len(cust)
        parts.append(
            Touches(
                cust, day, np.full(n, ch), opened, opened & clicks, np.zeros(n, bool), rows * 8 + ch
            )
        )
    if not parts:
        z = np.zeros(0, np.int64)
        return Touches(z, z.astype(float), z, z.astype(bool), z.astype(bool), z.astype(bool), z)
    merged = Touches(
        *(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Touches))
    )
    return _sorted(merged)


def with_notices(
    scenario: Scenario, touches: Touches, first: int, customer: I64, day: float
) -> Touches:
    """Add one recall notice (an email service touch) per affected customer, sorted in."""
    who = np.unique(customer)
    key = (who + first) * SLOT * 8 + _NOTICE
    email = scenario.marketing.channels.get("email")
    open_rate = email.open_rate if email is not None else 0.0
    opened = stream(scenario, "touches", "notice.open").uniform(key) < open_rate
    n = len(who)
    notices = Touches(
        who,
        np.full(n, day + 0.375),
        np.zeros(n, np.int64),
        opened,
        np.zeros(n, bool),
        np.ones(n, bool),
        key,
    )
    merged = Touches(
        *(
            np.concatenate([getattr(touches, f.name), getattr(notices, f.name)])
            for f in fields(Touches)
        )
    )
    return _sorted(merged)


def campaigns(scenario: Scenario) -> list[str]:
    """Every campaign id: one per channel and month, then the recall campaign if any."""
    months = month_labels(scenario)
    names = [f"{PREFIX[c]}-{m}" for c in CHANNELS for m in months]
    if scenario.recall.product is not None:
        names.append(f"RECALL-{scenario.recall.product}")
    return names


def campaign_codes(scenario: Scenario, touches: Touches) -> I64:
    """Index into ``campaigns`` for each touch."""
    starts = month_start_days(scenario, scenario.months)
    month = np.searchsorted(starts, np.floor(touches.day), side="right") - 1
    months = len(starts) - 1
    code = touches.channel * months + np.clip(month, 0, months - 1)
    return np.where(touches.notice, len(CHANNELS) * months, code)


def touches_frame(scenario: Scenario, touches: Touches, first: int, offset: int) -> pl.DataFrame:
    """The ``touches`` table for a block; ids continue from ``offset``."""
    return pl.DataFrame(
        {
            "touch_id": np.arange(offset + 1, offset + len(touches) + 1, dtype=np.int64),
            "customer_id": touches.customer + first + 1,
            "touched_at": timestamps(scenario, touches.day),
            "channel": labels(CHANNELS, touches.channel),
            "campaign_id": labels(campaigns(scenario), campaign_codes(scenario, touches)),
            "kind": labels(KINDS, touches.notice.astype(np.int64)),
            "opened": touches.opened,
            "clicked": touches.clicked,
        }
    )
