"""Property-based fuzz of specs and CLI flags: no input ends in an internal error.

Specs start from the bundled examples and the golden spec, then get one to three
mutations (a key dropped, duplicated or renamed to odd unicode; a value replaced by an
extreme number, NaN, a long or odd string, a wrong type). Each goes through ``check``
and, when small enough, through ``generate`` into a Parquet folder. Every failure must
be a ``FauxdataError``; a failed run must leave no output that looks complete (no
manifest). A sample of flag combinations runs through the real CLI: never exit 70,
never a traceback.

Derandomized, so CI runs the same inputs every time; ``FAUXDATA_FUZZ=N`` runs N specs
instead (the figures in README's Reliability section come from such a run).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fauxdata
from fauxdata.errors import FauxdataError, SpecError
from fauxdata.spec.loader import parse_text
from tests.support.cli import fauxdata as cli

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {
    name: parse_text(path.read_text(), str(path))
    for name, path in {
        "hr": ROOT / "examples" / "hr.yaml",
        "shop": ROOT / "examples" / "shop.yaml",
        "golden": ROOT / "tests" / "golden" / "small.yaml",
    }.items()
}
EXAMPLES = int(os.environ.get("FAUXDATA_FUZZ", "80"))
MAX_ROWS = 3_000  # generate only specs this small, so every example stays fast

ODD_TEXT = st.sampled_from(
    ["", " ", "ä", "名前", "x" * 300, "-1", "1e400", "NaN", "{", "}", "{:d}", "[x]", "../../etc",
     "a\x00b", "2023-02-30", "CUS-{:06d}", "decimal(3,2)", "varchar(0)", "table.column"]
)  # fmt: skip
EXTREME = st.sampled_from(
    [0, -1, 1, 2, 2**31, 2**53 + 1, 2**63, -(2**63) - 1, 10**30, 1e30, -1e-30, 0.5,
     float("nan"), float("inf"), float("-inf"), True, False, None]
)  # fmt: skip
VALUES = st.one_of(
    EXTREME,
    ODD_TEXT,
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.one_of(EXTREME, ODD_TEXT), max_size=3),
    st.dictionaries(st.sampled_from(["kind", "min", "max", "values", "x"]), EXTREME, max_size=2),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside nested dicts and lists."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(_paths(value, (*prefix, i)))
    return found


def _parent(spec: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        spec = spec[part]
    return spec


def _similar(value: Any) -> st.SearchStrategy[Any]:
    """Values of the same type as ``value``: extreme numbers for numbers, odd text for text."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.sampled_from([0, 1, -1, 3, 2**31, 2**53 + 1, 2**63, 10**30])
    if isinstance(value, float):
        return st.sampled_from([0.0, -0.0, 1e-300, 0.999999, 1.5, -1e9, 1e308, float("nan")])
    if isinstance(value, str):
        return st.one_of(ODD_TEXT, st.just(value * 2), st.just(value[:1]))
    return VALUES


@st.composite
def mutated_specs(draw: st.DrawFn) -> dict[str, Any]:
    spec = copy.deepcopy(SEEDS[draw(st.sampled_from(sorted(SEEDS)))])
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(spec)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _parent(spec, path), path[-1]
        action = draw(
            st.sampled_from(
                ["similar", "similar", "replace", "drop", "duplicate", "rename", "retype"]
            )
        )
        if action == "similar":  # a value of the same type, often still a valid spec
            parent[key] = draw(_similar(parent[key]))
        elif action == "replace":
            parent[key] = draw(VALUES)
        elif action == "drop":
            del parent[key]
        elif action == "duplicate" and isinstance(parent, dict):
            parent[f"{key}_{draw(st.sampled_from(['2', 'ü', 'x' * 70]))}"] = copy.deepcopy(
                parent[key]
            )
        elif action == "duplicate":
            parent.append(copy.deepcopy(parent[key]))
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(ODD_TEXT)] = parent.pop(key)
        else:  # the same value as another type
            value = parent[key]
            parent[key] = str(value) if not isinstance(value, str) else [value]
    return spec


def _small(plan: Any) -> bool:
    return sum(t.rows for t in plan.tables.values()) <= MAX_ROWS


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(spec=mutated_specs())
def test_mutated_specs_end_in_data_or_a_fauxdata_error(
    spec: dict[str, Any], tmp_path_factory: Any
) -> None:
    base = ROOT / "examples"
    try:
        plan = fauxdata.check(spec, base_dir=base)
    except FauxdataError:
        return
    if not _small(plan):
        return
    out = tmp_path_factory.mktemp("fuzz") / "out"
    try:
        result = fauxdata.generate(spec, f"parquet:{out}", base_dir=base, verify_output=True)
    except FauxdataError:
        assert not (out / "fauxdata-manifest.json").exists(), "a failed run left a manifest"
        return
    assert (out / "fauxdata-manifest.json").exists()
    assert result.rows == sum(
        t.rows for t in result.plan.tables.values() if t.name in result.tables
    )


