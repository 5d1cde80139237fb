"""Kill the publisher at every rename and unlink step (SIGKILL, in a real subprocess) and
check what a reader sees: the complete previous dataset or the complete new one, never a
mix; and the next run succeeds and leaves nothing behind.

``FAUXDATA_CRASH_AT=N`` makes the N-th step of publishing kill its own process
(``fauxdata.publish.faults``); each test raises N until a run gets through untouched.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from deltalake import DeltaTable

import fauxdata
from fauxdata.publish.area import NO_EXCHANGE
from fauxdata.publish.faults import CRASH_AT

SPEC = {
    "name": "shop",
    "seed": 3,
    "tables": {
        "customers": {
            "rows": 20,
            "primary_key": "id",
            "columns": {"id": {"type": "integer", "generator": "sequence"}},
        },
        "orders": {
            "rows": 10,
            "primary_key": "id",
            "columns": {
                "id": {"type": "integer", "generator": "sequence"},
                "customer_id": {"generator": {"kind": "foreign_key", "references": "customers.id"}},
            },
        },
    },
}
OLD, NEW, NEXT = 100, 200, 300
"""Rows of orders in the previous run, the killed run and the run after it."""

RUN = "import json, sys, fauxdata; fauxdata.generate(json.loads(sys.argv[1]), sys.argv[2], rows={'orders': int(sys.argv[3])})"


def killed_run(to: str, step: int, env: dict[str, str]) -> int:
    """Run the publisher in a subprocess told to die at ``step``; its exit code."""
    done = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(SPEC), to, str(NEW)],
        env={**env, CRASH_AT: str(step)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, -signal.SIGKILL), done.stderr
    return done.returncode


def read_folder(folder: Path, fmt: str) -> int | None:
    """What a reader sees in a folder target: orders' row count of a complete dataset,
    or None when there is no folder. Fails on a mix or an incomplete dataset."""
    if not folder.exists():
        return None
    manifest = json.loads((folder / "fauxdata-manifest.json").read_text())
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*manifest["files"], "fauxdata-manifest.json"]
    )
    counts = {}
    for name, table in manifest["tables"].items():
        if fmt == "delta":
            frame = pl.from_arrow(DeltaTable(str(folder / table["output"])).to_pyarrow_table())
        else:
            frame = pl.read_parquet(folder / f"{name}.parquet")
        assert frame.height == table["rows"], name
        counts[name] = frame.height
    assert counts["customers"] == 20
    return counts["orders"]


def read_duckdb(path: Path) -> int | None:
    if not path.exists():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        stored = con.execute("SELECT manifest FROM _fauxdata_manifest").fetchone()
        rows = con.execute("SELECT count(*) FROM orders").fetchone()
    assert stored is not None and rows is not None
    assert json.loads(stored[0])["tables"]["orders"]["rows"] == rows[0]
    return int(rows[0])


def leftovers(target: Path) -> list[str]:
    """Files beside the target, but for a DuckDB file's copy of its manifest."""
    mine = {target.name, target.name + ".manifest.json"}
    return sorted(p.name for p in target.parent.iterdir() if p.name not in mine)


def crash_at_every_step(tmp_path: Path, fmt: str, env: dict[str, str]) -> list[int | None]:
    """Kill the publisher at step 1, 2, ... until a run completes; after each kill check
    the reader's view, then that the next run publishes and cleans up."""
    seen: list[int | None] = []
    for step in range(1, 60):
        case = tmp_path / f"step{step}"
        case.mkdir()
        target = case / ("shop.duckdb" if fmt == "duckdb" else "out")
        to = f"duckdb:///{target}" if fmt == "duckdb" else f"{fmt}:{target}"
        read = read_duckdb if fmt == "duckdb" else lambda p: read_folder(p, fmt)
        fauxdata.generate(SPEC, to, rows={"orders": OLD})
        code = killed_run(to, step, env)
        view = read(target)
        if code == 0:
            assert view == NEW and leftovers(target) == []
            return seen
        # Only the two-rename fallback has a moment with no folder, never a mix.
        allowed = {OLD, NEW} | ({None} if NO_EXCHANGE in env else set())
        assert view in allowed, f"step {step}: a reader saw {view}"
        seen.append(view)
        fauxdata.generate(SPEC, to, rows={"orders": NEXT})
        assert read(target) == NEXT, f"step {step}: the next run did not publish"
        assert leftovers(target) == [], f"step {step}: left {leftovers(target)}"
    raise AssertionError("the publisher never completed")


@pytest.fixture
def env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k not in (CRASH_AT, NO_EXCHANGE)}


def test_folder_swap_survives_a_kill_at_every_step(tmp_path: Path, env: dict[str, str]) -> None:
    seen = crash_at_every_step(tmp_path, "parquet", env)
    assert len(seen) >= 6 and seen[0] == OLD and seen[-1] == NEW, seen


def test_two_rename_fallback_survives_a_kill_at_every_step(
    tmp_path: Path, env: dict[str, str]
) -> None:
    seen = crash_at_every_step(tmp_path, "parquet", {**env, NO_EXCHANGE: "1"})
    assert None in seen and seen[-1] == NEW, seen


def test_delta_folder_survives_a_kill_at_every_step_and_keeps_history(
    tmp_path: Path, env: dict[str, str]
) -> None:
    seen = crash_at_every_step(tmp_path, "delta", env)
    assert seen[0] == OLD and seen[-1] == NEW, seen
    table = DeltaTable(str(tmp_path / "step1" / "out" / "bronze_shop_orders"))
    assert table.version() == 1  # the previous run's version, then the next run's
    table.load_as_version(0)
    assert table.to_pyarrow_table().num_rows == OLD


def test_duckdb_file_survives_a_kill_at_every_step(tmp_path: Path, env: dict[str, str]) -> None:
    seen = crash_at_every_step(tmp_path, "duckdb", env)
    assert seen[0] == OLD and seen[-1] == NEW, seen
