"""Verification chunk by chunk over ordered Parquet files (``fauxdata.verify.chunks``).

The shop example is written to Parquet in small row groups and checked with small
chunks, so every key check, join and aggregate runs over several chunks. Each damage
below keeps the files readable (most keep them ordered, so the chunked path is the one
that must notice); the report must fail the right check with the count the
whole-table SQL gives, and match that SQL's report exactly.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import fauxdata
from fauxdata.verify import chunks
from fauxdata.verify.existing import validate_target
from fauxdata.verify.keys import integers_of
from fauxdata.verify.result import Report

SHOP = Path(__file__).resolve().parents[1] / "examples" / "shop.yaml"
ROW_GROUP = 1_000


@pytest.fixture(scope="module")
def shop_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shop") / "shop"
    result = fauxdata.generate(
        SHOP, f"parquet:{out}", rows={"customers": 1_500}, block_size=ROW_GROUP
    )
    assert result.report is not None and result.report.passed
    assert pq.ParquetFile(out / "order_items.parquet").num_row_groups > 5
    return out


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "CHUNK_ROWS", 2_500)
    monkeypatch.setattr(chunks, "MAX_CHUNK_ROWS", 40_000)


def _rewrite(folder: Path, table: str, change: Callable[[pl.DataFrame], pl.DataFrame]) -> None:
    path = folder / f"{table}.parquet"
    frame = change(pl.read_parquet(path))
    pq.write_table(frame.to_arrow(), path, row_group_size=ROW_GROUP)


def _validate(folder: Path) -> Report:
    return validate_target(SHOP, f"parquet:{folder}").report


def _whole_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """No chunk may grow past 0 rows: every check runs its whole-table SQL."""
    monkeypatch.setattr(chunks, "MAX_CHUNK_ROWS", 0)


def _chunked_files(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Names of the files some check went through chunk by chunk to the end."""
    seen: set[str] = set()
    chunk_by_chunk = chunks.ordered_chunks

    def recorded(path: Path, key: str, columns: list[str], *, strict: bool) -> Iterator:
        yield from chunk_by_chunk(path, key, columns, strict=strict)
        seen.add(path.name)

    monkeypatch.setattr(chunks, "ordered_chunks", recorded)
    return seen


def _duplicate_row(frame: pl.DataFrame, at: int) -> pl.DataFrame:
    return pl.concat([frame[: at + 1], frame[at : at + 1], frame[at + 1 :]])


def _second_line_repeats_the_first(frame: pl.DataFrame) -> pl.DataFrame:
    order = frame.filter(pl.col("line_no") == 2)["order_id"][700]
    first = frame.filter((pl.col("order_id") == order) & (pl.col("line_no") == 1))
    return frame.with_columns(
        pl.when((pl.col("order_id") == order) & (pl.col("line_no") == 2))
        .then(pl.lit(first["product_id"][0]))
        .otherwise(pl.col("product_id"))
        .alias("product_id"),
        pl.when((pl.col("order_id") == order) & (pl.col("line_no") == 2))
        .then(pl.lit(first["unit_price"][0]))
        .otherwise(pl.col("unit_price"))
        .alias("unit_price"),
    )


def _changed_at(column: str, at: int, value: Callable[[pl.Expr], pl.Expr]) -> Callable:
    def change(frame: pl.DataFrame) -> pl.DataFrame:
        row = pl.int_range(pl.len()) == at
        return frame.with_columns(
            pl.when(row).then(value(pl.col(column))).otherwise(pl.col(column)).alias(column)
        )

    return change


