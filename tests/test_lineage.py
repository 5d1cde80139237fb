"""Every output format carries the lineage mark, and `fauxdata lineage` reads it back."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import fauxdata
from fauxdata import lineage
from fauxdata.manifest import spec_digest
from fauxdata.spec import load_spec
from tests.support.cli import fauxdata as cli

HR = Path(__file__).resolve().parents[1] / "examples" / "hr.yaml"


@pytest.mark.parametrize("fmt", ["duckdb", "parquet", "csv", "jsonl", "delta"])
def test_every_format_carries_the_mark(tmp_path: Path, fmt: str) -> None:
    target = (
        f"duckdb:///{tmp_path / 'hr.duckdb'}" if fmt == "duckdb" else f"{fmt}:{tmp_path / 'out'}"
    )
    fauxdata.generate(HR, target, seed=7)
    found = lineage.read(target)
    assert len(found) == 5
    digest = spec_digest(load_spec(HR))
    for entry in found:
        assert entry.marks is not None, entry
        assert entry.marks["fauxdata.synthetic"] == "true"
        assert entry.marks["fauxdata.producer"] == "generate"
        assert entry.marks["fauxdata.spec"] == "hr"
        assert entry.marks["fauxdata.spec_digest"] == digest
        assert entry.marks["fauxdata.seed"] == "7"


def test_parquet_files_hold_the_marks_themselves(tmp_path: Path) -> None:
    fauxdata.generate(HR, f"parquet:{tmp_path}/out")
    raw = pq.read_metadata(tmp_path / "out" / "employees.parquet").metadata
    assert raw[b"fauxdata.synthetic"] == b"true"


def test_scenario_output_is_marked_as_a_scenario(tmp_path: Path) -> None:
    from fauxdata.scenarios import run_scenario

    run_scenario("baseline", f"parquet:{tmp_path / 'sc'}", extra={"customers": 200})
    found = lineage.read(f"parquet:{tmp_path / 'sc'}")
    assert found and all(e.marks and e.marks["fauxdata.producer"] == "scenario" for e in found)


def test_data_fauxdata_did_not_write_has_no_mark(tmp_path: Path) -> None:
    import pyarrow as pa

    (tmp_path / "foreign").mkdir()
    pq.write_table(pa.table({"a": [1]}), tmp_path / "foreign" / "t.parquet")
    [entry] = lineage.read(f"parquet:{tmp_path / 'foreign'}")
    assert entry.marks is None


def test_marks_in_spark_schema_metadata_still_read_back(tmp_path: Path) -> None:
    """Files the Spark engine wrote through Spark's own writer carry the marks as column
    metadata in the schema Spark stores in the footer; they still read back."""
    import pyarrow as pa

    schema = {
        "type": "struct",
        "fields": [
            {
                "name": "id",
                "type": "long",
                "nullable": False,
                "metadata": {"fauxdata.synthetic": "true", "fauxdata.seed": "42"},
            }
        ],
    }
    table = pa.table({"id": [1, 2]}).replace_schema_metadata(
        {"org.apache.spark.sql.parquet.row.metadata": json.dumps(schema)}
    )
    (tmp_path / "spark").mkdir()
    pq.write_table(table, tmp_path / "spark" / "part-00000.parquet")
    [entry] = lineage.read(f"parquet:{tmp_path / 'spark'}")
    assert entry.marks == {"fauxdata.synthetic": "true", "fauxdata.seed": "42"}
    assert entry.where == "spark schema metadata"


def test_lineage_command(tmp_path: Path) -> None:
    fauxdata.generate(HR, f"duckdb:///{tmp_path / 'hr.duckdb'}")
    done = cli("lineage", str(tmp_path / "hr.duckdb"), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    tables = json.loads(done.stdout)
    assert {t["table"] for t in tables} == {
        "offices",
        "departments",
        "teams",
        "employees",
        "compensation",
    }
    assert all(t["where"] == "table comment" for t in tables)
    text = cli("lineage", str(tmp_path / "hr.duckdb"), cwd=tmp_path).stdout
    assert "employees: synthetic, made by fauxdata" in text
    missing = cli("lineage", f"parquet:{tmp_path / 'nothing'}", cwd=tmp_path)
    assert missing.returncode != 0 and "nothing at" in missing.stderr


def _marked(found: list[lineage.TableLineage], tables: set[str], seed: int, digest: str) -> None:
    by_table = {entry.table.rsplit(".", 1)[-1]: entry for entry in found}
    assert tables <= set(by_table), (tables, by_table)
    for name in tables:
        entry = by_table[name]
        assert entry.marks is not None, entry
        assert entry.marks["fauxdata.synthetic"] == "true" and entry.where == "table comment"
        assert entry.marks["fauxdata.seed"] == str(seed)
        assert entry.marks["fauxdata.spec_digest"] == digest


def test_postgres_tables_carry_the_mark_in_their_comment(
    hr_database: str, dev_database: str, tmp_path: Path
) -> None:
    from fauxdata.workflows import InitOptions, init

    spec = init(InitOptions(tmp_path / "hr.yaml", source=hr_database, rows=20)).out
    loaded = load_spec(spec)
    tables = {t.split(".")[-1] for t in loaded.tables}
    done = fauxdata.generate(spec, dev_database, truncate=True, seed=7)
    digest = spec_digest(done.plan.spec)  # the resolved spec's, as every target records it
    _marked(lineage.read(dev_database), tables, 7, digest)
    fauxdata.generate(spec, dev_database, truncate=True, atomic=True, seed=8)
    _marked(lineage.read(dev_database), tables, 8, digest)
    shown = cli("lineage", dev_database, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "employees: synthetic, made by fauxdata" in shown.stdout and "seed 8" in shown.stdout
    untouched = lineage.read(hr_database)  # the source: real rows, no mark
    assert untouched and all(entry.marks is None for entry in untouched)


def test_mariadb_tables_carry_the_mark_in_their_comment(
    mariadb_server: str, tmp_path: Path
) -> None:
    from fauxdata.workflows import InitOptions, init
    from tests.support import mariadb

    urls = []
    for name in ("src_lineage", "dev_lineage"):
        urls.append(mariadb.create_database(mariadb_server, name))
        with mariadb.connect(urls[-1]) as con, con.cursor() as cursor:
            cursor.execute((Path(__file__).parent / "support" / "shop_mysql.sql").read_text())
    source, url = urls
    assert url.startswith("mysql+pymysql://")
    spec = init(InitOptions(tmp_path / "shop.yaml", source=source, rows=30)).out
    loaded = load_spec(spec)
    digest = spec_digest(fauxdata.generate(spec, url, truncate=True, seed=3).plan.spec)
    _marked(lineage.read(url), set(loaded.tables), 3, digest)
    fauxdata.generate(spec, url, truncate=True, atomic=True, seed=4)
    _marked(lineage.read(url), set(loaded.tables), 4, digest)
    shown = cli("lineage", url, "--json", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert {t["marks"]["fauxdata.seed"] for t in json.loads(shown.stdout)} == {"4"}
    assert all(entry.marks is None for entry in lineage.read(source))  # only its own database


def test_delta_tables_carry_the_marks_as_table_properties(tmp_path: Path) -> None:
    from deltalake import DeltaTable

    out = tmp_path / "lake"
    fauxdata.generate(HR, f"delta:{out}", seed=7)
    employees = out / "bronze_hr_employees"
    assert DeltaTable(str(employees)).metadata().configuration["fauxdata.seed"] == "7"
    assert {e.where for e in lineage.read(f"delta:{out}")} == {"delta table properties"}
    fauxdata.generate(HR, f"delta:{out}", seed=7)  # the same marks: one version per run
    assert DeltaTable(str(employees)).version() == 1
    fauxdata.generate(HR, f"delta:{out}", seed=9)  # new marks: the write, then the properties
    table = DeltaTable(str(employees))
    assert [h["operation"] for h in table.history()][:2] == ["SET TBLPROPERTIES", "WRITE"]
    assert table.metadata().configuration["fauxdata.seed"] == "9"
    assert all(e.marks and e.marks["fauxdata.seed"] == "9" for e in lineage.read(f"delta:{out}"))
    import polars as pl

    assert pl.read_delta(str(employees)).height == 200  # readers see a plain Delta table
