"""CHECKs of real ERP schemas that tie columns together (AdventureWorks' bill of
materials): ``a <> b`` between foreign keys, and conditions with branches. init holds
every row to them by construction, and names the ones no generator can hold."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from fauxdata.introspect.checks import rules_for
from fauxdata.introspect.model import SourceColumn, SourceSchema, SourceTable
from fauxdata.introspect.suggest import suggest_column
from fauxdata.run import check
from tests.support.cli import fauxdata as cli
from tests.support.postgres import create_database

BOM = """
CREATE TABLE product (product_id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE bom (
  bom_id serial PRIMARY KEY,
  assembly_id integer REFERENCES product,
  component_id integer NOT NULL REFERENCES product,
  bom_level smallint NOT NULL,
  qty numeric(8,2) NOT NULL,
  CHECK (assembly_id <> component_id),
  CHECK (((assembly_id IS NULL) AND (bom_level = 0) AND (qty = 1.00))
         OR ((assembly_id IS NOT NULL) AND (bom_level >= 1))),
  CHECK (qty >= 1.00)
);
CREATE TABLE pair (pair_id integer PRIMARY KEY, a integer NOT NULL, b integer NOT NULL, CHECK (a <> b));
"""

BRANCHES = "((a IS NULL) AND (b = 0) AND (q = 1.00)) OR ((a IS NOT NULL) AND (b >= 1))"


def test_a_branch_without_nulls_is_chosen_for_every_column() -> None:
    assert rules_for("b", [BRANCHES], nullable={"a"}).low == 1.0
    assert rules_for("a", [BRANCHES], nullable={"a"}).not_null
    assert rules_for("q", [BRANCHES], nullable={"a"}).values is None  # not in the branch


def test_a_branch_needing_nulls_is_taken_only_where_nulls_are_allowed() -> None:
    only_null = "(a IS NULL AND b = 0) OR (a IS NOT NULL AND b > c)"  # b > c: no generator
    assert rules_for("b", [only_null], nullable={"a"}).values == [0.0]
    assert rules_for("a", [only_null], nullable={"a"}).null
    assert rules_for("b", [only_null], nullable=set()).unparsed  # a cannot be NULL


def test_inequality_between_columns() -> None:
    rules = rules_for("component_id", ["assembly_id <> component_id"])
    assert rules.differs == "assembly_id" and not rules.unparsed


def test_distinct_foreign_key_never_meets_the_other(
    fauxdata_tables: Callable[..., dict[str, Any]],
) -> None:
    """Two parents only: half the picks would collide without distinct_from."""
    spec = {
        "name": "bom",
        "tables": {
            "product": {"rows": 2, "columns": {"id": {"generator": "sequence"}}},
            "bom": {
                "rows": 2000,
                "checks": ["a <> b"],
                "columns": {
                    "a": {"generator": {"kind": "foreign_key", "references": "product.id"}},
                    "b": {
                        "generator": {
                            "kind": "foreign_key",
                            "references": "product.id",
                            "distinct_from": "a",
                        }
                    },
                },
            },
        },
    }
    bom = fauxdata_tables(spec)["bom"]
    assert (bom["a"] != bom["b"]).all() and bom["b"].n_unique() == 2


def test_distinct_from_names_a_column_of_the_row() -> None:
    spec = {
        "name": "bad",
        "tables": {
            "p": {"rows": 2, "columns": {"id": {"generator": "sequence"}}},
            "c": {
                "rows": 5,
                "columns": {
                    "a": {
                        "generator": {
                            "kind": "foreign_key",
                            "references": "p.id",
                            "distinct_from": "zz",
                        }
                    }
                },
            },
        },
    }
    with pytest.raises(Exception, match="distinct_from"):
        check(spec)


def test_bill_of_materials_loads_and_impossible_checks_are_named(
    postgres_server: str, tmp_path: Path
) -> None:
    source, dev = (create_database(postgres_server, f"bom_{n}") for n in ("src", "dev"))
    for url in (source, dev):
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(BOM)
    spec = tmp_path / "bom.yaml"
    done = cli("init", "--from", source, "--out", str(spec), "--rows", "400", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stderr.split())
    assert "pair (a, b): CHECK a <> b: two columns that must differ" in said, said
    assert "bom (" not in said, said  # every CHECK of bom is held by its generators
    # pair cannot be held to its CHECK: it is left out of the load
    tables = "product,bom"
    loaded = cli("generate", str(spec), "--to", dev, "--json", "--tables", tables, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stdout[-2000:] + loaded.stderr
    assert json.loads(loaded.stdout)["verification"]["passed"]
    with psycopg.connect(dev) as con:
        row = con.execute("SELECT count(*), count(assembly_id), min(bom_level) FROM bom").fetchone()
    assert row is not None and row[0] > 0 and row[1] == row[0] and row[2] >= 1


def test_bounds_relative_to_now_are_read_on_the_day_init_runs() -> None:
    """AdventureWorks: ``BirthDate BETWEEN '1930-01-01' AND NOW() - INTERVAL '18 years'``."""
    today = dt.date.today()
    rules = rules_for(
        "birthdate",
        ["((birthdate >= '1930-01-01'::date) AND (birthdate <= (now() - '18 years'::interval)))"],
    )
    assert rules.low == "1930-01-01" and not rules.unparsed
    assert abs((today - dt.date.fromisoformat(str(rules.high))).days - 18 * 365.25) <= 1
    later = rules_for("d", ["d > now() - interval '3' month", "d <= CURRENT_DATE"])
    assert later.high == today.isoformat() and later.low_strict and not later.unparsed


def test_date_generators_stay_within_their_checks() -> None:
    table = SourceTable(
        "staff",
        {
            "hired": SourceColumn(
                "hired",
                "timestamp",
                False,
                checks=["hired >= '2026-06-01'", "hired < '2027-01-01'"],
            ),
            "born": SourceColumn("born", "date", False, checks=["born <= '1960-12-31'"]),
        },
        primary_key=[],
    )
    source = SourceSchema("postgresql", "postgresql://x/y", None, {"staff": table})
    hired = suggest_column(source, table, table.columns["hired"])[0]["generator"]
    born = suggest_column(source, table, table.columns["born"])[0]["generator"]
    assert (hired["start"], hired["end"]) == ("2026-06-01T00:00:00", "2026-12-31T23:59:59")
    assert (born["start"], born["end"]) == ("1950-01-01", "1960-12-31")
