"""Generator specs: one strict model per kind, discriminated by ``kind``.

These models only describe and validate; the implementations live in
``fauxdata.generators`` and are looked up by ``kind``. Parameter checks that need no
other part of the spec (ranges, weights, formats) happen here, so ``fauxdata check``
reports them with their path before anything runs.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from fauxdata.spec.base import Strict
from fauxdata.spec.relations import After, Aggregate, ChildNumber, ForeignKeyRef, Hierarchy, Lookup
from fauxdata.spec.spatial import Geometry
from fauxdata.spec.synthesize import Synthesized

_Bound = float | None
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
"""Integer parameters the engine computes with in int64: larger ones would wrap around."""


class _Bounded(Strict):
    """Draws from a distribution truncated to [min, max], rounded to ``decimals``."""

    min: _Bound = Field(
        default=None,
        description="Lower bound (inclusive); the distribution is truncated, not clipped.",
    )
    max: _Bound = Field(default=None, description="Upper bound (inclusive).")
    decimals: int | None = Field(
        default=None, ge=0, le=12, description="Round to this many decimals."
    )

    @model_validator(mode="after")
    def _bounds_ordered(self) -> _Bounded:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


# --- keys ----------------------------------------------------------------------------


class Sequence(Strict):
    """Consecutive integers: start, start + step, ..."""

    kind: Literal["sequence"]
    start: Int64 = 1
    step: Int64 = Field(default=1, description="Must not be zero.")

    @field_validator("step")
    @classmethod
    def _nonzero(cls, v: int) -> int:
        if v == 0:
            raise ValueError("step must not be zero")
        return v


_FORMAT_FIELD = re.compile(r"\{(?::(0?)(\d*)([dxX]?))?\}")


class FormattedId(Strict):
    """A sequence rendered through a Python-style format, e.g. ``EMP-{:06d}``."""

    kind: Literal["formatted_id"]
    format: str = Field(description="Text with exactly one {} or {:06d} / {:x} field.")
    start: Int64 = 1
    step: Int64 = 1

    @field_validator("format")
    @classmethod
    def _one_field(cls, v: str) -> str:
        fields = _FORMAT_FIELD.findall(v)
        stripped = _FORMAT_FIELD.sub("", v)
        if len(fields) != 1 or "{" in stripped or "}" in stripped:
            raise ValueError(
                f"format '{v}' must contain exactly one field such as {{}}, {{:06d}} or {{:x}}"
            )
        return v


class Uuid(Strict):
    """Deterministic, unique version-4-shaped UUIDs."""

    kind: Literal["uuid"]


class UniqueInt(Strict):
    """Unique integers drawn from [min, max] through a keyed permutation."""

    kind: Literal["unique_int"]
    min: Int64 = 1
    max: Int64

    @model_validator(mode="after")
    def _ordered(self) -> UniqueInt:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


# --- numbers -------------------------------------------------------------------------


class UniformInt(Strict):
    """Integers uniform in [min, max]."""

    kind: Literal["uniform_int"]
    min: Int64
    max: Int64

    @model_validator(mode="after")
    def _ordered(self) -> UniformInt:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class Uniform(_Bounded):
    """Floats uniform in [min, max]."""

    kind: Literal["uniform"]
    min: float  # type: ignore[assignment]
    max: float  # type: ignore[assignment]


class Normal(_Bounded):
    """Normal(mean, std), optionally truncated to [min, max]."""

    kind: Literal["normal"]
    mean: float = 0.0
    std: float = Field(default=1.0, gt=0)


class Lognormal(_Bounded):
    """exp(Normal(mu, sigma)): right-skewed amounts such as lifetime value."""

    kind: Literal["lognormal"]
    mu: float = 0.0
    sigma: float = Field(default=1.0, gt=0)


class Exponential(_Bounded):
    """Exponential with the given mean (``scale``)."""

    kind: Literal["exponential"]
    scale: float = Field(default=1.0, gt=0)


class Poisson(_Bounded):
    """Poisson counts with mean ``lam``."""

    kind: Literal["poisson"]
    lam: float = Field(gt=0, le=1e7)


class Zipf(_Bounded):
    """Zipf ranks 1..n with P(k) proportional to k^-s: a few values dominate."""

    kind: Literal["zipf"]
    s: float = Field(default=1.1, gt=0)
    n: int = Field(default=1000, ge=1, le=10_000_000)


class Boolean(Strict):
    """True with the given probability."""

    kind: Literal["boolean"]
    probability: float = Field(default=0.5, ge=0, le=1)


class Choice(Strict):
    """A weighted enum.

    ``values`` is either a mapping value -> probability (summing to 1) or a list with
    optional relative ``weights``. With ``exact: true`` (the default) the counts match
    the ratios exactly (largest remainder), spread over the rows by a keyed permutation.
    """

    kind: Literal["choice"]
    values: dict[str, float] | list[Any]
    weights: list[float] | None = None
    exact: bool = True

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if isinstance(self.values, dict):
            if self.weights is not None:
                raise ValueError(
                    "give weights either in the values mapping or as 'weights', not both"
                )
            probs = list(self.values.values())
            if any(p < 0 for p in probs):
                raise ValueError("ratios must not be negative")
            total = sum(probs)
            if abs(total - 1.0) > 1e-6:
                raise ValueError(
                    f"ratios sum to {total:g}; expected 1 (or use a list with 'weights')"
                )
        else:
            if not self.values:
                raise ValueError("values must not be empty")
            if self.weights is not None:
                if len(self.weights) != len(self.values):
                    raise ValueError(
                        f"{len(self.weights)} weights for {len(self.values)} values; expected one per value"
                    )
                if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                    raise ValueError("weights must be non-negative and not all zero")
        return self

    def options(self) -> tuple[list[Any], list[float]]:
        """The values and their probabilities, normalised."""
        if isinstance(self.values, dict):
            return list(self.values), list(self.values.values())
        weights = self.weights or [1.0] * len(self.values)
        total = float(sum(weights))
        return list(self.values), [w / total for w in weights]


# --- dates ---------------------------------------------------------------------------

Distribution = Literal["uniform", "normal", "recent", "early"]


class _Temporal(Strict):
    distribution: Distribution = Field(
        default="uniform",
        description="uniform; normal (centred, 99.7% inside the range); recent / early "
        "(exponentially more values near the end / start).",
    )


class DateRange(_Temporal):
    """Dates in [start, end]."""

    kind: Literal["date"]
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.start > self.end:
            raise ValueError(f"start ({self.start}) is after end ({self.end})")
        return self


class TimestampRange(_Temporal):
    """Timestamps in [start, end] (microseconds), optionally in a time zone."""

    kind: Literal["timestamp"]
    start: dt.datetime
    end: dt.datetime
    timezone: str | None = Field(default=None, description="IANA name, e.g. Europe/Amsterdam.")
    resolution: Literal["s", "ms", "us"] = Field(
        default="s", description="Smallest step between values."
    )
    hours: tuple[int, int] | None = Field(
        default=None,
        description="Local hours [from, to), e.g. [9, 17] for business hours; in `timezone`.",
    )
    weekdays_only: bool = Field(default=False, description="Monday to Friday only.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                ZoneInfo(v)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"unknown time zone '{v}'; expected an IANA name such as UTC or Europe/Amsterdam"
                ) from None
        return v

    @model_validator(mode="after")
    def _ordered(self) -> TimestampRange:
        if (self.start.tzinfo is None) != (self.end.tzinfo is None):
            raise ValueError("start and end must both have a UTC offset or both have none")
        if self.start > self.end:
            raise ValueError(f"start ({self.start}) is after end ({self.end})")
        if self.hours is not None and not 0 <= self.hours[0] < self.hours[1] <= 24:
            raise ValueError(
                f"hours {list(self.hours)}: expected [from, to) with 0 <= from < to <= 24"
            )
        return self


# --- strings -------------------------------------------------------------------------


class Regex(Strict):
    """Strings matching a regular expression, e.g. ``[A-Z]{3}-\\d{4}``."""

    kind: Literal["regex"]
    pattern: str
    max_repeat: int = Field(default=8, ge=0, le=64, description="Upper bound used for * and +.")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"pattern '{v}' is not a valid regex: {exc}") from None
        return v


class SeedList(Strict):
    """Values from a CSV or TXT file (path relative to the spec), optionally weighted."""

    kind: Literal["seed_list"]
    path: str
    column: str | None = Field(
        default=None, description="CSV column holding the values (default: the first)."
    )
    weight_column: str | None = None
    exact: bool = False
    separator: str | None = Field(
        default=None,
        min_length=1,
        description="TXT files: values separated by this text (e.g. ',') as well as by lines.",
    )


class Constant(Strict):
    """The same value in every row."""

    kind: Literal["constant"]
    value: Any


_TEMPLATE_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class Template(Strict):
    """Text built from other columns of the row: ``{first_name}.{last_name}@example.com``."""

    kind: Literal["template"]
    template: str
    lower: bool = False
    upper: bool = False
    ascii: bool = Field(
        default=False, description="Fold accents (é -> e) and drop other non-ASCII."
    )
    strip_spaces: bool = Field(default=False, description="Remove spaces from inserted values.")

    @field_validator("template")
    @classmethod
    def _fields(cls, v: str) -> str:
        try:
            names = [f for _, f, _, _ in string.Formatter().parse(v) if f is not None]
        except ValueError as exc:
            raise ValueError(f"template '{v}' is malformed: {exc}") from None
        for name in names:
            if not _TEMPLATE_FIELD.fullmatch("{" + name + "}"):
                raise ValueError(f"template field '{{{name}}}' must be a plain column name")
        return v

    def fields(self) -> list[str]:
        """The column names the template reads, in order of first use."""
        seen: dict[str, None] = {}
        for name in _TEMPLATE_FIELD.findall(self.template):
            seen.setdefault(name, None)
        return list(seen)


class SqlExpression(Strict):
    """A SQL expression over other columns of the row: ``unit_price * quantity``.

    Compiled once into a vectorized Polars expression; the columns it reads are
    evaluated first.
    """

    kind: Literal["sql"]
    expression: str

    @field_validator("expression")
    @classmethod
    def _parses(cls, v: str) -> str:
        from fauxdata.spec.expressions import compile_sql

        compile_sql(v)
        return v

    def fields(self) -> list[str]:
        from fauxdata.spec.expressions import compile_sql

        return compile_sql(self.expression).meta.root_names()


class Formula(Strict):
    """A spreadsheet formula over other columns of the row:
    ``LOWER(CONCATENATE([first_name], ".", [last_name], "@", MOCK_FREE_EMAIL_DOMAIN))``.

    Parsed when the spec loads (a syntax error points at its position), type-checked
    against the row's columns when the spec resolves, and compiled into one vectorized
    Polars expression. RAND() is a fresh, seeded draw per call and per row.
    """

    kind: Literal["formula"]
    formula: str

    @field_validator("formula")
    @classmethod
    def _parses(cls, v: str) -> str:
        from fauxdata.formula import FormulaError, parse

        try:
            parse(v)
        except FormulaError as exc:
            hint = f" ({exc.hint})" if exc.hint else ""
            raise ValueError(f"{exc.message}{hint}\n{exc.caret(v)}") from None
        return v

    def fields(self) -> list[str]:
        from fauxdata.formula import formula_columns

        return formula_columns(self.formula)


AddressPart = Literal[
    "country_code",
    "country",
    "region",
    "region_code",
    "city",
    "postcode",
    "street",
    "phone",
    "currency",
    "latitude",
    "longitude",
    "formatted",
]


class Address(Strict):
    """One part of an address; the parts of one ``group`` in a row agree with each other.

    Every part of a group draws the same place for a row (country, then a city weighted
    by population, or a US ZIP code), so the country, region, city, postcode, phone
    prefix and currency of a row belong together without any column reading another.
    """

    kind: Literal["address"]
    part: AddressPart
    group: str = Field(default="address", description="Parts with the same group agree.")
    countries: dict[str, float] | list[str] | None = Field(
        default=None,
        description="ISO codes, or codes with shares; default: the spec locale's country.",
    )

    def country_shares(self, default: str) -> dict[str, float]:
        if self.countries is None:
            return {default: 1.0}
        if isinstance(self.countries, list):
            return {c: 1.0 / len(self.countries) for c in self.countries}
        total = sum(self.countries.values())
        return {c: w / total for c, w in self.countries.items()}

    def setting(self) -> tuple[object, ...]:
        """What every part of a group must agree on."""
        countries = self.countries
        return (sorted(countries.items()) if isinstance(countries, dict) else countries,)


PersonPart = Literal[
    "first_name", "last_name", "full_name", "gender", "email", "user_name", "birth_date", "age"
]


class Person(Strict):
    """One part of a person; the parts of one ``group`` in a row describe the same person.

    The first name follows the gender, the email and user name are built from the
    names, and the age is the birth date's age at the spec's ``reference_date``.
    """

    kind: Literal["person"]
    part: PersonPart
    group: str = Field(default="person", description="Parts with the same group agree.")
    locale: str | None = Field(default=None, description="Name lists; default: the spec's.")
    female_share: float = Field(default=0.5, ge=0, le=1)
    genders: tuple[str, str] = Field(
        default=("female", "male"), description="The values of the gender part."
    )
    min_age: int = Field(default=18, ge=0, le=120)
    max_age: int = Field(default=80, ge=0, le=120)
    email_domains: list[str] | None = Field(
        default=None, description="Default: free email providers."
    )

    @model_validator(mode="after")
    def _ages(self) -> Person:
        if self.min_age > self.max_age:
            raise ValueError(f"min_age {self.min_age} is above max_age {self.max_age}")
        return self

    def setting(self) -> tuple[object, ...]:
        return (
            self.locale, self.female_share, self.genders, self.min_age, self.max_age,
            tuple(self.email_domains or ()),
        )  # fmt: skip


# --- mockers -------------------------------------------------------------------------

MockKind = Literal[
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone",
    "street_address",
    "city",
    "state",
    "postcode",
    "country",
    "country_code",
    "company",
    "job_title",
    "iban",
    "credit_card",
    "ipv4",
    "ipv6",
    "url",
    "user_name",
    "sentence",
    "title",
    "slug",
]


MAX_SENTENCE_LENGTH = 10_000
"""A sentence's ``max_length`` at most: a row draws about one word per six characters."""
MAX_POOL = 100_000_000
"""A sentence pool's characters at most: the text is held in memory once per column."""


