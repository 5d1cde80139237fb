"""PII by value: what a sample of one column says about it.

Two questions, kept apart because they need different certainty:

* ``detect``: with no help from the name, do most sampled values have a shape that is
  PII by itself (an IBAN with valid check digits, a Luhn-valid card number, an email)?
* ``confirm``: the name points to a category; do the values agree (then the finding is
  stronger), disagree (a weak name hit is dropped: ``state`` holding ``ACTIVE``), or say
  nothing either way?

Values stay in memory. A ``ValueHit`` carries counts and the name of the pattern that
matched, never a value or part of one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from fauxdata.generators import national_ids as ids
from fauxdata.pii import patterns as p
from fauxdata.pii.categories import related
from fauxdata.pii.names import match_name

DETECT = 0.8
"""Share of sampled values that must match for a value-only finding."""
CONFIRM = 0.6
VETO = 0.2
LISTED = frozenset({"person_name", "first_name", "last_name", "city", "region"})
"""Checked against word lists, which are incomplete: lower bars for both verdicts."""


@dataclass(frozen=True)
class ValueHit:
    """``matched`` of ``checked`` sampled values look like ``category``."""

    category: str
    matched: int
    checked: int
    evidence: str
    confidence: float
    variant: str | None = None

    @property
    def share(self) -> float:
        return self.matched / self.checked if self.checked else 0.0

    def agrees(self) -> bool:
        """The values back the category (for free text: one text with PII is enough)."""
        if self.category == "free_text":
            return self.matched > 0
        return self.share >= (CONFIRM - 0.1 if self.category in LISTED else CONFIRM)

    def disagrees(self) -> bool:
        """The values speak against the category: a weak name hit is dropped."""
        if self.category == "free_text":
            return self.matched == 0
        return self.share < (VETO / 2 if self.category in LISTED else VETO)


@dataclass(frozen=True)
class Sample:
    """A column's non-null sampled values, seen as text, and as numbers or dates when
    they are (or all parse as) numbers or dates."""

    text: pl.Series
    numbers: pl.Series | None = None
    dates: pl.Series | None = None
    has_time: bool = False

    @property
    def checked(self) -> int:
        return self.text.len()


def prepare(values: Sequence[Any] | pl.Series) -> Sample | None:
    """The sample as Polars series, or None when it holds no non-null value."""
    series = values if isinstance(values, pl.Series) else _series(values)
    series = series.drop_nulls()
    if series.dtype.is_float():
        series = series.filter(series.is_not_nan())
    if series.len() == 0:
        return None
    if series.dtype == pl.Date or series.dtype == pl.Datetime:
        dates = series.dt.date() if series.dtype == pl.Datetime else series
        has_time = series.dtype == pl.Datetime and bool((series.dt.time() != dt.time()).any())
        return Sample(series.cast(pl.String), dates=dates, has_time=has_time)
    if series.dtype.is_numeric():
        return Sample(series.cast(pl.String), numbers=series.cast(pl.Float64))
    if series.dtype == pl.Binary:
        series = pl.Series([v.decode("utf-8", "replace") for v in series.to_list()])
    elif series.dtype.is_nested() or series.dtype == pl.Object:
        series = pl.Series([str(v) for v in series.to_list()], dtype=pl.String)
    text = series.cast(pl.String).str.strip_chars()
    text = text.filter(text.str.len_chars() > 0)
    if text.len() == 0:
        return None
    numbers = text.cast(pl.Float64, strict=False)
    parsed, stamped = _parse_dates(text)
    return Sample(
        text,
        numbers=numbers if numbers.null_count() == 0 else None,
        dates=parsed,
        has_time=stamped,
    )


def _series(values: Sequence[Any]) -> pl.Series:
    try:
        return pl.Series("v", list(values), strict=False)
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        return pl.Series("v", [None if v is None else str(v) for v in values], dtype=pl.String)


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d")


def _parse_dates(text: pl.Series) -> tuple[pl.Series | None, bool]:
    """Dates when (nearly) every value is a date string; ISO timestamps count, and
    report whether any has a time of day other than midnight."""
    stamped = text.str.contains(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
    head = pl.Series(np.where(stamped.to_numpy(), text.str.slice(0, 10), text), dtype=pl.String)
    parsed = pl.select(
        pl.coalesce([head.str.to_date(f, strict=False) for f in _DATE_FORMATS])
    ).to_series()
    if parsed.null_count() > 0.1 * text.len():
        return None, False
    clock = text.filter(stamped).str.slice(11).str.replace_all(r"[0:.]|Z|[+\-]\d\d:?\d\d$", "")
    return parsed.drop_nulls(), bool((clock.str.len_chars() > 0).any())


def _hit(
    category: str, mask: np.ndarray, what: str, strong: bool, variant: str | None = None
) -> ValueHit:
    matched, checked = int(mask.sum()), int(mask.shape[0])
    share = matched / checked if checked else 0.0
    confidence = (0.5 + 0.45 * share) if strong else (0.3 + 0.4 * share)
    evidence = f"{matched} of {checked} sampled values are {what}"
    return ValueHit(category, matched, checked, evidence, round(confidence, 3), variant)


def _iban(text: pl.Series) -> ValueHit:
    valid = p.iban(text)
    what = "IBANs with valid mod-97 check digits"
    return _hit("iban", valid, what, True, p.iban_country(text, valid))


def _dob(sample: Sample, hinted: bool) -> ValueHit | None:
    """Dates whose implied age is 0-110 and that are not all the same day. Without a
    name hint they must also look like a population: median age 16 or more and spread
    over at least 15 years, which event dates (``created_at``) are not."""
    if sample.dates is None or sample.dates.len() == 0 or (sample.has_time and not hinted):
        return None
    today = (dt.date.today() - dt.date(1970, 1, 1)).days
    ages = (today - sample.dates.cast(pl.Int64).to_numpy()) / 365.25
    alive = (ages >= 0) & (ages <= 110)
    mask = np.zeros(sample.checked, dtype=bool)
    mask[: alive.shape[0]] = alive
    if sample.dates.n_unique() < 2:
        mask[:] = False
    if not hinted:
        living = ages[alive]
        if living.size < 10 or np.median(living) < 16 or np.ptp(living) < 15:
            return None
    what = "dates implying a living person's age" + ("" if hinted else ", spread over decades")
    return _hit("date_of_birth", mask, what, strong=hinted)


def _postcode(sample: Sample, loose: bool, variant: str | None) -> ValueHit:
    masks = p.postcodes(sample.text, loose=loose)
    counts = {k: int(v.sum()) for k, v in masks.items() if k != "other"}
    best = max(counts, key=lambda k: counts[k]) if any(counts.values()) else None
    if best == "US" and variant == "DE":
        best = "DE"
    mask = np.logical_or.reduce(list(masks.values()))
    return _hit("postcode", mask, "postcodes (NL, UK, US or plain numeric formats)", loose, best)


def _names(sample: Sample, hint: str) -> ValueHit:
    masks = p.names(sample.text)
    order = [hint] + [c for c in ("person_name", "first_name", "last_name") if c != hint]
    best = max(order, key=lambda c: (masks[c].mean(), c == hint))
    what = {
        "person_name": "full names (a known first name and surname)",
        "first_name": "known first names",
        "last_name": "known surnames",
    }[best]
    return _hit(best, masks[best], what, strong=False)


def _free_text(sample: Sample, hinted: bool = False) -> ValueHit | None:
    """Texts that contain an email, phone number, IBAN, card number or SSN. One such
    text is already a leak, so no share is required; without a name hint (``notes``)
    most values must be texts of three words or more."""
    text = sample.text
    words = text.str.count_matches(r"\S+").to_numpy()
    if not hinted and (words >= 3).mean() < 0.5:
        return None
    found = p.pii_in_text(text)
    any_pii = np.logical_or.reduce(list(found.values()))
    hits = int(any_pii.sum())
    if not hits:
        return ValueHit("free_text", 0, text.len(), "no sampled text contains PII", 0.0)
    kinds = ", ".join(f"{label} ({int(m.sum())})" for label, m in found.items() if m.any())
    confidence = 0.6 + 0.35 * min(1.0, 5 * hits / text.len())
    evidence = f"{hits} of {text.len()} sampled texts contain {kinds}"
    return ValueHit("free_text", hits, text.len(), evidence, round(confidence, 3))


def _numbers(sample: Sample, category: str) -> ValueHit | None:
    n = sample.numbers
    if n is None:
        return _hit(category, np.zeros(sample.checked, dtype=bool), "numbers", False)
    v = n.to_numpy()
    several = n.n_unique() >= 2
    match category:
        case "age":
            mask = (v >= 0) & (v <= 120) & (v == np.round(v)) & several
            return _hit("age", mask, "whole numbers from 0 to 120", True)
        case "salary":
            return _hit("salary", (v >= 0) & several, "non-negative amounts", False)
        case _:
            fractional = (v != np.round(v)).mean() >= 0.5
            mask = (np.abs(v) <= 180) & fractional
            return _hit("geolocation", mask, "coordinates in degrees", False)


def _id_shaped(sample: Sample, category: str) -> ValueHit:
    mask = p._np(
        sample.text.str.contains(r"^[A-Za-z0-9 .\-/]{5,34}$") & sample.text.str.contains(r"\d")
    )
    return _hit(category, mask, "identifiers of letters and digits", False)


def national_ids(text: pl.Series, *, loose: bool) -> list[ValueHit]:
    """One hit per country whose national identity numbers the scanner can check: the
    values tell the country, which the mocker then follows. Only the SSN needs the
    column name (``loose``) to be read without its dashes."""
    return [
        _hit("national_id", p.ssn(text, loose=loose), "US SSNs (valid area, group, serial)",
             True, "US"),
        _hit("national_id", p.bsn(text), "Dutch BSNs passing the 11-proof", True, "NL"),
        _hit("national_id", ids.dni_valid(text), "Spanish DNIs or NIEs with a fitting letter",
             True, "ES"),
        _hit("national_id", ids.codice_fiscale_valid(text),
             "Italian codici fiscali with a fitting check letter", True, "IT"),
        _hit("national_id", ids.nir_valid(text), "French NIRs with a fitting key", True, "FR"),
        _hit("national_id", ids.cpf_valid(text), "Brazilian CPFs with fitting check digits",
             True, "BR"),
    ]  # fmt: skip


def confirm(category: str, sample: Sample, variant: str | None = None) -> ValueHit | None:
    """How far the values agree with a category the name points to (None: no test).

    The hit may name a related category when the values tell more than the name
    (a ``rekeningnummer`` holding IBANs is an ``iban``; a ``name`` holding first names
    is a ``first_name``).
    """
    text = sample.text
    match category:
        case "email":
            return _hit("email", p.email(text), "email addresses", True)
        case "phone":
            return _hit("phone", p.phone(text, loose=True), "phone numbers", True)
        case "iban" | "bank_account":
            found = _iban(text)
            return found if found.agrees() or category == "iban" else _id_shaped(sample, category)
        case "credit_card":
            what = "card numbers with a known issuer prefix and a valid Luhn digit"
            return _hit("credit_card", p.credit_card(text), what, True)
        case "national_id" | "tax_id":
            hits = national_ids(text, loose=True)
            # On a tie the 11-proof is the stronger evidence: one random 9-digit number in
            # 11 passes it, while most bare 9-digit numbers are shaped like an SSN.
            best = max(hits, key=lambda h: (h.share, h.variant == variant, h.variant == "NL"))
            return best if best.agrees() else _id_shaped(sample, category)
        case "passport":
            return _id_shaped(sample, category)
        case "ip_address":
            v4, v6 = p.ip(text)
            version = "ipv6" if v6.sum() > v4.sum() else "ipv4"
            return _hit("ip_address", v4 | v6, "IP addresses", True, version)
        case "date_of_birth":
            return _dob(sample, hinted=True) or _hit(
                "date_of_birth", np.zeros(sample.checked, dtype=bool), "dates", True
            )
        case "postcode":
            return _postcode(sample, loose=True, variant=variant)
        case "person_name" | "first_name" | "last_name":
            return _names(sample, category)
        case "city" | "region":
            what = "known city names" if category == "city" else "known states or provinces"
            return _hit(category, p.in_list(text, category), what, False)
        case "gender":
            mask = p._np(p.folded(text).is_in(list(p.GENDERS))) & (text.n_unique() <= 6)
            return _hit("gender", mask, "gender codes or words", True)
        case "age" | "salary" | "geolocation":
            return _numbers(sample, category)
        case "user_name":
            if p.email(text).mean() >= CONFIRM:
                return _hit("email", p.email(text), "email addresses", True)
            shaped = text.str.contains(r"^[A-Za-z0-9._\-]{3,32}$") & ~text.str.contains(r"^\d+$")
            return _hit("user_name", p._np(shaped), "login-shaped words", False)
        case "street_address":
            return _hit("street_address", p.street(text), "street addresses with a number", False)
        case "free_text":
            return _free_text(sample, hinted=True)
    return None


def detect(sample: Sample) -> ValueHit | None:
    """The category most sampled values show by themselves, or None."""
    text = sample.text
    if sample.numbers is not None and sample.text.str.contains(r"[.eE]").any():
        return None  # floats: no value-only PII shape
    v4, v6 = p.ip(text)
    candidates = [
        _iban(text),
        _hit("credit_card", p.credit_card(text), "card numbers with a valid Luhn digit", True),
        *national_ids(text, loose=False),
        _hit("email", p.email(text), "email addresses", True),
        _hit(
            "ip_address", v4 | v6, "IP addresses", True, "ipv6" if v6.sum() > v4.sum() else "ipv4"
        ),
        _hit("phone", p.phone(text), "phone numbers", True),
        _postcode(sample, loose=False, variant=None),
        _hit("street_address", p.street(text), "street addresses with a number", False),
    ]
    dob = _dob(sample, hinted=False)
    if dob is not None:
        candidates.append(dob)
    if sample.numbers is None and text.n_unique() >= min(10, 0.3 * text.len()):
        masks = p.names(text)
        candidates.append(
            _hit(
                "person_name",
                masks["person_name"],
                "full names (a known first name and surname)",
                False,
            )
        )
        candidates.append(_hit("first_name", masks["first_name"], "known first names", False))
    for hit in candidates:
        if hit.share >= DETECT:
            return hit
    free = _free_text(sample)
    return free if free is not None and free.matched else None


def scan_values(
    name: str,
    values: Sequence[Any] | pl.Series,
    *,
    hint: str | None = None,
    variant: str | None = None,
) -> ValueHit | None:
    """The value-level verdict for one column: the category its sampled values show.

    The name (or an explicit ``hint`` category) lets the values confirm categories
    they cannot prove alone (a 5-digit PLZ, a date of birth, a first name). Returns None
    when the values show no PII. The values are only read, never kept.
    """
    sample = prepare(values)
    if sample is None:
        return None
    if hint is None:
        named = match_name("", name)
        hint, variant = (named.category, named.variant) if named else (None, None)
    if hint is not None:
        checked = confirm(hint, sample, variant)
        if checked is not None and checked.agrees() and related(checked.category, hint):
            return checked
    return detect(sample)
