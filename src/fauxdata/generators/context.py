"""Grouped generators whose columns agree within a row: ``address`` and ``person``.

Each part of a group is its own column generator, but all parts draw from the group's
streams ``(seed, table, "<kind>:<group>", ...)``, never from their column's. So the city,
the postcode and the phone prefix of a row are computed independently and still belong
together, in any block and on any worker: keys without joins, applied to context.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import cached_property

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.engine.rng import Stream, stable_key
from fauxdata.errors import did_you_mean
from fauxdata.generators.base import ColumnContext, Generator, Rows, implementation
from fauxdata.generators.lexicon import COUNTRY, dataset_code, email_domains, lexicon
from fauxdata.generators.mock import dataset_for
from fauxdata.generators.places import countries, mobile_template, us_zips, world_places
from fauxdata.generators.template import fold_ascii
from fauxdata.spec import generators as g

LOCALE_OF = {
    "US": "en_US",
    "GB": "en_GB",
    "DE": "de_DE",
    "NL": "nl_NL",
    "FR": "fr_FR",
    "ES": "es_ES",
}
"""Street names come from the country's own word lists where fauxdata has them."""
_NL_LETTERS = np.frombuffer(b"ABCDEGHJKLMNPRSTVWXZ", dtype=np.uint8)
_GB_LETTERS = np.frombuffer(b"ABDEFGHJLNPQRSTUWXYZ", dtype=np.uint8)


def _group_stream(ctx: ColumnContext, kind: str, group: str, *purpose: object) -> Stream:
    return Stream.of(ctx.seed, ctx.table, f"{kind}:{group}", *purpose)


def _digits(stream: Stream, rows: Rows, n: int) -> pl.Series:
    """n random decimal digits per row, as text."""
    if n == 0:
        return pl.Series([""] * len(rows), dtype=pl.String)
    value = stream.below(rows, 10**n)
    return pl.Series(value).cast(pl.String).str.zfill(n)


def _letters(stream: Stream, rows: Rows, alphabet: npt.NDArray[np.uint8], n: int) -> pl.Series:
    picks = np.stack(
        [alphabet[stream.child(i).below(rows, len(alphabet))] for i in range(n)], axis=1
    )
    return pl.Series(picks.astype(np.uint8).view(f"S{n}").ravel()).cast(pl.String)


