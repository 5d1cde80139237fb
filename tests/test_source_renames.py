"""Source columns whose names a spec cannot hold: R's ``Sepal.Length`` (Fisher's iris as
R's ``write.csv`` writes it; the rows are those ``vega_datasets`` ships) and a
spreadsheet's ``Invoice No.`` key. init gives them a spec name with ``_`` and records
``source_name``; masking reads them by that name, keys and joins follow the rename, and
``sync`` sees no drift."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest
import vega_datasets

import fauxdata
from fauxdata.introspect.reflect import read_schema
from fauxdata.introspect.sync import drift
from fauxdata.mask.workflow import mask
from fauxdata.workflows import InitOptions, init

IRIS = Path(vega_datasets.__file__).parent / "_data" / "iris.json"
R_HEADER = ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width", "Species"]


@pytest.fixture
def iris_folder(tmp_path: Path) -> Path:
    rows = json.loads(IRIS.read_text())
    folder = tmp_path / "r_export"
    folder.mkdir()
    pl.DataFrame([list(r.values()) for r in rows], schema=R_HEADER, orient="row").write_csv(
        folder / "iris.csv"
    )
    return folder


def test_r_headers_are_masked_and_mocked_under_spec_names(
    iris_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASK_KEY", "correct-horse-battery-staple-42")
    spec = tmp_path / "mask.yaml"
    init(InitOptions(out=spec, source=f"csv:{iris_folder}", mode="mock-or-mask"))
    columns = fauxdata.load_spec(spec).tables["iris"].columns
    assert {n: c.source_name for n, c in columns.items()} == {
        "Sepal_Length": "Sepal.Length",
        "Sepal_Width": "Sepal.Width",
        "Petal_Length": "Petal.Length",
        "Petal_Width": "Petal.Width",
        "Species": None,
    }
    result = mask(spec, f"csv:{iris_folder}", f"parquet:{tmp_path / 'out'}", key="env:MASK_KEY")
    assert result.verification is not None and result.verification.passed
    out = pl.read_parquet(tmp_path / "out" / "iris.parquet")
    source = pl.read_csv(iris_folder / "iris.csv")
    assert out.columns == ["Sepal_Length", "Sepal_Width", "Petal_Length", "Petal_Width", "Species"]
    assert out["Sepal_Length"].to_list() == source["Sepal.Length"].to_list()  # passthrough

    mock = tmp_path / "mock.yaml"
    init(InitOptions(out=mock, source=f"csv:{iris_folder}", rows=500))
    generated = fauxdata.generate(mock)
    frame = generated.frames["iris"]
    assert frame.height == 500 and "Petal_Width" in frame.columns


def test_a_dotted_key_keeps_its_joins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASK_KEY", "correct-horse-battery-staple-42")
    source = tmp_path / "books.duckdb"
    with duckdb.connect(str(source)) as con:
        con.execute(
            'CREATE TABLE invoices ("Invoice No." VARCHAR PRIMARY KEY, "Cust. e-mail" VARCHAR);'
            'CREATE TABLE lines ("Line" INTEGER PRIMARY KEY, "Invoice No." VARCHAR '
            'REFERENCES invoices ("Invoice No."), "Qty." INTEGER);'
            "INSERT INTO invoices SELECT 'INV-' || lpad(i::VARCHAR, 5, '0'), "
            "'buyer' || i || '@example.org' FROM range(300) t(i);"
            "INSERT INTO lines SELECT i, 'INV-' || lpad((i % 300)::VARCHAR, 5, '0'), 1 + i % 9 "
            "FROM range(1200) t(i);"
        )
    spec = tmp_path / "mask.yaml"
    init(InitOptions(out=spec, source=str(source), mode="mock-or-mask"))
    assert not drift(spec, read_schema(str(source))).changes
    out = tmp_path / "out"
    result = mask(spec, str(source), f"parquet:{out}", key="env:MASK_KEY")
    assert result.verification is not None and result.verification.passed
    invoices = pl.read_parquet(out / "invoices.parquet")
    lines = pl.read_parquet(out / "lines.parquet")
    assert invoices.columns == ["Invoice No_", "Cust_ e-mail"]
    before = {f"INV-{i:05d}" for i in range(300)}
    assert not set(invoices["Invoice No_"]) & before  # a key mapping, same on both sides
    assert not set(invoices["Cust_ e-mail"]) & {f"buyer{i}@example.org" for i in range(300)}
    assert lines.join(invoices, on="Invoice No_").height == lines.height == 1200
