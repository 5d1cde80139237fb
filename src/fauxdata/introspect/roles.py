"""Row counts from each table's role: lookups stay small, events outnumber their actors.

A schema says a lot about how big its tables are relative to each other. A table that
many others point at and that has only an id and a name (``country``, ``language``,
``category``) holds a handful of rows; a table that points at several others and records
when something happened (``rental``, ``payment``) holds many. Each table gets one role
from its foreign-key fan-in and fan-out, its column count and its name, and its rows are
the scale (``fauxdata init --rows N``: the rows of an ordinary entity table) times the
role's factor. Link tables are capped by the pairs their parents can form, and a 1:1
child by its parent.
"""

from __future__ import annotations

import math
import re

from fauxdata.introspect.groups import PEOPLE
from fauxdata.introspect.model import SourceSchema, SourceTable
from fauxdata.introspect.temporal import TEMPORAL

FACTORS = {"reference": 0.02, "entity": 1.0, "link": 2.0, "event": 5.0}
"""Rows per role, as a share of the scale."""
MIN_REFERENCE = 5
_REFERENCE = re.compile(
    r"^(country|countries|language|category|categories|currency|currencies|status|"
    r"statuses|state|states|province|region|continent|type|kind|store|branch|warehouse|"
    r"department|division|channel|gender|unit|genre|rating|priority|role|level|tier|"
    r"locale|timezone|segment|shipper|payment_method|media_type|territory|territories)$|"
    r"(_type|_types|_status|_statuses|_category|_categories|_kind|_code|_codes|_lookup)$|"
    r"^(ref|lkp|lu|lookup)_"
)
_EVENT = re.compile(
    r"(^|_)(orders?|rentals?|payments?|transactions?|invoices?|sales?|bookings?|"
    r"reservations?|shipments?|events?|logs?|visits?|sessions?|clicks?|reviews?|entry|"
    r"entries|timesheets?|movements?|messages?|activity|activities)$|"
    r"_(lines?|items?|details?)$"
)
"""Names of event tables; lines, items and details only of something (``order_items``)."""
_AMOUNT = re.compile(r"amount|price|total|quantity|qty|cost|fee|revenue")
_AUDIT = re.compile(
    r"^(last_update|last_updated|created_at|updated_at|modified_at|created|updated)$"
)


def roles(source: SourceSchema) -> dict[str, tuple[str, str]]:
    """Table -> (role, why) for every table of the source."""
    fan_in: dict[str, set[str]] = {name: set() for name in source.tables}
    for table in source.tables.values():
        for fk in table.foreign_keys:
            if fk.parent in fan_in and fk.parent != table.name:
                fan_in[fk.parent].add(table.name)
    return {name: _role(t, len(fan_in[name])) for name, t in source.tables.items()}


def _role(table: SourceTable, fan_in: int) -> tuple[str, str]:
    name = table.name.lower().rsplit(".", 1)[-1]
    one = re.sub(r"ies$", "y", name) if name.endswith("ies") else re.sub(r"(?<!s)s$", "", name)
    parents = {fk.parent for fk in table.foreign_keys if fk.parent != table.name}
    keyed = {c for fk in table.foreign_keys for c in fk.columns}
    plain = [
        c
        for c in table.columns.values()
        if c.name not in keyed and c.name not in table.primary_key and not _AUDIT.match(c.name)
    ]
    last = one.rsplit("_", 1)[-1]
    people = bool(re.search(PEOPLE, last)) or any(
        re.search(r"first_?name|last_?name|surname", c.name.lower()) for c in plain
    )
    pk = table.primary_key
    if len(pk) > 1 and set(pk) <= keyed and len(parents) >= 2 and len(plain) <= 2:
        return "link", f"links {' and '.join(sorted(parents))}: its key is their pair"
    if not people and any(_REFERENCE.search(n) for n in (name, one, last)):
        return "reference", "a lookup table by its name"
    if not people and not parents and fan_in >= 1 and len(plain) <= 2:
        return "reference", f"a lookup table: {len(plain)} plain column(s), referenced by {fan_in}"
    temporal = any(c.type in TEMPORAL for c in plain)
    amount = any(_AMOUNT.search(c.name.lower()) for c in plain)
    if not people and (
        (len(parents) >= 2 and (temporal or amount)) or (parents and _EVENT.search(name))
    ):
        return "event", f"an event table: points at {len(parents)} table(s)" + (
            " and records when" if temporal else ""
        )
    return "entity", "an entity table"


def table_rows(source: SourceSchema, scale: int) -> dict[str, tuple[int, str]]:
    """Table -> (rows, why) for the scale (the rows of an ordinary entity table)."""
    found = roles(source)
    rows = {
        name: (
            max(MIN_REFERENCE, round(scale * FACTORS[role]))
            if role == "reference"
            else max(1, round(scale * FACTORS[role]))
        )
        for name, (role, _) in found.items()
    }
    rows = {n: min(r, scale) if scale < MIN_REFERENCE else r for n, r in rows.items()}
    capped: dict[str, str] = {}
    for _ in range(len(source.tables)):  # caps flow down the foreign keys
        changed = False
        for name, table in source.tables.items():
            for cap, why in _caps(table, rows, found[name][0]):
                if rows[name] > cap:
                    rows[name], capped[name], changed = cap, why, True
        if not changed:
            break
    return {
        name: (
            rows[name],
            f"{role} ({why}): x{FACTORS[role]:g} of --rows {scale}"
            + (f", capped at {rows[name]}: {capped[name]}" if name in capped else ""),
        )
        for name, (role, why) in found.items()
    }


def _caps(table: SourceTable, rows: dict[str, int], role: str) -> list[tuple[int, str]]:
    """The most rows a table's unique foreign keys let it hold, each with its reason.

    A key or unique constraint made only of foreign-key columns can take each parent
    (or each combination of parents) once: a 1:1 child (``capital.country_id UNIQUE``)
    holds at most its parent's rows, and a unique pair of foreign keys at most the
    pairs its parents form. A link table stays at half its pairs, so its pairs stay
    spread rather than exhaustive.
    """
    fks = [fk for fk in table.foreign_keys if fk.parent in rows and fk.parent != table.name]
    caps = []
    keys = [table.primary_key, *table.unique] if table.primary_key else list(table.unique)
    for key in keys:
        covering = [fk for fk in fks if set(fk.columns) <= set(key)]
        if not covering or {c for fk in covering for c in fk.columns} != set(key):
            continue
        parents = [fk.parent for fk in covering]
        if len(covering) == 1:
            caps.append(
                (
                    rows[parents[0]],
                    f"({', '.join(key)}) is unique, so each {parents[0]} row has at most one",
                )
            )
        else:
            caps.append(
                (
                    math.prod(rows[p] for p in parents),
                    f"({', '.join(key)}) is unique, so at most the pairs of {' and '.join(parents)}",
                )
            )
    if role == "link":
        pairs = math.prod(rows[fk.parent] for fk in table.foreign_keys if fk.parent in rows)
        caps.append((max(1, pairs // 2), "a link holds at most half the pairs its parents form"))
    return caps