class Mock(Strict):
    """Realistic values sampled from the word lists of Mimesis and Faker.

    A ``sentence`` is five to twelve words; with ``min_length`` and ``max_length`` it is
    instead exactly a length drawn uniformly between them, in characters, the last word
    cut where the length falls (TPC-H's comments are text of uniform length, e.g. 10 to
    43 characters for ``l_comment``). With ``pool`` as well, each row is instead a slice
    of that length of one text of ``pool`` characters, as dbgen draws TPC-H's comments
    from its text pool: they start and end mid-word, and cost two draws a row.
    """

    kind: MockKind
    locale: str | None = Field(default=None, description="Overrides the spec's locale, e.g. nl_NL.")
    gender: Literal["female", "male"] | None = Field(
        default=None, description="For first_name / full_name."
    )
    domains: list[str] | None = Field(default=None, description="For email / url: domains to use.")
    min_length: int | None = Field(
        default=None, ge=1, le=MAX_SENTENCE_LENGTH, description="For sentence: fewest characters."
    )
    max_length: int | None = Field(
        default=None, ge=1, le=MAX_SENTENCE_LENGTH, description="For sentence: most characters."
    )
    pool: int | None = Field(
        default=None,
        ge=1000,
        le=MAX_POOL,
        description="For sentence with min_length and max_length: slices of a text of this "
        "many characters, as TPC-H's comments (e.g. 10000000).",
    )

    @model_serializer(mode="wrap")
    def _without_absent_lengths(self, handler: SerializerFunctionWrapHandler) -> Any:
        """No lengths in the dump when none are set: a mask salts its mapping with the
        generator's JSON, which must stay what it was before the lengths existed."""
        data = handler(self)
        if isinstance(data, dict) and self.min_length is None and self.max_length is None:
            data.pop("min_length", None)
            data.pop("max_length", None)
        if isinstance(data, dict) and self.pool is None:
            data.pop("pool", None)
        return data

    @model_validator(mode="after")
    def _lengths(self) -> Mock:
        low, high = self.min_length, self.max_length
        if self.pool is not None and (low is None or high is None):
            raise ValueError(
                "pool is for a sentence with min_length and max_length "
                "(e.g. {kind: sentence, min_length: 10, max_length: 43, pool: 10000000})"
            )
        if low is None and high is None:
            return self
        if self.kind != "sentence":
            raise ValueError(f"min_length and max_length are for kind sentence, not {self.kind}")
        if low is None or high is None:
            raise ValueError("give both min_length and max_length (e.g. 10 and 43)")
        if low > high:
            raise ValueError(f"min_length {low} is above max_length {high}")
        if self.pool is not None and self.pool <= high:
            raise ValueError(f"pool {self.pool} is not longer than max_length {high}")
        return self


