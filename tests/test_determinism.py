"""The determinism contract: every cell is a pure function of (seed, table, column, row)."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fauxdata
from fauxdata.engine.permute import Permutation
from fauxdata.engine.rng import Stream, stable_key
from fauxdata.spec import load_spec

GOLDEN = Path(__file__).parent / "golden"
STABLE_KEY = 0x909FA373BA453F27  # blake2b of "42\x1forders\x1famount": fixed forever
SPEC = load_spec(GOLDEN / "small.yaml").model_dump(mode="json", exclude_unset=True)


def digests(spec: Any, **options: Any) -> dict[str, str]:
    return {
        n: t.digest
        for n, t in fauxdata.generate(spec, verify_output=False, **options).tables.items()
    }


def test_golden_digests() -> None:
    """Fails when output drifts. Regenerate deliberately with FAUXDATA_UPDATE_GOLDEN=1."""
    path = GOLDEN / "small.digests.json"
    actual = digests(GOLDEN / "small.yaml")
    if os.environ.get("FAUXDATA_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(actual, indent=2, sort_keys=True) + "\n")
    expected = json.loads(path.read_text())
    assert actual == expected, (
        "generated data drifted from the golden digests: an engine change or a dependency "
        "upgrade (numpy, polars, mimesis, faker...) changed output for the same seed. If the "
        "change is intended, rerun with FAUXDATA_UPDATE_GOLDEN=1 and say why in the commit."
    )


def test_golden_first_rows_read_back() -> None:
    frame = fauxdata.generate(GOLDEN / "small.yaml").frames["accounts"]
    first = frame.head(2).select("account_id", "tier", "opened").rows()
    if os.environ.get("FAUXDATA_UPDATE_GOLDEN") == "1":
        (GOLDEN / "small.rows.json").write_text(
            json.dumps([[str(v) for v in r] for r in first]) + "\n"
        )
    assert [[str(v) for v in r] for r in first] == json.loads(
        (GOLDEN / "small.rows.json").read_text()
    )


@pytest.mark.parametrize("block_size", [1, 97, 4096, 262_144])
@pytest.mark.parametrize("workers", [1, 3])
def test_block_size_and_workers_do_not_change_data(block_size: int, workers: int) -> None:
    assert digests(SPEC, block_size=block_size, workers=workers) == digests(SPEC)


def test_a_subset_of_tables_gives_the_same_tables() -> None:
    full = digests(SPEC)
    assert digests(SPEC, tables=["transfers"]) == {"transfers": full["transfers"]}


def test_changing_one_column_changes_only_that_column_and_its_dependants() -> None:
    before = fauxdata.generate(SPEC, verify_output=False).frames
    changed = copy.deepcopy(SPEC)
    changed["tables"]["accounts"]["columns"]["opened"]["generator"]["end"] = "2020-12-31"
    after = fauxdata.generate(changed, verify_output=False).frames
    for column in before["accounts"].columns:
        same = before["accounts"][column].equals(after["accounts"][column])
        assert same == (column != "opened"), column
    for column in before["transfers"].columns:  # "at" reads accounts.opened
        assert before["transfers"][column].equals(after["transfers"][column]) == (column != "at"), (
            column
        )


def test_adding_tables_and_columns_leaves_the_rest_alone() -> None:
    base = digests(SPEC)
    grown = copy.deepcopy(SPEC)
    grown["tables"]["aardvark"] = {"rows": 10, "columns": {"x": {"generator": "sequence"}}}
    first = grown["tables"]["accounts"]["columns"]
    grown["tables"]["accounts"]["columns"] = {"new": {"generator": {"kind": "normal"}}, **first}
    frames_before = fauxdata.generate(SPEC, verify_output=False).frames
    frames_after = fauxdata.generate(grown, verify_output=False).frames
    assert digests(grown)["transfers"] == base["transfers"]
    for column in frames_before["accounts"].columns:
        assert frames_before["accounts"][column].equals(frames_after["accounts"][column]), column


def test_seed_changes_everything() -> None:
    assert set(digests(SPEC).values()).isdisjoint(digests(SPEC, seed=1).values())


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**63), block=st.integers(1, 5000))
def test_any_block_size_matches_the_single_block(seed: int, block: int) -> None:
    assert digests(SPEC, seed=seed, block_size=block, workers=2) == digests(
        SPEC, seed=seed, block_size=1_000_000
    )


def test_in_memory_and_written_digests_agree(tmp_path: Path) -> None:
    written = fauxdata.generate(SPEC, f"parquet:{tmp_path}")
    assert {n: t.digest for n, t in written.tables.items()} == digests(SPEC)


# --- the primitives -----------------------------------------------------------------


def test_stable_keys_do_not_depend_on_the_interpreter() -> None:
    assert stable_key(42, "orders", "amount") == STABLE_KEY
    assert (
        Stream.of(1, "t", "c").bits(np.array([0, 1, 2])).tolist()
        == Stream.of(1, "t", "c").bits(np.array([0, 1, 2])).tolist()
    )
    assert Stream.of(1, "t", "c").key != Stream.of(1, "t", "d").key != Stream.of(2, "t", "c").key


@pytest.mark.parametrize("n", [*range(1, 300), 1000, 1023, 1024, 1025, 65_537])
def test_permutation_is_a_bijection(n: int) -> None:
    perm = Permutation(n, 99)
    image = perm(np.arange(n))
    assert sorted(image.tolist()) == list(range(n))
    assert perm.inverse(image).tolist() == list(range(n))


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(2, 2**61),
    key=st.integers(0, 2**64 - 1),
    sample=st.lists(st.integers(0, 2**61), min_size=1, max_size=50),
)
def test_large_permutations_stay_in_range_and_invert(n: int, key: int, sample: list[int]) -> None:
    values = np.array([s % n for s in sample], dtype=np.int64)
    perm = Permutation(n, key)
    image = perm(values)
    assert ((image >= 0) & (image < n)).all()
    assert perm.inverse(image).tolist() == values.tolist()


def test_streams_are_uniform_and_independent() -> None:
    rows = np.arange(200_000)
    a, b = Stream.of(5, "a").uniform(rows), Stream.of(5, "b").uniform(rows)
    assert a.min() >= 0 and a.max() < 1
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.01
    counts = np.bincount(Stream.of(5, "c").integers(rows, 0, 9))
    from scipy import stats

    assert stats.chisquare(counts).pvalue > 1e-3