DAMAGE: dict[str, tuple[str, Callable[[pl.DataFrame], pl.DataFrame], str, int | None]] = {
    # table, damage, the check that must fail, its count (-1: some; None: compare only)
    "a repeated order line": (
        "order_items",
        lambda f: _duplicate_row(f, 5_000),
        "Primary key order_items.order_id+line_no",
        1,
    ),
    "a product twice in one order": (
        "order_items",
        _second_line_repeats_the_first,
        "Unique order_items.order_id+product_id",
        1,
    ),
    "a repeated order": (
        "orders",
        lambda f: _duplicate_row(f, 2_345),
        "Primary key orders.order_id",
        1,
    ),
    "an order removed": (
        "orders",
        lambda f: f.filter(pl.int_range(pl.len()) != 2_345),
        "FK integrity: all order_items.order_id",
        -1,
    ),
    "a wrong total": (
        "orders",
        _changed_at("total", 3_100, lambda c: c + 1),
        "Aggregate: orders.total",
        1,
    ),
    "an order placed before its customer signed up": (
        "orders",
        _changed_at("order_ts", 1_234, lambda c: c - pl.duration(days=3_000)),
        "Temporal order: orders.order_ts",
        1,
    ),
    "an order without lines": (
        "order_items",
        lambda f: f.filter(pl.col("order_id") != f["order_id"][4_321]),
        "Cardinality: every orders has [1, 5] order_items",
        1,
    ),
    "the first and the last orders without lines": (
        "order_items",
        lambda f: f.filter(~pl.col("order_id").is_in([f["order_id"][0], f["order_id"][-1]])),
        "Cardinality: every orders has [1, 5] order_items",
        2,  # one before every chunk's range, one after: counted once the read ends
    ),
    "a child pointing at another customer": (
        "orders",
        _changed_at("customer_id", 2_000, lambda c: c + 1),
        "",
        None,  # fails or not with the customers' signup dates: compared with whole-table SQL
    ),
}


