"""``fauxdata mock`` in a repository of projects, as the command document walks it.

The source ``alexis`` is a fake HR API served for real (tests/support/alexis.py), found
through ``projects/people/docs/sources/alexis.md``. The interactive run is replayed in a
real pseudo-terminal; the generation script it saves is run in a subprocess and must
reproduce the run byte for byte (the manifests' digests).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import polars as pl
import pytest

from tests.support import alexis
from tests.support.api_server import ApiServer
from tests.support.cli import fauxdata

PROJECT = Path("projects") / "people"


@pytest.fixture(scope="module")
def alexis_api() -> Iterator[ApiServer]:
    server = alexis.server().start()
    yield server
    server.stop()


@pytest.fixture
def repo(tmp_path: Path, alexis_api: ApiServer) -> Path:
    return alexis.repository(tmp_path / "repo", alexis_api.url)


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "ALEXIS_API_TOKEN": alexis.TOKEN, "COLUMNS": "160", "NO_COLOR": "1"}
    for name in ("CI", "FAUXDATA_ENV"):
        env.pop(name, None)
    return {**env, "TERM": "dumb", **extra}


def _spawn(cwd: Path, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "fauxdata.cli", *args],
        cwd=str(cwd),
        env=_env(),
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 160),
    )


def _finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus or 0)


def _digests(manifest: Path) -> dict[str, str]:
    tables = json.loads(manifest.read_text())["tables"]
    return {name: table["digest"] for name, table in tables.items()}


def _text_values() -> list[str]:
    """Every text value the fake API serves, long enough to be recognisable."""
    return [
        value
        for items in alexis.records().values()
        for record in items
        for value in record.values()
        if isinstance(value, str) and len(value) >= 6 and not value.isupper()
        and not value.endswith("-01")  # suggested date ranges start on the first of a month
    ]  # fmt: skip


def test_the_document_example_run_replayed_in_a_terminal(repo: Path, alexis_api: ApiServer):
    people = repo / PROJECT
    first = fauxdata("mock", "alexis", "--extract", "--yes", cwd=repo, env=_env())
    assert first.returncode == 0, first.stdout + first.stderr
    assert "projects/people/docs/sources/alexis.md" in first.stdout
    template = people / "docs" / "templates" / "alexis"
    metadata = json.loads((template / "metadata.json").read_text())
    assert set(metadata["entities"]) == set(alexis.ENTITIES)
    stored = (template / "metadata.json").read_text() + (template / "spec.yaml").read_text()
    assert [v for v in _text_values() if v in stored] == []
    assert alexis.TOKEN not in stored + first.stdout + first.stderr
    employees = [r for r in alexis_api.requests if r.path == "/v1/employees"]
    assert [r.query.get("page", "1") for r in employees] == ["1", "2", "3"]  # 12 records, 5 a page
    assert employees[0].query["limit"] == "20"

    child = _spawn(repo, "mock", "alexis")
    child.expect("Choose workflow:")
    child.expect(r"1\. Extract metadata first")
    child.expect(r"2\. Use existing template")
    child.expect(r"Enter choice \(1 or 2\)")
    child.sendline("2")
    child.expect(r"1 +\S* *alexis .* rest .* v1 .* \d{4}-\d\d-\d\dT\d\d:\d\d")
    child.expect(r"Select template \(number or name\)")
    child.sendline("1")
    child.expect(r"Customise row counts\? \(yes/no\)")
    child.sendline("")
    child.expect(r"Proceed with generation\? \(yes/no\)")
    child.sendline("yes")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    out = child.before.replace("\r\n", "\n")
    checks, written, steps = (
        out.index("checks passed"),
        out.index("Bronze tables written"),
        out.index("Next steps"),
    )
    assert checks < written < steps
    for entity in alexis.ENTITIES:
        assert f"bronze_alexis_{entity}" in out[written:steps]
    assert "template: projects/people/docs/templates/alexis/metadata.json" in out[steps:]
    assert "python projects/people/scripts/generate_mock_alexis.py" in out[steps:]

    bronze = people / "bronze" / "alexis"
    for entity in alexis.ENTITIES:
        frame = pl.read_delta(str(bronze / f"bronze_alexis_{entity}"))
        assert frame.height > 0 and set(frame["_source_system"]) == {"alexis_mock"}
    audit = (template / "audit.jsonl").read_text().splitlines()
    assert len(audit) == 2 and json.loads(audit[-1])["script"].endswith("generate_mock_alexis.py")

    script = people / "scripts" / "generate_mock_alexis.py"
    text = script.read_text()
    assert "fauxdata.generate(" in text and "SEED = 1" in text and str(repo) not in text
    before = _digests(bronze / "fauxdata-manifest.json")
    moved = repo.parent / "moved"  # paths in the script are relative to it
    shutil.move(repo, moved)
    ran = subprocess.run(
        [sys.executable, str(moved / PROJECT / "scripts" / "generate_mock_alexis.py")],
        cwd=moved.parent, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "verified: True" in ran.stdout
    after = moved / PROJECT / "bronze" / "alexis" / "fauxdata-manifest.json"
    assert _digests(after) == before


def test_two_projects_with_the_source_ask_which(repo: Path, alexis_api: ApiServer):
    shutil.copytree(repo / PROJECT, repo / "projects" / "payroll")
    unattended = fauxdata("mock", "alexis", "--extract", "--yes", cwd=repo, env=_env())
    assert unattended.returncode == 1
    assert "--project" in unattended.stderr and "no terminal to answer" in unattended.stderr

    child = _spawn(repo, "mock", "alexis", "--extract", "--yes")
    child.expect("documented in 2 projects")
    child.expect(r"1\. projects/payroll")
    child.expect(r"2\. projects/people")
    child.expect(r"Which project \(1 or 2\)")
    child.sendline("2")
    assert _finish(child) == 0
    assert (repo / PROJECT / "docs" / "templates" / "alexis" / "metadata.json").exists()
    assert not (repo / "projects" / "payroll" / "docs" / "templates").exists()

    named = fauxdata(
        "mock", "alexis", "--project", "payroll", "--extract", "--yes", cwd=repo, env=_env()
    )
    assert named.returncode == 0, named.stderr
    assert (repo / "projects" / "payroll" / "scripts" / "generate_mock_alexis.py").exists()
    wrong = fauxdata("mock", "alexis", "--project", "payrol", "--yes", cwd=repo, env=_env())
    assert wrong.returncode == 1 and "did you mean 'payroll'" in wrong.stderr


def test_reextraction_keeps_edits_reports_and_keeps_the_old_version(repo: Path):
    first = fauxdata("mock", "alexis", "--extract", "--yes", cwd=repo, env=_env())
    assert first.returncode == 0, first.stderr
    folder = repo / PROJECT / "docs" / "templates" / "alexis"
    spec = (folder / "spec.yaml").read_text()
    assert "      title:" in spec
    edited = spec.replace(
        "      title:",
        "      # job titles follow the 2025 career framework\n      title:",
        1,
    )
    lines = edited.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("      title:"))
    end = next(i for i in range(at + 1, len(lines)) if not lines[i].startswith("        "))
    lines[at:end] = [
        "      title:",
        "        type: varchar",
        "        generator: {kind: choice, values: [Engineer, Analyst, Lead]}",
    ]
    (folder / "spec.yaml").write_text("\n".join(lines) + "\n")

    again = fauxdata("mock", "alexis", "--extract", "--yes", cwd=repo, env=_env())
    assert again.returncode == 0, again.stdout + again.stderr
    assert "your generators and comments are kept" in again.stdout
    assert "v1 kept in projects/people/docs/templates/alexis/v1" in again.stdout
    merged = (folder / "spec.yaml").read_text()
    assert "# job titles follow the 2025 career framework" in merged
    assert "values: [Engineer, Analyst, Lead]" in merged
    assert (folder / "v1" / "spec.yaml").read_text() == "\n".join(lines) + "\n"
    assert json.loads((folder / "metadata.json").read_text())["version"] == 2
    employees = pl.read_delta(str(repo / PROJECT / "bronze" / "alexis" / "bronze_alexis_employees"))
    assert set(employees["title"]) <= {"Engineer", "Analyst", "Lead"}


def test_a_source_nobody_documents_is_confirmed_or_given_by_hand(repo: Path, alexis_api: ApiServer):
    missing = fauxdata("mock", "alexys", "--extract", "--yes", cwd=repo, env=_env())
    assert missing.returncode == 1
    assert "did you mean 'alexis'" in missing.stderr and "--type rest --url" in missing.stderr

    child = _spawn(repo, "mock", "alexys", "--extract", "--yes")
    child.expect("No source document for 'alexys'")
    child.expect(r"Is 'alexys' the right source name\? \(yes/no\)")
    child.sendline("n")
    child.expect("Source name")
    child.sendline("alexis")
    child.expect("Next steps")
    assert _finish(child) == 0

    by_hand = _spawn(repo, "mock", "hrx", "--extract", "--yes")
    by_hand.expect(r"Is 'hrx' the right source name\?")
    by_hand.sendline("y")
    by_hand.expect(r"Source type \(1 or 2\)")
    by_hand.sendline("1")
    by_hand.expect(r"Base URL")
    by_hand.sendline(f"{alexis_api.url}/v1")
    by_hand.expect("Endpoints, comma-separated")
    by_hand.sendline("/departments, /offices")
    by_hand.expect("Token reference")
    by_hand.sendline("env:ALEXIS_API_TOKEN")
    by_hand.expect("Next steps")
    assert _finish(by_hand) == 0
    assert (repo / "templates" / "hrx" / "metadata.json").exists()

    flags = fauxdata(
        "mock", "teams", "--type", "rest", "--url", f"{alexis_api.url}/v1", "--endpoint", "/teams",
        "--token", "env:ALEXIS_API_TOKEN", "--extract", "--yes", cwd=repo, env=_env(),
    )  # fmt: skip
    assert flags.returncode == 0, flags.stdout + flags.stderr
    literal = fauxdata(
        "mock", "teams2", "--type", "rest", "--url", f"{alexis_api.url}/v1", "--endpoint", "/teams",
        "--token", alexis.TOKEN, "--extract", "--yes", cwd=repo, env=_env(),
    )  # fmt: skip
    assert literal.returncode == 1 and "must be a reference" in literal.stderr
    assert alexis.TOKEN not in literal.stderr


def test_a_database_given_by_hand_never_shows_its_password(repo: Path):
    done = fauxdata(
        "mock", "payroll", "--type", "database", "--url", "postgresql://hr:s3cret-pw@127.0.0.1:1/payroll",
        "--extract", "--yes", cwd=repo, env=_env(),
    )  # fmt: skip
    assert done.returncode == 1
    assert "postgresql://hr:***@127.0.0.1:1/payroll" in done.stdout
    assert "cannot connect" in done.stderr
    assert "s3cret-pw" not in done.stdout + done.stderr
