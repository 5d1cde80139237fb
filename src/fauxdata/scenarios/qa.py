"""The statistical QA suite: declarative expectations per pack, one result per check.

A pack's ``qa`` mapping names checks and their bounds (``promo_uplift: {check:
promo_uplift, min: 1.8, max: 3.5}``); each check reads the written tables and the
parameters that made them and returns results with the statistic, the bound and a
verdict. Distribution checks compare against what the parameters *declare* (the
segment's order-value lognormal, the churn hazard), so a simulation bug or a dependency
that shifts draws shows up as a failed check, not as a silently different dataset.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from fauxdata.errors import Problem, SpecError, did_you_mean
from fauxdata.scenarios.params import Expectation, Scenario
from fauxdata.scenarios.simulate.common import (
    DAYS_PER_MONTH,
    daily_multiplier,
    promo_multiplier,
    promo_window,
)
from fauxdata.scenarios.simulate.customers import hazard

Tables = dict[str, pl.DataFrame]
PRE_DAYS = 28
"""Promotion effects are measured against the 28 days before the promotion."""


@dataclass(frozen=True)
class Result:
    """One check's outcome: what was measured, against what, and the verdict."""

    name: str
    statistic: float
    bound: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class Report:
    scenario: str
    results: list[Result]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.passed]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "passed": self.passed,
            "checks": [asdict(r) for r in self.results],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2)


@dataclass(frozen=True)
class Context:
    """The tables and the parameters that made them, with a few shared derived columns."""

    scenario: Scenario
    tables: Tables

    def day(self, column: pl.Expr) -> pl.Expr:
        """Days since the start of the range, for a date or timestamp column."""
        return (column.cast(pl.Date) - pl.lit(self.scenario.start)).dt.total_days()


Check = Callable[[Context, str, Expectation], list[Result]]


def _num(exp: Expectation, key: str, default: float | None = None) -> float:
    value = (exp.model_extra or {}).get(key, default)
    if value is None:
        raise SpecError(
            [Problem(f"qa.{key}", "missing bound", hint=f"check {exp.check} needs '{key}'")]
        )
    return float(value)


def _between(
    name: str, value: float, lo: float | None, hi: float | None, detail: str = ""
) -> Result:
    ok = (lo is None or value >= lo) and (hi is None or value <= hi)
    bound = f"[{'-inf' if lo is None else f'{lo:.4g}'}, {'inf' if hi is None else f'{hi:.4g}'}]"
    return Result(name, float(value), bound, bool(ok and np.isfinite(value)), detail)


def _order_segments(ctx: Context) -> pl.DataFrame:
    return ctx.tables["orders"].join(
        ctx.tables["customers"].select("customer_id", "segment"), on="customer_id"
    )


