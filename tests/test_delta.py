"""Delta bronze output: real Delta tables read back by deltalake, Polars and DuckDB."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pytest
from deltalake import DeltaTable

import fauxdata
from fauxdata.errors import FauxdataError, TargetError
from fauxdata.sinks.bronze import bronze_table_name, source_system
from fauxdata.sinks.delta import arrow_type, bronze_schema
from fauxdata.sinks.target import parse_target
from fauxdata.spec.types import parse_type

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(scope="module")
def hr_delta(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, fauxdata.RunResult]:
    out = tmp_path_factory.mktemp("delta") / "bronze"
    result = fauxdata.generate(EXAMPLES / "hr.yaml", f"delta:{out}", seed=11)
    return out, result


def test_one_bronze_table_per_entity_with_metadata_columns(hr_delta):
    out, result = hr_delta
    assert result.report is not None and result.report.passed
    names = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert names == sorted(bronze_table_name("hr", t) for t in result.plan.tables)
    for name, table in result.tables.items():
        delta = DeltaTable(str(out / table.output))
        frame = pl.from_arrow(delta.to_pyarrow_table())
        assert frame.height == result.plan.tables[name].rows
        assert frame["_source_system"].unique().to_list() == [source_system("hr")]
        assert frame["_ingested_at"].n_unique() == 1
        stamp = frame["_ingested_at"][0]
        assert abs(dt.datetime.now(dt.UTC) - stamp) < dt.timedelta(minutes=10)


def test_delta_schema_matches_the_spec_types(hr_delta):
    out, result = hr_delta
    for name, table in result.plan.tables.items():
        schema = DeltaTable(str(out / bronze_table_name("hr", name))).to_pyarrow_table().schema
        for column in table.columns.values():
            assert schema.field(column.name).type == arrow_type(column.type), (
                f"{name}.{column.name}"
            )
        assert schema.field("_ingested_at").type == pa.timestamp("us", tz="UTC")


def test_delta_rows_equal_the_in_memory_rows(hr_delta):
    out, _ = hr_delta
    memory = fauxdata.generate(EXAMPLES / "hr.yaml", seed=11, verify_output=False)
    for name, frame in memory.frames.items():
        types = {c.name: c.type for c in memory.plan.tables[name].columns.values()}
        wanted = pa.schema([f for f in bronze_schema(types) if f.name in types])
        expected = pl.from_arrow(frame.to_arrow().cast(wanted))
        stored = DeltaTable(str(out / bronze_table_name("hr", name))).to_pyarrow_table()
        stored = stored.drop_columns(["_ingested_at", "_source_system"])
        assert pl.from_arrow(stored).equals(expected), name


def test_duckdb_reads_the_current_version(hr_delta):
    out, result = hr_delta
    table = DeltaTable(str(out / bronze_table_name("hr", "employees")))
    files = [uri.removeprefix("file://") for uri in table.file_uris()]
    count = duckdb.sql(f"SELECT count(*) FROM read_parquet({files!r})").fetchall()[0]
    assert count == (result.plan.tables["employees"].rows,)


def test_rerun_overwrites_as_a_new_version_and_keeps_history(tmp_path):
    out = tmp_path / "bronze"
    fauxdata.generate(EXAMPLES / "hr.yaml", f"delta:{out}", rows={"employees": 250})
    fauxdata.generate(EXAMPLES / "hr.yaml", f"delta:{out}", rows={"employees": 300})
    table = DeltaTable(str(out / "bronze_hr_employees"))
    assert table.version() == 1
    assert table.to_pyarrow_table().num_rows == 300
    assert [h["operation"] for h in table.history()] == ["WRITE", "CREATE TABLE"]  # newest first
    table.load_as_version(0)
    assert table.to_pyarrow_table().num_rows == 250


def test_bronze_source_names_the_tables(tmp_path):
    out = tmp_path / "lake"
    result = fauxdata.generate(
        EXAMPLES / "hr.yaml", f"delta:{out}", tables=["offices"], bronze_source="Workday HR"
    )
    assert result.tables["offices"].output == "bronze_workday_hr_offices"
    frame = pl.read_delta(str(out / "bronze_workday_hr_offices"))
    assert frame["_source_system"][0] == "workday_hr_mock"


def test_a_folder_fauxdata_did_not_write_is_refused(tmp_path):
    out = tmp_path / "theirs"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    with pytest.raises(TargetError, match="not written by fauxdata"):
        fauxdata.generate(EXAMPLES / "hr.yaml", f"delta:{out}")
    assert (out / "keep.txt").read_text() == "precious"


def test_a_failed_run_publishes_nothing(tmp_path):
    out = tmp_path / "bronze"
    spec = {
        "name": "broken",
        "tables": {
            "a": {"rows": 10, "columns": {"id": {"generator": "sequence"}}},
            "b": {
                "rows": 10,
                "columns": {
                    "n": {"type": "smallint", "generator": {"kind": "sequence", "start": 40000}}
                },
            },
        },
    }
    with pytest.raises(FauxdataError):
        fauxdata.generate(spec, f"delta:{out}")
    assert not (out / "fauxdata-manifest.json").exists()
    assert not any(p.name.startswith(".bronze.fauxdata-staging") for p in tmp_path.iterdir())


def test_delta_target_parses():
    target = parse_target("delta:out/bronze")
    assert target.format == "delta" and target.is_directory
    assert str(target) == "delta:out/bronze"
    assert target.manifest_path == Path("out/bronze/fauxdata-manifest.json")


def test_every_spec_type_has_a_delta_type():
    for text in ("smallint", "integer", "bigint", "float", "double", "decimal(12,3)"):
        assert arrow_type(parse_type(text)) is not None
    assert arrow_type(parse_type("decimal(12,3)")) == pa.decimal128(12, 3)
    assert arrow_type(parse_type("timestamptz")) == pa.timestamp("us", tz="UTC")
