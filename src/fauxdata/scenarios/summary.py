"""Summary statistics of a scenario dataset, for golden files and quick comparisons.

Counts and money are exact integers (cents, points), so a golden file compares them with
``==``; the few ratios are rounded to 6 decimals. A dependency upgrade that shifts any
draw changes at least one of them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from fauxdata.scenarios.reconcile import cents

Tables = dict[str, pl.DataFrame]


def _share(flags: np.ndarray) -> float:
    return round(float(flags.mean()), 6) if len(flags) else 0.0


def summary(tables: Tables) -> dict[str, Any]:
    """Row counts per table, revenue and discounts in cents, points by kind, a few shares."""
    orders, lines, ledger = tables["orders"], tables["order_lines"], tables["points_ledger"]
    money = orders.select(
        cents("gross_amount").sum().alias("gross_cents"),
        cents("promo_discount").sum().alias("promo_discount_cents"),
        cents("loyalty_discount").sum().alias("loyalty_discount_cents"),
        cents("net_amount").sum().alias("net_cents"),
    ).row(0, named=True)
    points = {
        f"points_{k}": int(ledger.filter(pl.col("kind") == k)["points"].sum())
        for k in ("accrual", "redemption", "expiry")
    }
    refunds = tables["returns"].select(cents("refund_amount").sum()).item()
    touches = tables["touches"]
    return {
        "rows": {name: frame.height for name, frame in tables.items()},
        **{k: int(v) for k, v in money.items()},
        "refund_cents": int(refunds or 0),
        **points,
        "units": int(lines["quantity"].sum()),
        "churned_customers": int(tables["customers"]["churned_on"].is_not_null().sum()),
        "open_share": _share(touches["opened"].to_numpy()),
        "click_share": _share(touches["clicked"].to_numpy()),
        "response_order_share": _share((orders["source"] == "campaign_response").to_numpy()),
        "gold_accounts": int((tables["loyalty_accounts"]["tier"] == "gold").sum()),
    }