def ks_spend(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Order gross value per segment against the segment's declared lognormal (KS)."""
    alpha = _num(exp, "alpha", 0.001)
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
    tol = _num(exp, "tolerance", 0.15)
    frame = _order_segments(ctx)
    out = []
    for seg, cfg in ctx.scenario.segments.items():
        x = frame.filter(pl.col("segment") == seg)["gross_amount"].cast(pl.Float64).to_numpy()
        out.append(
            _between(f"{name}[{seg}].log", float(stats.skew(np.log(x))), -tol, tol, f"n={len(x)}")
        )
        w = np.exp(cfg.order_value_sigma**2)
        theory = (w + 2) * np.sqrt(w - 1)
        out.append(
            _between(
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
    """Month-k retention within z standard errors (+ slack) of the hazard's survival."""
    months, z, slack = int(_num(exp, "months", 6)), _num(exp, "z", 4.0), _num(exp, "slack", 0.01)
    out = []
    for k in range(1, months + 1):
        observed, expected, n = _survival(ctx, k)
        half = z * np.sqrt(max(expected * (1 - expected), 1e-9) / max(n, 1)) + slack
        out.append(
            _between(
                f"{name}[m{k}]",
                observed,
                expected - half,
                expected + half,
                f"expected {expected:.3f}, n={n}",
            )
        )
    return out


def cohort_retention(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """One cohort's month-k retention at most ``max`` (a fast-decaying cohort)."""
    cohort = str((exp.model_extra or {}).get("cohort"))
    k = int(_num(exp, "month", 6))
    observed, expected, n = _survival(ctx, k, cohort)
    return [
        _between(
            f"{name}[{cohort} m{k}]",
            observed,
            None,
            _num(exp, "max"),
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
    return [_between(name, ratio, _num(exp, "min"), _num(exp, "max"), detail)]


def promo_dip(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Orders per day in the post-promotion dip over the 28 days before the promotion."""
    window = promo_window(ctx.scenario)
    if window is None or ctx.scenario.promo.dip_days == 0:
        return [
            Result(name, float("nan"), "a promotion with a dip", False, "no dip in the parameters")
        ]
    ratio, detail = _promo_ratio(ctx, window[1], window[1] + ctx.scenario.promo.dip_days)
    return [_between(name, ratio, None, _num(exp, "max"), detail)]


def redemption_rate(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Points redeemed over points accrued, whole programme."""
    ledger = ctx.tables["points_ledger"]
    accrued = ledger.filter(pl.col("kind") == "accrual")["points"].sum()
    redeemed = -ledger.filter(pl.col("kind") == "redemption")["points"].sum()
    return [
        _between(
            name,
            redeemed / max(accrued, 1),
            _num(exp, "min"),
            _num(exp, "max"),
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
        _between(
            name,
            inside / max(before, 1e-9),
            _num(exp, "min"),
            None,
            f"{inside:.2f}/day vs {before:.2f}/day",
        )
    ]


def ledger_reconciles(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Exact reconciliation of the ledger with accounts and orders, and orders with lines."""
    from fauxdata.scenarios.reconcile import ledger_mismatches

    return [
        Result(f"{name}[{what}]", float(bad), "== 0", bad == 0, detail)
        for what, bad, detail in ledger_mismatches(ctx.scenario, ctx.tables)
    ]


def attribution_reconciles(ctx: Context, name: str, exp: Expectation) -> list[Result]:
    """Per order and model, attributed revenue equals order revenue; paths are valid."""
    from fauxdata.scenarios.reconcile import attribution_mismatches

    return [
        Result(f"{name}[{what}]", float(bad), "== 0", bad == 0, detail)
        for what, bad, detail in attribution_mismatches(ctx.tables)
    ]


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
        _between(f"{name}[before]", before, 1, None, "lines sold before the recall"),
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
    money_after = after["refund_amount"].cast(pl.Float64).sum()
    money_before = before["refund_amount"].cast(pl.Float64).sum() * 14 / 90
    hit_after = after.filter(pl.col("product_id") == recall.product).height
    hit_before = max(before.filter(pl.col("product_id") == recall.product).height, 1) * 14 / 90
    return [
        _between(
            f"{name}[all]",
            money_after / max(money_before, 1e-9),
            _num(exp, "min"),
            None,
            f"{money_after:.2f} vs {money_before:.2f} per 14 days",
        ),
        _between(
            f"{name}[product]",
            hit_after / hit_before,
            _num(exp, "min_product"),
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
    return float((lines["category_id"] == cid).mean() or 0.0)


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
        _between(f"{name}[last 90 days]", late, _num(exp, "min_share"), None),
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
        _between(
            name,
            late / max(before, 1e-9),
            None,
            _num(exp, "max_ratio"),
            f"share {before:.4f} -> {late:.4f}",
        )
    ]


CHECKS: dict[str, Check] = {
    "ks_spend": ks_spend,
    "skew_spend": skew_spend,
    "retention_bands": retention_bands,
    "cohort_retention": cohort_retention,
    "promo_uplift": promo_uplift,
    "promo_dip": promo_dip,
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
        SpecError: an expectation names an unknown check (with a did-you-mean).
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
        results.extend(CHECKS[exp.check](ctx, name, exp))
    return Report(scenario.name, results)
