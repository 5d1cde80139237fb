"""Relation specs: foreign keys and how children relate to parents.

Kept apart from the value generators because each of these reads another table or
another column: foreign keys with a parent distribution, children-per-parent counts,
hierarchies, parent lookups, temporal ordering and aggregates over children.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from fauxdata.spec.base import Strict

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def duration_seconds(text: str) -> float:
    """``90s``, ``15m``, ``12h``, ``30d``, ``2w`` in seconds.

    Raises:
        ValueError: not a duration.
    """
    match = _DURATION.match(text)
    if not match:
        raise ValueError(
            f"'{text}' is not a duration; expected a number and a unit s, m, h, d or w, e.g. 30d"
        )
    return float(match.group(1)) * _SECONDS[match.group(2)]


def _dotted(value: str, what: str) -> str:
    if not all(split_dotted(value)) or value.count(".") > 2:
        raise ValueError(f"{what} '{value}' must look like table.column (or schema.table.column)")
    return value


def split_dotted(value: str) -> tuple[str, str]:
    """``table.column`` in two at its last dot: ``sales.orders.customer_id`` is column
    customer_id of table ``sales.orders``. Column names hold no dot, so the last dot is
    always the one before the column, whether the table is named with its schema or not."""
    table, _, column = value.rpartition(".")
    return table, column


# --- how a child picks its parent ----------------------------------------------------


class UniformPick(Strict):
    """Every parent equally likely."""

    kind: Literal["uniform"]


class ZipfPick(Strict):
    """Parent ranks follow Zipf(s): a few parents get most children."""

    kind: Literal["zipf"]
    s: float = Field(default=1.0, gt=0, le=10)


class ParetoPick(Strict):
    """The top ``top`` share of parents get ``share`` of the children (80/20 by default)."""

    kind: Literal["pareto"]
    top: float = Field(default=0.2, gt=0, lt=1)
    share: float = Field(default=0.8, gt=0, lt=1)

    @model_validator(mode="after")
    def _skewed(self) -> ParetoPick:
        if self.share <= self.top:
            raise ValueError(
                f"share ({self.share}) must exceed top ({self.top}) for a skew; use uniform otherwise"
            )
        return self


class WeightedPick(Strict):
    """Parents picked in proportion to one of their numeric columns."""

    kind: Literal["weighted"]
    column: str


ParentPick = Annotated[
    UniformPick | ZipfPick | ParetoPick | WeightedPick, Field(discriminator="kind")
]


class _References(Strict):
    """A ``references: table.column`` field and its two halves."""

    references: str = Field(description="table.column of a primary or unique key.")

    @field_validator("references")
    @classmethod
    def _is_dotted(cls, v: str) -> str:
        return _dotted(v, "references")

    @property
    def table(self) -> str:
        return split_dotted(self.references)[0]

    @property
    def column(self) -> str:
        return split_dotted(self.references)[1]


class ForeignKeyRef(_References):
    """A key of another table (``references: table.column``); parents picked by ``distribution``.

    In a table with ``per: parent`` the column referencing that parent follows the
    children-per-parent layout instead.
    """

    kind: Literal["foreign_key"]
    distribution: ParentPick = Field(default_factory=lambda: UniformPick(kind="uniform"))
    distinct_from: str | None = Field(
        default=None,
        description="A column of the same row this key never equals (a CHECK such as "
        "assembly_id <> component_id): where the picked parent's key equals it, the next "
        "parent row is taken.",
    )
    deferrable: bool = Field(
        default=False,
        description="The database checks this key at commit (DEFERRABLE): a cycle of NOT NULL "
        "keys through it loads in one transaction.",
    )

    @field_validator("distribution", mode="before")
    @classmethod
    def _shorthand(cls, v: object) -> object:
        return {"kind": v} if isinstance(v, str) else v


# --- children per parent --------------------------------------------------------------


class FixedCount(Strict):
    kind: Literal["fixed"]
    n: int = Field(ge=0)


class RangeCount(Strict):
    kind: Literal["range"]
    min: int = Field(ge=0)
    max: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> RangeCount:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class PoissonCount(Strict):
    kind: Literal["poisson"]
    lam: float = Field(gt=0, le=10_000)


class NegativeBinomialCount(Strict):
    """Over-dispersed counts: mean ``mean``, variance ``mean + mean^2 / dispersion``."""

    kind: Literal["negative_binomial"]
    mean: float = Field(gt=0, le=10_000)
    dispersion: float = Field(default=1.0, gt=0)


ChildCount = Annotated[
    FixedCount | RangeCount | PoissonCount | NegativeBinomialCount, Field(discriminator="kind")
]


class PerParent(Strict):
    """Children per parent: the child table's row count is the sum of the counts."""

    table: str
    count: ChildCount
    min: int = Field(default=0, ge=0, description="Every parent has at least this many children.")
    max: int | None = Field(
        default=None, ge=0, description="No parent has more children than this."
    )

    @field_validator("count", mode="before")
    @classmethod
    def _fixed(cls, v: object) -> object:
        return {"kind": "fixed", "n": v} if isinstance(v, int) else v

    @model_validator(mode="after")
    def _bounds(self) -> PerParent:
        if self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


# --- generators that read parents, children or other columns ---------------------------


class ChildNumber(Strict):
    """The child's position among its parent's children (1, 2, ...); needs ``per``."""

    kind: Literal["child_number"]
    start: int = 1


class Hierarchy(_References):
    """A self-reference forming a forest: ``roots`` top rows (NULL), then levels of about ``span`` children each."""

    kind: Literal["hierarchy"]
    roots: int = Field(default=1, ge=1)
    span: float = Field(default=5.0, ge=1, description="Average children per node.")
    max_depth: int | None = Field(
        default=None, ge=1, description="Widens span so the tree is no deeper."
    )


class Lookup(Strict):
    """A parent's column through a foreign key of this row: ``column: order_id.currency``."""

    kind: Literal["lookup"]
    column: str

    @field_validator("column")
    @classmethod
    def _is_dotted(cls, v: str) -> str:
        return _dotted(v, "column")


class After(Strict):
    """A date or timestamp after another one, in this row (``ordered_at``) or a parent (``customer_id.signup_ts``)."""

    kind: Literal["after"]
    column: str
    min_delay: str = Field(default="0s", description="Duration such as 0s, 15m, 2h, 3d, 1w.")
    max_delay: str = Field(default="30d")
    distribution: Literal["uniform", "exponential"] = "uniform"

    @field_validator("min_delay", "max_delay")
    @classmethod
    def _duration(cls, v: str) -> str:
        duration_seconds(v)
        return v

    @field_validator("column")
    @classmethod
    def _column_or_dotted(cls, v: str) -> str:
        return _dotted(v, "column") if "." in v else v

    @model_validator(mode="after")
    def _ordered(self) -> After:
        if duration_seconds(self.min_delay) > duration_seconds(self.max_delay):
            raise ValueError(
                f"min_delay ({self.min_delay}) is longer than max_delay ({self.max_delay})"
            )
        return self


class Aggregate(Strict):
    """An aggregate over this row's children: ``of: order_items.amount``, ``fn: sum``."""

    kind: Literal["aggregate"]
    of: str = Field(description="child_table.column; the child table must have per: this table.")
    fn: Literal["sum", "count", "min", "max", "mean"] = "sum"

    @field_validator("of")
    @classmethod
    def _is_dotted(cls, v: str) -> str:
        return _dotted(v, "of")
