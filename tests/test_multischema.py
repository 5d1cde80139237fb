"""Databases over several schemas: init reads them all, names tables schema.table, and
every output maps the name (a schema in PostgreSQL and DuckDB, a folder for files)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import psycopg
import pytest
from deltalake import DeltaTable

import fauxdata
from fauxdata.errors import FauxdataError
from fauxdata.introspect.reflect import read_schema
from fauxdata.spec.relations import split_dotted
from tests.support.cli import fauxdata as cli
from tests.support.postgres import create_database

ERP = Path(__file__).parent / "support" / "erp_schemas.sql"
TABLES = {
    "person.person",
    "production.product",
    "production.notes",
    "sales.customer",
    "sales.orders",
    "sales.notes",
}


def _erp(server: str, name: str) -> str:
    url = create_database(server, name)
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(ERP.read_text())
    return url


@pytest.fixture
def erp(postgres_server: str, request: pytest.FixtureRequest) -> tuple[str, str]:
    tag = "".join(c if c.isalnum() else "_" for c in request.node.name)[:40].lower()
    return _erp(postgres_server, f"erp_{tag}"), _erp(postgres_server, f"erpdev_{tag}")


def test_references_split_at_the_last_dot() -> None:
    assert split_dotted("sales.orders.customer_id") == ("sales.orders", "customer_id")
    assert split_dotted("orders.customer_id") == ("orders", "customer_id")


def test_every_schema_is_read_and_names_are_qualified(erp: tuple[str, str]) -> None:
    source, _ = erp
    found = read_schema(source)
    assert set(found.tables) == TABLES  # public is empty: not named
    assert found.schema == "person,production,sales"
    orders = found.tables["sales.orders"]
    assert {fk.parent for fk in orders.foreign_keys} == {"sales.customer", "production.product"}
    limited = read_schema(source, schema="production")  # one schema: plain names, as before
    assert set(limited.tables) == {"product", "notes"}
    with pytest.raises(FauxdataError, match="schema 'sale' not found"):
        read_schema(source, schema="sale")


def test_one_schema_brings_the_parents_its_keys_need(erp: tuple[str, str]) -> None:
    source, _ = erp
    found = read_schema(source, schema="sales")
    assert set(found.tables) == {
        "sales.customer",
        "sales.orders",
        "sales.notes",
        "person.person",
        "production.product",
    }  # production.notes is no parent of a sales table


def test_init_generate_into_postgres_files_and_duckdb(erp: tuple[str, str], tmp_path: Path) -> None:
    source, dev = erp
    spec = tmp_path / "erp.yaml"
    done = cli("init", "--from", source, "--out", str(spec), "--rows", "120", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = spec.read_text()
    assert "source_schema: person,production,sales" in text
    assert "references: production.product.product_id" in text
    loaded = cli("generate", str(spec), "--to", dev, "--truncate", "--json", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    counts = json.loads(loaded.stdout)
    assert counts["verification"]["passed"]
    with psycopg.connect(dev) as con:  # row counts follow each table's role (defaults)
        for table in TABLES:
            expected = counts["tables"][table]["rows"]
            assert expected > 0
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (expected,), table
    folder = tmp_path / "pq"
    assert cli("generate", str(spec), "--to", f"parquet:{folder}", cwd=tmp_path).returncode == 0
    assert (folder / "sales" / "notes.parquet").is_file()
    assert (folder / "production" / "notes.parquet").is_file()
    manifest = json.loads((folder / "fauxdata-manifest.json").read_text())
    assert "sales/orders.parquet" in manifest["files"]
    validated = cli("validate", str(spec), "--data", f"parquet:{folder}", cwd=tmp_path)
    assert validated.returncode == 0, validated.stdout
    again = cli("generate", str(spec), "--to", f"parquet:{folder}", cwd=tmp_path)
    assert again.returncode == 0, again.stderr  # its own schema folders are replaced
    (folder / "sales" / "mine.txt").write_text("not fauxdata's")
    refused = cli("generate", str(spec), "--to", f"parquet:{folder}", cwd=tmp_path)
    assert refused.returncode == 1 and "sales/mine.txt" in refused.stderr
    lake = tmp_path / "lake"  # Delta: a folder per schema, like Parquet
    for _ in range(2):
        done = cli("generate", str(spec), "--to", f"delta:{lake}", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    assert DeltaTable(str(lake / "sales" / "bronze_erp_notes")).version() == 1
    assert DeltaTable(str(lake / "production" / "bronze_erp_notes")).version() == 1
    validated = cli("validate", str(spec), "--data", f"delta:{lake}", cwd=tmp_path)
    assert validated.returncode == 0, validated.stdout
    result = fauxdata.generate(spec, f"duckdb:///{tmp_path / 'erp.duckdb'}")
    assert result.report is not None and result.report.passed
    with duckdb.connect(str(tmp_path / "erp.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM sales.notes").fetchone() == (
            counts["tables"]["sales.notes"]["rows"],
        )
    validated = cli("validate", str(spec), "--data", str(tmp_path / "erp.duckdb"), cwd=tmp_path)
    assert validated.returncode == 0, validated.stdout


def test_sync_and_ddl_understand_qualified_names(
    erp: tuple[str, str], postgres_server: str, tmp_path: Path
) -> None:
    source, _ = erp
    spec = tmp_path / "erp.yaml"
    assert (
        cli("init", "--from", source, "--out", str(spec), "--rows", "30", cwd=tmp_path).returncode
        == 0
    )
    assert cli("sync", str(spec), "--check", cwd=tmp_path).returncode == 0
    with psycopg.connect(source, autocommit=True) as con:
        con.execute("ALTER TABLE sales.orders ADD COLUMN channel varchar(10)")
    drift = cli("sync", str(spec), "--json", cwd=tmp_path)
    changes = json.loads(drift.stdout)["changes"]
    assert [c for c in changes if "sales.orders" in json.dumps(c)], changes
    ddl = cli("ddl", str(spec), cwd=tmp_path)
    assert ddl.returncode == 0, ddl.stderr
    assert "CREATE SCHEMA IF NOT EXISTS sales" in ddl.stdout
    fresh = create_database(postgres_server, "erp_from_ddl")
    with psycopg.connect(fresh, autocommit=True) as con:
        con.execute(ddl.stdout)
    loaded = cli("generate", str(spec), "--to", fresh, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
