"""The statistical QA suite: declarative expectations per pack, one result per check.

A pack's ``qa`` mapping names checks and their bounds (``promo_uplift: {check:
promo_uplift, min: 1.8, max: 3.5}``); each check reads the written tables and the
parameters that made them and returns results with the statistic, the bound and a
verdict. Distribution checks compare against what the parameters *declare* (the
segment's order-value lognormal, the churn hazard), so a simulation bug or a dependency
that shifts draws shows up as a failed check, not as a silently different dataset.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy import stats

from fauxdata.errors import Problem, SpecError, did_you_mean
from fauxdata.scenarios.checks import Check, Context, Report, Result, Tables, between, number
from fauxdata.scenarios.params import Expectation, Scenario
from fauxdata.scenarios.qa_events import (
    launch_ramp,
    neighbour_decline,
    recall_refund_spike,
    recall_sales_stop,
)
from fauxdata.scenarios.reconcile import attribution_mismatches, ledger_mismatches
from fauxdata.scenarios.simulate.common import (
    DAYS_PER_MONTH,
    daily_multiplier,
    dip_window,
    promo_multiplier,
    promo_window,
)
from fauxdata.scenarios.simulate.customers import hazard

PRE_DAYS = 28
REFERENCE_DAYS = 56
"""Days after the dip that the pull-forward check compares it with."""
"""Promotion effects are measured against the 28 days before the promotion."""


def _order_segments(ctx: Context) -> pl.DataFrame:
    return ctx.tables["orders"].join(
        ctx.tables["customers"].select("customer_id", "segment"), on="customer_id"
    )


def ks_spend(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Order gross value per segment against the segment's declared lognormal (KS)."""
    alpha = number(exp, "alpha", 0.001)
    frame = _order_segments(ctx)
    out = []
    for seg, cfg in ctx.scenario.segments.items():
        x = frame.filter(pl.col("segment") == seg)["gross_amount"].cast(pl.Float64).to_numpy()
        if len(x) < 20:
            out.append(
                Result(f"{name}[{seg}]", float(len(x)), ">= 20 orders", False, "too few orders")
            )
            continue
        test = stats.ks_1samp(
            x, stats.lognorm(s=cfg.order_value_sigma, scale=cfg.order_value_median).cdf
        )
        critical = float(stats.kstwo.ppf(1 - alpha, len(x)))
        out.append(
            Result(
                f"{name}[{seg}]",
                float(test.statistic),
                f"D <= {critical:.4f}",
                bool(test.statistic <= critical),
                f"n={len(x)} p={test.pvalue:.3g}",
            )
        )
    return out


