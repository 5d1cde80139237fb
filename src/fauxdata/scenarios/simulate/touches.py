"""Marketing touches (email, SMS, paid search, social, display) with opens and clicks,
and service touches (recall notices).

Each channel is a Poisson process over the customer's active life at its own monthly
rate; a campaign is one channel's sends in one calendar month (``EM-2025-03``). Opens and
clicks are Bernoulli at the channel's rates; a click becomes an order with probability
``marketing.response_rate`` within ``response_days`` (in ``transactions``), which is what
gives attribution a real signal to find.
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
    SLOT,
    B,
    expand,
    poisson,
    stream,
    timestamps,
    total_days,
)
from fauxdata.scenarios.simulate.customers import Customers

CHANNELS = ("email", "sms", "paid_search", "social", "display")
PREFIX = {"email": "EM", "sms": "SM", "paid_search": "PS", "social": "SO", "display": "DI"}


@dataclass(frozen=True)
class Touches:
    """Touches sorted by (customer, time); ``customer`` is the 0-based customer index."""

    customer: I64
    day: F64
    channel: I64
    opened: B
    clicked: B
    notice: B
    """Service touches (recall notices) rather than marketing."""
    product: I64
    """Recalled product index for notices, -1 for marketing."""

    def take(self, order: I64) -> Touches:
        return Touches(*(getattr(self, f)[order] for f in Touches.__dataclass_fields__))


def marketing_touches(scenario: Scenario, customers: Customers) -> Touches:
    """Every channel's touches while the customer is active (acquisition to churn or end)."""
    end = float(total_days(scenario))
    stop = np.minimum(customers.churn, end)
    active = np.maximum(stop - customers.acquired, 0.0) / DAYS_PER_MONTH
    idx = np.arange(scenario.customers, dtype=np.int64)
    parts: list[tuple[I64, F64, I64, B, B]] = []
    for ch, name in enumerate(CHANNELS):
        cfg = scenario.marketing.channels.get(name)  # type: ignore[call-overload]
        if cfg is None or cfg.touches_per_month == 0:
            continue
        counts = np.minimum(
            poisson(
                stream(scenario, "touches", f"{name}.count"), idx, active * cfg.touches_per_month
            ),
            SLOT - 1,
        )
        cust, k = expand(counts)
        rows = cust * SLOT + k
        day = (
            customers.acquired[cust]
            + stream(scenario, "touches", f"{name}.time").uniform(rows)
            * (stop - customers.acquired)[cust]
        )
        opened = stream(scenario, "touches", f"{name}.open").uniform(rows) < cfg.open_rate
        clicked = opened & (
            stream(scenario, "touches", f"{name}.click").uniform(rows) < cfg.click_rate
        )
        parts.append((cust, day, np.full(len(cust), ch, dtype=np.int64), opened, clicked))
    cust = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
    day = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0)
    channel = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.int64)
    opened = np.concatenate([p[3] for p in parts]) if parts else np.zeros(0, bool)
    clicked = np.concatenate([p[4] for p in parts]) if parts else np.zeros(0, bool)
    touches = Touches(
        cust, day, channel, opened, clicked, np.zeros(len(cust), bool), np.full(len(cust), -1)
    )
    return touches.take(np.lexsort((day, cust)))


def with_notices(
    scenario: Scenario, touches: Touches, customer: I64, day: float, product: int
) -> Touches:
    """Add one recall notice (an email service touch) per affected customer, sorted in."""
    who = np.unique(customer)
    rows = who * SLOT
    opened = (
        stream(scenario, "touches", "notice.open").uniform(rows)
        < scenario.marketing.channels["email"].open_rate
    )
    notices = Touches(
        who,
        np.full(len(who), day + 0.375),  # 09:00 the day after the recall
        np.zeros(len(who), np.int64),
        opened,
        np.zeros(len(who), bool),
        np.ones(len(who), bool),
        np.full(len(who), product, np.int64),
    )
    merged = Touches(
        *(
            np.concatenate([getattr(touches, f), getattr(notices, f)])
            for f in Touches.__dataclass_fields__
        )
    )
    return merged.take(np.lexsort((merged.day, merged.customer)))


def touches_frame(scenario: Scenario, touches: Touches) -> pl.DataFrame:
    """The ``touches`` table; ``touch_id`` is the row's rank in (customer, time) order."""
    at = timestamps(scenario, touches.day)
    prefix = pl.Series(np.asarray([PREFIX[c] for c in CHANNELS])[touches.channel])
    campaign = pl.DataFrame({"p": prefix, "m": at.dt.strftime("%Y-%m")}).select(
        pl.concat_str("p", pl.lit("-"), "m")
    )
    notice_campaign = pl.Series(
        [f"RECALL-{p + 1}" for p in np.unique(touches.product[touches.notice])]
    )
    frame = pl.DataFrame(
        {
            "touch_id": np.arange(1, len(touches.day) + 1, dtype=np.int64),
            "customer_id": touches.customer + 1,
            "touched_at": at,
            "channel": np.asarray(CHANNELS)[touches.channel],
            "campaign_id": campaign.to_series(),
            "kind": np.where(touches.notice, "recall_notice", "marketing"),
            "opened": touches.opened,
            "clicked": touches.clicked,
        }
    )
    if len(notice_campaign):
        frame = frame.with_columns(
            pl.when(pl.col("kind") == "recall_notice")
            .then(pl.lit(notice_campaign[0]))
            .otherwise(pl.col("campaign_id"))
            .alias("campaign_id")
        )
    return frame
