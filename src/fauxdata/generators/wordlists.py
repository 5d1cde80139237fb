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
import math
import pkgutil
import string
import unicodedata
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]

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
#: Largest unique domain offered: fits int64 indices and the engine's permutation.
CAP = 10**18
_SLOT_KINDS = {ord("#"): (10, ord("0")), ord("%"): (9, ord("1")), ord("@"): (26, ord("A"))}
_CHARS = {  # which bytes a format position can hold, as a 256-bit set
    ord("#"): sum(1 << c for c in range(48, 58)),
    ord("%"): sum(1 << c for c in range(49, 58)),
    ord("@"): sum(1 << c for c in range(65, 91)),
}


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


_ENGLISH = Locale("en_US", "en", "US", "en")


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
    """Every list a mocker may need for the locale, loaded once.

    A list the locale's data lacks (or too few words to make host names from) comes
    from English, so every kind works in every known locale.
    """
    lists = _load(locale)
    if locale.dataset == "en":
        return lists
    english = word_lists(_ENGLISH)
    missing = {
        f.name: getattr(english, f.name)
        for f in fields(lists)
        if isinstance(value := getattr(lists, f.name), pl.Series)
        and value.len() < (100 if f.name == "slugs" else 1)
    }
    return replace(lists, **missing)


def _load(locale: Locale) -> WordLists:
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
def uri_paths() -> pl.Series:
    """First path segments of URLs (Faker's): app, blog, category, ..."""
    from faker.providers.internet import Provider

    return _series(list(Provider.uri_paths))


@lru_cache(maxsize=1)
def country_codes() -> pl.Series:
    """ISO 3166-1 alpha-2 codes."""
    return pl.Series(sorted(_regions()), dtype=pl.String)


@lru_cache(maxsize=64)
def first_names(locale: Locale, gender: str | None) -> tuple[pl.Series, pl.Series]:
    """First names for a gender (both when None) and their email-safe handles."""
    lists = word_lists(locale)
    names = {"female": lists.female, "male": lists.male}.get(gender or "")
    if names is None:
        names = pl.concat([lists.female, lists.male]).unique().sort()
    if locale.dataset == "en":
        return names, handles(names)
    return names, _latin(handles(names), first_names(_ENGLISH, gender)[1])


@lru_cache(maxsize=64)
def last_handles(locale: Locale) -> pl.Series:
    found = handles(word_lists(locale).surnames)
    return found if locale.dataset == "en" else _latin(found, last_handles(_ENGLISH))


def _latin(found: pl.Series, english: pl.Series) -> pl.Series:
    """Names in other scripts (ja, zh, ru) fold to nothing: mail handles come from English."""
    return found if found.len() >= 20 else english


# --- formats: '#' digit, '%' digit 1-9, '@' capital letter -------------------------------


@dataclass(frozen=True)
class Formats:
    """Formats compiled to arrays, so rows of different formats fill in one pass.

    Slot j of format f is byte ``position[f, j]``. A format with fewer slots points the
    rest at a scratch column past the widest format and gives them radix 1.
    """

    texts: tuple[str, ...]
    template: U8
    width: I64
    position: I64
    radix: I64
    zero: U8
    beyond: npt.NDArray[np.bool_]
    """Slots whose place value (product of the radices right of them) reaches CAP."""
    sizes: tuple[int, ...]

    @property
    def slots(self) -> int:
        return int(self.radix.shape[1])


@lru_cache(maxsize=128)
def compile_formats(texts: tuple[str, ...]) -> Formats:
    encoded = [t.encode("utf-8") for t in texts]
    width = max(len(e) for e in encoded)
    n_slots = max(sum(b in _SLOT_KINDS for b in e) for e in encoded)
    template = np.zeros((len(texts), width + 1), dtype=np.uint8)
    position = np.full((len(texts), n_slots), width, dtype=np.int64)
    radix = np.ones((len(texts), n_slots), dtype=np.int64)
    zero = np.zeros((len(texts), n_slots), dtype=np.uint8)
    for f, text in enumerate(encoded):
        template[f, : len(text)] = np.frombuffer(text, dtype=np.uint8)
        for j, at in enumerate(i for i, b in enumerate(text) if b in _SLOT_KINDS):
            position[f, j] = at
            radix[f, j], zero[f, j] = _SLOT_KINDS[text[at]]
    beyond = np.array(
        [[math.prod(int(r) for r in row[j + 1 :]) >= CAP for j in range(n_slots)] for row in radix],
        dtype=np.bool_,
    ).reshape(len(texts), n_slots)
    sizes = tuple(math.prod(int(r) for r in row) for row in radix)
    widths = np.array([len(e) for e in encoded], dtype=np.int64)
    return Formats(texts, template, widths, position, radix, zero, beyond, sizes)


def _char_sets(text: str) -> list[int]:
    return [_CHARS.get(b, 1 << b) for b in text.encode("utf-8")]


def _overlap(a: list[int], b: list[int]) -> bool:
    return len(a) == len(b) and all(x & y for x, y in zip(a, b, strict=True))


@lru_cache(maxsize=128)
def enumerable(texts: tuple[str, ...]) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """Formats whose values no other kept format can produce, their offsets, and the total.

    Greedy, largest first: '+1-325-###-####' and '+1-330-###-####' never collide, so a
    unique phone column can use all of them; a format that could repeat another's values
    is left out of the unique domain.
    """
    compiled = compile_formats(tuple(dict.fromkeys(texts)))
    sets = [_char_sets(t) for t in compiled.texts]
    kept: list[int] = []
    for f in sorted(range(len(sets)), key=lambda f: -compiled.sizes[f]):
        if not any(_overlap(sets[f], sets[k]) for k in kept):
            kept.append(f)
    chosen, starts, total = [], [], 0
    for f in kept:
        if total < CAP:
            chosen.append(texts.index(compiled.texts[f]))
            starts.append(total)
            total += min(compiled.sizes[f], CAP)
    return tuple(chosen), tuple(starts), min(total, CAP)
