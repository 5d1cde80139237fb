"""The ``mock`` workflow end to end against the bundled fake HR API, served for real.

Unattended runs go through the command line in a subprocess; the interactive questions
are answered in a real pseudo-terminal with pexpect, as a person would.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pexpect
import polars as pl
import pytest
from deltalake import DeltaTable

from tests.support.cli import fauxdata

EXAMPLE = Path(__file__).parent.parent / "examples" / "hr_api"
TOKEN = "t0ken-for-tests-only"
ENTITY_ROWS = {"employees": 200, "compensation": 200, "departments": 5, "offices": 3, "teams": 10}


def _example_server_module():
    spec = importlib.util.spec_from_file_location("hr_api_server", EXAMPLE / "server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def hr_api() -> Iterator[tuple[str, object]]:
    module = _example_server_module()
    server = module.make_server(0, TOKEN)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", module
    server.shutdown()
    server.server_close()


@pytest.fixture
def project(tmp_path: Path, hr_api: tuple[str, object]) -> Path:
    """The example project, pointed at the running server's port."""
    url, _ = hr_api
    root = tmp_path / "project"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("templates", "bronze", "*.pyc"))
    text = (root / "fauxdata.yaml").read_text()
    (root / "fauxdata.yaml").write_text(text.replace("http://127.0.0.1:8765", url))
    return root


def _env(**extra: str) -> dict[str, str]:
    env = {"HR_API_TOKEN": TOKEN, **extra}
    return env


def _default_date(value: str) -> bool:
    """The first of a year is where suggested date ranges start, not a copied value."""
    return re.fullmatch(r"\d{4}-01-01", value) is not None


def _sampled_values(module: object) -> list[str]:
    """Every text value the fake API serves (numbers and short codes excluded)."""
    values: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and len(value) >= 6 and not value.isupper():
            values.append(value)

    walk(module.resources())  # type: ignore[attr-defined]
    return values


