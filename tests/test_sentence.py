"""Sentences built as one Arrow buffer and cut before they exist give exactly the text of
joining the drawn words and cutting it to the column (``fauxdata.engine.cast.cut``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest

import fauxdata
from fauxdata.engine.cast import cut
from fauxdata.engine.rng import Stream
from fauxdata.errors import FauxdataError
from fauxdata.generators.lexicon import dataset_code, lexicon
from fauxdata.generators.sentence import capitalised


def spec(rows: int, ctype: str, seed: int = 3, locale: str = "en_US", **table: Any) -> dict:
    return {
        "name": "s",
        "seed": seed,
        "locale": locale,
        "tables": {
            "t": {
                "rows": rows,
                "columns": {
                    "id": {"generator": "sequence"},
                    "note": {"type": ctype, "generator": "sentence"},
                },
                **table,
            }
        },
    }


def joined_then_cut(locale: str, seed: int, rows: int, width: int | None) -> list[str | None]:
    """The sentences as the engine made them before: all twelve words drawn and joined,
    a full stop added, then the varchar cut."""
    words = lexicon(dataset_code(locale) or "en").words
    at = np.arange(rows, dtype=np.int64)

    def draw(name: str, n: int) -> np.ndarray:
        return Stream.of(seed, "t", "note", "sentence", name).below(at, n)

    length = draw("length", 8) + 5
    picked = [capitalised(words).gather(draw("w0", words.len()))]
    picked += [words.gather(draw(f"w{i}", words.len())) for i in range(1, 12)]
    frame = pl.DataFrame({f"w{i}": w for i, w in enumerate(picked)} | {"n": length})
    pieces = [pl.when(pl.col("n") > i).then(pl.col(f"w{i}")) for i in range(12)]
    text = frame.select(
        pl.concat_str([pl.concat_str(pieces, separator=" ", ignore_nulls=True), pl.lit(".")])
    ).to_series()
    if width is not None and (text.str.len_chars().max() or 0) > width:  # type: ignore[operator]
        text = cut(text, width)
    return text.to_list()


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "fr_FR", "da_DK", "pl_PL"])
@pytest.mark.parametrize("width", [None, 1, 3, 7, 10, 44, 79])
def test_sentences_equal_the_joined_and_cut_text(locale: str, width: int | None) -> None:
    ctype = "text" if width is None else f"varchar({width})"
    got = fauxdata.generate(spec(20_000, ctype, locale=locale)).frames["t"]["note"]
    assert got.to_list() == joined_then_cut(locale, 3, 20_000, width)
    if width is not None:
        assert (got.str.len_chars().max() or 0) <= width  # type: ignore[operator]


def test_any_block_size_gives_the_same_sentences() -> None:
    whole = fauxdata.generate(spec(5_000, "varchar(44)")).frames["t"]["note"]
    for block in (1, 7, 1000):
        assert (
            fauxdata.generate(spec(5_000, "varchar(44)"), block_size=block)
            .frames["t"]["note"]
            .equals(whole)
        )


def test_a_key_sentence_too_long_for_its_column_is_refused_not_cut() -> None:
    keyed = spec(100, "varchar(10)", primary_key=["id", "note"])
    with pytest.raises(FauxdataError, match="do not fit"):
        fauxdata.generate(keyed)
