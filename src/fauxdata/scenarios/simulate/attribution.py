"""Conversion paths and channel attribution that reconcile with touches and orders.

An order's path is the customer's engaged (opened or clicked) marketing touches in the
``lookback_days`` before it, at most the last ``max_path``. Four models give each touch a
credit: first touch, last touch, linear, and time decay (weight halves every
``half_life_days`` before the order). Orders without a path get one ``direct`` row with
full credit. Attributed revenue is the order's net amount split by each model to the cent
(largest remainder), so for every model the sum over an order equals its revenue exactly.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from fauxdata.scenarios.params import Scenario
from fauxdata.scenarios.simulate.common import I64, Offsets, allocate_cents, labels, money
from fauxdata.scenarios.simulate.touches import CHANNELS, Touches

MODELS = ("first_touch", "last_touch", "linear", "time_decay")


def attribute(
    scenario: Scenario,
    touches: Touches,
    touch_campaign: pl.Series,
    offsets: Offsets,
    order_customer: I64,
    order_day: np.ndarray,
    revenue: I64,
) -> pl.DataFrame:
    """One row per (order, touch on its path) for a block of customers; order and touch
    ids continue from ``offsets``."""
    cfg = scenario.marketing
    engaged = np.flatnonzero((touches.opened | touches.clicked) & ~touches.notice)
    span = float(order_day.max() if len(order_day) else 0.0) + cfg.lookback_days + 2.0
    tkey = touches.customer[engaged] * span + touches.day[engaged]
    okey = order_customer * span + order_day
    hi = np.searchsorted(tkey, okey, side="left")
    lo = np.searchsorted(tkey, okey - cfg.lookback_days, side="left")
    lo = np.maximum(lo, hi - cfg.max_path)
    length = hi - lo
    rows = np.maximum(length, 1)
    order = np.repeat(np.arange(len(order_day), dtype=np.int64), rows)
    pos = np.arange(len(order)) - np.repeat(np.cumsum(rows) - rows, rows)
    n = length[order]
    direct = n == 0
    touch = np.where(
        direct, -1, engaged[np.minimum(lo[order] + pos, len(engaged) - 1)] if len(engaged) else -1
    )
    nn = np.maximum(n, 1)
    credit = {
        "first_touch": (pos == 0).astype(np.float64),
        "last_touch": (pos == nn - 1).astype(np.float64),
        "linear": 1.0 / nn,
    }
    age = np.where(direct, 0.0, order_day[order] - touches.day[np.maximum(touch, 0)])
    decay = 0.5 ** (age / cfg.half_life_days)
    credit["time_decay"] = (
        decay / np.bincount(order, weights=decay, minlength=len(order_day))[order]
    )
    code = np.where(direct, len(CHANNELS), touches.channel[np.maximum(touch, 0)])
    campaign = touch_campaign.gather(np.maximum(touch, 0)) if len(touch_campaign) else None
    columns: dict[str, object] = {
        "order_id": order + offsets.order + 1,
        "customer_id": order_customer[order] + offsets.customer + 1,
        "touch_id": pl.Series(touch + offsets.touch + 1).set(pl.Series(direct), None),
        "channel": labels((*CHANNELS, "direct"), code),
        "campaign_id": pl.Series([None] * len(order), dtype=pl.String)
        if campaign is None
        else campaign.set(pl.Series(direct), None),
        "position": pos + 1,
        "path_length": n,
    }
    for model in MODELS:
        columns[f"credit_{model}"] = credit[model]
    for model in MODELS:
        if model in ("first_touch", "last_touch"):  # credits are 0 or 1: exact already
            split = revenue[order] * credit[model].astype(np.int64)
        else:
            split = allocate_cents(order, pos, credit[model], revenue)
        columns[f"revenue_{model}"] = pl.from_arrow(money(split))
    return pl.DataFrame(columns)


__all__ = ["MODELS", "attribute"]
