"""What the scanner reports: the PII categories, a finding, and the mocker per category.

A category is the *kind* of personal data a column holds, chosen so that each one maps to
exactly one generator that mocks it (``mocker_for``). A finding carries evidence that
names the rule or the value pattern that fired, never a value, so a scan report can be
pasted into a ticket or a log without leaking what it found.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

Basis = Literal["name", "value", "name+value"]

CATEGORIES: dict[str, str] = {
    "email": "an email address",
    "phone": "a telephone or mobile number",
    "person_name": "a person's full name",
    "first_name": "a person's first (given) name",
    "last_name": "a person's last (family) name",
    "user_name": "a login or user name that identifies a person",
    "gender": "a person's gender or sex",
    "date_of_birth": "a person's date of birth",
    "age": "a person's age in years (derived from the date of birth)",
    "street_address": "a street address or address line",
    "postcode": "a postal code (US ZIP, NL, UK, DE, ...)",
    "city": "the city or place a person lives in",
    "region": "the state or province of a person's address",
    "geolocation": "a latitude or longitude (a person's location)",
    "national_id": "a national identity number (US SSN, Dutch BSN, Spanish DNI, ...)",
    "tax_id": "a personal tax identification number (Steuer-ID, NIF, TIN, ...)",
    "passport": "a passport or identity document number",
    "iban": "an international bank account number (IBAN)",
    "bank_account": "a bank account number that is not an IBAN",
    "credit_card": "a payment card number (PAN)",
    "ip_address": "an IPv4 or IPv6 address (identifies a device or person online)",
    "salary": "a person's salary, wage or income",
    "free_text": "free text that contains PII (emails, phone numbers, IBANs inside sentences)",
}
"""Every category the scanner reports, with its meaning (also used in ``--json`` output)."""

FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"person_name", "first_name", "last_name"}),
    frozenset({"iban", "bank_account"}),
    frozenset({"national_id", "tax_id"}),
    frozenset({"user_name", "email"}),
)
"""Categories a name rule and a value detector may swap: the values tell which one."""


def related(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are the same category or of one family."""
    return a == b or any(a in family and b in family for family in FAMILIES)


