"""Exact reconciliation checks between tables, counted as mismatching rows.

Kept apart from ``qa`` because they are bookkeeping, not statistics: each returns
(what, mismatches, detail) and any mismatch is a bug. Money is compared in integer cents.
"""

from __future__ import annotations

import polars as pl

from fauxdata.scenarios.params import Scenario
from fauxdata.scenarios.simulate.attribution import MODELS

Tables = dict[str, pl.DataFrame]
Mismatch = tuple[str, int, str]


def cents(column: str) -> pl.Expr:
    """A DECIMAL(12,2) column as integer cents (exact)."""
    return (pl.col(column).cast(pl.Decimal(18, 2)) * 100).cast(pl.Int64)


def ledger_mismatches(scenario: Scenario, tables: Tables) -> list[Mismatch]:
    """Accounts against the ledger, the ledger against orders, orders against lines."""
    accounts, ledger, orders = tables["loyalty_accounts"], tables["points_ledger"], tables["orders"]
    out: list[Mismatch] = []
    bad = accounts.filter(
        pl.col("points_balance")
        != pl.col("points_accrued") - pl.col("points_redeemed") - pl.col("points_expired")
    ).height
    out.append(("balance = accrued - redeemed - expired", bad, f"{accounts.height} accounts"))
    sums = ledger.group_by("account_id").agg(
        pl.col("points").filter(pl.col("kind") == "accrual").sum().alias("a"),
        (-pl.col("points").filter(pl.col("kind") == "redemption").sum()).alias("r"),
        (-pl.col("points").filter(pl.col("kind") == "expiry").sum()).alias("e"),
        pl.col("points").sum().alias("b"),
    )
    joined = accounts.join(sums, on="account_id", how="left").fill_null(0)
    bad = joined.filter(
        (pl.col("a") != pl.col("points_accrued"))
        | (pl.col("r") != pl.col("points_redeemed"))
        | (pl.col("e") != pl.col("points_expired"))
        | (pl.col("b") != pl.col("points_balance"))
    ).height
    out.append(("ledger sums = account totals", bad, f"{ledger.height} entries"))
    running = ledger.sort("entry_id").with_columns(
        pl.col("points").cum_sum().over("account_id").alias("run")
    )
    out.append(("running balance >= 0", running.filter(pl.col("run") < 0).height, ""))
    with_orders = ledger.filter(pl.col("order_id").is_not_null()).join(
        orders.select(
            "order_id",
            pl.col("customer_id").alias("oc"),
            cents("net_amount").alias("net"),
            cents("loyalty_discount").alias("loy"),
        ),
        on="order_id",
        how="left",
    )
    out.append(
        (
            "entry customer = order customer",
            with_orders.filter(
                pl.col("oc").is_null() | (pl.col("oc") != pl.col("customer_id"))
            ).height,
            "",
        )
    )
    rates = [t.points_per_unit for t in scenario.loyalty.tiers.values()]
    acc = with_orders.filter(pl.col("kind") == "accrual")
    lo = (pl.col("net") / 100 * min(rates)).floor()
    hi = (pl.col("net") / 100 * max(rates)).floor()
    out.append(
        (
            "accrual within tier rates of net",
            acc.filter((pl.col("points") < lo) | (pl.col("points") > hi)).height,
            f"{acc.height} accruals",
        )
    )
    redeemed = (
        ledger.filter(pl.col("kind") == "redemption")
        .group_by("order_id")
        .agg((-pl.col("points").sum() * scenario.loyalty.point_value_cents).alias("value"))
    )
    paid = (
        orders.select("order_id", cents("loyalty_discount").alias("loy"))
        .join(redeemed, on="order_id", how="left")
        .fill_null(0)
    )
    out.append(
        (
            "redemptions = order loyalty discounts",
            paid.filter(pl.col("loy") != pl.col("value")).height,
            "",
        )
    )
    lines = (
        tables["order_lines"]
        .group_by("order_id")
        .agg(
            cents("gross_amount").sum().alias("g"),
            cents("discount_amount").sum().alias("d"),
            pl.len().alias("n"),
        )
    )
    o = orders.select(
        "order_id",
        "line_count",
        cents("gross_amount").alias("gross"),
        cents("promo_discount").alias("promo"),
        cents("loyalty_discount").alias("loy"),
        cents("net_amount").alias("net"),
    )
    o = o.join(lines, on="order_id", how="left").fill_null(0)
    bad = o.filter(
        (pl.col("g") != pl.col("gross"))
        | (pl.col("d") != pl.col("promo"))
        | (pl.col("n") != pl.col("line_count"))
        | (pl.col("net") != pl.col("gross") - pl.col("promo") - pl.col("loy"))
        | (pl.col("net") < 0)
    ).height
    out.append(("orders = sum of lines", bad, f"{orders.height} orders"))
    return out


def attribution_mismatches(tables: Tables) -> list[Mismatch]:
    """Every order attributed once per model, to the cent, along a valid path."""
    orders, attribution, touches = tables["orders"], tables["attribution"], tables["touches"]
    out: list[Mismatch] = []
    per_order = attribution.group_by("order_id").agg(
        *[cents(f"revenue_{m}").sum().alias(m) for m in MODELS],
        *[pl.col(f"credit_{m}").sum().alias(f"c_{m}") for m in MODELS],
    )
    joined = orders.select("order_id", cents("net_amount").alias("net")).join(
        per_order, on="order_id", how="left"
    )
    out.append(
        (
            "every order attributed",
            joined.filter(pl.col(MODELS[0]).is_null()).height,
            f"{orders.height} orders",
        )
    )
    for m in MODELS:
        bad = joined.filter(
            (pl.col(m) != pl.col("net")) | ((pl.col(f"c_{m}") - 1).abs() > 1e-9)
        ).height
        out.append((f"{m} revenue = order revenue", bad, ""))
    paths = (
        attribution.filter(pl.col("touch_id").is_not_null())
        .join(
            touches.select("touch_id", pl.col("customer_id").alias("tc"), "touched_at", "kind"),
            on="touch_id",
            how="left",
        )
        .join(orders.select("order_id", "ordered_at"), on="order_id")
    )
    bad = paths.filter(
        pl.col("tc").is_null()
        | (pl.col("tc") != pl.col("customer_id"))
        | (pl.col("touched_at") > pl.col("ordered_at"))
        | (pl.col("kind") != "marketing")
    ).height
    out.append(("path touches precede the order, same customer", bad, f"{paths.height} path rows"))
    return out
