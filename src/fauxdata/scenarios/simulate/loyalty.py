"""Loyalty: accounts, tiers and a points ledger that reconciles with the orders.

Rules (all in ``loyalty``): members accrue ``floor(net units x points_per_unit of their
tier)`` per order; a tier is reached when lifetime net spend crosses its threshold and
never lost; at an order, a member holding at least ``redeem_threshold`` points redeems
whole ``redeem_block``s with ``redeem_probability`` (times the promotion's
``redemption_multiplier`` inside the promotion), worth ``point_value_cents`` each, as a
discount on that order, capped at its net; a balance left untouched for ``expiry_months``
expires. So per account: balance = accrued - redeemed - expired, and each accrual and
redemption names its order.

The balance makes this sequential per customer, so the scan steps over the k-th order of
every member at once: one vectorized step per order rank (a few hundred at most), never
one per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from fauxdata.scenarios.params import Scenario
from fauxdata.scenarios.simulate.common import (
    DAYS_PER_MONTH,
    I64,
    Offsets,
    dates,
    labels,
    promo_window,
    stream,
    timestamps,
    total_days,
)
from fauxdata.scenarios.simulate.customers import Customers
from fauxdata.scenarios.simulate.transactions import Orders

KINDS = ("expiry", "redemption", "accrual")
TIERS: tuple[Literal["bronze", "silver", "gold"], ...] = ("bronze", "silver", "gold")


@dataclass(frozen=True)
class Loyalty:
    accounts: pl.DataFrame
    ledger: pl.DataFrame
    loyalty_discount: I64
    """Cents off each order paid with points (0 for non-members)."""


def simulate_loyalty(
    scenario: Scenario, customers: Customers, orders: Orders, offsets: Offsets
) -> Loyalty:
    """Run the ledger over every member's orders in time order."""
    cfg = scenario.loyalty
    n_orders = len(orders.day)
    member_orders = np.flatnonzero(customers.member[orders.customer])
    cust = orders.customer[member_orders]
    starts = np.searchsorted(cust, cust, side="left")  # orders are sorted by customer
    rank = np.arange(len(cust)) - starts
    by_rank = member_orders[np.argsort(rank, kind="stable")]
    bounds = np.searchsorted(np.sort(rank), np.arange(rank.max() + 2 if len(rank) else 1))
    n_cust = len(customers)
    balance = np.zeros(n_cust, np.int64)
    last = customers.acquired.copy()
    spend = np.zeros(n_cust, np.int64)
    tier = np.zeros(n_cust, np.int64)
    since = np.full((n_cust, len(TIERS)), np.nan)
    thresholds = np.asarray([cfg.tiers[t].threshold * 100 for t in TIERS])
    rates = np.asarray([cfg.tiers[t].points_per_unit for t in TIERS])
    expiry_days = cfg.expiry_months * DAYS_PER_MONTH
    win = promo_window(scenario)
    discount = np.zeros(n_orders, np.int64)
    entries: list[tuple[I64, np.ndarray, I64, I64, I64]] = []  # customer, day, kind, points, order
    u_redeem = stream(scenario, "points_ledger", "redeem")

    def expire(who: I64, when: np.ndarray) -> None:
        due = balance[who] > 0
        who, when = who[due], when[due]
        entries.append(
            (who, when, np.zeros(len(who), np.int64), -balance[who], np.full(len(who), -1))
        )
        balance[who] = 0

    for k in range(len(bounds) - 1):
        o = by_rank[bounds[k] : bounds[k + 1]]
        c, t = orders.customer[o], orders.day[o]
        stale = t - last[c] > expiry_days
        expire(c[stale], last[c[stale]] + expiry_days)
        p = np.full(len(o), cfg.redeem_probability)
        if win is not None:
            p = np.where((t >= win[0]) & (t < win[1]), p * scenario.promo.redemption_multiplier, p)
        net = orders.gross[o] - orders.promo_discount[o]
        block_cents = cfg.redeem_block * cfg.point_value_cents
        blocks = np.minimum(balance[c] // cfg.redeem_block, net // block_cents)
        redeem = (
            (balance[c] >= cfg.redeem_threshold)
            & (u_redeem.uniform(orders.row[o]) < np.minimum(p, 1.0))
            & (blocks > 0)
        )
        points = np.where(redeem, blocks * cfg.redeem_block, 0)
        balance[c] -= points
        discount[o] = points * cfg.point_value_cents
        r = np.flatnonzero(redeem)
        entries.append((c[r], t[r], np.ones(len(r), np.int64), -points[r], o[r]))
        net = net - discount[o]
        accrual = np.floor(net / 100 * rates[tier[c]]).astype(np.int64)
        balance[c] += accrual
        a = np.flatnonzero(accrual > 0)
        entries.append((c[a], t[a], np.full(len(a), 2, np.int64), accrual[a], o[a]))
        spend[c] += net
        new_tier = np.searchsorted(thresholds, spend[c], side="right") - 1
        for level in range(1, len(TIERS)):
            up = (new_tier >= level) & (tier[c] < level)
            since[c[up], level] = t[up]
        tier[c] = np.maximum(tier[c], new_tier)
        last[c] = t
    members = np.flatnonzero(customers.member)
    end = float(total_days(scenario))
    stale = end - last[members] > expiry_days
    expire(members[stale], last[members[stale]] + expiry_days)
    account = np.zeros(n_cust, np.int64)
    account[members] = np.arange(offsets.account + 1, offsets.account + len(members) + 1)
    return Loyalty(
        _accounts(scenario, customers, members, account, tier, since, entries, balance),
        _ledger(scenario, customers.first, offsets.entry, account, orders.row, entries),
        discount,
    )


def _accounts(
    scenario: Scenario,
    customers: Customers,
    members: I64,
    account: I64,
    tier: I64,
    since: np.ndarray,
    entries: list[tuple[I64, np.ndarray, I64, I64, I64]],
    balance: I64,
) -> pl.DataFrame:
    n = len(customers)
    kind = np.concatenate([e[2] for e in entries]) if entries else np.zeros(0, np.int64)
    who = np.concatenate([e[0] for e in entries]) if entries else np.zeros(0, np.int64)
    pts = np.concatenate([e[3] for e in entries]) if entries else np.zeros(0, np.int64)
    totals = [
        np.bincount(who[kind == k], weights=pts[kind == k], minlength=n).astype(np.int64)
        for k in range(3)
    ]
    return pl.DataFrame(
        {
            "account_id": account[members],
            "customer_id": members + customers.first + 1,
            "enrolled_on": dates(scenario, customers.acquired[members]),
            "tier": labels(TIERS, tier[members]),
            "silver_since": dates(scenario, np.nan_to_num(since[members, 1])).set(
                pl.Series(np.isnan(since[members, 1])), None
            ),
            "gold_since": dates(scenario, np.nan_to_num(since[members, 2])).set(
                pl.Series(np.isnan(since[members, 2])), None
            ),
            "points_accrued": totals[2][members],
            "points_redeemed": -totals[1][members],
            "points_expired": -totals[0][members],
            "points_balance": balance[members],
        }
    )


def _ledger(
    scenario: Scenario,
    first: int,
    offset: int,
    account: I64,
    order_row: I64,
    entries: list[tuple[I64, np.ndarray, I64, I64, I64]],
) -> pl.DataFrame:
    cat = [np.concatenate([e[i] for e in entries]) if entries else np.zeros(0) for i in range(5)]
    who, day, kind, pts, order = (
        cat[0].astype(np.int64),
        cat[1].astype(np.float64),
        cat[2].astype(np.int64),
        cat[3].astype(np.int64),
        cat[4].astype(np.int64),
    )
    sort = np.lexsort((kind, day, who))
    who, day, kind, pts, order = who[sort], day[sort], kind[sort], pts[sort], order[sort]
    return pl.DataFrame(
        {
            "entry_id": np.arange(offset + 1, offset + len(who) + 1, dtype=np.int64),
            "customer_id": who + first + 1,
            "account_id": account[who],
            "entry_at": timestamps(scenario, day),
            "kind": labels(KINDS, kind),
            "points": pts,
            "order_id": pl.Series(order_row[np.maximum(order, 0)] + 1).set(
                pl.Series(order < 0), None
            ),
        }
    )
