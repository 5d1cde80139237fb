"""A self-contained HTML QA report: the check table and inline SVG charts.

No JavaScript, no CDN, no plotting dependency: charts are drawn as SVG from aggregates
(a few hundred points at most), so the file opens anywhere, offline, and can be attached
to a CI run. Charts: order value per segment against the declared lognormal, the cohort
retention heatmap, and daily revenue with the promotion (and recall/launch) marked.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import numpy as np
import polars as pl
from scipy import stats

from fauxdata.scenarios.params import Scenario
from fauxdata.scenarios.qa import Report

Tables = dict[str, pl.DataFrame]
W, H, PAD = 640, 260, 40
_CSS = """body{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
.pass{color:#1a7f37}.fail{color:#c62828;font-weight:bold}figure{margin:1.5em 0}
figcaption{font-weight:600;margin-bottom:.3em}svg text{font:11px sans-serif;fill:#444}"""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _frame(title: str, body: str, x_label: str, y_label: str, w: int = W, h: int = H) -> str:
    axes = (
        f'<line x1="{PAD}" y1="{h - PAD}" x2="{w - 10}" y2="{h - PAD}" stroke="#888"/>'
        f'<line x1="{PAD}" y1="10" x2="{PAD}" y2="{h - PAD}" stroke="#888"/>'
        f'<text x="{w / 2}" y="{h - 8}" text-anchor="middle">{_esc(x_label)}</text>'
        f'<text x="12" y="{h / 2}" transform="rotate(-90 12 {h / 2})" text-anchor="middle">{_esc(y_label)}</text>'
    )
    svg = f'<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img">{axes}{body}</svg>'
    return f"<figure><figcaption>{_esc(title)}</figcaption>{svg}</figure>"


def _scale(lo: float, hi: float, a: float, b: float) -> tuple[float, float]:
    span = (hi - lo) or 1.0
    return (b - a) / span, a - lo * (b - a) / span


def spend_charts(scenario: Scenario, tables: Tables) -> list[str]:
    """Per segment: a histogram of order gross value and the declared lognormal density."""
    orders = tables["orders"].join(
        tables["customers"].select("customer_id", "segment"), on="customer_id"
    )
    out = []
    for seg, cfg in scenario.segments.items():
        x = orders.filter(pl.col("segment") == seg)["gross_amount"].cast(pl.Float64).to_numpy()
        if len(x) == 0:
            continue
        dist = stats.lognorm(s=cfg.order_value_sigma, scale=cfg.order_value_median)
        top = float(dist.ppf(0.99))
        dens, edges = np.histogram(x[x <= top], bins=40, range=(0, top), density=True)
        dens *= float(np.mean(x <= top))
        grid = np.linspace(edges[0], top, 120)
        pdf = dist.pdf(grid)
        ymax = float(max(dens.max(), pdf.max()))
        sx, ox = _scale(0, top, PAD, W - 10)
        sy, oy = _scale(0, ymax, H - PAD, 12)
        bars = "".join(
            f'<rect x="{sx * a + ox:.1f}" y="{sy * d + oy:.1f}" width="{max(sx * (b - a) - 1, 1):.1f}" '
            f'height="{(H - PAD) - (sy * d + oy):.1f}" fill="#90caf9"/>'
            for a, b, d in zip(edges[:-1], edges[1:], dens, strict=True)
        )
        line = " ".join(
            f"{sx * g + ox:.1f},{sy * p + oy:.1f}" for g, p in zip(grid, pdf, strict=True)
        )
        body = bars + f'<polyline points="{line}" fill="none" stroke="#c62828" stroke-width="2"/>'
        body += f'<text x="{W - 12}" y="20" text-anchor="end">bars: observed (n={len(x):,}); line: declared lognormal(median {cfg.order_value_median:g}, sigma {cfg.order_value_sigma:g})</text>'
        body += f'<text x="{W - 12}" y="{H - PAD + 14}" text-anchor="end">{top:,.0f}</text><text x="{PAD}" y="{H - PAD + 14}">0</text>'
        out.append(_frame(f"Order value, segment {seg}", body, "order gross amount", "density"))
    return out


def retention_heatmap(tables: Tables, months: int = 18) -> str:
    """Cohort x months-since-acquisition share of customers with an order that month."""
    c = tables["customers"].select("customer_id", "cohort_month")
    o = (
        tables["orders"]
        .select("customer_id", pl.col("order_date").dt.truncate("1mo").alias("m"))
        .unique()
    )
    sizes = c.group_by("cohort_month").len("size")
    active = o.join(c, on="customer_id").with_columns(
        (
            (pl.col("m").dt.year() - pl.col("cohort_month").dt.year()) * 12
            + pl.col("m").dt.month()
            - pl.col("cohort_month").dt.month()
        ).alias("k")
    )
    grid = (
        active.filter(pl.col("k") < months)
        .group_by("cohort_month", "k")
        .len("n")
        .join(sizes, on="cohort_month")
        .sort("cohort_month", "k")
    )
    cohorts = sorted(grid["cohort_month"].unique().to_list())
    cell_w, cell_h, left = (W - 90) / months, 14, 80
    h = len(cohorts) * cell_h + 50
    rects = []
    for row in grid.iter_rows(named=True):
        share = row["n"] / row["size"]
        y = 10 + cohorts.index(row["cohort_month"]) * cell_h
        shade = int(255 - 200 * min(share, 1.0))
        rects.append(
            f'<rect x="{left + row["k"] * cell_w:.1f}" y="{y}" width="{cell_w - 1:.1f}" height="{cell_h - 1}" '
            f'fill="rgb({shade},{shade},255)"><title>{row["cohort_month"]:%Y-%m} +{row["k"]}: {share:.2f}</title></rect>'
        )
    labels = "".join(
        f'<text x="{left - 4}" y="{10 + i * cell_h + 11}" text-anchor="end">{m:%Y-%m}</text>'
        for i, m in enumerate(cohorts)
    )
    ticks = "".join(
        f'<text x="{left + k * cell_w + cell_w / 2:.1f}" y="{h - 28}" text-anchor="middle">{k}</text>'
        for k in range(0, months, 3)
    )
    svg = f'<svg width="{W}" height="{h}" viewBox="0 0 {W} {h}" role="img">{"".join(rects)}{labels}{ticks}<text x="{W / 2}" y="{h - 8}" text-anchor="middle">months since acquisition (darker = more of the cohort ordered)</text></svg>'
    return f"<figure><figcaption>Cohort retention (share of the cohort ordering each month)</figcaption>{svg}</figure>"


def revenue_chart(scenario: Scenario, tables: Tables) -> str:
    """Daily net revenue with the promotion window shaded and recall/launch days marked."""
    daily = (
        tables["orders"]
        .group_by("order_date")
        .agg(pl.col("net_amount").cast(pl.Float64).sum().alias("r"))
        .sort("order_date")
    )
    days = np.asarray(
        [(d - scenario.start).days for d in daily["order_date"].to_list()], dtype=np.float64
    )
    rev = daily["r"].to_numpy()
    total = float((scenario.end - scenario.start).days + 1)
    sx, ox = _scale(0, total, PAD, W - 10)
    sy, oy = _scale(0, float(rev.max()) if len(rev) else 1.0, H - PAD, 12)
    body = ""
    p = scenario.promo
    if p.start and p.end:
        a, b = (p.start - scenario.start).days, (p.end - scenario.start).days + 1
        body += f'<rect x="{sx * a + ox:.1f}" y="12" width="{sx * (b - a):.1f}" height="{H - PAD - 12}" fill="#ffe082" opacity="0.6"><title>promotion</title></rect>'
        body += f'<text x="{sx * a + ox:.1f}" y="24">promotion</text>'
    marks = [("recall", scenario.recall.date), ("launch", scenario.launch.date)]
    for label, when in marks:
        if isinstance(when, dt.date):
            x = sx * (when - scenario.start).days + ox
            body += f'<line x1="{x:.1f}" y1="12" x2="{x:.1f}" y2="{H - PAD}" stroke="#c62828" stroke-dasharray="4 3"/><text x="{x + 3:.1f}" y="36">{label}</text>'
    line = " ".join(f"{sx * d + ox:.1f},{sy * r + oy:.1f}" for d, r in zip(days, rev, strict=True))
    body += f'<polyline points="{line}" fill="none" stroke="#1565c0" stroke-width="1"/>'
    body += f'<text x="{PAD}" y="{H - PAD + 14}">{scenario.start}</text><text x="{W - 12}" y="{H - PAD + 14}" text-anchor="end">{scenario.end}</text>'
    return _frame("Daily net revenue", body, "day", "net revenue")


def render(scenario: Scenario, tables: Tables, report: Report) -> str:
    """The whole report as one HTML string: the verdict, the charts (people would rather
    look than read), then every check."""
    rows = "".join(
        f"<tr><td>{_esc(r.name)}</td><td>{r.statistic:.4g}</td><td>{_esc(r.bound)}</td>"
        f'<td class="{"pass" if r.passed else "fail"}">{"pass" if r.passed else "FAIL"}</td><td>{_esc(r.detail)}</td></tr>'
        for r in report.results
    )
    verdict = "all checks passed" if report.passed else f"{len(report.failures)} checks failed"
    charts = [
        *spend_charts(scenario, tables),
        retention_heatmap(tables),
        revenue_chart(scenario, tables),
    ]
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fauxdata QA: {_esc(report.scenario)}</title>'
        f"<style>{_CSS}</style></head><body><h1>QA report: {_esc(report.scenario)}</h1>"
        f"<p>{_esc(scenario.description)}</p><p>seed {scenario.seed}, {scenario.customers:,} customers, "
        f"{scenario.start} to {scenario.end}: <b>{verdict}</b>.</p>"
        f"{''.join(charts)}<h2>Checks</h2>"
        f"<table><tr><th>check</th><th>statistic</th><th>bound</th><th>verdict</th><th>detail</th></tr>{rows}</table>"
        "</body></html>"
    )


def write_report(path: Path, scenario: Scenario, tables: Tables, report: Report) -> Path:
    """Write the report atomically (temp file, then rename); returns its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render(scenario, tables, report), encoding="utf-8")
    tmp.replace(path)
    return path
