"""What column names say about their values: enum vocabularies and name-driven generators.

Real schemas name their columns from a small vocabulary (``status``, ``sku``, ``slug``,
``district``, a film's ``title``). Each entry here maps such a name to a generator that
produces values of that kind, and each enum family lists the values a field of that
name usually takes with their usual shares, so one sampled ``FULL_TIME`` widens to
FULL_TIME / PART_TIME / CONTRACTOR / INTERN. Families are written in lower snake case and
rendered in the style of the values seen (``FULL_TIME``, ``full-time``, ``Full time``).
"""

from __future__ import annotations

import re
from typing import Any

from fauxdata.introspect.model import SourceColumn

Family = dict[str, float]
"""Canonical values (lower snake case) and their shares, summing to 1."""

_EMPLOYMENT: Family = {"full_time": 0.7, "part_time": 0.18, "contractor": 0.09, "intern": 0.03}
_STATUS: list[Family] = [
    {"active": 0.82, "inactive": 0.08, "on_leave": 0.06, "terminated": 0.04},
    {"pending": 0.1, "processing": 0.1, "shipped": 0.15, "delivered": 0.55, "cancelled": 0.06,
     "returned": 0.04},
    {"open": 0.3, "in_progress": 0.25, "resolved": 0.3, "closed": 0.15},
    {"draft": 0.2, "published": 0.7, "archived": 0.1},
    {"paid": 0.75, "unpaid": 0.12, "overdue": 0.08, "refunded": 0.05},
    {"succeeded": 0.9, "failed": 0.07, "pending": 0.03},
    {"approved": 0.7, "rejected": 0.15, "pending_review": 0.15},
    {"enabled": 0.9, "disabled": 0.1},
]  # fmt: skip
FAMILIES: list[tuple[re.Pattern[str], list[Family]]] = [
    (re.compile(r"employment|contract_type|job_type|work_type|employee_type"), [_EMPLOYMENT]),
    (re.compile(r"(^|_)status$"), _STATUS),
    (re.compile(r"(^|_)(gender|sex)$"), [
        {"female": 0.49, "male": 0.49, "other": 0.02},
        {"f": 0.5, "m": 0.5},
        {"woman": 0.5, "man": 0.5},
    ]),
    (re.compile(r"currency"), [
        {"eur": 0.34, "usd": 0.34, "gbp": 0.12, "jpy": 0.05, "chf": 0.04, "cad": 0.04,
         "aud": 0.04, "sek": 0.03},
    ]),
    (re.compile(r"frequency|(^|_)period$|interval$"), [
        {"monthly": 0.6, "biweekly": 0.2, "weekly": 0.12, "semimonthly": 0.05,
         "annually": 0.03},
        {"daily": 0.4, "weekly": 0.3, "monthly": 0.2, "yearly": 0.1},
    ]),
    (re.compile(r"(^|_)(type|kind|label|category)$"), [
        {"work": 0.6, "personal": 0.35, "other": 0.05},
        {"mobile": 0.6, "home": 0.25, "work": 0.15},
        {"billing": 0.5, "shipping": 0.5},
    ]),
    (re.compile(r"(^|_)role$"), [
        {"user": 0.85, "manager": 0.08, "admin": 0.05, "owner": 0.02},
        {"member": 0.9, "admin": 0.1},
    ]),
    (re.compile(r"priority|severity|urgency"), [
        {"low": 0.3, "medium": 0.45, "high": 0.2, "critical": 0.05},
    ]),
    (re.compile(r"(^|_)(tier|plan|level|grade|band)$"), [
        {"free": 0.6, "basic": 0.2, "premium": 0.15, "enterprise": 0.05},
        {"bronze": 0.5, "silver": 0.3, "gold": 0.15, "platinum": 0.05},
        {"junior": 0.35, "medior": 0.35, "senior": 0.25, "principal": 0.05},
    ]),
    (re.compile(r"(payment_)?method|channel"), [
        {"card": 0.6, "bank_transfer": 0.2, "paypal": 0.15, "cash": 0.05},
        {"web": 0.5, "mobile": 0.35, "store": 0.1, "phone": 0.05},
        {"email": 0.5, "sms": 0.2, "push": 0.3},
    ]),
    (re.compile(r"marital"), [
        {"single": 0.4, "married": 0.45, "divorced": 0.1, "widowed": 0.05},
    ]),
    (re.compile(r"(^|_)unit$|uom"), [{"pcs": 0.5, "kg": 0.2, "g": 0.1, "l": 0.1, "ml": 0.1}]),
    (re.compile(r"(^|_)size$"), [{"xs": 0.08, "s": 0.22, "m": 0.32, "l": 0.25, "xl": 0.13}]),
]  # fmt: skip
"""Name pattern -> the families a field so named draws from; the first is the default."""
_NO_DEFAULT = re.compile(r"(^|_)(type|kind|label|category|unit|size)$|method|channel")
"""Names too generic for a default family: widened from values seen, never guessed."""


def family_for(name: str, seen: list[str]) -> Family | None:
    """The family of a column named ``name`` holding the ``seen`` values, if one fits.

    With values seen, the family must contain every one of them; without, the name's
    first family is the answer.
    """
    for pattern, families in FAMILIES:
        if not pattern.search(name):
            continue
        wanted = {_canonical(v) for v in seen}
        for family in families:
            if wanted <= family.keys():
                return family
        return None if seen or _NO_DEFAULT.search(name) else families[0]
    return None


