"""Value patterns: which strings of a sample are emails, IBANs, card numbers, ...

Each function takes a Polars Series of stripped, non-null strings and returns a boolean
NumPy mask over it. Patterns run as Polars expressions over the whole sample (each
regex is compiled once per call, never per value) and check digits are computed digit
position by digit position over arrays, sharing the arithmetic of the mockers that make
such values (``mock.mod97``, ``national_id.bsn_valid``). Only the IP check calls Python
per candidate: the ``ipaddress`` module is the reference for what an address is.
"""

from __future__ import annotations

import ipaddress
from functools import cache

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.generators.lexicon import lexicon
from fauxdata.generators.mock import mod97
from fauxdata.generators.national_id import bsn_valid
from fauxdata.generators.template import fold_ascii
from fauxdata.pii.names import words

Mask = npt.NDArray[np.bool_]

EMAIL = r"[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
PHONE_IN_TEXT = (
    r"(?:\+|\b00)[1-9][\d \-().]{7,16}\d|\b0[1-9](?:[ \-]?\d){8,9}\b|"
    r"\(?\b[2-9]\d{2}\)?[ .\-]\d{3}[ .\-]\d{4}\b"
)
IBAN_IN_TEXT = r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b"
CARD_IN_TEXT = r"\b\d(?:[ \-]?\d){12,18}\b"
SSN_IN_TEXT = r"\b\d{3}-\d{2}-\d{4}\b"
_IIN = r"^(?:4|5[0-9]|2[2-7]|3[47]|3[068]|35|6\d|1800|2131)"
_LOCALES = ("en", "en-gb", "nl", "de", "fr", "es", "it", "pt", "pt-br")


def _np(series: pl.Series) -> Mask:
    return series.fill_null(False).to_numpy().astype(bool)


def email(text: pl.Series) -> Mask:
    return _np(text.str.contains(f"^{EMAIL}$"))


def phone(text: pl.Series, *, loose: bool = False) -> Mask:
    """International (+31 6 ..., 0049 ...), national (06-..., 020 ...) and US shapes.

    A bare run of digits is a phone number only when the column name says so
    (``loose``): otherwise every 10-digit id would be one.
    """
    plain = text.str.replace(r"(?i)\s*(?:x|ext\.?)\s*\d{1,5}$", "")
    allowed = plain.str.contains(r"^[\d\s+\-.()/]+$")
    digits = plain.str.replace_all(r"[\s\-.()/]", "")
    shapes = (
        digits.str.contains(r"^(?:\+|00)[1-9]\d{6,14}$")
        | digits.str.contains(r"^0[1-9]\d{7,10}$")
        | plain.str.contains(r"^(?:1[\s.\-])?\(?[2-9]\d{2}\)?[\s.\-]\d{3}[\s.\-]\d{4}$")
    )
    if loose:
        shapes = shapes | digits.str.contains(r"^\+?\d{7,15}$")
    return _np(allowed & shapes)


