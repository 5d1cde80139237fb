"""Sentences built as one Arrow buffer and cut before they exist give exactly the text of
joining the drawn words and cutting it to the column (``fauxdata.engine.cast.cut``)."""

from __future__ import annotations

from pathlib import Path
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


def joined_then_cut(
    locale: str, seed: int, rows: int, width: int | None, *streams: str
) -> list[str | None]:
    """The sentences as the engine made them before: all twelve words drawn and joined,
    a full stop added, then the varchar cut."""
    words = lexicon(dataset_code(locale) or "en").words
    at = np.arange(rows, dtype=np.int64)

    def draw(name: str, n: int) -> np.ndarray:
        return Stream.of(seed, "t", "note", "sentence", *streams, name).below(at, n)

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


def sized(rows: int, low: int, high: int, ctype: str = "text", locale: str = "en_US") -> dict:
    generator = {"kind": "sentence", "min_length": low, "max_length": high}
    doc = spec(rows, ctype, locale=locale)
    doc["tables"]["t"]["columns"]["note"]["generator"] = generator
    return doc


def joined_then_sized(locale: str, seed: int, rows: int, low: int, high: int) -> list[str]:
    """The oracle: a length per row, every word drawn and joined, the text cut to the
    length, and a cut that ends on a space ending in a full stop instead."""
    words = lexicon(dataset_code(locale) or "en").words
    at = np.arange(rows, dtype=np.int64)

    def draw(name: str, n: int) -> np.ndarray:
        return Stream.of(seed, "t", "note", "sentence", name).below(at, n)

    target = pl.Series(draw("chars", high - low + 1) + low)
    most = high // 2 + 1  # every word is at least one character and a space
    picked = [capitalised(words).gather(draw("w0", words.len()))]
    picked += [words.gather(draw(f"w{i}", words.len())) for i in range(1, most)]
    text = pl.DataFrame({f"w{i}": w for i, w in enumerate(picked)}).select(
        pl.concat_str(pl.all(), separator=" ")
    )
    cut_text = text.to_series().str.slice(0, target)
    ends_on_space = cut_text.str.ends_with(" ")
    stopped = cut_text.str.strip_suffix(" ") + "."
    return pl.select(pl.when(ends_on_space).then(stopped).otherwise(cut_text)).to_series().to_list()


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "fr_FR"])
@pytest.mark.parametrize(("low", "high"), [(10, 43), (19, 78), (1, 1), (5, 5), (1, 200)])
def test_sized_sentences_are_the_joined_words_cut_to_a_uniform_length(
    locale: str, low: int, high: int
) -> None:
    got = fauxdata.generate(sized(20_000, low, high, locale=locale)).frames["t"]["note"]
    assert got.to_list() == joined_then_sized(locale, 3, 20_000, low, high)
    lengths = got.str.len_chars()
    assert lengths.min() == low and lengths.max() == high
    assert abs(float(lengths.mean()) - (low + high) / 2) < 0.02 * (high - low) + 0.01  # type: ignore[arg-type]
    assert not got.str.ends_with(" ").any()


def test_tpch_comment_lengths_are_uniform_over_their_range() -> None:
    got = fauxdata.generate(sized(200_000, 10, 43, "varchar(44)")).frames["t"]["note"]
    counts = np.bincount(got.str.len_chars().to_numpy(), minlength=44)[10:]
    assert counts.size == 34 and counts.min() > 0.9 * 200_000 / 34
    assert counts.max() < 1.1 * 200_000 / 34


def test_sized_sentences_do_not_depend_on_the_block_size() -> None:
    whole = fauxdata.generate(sized(5_000, 19, 78)).frames["t"]["note"]
    for block in (1, 7, 1000):
        got = fauxdata.generate(sized(5_000, 19, 78), block_size=block).frames["t"]["note"]
        assert got.equals(whole)


def test_the_default_sentence_is_unchanged_by_the_length_option() -> None:
    """Without the option a sentence is still five to twelve whole words."""
    plain = fauxdata.generate(spec(2_000, "text")).frames["t"]["note"]
    assert plain.to_list() == joined_then_cut("en_US", 3, 2_000, None)


