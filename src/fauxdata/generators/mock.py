"""Mockers: realistic values from word lists, sampled as arrays, never one call per row.

Each kind draws integer indices from the column's streams and gathers from a locale's
word lists (``lexicon``), or fills digit and letter formats as byte matrices. Checksums
(IBAN mod 97, Luhn) are computed digit position by digit position over whole arrays.
Kinds that can be unique enumerate their domain: the index's mixed-radix digits replace
the random draws, so distinct indices give distinct values.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property, lru_cache

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.errors import did_you_mean
from fauxdata.generators.base import ColumnContext, Generator, Rows, text_width
from fauxdata.generators.draws import RandomDraw
from fauxdata.generators.formats import Draw, FormatTable, render_format
from fauxdata.generators.lexicon import (
    LOCALES,
    Lexicon,
    country_codes,
    dataset_code,
    email_domains,
    lexicon,
    top_level_domains,
)
from fauxdata.generators.sentence import PooledSentences, SentenceBuilder, SizedSentences
from fauxdata.generators.template import fold_ascii
from fauxdata.generators.text import _HEX, fixed_width
from fauxdata.spec import generators as g

I64 = npt.NDArray[np.int64]

_IBAN = {
    "NL": "@@@@##########",
    "DE": "##################",
    "GB": "@@@@##############",
    "FR": "#######################",
    "ES": "####################",
    "BE": "############",
    "IT": "@######################",
}


def _concat(*parts: pl.Series | str) -> pl.Series:
    """Concatenate Series and literal text row by row."""
    n = next(p.len() for p in parts if isinstance(p, pl.Series))
    frame = pl.DataFrame(
        {f"p{i}": p for i, p in enumerate(parts) if isinstance(p, pl.Series)}, height=n
    )
    exprs = [
        pl.col(f"p{i}") if isinstance(p, pl.Series) else pl.lit(p) for i, p in enumerate(parts)
    ]
    return frame.select(pl.concat_str(exprs).alias("v")).to_series()


def mod97(text: pl.Series) -> I64:
    """ISO 7064 mod 97-10 of alphanumeric strings (letters count as 10..35), vectorized."""
    width = int(text.str.len_bytes().max() or 0)  # type: ignore[arg-type]
    matrix = np.frombuffer(
        text.str.pad_end(width).cast(pl.Binary).to_arrow().buffers()[2], dtype=np.uint8
    )[: text.len() * width].reshape(-1, width)
    rem = np.zeros(text.len(), dtype=np.int64)
    for j in range(width):
        c = matrix[:, j].astype(np.int64)
        digit = (c >= 48) & (c <= 57)
        letter = (c >= 65) & (c <= 90)
        rem = np.where(digit, (rem * 10 + c - 48) % 97, rem)
        rem = np.where(letter, (rem * 100 + c - 55) % 97, rem)
    return rem


def luhn_digit(matrix: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The check digit that makes each row of ASCII digits (without it) pass Luhn."""
    digits = matrix.astype(np.int64) - 48
    total = np.zeros(matrix.shape[0], dtype=np.int64)
    for k, j in enumerate(range(matrix.shape[1] - 1, -1, -1)):
        d = digits[:, j]
        if k % 2 == 0:
            d = d * 2
            d = np.where(d > 9, d - 9, d)
        total += d
    return (48 + (10 - total % 10) % 10).astype(np.uint8)


def dataset_for(ctx: ColumnContext, locale: str | None) -> str:
    """The word-list dataset of a locale (default: the spec's).

    Raises:
        FauxdataError: an unknown locale, with the closest known one.
    """
    locale = locale or ctx.locale
    code = dataset_code(locale)
    if code is None:
        raise ctx.error(
            f"unknown locale '{locale}'",
            did_you_mean(locale, LOCALES) or f"known: {', '.join(sorted(LOCALES))}",
        )
    return code


