"""Every output format carries the lineage mark, and `fauxdata lineage` reads it back."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import fauxdata
from fauxdata import lineage
from fauxdata.manifest import spec_digest
from fauxdata.spec import load_spec
from tests.support.cli import fauxdata as cli

HR = Path(__file__).resolve().parents[1] / "examples" / "hr.yaml"


@pytest.mark.parametrize("fmt", ["duckdb", "parquet", "csv", "jsonl", "delta"])
def test_every_format_carries_the_mark(tmp_path: Path, fmt: str) -> None:
    target = (
        f"duckdb:///{tmp_path / 'hr.duckdb'}" if fmt == "duckdb" else f"{fmt}:{tmp_path / 'out'}"
    )
    fauxdata.generate(HR, target, seed=7)
    found = lineage.read(target)
    assert len(found) == 5
    digest = spec_digest(load_spec(HR))
    for entry in found:
        assert entry.marks is not None, entry
        assert entry.marks["fauxdata.synthetic"] == "true"
        assert entry.marks["fauxdata.producer"] == "generate"
        assert entry.marks["fauxdata.spec"] == "hr"
        assert entry.marks["fauxdata.spec_digest"] == digest
        assert entry.marks["fauxdata.seed"] == "7"


def test_parquet_files_hold_the_marks_themselves(tmp_path: Path) -> None:
    fauxdata.generate(HR, f"parquet:{tmp_path}/out")
    raw = pq.read_metadata(tmp_path / "out" / "employees.parquet").metadata
    assert raw[b"fauxdata.synthetic"] == b"true"


def test_scenario_output_is_marked_as_a_scenario(tmp_path: Path) -> None:
    from fauxdata.scenarios import run_scenario

    run_scenario("baseline", f"parquet:{tmp_path / 'sc'}", extra={"customers": 200})
    found = lineage.read(f"parquet:{tmp_path / 'sc'}")
    assert found and all(e.marks and e.marks["fauxdata.producer"] == "scenario" for e in found)


def test_data_fauxdata_did_not_write_has_no_mark(tmp_path: Path) -> None:
    import pyarrow as pa

    (tmp_path / "foreign").mkdir()
    pq.write_table(pa.table({"a": [1]}), tmp_path / "foreign" / "t.parquet")
    [entry] = lineage.read(f"parquet:{tmp_path / 'foreign'}")
    assert entry.marks is None


def test_lineage_command(tmp_path: Path) -> None:
    fauxdata.generate(HR, f"duckdb:///{tmp_path / 'hr.duckdb'}")
    done = cli("lineage", str(tmp_path / "hr.duckdb"), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    tables = json.loads(done.stdout)
    assert {t["table"] for t in tables} == {
        "offices",
        "departments",
        "teams",
        "employees",
        "compensation",
    }
    assert all(t["where"] == "table comment" for t in tables)
    text = cli("lineage", str(tmp_path / "hr.duckdb"), cwd=tmp_path).stdout
    assert "employees: synthetic, made by fauxdata" in text
    missing = cli("lineage", f"parquet:{tmp_path / 'nothing'}", cwd=tmp_path)
    assert missing.returncode != 0 and "nothing at" in missing.stderr
