"""Counts past what the engine can index are refused by ``check``, and work stays bounded.

Each case names the figure, the limit and the spec path or flag; none ends in an internal
error, and nothing is built in proportion to the row count before the first block.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

import fauxdata
from fauxdata.engine.engine import Engine
from fauxdata.errors import FauxdataError, SpecError
from fauxdata.spec.limits import MAX_ROWS
from tests.support.cli import fauxdata as cli

SMALL = """
name: small
tables:
  t:
    rows: 10
    primary_key: id
    columns:
      id: {generator: sequence}
"""


def _spec(rows: int) -> dict:
    return {"name": "x", "tables": {"t": {"rows": rows, "columns": {"id": {"generator": "uuid"}}}}}


@pytest.fixture
def small(tmp_path: Path) -> Path:
    (tmp_path / "small.yaml").write_text(SMALL)
    return tmp_path


def test_rows_1e30_is_refused_with_figure_limit_and_path() -> None:
    with pytest.raises(SpecError) as info:
        fauxdata.check(fauxdata.spec.loader.parse_text(SMALL.replace("rows: 10", "rows: 1e30")))
    (problem,) = info.value.problems
    assert problem.path == "tables.t.rows"
    assert "found 1e+30 rows" in problem.message and f"{MAX_ROWS:,}" in problem.message


def test_a_huge_integer_row_count_is_refused_too() -> None:
    with pytest.raises(SpecError, match=r"tables\.t\.rows: found 1e\+30 rows; expected 0 to"):
        fauxdata.check(_spec(10**30))


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (
            ["--scale", "1e30"],
            "error --scale 1e+30: tables.t.rows: found 1e+31 rows; expected 0 to",
        ),
        (["--rows", "t=99999999999999999999"], "error --rows t: found 1e+20 rows; expected 0 to"),
        (["--scale", "nan"], "error --scale: scale must be a positive number; found nan"),
        (["--scale", "inf"], "error --scale: scale must be a positive number; found inf"),
        (["--scale", "-1"], "error --scale: scale must be a positive number; found -1.0"),
    ],
)
def test_count_flags_are_refused_before_anything_is_written(
    small: Path, flags: list[str], expected: str
) -> None:
    done = cli("generate", "small.yaml", *flags, "--to", "parquet:out", cwd=small)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(expected), done.stderr
    assert "Traceback" not in done.stderr and not (small / "out").exists()


def test_check_takes_scale_and_refuses_past_the_limit(small: Path) -> None:
    done = cli("check", "small.yaml", "--scale", "1e30", cwd=small)
    assert done.returncode == 2 and "--scale 1e+30: tables.t.rows: found 1e+31" in done.stderr


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["generate", "small.yaml", "--block-size", "0"], "--block-size: found 0; expected"),
        (["generate", "small.yaml", "--workers", "-2"], "--workers: found -2; expected"),
        (["preview", "small.yaml", "-t", "t", "-n", "-1"], "-n: found -1; expected"),
    ],
)
def test_count_flags_below_their_minimum(small: Path, flags: list[str], expected: str) -> None:
    done = cli(*flags, cwd=small)
    assert done.returncode == 2 and expected in done.stderr, done.stderr


def test_the_largest_table_streams_its_first_block_in_bounded_memory() -> None:
    """2^53 rows pass check; the first block comes without a list of every block range."""
    plan = fauxdata.check(_spec(MAX_ROWS))
    blocks = Engine(plan).blocks("t", block_size=1000, workers=2)
    first = next(blocks)
    assert first.height == 1000
    blocks.close()


def test_generate_of_a_huge_table_does_not_grow_before_its_first_block(tmp_path: Path) -> None:
    """In a real process capped at 4 GiB of address space: the first block arrives, then
    we stop it. (Uncapped, the process reserves 2.27-2.29 GB of address space for thread
    stacks and allocator arenas while using 218-236 MB; under a 2 GiB cap the allocators
    mostly made do, but one clean-clone run in three on a busy host ended in a failed
    4 MB allocation. A table of this many rows would need far more than 4 GiB.)"""
    code = (
        "import resource, fauxdata\n"
        "resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))\n"
        "from fauxdata.engine.engine import Engine\n"
        f"plan = fauxdata.check({_spec(MAX_ROWS)!r})\n"
        "blocks = Engine(plan).blocks('t', 262144, 2)\n"
        "print(next(blocks).height, next(blocks).height)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["262144", "262144"]
    assert resource.getrlimit(resource.RLIMIT_AS)  # the cap applied to the child only


def test_per_parent_layouts_past_their_limit_are_refused() -> None:
    spec = {
        "name": "x",
        "tables": {
            "p": {"rows": 2**29, "primary_key": "id", "columns": {"id": {"generator": "sequence"}}},
            "c": {
                "per": {"table": "p", "count": {"kind": "fixed", "n": 2}},
                "columns": {"p_id": {"generator": {"kind": "foreign_key", "references": "p.id"}}},
            },
        },
    }
    with pytest.raises(
        FauxdataError, match=r"536,870,912 rows of p .* at most 268,435,456"
    ) as info:
        fauxdata.check(spec)
    assert info.value.path == "tables.c.per"


def test_children_counts_past_the_row_limit_are_refused() -> None:
    spec = {
        "name": "x",
        "tables": {
            "p": {"rows": 1000, "primary_key": "id", "columns": {"id": {"generator": "sequence"}}},
            "c": {
                "per": {"table": "p", "count": {"kind": "fixed", "n": 10**16}},
                "columns": {"p_id": {"generator": {"kind": "foreign_key", "references": "p.id"}}},
            },
        },
    }
    with pytest.raises(FauxdataError, match="may make 10,000,000,000,000,000,000 rows") as info:
        fauxdata.check(spec)
    assert info.value.path == "tables.c.per"
