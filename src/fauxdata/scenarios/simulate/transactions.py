"""Orders, their lines and returns.

Orders are a non-homogeneous Poisson process per customer, drawn by thinning: candidates
at the segment's rate times the largest daily multiplier over the customer's whole window
(acquisition to the end of the range), kept with probability ``multiplier(day) / max``
and only before churn. Pull-forward: a customer who ordered during the promotion keeps
each order of the ``dip_days`` after it with probability ``promo.dip`` (the demand the
promotion brought forward is paid back by those who took it); other customers keep
their usual rate. Clicks add response orders. An order's gross value comes from the
segment's declared lognormal and is split over its lines to the cent, so the QA suite can
KS-test spend against exactly what the parameters declare.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from fauxdata.errors import GenerationError
from fauxdata.scenarios.params import Scenario
from fauxdata.scenarios.simulate.catalog import (
    Catalog,
    pick_products,
    promoted_categories,
)
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
    dip_window,
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
SOURCES = ("organic", "campaign_response")
RETURN_REASONS = ("changed_mind", "defect", "recall")
MAX_LINES = 64


@dataclass(frozen=True)
class Orders:
    """A block's orders sorted by (customer, time); amounts in integer cents; ``row`` is
    the global order index (order_id - 1) that keys later draws."""

    customer: I64
    segment: I64
    day: F64
    response: B
    channel: I64
    store: I64
    promo: B
    gross: I64
    promo_discount: I64
    row: I64


@dataclass(frozen=True)
class Lines:
    order: I64
    """Block-local order index."""
    product: I64
    quantity: I64
    gross: I64
    discount: I64


@dataclass(frozen=True)
class Returns:
    line: I64
    """Block-local line index."""
    day: F64
    reason: I64


def simulate_orders(
    scenario: Scenario, customers: Customers, touches: Touches, offset: int
) -> Orders:
    """Organic orders by thinning plus response orders from clicks."""
    end = float(total_days(scenario))
    mult = daily_multiplier(scenario)
    peak = float(mult.max())
    segs = list(scenario.segments.values())
    rate = np.asarray([s.orders_per_month for s in segs])[customers.segment] / DAYS_PER_MONTH
    window = np.maximum(end - customers.acquired, 0.0)
    idx = np.arange(customers.first, customers.first + len(customers), dtype=np.int64)
    counts = poisson(stream(scenario, "orders", "candidates"), idx, rate * peak * window)
    if len(counts) and counts.max() >= SLOT:
        raise GenerationError(
            f"a customer would need {counts.max()} candidate orders (at most {SLOT - 1})",
            path="segments",
            hint="lower orders_per_month or promo.lift, or shorten the range",
        )
    cust, k = expand(counts)
    rows = (cust + customers.first) * SLOT + k
    day = customers.acquired[cust] + stream(scenario, "orders", "time").uniform(rows) * window[cust]
    u = stream(scenario, "orders", "accept").uniform(rows) * peak
    keep = (u < mult[np.minimum(day.astype(np.int64), len(mult) - 1)]) & (
        day < customers.churn[cust]
    )
    cust, day, rows = cust[keep], day[keep], rows[keep]
    dip = dip_window(scenario)
    win = promo_window(scenario)
    if dip is not None and win is not None and scenario.promo.dip < 1:
        bought = np.zeros(len(customers), bool)
        bought[cust[(day >= win[0]) & (day < win[1])]] = True
        paid_back = bought[cust] & (day >= dip[0]) & (day < dip[1])
        drop = stream(scenario, "orders", "pull_forward").uniform(rows) >= scenario.promo.dip
        kept = ~(paid_back & drop)
        cust, day = cust[kept], day[kept]
    clicks = np.flatnonzero(touches.clicked)
    key = touches.key[clicks]
    clicks = clicks[
        stream(scenario, "orders", "response").uniform(key) < scenario.marketing.response_rate
    ]
    delay = stream(scenario, "orders", "response_delay").uniform(touches.key[clicks])
    r_day = touches.day[clicks] + delay * scenario.marketing.response_days
    r_cust = touches.customer[clicks]
    live = (r_day < end) & (r_day < customers.churn[r_cust])
    cust = np.concatenate([cust, r_cust[live]])
    day = np.concatenate([day, r_day[live]])
    response = np.concatenate([np.zeros(len(day) - live.sum(), bool), np.ones(live.sum(), bool)])
    order = np.argsort(cust * (end + 1.0) + day, kind="stable")
    cust, day, response = cust[order], day[order], response[order]
    n = np.arange(offset, offset + len(cust), dtype=np.int64)
    shares = list(scenario.channels.shares.values())
    channel = categorical(stream(scenario, "orders", "channel"), n, shares)
    code = np.asarray([ORDER_CHANNELS.index(c) for c in scenario.channels.shares])[channel]
    store = np.where(code == 0, 1, np.where(code == 2, 2, customers.home_store[cust]))
    seg = customers.segment[cust]
    median = np.asarray([s.order_value_median for s in segs])[seg]
    sigma = np.asarray([s.order_value_sigma for s in segs])[seg]
    value = median * np.exp(sigma * normal(stream(scenario, "orders", "value"), n))
    gross = np.maximum(np.round(value * 100), 1).astype(np.int64)
    promo = (day >= win[0]) & (day < win[1]) if win else np.zeros(len(day), bool)
    zero = np.zeros(len(day), np.int64)
    return Orders(cust, seg, day, response, code, store, promo, gross, zero, n)


def simulate_lines(scenario: Scenario, catalog: Catalog, orders: Orders) -> tuple[Orders, Lines]:
    """Split each order's gross over 1 + Poisson(lines - 1) lines; promo discount per line."""
    segs = list(scenario.segments.values())
    mean_lines = np.asarray([s.lines_per_order for s in segs])[orders.segment]
    extra = poisson(stream(scenario, "order_lines", "count"), orders.row, mean_lines - 1)
    counts = np.minimum(1 + extra, np.minimum(orders.gross, MAX_LINES))
    order, k = expand(counts)
    rows = orders.row[order] * MAX_LINES + k
    share = exponential(stream(scenario, "order_lines", "share"), rows) + 0.5
    gross = allocate_cents(order, k, share, orders.gross - counts) + 1  # every line >= 1 cent
    product = pick_products(scenario, catalog, rows, orders.day[order])
    price = catalog.price_cents[product]
    quantity = np.maximum(np.round(gross / price), 1).astype(np.int64)
    rate = scenario.promo.discount
    on_promo = (
        orders.promo[order] & promoted_categories(scenario)[catalog.product_category[product]]
    )
    discount = np.where(on_promo, np.round(gross * rate), 0).astype(np.int64)
    promo_discount = np.bincount(order, weights=discount, minlength=len(orders.day)).astype(
        np.int64
    )
    return replace(orders, promo_discount=promo_discount), Lines(
        order, product, quantity, gross, discount
    )


def simulate_returns(scenario: Scenario, orders: Orders, lines: Lines, offset: int) -> Returns:
    """Ordinary returns at ``returns.rate``; recall returns for the recalled product."""
    end = float(total_days(scenario))
    local = np.arange(len(lines.order), dtype=np.int64)
    n = local + offset
    day = orders.day[lines.order]
    ret = stream(scenario, "returns", "ordinary").uniform(n) < scenario.returns.rate
    wait = stream(scenario, "returns", "delay").uniform(n) * (scenario.returns.max_days - 1)
    ret_day = day + 1 + wait
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
    return Returns(local[keep], ret_day[keep], reason[keep])
