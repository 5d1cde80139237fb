"""Tables and columns keep whatever name their source gives them: CSV headers such as
``Culmen Length (mm)`` (the Palmer penguins' raw data, shipped by the ``palmerpenguins``
package), quoted PostgreSQL identifiers, and Northwind's ``Order Details`` on MariaDB.
They are masked, generated, written and verified under that exact name; only what would
clash with ``table.column`` references, ``[column]`` formulas, SQL quoting or a file name
is refused, by name."""

from __future__ import annotations

import shutil
from pathlib import Path

import palmerpenguins
import polars as pl
import psycopg
import pytest

import fauxdata
from fauxdata.errors import FauxdataError
from fauxdata.mask.workflow import mask
from fauxdata.workflows import InitOptions, init
from tests.support.mariadb import connect as maria_connect
from tests.support.mariadb import create_database as maria_database
from tests.support.postgres import create_database

PENGUINS = Path(palmerpenguins.__file__).parent / "data" / "penguins-raw.csv"
KEY = "correct-horse-battery-staple-42"


def test_a_real_csv_with_spaced_headers_is_masked_under_its_own_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "src").mkdir()
    shutil.copy(PENGUINS, tmp_path / "src" / "penguins.csv")
    monkeypatch.setenv("MASK_KEY", KEY)
    init(
        InitOptions(
            out=tmp_path / "spec.yaml", source=f"csv:{tmp_path / 'src'}", mode="mock-or-mask"
        )
    )
    result = mask(
        tmp_path / "spec.yaml",
        f"csv:{tmp_path / 'src'}",
        f"parquet:{tmp_path / 'out'}",
        key="env:MASK_KEY",
    )
    assert result.verification is not None and result.verification.passed
    source = pl.read_csv(PENGUINS, infer_schema_length=0)
    out = pl.read_parquet(tmp_path / "out" / "penguins.parquet")
    assert out.columns == source.columns  # 'Culmen Length (mm)', 'Delta 15 N (o/oo)', ...
    assert out.height == source.height == 344
    assert out["Species"].cast(pl.String).to_list() == source["Species"].to_list()  # passthrough


