"""Row groups encoded on several threads and joined give the very bytes one pyarrow
writer gives, and every reader reads them back (``fauxdata.sinks.parquet_footer``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import fauxdata
from fauxdata.sinks import parquet_footer as footer
from fauxdata.sinks.arrow_types import arrow_schema
from fauxdata.sinks.parquet_writer import parquet_encoding, write_parquet

SHOP = Path(__file__).parents[1] / "examples" / "shop.yaml"


def _written(
    tmp_path: Path, name: str, tables: list[pa.Table], encoders: int, **options: object
) -> bytes:
    path = tmp_path / f"{name}-{encoders}.parquet"
    write_parquet(
        iter(tables),
        lambda _: path,
        empty_schema=tables[0].schema if tables else pa.schema([("a", pa.int64())]),
        encoders=encoders,
        **options,  # type: ignore[arg-type]
    )
    return path.read_bytes()


def _shop_blocks(rows: int, block: int) -> tuple[list[pa.Table], dict[str, object]]:
    """The shop's customers and orders (text, decimals, timestamps with a zone, NULLs,
    few-value dictionaries), cut into blocks, and the encoding the sink gives them."""
    frames = fauxdata.generate(SHOP, rows={"customers": rows}).frames
    orders = frames["orders"]
    schema = fauxdata.check(SHOP).tables["orders"]
    types = {name: column.type for name, column in schema.columns.items()}
    encoding = parquet_encoding(types, frozenset({"status", "channel"} & set(orders.columns)))
    table = orders.to_arrow().cast(arrow_schema(types))
    return [table.slice(i, block) for i in range(0, table.num_rows, block)], encoding


@pytest.mark.parametrize("encoders", [2, 3])
@pytest.mark.parametrize(("customers", "block"), [(40, 1), (3_000, 997), (3_000, 20_000)])
def test_joined_files_are_the_bytes_one_writer_writes(
    tmp_path: Path, encoders: int, customers: int, block: int
) -> None:
    tables, encoding = _shop_blocks(customers, block)
    one = _written(tmp_path, "orders", tables, 1, encoding=encoding, metadata={"fauxdata.x": "1"})
    joined = _written(
        tmp_path, "orders", tables, encoders, encoding=encoding, metadata={"fauxdata.x": "1"}
    )
    assert joined == one
    back = pq.read_table(tmp_path / f"orders-{encoders}.parquet")
    assert back.num_rows == sum(t.num_rows for t in tables)
    assert pq.ParquetFile(tmp_path / f"orders-{encoders}.parquet").metadata.num_row_groups == len(
        tables
    )


def test_a_table_larger_than_a_row_group_and_nested_columns(tmp_path: Path) -> None:
    """One write of 1.1M rows makes two row groups in its part; struct and list columns,
    a decimal and a zoned timestamp keep their footer fields through the join."""
    n = 1_100_000
    rng = np.random.default_rng(5)
    big = pa.table(
        {
            "id": pa.array(np.arange(n)),
            "price": pa.array((np.arange(n) % 997).astype(np.int32)).cast(pa.decimal128(12, 2)),
        }
    )
    nested = pa.table(
        {
            "id": pa.array(np.arange(3)),
            "doc": pa.array(
                [{"a": 1, "tags": ["x", "y"]}, {"a": None, "tags": []}, None],
                pa.struct([("a", pa.int64()), ("tags", pa.list_(pa.string()))]),
            ),
            "at": pa.array(
                [dt.datetime(2024, 1, 1, tzinfo=dt.UTC)] * 3, pa.timestamp("us", tz="UTC")
            ),
        }
    )
    for name, tables in (
        ("big", [big, big.slice(0, 10)]),
        ("nested", [nested, nested, nested]),
        ("random", [pa.table({"v": rng.random(50_000)}) for _ in range(5)]),
    ):
        assert _written(tmp_path, name, tables, 2) == _written(tmp_path, name, tables, 1)
    assert pq.ParquetFile(tmp_path / "big-2.parquet").metadata.num_row_groups == 3
    assert pq.read_table(tmp_path / "nested-2.parquet").equals(pa.concat_tables([nested] * 3))


def test_files_split_by_rows_are_each_the_same(tmp_path: Path) -> None:
    tables, encoding = _shop_blocks(2_000, 500)
    for encoders in (1, 2):
        folder = tmp_path / str(encoders)
        folder.mkdir()
        write_parquet(
            iter(tables),
            lambda part, folder=folder: folder / f"part-{part}.parquet",  # type: ignore[misc]
            empty_schema=tables[0].schema,
            encoding=encoding,
            rows_per_file=1_500,
            encoders=encoders,
        )
    names = sorted(p.name for p in (tmp_path / "1").iterdir())
    assert len(names) > 1 and names == sorted(p.name for p in (tmp_path / "2").iterdir())
    for name in names:
        assert (tmp_path / "2" / name).read_bytes() == (tmp_path / "1" / name).read_bytes()


def test_readers_read_a_joined_file(tmp_path: Path) -> None:
    tables, encoding = _shop_blocks(5_000, 1_024)
    _written(tmp_path, "orders", tables, 2, encoding=encoding)
    path = tmp_path / "orders-2.parquet"
    expected = pl.from_arrow(pa.concat_tables(tables))
    assert isinstance(expected, pl.DataFrame)
    assert pl.read_parquet(path).equals(expected)
    with duckdb.connect() as con:
        count, orders = con.execute(
            f"SELECT count(*), count(DISTINCT order_id) FROM read_parquet('{path}')"
        ).fetchone()  # type: ignore[misc]
    assert count == orders == expected.height


def test_a_footer_joined_from_its_own_row_groups_is_itself(tmp_path: Path) -> None:
    """Footers from pyarrow with every option fauxdata uses, with more than fifteen
    columns and row groups (long list headers), and with none: scanned, their row
    groups moved by nothing and joined again, they come back byte for byte; moved by
    some bytes, every offset pyarrow reports moves by as much."""
    wide = pa.table({f"c{i}": pa.array(np.arange(1000) * i) for i in range(40)})
    pq.write_table(
        wide,
        tmp_path / "wide.parquet",
        use_dictionary=["c1"],
        write_statistics=["c2"],
        row_group_size=50,
    )
    pq.write_table(pa.table({"a": pa.array([], pa.int64())}), tmp_path / "empty.parquet")
    tables, encoding = _shop_blocks(1_000, 300)
    _written(tmp_path, "orders", tables, 1, encoding=encoding)
    for path in tmp_path.glob("*.parquet"):
        tail, _ = footer.footer_of(path.read_bytes())
        scanned = footer.scan(tail)
        same = [g.moved(0, i) for i, g in enumerate(scanned.groups)]
        assert footer.joined(scanned, same, scanned.rows) == tail
    scanned = footer.scan(footer.footer_of((tmp_path / "wide.parquet").read_bytes())[0])
    assert len(scanned.groups) == 20
    moved = footer.joined(scanned, [g.moved(1000, i) for i, g in enumerate(scanned.groups)], 7)
    shifted = tmp_path / "shifted.parquet"
    shifted.write_bytes(footer_only(moved))
    before = pq.ParquetFile(tmp_path / "wide.parquet").metadata
    after = pq.read_metadata(shifted)
    assert after.num_rows == 7 and after.num_row_groups == 20
    for g in range(20):
        for c in (0, 1, 39):
            old, new = before.row_group(g).column(c), after.row_group(g).column(c)
            assert new.data_page_offset == old.data_page_offset + 1000
            assert new.has_dictionary_page == old.has_dictionary_page
            if old.has_dictionary_page:
                assert new.dictionary_page_offset == old.dictionary_page_offset + 1000


def footer_only(tail: bytes) -> bytes:
    """A file of nothing but a footer: enough for pyarrow to read the metadata."""
    return footer.MAGIC + tail + len(tail).to_bytes(4, "little") + footer.MAGIC


def test_a_page_index_is_refused_not_joined_wrongly(tmp_path: Path) -> None:
    table = pa.table({"a": pa.array(np.arange(1000))})
    with pytest.raises(footer.FooterError, match="page index"):
        _written(tmp_path, "indexed", [table, table], 2, encoding={"write_page_index": True})


def test_a_generated_parquet_target_is_byte_identical_to_one_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Parquet target joins row groups from three encoders here: its files equal
    those of one writer, and they read back as the in-memory frames."""
    monkeypatch.setattr("fauxdata.sinks.files.default_encoders", lambda: 3)
    joined = fauxdata.generate(
        SHOP, f"parquet:{tmp_path / 'joined'}", rows={"customers": 4_000}, block_size=700
    )
    monkeypatch.setattr("fauxdata.sinks.files.default_encoders", lambda: 1)
    single = fauxdata.generate(
        SHOP, f"parquet:{tmp_path / 'single'}", rows={"customers": 4_000}, block_size=700
    )
    assert joined.report is not None and joined.report.passed
    assert single.report is not None and single.report.passed
    frames = fauxdata.generate(SHOP, rows={"customers": 4_000}).frames
    for name in ("customers", "orders", "order_items"):
        path = tmp_path / "joined" / f"{name}.parquet"
        assert path.read_bytes() == (tmp_path / "single" / f"{name}.parquet").read_bytes()
        assert pl.read_parquet(path).equals(frames[name])
    assert pq.ParquetFile(tmp_path / "joined" / "customers.parquet").metadata.num_row_groups == 6


def test_a_failing_block_stops_the_writer_and_is_raised(tmp_path: Path) -> None:
    """The generator failing mid-table reaches the caller as itself; the encoders stop
    and no footer is written over the row groups that came."""
    table = pa.table({"a": pa.array(np.arange(10_000))})

    def blocks() -> Iterator[pa.Table]:
        for _ in range(5):
            yield table
        raise RuntimeError("the generator failed")

    path = tmp_path / "broken.parquet"
    with pytest.raises(RuntimeError, match="the generator failed"):
        write_parquet(blocks(), lambda _: path, empty_schema=table.schema, encoders=2)
    with pytest.raises(pa.ArrowInvalid):
        pq.read_table(path)
