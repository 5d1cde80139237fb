"""Columns keep whatever name their source gives them: CSV headers such as
``Culmen Length (mm)`` (the Palmer penguins' raw data, shipped by the ``palmerpenguins``
package), and quoted PostgreSQL identifiers. They are masked, generated, written and
verified under that exact name; only what would clash with ``table.column`` references,
``[column]`` formulas or SQL quoting is refused, by name."""

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
    with pytest.raises(FauxdataError, match="Order Line") as caught:  # tables: identifiers
        init(InitOptions(out=spec, source=source, rows=200))
    print(caught.value)
    with psycopg.connect(source, autocommit=True) as con:
        con.execute('ALTER TABLE "Customer" RENAME TO customer')
        con.execute('ALTER TABLE "Order Line" RENAME TO order_line')
    init(InitOptions(out=spec, source=source, rows=200, force=True))
    target = create_database(postgres_server, "quoted_names_copy")
    with psycopg.connect(source) as con:
        ddl = [
            r[0]
            for r in con.execute(
                "SELECT 'CREATE TABLE ' || quote_ident(c.relname) || ' (' || string_agg("
                "quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' "
                "ORDER BY a.attnum) || ')' FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
                "WHERE c.relname IN ('customer', 'order_line') AND a.attnum > 0 "
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
            'SELECT count(*) FROM order_line l LEFT JOIN customer c USING ("Customer ID") '
            'WHERE c."Customer ID" IS NULL'
        ).fetchone()
        bounds = con.execute(
            'SELECT min("order"), max("order"), min("Amount (EUR)") FROM customer, order_line'
        ).fetchone()
        emails = [r[0] for r in con.execute('SELECT "E-mail" FROM customer')]
    assert orphans == (0,)
    assert bounds is not None and 1 <= bounds[0] <= bounds[1] <= 9 and bounds[2] > 0
    assert len(emails) == 200 and all("@" in e for e in emails)


@pytest.mark.parametrize("name", ["a.b", "x[1]", 'say "hi"', "tick`", "two\nlines", ""])
def test_names_that_would_clash_are_refused_by_name(name: str) -> None:
    spec = {"name": "s", "tables": {"t": {"rows": 1, "columns": {name: {"generator": "uuid"}}}}}
    with pytest.raises(FauxdataError, match="expected printable text without") as caught:
        fauxdata.check(spec)
    assert "tables.t.columns" in str(caught.value.path)
