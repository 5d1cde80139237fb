"""A pytest plugin: seeded mock datasets as fixtures, for tests of the user's own code.

Installed with fauxdata (entry point ``pytest11``). In a test::

    def test_churn_report(fauxdata_tables):
        tables = fauxdata_tables("specs/shop.yaml", rows={"customers": 500})
        assert build_report(tables["orders"]).height > 0

Scenario packs (marketing, sales, loyalty) come from ``fauxdata_scenario("baseline")``
(frames) and ``fauxdata_scenario_output("baseline", to="duckdb")`` (a written dataset).

Every test gets the same data for the same spec, because the seed is fixed
(``--fauxdata-seed N`` to change it, printed in the header so a failure can be replayed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pytest

DEFAULT_SEED = 20_240_101

Tables = dict[str, pl.DataFrame]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fauxdata")
    group.addoption(
        "--fauxdata-seed",
        type=int,
        default=None,
        help=f"seed for fauxdata fixtures (default {DEFAULT_SEED})",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"fauxdata seed: {_seed(config)}"


def _seed(config: pytest.Config) -> int:
    value = config.getoption("--fauxdata-seed", default=None)
    return DEFAULT_SEED if value is None else int(value)


@pytest.fixture
def fauxdata_seed(request: pytest.FixtureRequest) -> int:
    """The seed every fauxdata fixture uses in this session."""
    return _seed(request.config)


@pytest.fixture
def fauxdata_tables(fauxdata_seed: int) -> Callable[..., Tables]:
    """Generate a spec in memory and return its tables as Polars DataFrames.

    Fails the test with the spec's own error message when the spec is invalid or the
    data does not verify.
    """
    from fauxdata.errors import FauxdataError
    from fauxdata.run import generate

    def make(
        spec: str | Path | Mapping[str, Any],
        *,
        rows: Mapping[str, int] | None = None,
        tables: list[str] | None = None,
        seed: int | None = None,
    ) -> Tables:
        try:
            result = generate(
                dict(spec) if isinstance(spec, Mapping) else spec,
                seed=fauxdata_seed if seed is None else seed,
                rows=rows,
                tables=tables,
            )
        except FauxdataError as exc:
            pytest.fail(f"fauxdata: {exc}", pytrace=False)
        if result.report is not None and not result.report.passed:
            failures = "; ".join(f"{c.name} ({c.detail})" for c in result.report.failures)
            pytest.fail(f"fauxdata: generated data failed verification: {failures}", pytrace=False)
        return result.frames

    return make


@pytest.fixture(scope="session")
def fauxdata_scenario(request: pytest.FixtureRequest) -> Callable[..., Tables]:
    """Simulate a scenario pack (small by default) and return its tables; cached for the
    session, so every test asking for the same scenario shares one simulation::

        def test_rfm(fauxdata_scenario):
            tables = fauxdata_scenario("heavy-promotion-month", sets=["promo.lift=3"])
            assert my_pipeline(tables["orders"]).height > 0

    The pack's own seed is used unless ``--fauxdata-seed`` is given.
    """
    from fauxdata.errors import FauxdataError
    from fauxdata.scenarios import load_scenario, simulate

    explicit = request.config.getoption("--fauxdata-seed", default=None)
    cache: dict[tuple[object, ...], Tables] = {}

    def make(
        name: str = "baseline",
        *,
        customers: int = 2_000,
        sets: list[str] | None = None,
        seed: int | None = None,
    ) -> Tables:
        chosen = seed if seed is not None else explicit
        key = (name, customers, tuple(sets or ()), chosen)
        if key not in cache:
            extra: dict[str, Any] = {"customers": customers}
            if chosen is not None:
                extra["seed"] = int(chosen)
            try:
                cache[key] = simulate(load_scenario(name, sets=list(sets or ()), extra=extra))
            except FauxdataError as exc:
                pytest.fail(f"fauxdata: {exc}", pytrace=False)
        return cache[key]

    return make


@pytest.fixture(scope="session")
def fauxdata_scenario_output(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., str]:
    """Write a scenario pack to a session-scoped folder and return the target, for
    pipelines that read files or a database rather than frames::

        def test_dbt_like_model(fauxdata_scenario_output):
            path = fauxdata_scenario_output("product-recall", to="duckdb")
            run_my_models(duckdb.connect(path))

    ``to`` is ``duckdb`` (returns the .duckdb path), ``parquet``, ``csv`` or ``jsonl``
    (returns the folder); written once per session for the same arguments. The output
    carries its manifest, so ``fauxdata qa --data PATH`` works on it too.
    """
    from fauxdata.errors import FauxdataError
    from fauxdata.scenarios import load_scenario
    from fauxdata.scenarios.output import write_scenario

    explicit = request.config.getoption("--fauxdata-seed", default=None)
    cache: dict[tuple[object, ...], str] = {}

    def make(
        name: str = "baseline",
        *,
        to: str = "duckdb",
        customers: int = 2_000,
        sets: list[str] | None = None,
        seed: int | None = None,
    ) -> str:
        chosen = seed if seed is not None else explicit
        key = (name, to, customers, tuple(sets or ()), chosen)
        if key not in cache:
            extra: dict[str, Any] = {"customers": customers}
            if chosen is not None:
                extra["seed"] = int(chosen)
            folder = tmp_path_factory.mktemp(f"fauxdata-{name}")
            path = str(folder / (f"{name}.duckdb" if to == "duckdb" else name))
            try:
                scenario = load_scenario(name, sets=list(sets or ()), extra=extra)
                write_scenario(scenario, path if to == "duckdb" else f"{to}:{path}")
            except FauxdataError as exc:
                pytest.fail(f"fauxdata: {exc}", pytrace=False)
            cache[key] = path
        return cache[key]

    return make
