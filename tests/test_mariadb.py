"""MariaDB for real: a server started by the tests (tests/support/mariadb.py), read by
``init``, loaded through LOAD DATA LOCAL INFILE with every constraint enforced, compared by
``sync``. The schema uses the types MySQL users reach for: ENUM, SET, unsigned integers,
TINYINT(1), YEAR, MEDIUMINT, DATETIME(6), JSON, AUTO_INCREMENT and CHECKs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fauxdata.introspect.reflect import read_schema
from tests.support import mariadb
from tests.support.cli import fauxdata as cli

SHOP = Path(__file__).parent / "support" / "shop_mysql.sql"


def _shop(server: str, name: str) -> str:
    url = mariadb.create_database(server, name)
    with mariadb.connect(url) as con, con.cursor() as cursor:
        cursor.execute(SHOP.read_text())
    return url


@pytest.fixture
def shop(mariadb_server: str, request: pytest.FixtureRequest) -> tuple[str, str]:
    """A source database and a dev copy, both holding the MySQL shop schema."""
    tag = "".join(c if c.isalnum() else "_" for c in request.node.name)[:40].lower()
    return _shop(mariadb_server, f"src_{tag}"), _shop(mariadb_server, f"dev_{tag}")


def _scalar(url: str, sql: str) -> object:
    with mariadb.connect(url) as con, con.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        assert row is not None
        return row[0]


def test_mysql_types_are_read_as_what_they_hold(shop: tuple[str, str]) -> None:
    source, _ = shop
    tables = read_schema(source).tables
    stores, customers = tables["stores"].columns, tables["customers"].columns
    assert stores["is_open"].type == "boolean"  # TINYINT(1)
    assert stores["store_id"].identity and stores["store_id"].type == "smallint"
    assert stores["store_id"].checks == ["store_id >= 0 AND store_id <= 255"]  # unsigned
    assert stores["opened"].checks == ["opened >= 1901 AND opened <= 2155"]  # YEAR
    assert customers["customer_id"].type == "bigint"  # INT UNSIGNED needs 64 bits
    assert customers["tier"].labels == ["bronze", "silver", "gold"]
    assert customers["interests"].type == "enum" and "garden" in customers["interests"].labels
    assert customers["preferences"].type == "json"  # MariaDB: LONGTEXT + json_valid CHECK
    assert customers["created_at"].type == "timestamp"
    assert tables["orders"].columns["quantity"].checks == ["`quantity` between 1 and 50"]


def test_init_load_and_validate(shop: tuple[str, str], tmp_path: Path) -> None:
    source, dev = shop
    spec = tmp_path / "shop.yaml"
    done = cli("init", "--from", source, "--out", str(spec), "--rows", "300", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr  # no dependency's warning reaches the terminal
    loaded = cli("generate", str(spec), "--to", dev, "--truncate", "--json", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    result = json.loads(loaded.stdout)
    assert result["verification"]["passed"]
    rows = {t: result["tables"][t]["rows"] for t in ("stores", "customers", "orders")}
    assert 0 < rows["stores"] <= 255  # TINYINT UNSIGNED key: never more ids than it holds
    for table, expected in rows.items():
        assert _scalar(dev, f"SELECT count(*) FROM {table}") == expected
    assert _scalar(dev, "SELECT count(DISTINCT code) FROM stores") == rows["stores"]  # CHAR(5)
    assert (
        _scalar(
            dev,
            "SELECT count(*) FROM customers WHERE preferences IS NOT NULL AND NOT JSON_VALID(preferences)",
        )
        == 0
    )
    assert (
        _scalar(
            dev,
            "SELECT count(*) FROM customers WHERE FIND_IN_SET(interests, 'books,music,games,garden') = 0",
        )
        == 0
    )
    assert (
        _scalar(
            dev,
            "SELECT count(*) FROM orders o LEFT JOIN customers c USING (customer_id) WHERE c.customer_id IS NULL",
        )
        == 0
    )
    with mariadb.connect(dev) as con, con.cursor() as cursor:  # AUTO_INCREMENT moved past the ids
        cursor.execute(
            "INSERT INTO customers (email, first_name, last_name, home_store, created_at) "
            "VALUES ('new@example.com', 'A', 'B', 1, NOW(6))"
        )
        assert cursor.lastrowid == rows["customers"] + 1
    validated = cli("validate", str(spec), "--data", dev, "--json", cwd=tmp_path)
    assert validated.returncode == 1  # the row added by hand breaks the count, and is found
    assert any(
        r["status"] == "fail" and "customers" in r["name"]
        for r in json.loads(validated.stdout)["results"]
    )


def test_rows_the_server_skips_fail_the_load(shop: tuple[str, str], tmp_path: Path) -> None:
    """LOAD DATA LOCAL turns a duplicate key into a warning and skips the row: fauxdata
    counts the rows the server took and fails with its words instead of loading fewer.
    The clash comes from a unique key the spec does not know (one order per customer): a
    table that already holds rows is refused before any load."""
    source, dev = shop
    spec = tmp_path / "shop.yaml"
    done = cli("init", "--from", source, "--out", str(spec), "--rows", "20", cwd=tmp_path)
    assert done.returncode == 0
    with mariadb.connect(dev) as con, con.cursor() as cursor:
        cursor.execute(
            "INSERT INTO stores (store_id, code, city, opened) VALUES (7, 'ZZZZZ', 'X', 2001)"
        )
    refused = cli("generate", str(spec), "--to", dev, cwd=tmp_path)
    assert refused.returncode == 1
    assert "table 'stores' in" in refused.stderr and "already holds 1 row " in refused.stderr
    assert "--truncate" in refused.stderr and "--append" in refused.stderr
    with mariadb.connect(dev) as con, con.cursor() as cursor:
        cursor.execute("DELETE FROM stores")
        cursor.execute("ALTER TABLE orders ADD UNIQUE KEY one_per_customer (customer_id)")
    failed = cli("generate", str(spec), "--to", dev, cwd=tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "loading orders failed: the server took" in failed.stderr
    assert "Duplicate entry" in failed.stderr and "Traceback" not in failed.stderr


def test_sync_sees_drift_and_applies_it(shop: tuple[str, str], tmp_path: Path) -> None:
    source, _ = shop
    spec = tmp_path / "shop.yaml"
    assert (
        cli("init", "--from", source, "--out", str(spec), "--rows", "20", cwd=tmp_path).returncode
        == 0
    )
    clean = cli("sync", str(spec), "--from", source, "--check", cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    with mariadb.connect(source) as con, con.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE customers ADD COLUMN loyalty ENUM('none','club') NOT NULL DEFAULT 'none'"
        )
        cursor.execute("ALTER TABLE orders DROP COLUMN note")
    drift = cli("sync", str(spec), "--from", source, "--json", cwd=tmp_path)
    assert drift.returncode == 0, drift.stderr
    changes = [str(c) for c in json.loads(drift.stdout)["changes"]]
    assert any("loyalty" in c for c in changes) and any("note" in c for c in changes), changes
    applied = cli("sync", str(spec), "--from", source, "--apply", cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    text = spec.read_text()
    assert "loyalty:" in text and "- club" in text and "note:" not in text
    assert cli("sync", str(spec), "--from", source, "--check", cwd=tmp_path).returncode == 0