class NationalId(Strict):
    """National identity numbers that pass their country's checks, so a pipeline's
    validation accepts them while no real person's number is likely to appear.

    US: SSN ``AAA-GG-SSSS`` with a valid area (not 000, 666, 900-999), group not 00 and
    serial not 0000. NL: a 9-digit BSN passing the 11-proof. ES: DNI ``12345678Z``.
    IT: codice fiscale ``RSSMRA85T10A562S``. FR: 15-digit NIR with its key. BR: CPF with
    its two check digits.
    """

    kind: Literal["national_id"]
    country: Literal["US", "NL", "ES", "IT", "FR", "BR"] = Field(
        default="US",
        description="US (SSN), NL (BSN), ES (DNI), IT (codice fiscale), FR (NIR) or BR (CPF).",
    )
    separators: bool | None = Field(
        default=None,
        description="Write the usual separators: US 123-45-6789 (the default), FR "
        "1 85 05 78 006 084 36, BR 123.456.789-09. Unset: US with, FR and BR without; "
        "NL, ES and IT have none.",
    )

    @model_validator(mode="after")
    def _separators_exist(self) -> NationalId:
        if self.separators and self.country in ("NL", "ES", "IT"):
            raise ValueError(
                f"separators: true, but a {self.country} number is written without "
                "separators; expected separators only with country US, FR or BR"
            )
        return self


