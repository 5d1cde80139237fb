"""Word lists per locale, from the pinned Mimesis datasets (and Faker where Mimesis lacks).

Loaded lazily, once per locale, as Polars Series so mockers can gather from them with
integer indices. A regional locale (``en_GB``) falls back to its language (``en``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec, module_from_spec, spec_from_file_location
from pathlib import Path
from typing import Any

import polars as pl

LOCALES = {
    "en_US": "en", "en": "en", "en_GB": "en-gb", "en_AU": "en-au", "en_CA": "en-ca",
    "de_DE": "de", "de": "de", "de_AT": "de-at", "de_CH": "de-ch",
    "nl_NL": "nl", "nl": "nl", "nl_BE": "nl-be",
    "fr_FR": "fr", "fr": "fr", "es_ES": "es", "es": "es", "es_MX": "es-mx",
    "it_IT": "it", "pt_PT": "pt", "pt_BR": "pt-br", "da_DK": "da", "sv_SE": "sv",
    "nb_NO": "no", "fi_FI": "fi", "pl_PL": "pl", "cs_CZ": "cs",
}  # fmt: skip

COUNTRY = {
    "en": "US", "en-gb": "GB", "en-au": "AU", "en-ca": "CA", "de": "DE", "de-at": "AT",
    "de-ch": "CH", "nl": "NL", "nl-be": "BE", "fr": "FR", "es": "ES", "es-mx": "MX",
    "it": "IT", "pt": "PT", "pt-br": "BR", "da": "DK", "sv": "SE", "no": "NO", "fi": "FI",
    "pl": "PL", "cs": "CZ",
}  # fmt: skip


def dataset_code(locale: str) -> str | None:
    """The Mimesis dataset folder for a locale such as nl_NL, or None if unknown."""
    code = LOCALES.get(locale) or LOCALES.get(locale.split("_")[0])
    if code is None:
        return None
    return code if _folder(code).is_dir() else None


def _folder(code: str) -> Path:
    return _datasets() / code


@cache
def _datasets() -> Path:
    """Mimesis' dataset folder, found without importing Mimesis (``resources.files``
    would: 0.24 CPU-s in every run that mocks, for a folder name)."""
    spec = find_spec("mimesis")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("mimesis, whose datasets the mockers read, is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets"


@cache
def _json(code: str, name: str) -> dict[str, object]:
    for candidate in (code, code.split("-")[0]):
        path = _folder(candidate) / f"{name}.json"
        if path.is_file():
            data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
            if candidate != code:
                return data
            base = _folder(code.split("-")[0]) / f"{name}.json"
            if "-" in code and base.is_file():  # regional data over its language's
                merged: dict[str, object] = json.loads(base.read_text(encoding="utf-8"))
                merged.update(data)
                return merged
            return data
    return {}


def _series(values: object) -> pl.Series:
    items = [str(v) for v in values] if isinstance(values, list) else []  # type: ignore[union-attr]
    return pl.Series(sorted(set(items)), dtype=pl.String)


def _mapping(value: object) -> dict[str, object]:
    """A nested JSON object, or an empty one where the dataset has something else."""
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[object]:
    """A JSON array, or an empty one where the dataset has something else."""
    return value if isinstance(value, list) else []


def _flat(values: object) -> list[str]:
    if isinstance(values, dict):
        return [
            str(v) for part in values.values() for v in (part if isinstance(part, list) else [part])
        ]
    return [str(v) for v in values] if isinstance(values, list) else []


@dataclass(frozen=True)
class Lexicon:
    """Everything the mockers draw from for one locale."""

    code: str
    country_code: str
    female: pl.Series
    male: pl.Series
    surnames: pl.Series
    cities: pl.Series
    states: pl.Series
    streets: pl.Series
    street_suffixes: pl.Series
    address_format: str
    postcode_format: str
    phone_formats: tuple[str, ...]
    companies: pl.Series
    company_types: pl.Series
    occupations: pl.Series
    words: pl.Series
    countries: pl.Series


@cache
def lexicon(code: str) -> Lexicon:
    person = _json(code, "person")
    address = _json(code, "address")
    finance = _json(code, "finance")
    text = _json(code, "text")
    names = _mapping(person.get("names", {}))
    street = address.get("street", {})
    company = finance.get("company", {})
    state = address.get("state", {})
    phones = tuple(dict.fromkeys(f for f in person.get("telephone_fmt", []) if f.isascii()))[:8]  # type: ignore[attr-defined]
    return Lexicon(
        code=code,
        country_code=COUNTRY.get(code, code.split("-")[-1].upper()),
        female=_series(names.get("female", [])),
        male=_series(names.get("male", [])),
        surnames=_series(_flat(person.get("surnames", []))),
        cities=_series(address.get("city", [])),
        states=_series(state.get("name", []) if isinstance(state, dict) else []),
        streets=_series(street.get("name", []) if isinstance(street, dict) else []),
        street_suffixes=_series(street.get("suffix", []) if isinstance(street, dict) else []),
        address_format=str(address.get("address_fmt", "{st_num} {st_name} {st_sfx}")),
        postcode_format=str(address.get("postal_code_fmt", "#####")),
        phone_formats=phones or ("+## ### ### ###",),
        companies=_series(company.get("name", []) if isinstance(company, dict) else []),
        company_types=_series(company.get("type", []) if isinstance(company, dict) else []),
        occupations=_series(person.get("occupation", [])),
        words=_series([w for w in _list(text.get("words", [])) if str(w).isalpha()]),
        countries=_series(_mapping(address.get("country", {})).get("name", [])),
    )


def _international(module: str, name: str) -> Any:
    """A constant of one of Mimesis' international data modules (``datasets/int/*.py``,
    plain literals without imports), read from that file alone: importing it runs
    Mimesis' package ``__init__`` first (0.16 CPU-s in every run that mocks)."""
    path = _datasets() / "int" / f"{module}.py"
    spec = spec_from_file_location(f"fauxdata._mimesis_{module}", path)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"mimesis' dataset {path}")
    loaded = module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return getattr(loaded, name)


@cache
def country_codes() -> pl.Series:
    codes = _international("address", "COUNTRY_CODES")
    return pl.Series(sorted(codes["a2"]), dtype=pl.String)


@cache
def email_domains() -> pl.Series:
    domains = _international("internet", "EMAIL_DOMAINS")
    return pl.Series(sorted(d.lstrip("@") for d in domains if "example" not in d), dtype=pl.String)


@cache
def top_level_domains() -> pl.Series:
    return pl.Series(
        ["com", "org", "net", "io", "nl", "de", "co.uk", "fr", "es", "eu"], dtype=pl.String
    )