def widen(name: str, seen: list[str]) -> tuple[list[str], list[float] | None]:
    """The labels a field named ``name`` takes, given the ones seen, and their shares.

    One sampled value is one of several: the family that holds it gives the others, in
    the style of the value seen. With no fitting family the labels are the ones seen,
    at equal shares (None).
    """
    family = family_for(name, seen)
    if family is None or not seen:
        return list(seen), None
    style = seen[0]
    known = {_canonical(v) for v in seen}
    labels = list(seen) + [render(v, style) for v in family if v not in known]
    return labels, [family[_canonical(v)] for v in labels]


def shares(name: str, labels: list[str]) -> list[float] | None:
    """Shares for an enum's labels when they are exactly a family's values."""
    family = family_for(name, labels)
    if family is None or {_canonical(v) for v in labels} != family.keys():
        return None
    return [family[_canonical(v)] for v in labels]


def _canonical(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.strip().lower()).strip("_")


def render(canonical: str, style: str) -> str:
    """``full_time`` written like ``style``: FULL_TIME, full-time, Full time, FullTime,
    fullTime, Full Time."""
    words = canonical.split("_")
    letters = [c for c in style if c.isalpha()]
    seps = [c for c in ("_", "-", " ") if c in style]
    if letters and all(c.isupper() for c in letters):
        return (seps[0] if seps else "_").join(words).upper()
    if letters and all(c.islower() for c in letters):
        return (seps[0] if seps else "_").join(words)
    if not seps and any(c.isupper() for c in style[1:]):  # camelCase or CamelCase
        camel = "".join(w.capitalize() for w in words)
        return camel[:1].lower() + camel[1:] if style[:1].islower() else camel
    sep = seps[0] if seps else " "
    if len(style.split(sep)) > 1 and style.split(sep)[1][:1].isupper():
        return sep.join(w.capitalize() for w in words)  # Title Case
    return sep.join(words).capitalize()


# --- generators named by the column --------------------------------------------------

_COMPANY_TABLES = (
    r"compan|supplier|vendor|shipper|manufacturer|brand|publisher|client|partner|"
    r"organi[sz]ation|carrier|merchant|agency|bank|employer|firm|store|shop|warehouse"
)
_TITLED_TABLES = (
    r"product|item|film|movie|book|album|track|song|course|project|game|show|episode|"
    r"article|post|page|event|campaign|playlist|service|plan|feature|task|ticket|recipe"
)


def by_name(column: SourceColumn, table: str, people: bool) -> tuple[Any, str] | None:
    """A generator the column's name asks for, when its type can hold it.

    ``people`` says the table holds people (a bare ``title`` is then a job title and a
    bare ``name`` a person's, which the context groups handle).
    """
    name = column.name.lower().rsplit("__", 1)[-1]
    if column.type not in ("varchar", "text"):
        return None
    width = column.length or 255
    if re.search(r"(^|_)slug$", name):
        return "slug", "name says slug: lower-case words joined by hyphens"
    if re.search(r"(^|_)sku$|(^|_)(part|item|product)_?(no|number|code)$", name):
        digits = max(1, min(6, width - 4))
        return {"kind": "regex", "pattern": f"[A-Z]{{3}}-[0-9]{{{digits}}}"}, (
            "name says stock-keeping unit: letters and digits"
        )
    if re.search(r"(^|_)(district|county|province|region)$", name):
        return "state", "name says a region of a country"
    if re.search(r"(^|_)(title_of_courtesy|salutation|honorific|prefix)$", name):
        values = [v for v in ("Mr.", "Ms.", "Mrs.", "Dr.") if len(v) <= width]
        if values:
            return {
                "kind": "choice",
                "values": values,
                "weights": [0.45, 0.35, 0.15, 0.05][: len(values)],
            }, "name says a form of address"
    if re.search(r"(^|_)title$", name):
        if people:
            return "job_title", "a title in a table of people: a job title"
        return "title", "name says a title: a few capitalised words"
    if name == "name" or re.search(r"(^|_)(product|item|film|book|project)_?name$", name):
        if re.search(_COMPANY_TABLES, table):
            return "company", f"the name of a {table} row: a company name"
        return "title", "the name of a thing, not a person: a few capitalised words"
    if re.search(r"(^|_)(password|passwd|pwd)(_hash|_digest)?$", name):
        size = max(8, min(64, width))
        return {
            "kind": "regex",
            "pattern": f"[0-9a-f]{{{size}}}",
        }, "a password hash, never a real one"
    if re.search(r"(^|_)(timezone|time_zone|tz)$", name):
        zones = ["Europe/Berlin", "Europe/London", "America/New_York", "America/Chicago",
                 "America/Los_Angeles", "Asia/Tokyo"]  # fmt: skip
        fitting = [z for z in zones if len(z) <= width]
        if fitting:
            return {"kind": "choice", "values": fitting}, "name says an IANA time zone"
    if re.search(r"(^|_)(locale|language_code|lang)$", name):
        values = (
            ["en", "de", "fr", "nl", "es"]
            if width < 5
            else ["en_US", "de_DE", "fr_FR", "nl_NL", "es_ES"]
        )
        return {"kind": "choice", "values": values}, "name says a locale"
    family = family_for(name, [])
    if family is not None:
        labels = [render(v, "x_y") for v in family]
        if max(len(v) for v in labels) <= width:
            return {"kind": "choice", "values": labels, "weights": list(family.values())}, (
                "name says an enumeration: its usual values at their usual shares"
            )
    if re.search(r"(^|_)code$", name) and width >= 3:
        size = min(width, 6)
        return {
            "kind": "regex",
            "pattern": f"[A-Z]{{3}}[0-9]{{0,{size - 3}}}" if size > 3 else "[A-Z]{3}",
        }, ("name says a code: capital letters and digits")
    return None
