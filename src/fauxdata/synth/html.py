"""The synthesis report as one self-contained HTML page with inline SVG charts.

Like the scenario packs' QA report: no JavaScript, no CDN, charts drawn from
aggregates only (histograms, label shares, association matrices), so the page shows no
seed row and no rare label, opens offline, and can be attached to a CI run.
"""

from __future__ import annotations

import html
from pathlib import Path

from fauxdata.synth.quality import CategoryMedian, Distribution, PairQuality
from fauxdata.synth.report import GroupReport

W, H, PAD = 520, 220, 40
SEED, SYNTH = "#1565c0", "#e65100"
_CSS = """body{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:1150px}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
.pass{color:#1a7f37}.fail{color:#c62828;font-weight:bold}figure{display:inline-block;margin:1em 1em 0 0;vertical-align:top}
figcaption{font-weight:600;margin-bottom:.3em}svg text{font:11px sans-serif;fill:#444}"""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _figure(title: str, svg: str) -> str:
    return f"<figure><figcaption>{_esc(title)}</figcaption>{svg}</figure>"


def _legend() -> str:
    return (
        f'<rect x="{W - 150}" y="8" width="10" height="10" fill="{SEED}"/><text x="{W - 136}" y="17">seed</text>'
        f'<rect x="{W - 90}" y="8" width="10" height="10" fill="{SYNTH}"/><text x="{W - 76}" y="17">synthetic</text>'
    )


def distribution_chart(d: Distribution, statistic: str) -> str:
    """Overlaid histograms (numbers) or paired bars of label shares (categories)."""
    top = max([*d.seed, *d.synthetic, 1e-9])
    y0, y1 = H - PAD, 24

    def height(v: float) -> float:
        return (y0 - y1) * v / top

    body = _legend()
    if d.edges:
        n = len(d.seed)
        step = (W - PAD - 10) / n
        for series, colour in ((d.seed, SEED), (d.synthetic, SYNTH)):
            points = " ".join(
                f"{PAD + i * step:.1f},{y0 - height(v):.1f} {PAD + (i + 1) * step:.1f},{y0 - height(v):.1f}"
                for i, v in enumerate(series)
            )
            body += f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        logarithmic = d.edges[0] > 0 and d.edges[-1] / d.edges[0] > 50
        body += (
            f'<text x="{PAD}" y="{H - PAD + 14}">{d.edges[0]:,.4g}</text>'
            f'<text x="{W - 10}" y="{H - PAD + 14}" text-anchor="end">{d.edges[-1]:,.4g}</text>'
            + (
                f'<text x="{W / 2}" y="{H - PAD + 14}" text-anchor="middle">log scale</text>'
                if logarithmic
                else ""
            )
        )
    else:
        n = len(d.labels)
        step = (W - PAD - 10) / max(n, 1)
        for i, (label, a, b) in enumerate(zip(d.labels, d.seed, d.synthetic, strict=True)):
            x = PAD + i * step
            body += (
                f'<rect x="{x + 1:.1f}" y="{y0 - height(a):.1f}" width="{step / 2 - 1:.1f}" height="{height(a):.1f}" fill="{SEED}"><title>{_esc(label)} seed {a:.3f}</title></rect>'
                f'<rect x="{x + step / 2:.1f}" y="{y0 - height(b):.1f}" width="{step / 2 - 1:.1f}" height="{height(b):.1f}" fill="{SYNTH}"><title>{_esc(label)} synthetic {b:.3f}</title></rect>'
                f'<text x="{x + step / 2:.1f}" y="{H - PAD + 12}" transform="rotate(35 {x + step / 2:.1f} {H - PAD + 12})">{_esc(label[:14])}</text>'
            )
    axes = f'<line x1="{PAD}" y1="{y0}" x2="{W - 10}" y2="{y0}" stroke="#888"/><line x1="{PAD}" y1="{y1}" x2="{PAD}" y2="{y0}" stroke="#888"/>'
    svg = f'<svg width="{W}" height="{H + 30}" viewBox="0 0 {W} {H + 30}" role="img">{axes}{body}</svg>'
    return _figure(f"{d.column} ({statistic})", svg)