def skew_spend(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Skewness of log order value near 0 (lognormal), and of order value near its theory."""
    tol = number(exp, "tolerance", 0.15)
    frame = _order_segments(ctx)
    out = []
    for seg, cfg in ctx.scenario.segments.items():
        x = frame.filter(pl.col("segment") == seg)["gross_amount"].cast(pl.Float64).to_numpy()
        out.append(
            between(f"{name}[{seg}].log", float(stats.skew(np.log(x))), -tol, tol, f"n={len(x)}")
        )
        w = np.exp(cfg.order_value_sigma**2)
        theory = (w + 2) * np.sqrt(w - 1)
        out.append(
            between(
                f"{name}[{seg}]",
                float(stats.skew(x)),
                0.5 * theory,
                1.5 * theory,
                f"lognormal skew {theory:.3f}",
            )
        )
    return out


def _survival(ctx: Context, k: int, cohort: str | None = None) -> tuple[float, float, int]:
    """Observed and expected share of customers still active k months after acquisition,
    among those acquired at least k months before the end of the range."""
    c = ctx.tables["customers"]
    end = (ctx.scenario.end - ctx.scenario.start).days + 1
    acq = ctx.day(pl.col("acquired_on"))
    c = c.with_columns(
        acq.alias("acq"),
        (ctx.day(pl.col("churned_on")) - acq).alias("life"),
        pl.col("cohort_month").dt.strftime("%Y-%m").alias("cohort"),
    )
    c = c.filter(pl.col("acq") + k * DAYS_PER_MONTH <= end)
    if cohort is not None:
        c = c.filter(pl.col("cohort") == cohort)
    if c.height == 0:
        return float("nan"), float("nan"), 0
    alive = (c["life"].is_null() | (c["life"] >= k * DAYS_PER_MONTH)).to_numpy()
    segs = list(ctx.scenario.segments)
    seg_idx = np.asarray([segs.index(s) for s in c["segment"].to_list()], dtype=np.int64)
    expected = float(np.mean((1 - hazard(ctx.scenario, seg_idx, c["cohort"])) ** k))
    return float(alive.mean()), expected, c.height


def retention_bands(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Month-k retention, k = 1..months, within z standard errors (+ slack) of the
    hazard's survival: pooled over all customers, then per acquisition cohort (cohorts
    of at least ``min_cohort`` customers observed for k months)."""
    months, z, slack = (
        int(number(exp, "months", 6)),
        number(exp, "z", 4.0),
        number(exp, "slack", 0.01),
    )
    min_cohort = int(number(exp, "min_cohort", 100))
    cohorts = ctx.tables["customers"]["cohort_month"].dt.strftime("%Y-%m").unique().sort()
    out = []
    for k in range(1, months + 1):
        for cohort in [None, *cohorts.to_list()]:
            observed, expected, n = _survival(ctx, k, cohort)
            if cohort is not None and n < min_cohort:
                continue
            half = z * np.sqrt(max(expected * (1 - expected), 1e-9) / max(n, 1)) + slack
            label = f"m{k}" if cohort is None else f"{cohort} m{k}"
            detail = f"expected {expected:.3f}, n={n}"
            out.append(
                between(f"{name}[{label}]", observed, expected - half, expected + half, detail)
            )
    return out


def cohort_retention(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """One cohort's month-k retention at most ``max`` (a fast-decaying cohort)."""
    cohort = str((exp.model_extra or {}).get("cohort"))
    k = int(number(exp, "month", 6))
    observed, expected, n = _survival(ctx, k, cohort)
    return [
        between(
            f"{name}[{cohort} m{k}]",
            observed,
            None,
            number(exp, "max"),
            f"expected {expected:.3f}, n={n}",
        )
    ]


def _per_day(ctx: Context, frame: pl.DataFrame, column: str, lo: float, hi: float) -> float:
    days = ctx.day(pl.col(column))
    return frame.filter((days >= lo) & (days < hi)).height / max(hi - lo, 1)


def _season(ctx: Context, lo: float, hi: float) -> float:
    """Mean seasonal multiplier (promotion effects removed) over days [lo, hi)."""
    mult = daily_multiplier(ctx.scenario) / promo_multiplier(
        ctx.scenario, np.arange(len(daily_multiplier(ctx.scenario)), dtype=np.float64)
    )
    return float(mult[int(lo) : int(hi)].mean())


def _promo_ratio(ctx: Context, lo: float, hi: float) -> tuple[float, str]:
    window = promo_window(ctx.scenario)
    assert window is not None
    pre = (window[0] - PRE_DAYS, window[0])
    orders = ctx.tables["orders"]
    raw = _per_day(ctx, orders, "order_date", lo, hi) / max(
        _per_day(ctx, orders, "order_date", *pre), 1e-9
    )
    adjust = _season(ctx, lo, hi) / _season(ctx, *pre)
    return raw / adjust, f"raw ratio {raw:.3f}, seasonal ratio {adjust:.3f}"


def promo_uplift(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Orders per day in the promotion over the 28 days before, net of seasonality."""
    window = promo_window(ctx.scenario)
    if window is None:
        return [Result(name, float("nan"), "a promotion", False, "no promotion in the parameters")]
    ratio, detail = _promo_ratio(ctx, *window)
    return [between(name, ratio, number(exp, "min"), number(exp, "max"), detail)]


def promo_dip(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Orders per day in the post-promotion dip over the 28 days before the promotion."""
    window = promo_window(ctx.scenario)
    if window is None or ctx.scenario.promo.dip_days == 0:
        return [
            Result(name, float("nan"), "a promotion with a dip", False, "no dip in the parameters")
        ]
    ratio, detail = _promo_ratio(ctx, window[1], window[1] + ctx.scenario.promo.dip_days)
    return [between(name, ratio, None, number(exp, "max"), detail)]


def pull_forward(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Whether the post-promotion dip falls on the promotion's buyers: their organic
    orders per day in the dip window over the 56 days after it, divided by the same ratio
    for everyone else. Only customers acquired before the promotion and not churned
    before the end of that reference window count, so both groups could order
    throughout; buying in the promotion says nothing about the later windows except
    through the pull-forward, so the ratio estimates ``promo.dip``."""
    window, dip = promo_window(ctx.scenario), dip_window(ctx.scenario)
    if window is None or dip is None:
        return [
            Result(name, float("nan"), "a promotion with a dip", False, "no dip in the parameters")
        ]
    after = (dip[1], dip[1] + REFERENCE_DAYS)
    customers = ctx.tables["customers"].filter(
        (ctx.day(pl.col("acquired_on")) < window[0])
        & (pl.col("churned_on").is_null() | (ctx.day(pl.col("churned_on")) >= after[1]))
    )
    orders = ctx.tables["orders"].filter(pl.col("source") == "organic")
    day = ctx.day(pl.col("order_date"))
    buyers = orders.filter((day >= window[0]) & (day < window[1]))["customer_id"].unique()
    counts = customers.select(
        "customer_id", pl.col("customer_id").is_in(buyers.implode()).alias("buyer")
    ).join(
        orders.select(
            "customer_id",
            ((day >= dip[0]) & (day < dip[1])).alias("in_dip"),
            ((day >= after[0]) & (day < after[1])).alias("in_after"),
        ),
        on="customer_id",
    )
    groups = counts.group_by("buyer").agg(pl.col("in_dip").sum(), pl.col("in_after").sum())
    rates = {
        row["buyer"]: (row["in_dip"] / (dip[1] - dip[0]))
        / max(row["in_after"] / REFERENCE_DAYS, 1e-9)
        for row in groups.iter_rows(named=True)
    }
    if True not in rates or False not in rates:
        return [Result(name, float("nan"), "buyers and non-buyers", False, "one group is empty")]
    ratio = rates[True] / max(rates[False], 1e-9)
    detail = f"buyers {rates[True]:.3f}, others {rates[False]:.3f} (dip window over the next {REFERENCE_DAYS} days)"
    return [between(name, ratio, number(exp, "min", 0.0), number(exp, "max"), detail)]


def redemption_rate(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Points redeemed over points accrued, whole programme."""
    ledger = ctx.tables["points_ledger"]
    accrued = int(ledger.filter(pl.col("kind") == "accrual")["points"].to_numpy().sum())
    redeemed = -int(ledger.filter(pl.col("kind") == "redemption")["points"].to_numpy().sum())
    return [
        between(
            name,
            redeemed / max(accrued, 1),
            number(exp, "min"),
            number(exp, "max"),
            f"{redeemed} of {accrued} points",
        )
    ]


def redemption_spike(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Redemptions per day in the promotion over the 28 days before it."""
    window = promo_window(ctx.scenario)
    if window is None:
        return [Result(name, float("nan"), "a promotion", False, "no promotion in the parameters")]
    red = ctx.tables["points_ledger"].filter(pl.col("kind") == "redemption")
    inside = _per_day(ctx, red, "entry_at", *window)
    before = _per_day(ctx, red, "entry_at", window[0] - PRE_DAYS, window[0])
    return [
        between(
            name,
            inside / max(before, 1e-9),
            number(exp, "min"),
            None,
            f"{inside:.2f}/day vs {before:.2f}/day",
        )
    ]


def ledger_reconciles(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Exact reconciliation of the ledger with accounts and orders, and orders with lines."""
    return [
        Result(f"{name}[{what}]", float(bad), "== 0", bad == 0, detail)
        for what, bad, detail in ledger_mismatches(ctx.scenario, ctx.tables)
    ]


def attribution_reconciles(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Per order and model, attributed revenue equals order revenue; paths are valid."""
    return [
        Result(f"{name}[{what}]", float(bad), "== 0", bad == 0, detail)
        for what, bad, detail in attribution_mismatches(ctx.tables)
    ]


CHECKS: dict[str, Check] = {
    "ks_spend": ks_spend,
    "skew_spend": skew_spend,
    "retention_bands": retention_bands,
    "cohort_retention": cohort_retention,
    "promo_uplift": promo_uplift,
    "promo_dip": promo_dip,
    "pull_forward": pull_forward,
    "redemption_rate": redemption_rate,
    "redemption_spike": redemption_spike,
    "ledger_reconciles": ledger_reconciles,
    "attribution_reconciles": attribution_reconciles,
    "recall_sales_stop": recall_sales_stop,
    "recall_refund_spike": recall_refund_spike,
    "launch_ramp": launch_ramp,
    "neighbour_decline": neighbour_decline,
}


def run_qa(scenario: Scenario, tables: Tables) -> Report:
    """Every expectation of the scenario, in declaration order.

    Raises:
        SpecError: an expectation names an unknown check (with a did-you-mean) or has a
            missing or non-numeric bound.
    """
    unknown = [
        Problem(
            f"qa.{name}.check", f"unknown check '{exp.check}'", hint=did_you_mean(exp.check, CHECKS)
        )
        for name, exp in scenario.qa.items()
        if exp.check not in CHECKS
    ]
    if unknown:
        raise SpecError(unknown, source=scenario.name)
    ctx = Context(scenario, tables)
    results: list[Result] = []
    for name, exp in scenario.qa.items():
        try:
            results.extend(CHECKS[exp.check](ctx, name, exp))
        except SpecError as exc:  # a bad bound: name the expectation it belongs to
            named = [
                Problem(p.path.replace("qa.*", f"qa.{name}"), p.message, p.hint, p.code)
                for p in exc.problems
            ]
            raise SpecError(named, source=scenario.name) from None
    return Report(scenario.name, results)