def test_mock_extract_yes_makes_template_spec_verified_delta_and_audit(project, hr_api):
    _, module = hr_api
    os.environ.pop("FAUXDATA_ENV", None)
    done = fauxdata("mock", "hr", "--extract", "--yes", cwd=project, env=_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "checks passed" in done.stdout and "Next steps" in done.stdout
    assert "polars.read_delta(" in done.stdout.replace("\n", "")

    folder = project / "templates" / "hr"
    metadata = json.loads((folder / "metadata.json").read_text())
    assert metadata["source"] == "hr" and metadata["type"] == "rest"
    assert metadata["base_url"].startswith("http://127.0.0.1:")
    assert metadata["token"] == "env:HR_API_TOKEN" and metadata["version"] == 1
    assert re.match(r"\d{4}-\d\d-\d\dT", metadata["extracted_at"])
    entities = metadata["entities"]
    for name, rows in ENTITY_ROWS.items():
        assert entities[name]["rows"] == rows
        assert entities[name]["bronze_table"] == f"bronze_hr_{name}"
    employees = {f["name"]: f for f in entities["employees"]["fields"]}
    assert employees["first_name"]["source_field"] == "firstName"
    assert employees["team_id"]["foreign_key"] == "teams.id"
    pii = {name: f["pii"] for name, f in employees.items() if f["pii"]}
    for column in (
        "first_name",
        "last_name",
        "email",
        "phone",
        "date_of_birth",
        "national_id",
        "iban",
    ):
        assert column in pii, f"{column} not flagged: {pii}"
    assert "hire_date" not in pii and "status" not in pii and "is_remote" not in pii

    spec_text = (folder / "spec.yaml").read_text()
    assert "pii: email" in spec_text and "pii: national_id" in spec_text
    stored = (folder / "metadata.json").read_text() + spec_text
    leaked = [v for v in _sampled_values(module) if v in stored and not _default_date(v)]
    assert leaked == [], f"sampled values in the template: {leaked}"
    assert TOKEN not in stored and TOKEN not in done.stdout + done.stderr

    for name, rows in ENTITY_ROWS.items():
        table = DeltaTable(str(project / "bronze" / f"bronze_hr_{name}"))
        frame = pl.from_arrow(table.to_pyarrow_table())
        assert frame.height == rows, name
        assert set(frame["_source_system"].unique()) == {"hr_mock"}
        assert frame["_ingested_at"].null_count() == 0
    employees_frame = pl.read_delta(str(project / "bronze" / "bronze_hr_employees"))
    teams = pl.read_delta(str(project / "bronze" / "bronze_hr_teams"))
    assert set(employees_frame["team_id"].drop_nulls()) <= set(teams["id"])
    assert employees_frame["email"].str.contains("@").all()

    audit = [json.loads(line) for line in (folder / "audit.jsonl").read_text().splitlines()]
    assert len(audit) == 1
    line = audit[0]
    assert line["rows"] == {**ENTITY_ROWS, "employees_emails": line["rows"]["employees_emails"]}
    assert line["seed"] == 42 and line["verified"] is True and line["template_version"] == 1
    assert {"at", "user", "environment", "target"} <= set(line)

    listed = fauxdata("templates", "--root", "templates", "--json", cwd=project)
    assert listed.returncode == 0, listed.stderr
    (entry,) = json.loads(listed.stdout)
    assert (entry["source"], entry["version"], entry["runs"]) == ("hr", 1, 1)


def test_same_seed_same_bronze_rows(project):
    first = fauxdata("mock", "hr", "--extract", "--yes", cwd=project, env=_env())
    assert first.returncode == 0, first.stderr
    a = pl.read_delta(str(project / "bronze" / "bronze_hr_employees")).drop("_ingested_at")
    again = fauxdata("mock", "hr", "--yes", "--rows", "employees=300", cwd=project, env=_env())
    assert again.returncode == 0, again.stderr
    table = DeltaTable(str(project / "bronze" / "bronze_hr_employees"))
    assert table.version() == 1 and table.to_pyarrow_table().num_rows == 300
    table.load_as_version(0)
    b = pl.from_arrow(table.to_pyarrow_table()).drop("_ingested_at")
    assert a.equals(b)


@pytest.mark.parametrize(
    ("env", "expected"),
    [({"FAUXDATA_ENV": "prod"}, "'prod' (from FAUXDATA_ENV)"), ({}, "not set")],
)
def test_the_workflow_refuses_outside_dev(project, env, expected):
    if not env:
        text = (project / "fauxdata.yaml").read_text()
        (project / "fauxdata.yaml").write_text(text.replace("environment: dev", ""))
    done = fauxdata("mock", "hr", "--extract", "--yes", cwd=project, env=_env(**env))
    assert done.returncode == 2  # a refusal is a usage error: nothing ran
    assert "refusing to run" in done.stderr and expected in done.stderr
    assert "FAUXDATA_ENV=dev" in done.stderr
    assert not (project / "templates").exists() and not (project / "bronze").exists()


def test_a_wrong_token_gets_the_token_guidance(project):
    done = fauxdata("mock", "hr", "--extract", "--yes", cwd=project, env=_env(HR_API_TOKEN="nope"))
    assert done.returncode == 1
    assert "check the token" in done.stderr and "nope" not in done.stderr
    assert not (project / "templates").exists()


def test_an_unset_token_variable_is_named(project):
    env = {k: v for k, v in os.environ.items() if k != "HR_API_TOKEN"}
    done = fauxdata(
        "mock", "hr", "--extract", "--yes", cwd=project, env={**env, "HR_API_TOKEN": ""}
    )
    assert done.returncode == 1 and "HR_API_TOKEN is not set" in done.stderr


def test_unattended_runs_name_the_flag_for_each_question(project):
    first = fauxdata("mock", "hr", "--extract", "--yes", cwd=project, env=_env())
    assert first.returncode == 0, first.stderr
    done = fauxdata("mock", "hr", cwd=project, env=_env(), stdin="")
    assert done.returncode == 1
    assert "no terminal to answer" in done.stderr and "--extract or --template" in done.stderr
    bad = fauxdata("mock", "hr", "--yes", "--rows", "employes=5", cwd=project, env=_env())
    assert bad.returncode == 1 and "did you mean 'employees'" in bad.stderr
    both = fauxdata(
        "mock", "hr", "--extract", "--template", "templates/hr", "--yes", cwd=project, env=_env()
    )
    assert both.returncode == 1 and "give one" in both.stderr


def _spawn(project: Path, *args: str, **extra: str) -> pexpect.spawn:
    env = {**os.environ, "HR_API_TOKEN": TOKEN, "COLUMNS": "160", "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("FAUXDATA_ENV", None)
    env.pop("CI", None)  # CI=true means "ask nothing"; these tests are the person at the keyboard
    return pexpect.spawn(
        sys.executable,
        ["-m", "fauxdata.cli", *args],
        cwd=str(project),
        env={**env, **extra},
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 160),
    )


def _finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus or 0)


