"""`fauxdata workspace`: versions of a configuration listed, copied whole and compared by meaning."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support.cli import fauxdata

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    baseline = tmp_path / "workspaces" / "baseline"
    baseline.mkdir(parents=True)
    shutil.copy(EXAMPLES / "shop.yaml", baseline)
    shutil.copytree(EXAMPLES / "data", baseline / "data")
    return tmp_path


def test_duplicate_copies_everything_and_records_its_origin(root: Path) -> None:
    done = fauxdata("workspace", "duplicate", "baseline", "v2", cwd=root)
    assert done.returncode == 0, done.stderr
    copy = root / "workspaces" / "v2"
    assert (copy / "shop.yaml").read_text() == (
        root / "workspaces" / "baseline" / "shop.yaml"
    ).read_text()
    assert (copy / "data" / "office_cities.csv").is_file()
    listed = json.loads(fauxdata("workspace", "list", "--json", cwd=root).stdout)
    assert [(v["name"], v["copied_from"]) for v in listed] == [
        ("baseline", None),
        ("v2", "baseline"),
    ]
    assert listed[0]["digest"] == listed[1]["digest"]  # identical content, identical digest
    assert listed[0]["specs"] == {"shop.yaml": None} and listed[0]["tables"] == 4
    generated = fauxdata(
        "generate", str(copy / "shop.yaml"), "--to", str(root / "out.duckdb"), cwd=root
    )
    assert generated.returncode == 0, (
        generated.stdout + generated.stderr
    )  # the copy runs on its own
    assert not [
        p for p in (root / "workspaces").iterdir() if p.name.startswith(".")
    ]  # no staging left


def test_diff_reports_values_by_path_and_ignores_formatting(root: Path) -> None:
    assert fauxdata("workspace", "duplicate", "baseline", "v2", cwd=root).returncode == 0
    spec = root / "workspaces" / "v2" / "shop.yaml"
    text = spec.read_text()
    spec.write_text("# a comment and blank lines change nothing\n\n" + text)
    same = fauxdata("workspace", "diff", "baseline", "v2", cwd=root)
    assert same.returncode == 0 and "are the same" in same.stdout

    spec.write_text(text.replace("rows: 1000", "rows: 2500", 1))
    (root / "workspaces" / "v2" / "data" / "office_cities.csv").write_text("city\nUtrecht\n")
    (root / "workspaces" / "v2" / "notes.md").write_text("why v2 exists\n")
    changed = fauxdata("workspace", "diff", "baseline", "v2", "--json", cwd=root)
    assert changed.returncode == 1
    found = {
        (d["file"], d["path"], str(d["was"]), str(d["now"])) for d in json.loads(changed.stdout)
    }
    assert found == {
        ("shop.yaml", "tables.customers.rows", "1000", "2500"),
        ("data/office_cities.csv", "", "content", "changed content"),
        ("notes.md", "", "None", "file"),
    }
    text_out = fauxdata("workspace", "diff", "baseline", "v2", cwd=root).stdout
    assert "~ shop.yaml: tables.customers.rows: 1000 -> 2500" in text_out


def test_roll_back_by_duplicating_the_known_good_version(root: Path) -> None:
    assert fauxdata("workspace", "duplicate", "baseline", "v2", cwd=root).returncode == 0
    broken = root / "workspaces" / "v2" / "shop.yaml"
    broken.write_text(broken.read_text().replace("kind: foreign_key", "kind: foreign_kee", 1))
    listed = json.loads(fauxdata("workspace", "list", "--json", cwd=root).stdout)
    error = next(v for v in listed if v["name"] == "v2")["specs"]["shop.yaml"]
    assert "foreign_kee" in error  # a broken version is listed with its first error
    assert fauxdata("workspace", "duplicate", "baseline", "v3", cwd=root).returncode == 0
    assert fauxdata("workspace", "diff", "baseline", "v3", cwd=root).returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["duplicate", "baseline", "baseline"], "version 'baseline' already exists"),
        (
            ["duplicate", "baselin", "v2"],
            "version 'baselin' not found in workspaces (did you mean 'baseline'?)",
        ),
        (["duplicate", "baseline", "../escape"], "'../escape' is not a version name"),
        (["diff", "baseline", "nope"], "version 'nope' not found"),
        (["list", "--root", "missing"], "missing is not a folder"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    root: Path, args: list[str], message: str
) -> None:
    before = sorted(p.name for p in (root / "workspaces").iterdir())
    done = fauxdata("workspace", *args, cwd=root)
    assert done.returncode == 1 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in (root / "workspaces").iterdir()) == before