@dataclass(frozen=True)
class Finding:
    """One column that holds PII.

    ``evidence`` says why (the name rule, or how many sampled values matched which
    pattern); it never contains a sampled value or part of one. ``variant`` refines the
    category where the mocker needs it: the country of a national id or postcode
    (``US``, ``NL``, ``GB``, ``DE``) or the IP version (``ipv4``, ``ipv6``).
    """

    table: str
    column: str
    category: str
    evidence: str
    confidence: float
    basis: Basis
    variant: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``; the confidence is rounded to two decimals."""
        data = asdict(self)
        data["confidence"] = round(self.confidence, 2)
        return data

    def mocker(self, column_type: str | None = None) -> dict[str, Any]:
        """The generator spec that mocks this column (see ``mocker_for``)."""
        return mocker_for(self.category, column_type, variant=self.variant)


def type_family(column_type: str | None) -> str | None:
    """Coarse family of a SQL or Polars type name: text, integer, number, boolean, date,
    datetime, binary or other (None when unknown). Used to veto name hits whose type
    cannot hold the category (``email_verified boolean`` is not an email)."""
    if not column_type:
        return None
    t = column_type.lower()
    checks = (
        ("boolean", r"^bool"),
        ("datetime", r"timestamp|datetime|^time|interval|duration"),
        ("date", r"^date"),
        ("integer", r"int|serial|^long|^short|^u?int"),
        ("number", r"numeric|decimal|float|double|real|money|^number"),
        ("text", r"char|text|string|str|clob|^enum|citext|^utf8|categorical|^name$"),
        ("binary", r"binary|blob|bytea|bytes"),
        ("ip", r"^inet|^cidr"),
    )
    for family, pattern in checks:
        if re.search(pattern, t):
            return family
    return "other"


_TEXTUAL = frozenset({"text", "other", "ip"})
_ALLOWED: dict[str, frozenset[str]] = {
    "date_of_birth": frozenset({"date", "datetime", "text", "integer", "other"}),
    "age": frozenset({"integer", "number", "text"}),
    "salary": frozenset({"integer", "number", "text", "other"}),
    "geolocation": frozenset({"number", "text", "other"}),
    "gender": frozenset({"text", "integer", "boolean", "other"}),
    **{
        c: _TEXTUAL | {"integer"}
        for c in ("phone", "postcode", "national_id", "tax_id", "credit_card", "bank_account")
    },
}


def type_allows(category: str, column_type: str | None) -> bool:
    """Whether a column of this type can hold the category (unknown types can)."""
    family = type_family(column_type)
    if family is None:
        return True
    return family in _ALLOWED.get(category, _TEXTUAL)


_IBAN_LOCALES = {
    "NL": "nl_NL",
    "DE": "de_DE",
    "GB": "en_GB",
    "FR": "fr_FR",
    "ES": "es_ES",
    "BE": "nl_BE",
    "IT": "it_IT",
}
"""IBAN countries the ``iban`` mocker builds, by the locale that selects them."""


NATIONAL_ID_COUNTRIES = ("US", "NL", "ES", "IT", "FR", "BR")
"""Countries whose national identity numbers the ``national_id`` mocker builds."""


def _width(column_type: str | None) -> int | None:
    """The declared length of a ``char(n)`` or ``varchar(n)`` column, or None."""
    found = re.search(r"char\s*\(\s*(\d+)\s*\)", (column_type or "").lower())
    return int(found.group(1)) if found else None


def mocker_for(
    category: str, column_type: str | None = None, *, variant: str | None = None
) -> dict[str, Any]:
    """The generator spec (a plain dict, as written in YAML) that mocks a category.

    The column type picks between shapes where one mocker cannot fit every column
    (an integer postcode column gets integers, a ``char(1)`` gender gets ``F``/``M``);
    ``variant`` picks the country or IP version a finding detected.

    Raises:
        ValueError: the category is unknown (the message lists the known ones).
    """
    family = type_family(column_type)
    country_locale = {"NL": "nl_NL", "DE": "de_DE", "GB": "en_GB", "US": "en_US"}
    match category:
        case "email" | "phone" | "first_name" | "last_name" | "user_name" | "city":
            return {"kind": category}
        case "iban":
            locale = _IBAN_LOCALES.get(variant or "")
            return {"kind": "iban", "locale": locale} if locale else {"kind": "iban"}
        case "street_address" | "credit_card":
            return {"kind": category}
        case "person_name":
            return {"kind": "full_name"}
        case "region":
            return {"kind": "state"}
        case "postcode":
            if family in ("integer", "number"):
                return {"kind": "uniform_int", "min": 1000, "max": 99999}
            if variant in country_locale:
                return {"kind": "postcode", "locale": country_locale[variant]}
            return {"kind": "postcode"}
        case "national_id":
            country = variant if variant in NATIONAL_ID_COUNTRIES else "US"
            spec: dict[str, Any] = {"kind": "national_id", "country": country}
            formatted_width = {"BR": 14, "FR": 21}.get(country)
            if formatted_width is not None and _width(column_type) == formatted_width:
                spec["separators"] = True  # the column is as wide as 123.456.789-09
            return spec
        case "ip_address":
            return {"kind": "ipv6" if variant == "ipv6" else "ipv4"}
        case "date_of_birth":
            return {"kind": "date", "start": "1940-01-01", "end": "2007-12-31"}
        case "age":
            return {"kind": "uniform_int", "min": 18, "max": 85}
        case "gender":
            short = _width(column_type) == 1
            values = ["F", "M"] if short else ["female", "male"]
            return {"kind": "choice", "values": {values[0]: 0.5, values[1]: 0.5}}
        case "geolocation":
            return {"kind": "uniform", "min": -90.0, "max": 90.0, "decimals": 6}
        case "salary":
            if family == "integer":  # lognormal draws doubles, which an integer column refuses
                return {"kind": "uniform_int", "min": 25000, "max": 160000}
            return {
                "kind": "lognormal", "mu": 10.8, "sigma": 0.4,
                "min": 12000, "max": 500000, "decimals": 2,
            }  # fmt: skip
        case "tax_id":
            return {"kind": "regex", "pattern": "[0-9]{9}"}
        case "passport":
            return {"kind": "regex", "pattern": "[A-Z]{2}[0-9]{7}"}
        case "bank_account":
            return {"kind": "regex", "pattern": "[0-9]{10}"}
        case "free_text":
            return {"kind": "sentence"}
    raise ValueError(f"unknown PII category '{category}'; known: {', '.join(CATEGORIES)}")