# --- semi-structured and free text ---------------------------------------------------

FREE_TEXT_ENTITIES = (
    "person",
    "email",
    "phone",
    "iban",
    "credit_card",
    "national_id",
    "ip",
    "url",
    "address",
    "date_of_birth",
)


class ArrayLength(Strict):
    """How many items an array holds: uniform between min and max, Poisson(lam) cut to
    [min, max], or fixed (min = max)."""

    kind: Literal["uniform", "poisson"] = "uniform"
    min: int = Field(default=0, ge=0, le=1000)
    max: int = Field(default=5, ge=0, le=1000)
    lam: float | None = Field(default=None, gt=0, description="Mean, for kind: poisson.")

    @model_validator(mode="before")
    @classmethod
    def _fixed(cls, data: Any) -> Any:
        return {"min": data, "max": data} if isinstance(data, int) else data

    @model_validator(mode="after")
    def _ordered(self) -> ArrayLength:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        if self.kind == "poisson" and self.lam is None:
            raise ValueError("kind: poisson needs lam")
        return self


class JsonColumn(Strict):
    """The value of another column of the same row."""

    kind: Literal["column"]
    column: str


class JsonObject(Strict):
    """A nested object; its members are fields in their own right."""

    kind: Literal["object"]
    fields: dict[str, JsonField]


