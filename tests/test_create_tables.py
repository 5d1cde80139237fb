"""``--create-tables``: a fresh dev database gets the spec's tables (as ``fauxdata ddl``
spells them for it) and is loaded in the same run; without the flag a missing table is
refused by name, and tables that exist are used as they are."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

import fauxdata
from fauxdata.errors import TargetError
from fauxdata.mask.workflow import mask
from fauxdata.workflows import InitOptions, init
from tests.support.bank import bank_duckdb
from tests.support.mariadb import connect as maria_connect
from tests.support.mariadb import create_database as maria_database
from tests.support.postgres import create_database

SHOP = Path(__file__).parent.parent / "examples" / "shop.yaml"
ROWS = {"customers": 150}


@pytest.fixture(autouse=True)
def _dev(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAUXDATA_ENV", "dev")


def test_postgres_gets_the_spec_tables_with_their_constraints(postgres_server: str) -> None:
    url = create_database(postgres_server, "create_tables_shop")
    with pytest.raises(TargetError, match="--create-tables"):
        fauxdata.generate(SHOP, url, rows=ROWS)
    result = fauxdata.generate(SHOP, url, rows=ROWS, create_tables=True)
    assert result.report is not None and result.report.passed
    with psycopg.connect(url) as con:
        kinds = dict(
            con.execute(
                "SELECT contype, count(*) FROM pg_constraint c JOIN pg_namespace n "
                "ON n.oid = c.connamespace WHERE n.nspname = 'public' GROUP BY contype"
            ).fetchall()
        )
        customers = con.execute("SELECT count(*) FROM customers").fetchone()
    assert kinds["p"] >= 4 and kinds["f"] >= 3  # keys and foreign keys, enforced
    assert customers == (150,)
    with pytest.raises(TargetError, match="already holds 150 rows"):  # now they exist
        fauxdata.generate(SHOP, url, rows=ROWS, create_tables=True)


def test_only_missing_tables_are_created_on_mariadb(mariadb_server: str) -> None:
    url = maria_database(mariadb_server, "create_tables_part")
    with maria_connect(url) as con, con.cursor() as cur:
        cur.execute("CREATE TABLE customers (id BIGINT PRIMARY KEY, note TEXT)")
    with pytest.raises(TargetError, match="has no column"):  # an existing table is not altered
        fauxdata.generate(SHOP, url, rows=ROWS, create_tables=True)
    with maria_connect(url) as con, con.cursor() as cur:
        cur.execute("DROP TABLE customers")
    result = fauxdata.generate(SHOP, url, rows=ROWS, create_tables=True)
    assert result.report is not None and result.report.passed


def test_mask_into_a_fresh_postgres(
    postgres_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASK_KEY", "correct-horse-battery-staple-42")
    source = bank_duckdb(tmp_path / "bank.duckdb")
    spec = tmp_path / "bank.yaml"
    init(InitOptions(out=spec, source=str(source), mode="mock-or-mask"))
    url = create_database(postgres_server, "create_tables_mask")
    result = mask(spec, str(source), url, key="env:MASK_KEY", create_tables=True)
    assert result.verification is not None and result.verification.passed
    with psycopg.connect(url) as con:
        counts = con.execute(
            "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM transactions)"
        ).fetchone()
    assert counts == (200, 2000)
