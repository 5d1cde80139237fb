"""Consistent fakes for identifiers found in text: the same value and key give the same
fake, in any row, table or run, without a lookup table.

Each fake is drawn from a BLAKE2b digest of (key, entity, value), so nothing about the
value survives except what the fake keeps on purpose: the format (separators, length,
letter case), an IBAN's country, a card's issuer digit, a phone's country code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import struct
from functools import cache, lru_cache

import polars as pl

from fauxdata.generators.lexicon import dataset_code, lexicon
from fauxdata.text.vocabulary import first_names

_DOMAINS = ("example.com", "example.org", "example.net")
_DIGITS = "0123456789"
_NONZERO = "123456789"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_BASE36 = str.maketrans({ch: str(int(ch, 36)) for ch in _LETTERS})
"""An IBAN's letters as their numbers (A = 10 ... Z = 35) for the mod-97 check."""
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
"""A digit doubled, as Luhn adds it (the digit sum of twice the digit)."""
_DOUBLED_DIGIT = str.maketrans(_DIGITS, "".join(map(str, _DOUBLED)))
_WORDS = struct.Struct(">4Q")
_COUNTRY_CODE = re.compile(r"^\s*(?:\+|00)(\d{1,3})")
_SPACE = re.compile(r"\s")
_NON_DIGIT = re.compile(r"\D")
_SSN_SHAPE = re.compile(r"\d{3}-\d{2}-\d{4}")
_INITIALS = re.compile(r"^((?:[A-Z]\.\s?)+)")
_NOT_LOCAL = re.compile(r"[^a-z0-9.]")
_SCHEME = re.compile(r"(?i)^(https?://|www\.)")
_ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/\-.])(\d{1,2})\2(\d{2,4})")


class Digest:
    """A stream of integers from one keyed digest, extended by counter when used up:
    each 32-byte digest gives four big-endian 64-bit words, handed out in order."""

    __slots__ = ("_counter", "_next", "_seed", "_words")

    def __init__(self, key: bytes, entity: str, value: str) -> None:
        hasher = _keyed(key, entity).copy()
        hasher.update(value.encode())
        self._seed = seed = hasher.digest()
        self._words = list(_WORDS.unpack(seed))
        self._next = 0
        self._counter = 0

    def _extend(self, count: int) -> list[int]:
        """The word list, long enough for ``count`` more words."""
        words = self._words
        while len(words) < self._next + count:
            self._counter += 1
            digest = hashlib.blake2b(
                self._seed + self._counter.to_bytes(4, "big"), digest_size=32
            ).digest()
            words.extend(_WORDS.unpack(digest))
        return words

    def below(self, n: int) -> int:
        i = self._next
        words = self._words if i < len(self._words) else self._extend(1)
        self._next = i + 1
        return words[i] % (n if n > 1 else 1)

    def take(self, count: int) -> list[int]:
        """The next ``count`` words, in order: the words ``count`` calls of ``below``
        would reduce, for fakes that draw a word per character (one call, not one per
        digit)."""
        i = self._next
        words = self._words if i + count <= len(self._words) else self._extend(count)
        self._next = i + count
        return words[i : i + count]

    def pick(self, options: list[str] | tuple[str, ...]) -> str:
        """``options[self.below(len(options))]``, inline: a third of a person's fake."""
        i = self._next
        words = self._words if i < len(self._words) else self._extend(1)
        self._next = i + 1
        return options[words[i] % (len(options) or 1)]


@lru_cache(maxsize=64)
def _keyed(key: bytes, entity: str) -> hashlib.blake2b:
    """BLAKE2b with the key (its first block) and ``entity\x1f`` already absorbed:
    copied per value, the same digest as ``blake2b(f"{entity}\x1f{value}", key=key)``
    without hashing the key and the entity again each time."""
    hasher = hashlib.blake2b(key=key[:64], digest_size=32)
    hasher.update(f"{entity}\x1f".encode())
    return hasher


@cache
def _words(locale: str, name: str) -> tuple[str, ...]:
    """A word list of the locale's lexicon (``female``, ``surnames``, ...) as a tuple:
    indexing a tuple is a hundred times cheaper than indexing a Series."""
    code = locale if locale in ("nl", "en") else dataset_code(locale) or "en"
    words: pl.Series = getattr(lexicon(code), name)
    return tuple(str(w) for w in words.to_list())


def _same_digits(value: str, d: Digest, keep: int = 0) -> str:
    """Every digit after the first ``keep`` digits replaced (the first of them by a
    digit other than 0 unless it was 0, so the number keeps its length); everything
    else kept."""
    places = [i for i, ch in enumerate(value) if ch.isdigit()]
    if len(places) <= keep:
        return value
    words = d.take(len(places) - keep)
    out = list(value)
    first = places[keep]
    out[first] = _DIGITS[words[0] % 10] if value[first] == "0" else _NONZERO[words[0] % 9]
    for i, w in zip(places[keep + 1 :], words[1:], strict=True):
        out[i] = _DIGITS[w % 10]
    return "".join(out)


def _fix_luhn(digits: str) -> str:
    """The last digit replaced by the Luhn check digit of the others: from the right,
    every other digit of the body doubled (digit sum), starting with the last."""
    body = digits[:-1]
    backwards = body[::-1]
    doubled, plain = backwards[0::2], backwards[1::2]
    if body.isascii():  # digit sums from the ASCII codes, in C (a fifth of the time)
        total = sum(doubled.translate(_DOUBLED_DIGIT).encode()) + sum(plain.encode())
        total -= 48 * len(body)
    else:  # a decimal digit of another script, which int() reads
        total = sum(map(_DOUBLED.__getitem__, map(int, doubled))) + sum(map(int, plain))
    return body + str((10 - total % 10) % 10)


