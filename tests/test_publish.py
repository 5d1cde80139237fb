"""The publishing guarantee, tried as a hostile tester would: planted manifests, failed
verification, replays that differ, empty tables, signals and leftovers (real
subprocesses, real signals). The kill-at-every-step tests are in test_publish_faults.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

import fauxdata
from fauxdata.errors import TargetError, VerificationError
from fauxdata.scenarios import load_scenario
from fauxdata.scenarios.output import write_scenario
from tests.support.cli import fauxdata as cli

SPEC = {
    "name": "shop",
    "seed": 5,
    "tables": {
        "customers": {
            "rows": 30,
            "primary_key": "id",
            "columns": {
                "id": {"type": "integer", "generator": "sequence"},
                "score": {
                    "type": "decimal(6,2)",
                    "generator": {"kind": "normal", "mean": 50, "std": 10, "min": 0, "max": 100},
                },
                "born": {"generator": {"kind": "date", "start": "1990-01-01", "end": "2000-12-31"}},
                "vip": {"generator": "boolean"},
                "name": {
                    "type": "varchar(20)",
                    "generator": {"kind": "choice", "values": ["a", "b"]},
                },
            },
        },
        "orders": {
            "rows": 60,
            "primary_key": "id",
            "columns": {
                "id": {"type": "bigint", "generator": "sequence"},
                "customer_id": {"generator": {"kind": "foreign_key", "references": "customers.id"}},
                "amount": {"type": "double", "generator": {"kind": "uniform", "min": 1, "max": 9}},
            },
        },
    },
}

FAILING = {
    "name": "shop",
    "seed": 1,
    "tables": {
        "t": {
            "rows": 100,
            "checks": ["a < b"],
            "columns": {
                "a": {"type": "integer", "generator": {"kind": "uniform_int", "min": 0, "max": 99}},
                "b": {"type": "integer", "generator": {"kind": "uniform_int", "min": 0, "max": 99}},
            },
        }
    },
}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name != folder.name)


# --- what fauxdata may delete -------------------------------------------------------


@pytest.mark.parametrize(
    "listed", ["../other/secret.txt", "../secret.txt", "ABSOLUTE", "link", "linked/secret.txt"]
)
def test_a_planted_manifest_cannot_make_fauxdata_delete_outside_files(
    tmp_path: Path, listed: str
) -> None:
    secret = tmp_path / "other" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    if listed == "ABSOLUTE":
        listed = str(secret)
    if listed == "link":
        (out / "link").symlink_to(secret)
    if listed == "linked/secret.txt":  # a schema folder may be listed, not one leading out
        (out / "linked").symlink_to(secret.parent)
    (out / "fauxdata-manifest.json").write_text(
        json.dumps({"fauxdata_manifest": 1, "files": [listed]})
    )
    with pytest.raises(TargetError, match="refusing to replace") as raised:
        fauxdata.generate(SPEC, f"parquet:{out}")
    assert repr(listed) in str(raised.value)
    assert secret.read_text() == "precious"
    assert (out / "fauxdata-manifest.json").exists()
    assert siblings(out) == ["other"], "no staging left behind"


def test_a_manifest_that_does_not_parse_is_not_trusted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "fauxdata-manifest.json").write_text("{not json")
    (out / "data.parquet").write_text("theirs")
    with pytest.raises(TargetError, match="does not parse"):
        fauxdata.generate(SPEC, f"parquet:{out}")
    assert (out / "data.parquet").read_text() == "theirs"


def test_files_beside_fauxdata_output_are_never_deleted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    fauxdata.generate(SPEC, f"parquet:{out}")
    (out / "notes.txt").write_text("mine")
    with pytest.raises(TargetError, match=r"not written by fauxdata: notes\.txt"):
        fauxdata.generate(SPEC, f"parquet:{out}")
    assert (out / "notes.txt").read_text() == "mine"


# --- failed verification and replay -----------------------------------------------


def test_failed_verification_keeps_the_previous_output_and_the_new_data_aside(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    good = fauxdata.generate(SPEC, f"parquet:{out}")
    assert good.published
    before = snapshot(out)
    failed = fauxdata.generate(FAILING, f"parquet:{out}")
    assert not failed.published and failed.manifest_path is None
    assert failed.problem == "verification failed"
    assert snapshot(out) == before
    assert failed.kept_at is not None and failed.kept_at.name.startswith(".out.failed-")
    assert pl.read_parquet(failed.kept_at / "t.parquet").height == 100
    assert siblings(out) == [failed.kept_at.name]


def test_cli_failed_verification_exits_1_names_the_kept_data_or_discards_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "good.json").write_text(json.dumps(SPEC))
    (tmp_path / "bad.json").write_text(json.dumps(FAILING))
    assert cli("generate", "good.json", "--to", "parquet:out", cwd=tmp_path).returncode == 0
    before = snapshot(tmp_path / "out")
    done = cli("generate", "bad.json", "--to", "parquet:out", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    kept = [p for p in tmp_path.iterdir() if p.name.startswith(".out.failed-")]
    assert len(kept) == 1
    assert "nothing was published" in done.stderr and kept[0].name in done.stderr
    assert "Wrote" not in done.stdout
    assert snapshot(tmp_path / "out") == before
    dropped = cli("generate", "bad.json", "--to", "parquet:out", "--discard-failed", cwd=tmp_path)
    assert dropped.returncode == 1
    assert len([p for p in tmp_path.iterdir() if p.name.startswith(".out.")]) == 1
    assert snapshot(tmp_path / "out") == before


def test_a_replay_that_differs_fails_and_leaves_the_checked_data_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    fauxdata.generate(SPEC, f"parquet:{out}")
    manifest = out / "fauxdata-manifest.json"
    doctored = json.loads(manifest.read_text())
    doctored["tables"]["orders"]["digest"] = "0" * 32
    manifest.write_text(json.dumps(doctored))
    before = snapshot(out)
    for _ in range(2):  # the evidence survives: a second replay fails the same way
        with pytest.raises(VerificationError, match=r"digests differ .* orders") as raised:
            fauxdata.replay(manifest)
        assert "nothing was published" in str(raised.value)
        assert snapshot(out) == before
    kept = [p for p in tmp_path.iterdir() if p.name.startswith(".out.failed-")]
    assert kept and any(p.name in str(raised.value) for p in kept)


def test_a_matching_replay_publishes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = fauxdata.generate(SPEC, f"parquet:{out}", seed=9)
    again = fauxdata.replay(out / "fauxdata-manifest.json")
    assert again.published
    assert {n: t.digest for n, t in again.tables.items()} == {
        n: t.digest for n, t in first.tables.items()
    }


def test_a_scenario_run_replays_from_its_manifest(tmp_path: Path) -> None:
    scenario = load_scenario("baseline", extra={"customers": 300})
    manifest = write_scenario(scenario, f"parquet:{tmp_path / 'sc'}")
    assert manifest["kind"] == "scenario" and manifest["parameters"]["customers"] == 300
    assert all(len(t["digest"]) == 32 for t in manifest["tables"].values())
    path = tmp_path / "sc" / "fauxdata-manifest.json"
    done = cli("generate", "--replay", str(path), "--to", "parquet:again", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "every digest matches" in done.stdout
    again = json.loads((tmp_path / "again" / "fauxdata-manifest.json").read_text())
    assert {n: t["digest"] for n, t in again["tables"].items()} == {
        n: t["digest"] for n, t in manifest["tables"].items()
    }
    doctored = dict(manifest, tables={**manifest["tables"], "orders": {"digest": "0" * 32}})
    path.write_text(json.dumps(doctored))
    before = snapshot(tmp_path / "sc")
    failed = cli("generate", "--replay", str(path), cwd=tmp_path)
    assert failed.returncode == 1 and "digests differ" in failed.stderr, failed.stderr
    assert snapshot(tmp_path / "sc") == before


# --- empty tables ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl", "duckdb", "delta"])
def test_empty_tables_keep_their_types_and_verify(tmp_path: Path, fmt: str) -> None:
    to = f"duckdb:///{tmp_path}/shop.duckdb" if fmt == "duckdb" else f"{fmt}:{tmp_path / 'out'}"
    result = fauxdata.generate(SPEC, to, rows={"orders": 0})
    assert result.report is not None and result.report.passed, result.report.failures
    assert result.published and result.tables["orders"].rows == 0
    if fmt == "parquet":
        schema = pq.read_schema(tmp_path / "out" / "orders.parquet")
        assert str(schema.field("id").type) == "int64"
        assert str(schema.field("amount").type) == "double"
        schema = pq.read_schema(tmp_path / "out" / "customers.parquet")
        assert "large_string" in str(schema.field("name").type)
    if fmt == "duckdb":
        with duckdb.connect(str(tmp_path / "shop.duckdb"), read_only=True) as con:
            types = dict(
                con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = 'orders'"
                ).fetchall()
            )
        assert types == {"id": "BIGINT", "customer_id": "INTEGER", "amount": "DOUBLE"}
    if fmt == "delta":
        table = DeltaTable(str(tmp_path / "out" / "bronze_shop_orders")).to_pyarrow_table()
        assert table.num_rows == 0 and str(table.schema.field("amount").type) == "double"


def test_every_table_empty_in_memory_keeps_types() -> None:
    spec = json.loads(json.dumps(SPEC))
    del spec["tables"]["orders"]
    result = fauxdata.generate(spec, rows={"customers": 0})
    assert result.report is not None and result.report.passed
    frame = result.frames["customers"]
    assert frame.height == 0 and frame.schema["vip"] == pl.Boolean
    assert frame.schema["born"] == pl.Date


# --- signals and leftovers ---------------------------------------------------------

BIG = """
name: big
seed: 1
tables:
  events:
    rows: 30000000
    columns:
      id: {type: bigint, generator: sequence}
      value: {type: double, generator: {kind: uniform, min: 0, max: 1}}
