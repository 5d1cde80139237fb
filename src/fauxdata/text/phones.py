"""Whether a phone-number candidate is possible, exactly as ``phonenumbers`` says.

``phonenumbers.parse`` is written for any input (RFC 3966 URIs, vanity letters,
extensions in many languages, full-width digits), and that generality costs about
14 µs a number: an eighth of cleaning a note, since nearly every note holds a phone
number and distinct notes share none. Detection hands it a narrow shape: ASCII digits
and the separators `` -./()``, an optional leading ``+``. For that shape ``parse``
followed by ``is_possible_number`` comes down to a few steps on the digits alone
(country code, national prefix, the region's possible lengths), which ``_decided``
takes with ``phonenumbers``' own metadata and helpers. Any other shape, and the rarer
branches of those steps (an IDD prefix, a number that opens with the region's own
country code, an unknown country code after ``+``), goes to ``phonenumbers.parse``.
``tests/test_text_phones.py`` holds the two to the same answer on many thousands of
real and hostile candidates; ``phonenumbers`` is pinned, since the helpers used are
its internals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata, ValidationResult
from phonenumbers.phonenumberutil import (
    COUNTRY_CODE_TO_REGION_CODE,
    _maybe_strip_national_prefix_carrier_code,
    _test_number_length,
    region_code_for_country_code,
)

_EXTENSION = re.compile(r"(?i)[ ]?(?:x|ext\.?)[ ]?\d{1,5}$")
_INTERNATIONAL = re.compile(r"^\(?00")
_INTERNATIONAL_SHAPE = re.compile(r"\+[1-9][0-9 ()\-./]*[0-9]")
"""``+``, then ASCII digits and separators, a digit first and last: ``parse`` keeps it
whole (nothing to trim, no extension) and reads the digits after the ``+``."""
_NATIONAL_SHAPE = re.compile(r"\(?[0-9][0-9 ()\-./]*[0-9]")
"""The same without ``+`` (a leading bracket ``parse`` trims)."""
_SEPARATORS = str.maketrans("", "", " ()-./")
_POSSIBLE = (ValidationResult.IS_POSSIBLE, ValidationResult.IS_POSSIBLE_LOCAL_ONLY)
_NOT_STRIPPED = (
    ValidationResult.TOO_SHORT,
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    ValidationResult.INVALID_LENGTH,
)
"""Lengths after a national prefix for which ``parse`` keeps the prefix on."""
_MAX_NSN = 17
_LENGTHS = 32


@lru_cache(maxsize=65536)
def possible_phone(text: str, region: str) -> bool:
    """``phonenumbers`` says the number (extension and 00 prefix normalised) is possible
    in ``region``; cached, since the same numbers recur across a column."""
    if "x" in text or "X" in text:  # (a regex search only where it can match)
        text = _EXTENSION.sub("", text)
    if text.startswith(("00", "(00")):
        text = _INTERNATIONAL.sub("+", text)
    decided = _decided(text, region)
    return _parsed(text, region) if decided is None else decided


def _parsed(number: str, region: str) -> bool:
    """The general path: seven to fifteen digits, and ``phonenumbers.parse`` and
    ``is_possible_number`` agree."""
    digits = sum(ch.isdigit() for ch in number)
    if digits < 7 or digits > 15:
        return False
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_possible_number(parsed))


def _decided(number: str, region: str) -> bool | None:
    """``_parsed(number, region)`` for the shapes detection finds, or None for the
    others (then ``parse`` decides). The steps are ``parse``'s, in its order."""
    if _INTERNATIONAL_SHAPE.fullmatch(number):
        digits = number[1:].translate(_SEPARATORS)  # (ASCII digits: one a character)
        if len(digits) < 7 or len(digits) > 15:
            return False
        for width in (1, 2, 3):  # the shortest known country code, as parse reads it
            code = int(digits[:width])
            if code in COUNTRY_CODE_TO_REGION_CODE:
                country = _country(code)
                return None if country is None else _possible(digits[width:], country, country)
        return None  # parse then tries the digits as a national number
    if not _NATIONAL_SHAPE.fullmatch(number):
        return None
    local = _region(region)
    if local is None or local.country is None:
        return None
    digits = number.translate(_SEPARATORS)
    if len(digits) < 7 or len(digits) > 15:
        return False
    if local.international.match(digits) or digits.startswith(local.code):
        return None  # an IDD prefix, or maybe the region's own country code: parse
    return _possible(digits, local, local.country)


@dataclass(frozen=True)
class _Plan:
    """What ``parse`` and ``is_possible_number`` read of one region's metadata."""

    metadata: PhoneMetadata
    code: str
    """The country code, as the digits a number would open with."""
    country: _Plan | None
    """The plan of the country code's main region, which ``is_possible_number`` reads
    (this plan, for a main region)."""
    international: re.Pattern[str]
    """The IDD prefix (``parse`` tries it on the digits of a number without ``+``);
    a pattern that never matches where the region has none."""
    national: re.Pattern[str] | None
    """The national prefix for parsing, if any."""
    lengths: tuple[int, ...]
    """``_test_number_length`` of a national number, by its length (it reads no more)."""

    def length(self, national: str) -> int:
        n = len(national)
        return (
            self.lengths[n]
            if n < len(self.lengths)
            else _test_number_length(national, self.metadata)
        )


def _possible(national: str, plan: _Plan, country: _Plan) -> bool:
    """``parse`` from the national number on, in the region of ``plan`` (its national
    prefix stripped where what is left has a possible length), then
    ``is_possible_number``, which reads the metadata of the country code's main region
    (``country``)."""
    if len(national) < 2:
        return False
    if plan.national is not None and plan.national.match(national):
        _, stripped, _ = _maybe_strip_national_prefix_carrier_code(national, plan.metadata)
        if plan.length(stripped) not in _NOT_STRIPPED:
            national = stripped
    if len(national) > _MAX_NSN:
        return False
    return country.length(national) in _POSSIBLE


def _plan(metadata: PhoneMetadata, country: _Plan | None) -> _Plan:
    idd, prefix = metadata.international_prefix, metadata.national_prefix_for_parsing
    lengths = tuple(_test_number_length("0" * n, metadata) for n in range(_LENGTHS))
    return _Plan(
        metadata,
        str(metadata.country_code),
        country,
        re.compile(idd if idd else r"(?!)"),
        re.compile(prefix) if prefix else None,
        lengths,
    )


@cache
def _country(code: int) -> _Plan | None:
    """The plan of a country code's main region, which ``is_possible_number`` reads."""
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(
        code, region_code_for_country_code(code)
    )
    return None if metadata is None else _plan(metadata, None)


@cache
def _region(region: str) -> _Plan | None:
    """The region's plan, or None where ``parse`` refuses the region (it takes region
    codes in capitals only)."""
    metadata = (
        PhoneMetadata.metadata_for_region(region, None)
        if region in phonenumbers.SUPPORTED_REGIONS
        else None
    )
    if metadata is None or metadata.country_code is None:
        return None
    return _plan(metadata, _country(metadata.country_code))
