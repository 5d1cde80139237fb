"""Synthesizer measurements for ``benchmarks/run.py --only synth`` (each in its own process).

synth-fit       fit a 100,000-row x 10-column seed (the payments seed's generator at
                100k rows plus three derived columns); target: 10 s or less
synth-sample    draw 1M rows of the payments model (7 columns) with the sampler alone
synth-generate  the payments example (key, customer FK, 3 synthesized columns, a fee
                formula) at 1M payments to Parquet, end to end; target: 1M rows/s
synth-eval:NAME quality, privacy, fit time and sampling rate on one dataset: the
                payments seed and real datasets shipped in Python packages (see
                tests/support/datasets.py); 10x the seed's rows (at least 10,000) drawn
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = Path(__file__).parent / "results"


def _hundred_k() -> Any:
    import polars as pl

    sys.path.insert(0, str(ROOT / "examples" / "seeds"))
    from make_payments_seed import make

    frame = make(100_000)
    rng = np.random.default_rng(1)
    return frame.with_columns(
        fee=(pl.col("amount") * 0.029 + 0.3).round(2),
        hour=pl.Series(rng.integers(0, 24, frame.height)),
        risk=pl.Series(rng.beta(2, 8, frame.height)),
    )


def measure_fit(rows: int) -> dict[str, Any]:
    from fauxdata.synth import fit

    frame = _hundred_k().head(rows)
    started = time.perf_counter()
    model = fit(frame)
    return {
        "rows": frame.height,
        "columns": len(model.columns),
        "seconds": time.perf_counter() - started,
    }


def measure_sample(rows: int) -> dict[str, Any]:
    """The sampler alone, in blocks of 262,144 rows: the example's 3-column group, then
    the whole 7-column payments model."""
    from tests.support.datasets import payments

    from fauxdata.engine.rng import Stream
    from fauxdata.synth import Sampler, fit

    seed = payments()
    stream = Stream.of(0, "payments", "synth:synth")
    block = 262_144
    out: dict[str, Any] = {"rows": rows}
    for label, columns in (("3", ["amount", "currency", "merchant_category"]), ("7", None)):
        sampler = Sampler(fit(seed, columns))
        started, cpu = time.perf_counter(), time.process_time()
        for start in range(0, rows, block):
            sampler.sample(np.arange(start, min(start + block, rows), dtype=np.int64), stream)
        out[f"seconds_{label}_columns"] = time.perf_counter() - started
        out[f"cpu_seconds_{label}_columns"] = time.process_time() - cpu
    out["seconds"] = out["seconds_7_columns"]
    return out


def measure_generate(rows: int) -> dict[str, Any]:
    import fauxdata

    with tempfile.TemporaryDirectory() as out:
        fauxdata.check(ROOT / "examples" / "payments.yaml")  # fit and cache: not timed
        started, cpu = time.perf_counter(), time.process_time()
        fauxdata.generate(
            ROOT / "examples" / "payments.yaml",
            f"parquet:{out}/payments",
            rows={"payments": rows},
            tables=["payments"],
            verify_output=False,
        )
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"rows": rows, "seconds": seconds, "cpu_seconds": cpu}


def measure_dataset(name: str) -> dict[str, Any]:
    import polars as pl
    from tests.support.datasets import DATASETS

    from fauxdata.engine.rng import Stream
    from fauxdata.synth import FitOptions, Sampler, fit
    from fauxdata.synth.report import evaluate, kinds_of

    seed = DATASETS[name]()
    started = time.perf_counter()
    model = fit(seed)
    fit_seconds = time.perf_counter() - started
    n = max(10 * seed.height, 10_000)
    sampler = Sampler(model)
    started = time.perf_counter()
    drawn = sampler.sample(np.arange(n, dtype=np.int64), Stream.of(0, name, "synth:synth"))
    sample_seconds = time.perf_counter() - started
    quality, privacy = evaluate(
        seed, pl.DataFrame(list(drawn.values())), kinds_of(model), FitOptions()
    )
    return {
        "dataset": name,
        "rows": n,
        "seconds": sample_seconds,
        "seed_rows": seed.height,
        "columns": len(model.columns),
        "fit_seconds": fit_seconds,
        "score": quality.score,
        "worst_column": max(quality.columns, key=lambda c: c.statistic).__dict__,
        "worst_pair": max(quality.pairs, key=lambda p: p.difference).__dict__
        if quality.pairs
        else None,
        "exact_copy_rate": privacy.target.exact_copy_rate,
        "exact_copy_allowance": privacy.target_allowance,
        "holdout_exact_copy_rate": privacy.holdout.exact_copy_rate,
        "holdout_model_exact_copy_rate": privacy.holdout_synthetic.exact_copy_rate,
        "dcr_median": privacy.target.dcr_median,
        "holdout_dcr_median": privacy.holdout.dcr_median,
        "holdout_model_dcr_median": privacy.holdout_synthetic.dcr_median,
        "rare_emitted": sum(privacy.rare_emitted.values()),
        "privacy_passed": privacy.passed,
    }


def child(kind: str, rows: int) -> dict[str, Any]:
    if kind == "synth-fit":
        return measure_fit(rows)
    if kind == "synth-sample":
        return measure_sample(rows)
    if kind == "synth-generate":
        return measure_generate(rows)
    return measure_dataset(kind.split(":", 1)[1])


def kinds() -> list[str]:
    from tests.support.datasets import DATASETS

    return ["synth-fit", "synth-sample", "synth-generate", *(f"synth-eval:{n}" for n in DATASETS)]


def report(runs: dict[str, dict[str, Any]]) -> None:
    fit, sample, generate = runs["synth-fit"], runs["synth-sample"], runs["synth-generate"]
    print(
        f"\nfit {fit['rows']:,} rows x {fit['columns']} columns: {fit['seconds']:.2f} s (target <= 10 s)"
        f"\nsampler alone, {sample['rows']:,} rows: 3 columns "
        f"{sample['rows'] / sample['seconds_3_columns']:,.0f} rows/s "
        f"({sample['rows'] / sample['cpu_seconds_3_columns']:,.0f} per CPU second), 7 columns "
        f"{sample['rows'] / sample['seconds_7_columns']:,.0f} rows/s "
        f"({sample['rows'] / sample['cpu_seconds_7_columns']:,.0f} per CPU second)"
        f"\npayments example end to end to Parquet: {generate['rows_per_s']:,.0f} rows/s "
        f"({generate['rows'] / generate['cpu_seconds']:,.0f} per CPU second; target >= 1M rows/s)"
    )
    print(
        "\n| dataset | seed rows x cols | score | exact copies vs seed (allowed) | exact copies, 80% model / holdout | DCR median, 80% model / holdout | rare emitted | fit s |"
        "\n|---|---|---|---|---|---|---|---|"
    )
    for kind, r in runs.items():
        if kind.startswith("synth-eval:"):
            print(
                f"| {r['dataset']} | {r['seed_rows']:,} x {r['columns']} | {r['score']:.1f} | "
                f"{r['exact_copy_rate']:.4f} ({r['exact_copy_allowance']:.4f}) | "
                f"{r['holdout_model_exact_copy_rate']:.4f} / {r['holdout_exact_copy_rate']:.4f} | "
                f"{r['holdout_model_dcr_median']:.3g} / {r['holdout_dcr_median']:.3g} | "
                f"{r['rare_emitted']} | {r['fit_seconds']:.3f} |"
            )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "synth.json").write_text(json.dumps(runs, indent=2, default=str))
