"""Columnar mockers: valid, locale-aware, deterministic per row, unique where natural."""

from __future__ import annotations

import importlib
import ipaddress
import re
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import polars as pl
import pytest

from fauxdata.errors import FauxdataError
from fauxdata.generators.base import ColumnContext, Generator
from fauxdata.spec.generators import Mock, MockKind
from fauxdata.spec.types import ColumnType

KINDS: list[str] = list(MockKind.__args__)  # type: ignore[attr-defined]
LOCALES = ["en_US", "en_GB", "de_DE", "nl_NL", "fr_FR", "es_ES"]


def _load_mockers() -> ModuleType:
    """Import the module although ``generators.mock`` still registers the same kinds.

    Registering a kind twice is refused, so the other implementation's registrations
    are set aside while this module's classes are defined, then put back unchanged.
    Once the package imports ``mockers`` itself, this is a plain import.
    """
    name = "fauxdata.generators.mockers"
    if name in sys.modules:
        return sys.modules[name]
    import fauxdata.generators  # noqa: F401  (fills the registry first)

    saved = dict(Generator.registry)
    for kind in KINDS:
        Generator.registry.pop(kind, None)
    try:
        return importlib.import_module(name)
    finally:
        Generator.registry.clear()
        Generator.registry.update(saved)


mockers = _load_mockers()
IMPLEMENTATION = {kind: cls for cls in mockers.MOCKERS for kind in cls.kinds}
UNIQUE = ["first_name", "last_name", "full_name", "email", "user_name", "phone", "city"]
UNIQUE += ["state", "postcode", "country", "country_code", "job_title", "iban", "credit_card"]
UNIQUE += ["ipv4", "ipv6"]


def context(seed: int = 1, locale: str = "en_US", n_rows: int = 1000) -> ColumnContext:
    return ColumnContext(
        seed=seed,
        table="t",
        column="c",
        n_rows=n_rows,
        type=ColumnType("text"),
        locale=locale,
        base_dir=Path(),
        lookup=lambda t, c, r: None,  # type: ignore[arg-type,return-value]
        table_rows=lambda t: 0,
    )


def mocker(kind: str, seed: int = 1, locale: str = "en_US", **params: object) -> Generator:
    spec = Mock.model_validate({"kind": kind, **params})
    return IMPLEMENTATION[kind](spec, context(seed, locale))


def values(kind: str, n: int = 1000, **params: object) -> pl.Series:
    return mocker(kind, **params).generate(np.arange(n, dtype=np.int64), {})  # type: ignore[arg-type]


