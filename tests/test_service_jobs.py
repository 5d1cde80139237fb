"""The service's job types beyond generate: init, scan, mock, mask and synthesize, each a
call of the same library workflow the CLI makes, over real HTTP on a uvicorn server the
test starts; per-table progress recorded from the workflows' progress events; options
validated with 422 errors naming the field; secrets refused."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator

import polars as pl
import pytest

from tests.support.bank import bank_duckdb
from tests.test_service import EXAMPLES, Server, _free_port, _start, _stop

MASK_KEY = "correct-horse-battery-staple-42"
CRM = """
CREATE TABLE klanten (id INTEGER PRIMARY KEY, voornaam VARCHAR(40) NOT NULL,
    achternaam VARCHAR(60) NOT NULL, email VARCHAR(120) NOT NULL, geboortedatum DATE);
CREATE TABLE bestellingen (id INTEGER PRIMARY KEY,
    klant_id INTEGER NOT NULL REFERENCES klanten(id), bedrag DECIMAL(10,2) NOT NULL);
INSERT INTO klanten VALUES (1, 'Anouk', 'Visser', 'anouk.visser@voorbeeld.nl', '1987-04-02');
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("service") / "root"
    root.mkdir()
    shutil.copy(EXAMPLES / "payments.yaml", root / "payments.yaml")
    shutil.copytree(EXAMPLES / "seeds", root / "seeds")
    con = sqlite3.connect(root / "crm.db")
    con.executescript(CRM)
    con.commit()
    con.close()
    (root / "docs" / "sources").mkdir(parents=True)
    (root / "docs" / "sources" / "crm.md").write_text(
        "# CRM\n\nConnection String: sqlite:///crm.db\n"
    )
    (root / "people.csv").write_text(
        "name,email,phone\nAda Lovelace,ada@example.com,+44 20 7946 0958\n"
        "Alan Turing,alan@example.org,+44 20 7946 0959\n"
    )
    bank_duckdb(root / "bank.duckdb", customers=300)
    port = _free_port()
    env = {"FAUXDATA_ENV": "dev", "FAUXDATA_MASK_KEY": MASK_KEY}
    process = _start(root, port, "--token", "env:FAUXDATA_TOKEN", env=env)
    try:
        yield Server(root, port, process)
    finally:
        _stop(process)


def _run(server: Server, job_type: str, options: dict[str, object]) -> dict[str, object]:
    status, job = server.call("POST", "/jobs", {"type": job_type, "options": options})
    assert status == 202, job
    done = server.wait(job["id"])
    _, log = server.call("GET", f"/jobs/{job['id']}/log")
    assert done["status"] == "succeeded", (done, log)
    _, report = server.call("GET", f"/jobs/{job['id']}/report")
    return {"job": done, "log": log, "result": report["result"]}


def test_init_then_generate_from_the_written_spec(server: Server) -> None:
    made = _run(server, "init", {"out": "specs/crm.yaml", "source": "sqlite:///crm.db", "rows": 40})
    result = made["result"]
    assert result["out"] == "specs/crm.yaml" and result["tables"] == 2
    assert {f["column"] for f in result["pii"]} >= {"voornaam", "email"}
    assert (server.root / "specs" / "crm.yaml").exists()
    assert "Anouk" not in (server.root / "specs" / "crm.yaml").read_text()
    run = _run(server, "generate", {"spec": "specs/crm.yaml", "to": "parquet:out/crm"})
    progress = run["job"]["progress"]
    assert progress["tables"]["klanten"] == {"rows": 40, "total": 40}
    assert progress["phase"] == "generate"
    assert "klanten: 40 rows" in run["log"]


def test_generate_into_a_fresh_database_creates_its_tables(server: Server) -> None:
    _run(server, "init", {"out": "specs/crm_fresh.yaml", "source": "sqlite:///crm.db", "rows": 30})
    options = {"spec": "specs/crm_fresh.yaml", "to": "sqlite:///fresh.db", "create_tables": True}
    run = _run(server, "generate", options)
    assert run["result"]["passed"] is True, run
    with sqlite3.connect(server.root / "fresh.db") as con:
        assert con.execute("SELECT count(*) FROM klanten").fetchone() == (30,)
    status, job = server.call("POST", "/jobs", {"type": "generate", "options": options})
    assert status == 202
    failed = server.wait(job["id"])  # the tables now hold rows: refused, naming the way out
    assert failed["status"] == "failed" and "--truncate" in json.dumps(failed)
    again = _run(server, "generate", {**options, "truncate": True})
    assert again["result"]["passed"] is True