@pytest.mark.parametrize(
    ("generator", "ctype", "found"),
    [
        ({"min_length": 44, "max_length": 10}, "text", "min_length 44 is above max_length 10"),
        ({"max_length": 10}, "text", "give both min_length and max_length"),
        ({"min_length": 0, "max_length": 10}, "text", "greater than or equal to 1"),
        ({"min_length": 10, "max_length": 50}, "varchar(44)", "longer than the column's"),
    ],
)
def test_bad_lengths_are_refused_with_the_column_path(
    generator: dict, ctype: str, found: str
) -> None:
    doc = spec(10, ctype)
    doc["tables"]["t"]["columns"]["note"]["generator"] = {"kind": "sentence", **generator}
    with pytest.raises(FauxdataError, match=found) as caught:
        fauxdata.generate(doc)
    assert "tables.t.columns.note.generator" in str(caught.value)


def test_lengths_are_refused_for_other_mockers() -> None:
    doc = spec(10, "text")
    doc["tables"]["t"]["columns"]["note"]["generator"] = {
        "kind": "city",
        "min_length": 1,
        "max_length": 5,
    }
    with pytest.raises(FauxdataError, match="for kind sentence, not city") as caught:
        fauxdata.generate(doc)
    assert "tables.t.columns.note.generator" in str(caught.value)


def pooled(rows: int, low: int, high: int, pool: int, locale: str = "en_US") -> dict:
    doc = sized(rows, low, high, locale=locale)
    doc["tables"]["t"]["columns"]["note"]["generator"]["pool"] = pool
    return doc


def pool_slices(locale: str, seed: int, rows: int, low: int, high: int, pool: int) -> list[str]:
    """The oracle: sentences 0, 1, 2... of the pool's streams joined by spaces and cut to
    ``pool`` characters, then each row's slice at its drawn start and length."""
    sentences = joined_then_cut(locale, seed, pool // 5, None, "pool")
    text = " ".join(str(s) for s in sentences)[:pool]
    assert len(text) == pool
    at = np.arange(rows, dtype=np.int64)
    start = Stream.of(seed, "t", "note", "sentence", "start").below(at, pool - high + 1)
    length = Stream.of(seed, "t", "note", "sentence", "chars").below(at, high - low + 1) + low
    return [text[a : a + n] for a, n in zip(start.tolist(), length.tolist(), strict=True)]


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "pl_PL"])
@pytest.mark.parametrize(
    ("low", "high", "pool"), [(10, 43, 5_000), (19, 78, 100_000), (1, 12, 1_000)]
)
def test_pooled_sentences_are_slices_of_one_text_at_uniform_lengths(
    locale: str, low: int, high: int, pool: int
) -> None:
    """Short slices (12 bytes or fewer, held inline in their view) and long ones, ASCII
    and multi-byte text, all equal Python's slicing of the pool's text."""
    got = fauxdata.generate(pooled(20_000, low, high, pool, locale)).frames["t"]["note"]
    assert got.to_list() == pool_slices(locale, 3, 20_000, low, high, pool)
    lengths = got.str.len_chars()
    assert lengths.min() == low and lengths.max() == high


def test_pooled_sentences_do_not_depend_on_block_size_or_workers(tmp_path: Path) -> None:
    doc = pooled(30_000, 10, 43, 50_000)
    whole = fauxdata.generate(doc).frames["t"]["note"]
    for block in (1, 777):
        got = fauxdata.generate(doc, block_size=block).frames["t"]["note"]
        assert got.equals(whole)
    result = fauxdata.generate(doc, f"parquet:{tmp_path / 'out'}", block_size=4096, workers=2)
    assert result.report is not None and result.report.passed
    assert pl.read_parquet(tmp_path / "out" / "t.parquet")["note"].equals(whole)


@pytest.mark.parametrize(
    ("generator", "found"),
    [
        ({"pool": 10_000}, "pool is for a sentence with min_length and max_length"),
        ({"min_length": 10, "max_length": 2_000, "pool": 1_500}, "not longer than max_length"),
        ({"min_length": 10, "max_length": 43, "pool": 999}, "greater than or equal to 1000"),
    ],
)
def test_bad_pools_are_refused_with_the_column_path(generator: dict, found: str) -> None:
    doc = spec(10, "text")
    doc["tables"]["t"]["columns"]["note"]["generator"] = {"kind": "sentence", **generator}
    with pytest.raises(FauxdataError, match=found) as caught:
        fauxdata.generate(doc)
    assert "tables.t.columns.note.generator" in str(caught.value)