def iban_valid(value: str) -> bool:
    moved = value[4:] + value[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def luhn_valid(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        total += (d * 2 - 9 if d > 4 else d * 2) if i % 2 else d
    return total % 10 == 0


EMAIL = re.compile(r"[a-z]+\.[a-z]+\d{0,2}@[a-z0-9-]+(\.[a-z0-9-]+)+")


def test_every_mock_kind_has_exactly_one_class() -> None:
    listed = [kind for cls in mockers.MOCKERS for kind in cls.kinds]
    assert sorted(listed) == sorted(KINDS)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_fills_every_row_with_text(kind: str, locale: str) -> None:
    out = values(kind, 1000, locale=locale)
    assert out.dtype == pl.String and out.len() == 1000 and out.null_count() == 0
    assert out.str.len_chars().min() > 0  # type: ignore[operator]
    assert out.n_unique() > 1


@pytest.mark.parametrize("kind", KINDS)
def test_blocks_and_row_subsets_reproduce_the_same_values(kind: str) -> None:
    gen = mocker(kind)
    whole = gen.generate(np.arange(1000, dtype=np.int64), {})
    halves = pl.concat(
        [
            gen.generate(np.arange(500, dtype=np.int64), {}),
            gen.generate(np.arange(500, 1000, dtype=np.int64), {}),
        ]
    )
    assert whole.equals(halves)
    picked = gen.generate(np.array([7, 3], dtype=np.int64), {})
    assert picked.to_list() == [whole[7], whole[3]]
    assert gen.generate(np.array([], dtype=np.int64), {}).len() == 0


@pytest.mark.parametrize("kind", KINDS)
def test_a_new_generator_and_only_the_seed_change_the_values(kind: str) -> None:
    assert values(kind).equals(values(kind))
    assert not values(kind).equals(values(kind, seed=2))


@pytest.mark.parametrize("locale", ["nl_NL", "de_DE", "en_GB", "fr_FR", "es_ES", "de_AT"])
def test_ibans_carry_the_country_and_valid_check_digits(locale: str) -> None:
    ibans = values("iban", 3000, locale=locale)
    assert ibans.str.slice(0, 2).unique().to_list() == [locale[-2:]]
    assert all(iban_valid(v) for v in ibans)
    assert not iban_valid(ibans[0][:2] + f"{(int(ibans[0][2:4]) + 1) % 100:02d}" + ibans[0][4:])


def test_ibans_have_their_countrys_length_and_layout() -> None:
    assert values("iban", 500, locale="nl_NL").str.contains(r"^NL\d{2}[A-Z]{4}\d{10}$").all()
    assert values("iban", 500, locale="de_DE").str.contains(r"^DE\d{20}$").all()
    assert values("iban", 500, locale="en_GB").str.contains(r"^GB\d{2}[A-Z]{4}\d{14}$").all()


def test_credit_cards_pass_luhn_and_look_like_visa_or_mastercard() -> None:
    cards = values("credit_card", 5000)
    assert cards.str.contains(r"^(4\d{15}|5[1-5]\d{14})$").all()
    assert all(luhn_valid(c) for c in cards)
    assert not luhn_valid(cards[0][:-1] + str((int(cards[0][-1]) + 1) % 10))
    assert 0.45 < cards.str.starts_with("4").mean() < 0.55  # type: ignore[operator]


def test_emails_are_lower_case_ascii_first_dot_last() -> None:
    for locale in LOCALES:
        emails = values("email", 2000, locale=locale)
        assert emails.str.contains(EMAIL.pattern).all(), locale
        assert all(EMAIL.fullmatch(e) for e in emails), locale


def test_emails_and_urls_use_the_given_domains() -> None:
    emails = values("email", 500, domains=["example.com", "@Example.org "])
    assert set(emails.str.split("@").list.last()) == {"example.com", "example.org"}
    urls = values("url", 500, domains=["shop.example.com"])
    assert urls.str.starts_with("https://shop.example.com/").all()


def test_empty_domains_are_refused_when_the_generator_is_built() -> None:
    with pytest.raises(FauxdataError, match="no domain"):
        mocker("email", domains=["  "])


@pytest.mark.parametrize(
    ("locale", "pattern"),
    [
        ("en_US", r"\d{5}"),
        ("nl_NL", r"[1-9]\d{3} [A-Z]{2}"),
        ("en_GB", r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}"),
        ("de_DE", r"\d{5}"),
        ("fr_FR", r"\d{5}"),
    ],
)
def test_postcodes_follow_the_locales_format(locale: str, pattern: str) -> None:
    codes = values("postcode", 3000, locale=locale)
    assert codes.str.contains(f"^{pattern}$").all()


def test_british_postcodes_use_every_outward_code_shape() -> None:
    outward = values("postcode", 3000, locale="en_GB").str.split(" ").list.first()
    shapes = outward.str.replace_all(r"[A-Z]", "A").str.replace_all(r"\d", "9")
    assert set(shapes) == {"A9", "A99", "AA9", "AA99", "A9A", "AA9A"}


def test_phones_fill_the_locales_formats_with_digits() -> None:
    phones = values("phone", 2000, locale="nl_NL")
    assert phones.str.contains(r"^\+31 (\d{2} \d{3} \d{4}|\d{2} \d{7}|6 \d{8})$").all()
    us = values("phone", 2000)
    assert us.str.starts_with("+1").all() and not us.str.contains("#").any()


def test_network_addresses_parse() -> None:
    for v in values("ipv4", 2000):
        address = ipaddress.IPv4Address(v)
        assert str(address) == v and not address.is_loopback
    ipv6 = values("ipv6", 2000)
    assert ipv6.str.contains(r"^([0-9a-f]{4}:){7}[0-9a-f]{4}$").all()
    assert all(ipaddress.IPv6Address(v).is_global for v in ipv6)


def test_urls_and_sentences_look_like_them() -> None:
    urls = values("url", 1000, locale="de_DE")
    assert urls.str.contains(r"^https://www\.[a-z]{3,}\.[a-z.]+/[a-z-]+/[a-z]{3,}$").all()
    sentences = values("sentence", 1000)
    assert sentences.str.contains(r"^[A-Z]\S*( \S+){5,13}\.$").all()


def test_user_names_are_handles_with_optional_digits() -> None:
    names = values("user_name", 2000, locale="fr_FR")
    assert names.str.contains(r"^[a-z]+[._]?[a-z]+\d{0,2}$").all()


def test_street_addresses_follow_the_locales_order() -> None:
    assert values("street_address", 500).str.contains(r"^\d+ \S").all()
    assert values("street_address", 500, locale="de_DE").str.contains(r"\S \d+$").all()


def test_country_codes_are_iso_alpha_2() -> None:
    codes = values("country_code", 2000)
    assert codes.str.contains(r"^[A-Z]{2}$").all()
    assert {"NL", "US", "DE"} <= set(mocker("country_code").at_domain(np.arange(246), {}))  # type: ignore[arg-type]


@pytest.mark.parametrize("gender", ["female", "male"])
def test_gender_restricts_first_names_to_its_list(gender: str) -> None:
    lists = mockers.word_lists(mockers.resolve_locale("en_US"))
    allowed = set(getattr(lists, gender))
    other = set(lists.female if gender == "male" else lists.male) - allowed
    firsts = values("first_name", 3000, gender=gender)
    assert set(firsts) <= allowed and not set(firsts) & other
    fulls = values("full_name", 1000, gender=gender).str.split(" ").list.first()
    assert set(fulls) <= allowed


@pytest.mark.parametrize("locale", ["xx", "en_ZZ", "klingon"])
def test_unknown_locale_fails_when_the_generator_is_built(locale: str) -> None:
    with pytest.raises(FauxdataError, match=f"unknown locale '{locale}'") as info:
        mocker("city", locale=locale)
    assert info.value.path == "tables.t.columns.c.generator"
    assert info.value.hint


def test_misspelt_locale_gets_a_suggestion() -> None:
    with pytest.raises(FauxdataError) as info:
        mocker("city", locale="nl_NK")
    assert "did you mean 'nl_NL'" in info.value.hint


def test_regions_of_a_known_language_fall_back_to_it() -> None:
    assert mockers.resolve_locale("de_AT").dataset == "de-at"
    assert mockers.resolve_locale("en_US").dataset == "en"
    assert mockers.resolve_locale("es_AR").dataset == "es"
    assert mockers.resolve_locale("nl-nl").name == "nl_NL"
    assert values("city", 200, locale="es_AR").null_count() == 0


@pytest.mark.parametrize("kind", UNIQUE)
def test_unique_domains_are_injective_and_valid(kind: str) -> None:
    gen = mocker(kind, locale="en_GB" if kind == "postcode" else "en_US")
    size = gen.domain_size()
    assert size is not None and size > 0
    sample = np.unique(np.random.default_rng(0).integers(0, size, 100_000, dtype=np.int64))
    sample = np.concatenate([[0, size - 1], sample[(sample > 0) & (sample < size - 1)]])
    out = gen.at_domain(sample, {})
    assert out.dtype == pl.String and out.null_count() == 0
    assert out.n_unique() == min(len(sample), size)
    if kind == "iban":
        assert all(iban_valid(v) for v in out)
    if kind == "credit_card":
        assert all(luhn_valid(v) for v in out)
    if kind == "email":
        assert all(EMAIL.fullmatch(v) for v in out)
    assert gen.at_domain(sample[[5, 1]], {}).to_list() == [out[5], out[1]]


def test_small_domains_are_enumerated_completely() -> None:
    gen = mocker("postcode", locale="nl_NL")
    size = gen.domain_size()
    assert size == 9000 * 26 * 26
    every = gen.at_domain(np.arange(size, dtype=np.int64), {})
    assert every.n_unique() == size
    assert every.str.contains(r"^[1-9]\d{3} [A-Z]{2}$").all()


@pytest.mark.parametrize("kind", ["street_address", "company", "url", "sentence"])
def test_free_text_kinds_refuse_unique(kind: str) -> None:
    gen = mocker(kind)
    assert gen.domain_size() is None
    with pytest.raises(FauxdataError, match="unique"):
        gen.at_domain(np.arange(3, dtype=np.int64), {})