class MockGenerator(Generator):
    kinds = tuple(g.Mock.model_fields["kind"].annotation.__args__)  # type: ignore[union-attr]
    spec: g.Mock

    def __init__(self, spec: g.Mock, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        code = dataset_for(ctx, spec.locale)
        self.lex: Lexicon = lexicon(code)
        self.base: Lexicon = lexicon(code.split("-")[0])
        self.first, self.handle_first, self.handle_last = _people(code, spec.gender or "")
        self.domains = (
            pl.Series(spec.domains, dtype=pl.String).unique(maintain_order=True)
            if spec.domains
            else email_domains()
        )
        ctype = ctx.type
        if (
            spec.max_length is not None
            and ctype.name == "varchar"
            and ctype.length is not None
            and spec.max_length > ctype.length
        ):
            raise ctx.error(
                f"max_length {spec.max_length} is longer than the column's {ctype}; "
                f"expected at most {ctype.length}",
                hint=f"use max_length: {ctype.length} or a wider type",
            )

    # --- draws ------------------------------------------------------------------------

    def _random(self, rows: Rows) -> RandomDraw:
        return RandomDraw(lambda name: self.ctx.stream(self.spec.kind, name), rows)

    def _enumerate(self, index: Rows) -> Draw:
        """Mixed-radix digits of the index, in the order the kind asks for them."""
        remaining = index.copy()

        def draw(name: str, n: int) -> I64:
            nonlocal remaining
            digit = remaining % n
            remaining = remaining // n
            return digit

        return draw

    # --- kinds --------------------------------------------------------------------------

    def _pick(self, words: pl.Series, draw: Draw, name: str) -> pl.Series:
        if words.len() == 0:
            words = pl.Series([""], dtype=pl.String)
        return words.gather(draw(name, words.len()))

    def _names(self, draw: Draw) -> tuple[pl.Series, pl.Series]:
        return self._pick(self.first, draw, "first"), self._pick(self.lex.surnames, draw, "last")

    def _handle(self, draw: Draw, sep: str) -> pl.Series:
        first = self._pick(self.handle_first, draw, "first")
        last = self._pick(self.handle_last, draw, "last")
        number = pl.Series(draw("number", 100)).cast(pl.String).str.zfill(2)
        return _concat(first, sep, last, number)

    def build(self, draw: Draw) -> pl.Series:
        kind, lex = self.spec.kind, self.lex
        match kind:
            case "first_name":
                return self._pick(self.first, draw, "first")
            case "last_name":
                return self._pick(lex.surnames, draw, "last")
            case "full_name":
                first, last = self._names(draw)
                return _concat(first, " ", last)
            case "email":
                return _concat(
                    self._handle(draw, "."), "@", self._pick(self.domains, draw, "domain")
                )
            case "user_name":
                return self._handle(draw, "_")
            case "phone":
                return self._formats(lex.phone_formats, draw, "phone")
            case "postcode":
                return render_format(lex.postcode_format, draw, "postcode")
            case "city":
                return self._pick(lex.cities, draw, "city")
            case "state":
                return self._pick(
                    lex.states if lex.states.len() else self.base.states, draw, "state"
                )
            case "country":
                return self._pick(
                    lex.countries if lex.countries.len() else self.base.countries, draw, "country"
                )
            case "country_code":
                return self._pick(country_codes(), draw, "country_code")
            case "street_address":
                return self._street(draw)
            case "company":
                return self._pick(
                    lex.companies if lex.companies.len() else self.base.companies, draw, "company"
                )
            case "job_title":
                return self._pick(
                    lex.occupations if lex.occupations.len() > 100 else self.base.occupations,
                    draw,
                    "job",
                )
            case "iban":
                return self._iban(draw)
            case "credit_card":
                return self._credit_card(draw)
            case "ipv4":
                octets = [
                    pl.Series(draw(f"o{i}", 256 if i else 223) + (0 if i else 1)).cast(pl.String)
                    for i in range(4)
                ]
                return _concat(octets[0], ".", octets[1], ".", octets[2], ".", octets[3])
            case "ipv6":
                nibbles = np.stack([draw(f"n{i}", 16) for i in range(32)], axis=1)
                text = np.full((nibbles.shape[0], 39), ord(":"), dtype=np.uint8)
                text[:, [i for i in range(39) if i % 5 != 4]] = _HEX[nibbles]
                return fixed_width(text)
            case "url":
                word = fold_ascii(self._pick(lex.words, draw, "site")).str.to_lowercase()
                path = fold_ascii(self._pick(lex.words, draw, "path")).str.to_lowercase()
                return _concat(
                    "https://www.",
                    word,
                    ".",
                    self._pick(top_level_domains(), draw, "tld"),
                    "/",
                    path,
                )
            case "sentence":
                return self._sentence(draw)
            case "title":
                return self._words(draw, 4).str.to_titlecase()
            case "slug":
                return fold_ascii(self._words(draw, 4)).str.to_lowercase().str.replace_all(" ", "-")
        raise self.ctx.error(f"mocker '{kind}' is not implemented")

    def _formats(self, formats: tuple[str, ...], draw: Draw, name: str) -> pl.Series:
        """Each row picks a format, then draws its digits from that format's streams."""
        table = _format_table(formats, name)
        return table.fill(draw, draw(f"{name}-format", len(formats)))

    def _street(self, draw: Draw) -> pl.Series:
        lex = self.lex
        number = pl.Series(draw("house", 999) + 1).cast(pl.String)
        name = self._pick(lex.streets, draw, "street")
        suffix = (
            self._pick(lex.street_suffixes, draw, "suffix") if lex.street_suffixes.len() else None
        )
        parts: list[pl.Series | str] = []
        fmt = (
            lex.address_format
            if suffix is not None
            else lex.address_format.replace(" {st_sfx}", "").replace("{st_sfx} ", "")
        )
        # Without suffixes the format loses {st_sfx}; one left glued to text fills in empty.
        fields: dict[str, pl.Series | str] = {
            "st_num": number,
            "st_name": name,
            "st_sfx": suffix if suffix is not None else "",
        }
        for literal, field in _split(fmt):
            if literal:
                parts.append(literal)
            if field:
                parts.append(fields[field])
        return _concat(*parts)

    def _iban(self, draw: Draw) -> pl.Series:
        country = self.lex.country_code if self.lex.country_code in _IBAN else "DE"
        bban = render_format(_IBAN[country], draw, "bban")
        check = 98 - mod97(_concat(bban, country, "00"))
        return _concat(country, pl.Series(check).cast(pl.String).str.zfill(2), bban)

    def _credit_card(self, draw: Draw) -> pl.Series:
        brand = draw("brand", 2)
        body = np.stack([48 + draw(f"d{j}", 10) for j in range(15)], axis=1).astype(np.uint8)
        body[:, 0] = np.where(brand == 0, ord("4"), ord("5"))
        body[:, 1] = np.where(brand == 0, body[:, 1], ord("1") + draw("mc", 5))
        return fixed_width(np.concatenate([body, luhn_digit(body)[:, None]], axis=1))

    def _words(self, draw: Draw, most: int) -> pl.Series:
        """Two to ``most`` words, space-separated: the body of a title or a slug."""
        words = self.lex.words if self.lex.words.len() else self.base.words
        length = draw("length", most - 1) + 2
        frame = pl.DataFrame(
            {f"w{i}": self._pick(words, draw, f"w{i}") for i in range(most)} | {"n": length}
        )
        pieces = [pl.when(pl.col("n") > i).then(pl.col(f"w{i}")) for i in range(most)]
        return frame.select(pl.concat_str(pieces, separator=" ", ignore_nulls=True)).to_series()

    def _sentence(self, draw: Draw) -> pl.Series:
        """Five to twelve words, the first capitalised, then a full stop; in a
        ``varchar(n)`` column already cut after the last whole word that fits. With
        ``min_length`` and ``max_length``, exactly a length between them, uniform (see
        ``fauxdata.generators.sentence``)."""
        return self._sentences.build(draw)

    @cached_property
    def _sentences(self) -> SentenceBuilder | SizedSentences | PooledSentences:
        words = self.lex.words if self.lex.words.len() else self.base.words
        if words.len() == 0:
            raise self.ctx.error(f"the word list of locale '{self.lex.code}' is empty")
        spec = self.spec
        if spec.min_length is not None and spec.max_length is not None:
            if spec.pool is not None:
                return PooledSentences(
                    words,
                    spec.min_length,
                    spec.max_length,
                    spec.pool,
                    lambda name: self.ctx.stream(spec.kind, "pool", name),
                )
            return SizedSentences(words, spec.min_length, spec.max_length)
        ctype = self.ctx.type
        width = ctype.length if ctype.name == "varchar" and not self.ctx.keyed else None
        return SentenceBuilder(words, width)

    # --- generator interface --------------------------------------------------------------

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return self.build(self._random(rows))

    def domain_size(self) -> int | None:
        lex = self.lex
        match self.spec.kind:
            case "first_name":
                return self.first.len()
            case "last_name":
                return lex.surnames.len()
            case "city":
                return lex.cities.len()
            case "country_code":
                return country_codes().len()
            case "email":
                return self.handle_first.len() * self.handle_last.len() * 100 * self.domains.len()
            case "user_name":
                return self.handle_first.len() * self.handle_last.len() * 100
            case "ipv4":
                return 223 * 256**3
            case "credit_card":
                return 10**14
            case "postcode" if lex.postcode_format.count("#") + lex.postcode_format.count("@") > 0:
                return int(
                    10 ** lex.postcode_format.count("#") * 26 ** lex.postcode_format.count("@")
                )
        return None

    def max_width(self) -> int | None:
        """For the kinds drawn whole from a word list: its longest word."""
        match self.spec.kind:
            case "first_name":
                return text_width(self.first)
            case "last_name":
                return text_width(self.lex.surnames)
            case "city":
                return text_width(self.lex.cities)
            case "country_code":
                return 2
            case "sentence":
                return self.spec.max_length
        return None

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        if self.domain_size() is None:
            return super().at_domain(index, inputs)
        if (
            self.spec.kind == "credit_card"
        ):  # unique cards: Visa, 14 digits from the index, then Luhn
            draw = self._enumerate(index)
            body = np.stack(
                [np.full(index.shape, ord("4"))] + [48 + draw(f"d{j}", 10) for j in range(1, 15)],
                axis=1,
            ).astype(np.uint8)
            return fixed_width(np.concatenate([body, luhn_digit(body)[:, None]], axis=1))
        return self.build(self._enumerate(index))


@lru_cache(maxsize=64)
def _people(code: str, gender: str) -> tuple[pl.Series, pl.Series, pl.Series]:
    """First names for the gender, and first and last names cleaned for handles, built
    once per locale (a spec of a thousand tables has thousands of mocked columns).
    Handles come from cleaned, de-duplicated lists, so distinct picks give distinct text."""
    lex = lexicon(code)
    both = pl.concat([lex.female, lex.male]).unique().sort()
    first = {"female": lex.female, "male": lex.male}.get(gender, both)
    return first, _handle_words(first), _handle_words(lex.surnames)


def _handle_words(words: pl.Series) -> pl.Series:
    cleaned = fold_ascii(words).str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")
    return cleaned.filter(cleaned.str.len_bytes() > 0).unique().sort()


@lru_cache(maxsize=64)
def _format_table(formats: tuple[str, ...], name: str) -> FormatTable:
    return FormatTable([(fmt, f"{name}{i}") for i, fmt in enumerate(formats)])


def _split(fmt: str) -> list[tuple[str, str | None]]:
    import string

    return [(literal, field) for literal, field, _, _ in string.Formatter().parse(fmt)]