def test_interactive_questions_in_a_real_terminal(project):
    first = _spawn(project, "mock", "hr")
    first.expect(r"Are these \d+ PII classifications correct\? \(yes/no\)")
    first.sendline("yes")
    first.expect(r"Keep these \d+ foreign keys\? \(yes/no\)")
    first.sendline("Y")
    first.expect(r"Customise row counts\? \(yes/no\) \[no\]")
    first.sendline("")
    first.expect(r"Proceed with generation\? \(yes/no\)")
    first.sendline("YES")
    first.expect("Next steps")
    assert _finish(first) == 0

    second = _spawn(project, "mock", "hr")
    second.expect("Choose workflow:")
    second.expect("1. Extract metadata first")
    second.expect("2. Use existing template")
    second.expect(r"Enter choice \(1 or 2\)")
    second.sendline("3")
    second.expect("Please enter a number from 1 or 2")
    second.sendline("2")
    second.expect(r"hr .* v1 .* \d{4}-\d\d-\d\dT")  # the list, with the extraction date
    second.expect(r"Select template \(number or name\)")
    second.sendline("hr")
    second.expect(r"Customise row counts\?")
    second.sendline("y")
    second.expect(r"Rows for departments \[5\]")
    second.sendline("7")
    while second.expect([r"Rows for \w+ \[\d+\]", r"departments .* 7 "]) == 0:
        second.sendline("")
    second.expect(r"Proceed with generation\?")
    second.sendline("no")
    second.expect("Nothing generated")
    assert _finish(second) == 1
    audit = (project / "templates" / "hr" / "audit.jsonl").read_text().splitlines()
    assert len(audit) == 1  # the declined run recorded nothing


def test_ci_true_asks_nothing_even_in_a_terminal(project):
    child = _spawn(project, "mock", "hr", CI="true")
    child.expect("no terminal to answer")
    assert _finish(child) == 1


def test_pii_confirmation_per_column_changes_the_mocker(project):
    child = _spawn(project, "mock", "hr", "--extract")
    child.expect(r"Are these \d+ PII classifications correct\?")
    child.sendline("n")
    while True:
        index = child.expect([r"(\w+)\.(\w+) is (\w+) \(1-3\)", r"Keep these \d+ foreign keys"])
        if index == 1:
            break
        column = child.match.group(2)
        if column == "phone":
            child.sendline("3")  # not PII
        elif column == "job_title":
            child.sendline("change")
            child.expect(r"Category for employees.job_title")
            child.sendline("nope")
            child.expect("Unknown category")
            child.sendline("person_name")
        else:
            child.sendline("")  # keep
    child.sendline("y")
    child.expect(r"Customise row counts\?")
    child.sendline("n")
    child.expect(r"Proceed with generation\?")
    child.sendline("y")
    assert _finish(child) == 0
    metadata = json.loads((project / "templates" / "hr" / "metadata.json").read_text())
    fields = {f["name"]: f for f in metadata["entities"]["employees"]["fields"]}
    assert fields["phone"]["pii"] is None and fields["email"]["pii"] == "email"
    spec = (project / "templates" / "hr" / "spec.yaml").read_text()
    assert "pii: phone" not in spec


