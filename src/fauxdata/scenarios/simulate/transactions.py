"""Orders, their lines and returns.

Orders are a non-homogeneous Poisson process per customer, drawn by thinning: candidates
at the segment's rate times the largest daily multiplier over the customer's whole window
(acquisition to the end of the range), kept with probability ``multiplier(day) / max``
and only before churn. Clicks add response orders. An order's gross value comes from the
segment's declared lognormal and is split over its lines to the cent, so the QA suite can
KS-test spend against exactly what the parameters declare.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fauxdata.scenarios.params import Scenario
from fauxdata.scenarios.simulate.catalog import Catalog, pick_products
from fauxdata.scenarios.simulate.common import (
    DAYS_PER_MONTH,
    F64,
    I64,
    SLOT,
    B,
    allocate_cents,
    categorical,
    daily_multiplier,
    day_of,
    expand,
    exponential,
    normal,
    poisson,
    promo_window,
    stream,
    total_days,
)
from fauxdata.scenarios.simulate.customers import Customers
from fauxdata.scenarios.simulate.touches import Touches

ORDER_CHANNELS = ("online", "store", "app")
MAX_LINES = 64


@dataclass(frozen=True)
class Orders:
    """Orders sorted by (customer, time); amounts in integer cents."""

    customer: I64
    segment: I64
    day: F64
    response: B
    channel: I64
    store: I64
    promo: B
    gross: I64
    promo_discount: I64


@dataclass(frozen=True)
class Lines:
    order: I64
    product: I64
    quantity: I64
    gross: I64
    discount: I64


@dataclass(frozen=True)
class Returns:
    line: I64
    day: F64
    reason: I64


RETURN_REASONS = ("changed_mind", "defect", "recall")


def simulate_orders(scenario: Scenario, customers: Customers, touches: Touches) -> Orders:
    """Organic orders by thinning plus response orders from clicks."""
    end = float(total_days(scenario))
    mult = daily_multiplier(scenario)
    peak = float(mult.max())
    segs = list(scenario.segments.values())
    rate = np.asarray([s.orders_per_month for s in segs])[customers.segment] / DAYS_PER_MONTH
    window = np.maximum(end - customers.acquired, 0.0)
    idx = np.arange(scenario.customers, dtype=np.int64)
    counts = np.minimum(
        poisson(stream(scenario, "orders", "candidates"), idx, rate * peak * window), SLOT - 1
    )
    cust, k = expand(counts)
    rows = cust * SLOT + k
    day = customers.acquired[cust] + stream(scenario, "orders", "time").uniform(rows) * window[cust]
    keep = (
        stream(scenario, "orders", "accept").uniform(rows) * peak
        < mult[np.minimum(day.astype(np.int64), len(mult) - 1)]
    )
    keep &= day < customers.churn[cust]
    cust, day = cust[keep], day[keep]
    clicks = np.flatnonzero(touches.clicked)
    respond = (
        stream(scenario, "orders", "response").uniform(clicks) < scenario.marketing.response_rate
    )
    clicks = clicks[respond]
    r_day = (
        touches.day[clicks]
        + stream(scenario, "orders", "response_delay").uniform(clicks)
        * scenario.marketing.response_days
    )
    r_cust = touches.customer[clicks]
    live = (r_day < end) & (r_day < customers.churn[r_cust])
    cust = np.concatenate([cust, r_cust[live]])
    day = np.concatenate([day, r_day[live]])
    response = np.concatenate([np.zeros(keep.sum(), bool), np.ones(live.sum(), bool)])
    order = np.lexsort((day, cust))
    cust, day, response = cust[order], day[order], response[order]
    n = np.arange(len(cust), dtype=np.int64)
    channel = categorical(
        stream(scenario, "orders", "channel"), n, list(scenario.channels.shares.values())
    )
    names = list(scenario.channels.shares)
    code = np.asarray([ORDER_CHANNELS.index(c) for c in names])[channel]
    store = np.where(code == 0, 1, np.where(code == 2, 2, customers.home_store[cust]))
    median = np.asarray([s.order_value_median for s in segs])[customers.segment[cust]]
    sigma = np.asarray([s.order_value_sigma for s in segs])[customers.segment[cust]]
    value = median * np.exp(sigma * normal(stream(scenario, "orders", "value"), n))
    gross = np.maximum(np.round(value * 100), 1).astype(np.int64)
    win = promo_window(scenario)
    promo = (day >= win[0]) & (day < win[1]) if win else np.zeros(len(day), bool)
    return Orders(
        cust,
        customers.segment[cust],
        day,
        response,
        code,
        store,
        promo,
        gross,
        np.zeros(len(day), np.int64),
    )


def simulate_lines(scenario: Scenario, catalog: Catalog, orders: Orders) -> tuple[Orders, Lines]:
    """Split each order's gross over 1 + Poisson(lines - 1) lines; promo discount per line."""
    segs = list(scenario.segments.values())
    n = np.arange(len(orders.day), dtype=np.int64)
    mean_lines = np.asarray([s.lines_per_order for s in segs])[orders.segment]
    extra = poisson(stream(scenario, "order_lines", "count"), n, mean_lines - 1)
    counts = np.minimum(1 + extra, np.minimum(orders.gross, MAX_LINES))
    order, k = expand(counts)
    rows = order * MAX_LINES + k
    share = exponential(stream(scenario, "order_lines", "share"), rows) + 0.5
    gross = allocate_cents(order, share, orders.gross - counts) + 1  # every line >= 1 cent
    product = pick_products(scenario, catalog, rows, orders.day[order])
    price = catalog.price_cents[product]
    quantity = np.maximum(np.round(gross / price), 1).astype(np.int64)
    discount = np.where(orders.promo[order], np.round(gross * scenario.promo.discount), 0).astype(
        np.int64
    )
    promo_discount = np.bincount(order, weights=discount, minlength=len(n)).astype(np.int64)
    orders = Orders(**{**orders.__dict__, "promo_discount": promo_discount})
    return orders, Lines(order, product, quantity, gross, discount)


def simulate_returns(scenario: Scenario, orders: Orders, lines: Lines) -> Returns:
    """Ordinary returns at ``returns.rate``; recall returns for the recalled product."""
    end = float(total_days(scenario))
    n = np.arange(len(lines.order), dtype=np.int64)
    day = orders.day[lines.order]
    ret = stream(scenario, "returns", "ordinary").uniform(n) < scenario.returns.rate
    ret_day = (
        day + 1 + stream(scenario, "returns", "delay").uniform(n) * (scenario.returns.max_days - 1)
    )
    reason = (stream(scenario, "returns", "reason").uniform(n) < 0.3).astype(np.int64)
    recall = scenario.recall
    if recall.product is not None and recall.date is not None:
        rday = day_of(scenario, recall.date) or 0.0
        hit = (
            (lines.product == recall.product - 1)
            & (day < rday)
            & (day >= rday - recall.window_days)
        )
        hit &= stream(scenario, "returns", "recall").uniform(n) < recall.return_rate
        ret |= hit
        ret_day = np.where(
            hit, rday + stream(scenario, "returns", "recall_delay").uniform(n) * 14, ret_day
        )
        reason = np.where(hit, 2, reason)
    keep = ret & (ret_day < end)
    return Returns(n[keep], ret_day[keep], reason[keep])
