"""Mockers: realistic values from a locale's word lists, built as whole columns.

Every random component of a value (a first name, a digit of a phone number, the choice
of a format) is an index drawn from its own named stream of the column, so a row's value
depends only on (seed, table, column, row) and any block or subset of rows reproduces it.
Values are assembled without per-row Python: word lists are gathered by index, text is
joined with Polars expressions, and digit formats are filled as byte matrices (one
vector operation per character position, whatever the number of rows).

Unique columns: kinds with a natural, enumerable domain (names, emails, phones, IBANs,
cards, addresses on the Internet) decode a domain index by mixed radix into the same
components instead of drawing them, so distinct indices give distinct values.
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from fauxdata.errors import did_you_mean
from fauxdata.generators.base import ColumnContext, Generator, Rows
from fauxdata.generators.wordlists import (
    CAP,
    Formats,
    compile_formats,
    country_codes,
    enumerable,
    first_names,
    known_locales,
    last_handles,
    resolve_locale,
    uri_paths,
    word_lists,
)
from fauxdata.spec.generators import Mock

I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
Digits = Callable[[int, I64 | np.int64], I64]
"""digits(slot, radix): the value in [0, radix) of a format slot, for every row."""

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_LUHN_DOUBLE = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int64)
_NUMBERS = pl.Series([str(i) for i in range(256)], dtype=pl.String)
_SUFFIXES = pl.Series(["", *(str(i) for i in range(1, 100))], dtype=pl.String)
_CARDS = ("4##############", *(f"5{d}#############" for d in "12345"))
_SEPARATORS = pl.Series(["_", "", "", "."], dtype=pl.String)
_HOUSE_TIERS = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 3])
_HOUSE_LOW, _HOUSE_SPAN = np.array([1, 10, 100, 1000]), np.array([9, 90, 900, 1000])
_FIRST_OCTETS = np.array([o for o in range(1, 224) if o not in (10, 127)], dtype=np.int64)


# --- formats -----------------------------------------------------------------------------


def render(formats: Formats, choice: I64, digits: Digits) -> tuple[U8, I64]:
    """Each row's chosen format with its slots filled: a byte matrix and row widths."""
    out = formats.template[choice]
    rows = np.arange(choice.shape[0])
    for j in range(formats.slots):
        radix, zero, at = (
            _per_row(a[:, j], choice) for a in (formats.radix, formats.zero, formats.position)
        )
        value = (zero + digits(j, radix)).astype(np.uint8)
        if np.ndim(at) == 0:
            out[:, at] = value
        else:
            out[rows, at] = value
    return out[:, :-1], formats.width[choice]


def _per_row(column: I64 | U8, choice: I64) -> I64 | np.int64:
    """A slot's property per row, or one scalar when every format agrees (the usual case)."""
    return column[0] if bool((column == column[0]).all()) else column[choice].astype(np.int64)


def to_strings(matrix: U8, widths: I64 | None = None) -> pl.Series:
    """Rows of a byte matrix, each cut to its width (default: all), as a String Series."""
    n, width = matrix.shape
    if widths is None or (n and bool((widths == width).all())):
        data, offsets = matrix.tobytes(), np.arange(0, (n + 1) * width, width, dtype=np.int64)
    else:
        data = matrix[np.arange(width) < widths[:, None]].tobytes()
        offsets = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)
    array = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    return pl.Series(pl.from_arrow(array)).cast(pl.String)


