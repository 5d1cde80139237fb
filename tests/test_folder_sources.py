"""Files and folders of files as sources for every journey: ``init`` (mock and mask),
``scan`` and ``fit`` read CSV and Parquet folders, and JSON arrays (vega_datasets' real
files). Files declare no keys, so init infers them from names and proves them on the
rows; a guess the rows contradict is dropped."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
import vega_datasets

import fauxdata
from fauxdata.errors import FauxdataError
from fauxdata.mask.workflow import mask
from fauxdata.workflows import InitOptions, init
from fauxdata.workflows.scanning import ScanOptions, scan
from fauxdata.workflows.synthesis import FitSeedOptions, fit_seed
from tests.support.bank import bank_files

VEGA = Path(vega_datasets.__file__).parent / "_data"
AIRPORTS = VEGA / "airports.csv"


@pytest.fixture
def bank_csv(tmp_path: Path) -> Path:
    """The bank tables as CSV, in a folder whose name needs quoting in SQL."""
    plain = bank_files(tmp_path / "plain", "csv")
    folder = tmp_path / "bank's export"
    shutil.copytree(plain, folder)
    return folder


def _keys(spec: Path) -> tuple[dict[str, list[str]], set[tuple[str, str, str]]]:
    plan = fauxdata.check(spec)
    primary = {name: list(t.primary_key) for name, t in plan.tables.items()}
    foreign = {
        (name, ",".join(fk.columns), f"{fk.parent}.{','.join(fk.parent_columns)}")
        for name, t in plan.tables.items()
        for fk in t.foreign_keys
    }
    return primary, foreign


EXPECTED_FOREIGN = {
    ("accounts", "customer_id", "customers.id"),
    ("transactions", "account_number", "accounts.account_number"),
    ("transactions", "customer_id", "customers.id"),
}


def test_mock_from_a_csv_folder_keeps_the_keys_the_rows_prove(
    bank_csv: Path, tmp_path: Path
) -> None:
    spec = tmp_path / "mock.yaml"
    made = init(InitOptions(out=spec, source=f"csv:{bank_csv}", rows=500))
    primary, foreign = _keys(spec)
    assert primary == {"customers": ["id"], "accounts": ["account_number"], "transactions": ["id"]}
    assert foreign == EXPECTED_FOREIGN
    assert len(made.inferred) == 6 and all("inferred" in line for line in made.inferred)
    result = fauxdata.generate(spec, tmp_path / "dev.duckdb")
    assert result.report is not None and result.report.passed
    with duckdb.connect(str(tmp_path / "dev.duckdb"), read_only=True) as con:
        orphans = con.execute(
            "SELECT count(*) FROM transactions t ANTI JOIN accounts a USING (account_number)"
        ).fetchall()
    assert orphans == [(0,)]


def test_mask_from_a_csv_folder_keeps_joins_and_replaces_keys(
    bank_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASK_KEY", "correct-horse-battery-staple-42")
    spec = tmp_path / "mask.yaml"
    init(InitOptions(out=spec, source=f"csv:{bank_csv}", mode="mock-or-mask"))
    assert _keys(spec)[1] == EXPECTED_FOREIGN
    out = tmp_path / "out"
    result = mask(spec, f"csv:{bank_csv}", f"parquet:{out}", key="env:MASK_KEY")
    assert result.verification is not None and result.verification.passed
    source = pl.read_csv(bank_csv / "accounts.csv")
    accounts = pl.read_parquet(out / "accounts.parquet")
    transactions = pl.read_parquet(out / "transactions.parquet")
    assert not set(accounts["account_number"]) & set(source["account_number"])
    assert transactions.join(accounts, on="account_number").height == transactions.height == 2000


def test_a_guess_the_rows_contradict_is_dropped(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    pl.DataFrame({"order_id": [10, 11, 12], "customer_id": [1, 2, 9]}).write_parquet(
        folder / "orders.parquet"
    )
    pl.DataFrame({"id": [1, 2, 3], "name": ["x", "y", "z"]}).write_parquet(
        folder / "customers.parquet"
    )
    pl.DataFrame({"id": [1, 2, 2], "team": ["a", "b", "c"]}).write_parquet(folder / "teams.parquet")
    spec = tmp_path / "spec.yaml"
    made = init(InitOptions(out=spec, source=f"parquet:{folder}"))
    primary, foreign = _keys(spec)
    assert primary == {"customers": ["id"], "orders": ["order_id"], "teams": []}  # id repeats
    assert foreign == set()  # customer 9 does not exist
    assert made.inferred == [
        "customers.id: primary key (inferred: unique and never empty in the files)",
        "orders.order_id: primary key (inferred: unique and never empty in the files)",
    ]


def test_scan_reads_a_folder(bank_csv: Path) -> None:
    found = scan(ScanOptions(f"csv:{bank_csv}"))
    categories = {(f.table, f.column): f.category for f in found.findings}
    assert categories[("customers", "email")] == "email"
    assert categories[("customers", "phone")] == "phone"


def test_fit_a_whole_real_table_leaves_out_its_identifier(tmp_path: Path) -> None:
    """vega_datasets' airports: ``iata`` is a code per airport, so no value is common
    enough to emit; fitting the table learns the rest and says why it left iata out."""
    done = fit_seed(FitSeedOptions(str(AIRPORTS), tmp_path / "airports.model.json"))
    assert "iata" not in done.model.columns and {"state", "latitude"} <= set(done.model.columns)
    assert "identifier" in done.skipped["iata"]
    assert done.as_dict()["skipped"] == done.skipped
    with pytest.raises(FauxdataError, match="no value of 'iata'") as named:
        fit_seed(FitSeedOptions(str(AIRPORTS), tmp_path / "again.json", columns=["iata"]))
    assert named.value.path == "--columns.iata"


def test_json_arrays_are_scanned_and_fitted(tmp_path: Path) -> None:
    wheat = scan(ScanOptions(str(VEGA / "wheat.json")))
    assert [(f.column, f.category) for f in wheat.findings] == [("wages", "salary")]
    done = fit_seed(FitSeedOptions(str(VEGA / "cars.json"), tmp_path / "cars.model.json"))
    assert done.rows == 406 and {"Horsepower", "Origin"} <= set(done.model.columns)


def test_scan_names_its_own_argument_for_what_it_cannot_read() -> None:
    with pytest.raises(FauxdataError, match="not a database URL") as caught:
        scan(ScanOptions("foo:bar"))
    assert caught.value.path == "WHAT" and "csv:DIR" in caught.value.hint


def test_a_file_that_is_not_utf8_is_named_with_the_way_out(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "clients.csv").write_bytes("id,naam\n1,José\n2,Renée\n".encode("latin-1"))
    with pytest.raises(FauxdataError, match=r"cannot read .*clients\.csv") as caught:
        init(InitOptions(out=tmp_path / "spec.yaml", source=f"csv:{folder}"))
    assert caught.value.path == "--from" and "UTF-8" in caught.value.hint
    assert not (tmp_path / "spec.yaml").exists()
    with pytest.raises(FauxdataError, match="cannot read") as scanned:
        scan(ScanOptions(f"csv:{folder}"))
    assert scanned.value.path == "WHAT"
    (folder / "clients.csv").write_bytes(b"")
    with pytest.raises(FauxdataError, match="is empty: no header"):
        init(InitOptions(out=tmp_path / "spec.yaml", source=f"csv:{folder}"))