class JsonArray(Strict):
    """An array of ``items``, ``length`` of them per document."""

    kind: Literal["array"]
    length: ArrayLength = Field(default_factory=ArrayLength)
    items: JsonField
    unique: bool = Field(
        default=False,
        description="Drop an item equal to an earlier one in the same array (JSON "
        "Schema's uniqueItems); an array may then hold fewer than length.min items.",
    )


class JsonTuple(Strict):
    """An array with one member per position (``[latitude, longitude]``, a JSON Schema
    tuple), each with its own generator."""

    kind: Literal["tuple"]
    items: list[JsonField] = Field(min_length=1, max_length=1000)


class JsonField(Strict):
    """One member of a payload: any generator, ``{column: name}``, an ``object``, an
    ``array`` or a ``tuple``; ``presence`` is the share of documents that carry the member at all and
    ``null_rate`` the share that carry it as null."""

    presence: float = Field(default=1.0, ge=0, le=1)
    null_rate: float = Field(default=0.0, ge=0, le=1)
    value: Annotated[
        GeneratorSpec | JsonObject | JsonArray | JsonTuple | JsonColumn,
        Field(discriminator="kind"),
    ]

    @model_validator(mode="before")
    @classmethod
    def _inline(cls, data: Any) -> Any:
        """``{kind: email, presence: 0.8}`` and ``email`` stand for ``{value: ...}``;
        ``{column: name}`` for a column reference; ``{formula: ...}`` for a formula."""
        if isinstance(data, str):
            return {"value": {"kind": data}}
        if not isinstance(data, dict) or ("value" in data and "kind" not in data):
            return data
        rest = {k: v for k, v in data.items() if k not in ("presence", "null_rate")}
        if "kind" not in rest:
            if set(rest) == {"column"}:
                rest = {"kind": "column", **rest}
            elif set(rest) == {"formula"}:
                rest = {"kind": "formula", **rest}
        out = {k: data[k] for k in ("presence", "null_rate") if k in data}
        return {**out, "value": rest}


