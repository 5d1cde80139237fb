"""Scenario packs: simulation, QA, differences from baseline, reconciliation, determinism,
golden statistics, the reference mart, overrides, CLI, report and the pytest fixture."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from fauxdata.cli.main import app
from fauxdata.errors import FauxdataError, GenerationError, SpecError
from fauxdata.scenarios import PACKS, load_scenario, qa_output, run_qa, simulate
from fauxdata.scenarios.contract import CONTRACT, markdown
from fauxdata.scenarios.mart import MART_CONTRACT, run_mart
from fauxdata.scenarios.output import open_output, write_output, write_scenario
from fauxdata.scenarios.reconcile import attribution_mismatches, ledger_mismatches
from fauxdata.scenarios.summary import summary

CUSTOMERS = 3_000
GOLDEN = Path(__file__).parent / "golden" / "scenarios.json"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def packs() -> dict[str, tuple]:
    """Every pack simulated once at the test size (same seed: common random numbers, so
    differences from baseline come from the pack's parameters)."""
    out = {}
    for name in PACKS:
        scenario = load_scenario(name, extra={"customers": CUSTOMERS})
        out[name] = (scenario, simulate(scenario))
    return out


def _lines_with_dates(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return tables["order_lines"].join(
        tables["orders"].select("order_id", "order_date"), on="order_id"
    )


def _per_day(frame: pl.DataFrame, column: str, lo: dt.date, hi: dt.date) -> float:
    return (
        frame.filter(pl.col(column).cast(pl.Date).is_between(lo, hi, closed="left")).height
        / (hi - lo).days
    )


@pytest.mark.parametrize("name", PACKS)
def test_every_pack_passes_its_qa(packs: dict[str, tuple], name: str) -> None:
    scenario, tables = packs[name]
    report = run_qa(scenario, tables)
    assert report.passed, [
        f"{r.name}: {r.statistic} not in {r.bound} ({r.detail})" for r in report.failures
    ]
    assert len(report.results) >= 25


def _survival(tables: dict[str, pl.DataFrame], cohort: dt.date | None, months: int) -> float:
    c = tables["customers"]
    c = (
        c.filter(pl.col("cohort_month") == cohort)
        if cohort
        else c.filter(pl.col("cohort_month") != dt.date(2024, 3, 1))
    )
    life = (pl.col("churned_on") - pl.col("acquired_on")).dt.total_days()
    return float(
        c.select((pl.col("churned_on").is_null() | (life >= months * 30.4375)).mean()).item()
    )


def test_high_churn_cohort_decays_faster_and_nobody_else_changes(packs: dict[str, tuple]) -> None:
    base, churn = packs["baseline"][1], packs["high-churn-cohort"][1]
    march = dt.date(2024, 3, 1)
    assert _survival(base, march, 6) > 0.6
    assert _survival(churn, march, 6) < _survival(base, march, 6) - 0.3
    others = pl.col("cohort_month") != march
    assert base["customers"].filter(others).equals(churn["customers"].filter(others))


def test_heavy_promotion_lifts_redemptions_then_dips(packs: dict[str, tuple]) -> None:
    base, heavy = packs["baseline"][1], packs["heavy-promotion-month"][1]
    march, april, dip_end = dt.date(2025, 3, 1), dt.date(2025, 4, 1), dt.date(2025, 4, 29)
    lift = _per_day(heavy["orders"], "order_date", march, april) / _per_day(
        base["orders"], "order_date", march, april
    )
    dip = _per_day(heavy["orders"], "order_date", april, dip_end) / _per_day(
        base["orders"], "order_date", april, dip_end
    )
    assert lift > 1.7
    assert dip < 0.75
    red = [t["points_ledger"].filter(pl.col("kind") == "redemption") for t in (base, heavy)]
    assert _per_day(red[1], "entry_at", march, april) > 2.5 * _per_day(
        red[0], "entry_at", march, april
    )
    discount = [
        t["orders"]
        .filter(pl.col("promo_id").is_not_null())["promo_discount"]
        .cast(pl.Float64)
        .sum()
        for t in (base, heavy)
    ]
    assert discount[1] > 5 * discount[0]


def test_the_dip_falls_on_the_promotions_buyers(packs: dict[str, tuple]) -> None:
    """Pull-forward: buyers in the promotion order at about promo.dip times their later
    rate in the dip window; the baseline's data, judged by the same check, shows no such
    gap."""
    heavy_scenario, heavy = packs["heavy-promotion-month"]
    (found,) = [r for r in run_qa(heavy_scenario, heavy).results if r.name == "pull_forward"]
    assert found.passed and abs(found.statistic - heavy_scenario.promo.dip) < 0.15
    base = packs["baseline"][1]
    (control,) = [r for r in run_qa(heavy_scenario, base).results if r.name == "pull_forward"]
    assert not control.passed and control.statistic > 0.9


def test_recall_stops_sales_spikes_refunds_and_notifies(packs: dict[str, tuple]) -> None:
    scenario, recall = packs["product-recall"]
    base = packs["baseline"][1]
    day, pid = scenario.recall.date, scenario.recall.product
    after = [
        _lines_with_dates(t)
        .filter((pl.col("product_id") == pid) & (pl.col("order_date") >= day))
        .height
        for t in (base, recall)
    ]
    assert after[0] > 100 and after[1] == 0
    window = (day, day + dt.timedelta(days=14))
    refunds = [
        t["returns"]
        .filter(pl.col("returned_on").is_between(*window, closed="left"))["refund_amount"]
        .cast(pl.Float64)
        .sum()
        for t in (base, recall)
    ]
    assert refunds[1] > 2 * refunds[0]
    assert recall["returns"].filter(pl.col("reason") == "recall").height > 100
    notified = recall["touches"].filter(pl.col("kind") == "recall_notice")["customer_id"].to_list()
    returners = set(recall["returns"].filter(pl.col("reason") == "recall")["customer_id"].to_list())
    window = pl.col("order_date").is_between(
        day - dt.timedelta(days=scenario.recall.window_days), day, closed="left"
    )
    bought = _lines_with_dates(recall).filter((pl.col("product_id") == pid) & window)
    buyers = set(
        recall["orders"]
        .filter(pl.col("order_id").is_in(bought["order_id"].implode()))["customer_id"]
        .to_list()
    )
    assert len(notified) == len(set(notified)) == len(buyers)
    assert set(notified) == buyers and returners <= buyers
    assert base["touches"].filter(pl.col("kind") == "recall_notice").height == 0


def test_launch_ramps_and_cannibalises_its_neighbour(packs: dict[str, tuple]) -> None:
    base, launch = packs["baseline"][1], packs["product-launch"][1]

    def share(tables: dict[str, pl.DataFrame], cid: int, lo: dt.date, hi: dt.date) -> float:
        lines = _lines_with_dates(tables).filter(
            pl.col("order_date").is_between(lo, hi, closed="left")
        )
        return float((lines["category_id"] == cid).mean())

    quarters = [
        (dt.date(2024, 7, 1), dt.date(2024, 10, 1)),
        (dt.date(2024, 10, 1), dt.date(2025, 1, 1)),
        (dt.date(2025, 1, 1), dt.date(2025, 4, 1)),
    ]
    ramp = [share(launch, 9, *q) for q in quarters]
    assert ramp[0] == 0 and 0 < ramp[1] < ramp[2]
    late = (dt.date(2025, 7, 1), dt.date(2026, 1, 1))
    assert share(launch, 3, *late) < 0.8 * share(base, 3, *late)
    assert base["categories"].height == 8 and launch["categories"].height == 9


def test_reconciliation_is_exact_and_catches_a_single_point(packs: dict[str, tuple]) -> None:
    scenario, tables = packs["heavy-promotion-month"]
    assert all(bad == 0 for _, bad, _ in ledger_mismatches(scenario, tables))
    assert all(bad == 0 for _, bad, _ in attribution_mismatches(tables))
    tampered = dict(
        tables,
        points_ledger=tables["points_ledger"].with_columns(
            pl.when(pl.col("entry_id") == 1)
            .then(pl.col("points") + 1)
            .otherwise(pl.col("points"))
            .alias("points")
        ),
    )
    assert any(bad > 0 for _, bad, _ in ledger_mismatches(scenario, tampered))
    first = pl.col("order_id") == 1
    shifted = dict(
        tables,
        attribution=tables["attribution"].with_columns(
            pl.when(first & (pl.col("position") == 1))
            .then(pl.col("revenue_linear") + pl.lit(0.01).cast(pl.Decimal(12, 2)))
            .otherwise(pl.col("revenue_linear"))
            .alias("revenue_linear")
        ),
    )
    assert any(bad > 0 for what, bad, _ in attribution_mismatches(shifted) if "linear" in what)


def test_qa_fails_when_the_declared_distribution_is_not_the_data(packs: dict[str, tuple]) -> None:
    scenario, tables = packs["baseline"]
    wrong = load_scenario(
        "baseline", extra={"customers": CUSTOMERS}, sets=["segments.regular.order_value_median=60"]
    )
    failed = {r.name for r in run_qa(wrong, tables).failures}
    assert failed == {"spend_ks[regular]"}
    assert run_qa(scenario, tables).passed


def test_same_seed_same_data_other_seed_other_data(packs: dict[str, tuple]) -> None:
    scenario, tables = packs["baseline"]
    again = simulate(load_scenario("baseline", extra={"customers": CUSTOMERS}))
    assert all(tables[t].equals(again[t]) for t in CONTRACT)
    other = simulate(
        load_scenario("baseline", extra={"customers": CUSTOMERS, "seed": scenario.seed + 1})
    )
    assert not tables["orders"].equals(other["orders"])
    assert not tables["customers"].equals(other["customers"])


def test_block_size_does_not_change_the_data(tmp_path: Path) -> None:
    scenario = load_scenario("product-recall", extra={"customers": 1_200})
    whole = simulate(scenario)
    blocked = simulate(scenario, block=250)
    assert all(whole[t].equals(blocked[t]) for t in CONTRACT)
    assert blocked["orders"]["order_id"].is_unique().all()
    write_scenario(scenario, f"parquet:{tmp_path / 'spilled'}", block=250)
    out = open_output(str(tmp_path / "spilled"))
    try:
        assert all(out.table(t).equals(whole[t]) for t in CONTRACT)
    finally:
        out.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spilled"]


def test_golden_summary_statistics(packs: dict[str, tuple]) -> None:
    """A dependency upgrade that shifts any draw changes these; regenerate deliberately
    with FAUXDATA_UPDATE_GOLDEN=1 and review the diff."""
    found = {name: summary(tables) for name, (_, tables) in packs.items()}
    if os.environ.get("FAUXDATA_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n")
    expected = json.loads(GOLDEN.read_text())
    assert set(expected) == set(PACKS)
    for name in PACKS:
        assert found[name] == expected[name], name


def test_the_reference_mart_runs_on_the_output(packs: dict[str, tuple], tmp_path: Path) -> None:
    scenario, tables = packs["baseline"]
    write_output(tables, scenario, str(tmp_path / "base.duckdb"))
    out = open_output(str(tmp_path / "base.duckdb"))
    try:
        mart = run_mart(out.con)
    finally:
        out.close()
    for name, (_, columns) in MART_CONTRACT.items():
        assert mart[name].columns == [c for c, _, _ in columns], name
    rfm, clv, cohorts, campaigns = (
        mart[n]
        for n in (
            "mart_customer_rfm",
            "mart_clv_inputs",
            "mart_cohort_retention",
            "mart_campaign_performance",
        )
    )
    buyers = tables["orders"]["customer_id"].n_unique()
    assert rfm.height == buyers == clv.height
    assert rfm["frequency"].sum() == tables["orders"].height
    for score in ("r_score", "f_score", "m_score"):
        assert set(rfm[score].unique().to_list()) == {1, 2, 3, 4, 5}
    assert clv["frequency"].sum() == tables["orders"].height - buyers
    assert ((clv["recency_days"] >= 0) & (clv["recency_days"] <= clv["t_days"])).all()
    assert cohorts["retention"].is_between(0, 1).all()
    m1 = cohorts.filter(pl.col("months_since") == 1)["retention"].mean()
    m12 = cohorts.filter(pl.col("months_since") == 12)["retention"].mean()
    assert m1 > 0.3 and m12 < m1
    total = tables["orders"]["net_amount"].cast(pl.Float64).sum()
    for model in ("first_touch", "last_touch", "linear", "time_decay"):
        assert campaigns[f"revenue_{model}"].cast(pl.Float64).sum() == pytest.approx(
            total, abs=0.005
        )
    assert "direct" in campaigns["campaign_id"].to_list()


def test_set_errors_name_the_path_and_suggest(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as err:
        load_scenario("baseline", sets=["churn.montly_hazard=0.1"])
    assert err.value.problems[0].path == "churn.montly_hazard"
    assert "monthly_hazard" in err.value.problems[0].hint
    with pytest.raises(SpecError) as err:
        load_scenario("baseline", sets=["promo.lift=-1"])
    assert err.value.problems[0].path == "promo.lift"
    with pytest.raises(SpecError) as err:
        load_scenario("baseline", sets=["launch.neighbour=electronix"])
    assert "did you mean 'electronics'" in str(err.value)
    with pytest.raises(FauxdataError, match="did you mean 'product-recall'"):
        load_scenario("product-recal")
    with pytest.raises(SpecError) as err:
        load_scenario("baseline", extra={"end": dt.date(2024, 12, 31)})
    assert err.value.problems[0].path == "promo.start"
    dropped = load_scenario(
        "baseline",
        sets=["promo.start=null", "promo.end=null", "qa.promo_uplift=null"],
        extra={"end": dt.date(2024, 12, 31)},
    )
    assert "promo_uplift" not in dropped.qa and dropped.promo.start is None
    with pytest.raises(GenerationError, match="candidate orders"):
        simulate(
            load_scenario(
                "baseline", sets=["segments.vip.orders_per_month=200"], extra={"customers": 300}
            )
        )
    bad_bound = load_scenario(
        "baseline", sets=["qa.promo_uplift.min=abc"], extra={"customers": 300}
    )
    with pytest.raises(SpecError) as err:
        run_qa(bad_bound, simulate(bad_bound))
    assert err.value.problems[0].path == "qa.promo_uplift.min"
    overrides = tmp_path / "mine.yaml"
    overrides.write_text("churn:\n  monthly_hazard: 0.12\npromo:\n  lift: 2.5\n")
    loaded = load_scenario("baseline", files=[overrides], sets=["promo.lift=3"])
    assert loaded.churn.monthly_hazard == 0.12 and loaded.promo.lift == 3.0


def test_cli_run_qa_json_and_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    data = str(tmp_path / "promo.duckdb")
    ran = runner.invoke(
        app,
        [
            "scenario",
            "run",
            "heavy-promotion-month",
            "--customers",
            "2000",
            "--to",
            data,
            "--set",
            "promo.lift=2.4",
            "--json",
        ],
    )
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.output)["rows"]["customers"] == 2000
    qa = runner.invoke(app, ["qa", "--data", data, "--json", "--report", str(tmp_path / "r.html")])
    assert qa.exit_code == 0, qa.output
    result = json.loads(qa.output)
    assert result["passed"] and result["scenario"] == "heavy-promotion-month"
    assert {"name", "statistic", "bound", "passed", "detail"} <= set(result["checks"][0])
    assert (tmp_path / "r.html").read_text().count("<svg") == 5
    ran = runner.invoke(
        app,
        [
            "scenario",
            "run",
            "baseline",
            "--customers",
            "2000",
            "--to",
            f"parquet:{tmp_path / 'base'}",
        ],
    )
    assert ran.exit_code == 0, ran.output
    wrong = runner.invoke(
        app, ["qa", "--data", str(tmp_path / "base"), "--scenario", "heavy-promotion-month"]
    )
    assert wrong.exit_code == 1
    assert "promo_uplift" in wrong.output and "FAIL" in wrong.output
    shown = runner.invoke(
        app, ["scenario", "show", "product-recall", "--set", "recall.return_rate=0.8", "--json"]
    )
    assert json.loads(shown.output)["recall"] == {
        "product": 60,
        "date": "2025-01-15",
        "return_rate": 0.8,
        "window_days": 180,
    }
    listed = runner.invoke(app, ["scenario", "list", "--json"])
    assert [p["name"] for p in json.loads(listed.output)] == list(PACKS)
    bad = runner.invoke(
        app, ["scenario", "run", "baseline", "--set", "churn.montly_hazard=0.1", "--to", data]
    )
    assert isinstance(bad.exception, SpecError)


def test_html_report_is_self_contained_with_its_charts(tmp_path: Path) -> None:
    scenario = load_scenario("heavy-promotion-month", extra={"customers": 1500})
    write_output(simulate(scenario), scenario, f"csv:{tmp_path / 'out'}")
    report, path = qa_output(str(tmp_path / "out"), report=tmp_path / "report.html")
    assert path is not None
    text = path.read_text()
    assert "http://" not in text and "https://" not in text and "<script" not in text
    assert text.count("<svg") == len(scenario.segments) + 2
    assert "Cohort retention" in text and "Daily net revenue" in text and "promotion" in text
    assert text.count('class="pass"') + text.count('class="fail"') == len(report.results)


def test_all_formats_round_trip(tmp_path: Path) -> None:
    scenario = load_scenario("product-recall", extra={"customers": 400})
    tables = simulate(scenario)
    for fmt in ("parquet", "csv", "jsonl"):
        write_output(tables, scenario, f"{fmt}:{tmp_path / fmt}")
        out = open_output(str(tmp_path / fmt))
        try:
            back = out.tables()
            assert out.scenario == scenario
        finally:
            out.close()
        assert all(back[t].equals(tables[t]) for t in CONTRACT), fmt


def test_contract_is_documented_and_matches_the_tables(packs: dict[str, tuple]) -> None:
    tables = packs["baseline"][1]
    for name, (_, columns) in CONTRACT.items():
        assert tables[name].columns == [c for c, _, _ in columns]
    doc = (ROOT / "docs" / "scenarios.md").read_text()
    assert markdown() in doc
    assert markdown(MART_CONTRACT) in doc
    for name in PACKS:
        assert f"`{name}`" in doc


def test_pytest_fixture_is_cached_per_session(fauxdata_scenario) -> None:  # type: ignore[no-untyped-def]
    first = fauxdata_scenario("baseline", customers=300)
    assert first is fauxdata_scenario("baseline", customers=300)
    assert first["customers"].height == 300
    assert fauxdata_scenario("baseline", customers=300, sets=["promo.lift=2"]) is not first


def test_output_fixture_writes_once_and_qa_reads_it(fauxdata_scenario_output) -> None:  # type: ignore[no-untyped-def]
    path = fauxdata_scenario_output("high-churn-cohort", to="parquet", customers=2_000)
    assert path == fauxdata_scenario_output("high-churn-cohort", to="parquet", customers=2_000)
    assert Path(path, "orders.parquet").exists()
    report, _ = qa_output(path)
    assert report.passed and report.scenario == "high-churn-cohort"
    db = fauxdata_scenario_output("baseline", customers=500)
    assert db.endswith(".duckdb") and Path(db).exists()


def test_price_elasticity_shifts_choice_to_discounted_categories() -> None:
    extra = {"customers": 2_000}
    every = simulate(load_scenario("heavy-promotion-month", extra=extra))
    some = simulate(
        load_scenario(
            "heavy-promotion-month", sets=["promo.categories=[beauty, toys]"], extra=extra
        )
    )
    march = pl.col("order_date").is_between(dt.date(2025, 3, 1), dt.date(2025, 4, 1), closed="left")
    promoted = pl.col("category_id").is_in([2, 8])
    shares = [
        _lines_with_dates(t).filter(march).select(promoted.mean()).item() for t in (every, some)
    ]
    assert shares[1] > shares[0] + 0.05
    discounted = _lines_with_dates(some).filter(march & (pl.col("discount_amount") > 0))
    assert discounted.height > 0 and discounted.select(promoted.all()).item()
