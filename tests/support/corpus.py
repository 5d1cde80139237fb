"""The corpus of public schemas (tests/corpus/): load one into a real server, run
``init`` on it, generate into a second copy and read what the database holds. Shared
by tests/test_corpus.py and benchmarks/corpus.py (rows per second for the README)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.support import mariadb
from tests.support.cli import fauxdata as cli
from tests.support.postgres import create_database, require_postgis

CORPUS = Path(__file__).parent.parent / "corpus"
POSTGRES = [
    "pagila",
    "chinook_postgres",
    "northwind",
    "adventureworks",
    "openstreetmap_rails",
    "underpass_postgis",
]
MYSQL = ["chinook_mysql", "employees_mysql"]


def postgres_database(server: str, name: str) -> str:
    """A fresh database holding corpus schema ``name`` (``pagila__src`` reads pagila.sql)."""
    text = (CORPUS / f"{name.split('__')[0]}.sql").read_text()
    if "EXTENSION IF NOT EXISTS postgis" in text:
        require_postgis()
    url = create_database(server, name)
    with psycopg.connect(url, autocommit=True) as con:
        if not con.execute("SELECT 1 FROM pg_roles WHERE rolname = 'postgres'").fetchone():
            con.execute("CREATE ROLE postgres")  # pg_dump output hands objects to postgres
        con.execute(text)
    return url


def mysql_database(server: str, name: str) -> str:
    url = mariadb.create_database(server, name)
    with mariadb.connect(url) as con, con.cursor() as cursor:
        cursor.execute((CORPUS / f"{name.split('__')[0]}.sql").read_text())
        while cursor.nextset():
            pass
    return url


@dataclass
class Regenerated:
    init_stderr: str
    returncode: int
    stderr: str
    failed: list[str]
    """Names of the verification checks that failed."""
    tables: list[str]
    rows: int
    seconds: float
    """``generate`` end to end: start-up, generation, load, read-back, verification."""


def regenerate(source: str, dev: str, folder: Path, rows: int) -> Regenerated:
    """``init --from source --rows N``, then ``generate --to dev``, as a user runs them."""
    spec = folder / "spec.yaml"
    done = cli("init", "--from", source, "--out", str(spec), "--rows", str(rows), cwd=folder)
    if done.returncode != 0:
        return Regenerated(done.stderr, done.returncode, done.stderr, [], [], 0, 0.0)
    started = time.perf_counter()
    loaded = cli("generate", str(spec), "--to", dev, "--json", cwd=folder)
    seconds = time.perf_counter() - started
    if loaded.returncode != 0 and not loaded.stdout.strip():
        return Regenerated(done.stderr, loaded.returncode, loaded.stderr, [], [], 0, seconds)
    result = json.loads(loaded.stdout)
    failed = [r["name"] for r in result["verification"]["results"] if r["status"] == "fail"]
    made = result["tables"]
    return Regenerated(
        done.stderr,
        loaded.returncode,
        loaded.stderr,
        failed,
        list(made),
        sum(t["rows"] for t in made.values()),
        seconds,
    )