def _regroup(template: str, digits: str) -> str:
    """Put ``digits`` into the digit positions of ``template``."""
    it = iter(digits)
    return "".join([next(it) if ch.isdigit() else ch for ch in template])


def person(value: str, d: Digest, locale: str) -> str:
    given = d.pick(_words(locale, "female" if d.below(2) else "male"))
    family = d.pick(_words(locale, "surnames"))
    tokens = value.split()
    if len(tokens) == 1:
        return given if tokens[0].lower() in first_names() else family
    initials = _INITIALS.match(value)
    if initials:
        return f"{given[0]}. {family}"
    return f"{given} {family}"


def email(value: str, d: Digest, locale: str, *, keep_domain: bool = False) -> str:
    given = d.pick(_words(locale, "female")).lower()
    family = d.pick(_words(locale, "surnames")).lower()
    local = _NOT_LOCAL.sub("", f"{given}.{family}") or "user"
    local += str(d.below(100))
    domain = value.rsplit("@", 1)[1] if keep_domain else d.pick(_DOMAINS)
    return f"{local}@{domain}"


def phone(value: str, d: Digest, locale: str) -> str:
    """The country code and the first national digit stay; the rest is redrawn."""
    keep = 1
    match = _COUNTRY_CODE.match(value)
    if match:
        keep = len(match.group(1)) + 1
    return _same_digits(value, d, keep=keep)


def iban(value: str, d: Digest, locale: str) -> str:
    compact = _SPACE.sub("", value).upper()
    country = compact[:2]
    tail = compact[4:]
    bban = "".join(
        [
            _LETTERS[w % 26] if ch.isalpha() else _DIGITS[w % 10]
            for ch, w in zip(tail, d.take(len(tail)), strict=True)
        ]
    )
    rearranged = bban + country + "00"
    number = int(rearranged.translate(_BASE36))
    check = f"{98 - number % 97:02d}"
    fake = country + check + bban
    if " " in value.strip():
        fake = " ".join(fake[i : i + 4] for i in range(0, len(fake), 4))
    return fake


def credit_card(value: str, d: Digest, locale: str) -> str:
    digits = _NON_DIGIT.sub("", value)
    body = digits[:1] + "".join([_DIGITS[w % 10] for w in d.take(max(0, len(digits) - 1))])
    return _regroup(value, _fix_luhn(body))


def national_id(value: str, d: Digest, locale: str) -> str:
    digits = _NON_DIGIT.sub("", value)
    if len(digits) == 9 and _SSN_SHAPE.fullmatch(value.strip()) is None:
        return _regroup(value, _bsn(d))
    area = 1 + d.below(665)
    group, serial = 1 + d.below(99), 1 + d.below(9999)
    return _regroup(value, f"{area:03d}{group:02d}{serial:04d}")


def _bsn(d: Digest) -> str:
    weights = (9, 8, 7, 6, 5, 4, 3, 2)
    while True:
        words = d.take(9)
        head = [w % 10 for w in words[:8]]
        head[0] = 1 + words[8] % 9
        last = sum(w * n for w, n in zip(weights, head, strict=True)) % 11
        if last < 10:
            return "".join(map(str, head)) + str(last)


def ip(value: str, d: Digest, locale: str) -> str:
    if ":" in value:
        groups = [f"{d.below(65536):x}" for _ in range(6)]
        return "2001:db8:" + ":".join(groups)
    return f"10.{d.below(256)}.{d.below(256)}.{1 + d.below(254)}"


def url(value: str, d: Digest, locale: str) -> str:
    scheme = _SCHEME.match(value)
    prefix = scheme.group(1) if scheme else "https://"
    word = d.pick(_words("en", "words")).lower()
    return f"{prefix}{word}.{d.pick(_DOMAINS)}/{d.below(10**8):08x}"


def address(value: str, d: Digest, locale: str) -> str:
    number = str(1 + d.below(400))
    stop = "." if value.endswith(".") else ""  # "St." or the sentence's full stop: kept
    if value[:1].isdigit():
        street = d.pick(_words(locale, "surnames"))
        suffix = d.pick(_words(locale, "street_suffixes"))
        return f"{number} {street} {suffix}{stop}"
    return f"{d.pick(_words('nl', 'streets'))} {number}{stop}"


def date_of_birth(value: str, d: Digest, locale: str) -> str:
    """Another date in 1940-2005, written in the value's own format where it is numeric."""
    day = dt.date(1940, 1, 1) + dt.timedelta(days=d.below(365 * 65))
    text = value.strip()
    if _ISO_DATE.fullmatch(text):
        return day.isoformat()
    numeric = _NUMERIC_DATE.fullmatch(text)
    if numeric:
        sep, year = numeric.group(2), numeric.group(4)
        first, second = (
            (day.month, day.day)
            if int(numeric.group(1)) <= 12 < int(numeric.group(3))
            else (day.day, day.month)
        )
        y = f"{day.year}" if len(year) == 4 else f"{day.year % 100:02d}"
        return f"{first:02d}{sep}{second:02d}{sep}{y}"
    return f"{day.day} {day.strftime('%B')} {day.year}"


FAKERS = {
    "person": person,
    "email": email,
    "phone": phone,
    "iban": iban,
    "credit_card": credit_card,
    "national_id": national_id,
    "ip": ip,
    "url": url,
    "address": address,
    "date_of_birth": date_of_birth,
}


@lru_cache(maxsize=1 << 17)
def fake(entity: str, value: str, key: bytes, locale: str) -> str:
    """The fake for one identifier (same entity, value, key and locale: same fake);
    cached, since the same names and numbers recur across rows and batches."""
    return FAKERS[entity](value, Digest(key, entity, value), locale)
