"""A block the digest and the Parquet writer both read is converted to Arrow once."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import fauxdata
from fauxdata import arrow_blocks

SHOP = Path(__file__).parents[1] / "examples" / "shop.yaml"


def test_a_shared_block_is_converted_once_for_two_readers() -> None:
    frame = pl.DataFrame({"name": ["a", "bb", "ccc"], "n": [1, 2, 3]})
    assert arrow_blocks.arrow_of(frame) is not arrow_blocks.arrow_of(frame)  # not shared
    arrow_blocks.share(frame)
    first = arrow_blocks.arrow_of(frame)
    assert arrow_blocks.arrow_of(frame) is first
    assert id(frame) not in arrow_blocks._entries  # both readers done: forgotten
    assert first.equals(frame.to_arrow())


def test_a_parquet_run_converts_each_block_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    convert = pl.DataFrame.to_arrow

    def counted(self: pl.DataFrame, *args: object, **kwargs: object) -> object:
        calls.append(self.height)
        return convert(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pl.DataFrame, "to_arrow", counted)
    result = fauxdata.generate(
        SHOP, f"parquet:{tmp_path}", rows={"customers": 5000}, tables=["customers"],
        block_size=1000, verify_output=False,
    )  # fmt: skip
    assert result.published
    assert calls == [1000] * 5  # digest and writer: one conversion per block
    assert not arrow_blocks._entries
