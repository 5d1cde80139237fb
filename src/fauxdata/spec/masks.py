"""Mask specs: how a ``mode: mask`` table treats each column it reads from the source.

These models only describe and validate; the implementations live in
``fauxdata.mask`` and are looked up by ``kind``. Every keyed mask derives its secret
from the run's ``--key`` and its ``domain``: two columns with the same mask and domain
map the same input to the same output, in any table, run or database.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from fauxdata.spec.base import Strict
from fauxdata.spec.generators import FREE_TEXT_ENTITIES, GeneratorSpec, generator_shorthand

_DOMAIN = Field(
    default="default",
    description="Columns whose masks share kind and domain map equal inputs to equal outputs.",
)


class Passthrough(Strict):
    """The source value, unchanged; an explicit choice someone reviewed."""

    kind: Literal["passthrough"]


class Key(Strict):
    """A bijection for primary and foreign keys: integers through a keyed permutation
    that keeps the number of digits, text through FF3-1 (format kept), UUIDs keyed.
    Foreign keys inherit their parent's mapping, so joins and uniqueness hold."""

    kind: Literal["key"]
    domain: str = _DOMAIN


class MockMask(Strict):
    """Any generator. ``consistent: true`` (default) draws each value from a keyed hash
    of the input instead of the row index: equal inputs give equal outputs everywhere."""

    kind: Literal["mock"]
    generator: GeneratorSpec
    consistent: bool = True
    domain: str = _DOMAIN

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, dict) and "generator" in data:
            return {**data, "generator": generator_shorthand(data["generator"])}
        return data


class Hash(Strict):
    """Keyed and consistent, type and format kept: an integer stays an integer with as
    many digits; text keeps its length and each character's class (digit, upper, lower;
    other characters stay in place). Not reversible."""

    kind: Literal["hash"]
    domain: str = _DOMAIN


class Fpe(Strict):
    """FF3-1 format-preserving encryption: digits stay digits, upper- and lower-case
    letters stay so, separators in place, same length. Reversible with the key
    (``fauxdata unmask``). ``checksum`` keeps identifiers valid (``fauxdata.mask.checksum``)."""

    kind: Literal["fpe"]
    checksum: Literal["auto", "none", "iban", "luhn", "bsn", "ssn"] = Field(
        default="auto",
        description="Keep identifiers valid: iban (country kept, mod-97 check digits "
        "recomputed), luhn (card BIN kept, Luhn digit recomputed), bsn (11-test), ssn "
        "(valid area, group, serial); none for plain FPE; auto picks iban for pii: iban "
        "or bank_account and luhn for pii: credit_card, else none.",
    )
    domain: str = _DOMAIN


class Email(Strict):
    """A valid, consistent address: the local part keyed and class-kept; the domain
    kept (``keep_domain: true``) or one of ``domains`` picked by a keyed hash."""

    kind: Literal["email"]
    keep_domain: bool = False
    domains: list[str] = Field(
        default_factory=lambda: ["example.com", "example.org", "example.net"],
        min_length=1,
        description="Replacement domains (reserved example domains by default).",
    )
    domain: str = _DOMAIN


class UuidMask(Strict):
    """A version-4 UUID from a keyed 122-bit hash of the input: consistent, and distinct
    inputs collide with negligible probability."""

    kind: Literal["uuid"]
    domain: str = _DOMAIN


class Noise(Strict):
    """Numbers moved by a random amount per row: ``relative`` (share of the value) or
    ``absolute``; results are clipped to [min, max] (by default a value keeps its sign)
    and integers stay integers."""

    kind: Literal["noise"]
    relative: float | None = Field(default=None, gt=0, description="e.g. 0.1 for +/-10%.")
    absolute: float | None = Field(default=None, gt=0, description="e.g. 5 for +/-5.")
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _one_amount(self) -> Noise:
        if (self.relative is None) == (self.absolute is None):
            raise ValueError("give either 'relative' or 'absolute'")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class DateShift(Strict):
    """Dates and timestamps moved by a keyed number of days (never zero) in
    [-max_days, max_days]; one shift per value of ``entity`` (a column of the same row,
    e.g. customer_id), so intervals within an entity survive."""

    kind: Literal["date_shift"]
    max_days: int = Field(default=30, ge=1, le=36500)
    entity: str | None = Field(
        default=None, description="Column naming the entity; default: one shift for the column."
    )
    domain: str = _DOMAIN


class Scramble(Strict):
    """Each character replaced by a random one of its class (digit, upper, lower), per
    row: format kept, not consistent, not reversible."""

    kind: Literal["scramble"]


class NullMask(Strict):
    """Every value NULL."""

    kind: Literal["null"]


class Redact(Strict):
    """Every non-NULL value replaced by a fixed text."""

    kind: Literal["redact"]
    text: str = "REDACTED"


class JsonRule(Strict):
    """One rule of a JSON mask: the values at ``path`` (JSONPath: ``$.a.b``,
    ``$.items[*].card``, ``$..email``) go through ``mask``; ``types`` limits it to those
    JSON types (default: the mask's)."""

    path: str
    mask: MaskSpec
    types: list[Literal["string", "number", "boolean", "object", "array"]] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, dict) and "mask" in data:
            return {**data, "mask": mask_shorthand(data["mask"])}
        return data


class JsonMask(Strict):
    """De-identify JSON documents by JSONPath rules, applied in order. Structure, key
    order and untouched values are kept; a row that is not valid JSON gets the
    ``fallback`` (kept, or NULL) and is counted."""

    kind: Literal["json"]
    rules: list[JsonRule] = Field(min_length=1)
    fallback: Literal["passthrough", "redact"] = "passthrough"
    types: list[Literal["string", "number", "boolean", "object", "array"]] = Field(
        default_factory=lambda: ["string", "number", "boolean"],  # type: ignore[arg-type]
        description="JSON types the rules touch unless a rule says otherwise.",
    )


class FreeTextMask(Strict):
    """Find identifiers in free text and ``replace`` them with consistent fakes of the
    same type (keyed), ``annotate`` them (``[EMAIL]``) or ``redact`` them; the rest of the
    text is kept."""

    kind: Literal["free_text"]
    entities: list[Literal[FREE_TEXT_ENTITIES]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: list(FREE_TEXT_ENTITIES),
        description="Which identifiers to look for (default: all ten types).",
    )
    action: Literal["replace", "annotate", "redact"] = "replace"
    locale: str | None = Field(default=None, description="en_US, nl_NL, ...; default: the spec's.")
    domain: str = _DOMAIN


MaskSpec = Annotated[
    Passthrough
    | Key
    | MockMask
    | Hash
    | Fpe
    | Email
    | UuidMask
    | Noise
    | DateShift
    | Scramble
    | NullMask
    | Redact
    | JsonMask
    | FreeTextMask,
    Field(discriminator="kind"),
]

JsonRule.model_rebuild()


def mask_kinds() -> list[str]:
    """Every mask ``kind`` the spec accepts."""
    from typing import get_args

    union = get_args(MaskSpec)[0]
    return [k for model in get_args(union) for k in get_args(model.model_fields["kind"].annotation)]


def mask_shorthand(value: Any) -> Any:
    """Let ``mask: passthrough`` stand for ``mask: {kind: passthrough}``."""
    if isinstance(value, str):
        return {"kind": value}
    return value