def test_pii_flags_keep_change_and_drop_unattended(project):
    done = fauxdata(
        "mock", "hr", "--extract", "--yes", "--pii", "employees.phone=none",
        "--pii", "employees.job_title=person_name", cwd=project, env=_env(),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    metadata = json.loads((project / "templates" / "hr" / "metadata.json").read_text())
    fields = {f["name"]: f for f in metadata["entities"]["employees"]["fields"]}
    assert fields["phone"]["pii"] is None
    assert fields["job_title"]["pii"] == "person_name"
    employees = pl.read_delta(str(project / "bronze" / "bronze_hr_employees"))
    assert (employees["job_title"].str.split(" ").list.len() >= 2).mean() > 0.9  # full names now
    bad = fauxdata("mock", "hr", "--extract", "--yes", "--pii", "employees.phne=none",
                   cwd=project, env=_env())  # fmt: skip
    assert bad.returncode == 1 and "did you mean 'employees.phone'" in bad.stderr


def test_declining_inferred_keys_leaves_plain_columns(project):
    child = _spawn(project, "mock", "hr", "--extract")
    child.expect(r"Are these \d+ PII classifications correct\?")
    child.sendline("y")
    child.expect(r"Keep these \d+ foreign keys\?")
    child.sendline("n")
    child.expect(r"Customise row counts\?")
    child.sendline("no")
    child.expect(r"Proceed with generation\?")
    child.sendline("y")
    assert _finish(child) == 0
    spec = (project / "templates" / "hr" / "spec.yaml").read_text()
    assert "references: teams.id" not in spec
    metadata = json.loads((project / "templates" / "hr" / "metadata.json").read_text())
    assert not any(fk.get("inferred") for fk in metadata["foreign_keys"])


def test_init_from_api_writes_a_spec_with_pii_marks(tmp_path, hr_api):
    url, _ = hr_api
    out = tmp_path / "specs" / "hr.yaml"
    done = fauxdata(
        "init", "--from-api", url, "--endpoint", "/employee", "--endpoint", "teams",
        "--token", "env:HR_API_TOKEN", "--out", str(out), "--yes", "--rows", "20",
        cwd=tmp_path, env=_env(),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    text = out.read_text()
    assert "pii: iban" in text and "references: teams.id" in text
    generated = fauxdata("generate", str(out), "--to", f"parquet:{tmp_path / 'out'}", cwd=tmp_path)
    assert generated.returncode == 0, generated.stdout + generated.stderr


def test_scan_reports_the_example_api_without_values(hr_api):
    url, module = hr_api
    done = fauxdata(
        "scan", url, "--endpoint", "/employee", "--endpoint", "/compensation",
        "--token", "env:HR_API_TOKEN", "--json", cwd=EXAMPLE, env=_env(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    found = {(f["table"], f["column"]): f["category"] for f in report["findings"]}
    assert found[("employees", "national_id")] == "national_id"
    assert found[("employees", "iban")] == "iban"
    assert found[("employees", "email")] == "email"
    assert ("compensation", "currency") not in found
    for value in _sampled_values(module):
        assert value not in done.stdout
    failing = fauxdata(
        "scan", url, "--endpoint", "/employee", "--token", "env:HR_API_TOKEN", "--fail-on-pii",
        cwd=EXAMPLE, env=_env(),
    )  # fmt: skip
    assert failing.returncode == 1


CRM_SCHEMA = """
CREATE TABLE klanten (
    klant_id INTEGER PRIMARY KEY,
    voornaam VARCHAR(40) NOT NULL,
    achternaam VARCHAR(60) NOT NULL,
    email VARCHAR(120),
    telefoonnummer VARCHAR(30),
    geboortedatum DATE,
    postcode VARCHAR(7),
    rekeningnummer VARCHAR(34),
    segment VARCHAR(10) CHECK (segment IN ('retail', 'business'))
);
CREATE TABLE bestellingen (
    bestelling_id INTEGER PRIMARY KEY,
    klant_id INTEGER NOT NULL REFERENCES klanten (klant_id),
    bedrag NUMERIC(10, 2) CHECK (bedrag >= 0),
    besteld_op TIMESTAMP NOT NULL
);
"""
CRM_ROWS = [
    (1, "Anouk", "Visser", "anouk.visser@voorbeeld.nl", "+31 6 12345678", "1987-04-02",
     "1011 AB", "NL91ABNA0417164300", "retail"),
    (2, "Bram", "Mulder", "bram.mulder@voorbeeld.nl", "+31 6 23456789", "1990-12-24",
     "3511 CD", "NL02RABO0123456789", "business"),
    (3, "Sanne", "de Boer", "sanne.deboer@voorbeeld.nl", "+31 6 34567890", "1975-06-15",
     "2511 EF", "NL20INGB0001234567", "retail"),
]  # fmt: skip


@pytest.fixture
def crm_project(tmp_path: Path) -> Path:
    """A project whose CRM source is described only by its doc page: a SQLite database."""
    import sqlite3

    root = tmp_path / "crm_project"
    (root / "docs" / "sources").mkdir(parents=True)
    (root / "docs" / "sources" / "crm.md").write_text(
        "# CRM\n\nThe sales team's customer database.\n\nConnection String: sqlite:///crm.db\n"
    )
    con = sqlite3.connect(root / "crm.db")
    con.executescript(CRM_SCHEMA)
    con.executemany("INSERT INTO klanten VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", CRM_ROWS)
    con.execute("INSERT INTO bestellingen VALUES (1, 1, 10.50, '2024-01-02 10:00:00')")
    con.commit()
    con.close()
    return root


def test_mock_a_database_source_found_by_its_doc_page(crm_project):
    done = fauxdata(
        "mock", "crm", "--extract", "--yes", "--sample", "10",
        "--rows", "klanten=300", "--output", "delta:lake",
        cwd=crm_project, env={"FAUXDATA_ENV": "dev"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    metadata = json.loads((crm_project / "templates" / "crm" / "metadata.json").read_text())
    assert metadata["type"] == "database" and metadata["connection"] == "sqlite:///crm.db"
    assert metadata["found_in"].endswith("crm.md")
    fields = {f["name"]: f["pii"] for f in metadata["entities"]["klanten"]["fields"]}
    assert fields["voornaam"] == "first_name" and fields["achternaam"] == "last_name"
    assert fields["geboortedatum"] == "date_of_birth" and fields["rekeningnummer"] == "iban"
    assert fields["telefoonnummer"] == "phone" and fields["postcode"] == "postcode"
    assert fields["segment"] is None
    stored = (crm_project / "templates" / "crm" / "metadata.json").read_text()
    stored += (crm_project / "templates" / "crm" / "spec.yaml").read_text()
    for row in CRM_ROWS:
        for value in row[1:8]:
            assert str(value) not in stored, value
    customers = pl.read_delta(str(crm_project / "lake" / "bronze_crm_klanten"))
    assert customers.height == 300 and set(customers["_source_system"]) == {"crm_mock"}
    assert customers["rekeningnummer"].str.starts_with("NL").all()
    assert set(customers["segment"].drop_nulls()) <= {"retail", "business"}


def test_scan_a_database_by_names_then_by_values(crm_project):
    names = fauxdata("scan", "sqlite:///crm.db", "--json", cwd=crm_project)
    assert names.returncode == 0, names.stderr
    by_name = {f["column"]: f for f in json.loads(names.stdout)["findings"]}
    assert by_name["email"]["basis"] == "name"
    values = fauxdata("scan", "sqlite:///crm.db", "--sample", "10", "--json", cwd=crm_project)
    by_value = {f["column"]: f for f in json.loads(values.stdout)["findings"]}
    assert by_value["email"]["basis"] == "name+value"
    assert by_value["rekeningnummer"]["category"] == "iban"
    for row in CRM_ROWS:
        assert row[3] not in values.stdout and row[7] not in values.stdout


def test_scan_a_file_with_known_pii(tmp_path):
    known = Path(__file__).parent / "data" / "pii_known.csv"
    done = fauxdata("scan", str(known), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    found = {f["column"]: f["category"] for f in json.loads(done.stdout)["findings"]}
    assert found["iban"] == "iban" and found["card_number"] == "credit_card"
    assert found["bsn"] == "national_id" and found["email"] == "email"
    for column in ("order_status", "amount", "sku", "created_at"):
        assert column not in found
    table = fauxdata("scan", str(known), cwd=tmp_path)
    assert "PII columns in 1 tables" in table.stdout
    missing = fauxdata("scan", str(tmp_path / "nope.csv"), cwd=tmp_path)
    assert missing.returncode == 1 and "no such file" in missing.stderr
