"""Word lists and formats per locale, read once from the pinned Mimesis and Faker data.

Mockers sample integer indices and gather from these lists, so everything here is loaded
once per locale (``lru_cache``), de-duplicated and sorted: a stable order keeps output
stable across runs, and duplicate-free lists make "the i-th word" an injective map, which
unique columns rely on. Mimesis is the main source (names, addresses, phones, text);
Faker fills what Mimesis lacks (job titles, email domains, TLDs, bank account formats).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import pkgutil
import string
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import polars as pl

#: Region assumed for a bare language code such as ``en`` or ``nl``.
_DEFAULT_REGION = {
    "ar": "SA", "cs": "CZ", "da": "DK", "el": "GR", "en": "US", "et": "EE", "fa": "IR",
    "hr": "HR", "is": "IS", "ja": "JP", "kk": "KZ", "ko": "KR", "nb": "NO", "no": "NO",
    "sv": "SE", "uk": "UA", "zh": "CN",
}  # fmt: skip
#: Language codes that Mimesis spells differently.
_DATASET_ALIAS = {"nb": "no", "nn": "no"}

#: Postcode formats where Mimesis's single format is wrong or too narrow.
#: '#' is a digit, '%' a digit 1-9, '@' a capital letter.
_POSTCODES = {
    "NL": ("%### @@",),
    "BE": ("%###",),
    "GB": ("@# #@@", "@## #@@", "@@# #@@", "@@## #@@", "@#@ #@@", "@@#@ #@@"),
}
#: Used where Faker has no free-mail list for a locale.
_FALLBACK_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com")
#: Letters that Unicode decomposition does not reduce to ASCII.
_TRANSLIT = str.maketrans(
    {"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "þ": "th"}
)
_ADDRESS_FIELDS = {"st_num", "st_name", "st_sfx"}


@dataclass(frozen=True)
class Locale:
    """A resolved locale: the Mimesis dataset to read and the country it stands for."""

    name: str
    language: str
    region: str
    dataset: str


@dataclass(frozen=True)
class WordLists:
    """Everything the mockers sample from for one locale, as String Series."""

    female: pl.Series
    male: pl.Series
    surnames: pl.Series
    cities: pl.Series
    states: pl.Series
    countries: pl.Series
    streets: pl.Series
    street_suffixes: pl.Series
    companies: pl.Series
    company_types: pl.Series
    jobs: pl.Series
    words: pl.Series
    slugs: pl.Series
    """Words folded to lower-case ASCII letters, for host names and URL paths."""
    email_domains: pl.Series
    tlds: pl.Series
    address_format: str
    postcode_formats: tuple[str, ...]
    phone_formats: tuple[str, ...]
    iban_country: str
    bban_format: str


# --- locales ---------------------------------------------------------------------------


def _datasets_root() -> Any:
    return resources.files("mimesis") / "datasets"


@lru_cache(maxsize=1)
def _datasets() -> frozenset[str]:
    """Mimesis dataset folders that hold locale data (not the generic 'int' one)."""
    return frozenset(
        p.name for p in _datasets_root().iterdir() if p.is_dir() and (p / "person.json").is_file()
    )


@lru_cache(maxsize=1)
def _regions() -> frozenset[str]:
    from mimesis.datasets.int.address import COUNTRY_CODES

    return frozenset(COUNTRY_CODES["a2"])


def resolve_locale(name: str) -> Locale | None:
    """Map ``en_US`` / ``en-GB`` / ``nl`` to a dataset; None when there is none.

    ``xx_YY`` reads the regional dataset ``xx-yy`` where Mimesis has one (en_GB, de_AT),
    else the language's own (en_US -> en), so any real region of a known language works.
    """
    language, _, region = name.replace("-", "_").partition("_")
    language, region = (
        language.lower(),
        region.upper() or _DEFAULT_REGION.get(language.lower(), language.upper()),
    )
    base = _DATASET_ALIAS.get(language, language)
    datasets = _datasets()
    dataset = next((d for d in (f"{base}-{region.lower()}", base) if d in datasets), None)
    if dataset is None or region not in _regions():
        return None
    return Locale(f"{language}_{region}", language, region, dataset)


@lru_cache(maxsize=1)
def known_locales() -> tuple[str, ...]:
    """Locale names to suggest in errors, e.g. en_US, en_GB, nl_NL."""
    names = set()
    for dataset in _datasets():
        language, _, region = dataset.partition("-")
        names.add(f"{language}_{(region or _DEFAULT_REGION.get(language, language)).upper()}")
    return tuple(sorted(names))


# --- raw data --------------------------------------------------------------------------


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Regional data over its language's, key by key, so en-gb keeps en's country names."""
    merged = dict(base)
    for key, value in over.items():
        old = merged.get(key)
        merged[key] = (
            _merge(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
        )
    return merged


@lru_cache(maxsize=64)
def _mimesis(dataset: str, name: str) -> dict[str, Any]:
    def read(folder: str) -> dict[str, Any]:
        path = _datasets_root() / folder / f"{name}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    language = dataset.split("-")[0]
    return _merge(read(language), read(dataset)) if language != dataset else read(dataset)


def _faker(provider: str, locale: Locale, attr: str) -> Any:
    """An attribute of Faker's provider for the locale (or its language), or None."""
    for suffix in (f"{locale.language}_{locale.region}", locale.language):
        module = f"faker.providers.{provider}.{suffix}"
        if importlib.util.find_spec(module) is not None:
            value = getattr(importlib.import_module(module).Provider, attr, None)
            if value:
                return value
    return None


def _get(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    return data


def _series(values: Any) -> pl.Series:
    """Distinct, sorted, non-empty strings: a stable order and an injective index."""
    flat = values if isinstance(values, list | tuple) else []
    return pl.Series(sorted({str(v).strip() for v in flat} - {""}), dtype=pl.String)


def fold(word: str) -> str:
    """Lower-case ASCII letters only: 'Müller-Lüdenscheidt' -> 'muellerludenscheidt'-ish."""
    text = unicodedata.normalize("NFKD", word.lower().translate(_TRANSLIT))
    return "".join(c for c in text if c in string.ascii_lowercase)


def handles(words: pl.Series) -> pl.Series:
    """Folded, distinct forms of names for emails and user names (José and Jose are one)."""
    return _series([fold(w) for w in words.to_list()])


# --- the lists -------------------------------------------------------------------------


def _jobs(locale: Locale, person: dict[str, Any]) -> pl.Series:
    """Faker's job titles plus Mimesis's occupations; English when a locale has few."""
    titles = list(_faker("job", locale, "jobs") or []) + list(person.get("occupation", []))
    if len(set(titles)) < 50:
        from faker.providers.job import Provider

        titles = list(Provider.jobs)
    return _series(titles)


@lru_cache(maxsize=1)
def _bank_formats() -> dict[str, tuple[str, str]]:
    """Faker's BBAN formats by locale suffix: {'nl_NL': ('NL', '????##########'), ...}."""
    import faker.providers.bank as bank

    found = {}
    for info in pkgutil.iter_modules(bank.__path__):
        provider = importlib.import_module(f"{bank.__name__}.{info.name}").Provider
        found[info.name] = (provider.country_code, provider.bban_format)
    return found


def _bban(locale: Locale) -> tuple[str, str]:
    """The IBAN country and BBAN format: the locale's own, else its language's, else DE.

    Countries outside the IBAN system (the US) get a real IBAN country so the value
    stays valid rather than inventing a country code banks would reject.
    """
    formats = _bank_formats()
    by_country = {cc: fmt for cc, fmt in sorted(formats.values())}
    if locale.region in by_country:
        return locale.region, by_country[locale.region]
    same_language = sorted(k for k in formats if k.split("_")[0] == locale.language)
    return formats[same_language[0]] if same_language else ("DE", by_country["DE"])


def _address_format(address: dict[str, Any]) -> str:
    fmt = str(address.get("address_fmt") or "{st_num} {st_name}")
    fields = {f for _, f, _, _ in string.Formatter().parse(fmt) if f is not None}
    return fmt if fields and fields <= _ADDRESS_FIELDS else "{st_num} {st_name}"


def _phone_formats(person: dict[str, Any]) -> tuple[str, ...]:
    formats = sorted({str(f) for f in person.get("telephone_fmt", []) if "#" in str(f)})
    return tuple(formats) or ("+## ### ### ####",)


def _postcodes(locale: Locale, address: dict[str, Any]) -> tuple[str, ...]:
    if locale.region in _POSTCODES:
        return _POSTCODES[locale.region]
    return (str(address.get("postal_code_fmt") or "#####"),)


@lru_cache(maxsize=32)
def word_lists(locale: Locale) -> WordLists:
    """Load every list a mocker may need for the locale, once."""
    person = _mimesis(locale.dataset, "person")
    address = _mimesis(locale.dataset, "address")
    finance = _mimesis(locale.dataset, "finance")
    text = _mimesis(locale.dataset, "text") or _mimesis("en", "text")
    words = [w for w in text.get("words", []) if str(w).isalpha()] or _mimesis("en", "text")[
        "words"
    ]
    iban_country, bban = _bban(locale)
    return WordLists(
        female=_series(_get(person, "names", "female")),
        male=_series(_get(person, "names", "male")),
        surnames=_series(_flat(person.get("surnames"))),
        cities=_series(address.get("city")),
        states=_series(_get(address, "state", "name")),
        countries=_series(_get(address, "country", "name")),
        streets=_series(_get(address, "street", "name")),
        street_suffixes=_series(_get(address, "street", "suffix")),
        companies=_series(_get(finance, "company", "name")),
        company_types=_series(_get(finance, "company", "type", "abbr")),
        jobs=_jobs(locale, person),
        words=_series(words),
        slugs=_series([s for s in map(fold, words) if len(s) >= 3]),
        email_domains=_series(
            _faker("internet", locale, "free_email_domains") or _FALLBACK_DOMAINS
        ),
        tlds=_series(_faker("internet", locale, "tlds") or ("com", "net", "org")),
        address_format=_address_format(address),
        postcode_formats=_postcodes(locale, address),
        phone_formats=_phone_formats(person),
        iban_country=iban_country,
        bban_format=bban.replace("?", "@"),
    )


def _flat(values: Any) -> list[str]:
    """Surnames are a list in most locales and a {gender: list} mapping in some."""
    if isinstance(values, dict):
        return [str(v) for part in values.values() if isinstance(part, list) for v in part]
    return [str(v) for v in values] if isinstance(values, list) else []


@lru_cache(maxsize=1)
def country_codes() -> pl.Series:
    """ISO 3166-1 alpha-2 codes."""
    return pl.Series(sorted(_regions()), dtype=pl.String)
