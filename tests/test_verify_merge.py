"""Merged parent/child checks (``verify.merge``, ``verify.parents``): exact, or they decline.

The unit tests pin ``match`` against a plain dictionary look-up; the run tests damage a
staged file between writing and verification (through the real publisher, the real
files and the real checks) and see the run fail with the good output left as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import fauxdata
import fauxdata.run
from fauxdata.verify import chunks
from fauxdata.verify.merge import Window, match
from tests.test_publish import snapshot

SHOP = Path(__file__).resolve().parents[1] / "examples" / "shop.yaml"


def _expected(parents: list[Any], children: list[Any]) -> list[int]:
    where = {key: i for i, key in enumerate(parents)}
    return [where.get(key, -1) for key in children]


@pytest.mark.parametrize(
    ("parents", "children"),
    [
        ([1, 2, 3, 5, 8], [1, 1, 2, 5, 5, 5, 8]),  # some parents without children
        ([1, 2, 3], [0, 1, 2, 2, 3, 4]),  # orphans below and above
        ([1, 2, 3], [1, 2, 2, 3]),  # every parent once or more: one comparison
        (["ORD-01", "ORD-02", "ORD-04"], ["ORD-01", "ORD-03", "ORD-03", "ORD-04"]),
        (["a\x00", "b\x00"], ["a\x00", "c\x00"]),  # NUL bytes, as integers
        (["A" + "0" * 9, "B" + "0" * 9], ["B" + "0" * 9]),  # too wide for integers: bytes
        ([10, 20], []),
        ([], [1, 1]),
    ],
)
def test_match_finds_each_childs_parent_like_a_lookup(
    parents: list[Any], children: list[Any]
) -> None:
    kind = pa.large_string() if parents and isinstance(parents[0], str) else pa.int64()
    matched = match(pa.array(parents, kind), pa.array(children, kind))
    assert matched.rows().tolist() == _expected(parents, children)
    assert matched.orphans == _expected(parents, children).count(-1)
    counts = matched.per_parent(matched.lengths, len(parents))
    assert counts.tolist() == [children.count(p) for p in parents]


@pytest.mark.parametrize(
    ("parents", "children"),
    [
        ([1, 3, 2], [1]),  # parents not rising
        ([1, 1, 2], [1]),  # a parent key twice
        ([1, 2, 3], [2, 1]),  # children not ordered
        ([1, 2], [1, None]),  # a NULL key
        (["ORD-1", "ORD-2"], ["ORD-1", "ORD-10"]),  # strings of different lengths
        ([1.5, 2.5], [1.5]),  # floats: NaN orders apart
        (["A\x00" + "0" * 9, "B\x00" + "0" * 9], ["A\x00" + "0" * 9]),  # a NUL NumPy drops
    ],
)
def test_match_declines_what_it_cannot_order_exactly(
    parents: list[Any], children: list[Any]
) -> None:
    with pytest.raises(chunks.Unordered):
        match(pa.array(parents), pa.array(children))


def test_a_window_reads_forward_by_key_range(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    keys = np.repeat(np.arange(0, 3_000, 3), 2)  # 0,0,3,3,...
    pq.write_table(pa.table({"k": keys, "v": np.arange(len(keys))}), path, row_group_size=100)
    window = Window(path, "k", ("v",), strict=False)
    assert window.between(10, 20).data["k"].to_pylist() == [12, 12, 15, 15, 18, 18]
    assert window.between(18, 2_000).data["k"].to_pylist()[:2] == [18, 18]
    assert window.between(2_990, 5_000).data["k"].to_pylist() == [
        2_991,
        2_991,
        2_994,
        2_994,
        2_997,
        2_997,
    ]


def _damaged(change: Callable[[Path], None]) -> Callable[..., Any]:
    """fauxdata.run.verify, after ``change`` has damaged the staged folder."""
    real = fauxdata.run.verify

    def verify(plan: Any, con: Any, relation: Callable[[str], str | None]) -> Any:
        staged = chunks.parquet_file(relation("orders") or "")
        assert staged is not None
        change(staged.parent)
        return real(plan, con, relation)

    return verify


def _rewritten(table: str, edit: Callable[[pl.DataFrame], pl.DataFrame]) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        path = folder / f"{table}.parquet"
        pq.write_table(edit(pl.read_parquet(path)).to_arrow(), path, row_group_size=1_000)

    return change


def _at(column: str, row: int, value: Any) -> Callable[[pl.DataFrame], pl.DataFrame]:
    def edit(frame: pl.DataFrame) -> pl.DataFrame:
        chosen = pl.int_range(pl.len()) == row
        kind = frame.schema[column]
        new = pl.lit(value, dtype=kind) if value is not None else pl.lit(None, dtype=kind)
        return frame.with_columns(pl.when(chosen).then(new).otherwise(pl.col(column)).alias(column))

    return edit


def _longer_key(frame: pl.DataFrame) -> pl.DataFrame:
    """The last line of an order with several lines points at "<its order>x": still in
    order, an orphan, and a key of another width, which the merge declines (SQL counts)."""
    counts = frame.group_by("order_id", maintain_order=True).len()
    order = counts.filter(pl.col("len") > 1)["order_id"][300]
    last = frame.with_row_index().filter(pl.col("order_id") == order)["index"].max()
    return _at("order_id", int(last), f"{order}x")(frame)  # type: ignore[arg-type]


DAMAGE = {
    "a duplicate key": (
        "order_items",
        lambda f: pl.concat([f[:2_001], f[2_000:2_001], f[2_001:]]),
        "Primary key order_items.order_id+line_no",
    ),
    "an orphan foreign key": (
        "orders",
        lambda f: f.filter(pl.int_range(pl.len()) != 1_234),
        "FK integrity: all order_items.order_id",
    ),
    "an orphan key of another width": (
        "order_items",
        _longer_key,
        "FK integrity: all order_items.order_id",
    ),
    "an out-of-range value": (
        "order_items",
        _at("quantity", 4_000, 11),
        "Range: order_items.quantity",
    ),
    "a NULL in a NOT NULL column": (
        "orders",
        _at("customer_id", 1_500, None),
        "Not null: orders.customer_id",
    ),
    "a line count that does not add up": (
        "orders",
        _at("item_count", 2_500, 0),
        "Aggregate: orders.item_count",
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_run_whose_staged_file_is_damaged_fails_and_publishes_nothing(
    damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunks, "CHUNK_ROWS", 2_500)
    out = tmp_path / "shop"
    rows = {"customers": 1_000}
    good = fauxdata.generate(SHOP, f"parquet:{out}", rows=rows, block_size=1_000)
    assert good.published
    before = snapshot(out)
    table, edit, check = DAMAGE[damage]
    monkeypatch.setattr(fauxdata.run, "verify", _damaged(_rewritten(table, edit)))
    failed = fauxdata.generate(SHOP, f"parquet:{out}", rows=rows, block_size=1_000)
    assert not failed.published and failed.report is not None
    assert any(c.name.startswith(check) for c in failed.report.failures), failed.report.failures
    assert snapshot(out) == before


def test_merged_counters_run_to_the_end_on_intact_files_and_count_damage(tmp_path: Path) -> None:
    """The merged counters themselves (no SQL fallback): zero on the intact shop, the
    damage counted exactly on a copy with an order removed and a total changed."""
    out = tmp_path / "shop"
    fauxdata.generate(SHOP, f"parquet:{out}", rows={"customers": 1_000}, block_size=1_000)
    assert _merged_counts(out) == ([0, 0, 0], 0)
    orders = pl.read_parquet(out / "orders.parquet")
    gone = orders["order_id"][700]
    lines = pl.read_parquet(out / "order_items.parquet").filter(pl.col("order_id") == gone)
    _rewritten(
        "orders", lambda f: f.filter(pl.col("order_id") != gone).pipe(_at("total", 10, -1.0))
    )(out)
    assert _merged_counts(out) == ([0, 1, 0], lines.height)


def _merged_counts(folder: Path) -> tuple[list[int], int]:
    """(item_count, total and cardinality mismatches, orphan order lines) by merging."""
    from fauxdata.verify.parents import beside, merged_aggregates, merged_orphans

    def relation(name: str) -> str:
        return f"read_parquet('{folder / name}.parquet')"

    def declined(*_: object) -> tuple[int]:
        raise AssertionError("the merged counter fell back to SQL")

    aggregates = merged_aggregates(
        relation("order_items"),
        "order_id",
        "order_id",
        [("item_count", "count", "line_no"), ("total", "sum", "line_total")],
        (1, 5),
    )
    assert aggregates is not None
    totals = [0, 0, 0]
    for chunk in chunks.ordered_chunks(
        folder / "orders.parquet", "order_id", ["item_count", "total"], strict=True
    ):
        totals = [t + n for t, n in zip(totals, aggregates(None, chunk), strict=True)]  # type: ignore[arg-type]
    orphans = merged_orphans(beside({}, relation("orders"), "order_id", "order_id"), declined)
    found = 0
    for chunk in chunks.ordered_chunks(
        folder / "order_items.parquet", "order_id", [], strict=False
    ):
        found += orphans(None, chunk)[0]  # type: ignore[arg-type]
    return totals, found


@pytest.mark.parametrize(
    "values",
    [
        ["ORD-00000001", "ORD-00000002", "ORD-00000002", "ORD-00100000"],
        ["A\x00B", "A\x00C", "B\x00A"],  # NUL bytes are bytes like any other
        ["x", "y", "x"],
    ],
)
def test_formatted_ids_as_integers_compare_like_the_strings(values: list[str]) -> None:
    from fauxdata.verify.keys import as_integers

    integers = as_integers(pa.array(values), pa.array(sorted(values, reverse=True)))
    assert integers is not None
    for ints, strings in zip(integers, (values, sorted(values, reverse=True)), strict=True):
        for i in range(len(strings) - 1):
            assert (ints[i] < ints[i + 1]) == (strings[i] < strings[i + 1])
            assert (ints[i] == ints[i + 1]) == (strings[i] == strings[i + 1])
    assert as_integers(pa.array(["ab", "abc"])) is None  # lengths differ
    assert as_integers(pa.array(["A" + "0" * 9, "B" + "0" * 9])) is None  # 10 bytes differ


def test_chunked_keys_read_as_integers_chunk_by_chunk_like_one_array() -> None:
    """A chunked column (a window of several chunks) reads as integers without being
    combined, and declines exactly where the combined column would."""
    from fauxdata.verify.keys import as_integers

    ids = [f"ORD-{i:08d}" for i in (1, 2, 2, 7, 90, 91, 100_000)]
    chunked = pa.chunked_array([ids[:2], [], ids[2:5], ids[5:]], pa.large_string())
    whole = as_integers(pa.array(ids, pa.large_string()))
    parts = as_integers(chunked)
    assert whole is not None and parts is not None
    assert parts[0].tolist() == whole[0].tolist()
    longer = pa.chunked_array([ids[:3], ["ORD-000000010"]])  # one value a byte longer
    assert as_integers(longer) is None
    prefix = pa.chunked_array([["A" + "0" * 9], ["B" + "0" * 9]])  # heads differ across chunks
    assert as_integers(prefix) is None
    matched = match(pa.array(ids[::2]), chunked)
    assert matched.rows().tolist() == _expected(ids[::2], ids)


def test_integers_kept_with_chunks_are_the_keys_read_again(tmp_path: Path) -> None:
    """A window's rows carry their keys as integers, sliced and joined as the rows are;
    match uses them only where both sides compare alike, and finds what it finds from
    the strings."""
    from fauxdata.verify.keys import integers_of
    from fauxdata.verify.merge import _joined

    orders = [f"ORD-{i:08d}" for i in range(0, 3_000, 3)]
    lines = np.repeat(np.array(orders), 2)
    path = tmp_path / "lines.parquet"
    pq.write_table(pa.table({"k": lines, "v": np.arange(len(lines))}), path, row_group_size=100)
    window = Window(path, "k", ("v",), strict=False)
    for low, high in [("ORD-00000010", "ORD-00000020"), ("ORD-00000300", "ORD-00002000")]:
        rows = window.between(low, high)
        again = integers_of(rows.data["k"])
        assert rows.integers is not None and again is not None
        assert np.array_equal(rows.integers.values, again.values)
        parents = pa.array([o for o in orders if low <= o <= high][::2])  # every other order
        kept = match(
            parents, rows.data["k"], parent_keys=integers_of(parents), child_keys=rows.integers
        )
        read = match(parents, rows.data["k"])
        assert np.array_equal(kept.rows(), read.rows())
        assert kept.orphans == read.orphans > 0

    order, invoice = integers_of(pa.array(orders[:2])), integers_of(pa.array(["INV-00000001"]))
    assert order is not None and invoice is not None
    assert not order.joins(invoice)  # other leading bytes
    joined = _joined([order, order.slice(0, 0), order], 1, 4)  # rows 1-3 of three pieces
    assert joined is not None and list(joined.values) == [order.values[1], *order.values]
    assert _joined(None, 0, 1) is None


@pytest.mark.parametrize(
    "damage",
    ["intact", "an order removed", "a NULL order id in its lines", "an order line twice"],
)
def test_the_orders_pass_hands_the_lines_orphans_to_their_foreign_key(
    damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checking every table in one run, the orders' aggregates pass matches every order
    line to its order, so it counts the lines' foreign-key orphans and their own check
    reads nothing; where it cannot (a NULL key), the check reads for itself. So do the
    lines' keys led by the order id: whether they repeat. Either way the report is the
    one the checks give table by table, each on its own reads."""
    import duckdb

    from fauxdata.engine.engine import Engine
    from fauxdata.run import plan_for
    from fauxdata.spec import load_spec
    from fauxdata.verify import verify
    from fauxdata.verify.parents import MergedAggregates

    out = tmp_path / "shop"
    fauxdata.generate(SHOP, f"parquet:{out}", rows={"customers": 1_000}, block_size=1_000)
    lines = pl.read_parquet(out / "order_items.parquet")
    gone = pl.read_parquet(out / "orders.parquet")["order_id"][700]
    if damage == "an order removed":
        _rewritten("orders", lambda f: f.filter(pl.col("order_id") != gone))(out)
    if damage == "a NULL order id in its lines":
        _rewritten("order_items", _at("order_id", 2_000, None))(out)
    if damage == "an order line twice":
        _rewritten("order_items", lambda f: pl.concat([f[:2_001], f[2_000:]]))(out)
    monkeypatch.setattr(chunks, "CHUNK_ROWS", 2_500)
    plan = Engine(plan_for(load_spec(SHOP), rows={"customers": 1_000}, base_dir=SHOP.parent)).plan

    def relation(name: str) -> str:
        return f"read_parquet('{out / name}.parquet')"

    handed: list[int | None] = []
    real = MergedAggregates.orphans

    def recorded(self: MergedAggregates) -> int | None:
        handed.append(real(self))
        return handed[-1]

    monkeypatch.setattr(MergedAggregates, "orphans", recorded)
    repeats: list[dict[tuple[str, ...], bool] | None] = []
    real_repeats = MergedAggregates.repeats

    def recorded_repeats(self: MergedAggregates) -> dict[tuple[str, ...], bool] | None:
        repeats.append(real_repeats(self))
        return repeats[-1]

    monkeypatch.setattr(MergedAggregates, "repeats", recorded_repeats)
    with duckdb.connect() as con:
        together = verify(plan, con, relation).as_dict()
        one_by_one = [verify(plan, con, relation, (name,)).as_dict() for name in plan.selected]
    assert together["results"] == [r for one in one_by_one for r in one["results"]]
    fk = next(r for r in together["results"] if r["name"].startswith("FK integrity: all order_i"))
    orphans = lines.filter(pl.col("order_id") == gone).height if damage == "an order removed" else 0
    pair, line = ("order_id", "product_id"), ("order_id", "line_no")
    if damage == "a NULL order id in its lines":
        assert handed[0] is None  # not counted by the merge: the check's own reads did
        assert repeats[0] is None
        assert fk["status"] == "pass"  # a NULL foreign key is no orphan
    elif damage == "an order line twice":
        assert repeats[0] == {line: True, pair: True}
        failed = {r["name"] for r in together["results"] if r["status"] == "fail"}
        assert "Primary key order_items.order_id+line_no: no duplicates" in failed
    else:
        assert repeats[0] == {line: False, pair: False}
        assert handed[0] == orphans
        assert fk["failing"] == orphans and (fk["status"] == "fail") is (orphans > 0)