"""


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_aborts_cleanly(tmp_path: Path, sig: signal.Signals, code: int) -> None:
    (tmp_path / "big.yaml").write_text(BIG)
    (tmp_path / "small.json").write_text(json.dumps({**SPEC, "name": "big"}))
    assert cli("generate", "small.json", "--to", "parquet:out", cwd=tmp_path).returncode == 0
    before = snapshot(tmp_path / "out")
    process = subprocess.Popen(
        [sys.executable, "-m", "fauxdata.cli", "generate", "big.yaml", "--to", "parquet:out"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not any(p.name.endswith(".owner") for p in tmp_path.iterdir()):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no staging appeared"
        time.sleep(0.05)
    time.sleep(0.5)  # well into writing
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == code, stderr
    assert "nothing was published" in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.yaml", "out", "small.json"]
    assert snapshot(tmp_path / "out") == before


def test_staging_of_a_killed_run_is_removed_by_the_next_run_and_nothing_else(
    tmp_path: Path,
) -> None:
    (tmp_path / "shop.json").write_text(json.dumps(SPEC))
    killed = cli(
        "generate", "shop.json", "--to", "parquet:out", cwd=tmp_path,
        env={"FAUXDATA_CRASH_AT": "staged"},
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.fauxdata-staging-")]
    staging = min(left, key=len)  # with its owner marker and its verification's spill
    assert sorted(left) == sorted([staging, staging + ".owner", staging + ".spill"]), left
    foreign = tmp_path / ".out.fauxdata-staging-1-cafe"  # looks like staging: no marker
    foreign.mkdir()
    (foreign / "keep.txt").write_text("not fauxdata's")
    foreign_spill = foreign.with_name(foreign.name + ".spill")
    foreign_spill.mkdir()
    alive = tmp_path / ".out.fauxdata-staging-2-beef"  # marked by a live process
    alive.mkdir()
    alive.with_name(alive.name + ".owner").write_text(
        json.dumps({"pid": os.getpid(), "host": os.uname().nodename})
    )
    fauxdata.generate(SPEC, f"parquet:{tmp_path / 'out'}")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [foreign.name, foreign_spill.name, alive.name, alive.name + ".owner", "out", "shop.json"]
    )
    assert (foreign / "keep.txt").read_text() == "not fauxdata's"


def test_a_failed_run_removes_its_staging(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(SPEC))
    bad["tables"]["orders"]["columns"]["small"] = {
        "type": "smallint",
        "generator": {"kind": "sequence", "start": 40000},
    }
    with pytest.raises(fauxdata.GenerationError):
        fauxdata.generate(bad, f"parquet:{tmp_path / 'out'}")
    assert list(tmp_path.iterdir()) == []


# --- databases -----------------------------------------------------------------------


@pytest.mark.parametrize("atomic", [True, False])
def test_a_database_load_that_fails_verification(postgres_server: str, atomic: bool) -> None:
    """--atomic: one transaction, rolled back when verification fails; without it each
    table is committed as loaded (documented), and the run still reports the failure."""
    import psycopg

    from tests.support.postgres import create_database

    url = create_database(postgres_server, f"publish_fail_{atomic}".lower())
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE TABLE t (a integer, b integer)")  # empty: loads refuse tables with rows
    spec = {**FAILING, "environment": "dev"}
    result = fauxdata.generate(spec, url, atomic=atomic)
    assert not result.published and result.kept_at is None
    assert result.unchanged is atomic
    with psycopg.connect(url) as con:
        rows = con.execute("SELECT count(*) FROM t").fetchone()
    assert rows == ((0,) if atomic else (100,))


def test_a_journal_of_a_live_run_or_naming_foreign_paths_stops_the_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    fauxdata.generate(SPEC, f"parquet:{out}")
    journal = tmp_path / ".out.fauxdata-journal"
    host = os.uname().nodename
    journal.write_text(json.dumps({"pid": os.getpid(), "host": host, "staging": "x"}))
    with pytest.raises(TargetError, match="another fauxdata run"):
        fauxdata.generate(SPEC, f"parquet:{out}")
    (tmp_path / "precious").mkdir()
    journal.write_text(
        json.dumps({"pid": 2**22 + 7, "host": host, "staging": "precious", "aside": "../x"})
    )
    with pytest.raises(TargetError, match="cannot trust the journal"):
        fauxdata.generate(SPEC, f"parquet:{out}")
    assert (tmp_path / "precious").is_dir() and (out / "fauxdata-manifest.json").exists()