FLAGS = st.lists(
    st.sampled_from(
        [
            ["--scale", "nan"], ["--scale", "inf"], ["--scale", "-1"], ["--scale", "1e30"],
            ["--scale", "0.001"], ["--rows", "employees=99999999999999999999"],
            ["--rows", "employees=0"], ["--rows", "nope=1"], ["--rows", "x"],
            ["--block-size", "0"], ["--block-size", "1"], ["--workers", "0"], ["--seed", "-5"],
            ["--tables", "employees,nope"], ["--tables", ","], ["--to", "duckdb:///nowhere/x.duckdb"],
            ["--to", "duckdb://host/x.duckdb"], ["--to", "xml:out"], ["--to", "mysql://u:p@h/db"],
            ["--to", "postgresql://u:secret@h:port/db"], ["--to", "parquet:"], ["--to", "out/"],
            ["--replay", "missing.json"], ["--engine", "dask"], ["--json"], ["--quiet"],
        ]
    ),
    min_size=1,
    max_size=3,
)  # fmt: skip


@settings(max_examples=8, derandomize=True, deadline=None, database=None)
@given(flags=FLAGS, command=st.sampled_from(["generate", "check", "preview"]))
def test_cli_flag_combinations_never_end_in_an_internal_error(
    flags: list[list[str]], command: str, tmp_path_factory: Any
) -> None:
    folder = tmp_path_factory.mktemp("cli")
    args = [a for flag in flags for a in flag]
    if command != "generate":  # check and preview take fewer flags: keep theirs
        keep = {"--scale", "--rows", "--seed"} if command == "check" else {"--seed"}
        args = [a for flag in flags if flag[0] in keep for a in flag]
        if command == "preview":
            args += ["-t", "employees", "-n", "3"]
    done = cli(command, str(ROOT / "examples" / "hr.yaml"), *args, cwd=folder)
    assert done.returncode != 70, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    assert "secret" not in done.stdout + done.stderr


# --- crashes the fuzz found, kept as plain regression tests ------------------------------


def test_after_a_timestamp_across_a_dst_change_is_a_valid_time() -> None:
    """A one-day delay from 02:30 on the eve of a DST change lands in the skipped hour
    (was a Polars ComputeError, exit 70); the repeated autumn hour was one too."""
    zone = {"timezone": "Europe/Amsterdam"}
    columns = {
        "a": {"generator": {"kind": "timestamp", "start": "2023-03-25T00:00:00", "end": "2023-03-25T06:00:00", **zone}},
        "b": {"generator": {"kind": "after", "column": "a", "min_delay": "1d", "max_delay": "1d"}},
        "c": {"generator": {"kind": "timestamp", "start": "2023-10-28T00:00:00", "end": "2023-10-28T06:00:00", **zone}},
        "d": {"generator": {"kind": "after", "column": "c", "min_delay": "1d", "max_delay": "1d"}},
    }  # fmt: skip
    frame = fauxdata.generate({"name": "dst", "tables": {"t": {"rows": 2000, "columns": columns}}})
    t = frame.frames["t"]
    assert t["b"].null_count() == 0 and t["d"].null_count() == 0
    assert (t["b"] > t["a"]).all() and (t["d"] > t["c"]).all()


def test_preview_of_no_rows(tmp_path: Path) -> None:
    """Phones and regex alternatives over zero rows were a ValueError (exit 70)."""
    done = cli(
        "preview", str(ROOT / "examples" / "hr.yaml"), "-t", "employees", "-n", "0", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "shape: (0, " in done.stdout


def test_a_formula_with_a_number_past_int64() -> None:
    """A whole literal such as 1e30 was an OverflowError from Polars (exit 70)."""
    spec = {"name": "x", "tables": {"t": {"rows": 2, "columns": {"a": {"formula": "1e30 + 1"}}}}}
    assert fauxdata.generate(spec).frames["t"]["a"].to_list() == [1e30, 1e30]


def test_after_a_column_with_two_dots() -> None:
    """``column: a.b.c`` was a ValueError while inferring types (exit 70)."""
    after = {"generator": {"kind": "after", "column": "a.b.c"}}
    spec = {
        "name": "x",
        "tables": {"t": {"rows": 2, "columns": {"a": {"generator": "sequence"}, "b": after}}},
    }
    with pytest.raises(SpecError, match=r"tables\.t\.columns\.b\.generator.*'a\.b\.c'"):
        fauxdata.check(spec)