def iban(text: pl.Series) -> Mask:
    """Country code, two check digits, 11-30 alphanumerics, and mod 97 of the
    rearranged number equal to 1 (ISO 13616)."""
    compact = text.str.replace_all(r"\s", "").str.to_uppercase()
    shaped = _np(compact.str.contains(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$"))
    out = np.zeros(text.len(), dtype=bool)
    if shaped.any():
        good = compact.filter(pl.Series(shaped))
        rearranged = good.str.slice(4) + good.str.slice(0, 4)
        out[shaped] = mod97(rearranged) == 1
    return out


def iban_country(text: pl.Series, valid: Mask) -> str | None:
    """The country code most valid IBANs carry (a country, not a value: the mocker uses
    it so Dutch accounts are mocked as Dutch IBANs)."""
    if not valid.any():
        return None
    codes = text.filter(pl.Series(valid)).str.strip_chars().str.slice(0, 2).str.to_uppercase()
    return str(codes.mode().sort()[0])


def luhn(digits: pl.Series) -> Mask:
    """Luhn check of strings of 13-19 ASCII digits; rows are grouped by length so each
    group is one (n, length) matrix."""
    lengths = digits.str.len_bytes().to_numpy()
    out = np.zeros(digits.len(), dtype=bool)
    for length in np.unique(lengths):
        rows = np.flatnonzero(lengths == length)
        joined = "".join(digits.gather(rows).to_list()).encode("ascii")
        matrix = np.frombuffer(joined, dtype=np.uint8).reshape(-1, int(length)).astype(np.int64)
        matrix -= 48
        doubled = matrix[:, -2::-2] * 2
        total = matrix[:, -1::-2].sum(axis=1) + np.where(doubled > 9, doubled - 9, doubled).sum(
            axis=1
        )
        out[rows] = total % 10 == 0
    return out


def credit_card(text: pl.Series) -> Mask:
    """12-19 digits (spaces or dashes allowed) with a known issuer prefix (Visa,
    Mastercard, Maestro, Amex, Diners, Discover, JCB, UnionPay) and Luhn digit."""
    compact = text.str.replace_all(r"[\s\-]", "")
    shaped = _np(compact.str.contains(r"^\d{12,19}$") & compact.str.contains(_IIN))
    out = np.zeros(text.len(), dtype=bool)
    if shaped.any():
        out[shaped] = luhn(compact.filter(pl.Series(shaped)))
    return out


def ssn(text: pl.Series, *, loose: bool = False) -> Mask:
    """US SSNs ``AAA-GG-SSSS``: area not 000, 666 or 900-999, group not 00, serial not
    0000. Without dashes only when the column name says so (``loose``)."""
    shape = r"^(\d{3})-?(\d{2})-?(\d{4})$" if loose else r"^(\d{3})-(\d{2})-(\d{4})$"
    parts = text.str.extract_groups(shape).struct.unnest().cast(pl.Int32)
    area, group, serial = (parts[c].fill_null(0).to_numpy() for c in parts.columns)
    return (area > 0) & (area != 666) & (area < 900) & (group > 0) & (serial > 0)


def bsn(text: pl.Series) -> Mask:
    """Dutch BSNs: 9 digits (8 when a leading zero was lost to an integer column),
    11-proof. One random 9-digit number in 11 passes, so a share decides, not a hit."""
    compact = text.str.replace_all(r"[\s.\-]", "")
    padded = pl.Series(np.where(_np(compact.str.contains(r"^\d{8}$")), "0", "")) + compact
    return bsn_valid(padded)


def ip(text: pl.Series) -> tuple[Mask, Mask]:
    """(IPv4, IPv6) masks, per the ``ipaddress`` module, for candidates of IP shape."""
    candidate = _np(text.str.contains(r"^[0-9A-Fa-f:.]{2,45}$") & text.str.contains(r"[.:]"))
    v4 = np.zeros(text.len(), dtype=bool)
    v6 = np.zeros(text.len(), dtype=bool)
    for i in np.flatnonzero(candidate):
        try:
            version = ipaddress.ip_address(text[int(i)]).version
        except ValueError:
            continue
        (v4 if version == 4 else v6)[i] = True
    return v4, v6


POSTCODES = {
    "NL": r"^[1-9]\d{3} ?[A-Z]{2}$",
    "GB": r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$",
    "US": r"^\d{5}-\d{4}$",
}


def postcodes(text: pl.Series, *, loose: bool = False) -> dict[str, Mask]:
    """Masks per country format. Plain 4- or 5-digit numbers (US ZIP, German PLZ, ...)
    only with ``loose``, when the column name says postcode."""
    upper = text.str.to_uppercase()
    masks = {country: _np(upper.str.contains(p)) for country, p in POSTCODES.items()}
    if loose:
        masks["US"] = masks["US"] | _np(upper.str.contains(r"^\d{5}$"))
        masks["other"] = _np(upper.str.contains(r"^\d{4}$"))
    return masks


STREET_WORDS = (
    r"(?i)(?:\b\d+[a-z]?\s+[\w .'\-]+\s(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|way|"
    r"blvd|boulevard|court|ct|place|pl|terrace|square|sq|hill|park)\.?(?:\s.*)?$)|"
    r"(?:(?:straat|weg|laan|plein|gracht|kade|dijk|singel|strasse|str\.|gasse|allee|platz|ring)"
    r"\s+\d+\s?[a-z]?\b)|(?:^(?:\d+,?\s+)?(?:rue|avenue|boulevard|chemin|calle|avenida|plaza|"
    r"paseo|carrer|via|viale|piazza|piazzale|corso|vicolo|rua|travessa|praça|alameda|estrada)\b)"
)


def street(text: pl.Series) -> Mask:
    """A house number next to a street word in any of the seven languages."""
    return _np(text.str.contains(STREET_WORDS))


def folded(text: pl.Series) -> pl.Series:
    """Lower-case ASCII, to compare values with word lists."""
    return fold_ascii(text).str.to_lowercase().str.strip_chars()


@cache
def word_list(kind: str) -> pl.Series:
    """First names, surnames, cities or regions of the seven languages, folded.

    From the same pinned Mimesis lists the mockers draw from, so the scanner recognises
    what fauxdata itself makes, and real names in those languages.
    """
    words: list[pl.Series] = []
    for code in _LOCALES:
        lex = lexicon(code)
        match kind:
            case "first":
                words += [lex.female, lex.male]
            case "last":
                words.append(lex.surnames)
            case "city":
                words.append(lex.cities)
            case "region":
                words.append(lex.states)
    if kind == "region":
        words.append(pl.Series(sorted(_US_STATE_CODES), dtype=pl.String))
    return folded(pl.concat(words)).unique().sort()


_US_STATE_CODES = words(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC"
)

GENDERS = words(
    "m f v w x u d o male female man woman men women other unknown nonbinary non-binary divers "
    "vrouw vrouwelijk mannelijk weiblich mannlich maennlich homme femme masculin feminin hombre "
    "mujer masculino femenino 0 1 2 9"
)


def in_list(text: pl.Series, kind: str) -> Mask:
    return _np(folded(text).is_in(word_list(kind).implode()))


def names(text: pl.Series) -> dict[str, Mask]:
    """Full names (first word a first name, last word a surname), lone first names and
    surnames (the last word, so ``van Dijk`` counts), against the word lists."""
    words = folded(text).str.split(" ")
    first, last = words.list.first(), words.list.last()
    count = words.list.len().to_numpy()
    first_ok = _np(first.is_in(word_list("first").implode()))
    last_ok = _np(last.is_in(word_list("last").implode()))
    return {
        "person_name": (count >= 2) & (count <= 5) & first_ok & last_ok,
        "first_name": (count == 1) & first_ok,
        "last_name": (count <= 3) & last_ok,
    }


def pii_in_text(text: pl.Series) -> dict[str, Mask]:
    """Which texts contain an email, a phone number, an IBAN (checked), a card number
    (Luhn-checked) or an SSN somewhere inside."""
    out = {
        "email addresses": _np(text.str.contains(EMAIL)),
        "phone numbers": _np(text.str.contains(PHONE_IN_TEXT)),
        "US SSNs": _np(text.str.contains(SSN_IN_TEXT)),
    }
    for label, pattern, check in (
        ("IBANs", IBAN_IN_TEXT, iban),
        ("card numbers", CARD_IN_TEXT, credit_card),
    ):
        found = text.str.extract_all(pattern)
        exploded = pl.DataFrame({"row": np.arange(text.len()), "hit": found}).explode("hit")
        exploded = exploded.filter(pl.col("hit").is_not_null())
        mask = np.zeros(text.len(), dtype=bool)
        if exploded.height:
            good = check(exploded["hit"])
            mask[exploded["row"].to_numpy()[good]] = True
        out[label] = mask
    if out["card numbers"].any():  # a card number is not also a phone number
        out["phone numbers"] &= ~out["card numbers"]
    return out
