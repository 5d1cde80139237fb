"""Mockers: realistic, valid, locale-aware, deterministic, vectorized."""

from __future__ import annotations

import re

import numpy as np
import polars as pl
import pytest

import fauxdata
from fauxdata.errors import FauxdataError
from fauxdata.generators.lexicon import dataset_code, lexicon
from fauxdata.spec.generators import MockKind

KINDS = list(MockKind.__args__)  # type: ignore[attr-defined]


def mock(kind: str, rows: int = 2000, seed: int = 1, **params: object) -> pl.Series:
    spec = {
        "name": "m",
        "seed": seed,
        "tables": {"t": {"rows": rows, "columns": {"v": {"generator": {"kind": kind, **params}}}}},
    }
    return fauxdata.generate(spec).frames["t"]["v"]


def iban_valid(value: str) -> bool:
    moved = value[4:] + value[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def luhn_valid(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_fills_every_row_and_is_deterministic(kind: str) -> None:
    values = mock(kind)
    assert values.dtype == pl.String and values.null_count() == 0
    assert values.str.len_chars().min() > 0  # type: ignore[operator]
    assert values.n_unique() > 1
    assert mock(kind).equals(values)
    assert not mock(kind, seed=2).equals(values)


def test_block_split_and_row_subsets_agree() -> None:
    spec = {
        "name": "m",
        "tables": {"t": {"rows": 3000, "columns": {k: {"generator": k} for k in KINDS}}},
    }
    whole = fauxdata.generate(spec, block_size=3000).frames["t"]
    split = fauxdata.generate(spec, block_size=701, workers=3).frames["t"]
    assert whole.equals(split)


def test_iban_check_digits_and_luhn() -> None:
    for locale in ("nl_NL", "de_DE", "en_GB", "fr_FR", "es_ES"):
        ibans = mock("iban", 3000, locale=locale)
        assert all(iban_valid(v) for v in ibans), locale
        assert ibans.str.slice(0, 2).unique().to_list() == [locale[-2:]]
    cards = mock("credit_card", 5000)
    assert all(len(c) == 16 and luhn_valid(c) for c in cards)
    assert not luhn_valid(str(int(cards[0]) + 1))


@pytest.mark.parametrize(
    ("locale", "pattern"),
    [
        ("en_US", r"\d{5}"),
        ("nl_NL", r"1\d{3} [A-Z]{2}"),
        ("en_GB", r"[A-Z]{2}\d[A-Z] \d[A-Z]{2}"),
        ("de_DE", r"\d{5}"),
        ("fr_FR", r"\d{5}"),
    ],
)
def test_postcodes_follow_the_locale(locale: str, pattern: str) -> None:
    assert mock("postcode", 2000, locale=locale).str.contains(f"^{pattern}$").all()


def test_emails_user_names_and_addresses() -> None:
    emails = mock("email", 5000)
    assert emails.str.contains(r"^[a-z0-9]+\.[a-z0-9]+\d{2}@[a-z0-9.-]+\.[a-z]+$").all()
    assert mock("email", 100, domains=["acme.test"]).str.ends_with("@acme.test").all()
    assert (
        mock("ipv4", 5000)
        .map_elements(
            lambda v: all(0 <= int(p) <= 255 for p in v.split(".")), return_dtype=pl.Boolean
        )
        .all()
    )
    assert mock("ipv6", 1000).str.contains(r"^([0-9a-f]{4}:){7}[0-9a-f]{4}$").all()
    assert mock("url", 1000).str.contains(r"^https://www\.[a-z]+\.[a-z.]+/[a-z]+$").all()
    nl = mock("street_address", 1000, locale="nl_NL")
    assert nl.str.contains(r"^\D.* \d+$").all()  # Dutch: street then number
    us = mock("street_address", 1000, locale="en_US")
    assert us.str.contains(r"^\d+ ").all()  # US: number first


def test_gender_restricts_first_names() -> None:
    female = set(lexicon("en").female.to_list())
    names = mock("first_name", 3000, gender="female")
    assert set(names.to_list()) <= female
    assert len(set(mock("first_name", 3000).to_list()) - female) > 0


def test_locale_word_lists_differ_and_unknown_locale_fails() -> None:
    assert set(mock("city", 500, locale="nl_NL").to_list()) <= set(lexicon("nl").cities.to_list())
    assert dataset_code("nl_BE") == "nl-be"
    with pytest.raises(FauxdataError, match="unknown locale 'xx_XX'") as info:
        mock("city", locale="xx_XX")
    assert info.value.path == "tables.t.columns.v.generator"


@pytest.mark.parametrize("kind", ["email", "user_name", "ipv4", "credit_card", "postcode"])
def test_unique_mockers_never_repeat(kind: str) -> None:
    values = _unique(kind, 50_000)
    assert values.n_unique() == 50_000
    if kind == "credit_card":
        assert all(luhn_valid(v) for v in values.head(2000))


def _unique(kind: str, rows: int) -> pl.Series:
    spec = {
        "name": "m",
        "tables": {"t": {"rows": rows, "columns": {"v": {"unique": True, "generator": kind}}}},
    }
    return fauxdata.generate(spec).frames["t"]["v"]


def test_unique_first_names_fail_when_the_list_is_too_short() -> None:
    with pytest.raises(fauxdata.GenerationError, match="unique domain too small: 'first_name'"):
        _unique("first_name", 100_000)


def test_names_are_roughly_uniform_over_the_list() -> None:
    names = mock("last_name", 200_000)
    counts = names.value_counts()["count"].to_numpy()
    expected = 200_000 / lexicon("en").surnames.len()
    assert len(counts) > 0.99 * lexicon("en").surnames.len()
    assert abs(np.mean(counts) - expected) < 0.05 * expected
    assert re.fullmatch(r"[A-Z][A-Za-z' -]+", names[0])
