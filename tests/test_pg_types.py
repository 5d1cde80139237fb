"""PostgreSQL's wider types, from a schema nobody wrote for fauxdata's sake: each gets a
generator the database accepts on load, generated columns are left to the database, and
a reflection warning never reaches the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from fauxdata.introspect.checks import rules_for
from tests.support.cli import fauxdata as cli
from tests.support.postgres import create_database

TYPES = """
CREATE TABLE devices (
  device_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code char(2) NOT NULL UNIQUE,
  doc xml NOT NULL,
  mac macaddr NOT NULL,
  net cidr NOT NULL,
  addr inet NOT NULL,
  seats int4range NOT NULL,
  booked daterange NOT NULL,
  search tsvector NOT NULL,
  price money NOT NULL,
  warranty interval NOT NULL,
  blob bytea NOT NULL,
  tags text[] NOT NULL,
  extra jsonb NOT NULL,
  token uuid NOT NULL UNIQUE,
  width integer NOT NULL CHECK (width > 0),
  area integer GENERATED ALWAYS AS (width * 2) STORED
);
"""


def _database(server: str, name: str) -> str:
    url = create_database(server, name)
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(TYPES)
    return url


def test_wide_types_load(postgres_server: str, tmp_path: Path) -> None:
    source = _database(postgres_server, "types_src")
    dev = _database(postgres_server, "types_dev")
    spec = tmp_path / "types.yaml"
    done = cli("init", "--from", source, "--out", str(spec), "--rows", "200", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "no generator fits" not in done.stderr, done.stderr
    assert "area:" not in spec.read_text()  # generated: the database's to fill
    loaded = cli("generate", str(spec), "--to", dev, "--json", cwd=tmp_path)
    results = json.loads(loaded.stdout)["verification"]["results"] if loaded.stdout else []
    assert loaded.returncode == 0, [r for r in results if r["status"] == "fail"] or loaded.stderr
    with psycopg.connect(dev) as con:
        row = con.execute(
            "SELECT count(*), count(DISTINCT code), bool_and(area = width * 2) FROM devices"
        ).fetchone()
        assert row == (200, 200, True)  # char(2) unique codes: 200 distinct ids fit


def test_check_forms_of_real_schemas() -> None:
    """AdventureWorks writes ``upper(persontype) IN (...)`` and ``end >= start OR end IS
    NULL``; both bound the column's generator."""
    assert rules_for("persontype", ["upper(persontype) IN ('SC', 'VC')"]).values == ["SC", "VC"]
    assert (
        rules_for("enddate", ["(enddate >= startdate) OR (enddate IS NULL)"]).after == "startdate"
    )
    assert (
        rules_for(
            "actualenddate",
            [
                "actualenddate >= actualstartdate OR actualenddate IS NULL OR actualstartdate IS NULL"
            ],
        ).after
        == "actualstartdate"
    )
