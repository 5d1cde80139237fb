"""QA checks for the event packs: a product recall and a category launch.

Each reads the written tables and the parameters (recall date and product, launch date,
category and neighbour) and fails loudly when the pack declares no such event.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from fauxdata.scenarios.checks import Context, Result, between, number
from fauxdata.scenarios.params import Expectation


def recall_sales_stop(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """No line of the recalled product on or after the recall date (and it did sell before)."""
    recall = ctx.scenario.recall
    if recall.product is None or recall.date is None:
        return [Result(name, float("nan"), "a recall", False, "no recall in the parameters")]
    lines = (
        ctx.tables["order_lines"]
        .filter(pl.col("product_id") == recall.product)
        .join(ctx.tables["orders"].select("order_id", "order_date"), on="order_id")
    )
    after = lines.filter(pl.col("order_date") >= recall.date).height
    before = lines.filter(pl.col("order_date") < recall.date).height
    return [
        Result(f"{name}[after]", float(after), "== 0", after == 0),
        between(f"{name}[before]", before, 1, None, "lines sold before the recall"),
    ]


def recall_refund_spike(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Refunds in the 14 days from the recall over the 14-day average of the 90 days
    before: for all products (``min``) and for the recalled one (``min_product``; its
    quiet-period count is floored at one return so the ratio stays finite)."""
    recall = ctx.scenario.recall
    if recall.date is None or recall.product is None:
        return [Result(name, float("nan"), "a recall", False, "no recall in the parameters")]
    r = ctx.tables["returns"].with_columns(ctx.day(pl.col("returned_on")).alias("d"))
    day = float((recall.date - ctx.scenario.start).days)
    after = r.filter((pl.col("d") >= day) & (pl.col("d") < day + 14))
    before = r.filter((pl.col("d") >= day - 90) & (pl.col("d") < day))
    money_after = float(after["refund_amount"].cast(pl.Float64).to_numpy().sum())
    money_before = float(before["refund_amount"].cast(pl.Float64).to_numpy().sum()) * 14 / 90
    hit_after = after.filter(pl.col("product_id") == recall.product).height
    hit_before = max(before.filter(pl.col("product_id") == recall.product).height, 1) * 14 / 90
    return [
        between(
            f"{name}[all]",
            money_after / max(money_before, 1e-9),
            number(exp, "min"),
            None,
            f"{money_after:.2f} vs {money_before:.2f} per 14 days",
        ),
        between(
            f"{name}[product]",
            hit_after / hit_before,
            number(exp, "min_product"),
            None,
            f"{hit_after} returns vs {hit_before:.2f} per 14 days",
        ),
    ]


def _category_share(ctx: Context, category: str, lo: float, hi: float) -> float:
    cid = ctx.scenario.catalog.categories.index(category) + 1
    lines = ctx.tables["order_lines"].join(
        ctx.tables["orders"].select("order_id", "order_date"), on="order_id"
    )
    lines = lines.filter(
        (ctx.day(pl.col("order_date")) >= lo) & (ctx.day(pl.col("order_date")) < hi)
    )
    return float(np.mean(lines["category_id"].to_numpy() == cid)) if lines.height else 0.0


def launch_ramp(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """The launched category sells nothing before launch and reaches ``min_share`` of lines
    in the last 90 days."""
    launch = ctx.scenario.launch
    if launch.category is None or launch.date is None:
        return [Result(name, float("nan"), "a launch", False, "no launch in the parameters")]
    day = float((launch.date - ctx.scenario.start).days)
    end = float((ctx.scenario.end - ctx.scenario.start).days + 1)
    before = _category_share(ctx, launch.category, 0, day)
    late = _category_share(ctx, launch.category, end - 90, end)
    return [
        Result(f"{name}[before]", before, "== 0", before == 0),
        between(f"{name}[last 90 days]", late, number(exp, "min_share"), None),
    ]


def neighbour_decline(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """The neighbour's share of lines in the last 90 days over the 90 days before launch."""
    launch = ctx.scenario.launch
    if launch.neighbour is None or launch.date is None:
        return [
            Result(
                name,
                float("nan"),
                "a launch with a neighbour",
                False,
                "no neighbour in the parameters",
            )
        ]
    day = float((launch.date - ctx.scenario.start).days)
    end = float((ctx.scenario.end - ctx.scenario.start).days + 1)
    before = _category_share(ctx, launch.neighbour, day - 90, day)
    late = _category_share(ctx, launch.neighbour, end - 90, end)
    return [
        between(
            name,
            late / max(before, 1e-9),
            None,
            number(exp, "max_ratio"),
            f"share {before:.4f} -> {late:.4f}",
        )
    ]