def heatmap(title: str, names: list[str], pairs: list[PairQuality], which: str) -> str:
    """Association between every two columns (|r|, V or η: 0 white, 1 dark)."""
    cell, left = 34, 120
    light = ' style="fill:#fff"'
    value = {n: {n: 1.0} for n in names}
    for p in pairs:
        v = abs(getattr(p, which))
        a, b = p.columns
        value[a][b] = value[b][a] = v
    rects = []
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            v = value[a].get(b, 0.0)
            shade = int(255 - 200 * min(v, 1.0))
            rects.append(
                f'<rect x="{left + j * cell}" y="{10 + i * cell}" width="{cell - 1}" height="{cell - 1}" fill="rgb({shade},{shade},255)"><title>{_esc(a)} / {_esc(b)}: {v:.3f}</title></rect>'
                f'<text x="{left + j * cell + cell / 2}" y="{10 + i * cell + cell / 2 + 4}" text-anchor="middle"{light if v > 0.6 else ""}>{v:.2f}</text>'
            )
        rects.append(
            f'<text x="{left - 4}" y="{10 + i * cell + cell / 2 + 4}" text-anchor="end">{_esc(a[:18])}</text>'
        )
    w, h = left + cell * len(names) + 10, 20 + cell * len(names)
    return _figure(
        title,
        f'<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img">{"".join(rects)}</svg>',
    )


def spread_chart(by: str, column: str, medians: list[CategoryMedian]) -> str:
    """Per category: the seed's quartiles as a bar, its median as a tick, and the
    synthetic median as a dot (inside the bar: within the seed's spread)."""
    row, left = 22, 130
    top = max(m.seed_q75 for m in medians) or 1.0
    scale = (W - left - 20) / top
    body = ""
    for i, m in enumerate(medians):
        y = 10 + i * row
        body += (
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{_esc(m.category[:18])}</text>'
            f'<rect x="{left + m.seed_q25 * scale:.1f}" y="{y + 3}" width="{max((m.seed_q75 - m.seed_q25) * scale, 1):.1f}" height="{row - 8}" fill="{SEED}" opacity="0.35"><title>seed quartiles {m.seed_q25:,.4g} .. {m.seed_q75:,.4g}</title></rect>'
            f'<line x1="{left + m.seed_median * scale:.1f}" y1="{y + 2}" x2="{left + m.seed_median * scale:.1f}" y2="{y + row - 4}" stroke="{SEED}" stroke-width="2"/>'
        )
        if m.synthetic_median is not None:
            body += f'<circle cx="{left + m.synthetic_median * scale:.1f}" cy="{y + row / 2 - 1}" r="4" fill="{SYNTH}"><title>synthetic median {m.synthetic_median:,.4g}</title></circle>'
    h = 20 + row * len(medians)
    body += f'<text x="{left}" y="{h - 2}">0</text><text x="{W - 20}" y="{h - 2}" text-anchor="end">{top:,.4g}</text>'
    svg = f'<svg width="{W}" height="{h + 4}" viewBox="0 0 {W} {h + 4}" role="img">{body}</svg>'
    return _figure(
        f"{column} by {by}: seed quartiles (bar), seed median (tick), synthetic median (dot)", svg
    )


def _rows(cells: list[list[object]]) -> str:
    return "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>" for row in cells)


