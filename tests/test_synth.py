"""Synthesize: the model holds aggregates only, sampling is deterministic per row, and the
report's figures on the payments seed (whose structure is known) hold."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

import fauxdata
from fauxdata.cli.main import app
from fauxdata.engine.rng import Stream
from fauxdata.errors import FauxdataError, SpecError
from fauxdata.synth import FitOptions, Sampler, fit
from fauxdata.synth.report import synth_report
from fauxdata.synth.store import CACHE_DIR

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEED = EXAMPLES / "seeds" / "payments_seed.csv"
RARE = ["jewelry", "art_dealer", "LU"]


@pytest.fixture(scope="module")
def seed() -> pl.DataFrame:
    return pl.read_csv(SEED, try_parse_dates=True)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """The payments example and its seed, copied so the model cache is the test's own."""
    shutil.copy(EXAMPLES / "payments.yaml", tmp_path / "payments.yaml")
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEED, tmp_path / "seeds" / SEED.name)
    return tmp_path


def test_the_model_holds_no_seed_row_and_no_rare_category(seed: pl.DataFrame) -> None:
    text = fit(seed).to_json()
    for label in RARE:
        assert f'"{label}"' not in text
    numbers = {float(v) for v in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", text)}
    assert not numbers & set(seed["amount"].to_list())  # no knot is one row's amount
    body = json.loads(text)
    assert set(body) == {
        "columns", "correlation", "seed_rows", "min_rows", "clip", "source_digest", "format",
    }  # fmt: skip
    assert all(len(c["knots"]) <= 101 for c in body["columns"].values())


def test_rare_categories_are_never_emitted_and_tails_are_clipped(seed: pl.DataFrame) -> None:
    sampler = Sampler(fit(seed))
    drawn = sampler.sample(np.arange(200_000, dtype=np.int64), Stream.of(7, "t", "g"))
    assert set(drawn["merchant_category"].unique()) == {
        "groceries", "restaurants", "fuel", "electronics", "travel",
    }  # fmt: skip
    assert "LU" not in set(drawn["country"].unique())
    amount = drawn["amount"]
    frame = pl.DataFrame([drawn["merchant_category"], amount])
    for category, rows in frame.group_by("merchant_category"):
        real = seed.filter(pl.col("merchant_category") == category[0])["amount"]
        # clipped inside the category's extremes: no seed outlier comes back
        assert real.min() < rows["amount"].min() and rows["amount"].max() < real.max()
    assert drawn["items"].dtype == pl.Int64  # integers stay integers
    assert (amount.round(2) == amount).all()  # decimals keep their scale
    assert drawn["payment_date"].dtype == pl.Date
    assert 0.01 < drawn["card_present"].null_count() / 200_000 < 0.03  # the seed's 2%


def test_every_cell_is_a_function_of_the_row_index(seed: pl.DataFrame) -> None:
    sampler = Sampler(fit(seed))
    stream = Stream.of(3, "payments", "synth:synth")
    whole = pl.DataFrame(list(sampler.sample(np.arange(1000, dtype=np.int64), stream).values()))
    parts = [
        pl.DataFrame(list(sampler.sample(np.arange(a, min(a + 77, 1000)), stream).values()))
        for a in range(0, 1000, 77)
    ]
    assert whole.equals(pl.concat(parts))
    picked = np.array([999, 3, 500])
    assert pl.DataFrame(list(sampler.sample(picked, stream).values())).equals(whole[picked])


def test_block_size_and_workers_do_not_change_the_data(workdir: Path) -> None:
    spec = workdir / "payments.yaml"
    small = fauxdata.generate(spec, tables=["payments"], block_size=999, workers=2)
    large = fauxdata.generate(spec, tables=["payments"])
    assert small.frames["payments"].equals(large.frames["payments"])


def test_the_payments_example_keeps_the_seeds_structure(workdir: Path, seed: pl.DataFrame) -> None:
    result = fauxdata.generate(workdir / "payments.yaml")
    payments = result.frames["payments"]
    assert result.report is not None and result.report.passed
    assert payments.columns == [
        "payment_id", "customer_id", "merchant_category", "amount", "currency", "fee",
    ]  # fmt: skip
    assert payments["amount"].dtype == pl.Decimal(12, 2)
    fee = (payments["amount"].cast(pl.Float64) * 0.029 + 0.30).round(2)
    assert (payments["fee"].cast(pl.Float64) - fee).abs().max() < 0.011  # the formula reads it
    shares = payments["currency"].value_counts(normalize=True).sort("currency")
    expected = seed["currency"].value_counts(normalize=True).sort("currency")
    assert np.abs(shares["proportion"].to_numpy() - expected["proportion"].to_numpy()).max() < 0.02


def test_the_report_figures_on_the_payments_seed(workdir: Path) -> None:
    [report] = synth_report(workdir / "payments.yaml")
    q, p = report.quality, report.privacy
    assert report.seed_rows == 2000 and report.synthetic_rows == 10_000
    assert q.score >= 97
    assert all(c.statistic < 0.03 for c in q.columns)
    by_category = [m for m in q.medians if m.category_column == "merchant_category"]
    assert len(by_category) == 5 and all(m.within_spread for m in by_category)
    travel = next(m for m in by_category if m.category == "travel")
    assert abs(travel.synthetic_median - travel.seed_median) / travel.seed_median < 0.1  # type: ignore[operator]
    amount_by_category = next(x for x in q.pairs if x.columns == ("merchant_category", "amount"))
    assert amount_by_category.seed > 0.5 and amount_by_category.difference < 0.05
    assert p.rare_emitted == {}
    assert p.target.exact_copy_rate <= p.target_allowance
    assert p.holdout_synthetic.exact_copy_rate <= p.allowance
    assert p.passed and report.passed
    figures = report.to_dict()
    assert figures["privacy"]["passed"] and figures["medians_within_spread"] == 8


def test_currency_follows_country(seed: pl.DataFrame) -> None:
    model = fit(seed, ["country", "currency"])
    assert (
        model.columns["country"].given == "currency" or model.columns["currency"].given == "country"
    )
    drawn = pl.DataFrame(list(Sampler(model).sample(np.arange(50_000), Stream.of(1, "x")).values()))
    mix = (
        drawn.group_by("country", "currency")
        .len()
        .with_columns(share=pl.col("len") / pl.col("len").sum().over("country"))
    )
    usd_in_de = mix.filter((pl.col("country") == "DE") & (pl.col("currency") == "USD"))["share"]
    gbp = mix.filter(pl.col("currency") == "GBP")
    assert set(gbp["country"]) == {"GB"}  # no pair the seed never had
    assert 0.01 < usd_in_de.item() < 0.07  # the seed's 3% of cross-border USD


def test_the_model_is_cached_by_the_seeds_digest(workdir: Path) -> None:
    fauxdata.check(workdir / "payments.yaml")
    cache = workdir / CACHE_DIR
    first = sorted(cache.iterdir())
    assert len(first) == 1
    fauxdata.check(workdir / "payments.yaml")
    assert sorted(cache.iterdir()) == first
    seed_file = workdir / "seeds" / SEED.name
    seed_file.write_text(seed_file.read_text() + "2025-03-01,US,USD,fuel,55.10,1,true\n")
    fauxdata.check(workdir / "payments.yaml")
    assert len(list(cache.iterdir())) == 2


def test_fit_then_a_spec_naming_the_model(workdir: Path) -> None:
    result = CliRunner().invoke(
        app, ["fit", str(SEED), "--out", str(workdir / "payments.model.json"), "--columns",
              "amount,currency,merchant_category", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["columns"]["amount"]["given"] == "merchant_category"
    text = (workdir / "payments.yaml").read_text()
    (workdir / "model.yaml").write_text(
        text.replace("from: seeds/payments_seed.csv", "model: payments.model.json")
    )
    from_model = fauxdata.generate(workdir / "model.yaml", tables=["payments"])
    from_seed = fauxdata.generate(workdir / "payments.yaml", tables=["payments"])
    assert from_model.frames["payments"].equals(from_seed.frames["payments"])


def test_synth_report_cli_writes_html_and_json(workdir: Path) -> None:
    out = workdir / "out.duckdb"
    runner = CliRunner()
    generated = runner.invoke(
        app, ["generate", str(workdir / "payments.yaml"), "--to", f"duckdb:///{out}", "--json"]
    )
    assert generated.exit_code == 0, generated.output
    assert json.loads(generated.output)["synthesis"][0]["privacy"]["passed"] is True
    html = workdir / "report.html"
    result = runner.invoke(
        app,
        ["synth-report", str(workdir / "payments.yaml"), "--data", f"duckdb:///{out}",
         "--out", str(html), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [figures] = json.loads(result.output)
    assert figures["quality"]["score"] >= 97 and figures["privacy"]["rare_emitted"] == {}
    page = html.read_text()
    assert page.count("<svg") >= 5  # three distributions, two heat maps
    for label in RARE:
        assert f">{label}<" not in page


def test_seed_sources_duckdb_and_parquet(workdir: Path, seed: pl.DataFrame) -> None:
    import duckdb

    seed.write_parquet(workdir / "seeds" / "payments.parquet")
    with duckdb.connect(str(workdir / "seeds" / "seeds.duckdb")) as con:
        con.register("frame", seed.to_arrow())
        con.execute("CREATE TABLE payments AS SELECT * FROM frame")
    text = (workdir / "payments.yaml").read_text()
    frames = []
    for source in ("seeds/payments.parquet", "duckdb:seeds/seeds.duckdb#payments"):
        (workdir / "other.yaml").write_text(text.replace("seeds/payments_seed.csv", source))
        frames.append(
            fauxdata.generate(workdir / "other.yaml", tables=["payments"]).frames["payments"]
        )
    assert frames[0].equals(frames[1])  # same content, same model, same rows


def test_a_postgresql_seed_through_an_env_url(
    workdir: Path, seed: pl.DataFrame, postgres_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    from tests.support.postgres import create_database

    url = create_database(postgres_server, "synth_seed")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(
            "CREATE TABLE payments (merchant_category text, amount numeric(12,2), currency text)"
        )
        with con.cursor().copy("COPY payments FROM STDIN") as copy:
            for row in seed.select("merchant_category", "amount", "currency").iter_rows():
                copy.write_row(row)
    monkeypatch.setenv("SEED_URL", url.replace("fauxdata@", "fauxdata:s3cret@"))  # trust auth
    text = (workdir / "payments.yaml").read_text()
    (workdir / "pg.yaml").write_text(
        text.replace("seeds/payments_seed.csv", "env:SEED_URL#payments")
    )
    [report] = synth_report(workdir / "pg.yaml")
    assert report.passed and report.quality.score >= 97
    assert "#payments" in report.seed and "s3cret" not in json.dumps(report.to_dict())


def test_user_errors_name_their_path(workdir: Path) -> None:
    text = (workdir / "payments.yaml").read_text()
    bad = {
        "columns: [amount, currency, merchant_category]": (
            "columns: [amount, currency, merchant_category, countryy]", "no column 'countryy'",
        ),
        "from: seeds/payments_seed.csv": ("from: seeds/missing.csv", "seed not found"),
        "      columns: [amount, currency, merchant_category]": (
            "      columns: [amount, currency, merchant_category]\n      model: m.json",
            "either 'from'",
        ),
    }  # fmt: skip
    for old, (new, message) in bad.items():
        (workdir / "bad.yaml").write_text(text.replace(old, new))
        with pytest.raises(SpecError) as caught:
            fauxdata.check(workdir / "bad.yaml")
        assert message in str(caught.value)
        assert "tables.payments" in str(caught.value)


def test_an_identifier_column_is_refused() -> None:
    frame = pl.DataFrame({"id": [f"P{i}" for i in range(100)], "x": np.arange(100.0)})
    with pytest.raises(FauxdataError, match="looks like an identifier"):
        fit(frame, options=FitOptions())


def test_nullable_and_timestamp_columns_keep_their_kind(workdir: Path, seed: pl.DataFrame) -> None:
    rng = np.random.default_rng(5)
    stamped = seed.with_columns(
        paid_at=pl.col("payment_date").cast(pl.Datetime("us"))
        + pl.duration(seconds=pl.Series(rng.integers(0, 86_400, seed.height)))
    )
    stamped.write_parquet(workdir / "seeds" / "stamped.parquet")
    (workdir / "t.yaml").write_text(
        "name: t\ntables:\n  p:\n    rows: 5000\n    synthesize:\n"
        "      from: seeds/stamped.parquet\n      columns: [paid_at, card_present, merchant_category]\n"
        "    columns:\n      id: {generator: sequence}\n"
    )
    result = fauxdata.generate(workdir / "t.yaml")
    frame = result.frames["p"]
    assert result.report is not None and result.report.passed  # NULLs allowed where seen
    assert frame["paid_at"].dtype == pl.Datetime("us")
    assert (frame["paid_at"].dt.microsecond() == 0).all()  # the seed's whole seconds
    assert frame["paid_at"].min() >= stamped["paid_at"].min()  # type: ignore[operator]
    assert 0.005 < frame["card_present"].null_count() / frame.height < 0.04


def test_copied_rows_fail_the_privacy_check(seed: pl.DataFrame) -> None:
    """The check can fail: rows copied from the seed are far beyond the holdout's rate."""
    from fauxdata.synth.report import evaluate, kinds_of

    model = fit(seed, ["amount", "currency", "merchant_category"])
    copied = pl.concat([seed] * 3).select("amount", "currency", "merchant_category")
    _, privacy = evaluate(seed, copied, kinds_of(model), FitOptions())
    assert privacy.target.exact_copy_rate == 1.0 and privacy.target.dcr_median == 0.0
    assert privacy.rare_emitted == {"merchant_category": 2}
    assert not privacy.passed


def test_a_synthesized_column_cannot_be_unique(workdir: Path) -> None:
    text = (workdir / "payments.yaml").read_text()
    (workdir / "u.yaml").write_text(text.replace("currency: {}", "currency: {unique: true}"))
    with pytest.raises(FauxdataError) as caught:
        fauxdata.generate(workdir / "u.yaml", tables=["payments"])
    assert "currency" in str(caught.value)


def test_a_run_without_synthesized_columns_does_not_import_the_sampler() -> None:
    """SciPy's stats and interpolation are imported only by a spec that needs them (a
    synthesized column, a Poisson count): they had cost every TPC-H run about 0.7
    CPU-seconds of import. The package still exports the sampler."""
    script = (
        "import sys, fauxdata\n"
        "fauxdata.generate('benchmarks/tpch.yaml', None, verify_output=False, scale=0.0001)\n"
        "print(any(m in sys.modules for m in ('scipy.interpolate', 'scipy.stats')))\n"
        "from fauxdata.synth import Sampler\n"
        "print(Sampler.__module__, 'scipy.interpolate' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "fauxdata.synth.sample", "True"]
