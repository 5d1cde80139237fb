"""The ``free_text`` generator: notes, tickets and emails that mention identifiers.

Each row picks a template (``fauxdata.text.templates``) whose identifier slots are all
among the requested entities, and its slots are filled from the row's columns
(``mentions: {person: full_name, email: email}``) or from the mockers, each slot its own
stream. Every template is formatted for the whole block with ``pl.format`` and the row
keeps its own template's text, so nothing runs per row in Python.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from string import Formatter
from typing import Any

import numpy as np
import polars as pl

from fauxdata.generators.base import ColumnContext, Generator, Rows, implementation
from fauxdata.generators.template import fold_ascii
from fauxdata.spec import generators as g
from fauxdata.text.templates import ENTITY_SLOTS, TEMPLATES

_DAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"),
}
_MOCKERS = {
    "phone": "phone",
    "iban": "iban",
    "credit_card": "credit_card",
    "ip": "ipv4",
    "url": "url",
    "address": "street_address",
}


class FreeTextGenerator(Generator):
    kinds = ("free_text",)
    spec: g.FreeText

    def __init__(self, spec: g.FreeText, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        self.locale = spec.locale or ctx.locale
        self.language = "nl" if self.locale.lower().startswith("nl") else "en"
        styles = ("note", "ticket", "email") if spec.style == "mixed" else (spec.style,)
        wanted = set(spec.entities)
        self.templates = [
            t
            for style in styles
            for t in TEMPLATES[self.language][style]
            if {ENTITY_SLOTS[s] for s in _slots(t) if s in ENTITY_SLOTS} <= wanted
        ]
        if not self.templates:
            raise ctx.error(
                f"no {spec.style} template mentions only {sorted(wanted)}",
                hint="add person to entities, or choose style: mixed",
            )
        unknown = sorted(set(spec.mentions) - set(g.FREE_TEXT_ENTITIES))
        if unknown:
            raise ctx.error(
                f"mentions names unknown entities {unknown}",
                hint=f"expected some of {', '.join(g.FREE_TEXT_ENTITIES)}",
            )

    def dependencies(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.spec.mentions.values())))

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        n = rows.shape[0]
        needed = {s for t in self.templates for s in _slots(t)}
        values = {slot: self._slot(slot, rows, inputs) for slot in sorted(needed)}
        chosen = self.ctx.stream("template").below(rows, len(self.templates))
        frame = pl.DataFrame({"__t": chosen, **values}, height=n)
        texts = [pl.format(_positional(t), *[pl.col(s) for s in _slots(t)]) for t in self.templates]
        chain: Any = pl.when(pl.col("__t") == 0).then(texts[0])
        for i, text in enumerate(texts[1:], start=1):
            chain = chain.when(pl.col("__t") == i).then(text)
        return frame.select(chain.otherwise(None).alias("v")).to_series()

    def _slot(self, slot: str, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        entity = ENTITY_SLOTS.get(slot)
        if entity is not None and entity in self.spec.mentions and slot != "first":
            return inputs[self.spec.mentions[entity]].cast(pl.String).fill_null("")
        match slot:
            case "person":
                return self._mock("full_name", rows)
            case "first":
                return self._slot("person", rows, inputs).str.split(" ").list.first()
            case "email":
                person = self._slot("person", rows, inputs)
                local = fold_ascii(person).str.to_lowercase().str.replace_all(r"[^a-z ]", "")
                domain = self._mock("email", rows).str.split("@").list.last()
                return local.str.replace_all(" ", ".") + "@" + domain
            case "nid":
                spec = g.NationalId(
                    kind="national_id", country="NL" if self.language == "nl" else "US"
                )
                return implementation("national_id")(spec, self._context("nid")).generate(rows, {})
            case "dob":
                days = self._context("dob").stream().below(rows, 365 * 60)
                born = pl.Series(np.datetime64("1945-01-01") + days.astype("timedelta64[D]"))
                fmt = "%d-%m-%Y" if self.language == "nl" else "%B %d, %Y"
                return born.dt.to_string(fmt)
            case "order":
                number = self._context("order").stream().below(rows, 900_000) + 100_000
                return "ORD-" + pl.Series(number).cast(pl.String)
            case "day":
                weekdays = _DAYS[self.language]
                pick = self._context("day").stream().below(rows, len(weekdays))
                return pl.Series(weekdays).gather(pick)
        return self._mock(_MOCKERS[entity or slot], rows)

    def _context(self, slot: str) -> ColumnContext:
        return replace(self.ctx, column=f"{self.ctx.column}#{slot}")

    def _mock(self, kind: str, rows: Rows) -> pl.Series:
        spec = g.Mock(kind=kind, locale=self.locale)  # type: ignore[arg-type]
        return implementation(kind)(spec, self._context(kind)).generate(rows, {})


def _slots(template: str) -> list[str]:
    return [name for _, name, _, _ in Formatter().parse(template) if name]


def _positional(template: str) -> str:
    """``Hi {first}`` -> ``Hi {}`` for ``pl.format`` (braces in the text stay literal)."""
    return re.sub(r"\{\w+\}", "{}", template)
