"""``fauxdata validate`` over every target ``generate`` writes.

Before: validate recomputed row counts with the spec's seed (data made with ``--seed 1``
failed its own spec), a declared column the data lacked was an internal error (or, with
a regex check, silently skipped), ``--data delta:DIR`` was ``KeyError: 'delta'`` and a
truncated Parquet file an internal error (exit 70).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import psycopg
import pytest

import fauxdata
from fauxdata.verify.existing import validate_target
from tests.support.cli import fauxdata as cli
from tests.support.postgres import create_database

SHOP = Path(__file__).parent.parent / "examples" / "shop.yaml"
SMALL = ("--scale", "0.05")


def _generate(tmp_path: Path, to: str, *extra: str) -> None:
    done = cli("generate", str(SHOP), "--to", to, *SMALL, "--quiet", *extra, cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_data_made_with_a_seed_validates_against_its_spec(tmp_path: Path) -> None:
    _generate(tmp_path, "parquet:p", "--seed", "1", "--rows", "customers=60")
    done = cli("validate", str(SHOP), "--data", "parquet:p", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "with seed 1" in done.stdout and "p/fauxdata-manifest.json" in done.stdout

    (tmp_path / "p" / "fauxdata-manifest.json").unlink()  # no manifest: the spec's seed
    unguided = cli("validate", str(SHOP), "--data", "parquet:p", "--json", cwd=tmp_path)
    assert unguided.returncode == 1
    report = json.loads(unguided.stdout)
    failed = [r["name"] for r in report["results"] if r["status"] == "fail"]
    assert "Row count of customers" in failed and "Row count of orders" in failed
    assert (
        report["seed"] == 7 and report["manifest"] is None and report["rows"]["customers"] == 1000
    )
    flags = ("--seed", "1", "--rows", "customers=60", *SMALL)
    guided = cli("validate", str(SHOP), "--data", "parquet:p", *flags, cwd=tmp_path)
    assert guided.returncode == 0, guided.stdout + guided.stderr


def test_flags_override_the_manifest(tmp_path: Path) -> None:
    _generate(tmp_path, "jsonl:j", "--seed", "1")
    wrong = cli("validate", str(SHOP), "--data", "jsonl:j", "--seed", "2", cwd=tmp_path)
    assert wrong.returncode == 1 and "✗ Row count of orders" in wrong.stdout
    bad = cli("validate", str(SHOP), "--data", "jsonl:j", "--rows", "customers", cwd=tmp_path)
    assert bad.returncode == 2 and "expected TABLE=N" in bad.stderr


def _drop_sku(target: str, folder: Path) -> None:
    if target.endswith(".duckdb"):
        with duckdb.connect(str(folder / "shop.duckdb")) as con:
            con.execute("ALTER TABLE products DROP COLUMN sku")
        return
    fmt = target.split(":")[0]
    path = folder / fmt / f"products.{fmt}"
    read = {"parquet": pl.read_parquet, "csv": pl.read_csv, "jsonl": pl.read_ndjson}[fmt]
    frame = read(path).drop("sku")
    {"parquet": frame.write_parquet, "csv": frame.write_csv, "jsonl": frame.write_ndjson}[fmt](path)


@pytest.mark.parametrize("target", ["parquet:parquet", "csv:csv", "jsonl:jsonl", "shop.duckdb"])
def test_a_declared_column_the_data_lacks_is_a_failed_check(tmp_path: Path, target: str) -> None:
    _generate(tmp_path, target)
    _drop_sku(target, tmp_path)
    done = cli("validate", str(SHOP), "--data", target, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "internal error" not in done.stderr and done.stderr == ""
    assert "✗ Columns of products present (missing from the data: sku)" in done.stdout
    # The regex check on sku was skipped before; now it fails, saying why.
    assert (
        "✗ Pattern: products.sku matches [A-Z]{3}-[0-9]{4} "
        "(cannot check: products.sku missing from the data)" in done.stdout
    )
    assert "✓ Pattern: orders.discount_code" in done.stdout  # other columns still checked


def test_a_missing_table_is_a_failed_check(tmp_path: Path) -> None:
    _generate(tmp_path, "csv:c")
    (tmp_path / "c" / "order_items.csv").unlink()
    report = validate_target(SHOP, f"csv:{tmp_path / 'c'}").report
    assert [c.name for c in report.failures] == ["Table order_items present"]


def test_delta_bronze_tables_validate(tmp_path: Path) -> None:
    made = cli(
        "generate", str(SHOP), "--to", "delta:lake", *SMALL, "--json", cwd=tmp_path
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    done = cli("validate", str(SHOP), "--data", "delta:lake", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["checks"] == json.loads(made.stdout)["verification"]["checks"]

    # The mock workflow names the source; without a manifest the one bronze_*_<entity> is found.
    fauxdata.generate(SHOP, f"delta:{tmp_path / 'crm'}", scale=0.05, bronze_source="crm")
    (tmp_path / "crm" / "fauxdata-manifest.json").unlink()
    assert validate_target(SHOP, f"delta:{tmp_path / 'crm'}", scale=0.05).report.passed

    # A new version with a duplicated customer: validate reads the log's current version.
    from deltalake import DeltaTable, write_deltalake

    place = tmp_path / "lake" / "bronze_shop_customers"
    first = DeltaTable(str(place)).to_pyarrow_table().slice(0, 1)
    write_deltalake(str(place), first, mode="append")
    broken = validate_target(SHOP, f"delta:{tmp_path / 'lake'}").report
    assert {c.name for c in broken.failures} == {
        "Row count of customers",
        "Primary key customers.customer_id: no duplicates",
    }


def test_a_corrupt_file_is_named_in_one_line(tmp_path: Path) -> None:
    _generate(tmp_path, "parquet:p")
    orders = tmp_path / "p" / "orders.parquet"
    orders.write_bytes(orders.read_bytes()[:2000])
    done = cli("validate", str(SHOP), "--data", "parquet:p", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error --data: cannot read p/orders.parquet:")
    assert "internal error" not in line and "Traceback" not in line

    _generate(tmp_path, "csv:c")
    customers = tmp_path / "c" / "customers.csv"
    rows = customers.read_text().splitlines()
    rows[1] = "not-a-number" + rows[1][rows[1].index(",") :]
    customers.write_text("\n".join(rows) + "\n")
    typed = cli("validate", str(SHOP), "--data", "csv:c", cwd=tmp_path)
    assert typed.returncode == 1 and "customers.csv" in typed.stderr
    assert "internal error" not in typed.stderr


def test_postgresql_with_a_seed_and_a_dropped_column(postgres_server: str, tmp_path: Path) -> None:
    ddl = cli("ddl", str(SHOP), cwd=tmp_path)
    assert ddl.returncode == 0, ddl.stderr
    url = create_database(postgres_server, "validate_shop")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(ddl.stdout)
    _generate(tmp_path, url, "--seed", "1")
    done = cli("validate", str(SHOP), "--data", url, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("ALTER TABLE products DROP COLUMN sku")
    dropped = cli("validate", str(SHOP), "--data", url, cwd=tmp_path)
    assert dropped.returncode == 1 and dropped.stderr == ""
    assert "✗ Columns of products present (missing from the data: sku)" in dropped.stdout
    shutil.rmtree(tmp_path / "out")  # no manifest: the spec's seed and scale, then flags
    unguided = cli("validate", str(SHOP), "--data", url, cwd=tmp_path)
    assert "✗ Row count of customers" in unguided.stdout
    guided = cli("validate", str(SHOP), "--data", url, "--seed", "1", *SMALL, cwd=tmp_path)
    assert guided.returncode == 1 and "✗ Row count" not in guided.stdout  # sku is still gone


def test_odd_data_arguments_are_one_line_errors(tmp_path: Path) -> None:
    from fauxdata.errors import TargetError

    fauxdata.generate(SHOP, f"parquet:{tmp_path / 'p'}", scale=0.05)
    with pytest.raises(
        TargetError, match=r"orders\.parquet is a file; parquet: data is the folder"
    ):
        validate_target(SHOP, f"parquet:{tmp_path / 'p' / 'orders.parquet'}")
    manifest = tmp_path / "p" / "fauxdata-manifest.json"
    edited = json.loads(manifest.read_text())
    edited["seed"] = "abc"
    manifest.write_text(json.dumps(edited))
    with pytest.raises(
        TargetError, match="holds values no run writes: found 'abc' where a number belongs"
    ):
        validate_target(SHOP, f"parquet:{tmp_path / 'p'}")
    manifest.write_text("{broken")
    with pytest.raises(TargetError, match="cannot read manifest"):
        validate_target(SHOP, f"parquet:{tmp_path / 'p'}")
    with pytest.raises(TargetError, match="no data at"):
        validate_target(SHOP, f"delta:{tmp_path / 'nowhere'}")