def random_digits(words: Sequence[npt.NDArray[np.uint64]]) -> Digits:
    """Slot j takes 16 random bits of word j // 4, scaled to its radix."""

    def digit(j: int, radix: I64 | np.int64) -> I64:
        bits = (words[j // 4] >> np.uint64(16 * (j % 4))) & np.uint64(0xFFFF)
        return (bits.astype(np.int64) * radix) >> 16

    return digit


def enumerated_digits(formats: Formats, choice: I64, local: I64, fill: Digits) -> Digits:
    """Mixed-radix digits of each row's index within its format, last slot lowest.

    Slots worth CAP or more never carry any of the index, so they take ``fill`` digits
    (random per index) instead of a column of zeros.
    """
    digits: dict[int, I64] = {}
    for j in reversed(range(formats.slots)):
        radix = formats.radix[choice, j]
        digits[j], local = local % radix, local // radix

    def digit(j: int, radix: I64 | np.int64) -> I64:
        beyond = formats.beyond[choice, j]
        return np.where(beyond, fill(j, radix), digits[j]) if beyond.any() else digits[j]

    return digit


def mixed_radix(index: I64, radices: Sequence[int]) -> list[I64]:
    """Split indices into digits, the last radix varying fastest."""
    out: list[I64] = []
    for radix in reversed(radices):
        out.append(index % radix)
        index = index // radix
    return out[::-1]


# --- checksums ---------------------------------------------------------------------------


def mod97(matrix: U8, letters: Sequence[bool]) -> I64:
    """ISO 7064 MOD 97-10 of rows of digits and capitals (A = 10 .. Z = 35).

    Columns accumulate into one number reduced every ~14 decimal places, so a 30-character
    IBAN costs a few array operations per column rather than a modulo per character.
    """
    rem = np.zeros(matrix.shape[0], dtype=np.int64)
    acc, scale = np.zeros_like(rem), 1
    for j, letter in enumerate(letters):
        c = matrix[:, j].astype(np.int64)
        acc, scale = (
            (acc * 100 + c - 55, scale * 100) if letter else (acc * 10 + c - 48, scale * 10)
        )
        if scale >= 10**14:
            rem, acc, scale = (rem * scale + acc) % 97, np.zeros_like(rem), 1
    return (rem * scale + acc) % 97


def luhn_digit(matrix: U8) -> U8:
    """The ASCII check digit that makes each row of ASCII digits pass the Luhn check."""
    total = np.zeros(matrix.shape[0], dtype=np.int64)
    for k, j in enumerate(reversed(range(matrix.shape[1]))):
        d = matrix[:, j].astype(np.int64) - 48
        total += _LUHN_DOUBLE[d] if k % 2 == 0 else d
    return (48 + (10 - total % 10) % 10).astype(np.uint8)


# --- composition -------------------------------------------------------------------------


def _columns(parts: Sequence[pl.Series | str]) -> tuple[dict[str, pl.Series], list[pl.Expr]]:
    """Series become frame columns, text becomes literals; one expression per part."""
    columns = {f"c{i}": p for i, p in enumerate(parts) if isinstance(p, pl.Series)}
    return columns, [
        pl.col(f"c{i}") if f"c{i}" in columns else pl.lit(p) for i, p in enumerate(parts)
    ]


def concat(*parts: pl.Series | str) -> pl.Series:
    """Row-wise concatenation of Series and literal text, as one Polars expression."""
    columns, exprs = _columns(parts)
    return pl.DataFrame(columns).select(pl.concat_str(exprs).alias("v")).to_series()


def pick_pattern(pattern: I64, options: Sequence[pl.Series | str]) -> pl.Series:
    """Row i takes option ``pattern[i]`` (its i-th value, or the text itself)."""
    columns, exprs = _columns(options)
    expr = exprs[-1]
    for i in reversed(range(len(options) - 1)):
        expr = pl.when(pl.col("p") == i).then(exprs[i]).otherwise(expr)
    return pl.DataFrame({"p": pattern} | columns).select(expr.alias("v")).to_series()


# --- generators --------------------------------------------------------------------------


class _Mocker(Generator):
    """Shared set-up: the locale's word lists, named streams, and dispatch by kind.

    ``_<kind>(rows)`` builds values; ``_<kind>_domain()`` and ``_<kind>_at(index)``, where
    a kind defines them, give its unique domain.
    """

    spec: Mock

    def __init__(self, spec: Mock, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        name = spec.locale or ctx.locale
        locale = resolve_locale(name)
        if locale is None:
            known = known_locales()
            hint = did_you_mean(name, known) or f"expected one of {', '.join(known)}"
            raise ctx.error(f"unknown locale '{name}'", hint=hint)
        self.locale = locale
        self.words = word_lists(locale)

    def draw(self, rows: Rows, name: str, n: int) -> I64:
        return self.ctx.stream(name).below(rows, n)

    def pick(self, rows: Rows, name: str, words: pl.Series) -> pl.Series:
        return words.gather(self.draw(rows, name, words.len()))

    def fill(
        self, rows: Rows, name: str, texts: tuple[str, ...], choice: I64 | None = None
    ) -> tuple[U8, I64]:
        """Rows of digit/letter formats (bytes, widths); each row picks one unless told."""
        formats = compile_formats(texts)
        if choice is None and len(texts) > 1:
            choice = self.draw(rows, f"{name}-format", len(texts))
        choice = np.zeros_like(rows) if choice is None else choice
        words = [self.ctx.stream(name, k).bits(rows) for k in range(-(-formats.slots // 4))]
        return render(formats, choice, random_digits(words))

    def fill_at(self, index: I64, name: str, texts: tuple[str, ...]) -> tuple[U8, I64]:
        """The index-th values of the formats' unique domain (see ``enumerable``)."""
        chosen, starts, _ = enumerable(texts)
        offsets = np.array(starts, dtype=np.int64)
        which = np.searchsorted(offsets, index, side="right") - 1
        choice = np.array(chosen, dtype=np.int64)[which]
        formats = compile_formats(texts)
        words = [
            self.ctx.stream(name, "fill", k).bits(index) for k in range(-(-formats.slots // 4))
        ]
        digits = enumerated_digits(formats, choice, index - offsets[which], random_digits(words))
        return render(formats, choice, digits)

    def word_list(self) -> pl.Series | None:
        """The list a kind picks from as it is (city, job_title, ...), if it is one."""
        return None

    def formats(self) -> tuple[str, ...] | None:
        """The digit/letter formats a kind fills as they are (phone, postcode), if any."""
        return None

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        rows = np.asarray(rows, dtype=np.int64)
        words, formats = self.word_list(), self.formats()
        if words is not None:
            return self.pick(rows, self.spec.kind, words)
        if formats is not None:
            return to_strings(*self.fill(rows, self.spec.kind, formats))
        build: Callable[[I64], pl.Series] = getattr(self, f"_{self.spec.kind}")
        return build(rows)

    def domain_size(self) -> int | None:
        words, formats = self.word_list(), self.formats()
        if words is not None:
            return words.len()
        if formats is not None:
            return enumerable(formats)[2]
        size: Callable[[], int | None] | None = getattr(self, f"_{self.spec.kind}_domain", None)
        return None if size is None else size()

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        index = np.asarray(index, dtype=np.int64)
        words, formats = self.word_list(), self.formats()
        if words is not None:
            return words.gather(index)
        if formats is not None:
            return to_strings(*self.fill_at(index, self.spec.kind, formats))
        decode = getattr(self, f"_{self.spec.kind}_at", None)
        if decode is None or self.domain_size() is None:
            return super().at_domain(index, inputs)
        return decode(index)


class PersonMocker(_Mocker):
    """Names, and the emails and user names people make from them.

    ``gender`` narrows the first names of every kind here that uses them.
    """

    kinds = ("first_name", "last_name", "full_name", "email", "user_name")

    def __init__(self, spec: Mock, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        self.first, self.first_handles = first_names(self.locale, spec.gender)
        self.last, self.last_handles = self.words.surnames, last_handles(self.locale)
        self.domains = self.words.email_domains
        if spec.domains:
            self.domains = _clean_domains(spec.domains)
            if self.domains.is_empty():
                raise ctx.error("domains holds no domain names", hint="e.g. domains: [example.com]")

    def word_list(self) -> pl.Series | None:
        return {"first_name": self.first, "last_name": self.last}.get(self.spec.kind)

    def _full_name(self, rows: I64) -> pl.Series:
        return concat(self.pick(rows, "first", self.first), " ", self.pick(rows, "last", self.last))

    def _full_name_domain(self) -> int | None:
        """Unique only while no first name holds a space: then the first space splits."""
        if self.first.str.contains(" ", literal=True).any():
            return None
        return self.first.len() * self.last.len()

    def _full_name_at(self, index: I64) -> pl.Series:
        first, last = mixed_radix(index, (self.first.len(), self.last.len()))
        return concat(self.first.gather(first), " ", self.last.gather(last))

    def _sizes(self) -> tuple[int, int]:
        return self.first_handles.len(), self.last_handles.len()

    def _email(self, rows: I64) -> pl.Series:
        """first.last@domain; three in ten add a number, as people do when theirs is taken."""
        first, last = self._sizes()
        numbered = self.ctx.stream("numbered").uniform(rows) < 0.3
        number = np.where(numbered, self.draw(rows, "number", 99) + 1, 0)
        domain = self.draw(rows, "domain", self.domains.len())
        return self._mailbox(
            self.draw(rows, "first", first), self.draw(rows, "last", last), number, domain
        )

    def _mailbox(self, first: I64, last: I64, number: I64, domain: I64) -> pl.Series:
        # Handles are [a-z]+ and the number is digits, so the text splits back uniquely.
        return concat(
            self.first_handles.gather(first),
            ".",
            self.last_handles.gather(last),
            _SUFFIXES.gather(number),
            "@",
            self.domains.gather(domain),
        )

    def _email_domain(self) -> int:
        return math.prod(self._sizes()) * _SUFFIXES.len() * self.domains.len()

    def _email_at(self, index: I64) -> pl.Series:
        return self._mailbox(
            *mixed_radix(index, (*self._sizes(), _SUFFIXES.len(), self.domains.len()))
        )

    def _user_name(self, rows: I64) -> pl.Series:
        """jane_doe, janedoe42, jdoe7 or jane.doe: the usual shapes of a handle."""
        first_n, last_n = self._sizes()
        first = self.first_handles.gather(self.draw(rows, "first", first_n))
        last = self.last_handles.gather(self.draw(rows, "last", last_n))
        shape = self.draw(rows, "shape", 4)  # the four shapes above, in that order
        head = pick_pattern((shape == 2).astype(np.int64), [first, first.str.slice(0, 1)])
        numbered = (shape == 1) | (shape == 2)
        number = np.where(numbered, self.draw(rows, "number", 99) + 1, 0)
        return concat(head, _SEPARATORS.gather(shape), last, _SUFFIXES.gather(number))

    def _user_name_domain(self) -> int:
        return math.prod(self._sizes()) * _SUFFIXES.len()

    def _user_name_at(self, index: I64) -> pl.Series:
        first, last, number = mixed_radix(index, (*self._sizes(), _SUFFIXES.len()))
        return concat(
            self.first_handles.gather(first),
            "_",
            self.last_handles.gather(last),
            _SUFFIXES.gather(number),
        )


def _clean_domains(domains: Sequence[str]) -> pl.Series:
    cleaned = {d.strip().lstrip("@").lower() for d in domains}
    return pl.Series(sorted(cleaned - {""}), dtype=pl.String)


class AddressMocker(_Mocker):
    """Where people live and how to call them, in the locale's own formats."""

    kinds = ("street_address", "city", "state", "postcode", "country", "country_code", "phone")

    def word_list(self) -> pl.Series | None:
        w = self.words
        lists = {"city": w.cities, "state": w.states, "country": w.countries}
        return lists.get(
            self.spec.kind, country_codes() if self.spec.kind == "country_code" else None
        )

    def _street_address(self, rows: I64) -> pl.Series:
        """In the locale's order: '12 Main Street', 'Hauptstraße 12', '12 Rue de la Paix'."""
        # Integer-only (no libm): 3 in 10 houses are 1-9, 10-99 and 100-999, 1 in 10 above.
        tier = _HOUSE_TIERS[self.draw(rows, "house-size", _HOUSE_TIERS.shape[0])]
        offset = (self.ctx.stream("house").bits(rows) >> np.uint64(32)).astype(np.int64)
        house = _HOUSE_LOW[tier] + ((offset * _HOUSE_SPAN[tier]) >> 32)
        fields = {
            "st_num": pl.Series(house).cast(pl.String),
            "st_name": self.pick(rows, "street", self.words.streets),
            "st_sfx": self.pick(rows, "suffix", self.words.street_suffixes),
        }
        parts: list[pl.Series | str] = []
        for literal, field, _, _ in string.Formatter().parse(self.words.address_format):
            parts.extend([literal] if literal else [])
            parts.extend([fields[field]] if field else [])
        return concat(*parts)

    def formats(self) -> tuple[str, ...] | None:
        return {"postcode": self.words.postcode_formats, "phone": self.words.phone_formats}.get(
            self.spec.kind
        )


class PaymentMocker(_Mocker):
    """Account and card numbers that pass their checksums (IBAN mod 97, Luhn)."""

    kinds = ("iban", "credit_card")

    def _iban(self, rows: I64) -> pl.Series:
        return self._with_check_digits(self.fill(rows, "bban", (self.words.bban_format,))[0])

    def _iban_domain(self) -> int:
        return enumerable((self.words.bban_format,))[2]

    def _iban_at(self, index: I64) -> pl.Series:
        return self._with_check_digits(self.fill_at(index, "bban", (self.words.bban_format,))[0])

    def _with_check_digits(self, bban: U8) -> pl.Series:
        """Country + the two digits that make (BBAN, country, check) = 1 mod 97 + BBAN."""
        country = self.words.iban_country
        letters = [c == "@" or c.isalpha() for c in self.words.bban_format]
        country_digits = int("".join(str(ord(c) - 55) for c in country))
        check = 98 - (mod97(bban, letters) * 10**6 + country_digits * 100) % 97
        out = np.empty((bban.shape[0], bban.shape[1] + 4), dtype=np.uint8)
        out[:, :2] = np.frombuffer(country.encode("ascii"), dtype=np.uint8)
        out[:, 2], out[:, 3], out[:, 4:] = 48 + check // 10, 48 + check % 10, bban
        return to_strings(out)

    def _credit_card(self, rows: I64) -> pl.Series:
        """Half Visa (4...), half Mastercard (51-55...): one layout, brand digits set after."""
        body = self.fill(rows, "card", _CARDS[:1])[0]
        brand = self.draw(rows, "brand", 10)
        mastercard = brand >= 5
        body[:, 0] = np.where(mastercard, ord("5"), ord("4"))
        body[:, 1] = np.where(mastercard, ord("1") + brand - 5, body[:, 1])
        return self._with_luhn(body)

    def _credit_card_domain(self) -> int:
        return enumerable(_CARDS)[2]

    def _credit_card_at(self, index: I64) -> pl.Series:
        return self._with_luhn(self.fill_at(index, "card", _CARDS)[0])

    @staticmethod
    def _with_luhn(body: U8) -> pl.Series:
        out = np.concatenate([body, luhn_digit(body)[:, None]], axis=1)
        return to_strings(out)


class WorkMocker(_Mocker):
    """Employers and job titles."""

    kinds = ("company", "job_title")

    def word_list(self) -> pl.Series | None:
        return self.words.jobs if self.spec.kind == "job_title" else None

    def _company(self, rows: I64) -> pl.Series:
        """A listed company, 'Surname Inc.' or 'Surname & Surname', one third each."""
        w = self.words
        shape = self.draw(rows, "shape", 3)
        listed = self.pick(rows, "company", w.companies)
        head = pick_pattern(np.minimum(shape, 1), [listed, self.pick(rows, "surname", w.surnames)])
        legal_form = self.pick(rows, "legal-form", w.company_types)
        tail = pick_pattern(shape, ["", legal_form, self.pick(rows, "partner", w.surnames)])
        return concat(head, pl.Series(["", " ", " & "]).gather(shape), tail)


class InternetMocker(_Mocker):
    """IP addresses and URLs."""

    kinds = ("ipv4", "ipv6", "url")

    def _ipv4(self, rows: I64) -> pl.Series:
        return self._ipv4_at(self.draw(rows, "ipv4", self._ipv4_domain()))

    def _ipv4_domain(self) -> int:
        """Unicast addresses outside 10/8 and 127/8: first octet 1-223, the rest 0-255."""
        return _FIRST_OCTETS.shape[0] << 24

    def _ipv4_at(self, index: I64) -> pl.Series:
        first = _NUMBERS.gather(_FIRST_OCTETS[index >> 24])
        rest = [_NUMBERS.gather((index >> s) & 255) for s in (16, 8, 0)]
        return concat(first, ".", rest[0], ".", rest[1], ".", rest[2])

    def _ipv6(self, rows: I64) -> pl.Series:
        return _ipv6_text(
            self.ctx.stream("ipv6-high").bits(rows), self.ctx.stream("ipv6-low").bits(rows)
        )

    def _ipv6_domain(self) -> int:
        return CAP

    def _ipv6_at(self, index: I64) -> pl.Series:
        """The index is the low 64 bits; the high ones are random per index."""
        return _ipv6_text(self.ctx.stream("ipv6-fill").bits(index), index.astype(np.uint64))

    def _url(self, rows: I64) -> pl.Series:
        """https://www.<word>.<tld>/<section>/<word>, or one of the spec's domains."""
        if self.spec.domains:
            host = self.pick(rows, "host", _clean_domains(self.spec.domains))
        else:
            site = self.pick(rows, "site", self.words.slugs)
            host = concat("www.", site, ".", self.pick(rows, "tld", self.words.tlds))
        section = self.pick(rows, "section", uri_paths())
        return concat(
            "https://", host, "/", section, "/", self.pick(rows, "page", self.words.slugs)
        )


def _ipv6_text(high: npt.NDArray[np.uint64], low: npt.NDArray[np.uint64]) -> pl.Series:
    """Eight groups of four lower-case hex digits, in 2000::/4 (global unicast)."""
    high = (high & np.uint64(0x0FFFFFFFFFFFFFFF)) | np.uint64(0x2000000000000000)
    out = np.full((high.shape[0], 39), ord(":"), dtype=np.uint8)
    for nibble in range(32):
        word = high if nibble < 16 else low
        shift = np.uint64(60 - 4 * (nibble % 16))
        out[:, nibble + nibble // 4] = _HEX[((word >> shift) & np.uint64(15)).astype(np.intp)]
    return to_strings(out)


class TextMocker(_Mocker):
    """Filler text from the locale's words."""

    kinds = ("sentence",)
    _MAX_WORDS = 14

    def _sentence(self, rows: I64) -> pl.Series:
        """Six to fourteen words, the first capitalised, ending in a full stop."""
        length = self.draw(rows, "length", self._MAX_WORDS - 5) + 6
        words = {
            f"w{i}": self.pick(rows, f"word{i}", self.words.words) for i in range(self._MAX_WORDS)
        }
        frame = pl.DataFrame(words | {"n": length})
        kept = [pl.when(pl.col("n") > i).then(pl.col(f"w{i}")) for i in range(self._MAX_WORDS)]
        text = pl.concat_str(kept, separator=" ", ignore_nulls=True)
        sentence = pl.concat_str(
            text.str.slice(0, 1).str.to_uppercase(), text.str.slice(1), pl.lit(".")
        )
        return frame.select(sentence.alias("v")).to_series()


MOCKERS: tuple[type[_Mocker], ...] = (
    PersonMocker,
    AddressMocker,
    PaymentMocker,
    WorkMocker,
    InternetMocker,
    TextMocker,
)
