"""Shared fixtures: real PostgreSQL and MariaDB servers per test session (per xdist worker)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import mariadb
from tests.support.postgres import create_database, running_server

HR_SCHEMA = Path(__file__).parent / "support" / "hr_schema.sql"


@pytest.fixture(autouse=True)
def _private_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Each test (and every CLI it runs) gets its own audit log and no FAUXDATA_ENV from
    the machine, so tests never write to the user's log nor inherit a shell's setting."""
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("FAUXDATA_AUDIT_LOG", str(log))
    monkeypatch.delenv("FAUXDATA_ENV", raising=False)
    return log


@pytest.fixture
def audit_log(_private_environment: Path) -> Path:
    """The audit log this test's database writes go to."""
    return _private_environment


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The admin URL of a PostgreSQL server the tests started (never mocked, never skipped).

    Its folder is outside pytest's temp root, which only root may enter.
    """
    folder = Path(tempfile.mkdtemp(prefix="fauxdata-pg-"))
    try:
        with running_server(folder) as url:
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[str]:
    """The admin URL of a MariaDB server the tests started (never mocked, never skipped)."""
    folder = Path(tempfile.mkdtemp(prefix="fauxdata-maria-"))
    try:
        with mariadb.running_server(folder) as url:
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _hr_schema_database(server: str, prefix: str, request: pytest.FixtureRequest) -> str:
    import psycopg

    name = prefix + "".join(c if c.isalnum() else "_" for c in request.node.name)[:50].lower()
    url = create_database(server, name)
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(HR_SCHEMA.read_text())
    return url


@pytest.fixture
def hr_database(postgres_server: str, request: pytest.FixtureRequest) -> str:
    """A fresh database holding the HR test schema; returns its URL."""
    return _hr_schema_database(postgres_server, "hr_", request)


@pytest.fixture
def dev_database(postgres_server: str, request: pytest.FixtureRequest) -> str:
    """A fresh, second database with the HR schema, as a dev destination."""
    return _hr_schema_database(postgres_server, "dev_", request)