def test_quoted_postgres_identifiers_round_trip(
    postgres_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAUXDATA_ENV", "dev")
    source = create_database(postgres_server, "quoted_names")
    with psycopg.connect(source, autocommit=True) as con:
        con.execute(
            """
            CREATE TABLE "Customer" ("Customer ID" bigint PRIMARY KEY, "E-mail" text NOT NULL,
                "naam ë" text, "order" int CHECK ("order" BETWEEN 1 AND 9));
            CREATE TABLE "Order Line" ("Line No" bigserial PRIMARY KEY,
                "Customer ID" bigint NOT NULL REFERENCES "Customer" ("Customer ID"),
                "Amount (EUR)" numeric(10,2) NOT NULL CHECK ("Amount (EUR)" > 0));
            """
        )
    spec = tmp_path / "spec.yaml"
    init(InitOptions(out=spec, source=source, rows=200))
    target = create_database(postgres_server, "quoted_names_copy")
    with psycopg.connect(source) as con:
        ddl = [
            r[0]
            for r in con.execute(
                "SELECT 'CREATE TABLE ' || quote_ident(c.relname) || ' (' || string_agg("
                "quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' "
                "ORDER BY a.attnum) || ')' FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
                "WHERE c.relname IN ('Customer', 'Order Line') AND a.attnum > 0 "
                "GROUP BY c.relname ORDER BY c.relname"
            )
        ]
    with psycopg.connect(target, autocommit=True) as con:
        for statement in ddl:
            con.execute(statement)
    result = fauxdata.generate(spec, target)
    assert result.report is not None and result.report.passed
    with psycopg.connect(target) as con:
        orphans = con.execute(
            'SELECT count(*) FROM "Order Line" l LEFT JOIN "Customer" c USING ("Customer ID") '
            'WHERE c."Customer ID" IS NULL'
        ).fetchone()
        bounds = con.execute(
            'SELECT min("order"), max("order"), min("Amount (EUR)") FROM "Customer", "Order Line"'
        ).fetchone()
        emails = [r[0] for r in con.execute('SELECT "E-mail" FROM "Customer"')]
    assert orphans == (0,)
    assert bounds is not None and 1 <= bounds[0] <= bounds[1] <= 9 and bounds[2] > 0
    assert len(emails) == 200 and all("@" in e for e in emails)


@pytest.mark.parametrize("name", ["a.b", "x[1]", 'say "hi"', "tick`", "two\nlines", ""])
def test_names_that_would_clash_are_refused_by_name(name: str) -> None:
    spec = {"name": "s", "tables": {"t": {"rows": 1, "columns": {name: {"generator": "uuid"}}}}}
    with pytest.raises(FauxdataError, match="expected printable text without") as caught:
        fauxdata.check(spec)
    assert "tables.t.columns" in str(caught.value.path)


@pytest.mark.parametrize("name", ["a/b", "x[1]", 'say "hi"', "back\\slash", "a.b.c", ".x", ""])
def test_table_names_that_would_clash_are_refused_by_name(name: str) -> None:
    spec = {"name": "s", "tables": {name: {"rows": 1, "columns": {"id": {"generator": "uuid"}}}}}
    with pytest.raises(FauxdataError, match=r"must be a name or schema\.name") as caught:
        fauxdata.check(spec)
    assert caught.value.path == "tables"


def test_northwind_order_details_on_mariadb_is_masked_and_mocked_under_its_name(
    mariadb_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Northwind's Access-born schema names a table ``Order Details``; its MySQL ports keep
    the name in backticks. Masking keeps it, a subset by condition names it, and fauxdata's
    own manifest table in a DuckDB output is not read back as a user table."""
    monkeypatch.setenv("MASK_KEY", KEY)
    url = maria_database(mariadb_server, "northwind_spaced")
    with maria_connect(url) as con, con.cursor() as cur:
        cur.execute(
            "CREATE TABLE Orders (OrderID int PRIMARY KEY, CustomerEmail varchar(80) NOT NULL)"
        )
        cur.execute(
            "CREATE TABLE `Order Details` (OrderID int NOT NULL REFERENCES Orders (OrderID), "
            "ProductID int NOT NULL, `Unit Price` decimal(10,2) NOT NULL, Quantity smallint "
            "NOT NULL, PRIMARY KEY (OrderID, ProductID))"
        )
        cur.executemany(
            "INSERT INTO Orders VALUES (%s, %s)",
            [(10248 + i, f"buyer{i}@northwind.example") for i in range(40)],
        )
        cur.executemany(
            "INSERT INTO `Order Details` VALUES (%s, %s, %s, %s)",
            [(10248 + i // 3, 11 + i % 3, 14 + i % 7, 1 + i % 12) for i in range(120)],
        )
        con.commit()
    spec = tmp_path / "mask.yaml"
    init(InitOptions(out=spec, source=url, mode="mock-or-mask"))
    out = tmp_path / "out"
    result = mask(spec, url, f"parquet:{out}", key="env:MASK_KEY",
                  subset=["Order Details: Quantity > 6"])  # fmt: skip
    assert result.verification is not None and result.verification.passed
    lines = pl.read_parquet(out / "Order Details.parquet")
    orders = pl.read_parquet(out / "Orders.parquet")
    assert lines.columns == ["OrderID", "ProductID", "Unit Price", "Quantity"]
    assert lines.height == 60 and (lines["Quantity"] > 6).all()
    assert lines.join(orders, on="OrderID").height == lines.height  # parents kept, keys mapped
    assert not orders["CustomerEmail"].str.contains("northwind.example").any()

    mock = tmp_path / "mock.yaml"
    init(InitOptions(out=mock, source=url, rows=300))
    first = fauxdata.generate(mock, tmp_path / "dev.duckdb")
    assert first.report is not None and first.report.passed
    again = tmp_path / "again.yaml"
    init(InitOptions(out=again, source=f"duckdb:{tmp_path / 'dev.duckdb'}"))
    assert sorted(fauxdata.load_spec(again).tables) == ["Order Details", "Orders"]
