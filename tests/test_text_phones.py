"""The phone check's short cut gives exactly ``phonenumbers``' answer.

``possible_phone`` decides the shapes detection finds from ``phonenumbers``' metadata
without its general parser. Here it is compared with ``phonenumbers.parse`` and
``is_possible_number`` themselves (written out below, as the check was before the short
cut) on example numbers of every region in every format, those numbers with their
digits redrawn, Faker's phone numbers of many locales, every phone-shaped candidate of
both evaluation sets, and hostile shapes (order numbers, dates, long digit runs, odd
country codes), each read in several regions. One disagreement fails the test.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import phonenumbers
import polars as pl
from faker import Faker
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from fauxdata.text import detect
from fauxdata.text.phones import _decided, possible_phone
from tests.support.deid_evalset import OUT, build_held_out

REGIONS = ("US", "NL", "DE", "GB", "FR", "IT", "BR", "AR", "MX", "IN", "ZZ", "nl")
"""Regions the candidates are read in: those of fauxdata's locales, ones with odd
national prefixes (IT keeps its 0, AR and MX rewrite theirs), an unknown one and one in
lower case (which ``parse`` refuses without a ``+``)."""
TYPES = (
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.VOIP,
)
FORMATS = (PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.NATIONAL)


def _normalised(text: str) -> str:
    """Extension dropped, 00 read as +."""
    return re.sub(r"^\(?00", "+", re.sub(r"(?i)[ ]?(?:x|ext\.?)[ ]?\d{1,5}$", "", text))


def _reference(text: str, region: str) -> bool:
    """The check as it was: 7-15 digits, then ``phonenumbers``."""
    number = _normalised(text)
    digits = sum(ch.isdigit() for ch in number)
    if digits < 7 or digits > 15:
        return False
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_possible_number(parsed))


def _redrawn(text: str, rng: random.Random) -> str:
    """The same shape with every digit after the first three redrawn."""
    seen = 0
    out = []
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= 3 else str(rng.randrange(10)))
        else:
            out.append(ch)
    return "".join(out)


def _examples(rng: random.Random) -> Iterator[str]:
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in TYPES:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            for form in FORMATS:
                text = phonenumbers.format_number(example, form)
                yield text
                yield _redrawn(text, rng)
                yield _redrawn(text, rng)
                if text.startswith("+"):
                    yield "00" + text[1:]
                    yield "(00" + text[1:3] + ") " + text[3:]
                yield text + " ext. 12"
    for code in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS:
        example = phonenumbers.example_number_for_non_geo_entity(code)
        if example is not None:
            yield phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL)


def _faker_numbers() -> Iterator[str]:
    for locale in ("en_US", "en_GB", "nl_NL", "de_DE", "fr_FR", "it_IT", "es_ES", "pt_BR"):
        fake = Faker(locale)
        fake.seed_instance(7)
        for _ in range(300):
            yield fake.phone_number()


def _evaluation_candidates() -> Iterator[str]:
    rows = pl.read_ndjson(OUT).to_dicts() + build_held_out()
    for row in rows:
        for pattern in (detect._PHONE, detect._PHONE_BARE):
            for match in pattern.finditer(row["text"]):
                yield match.group(0)


def _hostile(rng: random.Random) -> Iterator[str]:
    for _ in range(3000):
        digits = "".join(str(rng.randrange(10)) for _ in range(rng.randrange(3, 26)))
        yield digits
        yield "+" + digits
        yield "0" + digits
        spaced = "".join(ch + rng.choice(["", "", " ", "-", ".", "/"]) for ch in digits)
        yield spaced.rstrip(" -./")
        yield "(" + digits[:3] + ") " + digits[3:]
    yield from (
        "2024-01-15",
        "15.01.2024",
        "01/02/2023 10:30",
        "555-201-7788",
        "0612345678",
        "+0 612345678",
        "+999 1234 5678",
        "+1 (800) 555-0199",
        "1-800-555-0199",
        "011 31 20 123 4567",
        "0031 20 123 4567",
        "+31 (0)20 123 4567",
        "+31) 20 123 4567",
        "3120 123 4567",
        "+44 7911 123456 x204",
        "+49 30 12345678 ext 5",
        "(020) 123 4567",
        "020/1234567",
        "+１ 650 253 0000",
        "٠٦١٢٣٤٥٦٧٨",
        "+31 6 1234 5678 9012 3456",
        "+7 495 123-45-67",
        "+800 1234 5678",
        "+882 34 1234 5678",
    )


def _candidates() -> list[str]:
    rng = random.Random(2026)
    pool = [*_examples(rng), *_faker_numbers(), *_evaluation_candidates(), *_hostile(rng)]
    return list(dict.fromkeys(pool))


def test_the_short_cut_gives_phonenumbers_answer() -> None:
    candidates = _candidates()
    assert len(candidates) > 20_000
    disagree, decided, possible = [], 0, 0
    for text in candidates:
        for region in REGIONS:
            expected = _reference(text, region)
            if possible_phone.__wrapped__(text, region) != expected:
                disagree.append((text, region, expected))
            decided += _decided(_normalised(text), region) is not None
            possible += expected
    checks = len(candidates) * len(REGIONS)
    assert not disagree, disagree[:20]
    # The comparison means something: most candidates take the short cut, and both
    # answers occur often.
    assert decided > 0.6 * checks, decided / checks
    assert 0.2 * checks < possible < 0.8 * checks, possible / checks


def test_detection_finds_real_phone_shapes_in_the_short_cut() -> None:
    """Every phone-shaped candidate of the evaluation set that ``phonenumbers`` takes
    in the text's region is decided without the general parser."""
    rows = pl.read_ndjson(OUT).to_dicts()
    undecided = []
    for row in rows:
        region = "US" if row["lang"] == "en" else "NL"
        for match in detect._PHONE.finditer(row["text"]):
            text = match.group(0)
            if _reference(text, region) and _decided(_normalised(text), region) is None:
                undecided.append((text, region))
    assert len(undecided) < 0.05 * len(rows), undecided[:20]
