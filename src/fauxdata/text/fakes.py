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
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_BASE36 = str.maketrans({ch: str(int(ch, 36)) for ch in _LETTERS})
"""An IBAN's letters as their numbers (A = 10 ... Z = 35) for the mod-97 check."""
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
"""A digit doubled, as Luhn adds it (the digit sum of twice the digit)."""
_WORDS = struct.Struct(">8Q")
_DOUBLED_DIGIT = str.maketrans(_DIGITS, "".join(map(str, _DOUBLED)))
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
    """A stream of draws from one keyed 512-bit digest, read as eight big-endian 64-bit
    words handed out in order and extended by counter when used up. A draw below ``n``
    is a word modulo ``n``; a run of digits is one number below ``10**count`` from as
    few words as leave 64 bits to spare (two for up to 19 digits), so a card, an IBAN
    or a phone number takes two or three words instead of one per digit, and nearly
    every fake comes from the one digest. A draw's bias is at most its range over
    ``2**64`` (a digit run's too: it has 64 bits over)."""

    __slots__ = ("_counter", "_next", "_seed", "_words")

    def __init__(self, key: bytes, entity: str, value: str) -> None:
        hasher = _keyed(key, entity).copy()
        hasher.update(value.encode())
        self._seed = seed = hasher.digest()
        self._words = _WORDS.unpack(seed)
        self._next = 0
        self._counter = 0

    def _extend(self, count: int) -> tuple[int, ...]:
        """The words, enough of them for ``count`` more."""
        words = self._words
        while len(words) < self._next + count:
            self._counter += 1
            more = hashlib.blake2b(self._seed + self._counter.to_bytes(4, "big")).digest()
            words += _WORDS.unpack(more)
        self._words = words
        return words

    def below(self, n: int) -> int:
        """A draw in ``range(n)`` (0 when ``n`` is below 2)."""
        i = self._next
        words = self._words if i < len(self._words) else self._extend(1)
        self._next = i + 1
        return words[i] % (n if n > 1 else 1)

    def digits(self, count: int) -> str:
        """``count`` uniform decimal digits, from one number of
        ``ceil((3.33 * count + 64) / 64)`` words."""
        if count <= 0:
            return ""
        need = (count * 3322 // 1000 + 128) // 64
        i = self._next
        words = self._words if i + need <= len(self._words) else self._extend(need)
        self._next = i + need
        number = 0
        for word in words[i : i + need]:
            number = number << 64 | word
        return f"{number % 10**count:0{count}d}"

    def letters(self, count: int) -> str:
        """``count`` uniform capital letters, a word each."""
        i = self._next
        words = self._words if i + count <= len(self._words) else self._extend(count)
        self._next = i + count
        return "".join([_LETTERS[w % 26] for w in words[i : i + count]])

    def pick(self, options: list[str] | tuple[str, ...]) -> str:
        """``options[self.below(len(options))]``, inline: a third of a person's fake."""
        i = self._next
        words = self._words if i < len(self._words) else self._extend(1)
        self._next = i + 1
        return options[words[i] % (len(options) or 1)]


@lru_cache(maxsize=64)
def _keyed(key: bytes, entity: str) -> hashlib.blake2b:
    """BLAKE2b-512 with the key (its first block) and ``entity\x1f`` already absorbed:
    copied per value, the same digest as ``blake2b(f"{entity}\x1f{value}", key=key)``
    without hashing the key and the entity again each time."""
    hasher = hashlib.blake2b(key=key[:64])
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
    count = len(places) - keep
    if count <= 0:
        return value
    drawn = d.digits(count) if value[places[keep]] == "0" else _leading_nonzero(d, count)
    out = list(value)
    for i, digit in zip(places[keep:], drawn, strict=True):
        out[i] = digit
    return "".join(out)


def _leading_nonzero(d: Digest, count: int) -> str:
    """``count`` uniform digits, the first of them not 0, from one draw."""
    low = 10 ** (count - 1)
    return str(low + d.below(9 * low))


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
    if tail.isdigit():  # most countries: digits alone
        bban = d.digits(len(tail))
    else:  # a letter where the value has one, a digit elsewhere
        letters = iter(d.letters(sum(ch.isalpha() for ch in tail)))
        digits = iter(d.digits(sum(not ch.isalpha() for ch in tail)))
        bban = "".join([next(letters) if ch.isalpha() else next(digits) for ch in tail])
    rearranged = bban + country + "00"
    number = int(rearranged.translate(_BASE36))
    check = f"{98 - number % 97:02d}"
    fake = country + check + bban
    if " " in value.strip():
        fake = " ".join(fake[i : i + 4] for i in range(0, len(fake), 4))
    return fake


def credit_card(value: str, d: Digest, locale: str) -> str:
    digits = _NON_DIGIT.sub("", value)
    body = digits[:1] + d.digits(len(digits) - 1)
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
    while True:  # eight digits, the first not 0, until the 11-proof gives a digit
        head = _leading_nonzero(d, 8)
        last = sum(w * int(n) for w, n in zip(weights, head, strict=True)) % 11
        if last < 10:
            return head + str(last)


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
