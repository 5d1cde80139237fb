"""Scenario parameters: a strict pydantic model, packs merged over the baseline, overrides.

A pack is a YAML file of nested overrides over ``baseline.yaml``; ``--set a.b=v`` and
override files are applied the same way, to the merged document, before the model
validates it. Unknown paths are refused with the dotted path and a did-you-mean, because
a misspelt override that silently does nothing would make a scenario test meaningless.
"""

from __future__ import annotations

import datetime as dt
import io
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from fauxdata.errors import FauxdataError, Problem, SpecError, did_you_mean

PACKS = (
    "baseline",
    "high-churn-cohort",
    "heavy-promotion-month",
    "product-recall",
    "product-launch",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Segment(_Model):
    """One customer segment: how many, how often and how much they buy, how long they stay."""

    share: float = Field(gt=0)
    orders_per_month: float = Field(gt=0)
    lines_per_order: float = Field(ge=1, le=32)
    order_value_median: float = Field(gt=0)
    order_value_sigma: float = Field(gt=0, le=2)
    churn_multiplier: float = Field(gt=0)
    enroll_rate: float = Field(ge=0, le=1)


class Acquisition(_Model):
    channels: dict[str, float]
    last_month: int = Field(ge=1, description="customers are acquired in the first N months")


class Churn(_Model):
    monthly_hazard: float = Field(gt=0, lt=1)
    cohort: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$")
    cohort_multiplier: float = Field(default=1.0, gt=0)


class Season(_Model):
    weekly: list[float] = Field(min_length=7, max_length=7)
    yearly_amplitude: float = Field(ge=0, lt=1)
    yearly_peak_day: int = Field(ge=1, le=366)


class Promo(_Model):
    start: dt.date | None = None
    end: dt.date | None = None
    discount: float = Field(ge=0, lt=1)
    lift: float = Field(gt=0)
    dip: float = Field(
        gt=0,
        le=1,
        description="order-rate multiplier for dip_days after the promotion, for the "
        "customers who bought during it (their demand was pulled forward); others keep "
        "their rate",
    )
    dip_days: int = Field(ge=0)
    redemption_multiplier: float = Field(ge=0)
    categories: list[str] | None = Field(
        default=None,
        description="discounted categories (null: all); with a subset, price elasticity "
        "shifts choice toward them during the promotion",
    )


class Catalog(_Model):
    categories: list[str] = Field(min_length=2)
    products_per_category: int = Field(ge=1, le=500)
    price_median: float = Field(gt=0)
    price_sigma: float = Field(gt=0, le=2)
    elasticity: float = Field(ge=0, description="choice weight ~ price ** -elasticity")


class Channels(_Model):
    shares: dict[Literal["online", "store", "app"], float]
    physical_stores: int = Field(ge=1)


class TouchChannel(_Model):
    touches_per_month: float = Field(ge=0, le=100)
    open_rate: float = Field(ge=0, le=1)
    click_rate: float = Field(ge=0, le=1)


class Marketing(_Model):
    channels: dict[Literal["email", "sms", "paid_search", "social", "display"], TouchChannel]
    response_rate: float = Field(ge=0, le=1, description="P(an order follows a click)")
    response_days: int = Field(ge=1)
    lookback_days: int = Field(ge=1)
    half_life_days: float = Field(gt=0)
    max_path: int = Field(ge=1, le=50)


class Tier(_Model):
    threshold: float = Field(ge=0, description="lifetime net spend that reaches the tier")
    points_per_unit: float = Field(ge=0)


class Loyalty(_Model):
    tiers: dict[Literal["bronze", "silver", "gold"], Tier]
    redeem_threshold: int = Field(ge=1)
    redeem_block: int = Field(ge=1)
    redeem_probability: float = Field(ge=0, le=1)
    point_value_cents: int = Field(ge=1)
    expiry_months: int = Field(ge=1)


class Returns(_Model):
    rate: float = Field(ge=0, le=1)
    max_days: int = Field(ge=1)


class Recall(_Model):
    product: int | None = Field(default=None, ge=1, description="product_id recalled")
    date: dt.date | None = None
    return_rate: float = Field(default=0.5, ge=0, le=1)
    window_days: int = Field(default=180, ge=1)


class Launch(_Model):
    category: str | None = None
    date: dt.date | None = None
    ramp_days: int = Field(default=90, ge=1)
    weight: float = Field(default=1.0, gt=0, description="the category's weight once ramped")
    neighbour: str | None = None
    cannibalization: float = Field(default=0.5, ge=0, le=1)


class Expectation(_Model):
    """One declarative QA expectation; ``check`` names the check, the rest are its bounds."""

    model_config = ConfigDict(extra="allow", frozen=True)
    check: str


class Scenario(_Model):
    """Every knob of a simulation. Data are a pure function of this model and the seed."""

    name: str
    description: str
    seed: int
    start: dt.date
    end: dt.date
    customers: int = Field(ge=1)
    acquisition: Acquisition
    segments: dict[str, Segment]
    churn: Churn
    season: Season
    promo: Promo
    catalog: Catalog
    channels: Channels
    marketing: Marketing
    loyalty: Loyalty
    returns: Returns
    recall: Recall
    launch: Launch
    qa: dict[str, Expectation]

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.end <= self.start:
            raise ValueError("end: must be after start")
        if (self.promo.start is None) != (self.promo.end is None):
            raise ValueError("promo.end: promo.start and promo.end go together")
        if self.promo.start and self.promo.end and self.promo.end < self.promo.start:
            raise ValueError("promo.end: is before promo.start")
        cats = self.catalog.categories
        for cat in self.promo.categories or []:
            if cat not in cats:
                hint = did_you_mean(cat, cats)
                raise ValueError(
                    f"promo.categories: '{cat}' is not a catalog category"
                    + (f"; {hint}" if hint else "")
                )
        for field, value in (
            ("launch.category", self.launch.category),
            ("launch.neighbour", self.launch.neighbour),
        ):
            if value is not None and value not in cats:
                hint = did_you_mean(value, cats)
                raise ValueError(
                    f"{field}: '{value}' is not a catalog category" + (f"; {hint}" if hint else "")
                )
        if (
            self.recall.product is not None
            and self.recall.product > len(cats) * self.catalog.products_per_category
        ):
            raise ValueError("recall.product: not a product_id of the catalog")
        events = {
            "promo.start": self.promo.start,
            "promo.end": self.promo.end,
            "recall.date": self.recall.date,
            "launch.date": self.launch.date,
        }
        for field, day in events.items():
            if day is not None and not self.start <= day <= self.end:
                raise ValueError(
                    f"{field}: {day} is outside the simulated range {self.start} to {self.end}"
                    f" (move it, or set it to null with its QA expectations, e.g. qa.promo_uplift=null)"
                )
        tiers = self.loyalty.tiers
        if set(tiers) != {"bronze", "silver", "gold"}:
            raise ValueError("loyalty.tiers: needs bronze, silver and gold")
        if (
            not tiers["bronze"].threshold
            == 0
            <= tiers["silver"].threshold
            <= tiers["gold"].threshold
        ):
            raise ValueError("loyalty.tiers: thresholds must be bronze 0 <= silver <= gold")
        return self

    @property
    def months(self) -> int:
        """Calendar months touched by the simulated range."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1


def _yaml() -> YAML:
    return YAML(typ="safe", pure=True)


def _pack_text(name: str) -> str:
    return (
        resources.files("fauxdata.scenarios")
        .joinpath("packs")
        .joinpath(f"{name}.yaml")
        .read_text("utf-8")
    )


def pack_document(name: str) -> dict[str, Any]:
    """A pack's YAML as written (baseline: every parameter; others: overrides).

    Raises:
        FauxdataError: no pack of that name (with a did-you-mean).
    """
    if name not in PACKS:
        hint = did_you_mean(name, PACKS) or "see `fauxdata scenario list`"
        raise FauxdataError(f"no scenario pack '{name}'", path="scenario", hint=hint)
    data = _yaml().load(_pack_text(name))
    return dict(data)


def merge(base: dict[str, Any], over: dict[str, Any], path: str = "") -> dict[str, Any]:
    """Deep-merge ``over`` into a copy of ``base``; every key must exist in ``base``.

    Raises:
        SpecError: an override names a key the baseline does not have.
    """
    out = dict(base)
    problems: list[Problem] = []
    for key, value in over.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in base:
            if path == "qa":  # packs may declare new expectations
                out[key] = value
                continue
            hint = did_you_mean(str(key), [str(k) for k in base])
            problems.append(Problem(where, "no such parameter", hint=hint, code="unknown"))
        elif isinstance(base[key], dict) and isinstance(value, dict):
            try:
                out[key] = merge(base[key], value, where)
            except SpecError as exc:
                problems.extend(exc.problems)
        else:
            out[key] = value
    if problems:
        raise SpecError(problems)
    return out


def parse_set(items: list[str]) -> dict[str, Any]:
    """Turn ``a.b=v`` strings into a nested override; values are read as YAML scalars.

    Raises:
        SpecError: an item has no ``=`` or an empty path.
    """
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for item in items:
        path, sep, text = item.partition("=")
        parts = [p.strip() for p in path.split(".")]
        if not sep or not all(parts):
            problems.append(
                Problem(
                    "--set",
                    f"'{item}' is not PATH=VALUE",
                    hint="e.g. --set churn.monthly_hazard=0.12",
                )
            )
            continue
        try:
            value = _yaml().load(io.StringIO(text)) if text.strip() else None
        except YAMLError:
            value = text
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    if problems:
        raise SpecError(problems)
    return out


def load_scenario(
    name: str,
    *,
    sets: list[str] | None = None,
    files: list[Path] | None = None,
    extra: dict[str, Any] | None = None,
) -> Scenario:
    """The baseline, the pack, override files, ``--set`` items and ``extra``, in that order.

    Raises:
        FauxdataError: unknown pack or unreadable file.
        SpecError: unknown parameter paths or invalid values, each with its dotted path.
    """
    doc = pack_document("baseline")
    if name != "baseline":
        pack = pack_document(name)
        doc = merge(doc, pack.get("overrides") or {})
        doc["qa"] = merge(doc["qa"], pack.get("qa") or {}, "qa")
        doc["description"] = pack["description"]
    doc["name"] = name
    for file in files or []:
        try:
            over = _yaml().load(Path(file).read_text("utf-8")) or {}
        except (OSError, YAMLError) as exc:
            raise FauxdataError(
                f"cannot read parameter file {file}: {exc}", path="--params"
            ) from None
        doc = merge(doc, dict(over))
    if sets:
        doc = merge(doc, parse_set(sets))
    if extra:
        doc = merge(doc, extra)
    doc["qa"] = {k: v for k, v in doc["qa"].items() if v is not None}  # null drops a check
    return validate(doc, source=name)


def validate(doc: dict[str, Any], *, source: str = "") -> Scenario:
    """Build the model; every validation error becomes a Problem with its dotted path.

    Raises:
        SpecError: one Problem per invalid value.
    """
    try:
        return Scenario.model_validate(doc)
    except ValidationError as exc:
        problems = [_problem(err) for err in exc.errors()]
        raise SpecError(problems, source=source) from None


def _problem(err: Any) -> Problem:
    """A pydantic error as a Problem: field errors carry their location; the model's own
    consistency errors start with the dotted path they are about."""
    path = ".".join(str(p) for p in err["loc"])
    message = str(err["msg"]).removeprefix("Value error, ")
    if not path and ": " in message:
        path, message = message.split(": ", 1)
        return Problem(path, message)
    found = repr(err.get("input"))
    return Problem(path, message, hint=f"found {found[:60]}{'...' if len(found) > 60 else ''}")


def describe_packs() -> list[tuple[str, str]]:
    """(name, description) of every bundled pack, for ``fauxdata scenario list``."""
    out = []
    for name in PACKS:
        out.append((name, str(pack_document(name).get("description", "")).strip()))
    return out
