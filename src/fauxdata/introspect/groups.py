"""Columns that belong together in a row become one context group.

A table's city, state, postcode, country and phone describe one place; its first name,
last name, email and birth date one person. Drawn independently they disagree (a ZIP
code from another state, an email of somebody else). Here the columns are matched to
the parts of the engine's ``address`` and ``person`` groups by name, with the part
chosen by what the column holds: a ``char(2)`` state is a state code, a ``char(2)`` or
``char(3)`` country an ISO code. Columns sharing a prefix (``billing_city``,
``billing_zip``) form one group named after it, so a table can hold two addresses.

A group needs two parts or more, except a code (a state or country code alone still
gets real codes). Unique columns stay out: a group part cannot promise uniqueness.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fauxdata.generators.places import countries
from fauxdata.introspect.model import SourceColumn, SourceTable

TEXT = ("varchar", "text")
NUMBER = ("numeric", "float", "double")
INTEGER = ("smallint", "integer", "bigint")

_ADDRESS: list[tuple[str, str]] = [
    (r"city|town|municipality", "city"),
    (r"state|province|region|county|district", "region"),
    (r"zip|zip_?code|post_?code|postal_?code|postal", "postcode"),
    (r"country_?code|country_?iso|iso_?country|country|nation", "country"),
    (r"phone|phone_?number|mobile|telephone|tel|fax", "phone"),
    (r"street|address|address_?1|address_?line_?1|street_?address|addr", "street"),
    (r"lat|latitude", "latitude"),
    (r"lng|lon|long|longitude", "longitude"),
]
_PERSON: list[tuple[str, str]] = [
    (r"first_?name|given_?name|forename|fname", "first_name"),
    (r"last_?name|surname|family_?name|lname", "last_name"),
    (r"full_?name|person_?name|contact_?name|display_?name", "full_name"),
    (r"e_?mail|email_?address", "email"),
    (r"user_?name|login", "user_name"),
    (r"birth_?date|date_?of_?birth|dob|birthday|born_?on|birth", "birth_date"),
    (r"age", "age"),
    (r"gender|sex", "gender"),
]
PEOPLE = (
    r"employee|customer|user|person|people|contact|staff|member|student|patient|author|"
    r"actor|artist|driver|guest|client|account_holder|applicant|candidate|teacher|doctor"
)
"""Table names whose rows are people: a bare ``name`` there is a person's."""
GROUP_COUNTRIES = {"US": 0.4, "GB": 0.12, "DE": 0.12, "NL": 0.12, "FR": 0.12, "ES": 0.12}
"""Countries of an address group whose table has a country column (and no state code)."""


@dataclass
class Part:
    kind: str
    """address or person"""
    group: str
    part: str
    column: str


def _leaf(name: str) -> str:
    return name.lower().rsplit("__", 1)[-1]


def _split(name: str, patterns: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(prefix, part) when the name ends in one of the patterns' words."""
    flat = name.lower().replace("__", "_")
    for pattern, part in patterns:
        found = re.fullmatch(rf"(?:(.*?)_)??(?:{pattern})", flat)
        if found:
            return (found.group(1) or ""), part
    return None


def _fits(column: SourceColumn, part: str) -> bool:
    if part in ("latitude", "longitude"):
        return column.type in NUMBER
    if part == "age":
        return column.type in INTEGER
    if part == "birth_date":
        return column.type in ("date", "timestamp", "timestamptz")
    if part == "gender":
        return column.type in TEXT and (column.length or 9) >= 1
    return column.type in TEXT


def context_parts(table: SourceTable, keys: set[str]) -> dict[str, Part]:
    """Column -> its group part, for every column that joins a group in this table.

    ``keys`` are the columns already taken by keys and CHECKs, which stay out.
    """
    people = bool(re.search(PEOPLE, table.name.lower()))
    found: dict[str, Part] = {}
    for column in table.columns.values():
        if column.name in keys or [column.name] in table.unique or column.type == "enum":
            continue
        leaf = column.name.lower()
        person = _split(leaf, _PERSON)
        if person is None and people and _leaf(leaf) == "name":
            person = ("", "full_name")
        address = _split(leaf, _ADDRESS) if person is None else None
        if person and _fits(column, person[1]):
            found[column.name] = Part("person", _name(person[0], "person"), person[1], column.name)
        elif address and _fits(column, address[1]):
            part = _address_part(column, address[1])
            found[column.name] = Part("address", _name(address[0], "address"), part, column.name)
    return _complete(found)


def _name(prefix: str, default: str) -> str:
    prefix = re.sub(r"_?(home|work|main)?_?address$", lambda m: m.group(1) or "", prefix)
    return re.sub(r"[^a-z0-9_]", "_", prefix).strip("_") or default


def _address_part(column: SourceColumn, part: str) -> str:
    short = column.length is not None and column.length <= 3
    if part == "region" and short:
        return "region_code"
    if part == "country" and (short or re.search(r"code|iso", column.name.lower())):
        return "country_code"
    return part


def _complete(found: dict[str, Part]) -> dict[str, Part]:
    """Groups of two parts or more, and lone codes; one column per part in a group.

    A phone with no address of its own joins the table's one other address group.
    """
    groups = {p.group for p in found.values() if p.kind == "address" and p.part != "phone"}
    for part in found.values():
        if part.part == "phone" and part.group not in groups and len(groups) == 1:
            part.group = next(iter(groups))
    by_group: dict[tuple[str, str], list[Part]] = {}
    for part in found.values():
        by_group.setdefault((part.kind, part.group), []).append(part)
    out: dict[str, Part] = {}
    for parts in by_group.values():
        seen: set[str] = set()
        unique = [p for p in parts if not (p.part in seen or seen.add(p.part))]  # type: ignore[func-returns-value]
        codes = {"region_code", "country_code"}
        if len(unique) >= 2 or (unique and unique[0].part in codes):
            out.update({p.column: p for p in unique})
    return out


def _fitting_countries(members: list[Part], table: SourceTable) -> dict[str, float]:
    """The group's countries whose name fits a country-name column (never cut to "United")."""
    column = next((p.column for p in members if p.part == "country"), None)
    width = table.columns[column].length if column else None
    if width is None:
        return dict(GROUP_COUNTRIES)
    names = countries()
    fitting = {c: w for c, w in GROUP_COUNTRIES.items() if len(str(names[c]["name"])) <= width}
    return fitting or {"DE": 1.0}


def group_generator(part: Part, parts: dict[str, Part], table: SourceTable) -> dict[str, Any]:
    """The generator spec of one part; the parts of a group share every setting."""
    spec: dict[str, Any] = {"kind": part.kind, "part": part.part}
    if part.group != part.kind:
        spec["group"] = part.group
    members = [p for p in parts.values() if (p.kind, p.group) == (part.kind, part.group)]
    names = {p.part for p in members}
    if part.kind == "address":
        if "region_code" in names:
            spec["countries"] = ["US"]  # only US regions have codes
        elif {"country", "country_code"} & names:
            spec["countries"] = _fitting_countries(members, table)
    else:
        gender = next((p for p in members if p.part == "gender"), None)
        if gender is not None:
            length = table.columns[gender.column].length
            if length is not None and length < 6:
                spec["genders"] = ["F", "M"]
    return spec