def _group(r: GroupReport) -> str:
    q, p = r.quality, r.privacy
    verdict = (
        '<b class="pass">privacy checks passed</b>'
        if r.passed
        else '<b class="fail">privacy checks FAILED</b>'
    )
    names = list(r.columns.values())
    charts = "".join(
        distribution_chart(d, f"{c.metric} {c.statistic:.3f}")
        for d, c in zip(q.distributions, q.columns, strict=True)
    )
    maps = heatmap("Association in the seed", names, q.pairs, "seed") + heatmap(
        "Association in the synthetic rows", names, q.pairs, "synthetic"
    )
    privacy = _rows(
        [
            [
                "synthetic rows vs whole seed",
                f"{p.target.rows:,}",
                f"{p.target.exact_copy_rate:.4f}",
                f"{p.target_allowance:.4f}",
                f"{p.target.dcr_p5:.4g}",
                f"{p.target.dcr_median:.4g}",
            ],
            [
                "holdout (real, unseen) vs train 80%",
                f"{p.holdout.rows:,}",
                f"{p.holdout.exact_copy_rate:.4f}",
                "baseline",
                f"{p.holdout.dcr_p5:.4g}",
                f"{p.holdout.dcr_median:.4g}",
            ],
            [
                "model fitted on train vs train",
                f"{p.holdout_synthetic.rows:,}",
                f"{p.holdout_synthetic.exact_copy_rate:.4f}",
                f"{p.allowance:.4f}",
                f"{p.holdout_synthetic.dcr_p5:.4g}",
                f"{p.holdout_synthetic.dcr_median:.4g}",
            ],
        ]
    )
    medians = _rows(
        [
            [m.category_column, m.category, m.column, m.seed_rows, f"{m.seed_median:,.4g}", f"{m.seed_q25:,.4g} .. {m.seed_q75:,.4g}",
             "-" if m.synthetic_median is None else f"{m.synthetic_median:,.4g}", "yes" if m.within_spread else "NO"]
            for m in q.medians
        ]
    )  # fmt: skip
    pairs = _rows(
        [[f"{a} / {b}", pq.metric, f"{pq.seed:.3f}", f"{pq.synthetic:.3f}", f"{pq.difference:.3f}"] for pq in q.pairs for a, b in [pq.columns]]
    )  # fmt: skip
    rare = ", ".join(f"{c}: {n}" for c, n in p.rare_emitted.items()) or "none"
    pairs_of: dict[tuple[str, str], list[CategoryMedian]] = {}
    for m in q.medians:
        pairs_of.setdefault((m.category_column, m.column), []).append(m)
    spreads = "".join(spread_chart(by, col, ms) for (by, col), ms in pairs_of.items())
    return (
        f"<h2>{_esc(r.table)} / {_esc(r.group)}: score {q.score:.1f} / 100</h2>"
        f"<p>seed {_esc(r.seed)} ({r.seed_rows:,} rows), {r.synthetic_rows:,} synthetic rows; rare categories (fewer than {r.min_rows} seed rows) emitted: {_esc(rare)}; {verdict}.</p>"
        f"<h3>Distributions</h3>{charts}<h3>Associations</h3>{maps}"
        f"<table><tr><th>pair</th><th>measure</th><th>seed</th><th>synthetic</th><th>difference</th></tr>{pairs}</table>"
        f"<h3>Medians per category</h3>{spreads}<table><tr><th>by</th><th>category</th><th>column</th><th>seed rows</th><th>seed median</th><th>seed spread (quartiles)</th><th>synthetic median</th><th>within</th></tr>{medians}</table>"
        f"<h3>Privacy</h3><table><tr><th>rows</th><th>count</th><th>exact-copy rate</th><th>allowed</th><th>DCR 5%</th><th>DCR median</th></tr>{privacy}</table>"
    )


def render(spec_name: str, reports: list[GroupReport]) -> str:
    body = "".join(_group(r) for r in reports)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fauxdata synthesis report: {_esc(spec_name)}</title>'
        f"<style>{_CSS}</style></head><body><h1>Synthesis report: {_esc(spec_name)}</h1>"
        "<p>Score = 100 x (mean column similarity + mean pair similarity) / 2; a column's similarity is 1 - KS (numbers) or 1 - total variation distance (categories), a pair's is 1 - the difference of its association. DCR: distance to the closest seed row (numbers scaled by the seed's 1%..99% range, 1 per differing category).</p>"
        f"{body}</body></html>"
    )


def write_html(path: Path, spec_name: str, reports: list[GroupReport]) -> Path:
    """Write the report atomically (temp file, then rename); returns its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render(spec_name, reports), encoding="utf-8")
    tmp.replace(path)
    return path
