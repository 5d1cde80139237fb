"""The fakes of free-text identifiers, one by one over every identifier of the evaluation
set: the same value and key give the same fake, and each keeps the format and the check
digits of what it replaces."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import polars as pl

from fauxdata.generators.mock import mod97
from fauxdata.generators.national_id import bsn_valid
from fauxdata.pii.patterns import luhn, ssn
from fauxdata.text import find_spans
from fauxdata.text.fakes import FAKERS, Digest, fake
from tests.support.deid_evalset import OUT

_NON_DIGIT = re.compile(r"\D")


def _identifiers() -> Iterator[tuple[str, str, str]]:
    """(entity, value, locale) of every span found in the evaluation set."""
    rows = pl.read_ndjson(OUT)
    for lang, locale in (("en", "en_US"), ("nl", "nl_NL")):
        texts = rows.filter(pl.col("lang") == lang)["text"]
        for span in find_spans(texts, locale=locale):
            yield span.entity, span.text, locale


def _shape(value: str) -> str:
    """The value with every digit written 9: what a fake of a number keeps."""
    return re.sub(r"\d", "9", value)


def test_fakes_are_consistent_and_keep_format_and_checks() -> None:
    seen: Counter[str] = Counter()
    for entity, value, locale in _identifiers():
        out = fake(entity, value, b"key", locale)
        assert FAKERS[entity](value, Digest(b"key", entity, value), locale) == out
        assert FAKERS[entity](value, Digest(b"other", entity, value), locale) != out or (
            entity in ("person", "address")  # a few thousand words: a repeat now and then
        ), (entity, value)
        digits = _NON_DIGIT.sub("", out)
        if entity == "credit_card":
            assert _shape(out) == _shape(value) and out[0] == value[0], (value, out)
            assert luhn(pl.Series([digits]))[0], out
        elif entity == "iban":
            compact = out.replace(" ", "")
            assert len(out) == len(value.strip()) and compact[:2] == value[:2], (value, out)
            assert mod97(pl.Series([compact[4:] + compact[:4]]))[0] == 1, out
            assert [ch.isalpha() for ch in compact] == [
                ch.isalpha() for ch in value.replace(" ", "").upper()
            ]
        elif entity == "phone":
            assert _shape(out) == _shape(value), (value, out)
            first = next(i for i, ch in enumerate(value) if ch.isdigit())
            assert out[first] == value[first]
        elif entity == "national_id":
            assert _shape(out) == _shape(value), (value, out)
            valid = ssn(pl.Series([out]))[0] if "-" in out else bsn_valid(pl.Series([digits]))[0]
            assert valid, (value, out)
        seen[entity] += 1
    assert min(seen[e] for e in ("credit_card", "iban", "phone", "national_id")) > 100, seen


def test_digit_runs_are_uniform_and_extend_past_one_digest() -> None:
    """Each place of a 19-digit run takes every digit about equally often (a run is one
    number from two 64-bit words, not a word per digit); a stream longer than the
    digest's eight words goes on, the same every time."""
    counts = [Counter[str]() for _ in range(19)]
    for i in range(20_000):
        run = Digest(b"key", "credit_card", str(i)).digits(19)
        assert len(run) == 19
        for place, digit in enumerate(run):
            counts[place][digit] += 1
    for place in counts:
        assert set(place) == set("0123456789")
        assert max(place.values()) < 2_250 and min(place.values()) > 1_750, place
    long = Digest(b"key", "phone", "x")
    again = Digest(b"key", "phone", "x")
    drawn = [long.digits(19) for _ in range(10)] + [long.letters(12)]
    assert drawn == [again.digits(19) for _ in range(10)] + [again.letters(12)]
    assert len(set(drawn)) == len(drawn)