class Json(Strict):
    """A JSON document per row, built from ``fields`` or from a JSON Schema file
    (``schema_file``, relative to the spec) so every document validates against it."""

    kind: Literal["json"]
    fields: dict[str, JsonField] | None = None
    schema_file: str | None = Field(
        default=None, description="A JSON Schema (draft 7 or 2020-12) the payloads follow."
    )

    @model_validator(mode="after")
    def _one_source(self) -> Json:
        if (self.fields is None) == (self.schema_file is None):
            raise ValueError("give either fields or schema_file")
        return self


class FreeText(Strict):
    """Realistic notes, tickets and emails that mention people and their identifiers,
    so pipelines meet identifiers in text before production data does. Names, emails
    and places come from the row's columns where ``mentions`` maps them, else they are
    made up."""

    kind: Literal["free_text"]
    style: Literal["note", "ticket", "email", "mixed"] = "mixed"
    entities: list[Literal[FREE_TEXT_ENTITIES]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["person", "email", "phone"],
        description="Which identifiers the texts mention.",
    )
    mentions: dict[str, str] = Field(
        default_factory=dict,
        description="Entity -> column of the row that supplies it (person: full_name).",
    )
    locale: str | None = Field(
        default=None, description="en_US or nl_NL texts; default: the spec's."
    )


class FromSource(Strict):
    """The value is read from the source row (columns of ``mode: mask`` tables with a
    ``mask:``); set implicitly, only ``fauxdata mask`` fills it."""

    kind: Literal["source"]


GeneratorSpec = Annotated[
    Sequence
    | FormattedId
    | Uuid
    | UniqueInt
    | UniformInt
    | Uniform
    | Normal
    | Lognormal
    | Exponential
    | Poisson
    | Zipf
    | Boolean
    | Choice
    | DateRange
    | TimestampRange
    | Regex
    | SeedList
    | Constant
    | Template
    | SqlExpression
    | Formula
    | Address
    | Person
    | Mock
    | NationalId
    | Json
    | FreeText
    | ForeignKeyRef
    | ChildNumber
    | Hierarchy
    | Lookup
    | After
    | Aggregate
    | Synthesized
    | Geometry
    | FromSource,
    Field(discriminator="kind"),
]


JsonObject.model_rebuild()
JsonArray.model_rebuild()
JsonTuple.model_rebuild()
JsonField.model_rebuild()
Json.model_rebuild()


def generator_kinds() -> list[str]:
    """Every ``kind`` the spec accepts."""
    from typing import get_args

    kinds: list[str] = []
    union = get_args(GeneratorSpec)[0]
    for model in get_args(union):
        kinds.extend(get_args(model.model_fields["kind"].annotation))
    return kinds


def generator_shorthand(value: Any) -> Any:
    """Let ``generator: email`` stand for ``generator: {kind: email}``."""
    if isinstance(value, str):
        return {"kind": value}
    return value