def test_scan_a_file_and_a_database(server: Server) -> None:
    found = _run(server, "scan", {"what": "people.csv"})["result"]
    categories = {f["column"]: f["category"] for f in found["findings"]}
    assert categories["email"] == "email" and categories["phone"] == "phone"
    assert "ada@example.com" not in json.dumps(found)
    found = _run(server, "scan", {"what": "sqlite:///crm.db", "sample": 5})["result"]
    assert {f["column"] for f in found["findings"]} >= {"email", "achternaam"}
    assert "anouk" not in json.dumps(found).lower()


def test_mock_a_documented_source_unattended(server: Server) -> None:
    done = _run(
        server,
        "mock",
        {"source": "crm", "extract": True, "rows": {"klanten": 60}, "output": "delta:lake"},
    )
    result, log = done["result"], done["log"]
    assert result["passed"] is True and result["template"] == "templates/crm"
    assert result["script"] == "scripts/generate_mock_crm.py"
    assert "Source crm: database at sqlite:///crm.db" in log and "saved template" in log
    klanten = pl.read_delta(str(server.root / "lake" / "bronze_crm_klanten"))
    assert klanten.height == 60
    assert done["job"]["progress"]["tables"]["klanten"]["rows"] == 60


def test_init_a_masking_spec_then_mask(server: Server) -> None:
    made = _run(
        server, "init", {"out": "bank.yaml", "source": "bank.duckdb", "mode": "mock-or-mask"}
    )
    assert "mode: mask" in (server.root / "bank.yaml").read_text()
    assert made["result"]["tables"] >= 2
    masked = _run(
        server,
        "mask",
        {"spec": "bank.yaml", "source": "bank.duckdb", "to": "parquet:masked", "report": "privacy"},
    )
    result = masked["result"]
    assert result["passed"] is True and result["rows"]["customers"] == 300
    assert result["report"] == ["privacy.json", "privacy.html"]
    progress = masked["job"]["progress"]
    assert progress["tables"]["customers"] == {"rows": 300, "total": None}
    assert progress["phase"] == "mask"
    assert MASK_KEY not in json.dumps(masked)


def test_synthesize_reports_quality_and_privacy(server: Server) -> None:
    done = _run(
        server,
        "synthesize",
        {"spec": "payments.yaml", "to": "parquet:out/payments", "rows": {"payments": 3000}},
    )
    result = done["result"]
    assert result["passed"] is True and result["tables"]["payments"]["rows"] == 3000
    (group,) = result["synthesis"]
    assert group["table"] == "payments" and 0 < group["quality"]["score"] <= 100
    assert done["job"]["progress"]["tables"]["payments"]["total"] == 3000


@pytest.mark.parametrize(
    ("job_type", "options", "field", "words"),
    [
        ("init", {"out": "x.yaml", "source": "sqlite:///crm.db", "rows": -1}, "options.rows", "greater than 0"),
        ("init", {"out": "x.yaml", "mode": "everything"}, "options.mode", "mock-all"),
        ("init", {"out": "../x.yaml", "source": "sqlite:///crm.db"}, "options.out", "outside"),
        ("init", {"out": "x.yaml", "from_api": "https://api.example.com", "token": "abc123"}, "options.token", "literally"),
        ("scan", {"what": "../../etc/people.csv"}, "options.what", "outside"),
        ("scan", {"what": "postgresql://me:hunter2@localhost/crm"}, "options.what", "password"),
        ("mock", {"source": "crm", "url": "mysql+pymysql://me:hunter2@h/db"}, "options.url", "password"),
        ("mock", {"source": "crm", "rows": {"klanten": "many"}}, "options.rows.klanten", "integer"),
        ("mask", {"spec": "bank.yaml", "source": "bank.duckdb", "to": "parquet:m", "key": MASK_KEY}, "options.key", "literally"),
        ("mask", {"spec": "bank.yaml", "source": "/etc/passwd", "to": "parquet:m"}, "options.source", "outside"),
        ("mask", {"spec": "bank.yaml", "source": "bank.duckdb"}, "options.to", "Field required"),
        ("synthesize", {"spec": "payments.yaml", "to": "parquet:o", "seed": "x"}, "options.seed", "integer"),
    ],
)  # fmt: skip
def test_bad_options_are_named(
    server: Server, job_type: str, options: dict[str, object], field: str, words: str
) -> None:
    status, body = server.call("POST", "/jobs", {"type": job_type, "options": options})
    assert status == 422, body
    (problem,) = body["problems"]
    assert problem["path"] == field and words in problem["message"] + problem["hint"], problem
    assert "hunter2" not in json.dumps(body) and MASK_KEY not in json.dumps(body)


def test_a_job_that_needs_an_answer_fails_naming_the_option(server: Server) -> None:
    status, job = server.call("POST", "/jobs", {"type": "mock", "options": {"source": "nowhere"}})
    assert status == 202
    done = server.wait(job["id"])
    assert done["status"] == "failed" and "--type" in done["error"]
