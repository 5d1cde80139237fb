"""The environment guard and the audit log, against a real PostgreSQL server and SQLite.

Before: a spec without ``environment`` counted as dev, and ``FAUXDATA_ENV=prod`` did not
stop a dev spec from truncating and loading a database. Now the guard is closed by
default, ``FAUXDATA_ENV`` wins when set, file outputs are untouched, and each database
write leaves one audit line with the password masked.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import psycopg
import pytest

import fauxdata
from fauxdata import audit
from fauxdata.guard import GuardError
from fauxdata.spec import load_spec
from tests.support.cli import fauxdata as cli
from tests.test_mock_workflow import _env, hr_api, project  # noqa: F401 - fixtures

EXAMPLES = Path(__file__).parent.parent / "examples"
PASSWORD = "Pw-q9Zx7-never-logged"


def _without_environment(spec: Path, out: Path) -> Path:
    text = spec.read_text()
    assert "environment: dev\n" in text
    out.write_text(text.replace("environment: dev\n", ""))
    return out


def _with_password(url: str) -> str:
    """The same database, with a password in the URL (the test server trusts loopback)."""
    scheme, rest = url.split("://", 1)
    user, host = rest.split("@", 1)
    return f"{scheme}://{user}:{PASSWORD}@{host}"


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as con:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("offices", "employees", "payments")
        }


def test_postgresql_is_written_only_in_dev(
    hr_database: str, dev_database: str, tmp_path: Path, audit_log: Path
) -> None:
    spec = tmp_path / "hr.yaml"
    made = cli("init", "--from", hr_database, "--out", str(spec), "--rows", "20", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    secret_url = _with_password(dev_database)
    first = cli("generate", str(spec), "--to", secret_url, "--quiet", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    loaded = _counts(dev_database)
    assert all(loaded.values()), loaded

    prod = cli(
        "generate", str(spec), "--to", secret_url, "--truncate", "--rows", "employees=5",
        cwd=tmp_path, env={"FAUXDATA_ENV": "prod"},
    )  # fmt: skip
    assert prod.returncode == 2, prod.stderr
    assert "the environment is 'prod' (from FAUXDATA_ENV)" in prod.stderr
    assert "overrides the spec's 'dev'" in prod.stderr
    assert _counts(dev_database) == loaded  # nothing truncated, nothing loaded

    bare = _without_environment(spec, tmp_path / "bare.yaml")
    refused = cli("generate", str(bare), "--to", secret_url, "--truncate", cwd=tmp_path)
    assert refused.returncode == 2, refused.stderr
    assert "the spec declares no environment and FAUXDATA_ENV is not set" in refused.stderr
    assert "add the line 'environment: dev' at the top level of the spec" in refused.stderr
    assert "Traceback" not in refused.stderr and _counts(dev_database) == loaded

    by_env = cli(
        "generate", str(bare), "--to", secret_url, "--truncate", "--seed", "3", "--quiet",
        cwd=tmp_path, env={"FAUXDATA_ENV": "dev"},
    )  # fmt: skip
    assert by_env.returncode == 0, by_env.stderr  # FAUXDATA_ENV wins when set

    text = audit_log.read_text()
    assert PASSWORD not in text
    for done in (first, prod, refused, by_env):
        assert PASSWORD not in done.stdout + done.stderr
    lines = audit.read(audit_log)
    assert len(lines) == 2  # one per write; refusals wrote nothing
    line = lines[-1]
    assert line["target"] == _with_password(dev_database).replace(PASSWORD, "***")
    assert line["user"] and line["at"].endswith("+00:00")
    assert {t: line["tables"][t] for t in loaded} == _counts(dev_database)
    assert len(line["tables"]) == 7 and line["rows"] == sum(line["tables"].values())
    assert line["verified"] is True and line["seed"] == 3
    assert line["fauxdata_version"] == fauxdata.__version__
    assert len(line["spec_digest"]) == 64 and line["spec_digest"] != lines[0]["spec_digest"]


def _shop_sqlite(tmp_path: Path) -> Path:
    ddl = cli("ddl", str(EXAMPLES / "shop.yaml"), "--dialect", "sqlite", cwd=tmp_path)
    assert ddl.returncode == 0, ddl.stderr
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as con:
        con.executescript(ddl.stdout)
    return db


def test_sqlite_is_guarded_too_and_files_are_not(tmp_path: Path, audit_log: Path) -> None:
    db = _shop_sqlite(tmp_path)
    url = f"sqlite:///{db}"
    bare = _without_environment(EXAMPLES / "shop.yaml", tmp_path / "shop.yaml")
    refused = cli("generate", str(bare), "--to", url, "--scale", "0.05", cwd=tmp_path)
    assert refused.returncode == 2 and "environment: dev" in refused.stderr
    prod = cli(
        "generate", str(EXAMPLES / "shop.yaml"), "--to", url, "--scale", "0.05",
        cwd=tmp_path, env={"FAUXDATA_ENV": "PROD"},
    )  # fmt: skip
    assert prod.returncode == 2 and "'prod' (from FAUXDATA_ENV)" in prod.stderr
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM customers").fetchone() == (0,)
    assert not audit_log.exists() or audit.read(audit_log) == []

    files = cli(
        "generate", str(bare), "--to", f"parquet:{tmp_path / 'out'}", "--scale", "0.05",
        "--quiet", cwd=tmp_path, env={"FAUXDATA_ENV": "prod"},
    )  # fmt: skip
    assert files.returncode == 0, files.stderr  # file outputs are not guarded
    assert audit.read(audit_log) == []  # nor audited

    loaded = cli(
        "generate", str(EXAMPLES / "shop.yaml"), "--to", url, "--scale", "0.05", "--quiet",
        cwd=tmp_path,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr
    [line] = audit.read(audit_log)
    assert line["target"] == url and line["tables"]["customers"] == 50
    assert line["outcome"] == "committed"

    again = cli(
        "generate", str(EXAMPLES / "shop.yaml"), "--to", url, "--scale", "0.05", cwd=tmp_path
    )  # no --truncate: the same keys again break the primary key mid-load
    assert again.returncode == 1, again.stderr
    failed = audit.read(audit_log)[-1]
    assert failed["outcome"] == "failed" and failed["verified"] is None


def test_the_library_call_is_guarded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _shop_sqlite(tmp_path)
    spec = _without_environment(EXAMPLES / "shop.yaml", tmp_path / "shop.yaml")
    with pytest.raises(GuardError, match="declares no environment") as refused:
        fauxdata.generate(spec, f"sqlite:///{db}", scale=0.05)
    assert refused.value.exit_code == 2
    monkeypatch.setenv("FAUXDATA_ENV", "staging")
    with pytest.raises(GuardError, match="'staging'"):
        fauxdata.generate(EXAMPLES / "shop.yaml", f"sqlite:///{db}", scale=0.05)


def test_an_unwritable_audit_log_stops_the_write_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _shop_sqlite(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("FAUXDATA_AUDIT_LOG", str(blocker / "audit.jsonl"))
    done = cli(
        "generate", str(EXAMPLES / "shop.yaml"), "--to", f"sqlite:///{db}", "--scale", "0.05",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1 and "cannot append to the audit log" in done.stderr
    assert "FAUXDATA_AUDIT_LOG" in done.stderr
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM customers").fetchone() == (0,)


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://me:{PASSWORD}@db:5432/hr_dev",
        f"postgresql://me@db/hr_dev?password={PASSWORD}",
        f"postgresql+psycopg://me@db/hr_dev?sslpassword={PASSWORD}&application_name=x",
        f"mysql+pymysql://me:{PASSWORD}@db/hr?ssl_key={PASSWORD}",
    ],
)
def test_no_password_reaches_an_audit_line(url: str, audit_log: Path) -> None:
    shown = audit.masked_url(url)
    assert PASSWORD not in shown and "***" in shown and "db" in shown
    spec = load_spec(EXAMPLES / "shop.yaml")
    audit.record_database_write(url, spec=spec, seed=1, tables={"t": 1}, verified=None)
    assert PASSWORD not in audit_log.read_text()
    assert json.loads(audit_log.read_text())["verified"] is None


def test_the_mock_workflow_into_a_database_is_guarded_and_audited(
    project: Path,  # noqa: F811 - the fixture imported above
    audit_log: Path,
) -> None:
    made = cli("mock", "hr", "--extract", "--yes", cwd=project, env=_env())
    assert made.returncode == 0, made.stderr
    assert audit.read(audit_log) == []  # Delta bronze tables are files: not in the user's log
    template = project / "templates" / "hr"
    ddl = cli("ddl", str(template / "spec.yaml"), "--dialect", "sqlite", cwd=project)
    assert ddl.returncode == 0, ddl.stderr
    db = project / "hr.db"
    with sqlite3.connect(db) as con:
        con.executescript(ddl.stdout)
    into_db = ("mock", "hr", "--yes", "--output", f"sqlite:///{db}")
    prod = cli(*into_db, cwd=project, env=_env(FAUXDATA_ENV="prod"))
    assert prod.returncode == 2 and "'prod' (from FAUXDATA_ENV)" in prod.stderr
    loaded = cli(*into_db, cwd=project, env=_env())
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    [line] = audit.read(audit_log)
    assert line["target"] == f"sqlite:///{db}" and line["verified"] is True
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM employees").fetchone() == (
            line["tables"]["employees"],
        )
    runs = audit.read(template / "audit.jsonl")  # the template's log, by the same writer
    assert [r["target"] for r in runs] == [
        f"delta:{project / 'bronze'}",
        f"sqlite:///{db}",
    ]