class AddressGenerator(Generator):
    kinds = ("address",)
    spec: g.Address

    def __init__(self, spec: g.Address, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        default = COUNTRY.get(dataset_code(ctx.locale) or "", "US")
        shares = spec.country_shares(default)
        known = countries()
        for code in shares:
            if code not in known:
                raise ctx.error(f"unknown country code '{code}'", did_you_mean(code, list(known)))
            if code != "US" and world_places().filter(pl.col("country_code") == code).is_empty():
                raise ctx.error(f"no places with a region known for country '{code}'")
        self.codes = list(shares)
        self.cumulative = np.cumsum([shares[c] for c in self.codes])

    # --- the pick every part of the group shares ---------------------------------------

    def _stream(self, *purpose: object) -> Stream:
        return _group_stream(self.ctx, "address", self.spec.group, *purpose)

    def _countries(self, rows: Rows) -> npt.NDArray[np.int64]:
        u = self._stream("country").uniform(rows)
        return np.minimum(np.searchsorted(self.cumulative, u, side="right"), len(self.codes) - 1)

    @cached_property
    def _places(self) -> dict[str, tuple[pl.DataFrame, npt.NDArray[np.float64]]]:
        out = {}
        for code in self.codes:
            if code == "US":
                frame = us_zips()
                weights = np.arange(1, frame.height + 1, dtype=np.float64)  # uniform over ZIPs
            else:
                frame = world_places().filter(pl.col("country_code") == code)
                weights = np.cumsum(frame["population"].to_numpy().astype(np.float64))
            out[code] = (frame, weights)
        return out

    def _picked(self, rows: Rows) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Per row: the index of its country in ``codes`` and of its place in that country's
        frame. Only indices: each part then gathers just the columns it needs."""
        which = self._countries(rows)
        u = self._stream("place").uniform(rows)
        index = np.zeros(len(rows), dtype=np.int64)
        for i, code in enumerate(self.codes):
            mask = which == i
            frame, cumulative = self._places[code]
            index[mask] = np.minimum(
                np.searchsorted(cumulative, u[mask] * cumulative[-1], side="right"),
                frame.height - 1,
            )
        return which, index

    # --- parts ---------------------------------------------------------------------------

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        which, index = self._picked(rows)
        part = self.spec.part
        match part:
            case "country_code" | "country" | "currency":
                field = {"country_code": None, "country": "name", "currency": "currency"}[part]
                values = [c if field is None else countries()[c][field] for c in self.codes]
                return pl.Series(np.array(values, dtype=object)[which], dtype=pl.String)
            case "city" | "region" | "latitude" | "longitude":
                return self._by_country(which, index, rows, lambda code, sub, at: at[part])
            case "region_code":
                return self._by_country(
                    which, index, rows,
                    lambda code, sub, at: at["region_code" if code == "US" else "region"],
                )  # fmt: skip
            case "postcode" | "phone" | "street" | "formatted":
                builder = {
                    "postcode": self._postcode,
                    "phone": self._phone,
                    "street": self._street,
                    "formatted": self._formatted,
                }[part]
                return self._by_country(which, index, rows, builder)
        raise self.ctx.error(f"address part '{part}' is not implemented")  # pragma: no cover

    def _by_country(
        self,
        which: npt.NDArray[np.int64],
        index: npt.NDArray[np.int64],
        rows: Rows,
        make: Callable[[str, Rows, pl.DataFrame], pl.Series],
    ) -> pl.Series:
        """Build a column country by country: ``make(code, rows, places)`` gets that
        country's rows and their places, and the pieces are put back in row order."""
        out: list[pl.Series] = []
        positions: list[npt.NDArray[np.int64]] = []
        for i, code in enumerate(self.codes):
            where = np.flatnonzero(which == i)
            if where.size == 0:
                continue
            out.append(make(code, rows[where], self._places[code][0][index[where]]))
            positions.append(where)
        if not out:
            return pl.Series([], dtype=pl.String)
        order = np.argsort(np.concatenate(positions), kind="stable")
        return pl.concat(out).gather(order)

    def _postcode(self, code: str, sub: Rows, at: pl.DataFrame) -> pl.Series:
        if code == "US":
            return at["postcode"]
        stream = self._stream("postcode", code)
        stem = _city_stems(code, at["city"])
        match code:
            case "NL":
                number = (1000 + stem % 9000).cast(pl.String)
                return number + " " + _letters(stream, sub, _NL_LETTERS, 2)
            case "GB":
                initials = fold_ascii(at["city"]).str.to_uppercase().str.replace_all("[^A-Z]", "")
                rest = initials.str.slice(1).str.replace_all("[IZ]", "")  # never 2nd letters
                area = initials.str.slice(0, 1) + rest.str.slice(0, 1).str.pad_end(1, "X")
                district = (1 + stem % 20).cast(pl.String)
                sector = _digits(stream.child("sector"), sub, 1)
                return area + district + " " + sector + _letters(stream, sub, _GB_LETTERS, 2)
            case _:
                width = _postcode_width(countries()[code]["postcode_regex"])
                lead = (1 + stem % 95).cast(pl.String).str.zfill(2)
                return lead + _digits(stream, sub, width - 2)

    def _phone(self, code: str, sub: Rows, at: pl.DataFrame) -> pl.Series:
        stream = self._stream("phone", code)
        if code == "US":
            exchange = pl.Series(2 + stream.child("x").below(sub, 8)).cast(pl.String)
            return (
                "+1 " + at["area_code"] + "-" + exchange + _digits(stream.child("x2"), sub, 2)
                + "-" + _digits(stream.child("line"), sub, 4)
            )  # fmt: skip
        template = mobile_template(code)
        head, _, rest = template.partition(" ")  # "+31", "6 12345678"
        prefix, _, number = rest.partition(" ")  # "6" or "7400": the mobile range
        kept = prefix[: (len(prefix) + 1) // 2]  # its leading half stays, the rest is drawn
        out = pl.Series([f"{head} {kept}"] * len(sub), dtype=pl.String)
        out = out + _digits(stream.child("prefix"), sub, len(prefix) - len(kept))
        for k, chunk in enumerate(number.split(" ") if number else []):
            out = out + " " + _digits(stream.child(k), sub, len(chunk))
        return out

    def _street(self, code: str, sub: Rows, at: pl.DataFrame) -> pl.Series:
        locale = LOCALE_OF.get(code, "en_US")
        ctx = replace(self.ctx, column=f"address:{self.spec.group}:street", locale=locale)
        mocker = implementation("street_address")(g.Mock(kind="street_address"), ctx)  # type: ignore[arg-type]
        return mocker.generate(sub, {})

    def _formatted(self, code: str, sub: Rows, at: pl.DataFrame) -> pl.Series:
        street = self._street(code, sub, at)
        postcode = self._postcode(code, sub, at)
        city = at["city"]
        match code:
            case "US":
                return street + "\n" + city + ", " + at["region_code"] + " " + postcode
            case "GB":
                return street + "\n" + city + "\n" + postcode
            case "FR":
                return street + "\n" + postcode + " " + city.str.to_uppercase()
        return street + "\n" + postcode + " " + city


def _city_stems(code: str, cities: pl.Series) -> pl.Series:
    """A stable number per (country, city), so a city's postcodes share their leading part."""
    unique = cities.unique()
    stems = {c: stable_key("postcode", code, c) % 1_000_003 for c in unique.to_list()}
    return cities.replace_strict(stems, return_dtype=pl.Int64)


def _postcode_width(regex: str) -> int:
    found = re.fullmatch(r"\^?\(?\\d\{(\d+)\}\)?\$?", regex)
    return int(found.group(1)) if found else 5


class PersonGenerator(Generator):
    kinds = ("person",)
    spec: g.Person

    def __init__(self, spec: g.Person, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        lex = lexicon(dataset_for(ctx, spec.locale))
        self.female, self.male, self.surnames = lex.female, lex.male, lex.surnames
        self.domains = (
            pl.Series(spec.email_domains, dtype=pl.String)
            if spec.email_domains
            else email_domains()
        )
        self.reference = ctx.reference_date or dt.date.today()

    def _stream(self, *purpose: object) -> Stream:
        return _group_stream(self.ctx, "person", self.spec.group, *purpose)

    def _female(self, rows: Rows) -> npt.NDArray[np.bool_]:
        return self._stream("gender").uniform(rows) < self.spec.female_share

    def _first(self, rows: Rows) -> pl.Series:
        female = self._female(rows)
        f = self.female.gather(self._stream("first", "f").below(rows, self.female.len()))
        m = self.male.gather(self._stream("first", "m").below(rows, self.male.len()))
        return pl.select(pl.when(pl.Series(female)).then(f).otherwise(m)).to_series()

    def _last(self, rows: Rows) -> pl.Series:
        return self.surnames.gather(self._stream("last").below(rows, self.surnames.len()))

    def _birth(self, rows: Rows) -> pl.Series:
        newest = _years_before(self.reference, self.spec.min_age)
        oldest = _years_before(self.reference, self.spec.max_age + 1) + dt.timedelta(days=1)
        span = (newest - oldest).days + 1
        days = self._stream("birth").below(rows, span)
        return pl.Series(np.datetime64(oldest, "D") + days.astype("timedelta64[D]")).cast(pl.Date)

    def _handle(self, rows: Rows, sep: str) -> pl.Series:
        first = fold_ascii(self._first(rows)).str.to_lowercase().str.replace_all("[^a-z]", "")
        last = fold_ascii(self._last(rows)).str.to_lowercase().str.replace_all("[^a-z]", "")
        number = _digits(self._stream("number"), rows, 2)
        return first + sep + last + number

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        match self.spec.part:
            case "gender":
                female, male = self.spec.genders
                return pl.select(
                    pl.when(pl.Series(self._female(rows)))
                    .then(pl.lit(female))
                    .otherwise(pl.lit(male))
                ).to_series()
            case "first_name":
                return self._first(rows)
            case "last_name":
                return self._last(rows)
            case "full_name":
                return self._first(rows) + " " + self._last(rows)
            case "email":
                domain = self.domains.gather(self._stream("domain").below(rows, self.domains.len()))
                return self._handle(rows, ".") + "@" + domain
            case "user_name":
                return self._handle(rows, "_")
            case "birth_date":
                return self._birth(rows)
            case "age":
                born = self._birth(rows)
                ref = self.reference
                before = (born.dt.month() > ref.month) | (
                    (born.dt.month() == ref.month) & (born.dt.day() > ref.day)
                )
                return (ref.year - born.dt.year() - before.cast(pl.Int32)).cast(pl.Int16)
        raise self.ctx.error(
            f"person part '{self.spec.part}' is not implemented"
        )  # pragma: no cover


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)