@pytest.fixture
def copy(shop_parquet: Path, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "shop"
    shutil.copytree(shop_parquet, folder)
    yield folder


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_chunked_checks_catch_damage_like_the_whole_table_sql(
    damage: str, copy: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    table, change, check, failing = DAMAGE[damage]
    _rewrite(copy, table, change)
    chunked_files = _chunked_files(monkeypatch)
    chunked = _validate(copy)
    assert f"{table}.parquet" in chunked_files  # the damaged file was checked in chunks
    _whole_table(monkeypatch)
    whole = _validate(copy)
    assert chunked.as_dict() == whole.as_dict()
    if failing is None:
        return
    found = next(c for c in chunked.failures if c.name.startswith(check))
    assert found.failing == failing if failing > 0 else found.failing > 0


def test_intact_ordered_files_pass_chunk_by_chunk(shop_parquet: Path, small_chunks: None) -> None:
    items = shop_parquet / "order_items.parquet"
    planned = list(chunks.ordered_chunks(items, "order_id", ["line_no"], strict=True))
    assert len(planned) > 2
    assert all(a.high < b.low for a, b in itertools.pairwise(planned))
    assert _validate(shop_parquet).passed


def test_a_shuffled_file_is_checked_whole_and_still_caught(
    copy: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunks, "MAX_CHUNK_ROWS", 5_000)  # under the file's rows
    _rewrite(copy, "order_items", lambda f: _duplicate_row(f, 77).sample(fraction=1.0, seed=3))
    with pytest.raises(chunks.Unordered):
        list(chunks.ordered_chunks(copy / "order_items.parquet", "order_id", [], strict=True))
    failed = {c.name for c in _validate(copy).failures}
    assert "Primary key order_items.order_id+line_no: no duplicates" in failed


def test_neighbours_and_runs_prove_uniqueness_only_when_it_holds() -> None:
    keys = pa.table({"a": ["x", "x", "y", "y", "z"], "b": [1, 2, 2, 1, 1]})
    assert not chunks.rising(keys, ["a"])
    assert not chunks.rising(keys, ["a", "b"])
    assert chunks.rising(keys.slice(0, 3), ["a", "b"])
    assert chunks.unique_key(keys, ["a", "b"]) is True  # by runs
    assert chunks.unique_key(keys.slice(0, 3), ["a", "b"]) is True  # by neighbours
    assert chunks.unique_key(keys, ["a"]) is False  # ordered, "x" twice
    assert chunks.unique_key(keys.slice(1, 2), ["a"]) is True  # "x", "y"
    unordered = pa.table({"a": ["x", "x", "y", "x"], "b": [1, 2, 2, 3]})
    assert chunks.unique_key(unordered, ["a", "b"]) is None
    assert chunks.unique_key(unordered, ["a"]) is None
    twice = pa.table({"a": ["x", "y", "y", "y"], "b": [1, 2, 3, 2]})
    assert chunks.unique_key(twice, ["a", "b"]) is False
    three = pa.table({"a": [1, 1, 1, 2], "b": ["p", "q", "p", "p"], "c": [0, 0, 1, 0]})
    assert chunks.unique_key(three, ["a", "b", "c"]) is True
    assert chunks.unique_key(three, ["a", "b"]) is False
    negative = pa.table({"a": [1, 1, 1, 2], "b": [-5, -3, -5, -5]})  # from its minimum
    assert chunks.unique_key(negative, ["a", "b"]) is False
    assert chunks.unique_key(negative.slice(1), ["a", "b"]) is True
    wide = pa.table({"a": [1, 1, 1], "b": pa.array([2**64 - 1, 0, 2**64 - 1], pa.uint64())})
    assert chunks.unique_key(wide, ["a", "b"]) is False  # a wide range: dictionary codes
    assert chunks.unique_key(wide.slice(0, 2), ["a", "b"]) is True
    with_null = pa.table({"a": ["x", None], "b": [1, 2]})
    assert not chunks.rising(with_null, ["a", "b"])
    assert chunks.unique_key(with_null, ["a", "b"]) is None


def test_only_a_read_parquet_of_one_file_is_chunked(tmp_path: Path) -> None:
    path = tmp_path / "it's.parquet"
    pq.write_table(pa.table({"a": [1]}), path)
    quoted = str(path).replace("'", "''")
    assert chunks.parquet_file(f"read_parquet('{quoted}')") == path
    assert chunks.parquet_file(f"read_parquet('{tmp_path}/*.parquet')") is None
    assert chunks.parquet_file('data."orders"') is None


def _customer_with_orders(folder: Path) -> int:
    return int(pl.read_parquet(folder / "orders.parquet")["customer_id"][3_000])


SHARED: dict[str, tuple[str, Callable[[Path], Callable[[pl.DataFrame], pl.DataFrame]], str]] = {
    # table, damage (given the folder), the check that must fail
    "a total changed after the write": (
        "orders",
        lambda _: _changed_at("total", 3_100, lambda c: c + 1),
        "Aggregate: orders.total",
    ),
    "a dangling foreign key (its customer removed)": (
        "customers",
        lambda folder: lambda f: f.filter(pl.col("customer_id") != _customer_with_orders(folder)),
        "FK integrity: all orders.customer_id",
    ),
    "an order placed before its customer signed up": (
        "orders",
        lambda _: _changed_at("order_ts", 1_234, lambda c: c - pl.duration(days=3_000)),
        "Temporal order: orders.order_ts",
    ),
    "a duplicate primary key (an order line twice)": (
        "order_items",
        lambda _: lambda f: _duplicate_row(f, 5_000),
        "Primary key order_items.order_id+line_no",
    ),
}


def _shared_reads(monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, dict[str, Any]], list]:
    """Every shared read's counts by file and pass, and each file read (file, key)."""
    import fauxdata.verify.checks

    counts: dict[str, dict[str, Any]] = {}
    reads: list[tuple[str, str]] = []
    real_shared, real_chunks = chunks.shared_passes, chunks.ordered_chunks

    def shared(con: Any, relation: str, passes: dict) -> dict:
        found = real_shared(con, relation, passes)
        path = chunks.parquet_file(relation)
        assert path is not None
        counts.setdefault(path.name, {}).update(found)
        return found

    def recorded(path: Path, key: str, columns: list[str], *, strict: bool) -> Iterator:
        reads.append((path.name, key))
        yield from real_chunks(path, key, columns, strict=strict)

    monkeypatch.setattr(fauxdata.verify.checks, "shared_passes", shared)
    monkeypatch.setattr(chunks, "ordered_chunks", recorded)
    return counts, reads


@pytest.mark.parametrize("damage", list(SHARED))
def test_damage_is_counted_in_the_read_the_checks_share(
    damage: str, copy: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks of a file ordered by the same column count in one read of it (the
    orders' key with their aggregates; their foreign key with their temporal rule; the
    order lines' key, unique pair and foreign key): the damage is counted there, by
    the shared read itself, and the report is the whole-table SQL's."""
    table, change, check = SHARED[damage]
    dangling = _customer_with_orders(copy)
    orphans = pl.read_parquet(copy / "orders.parquet").filter(pl.col("customer_id") == dangling)
    _rewrite(copy, table, change(copy))
    counts, reads = _shared_reads(monkeypatch)
    shared = _validate(copy)
    monkeypatch.undo()  # the real functions again, for the whole-table SQL's report
    _whole_table(monkeypatch)
    assert shared.as_dict() == _validate(copy).as_dict()
    assert any(c.name.startswith(check) for c in shared.failures), shared.failures

    # The orders file is read once per key order, however many of its checks use it
    # (validate checks one table at a time, so the orders' aggregates pass does not
    # hand the order lines' cardinality over: the order lines' read counts it beside
    # the orders it merges for their foreign key, without a read of its own).
    assert reads.count(("orders.parquet", "order_id")) == 1
    assert reads.count(("orders.parquet", "customer_id")) == 1
    orders, lines = counts["orders.parquet"], counts["order_items.parquet"]
    rules = next(k for k in orders if k.startswith("rules "))
    nonzero = {
        "a total changed after the write": {("orders", "aggregates over order_items"): [0, 1, 0]},
        "a dangling foreign key (its customer removed)": {
            ("orders", "fk ('customer_id',)"): [orphans.height]
        },
        "an order placed before its customer signed up": {("orders", rules): [1]},
        "a duplicate primary key (an order line twice)": {
            ("order_items", "key ('order_id', 'line_no')"): [1],
            ("order_items", "key ('order_id', 'product_id')"): [1],  # the pair repeats too
            ("orders", "aggregates over order_items"): [1, 1, 1],  # count, total, lines
            ("order_items", "cardinality beside parents"): [1],  # its order has 6 lines
        },
    }[damage]
    found = {("orders", k): v for k, v in orders.items()} | {
        ("order_items", k): v for k, v in lines.items()
    }
    assert {k: v for k, v in found.items() if v and any(v)} == nonzero
    assert all(found[k] is not None for k in nonzero)  # not declined: counted in the read


@pytest.mark.parametrize("longest", [3, 8, 9, 30])  # by neighbours within runs, or by a sort
def test_uniqueness_by_runs_agrees_with_a_set(longest: int) -> None:
    rng = np.random.default_rng(longest)
    for _ in range(300):
        runs = rng.integers(1, longest + 1, size=int(rng.integers(1, 10)))
        first = np.repeat(np.arange(len(runs)), runs)
        second = rng.integers(0, int(rng.choice([4, 60])), size=len(first))
        keys = pa.table({"a": first, "b": second})
        distinct = len(set(zip(first.tolist(), second.tolist(), strict=True)))
        assert chunks.unique_key(keys, ["a", "b"]) is (distinct == len(first))
        integers = integers_of(keys["a"])  # the pair compared in NumPy
        assert chunks.unique_key(keys, ["a", "b"], None, integers) is (distinct == len(first))
