"""Temporal order read off column names: a return comes after its rental.

Dates and timestamps of one row usually tell a story in a fixed order: created, then
updated, then deleted; ordered, then shipped, then received. Each chain below lists the
stages of one such story as the words a column name uses for it. In a table, the
temporal columns are matched to stages, and each later one becomes an ``after``
generator of the nearest earlier one, with a delay typical of that step. Birth dates
need no chain: their range ends before any event range starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fauxdata.introspect.model import SourceTable

TEMPORAL = ("date", "timestamp", "timestamptz")


@dataclass(frozen=True)
class Step:
    """A stage of a chain: the words naming it, the delay after the stage before, and the
    share of NULLs when the column is nullable (most rows are not deleted yet)."""

    words: str
    min_delay: str = "0s"
    max_delay: str = "365d"
    null_share: float = 0.1


CHAINS: dict[str, tuple[Step, ...]] = {
    "lifecycle": (
        Step("created create creation inserted insert registered registration signup added"),
        Step("updated update last_update last_updated modified last_modified changed edited"),
        Step("deleted removed archived", "1d", "365d", 0.9),
    ),
    "validity": (
        Step("valid_from start started starts begin begins from effective opened open"),
        Step(
            "valid_to valid_until end ended ends finish finished until to expires expiry "
            "expiration closed close",
            "1d",
            "730d",
            0.3,
        ),
    ),
    "rental": (
        Step("rental rented checkout checked_out borrowed loan pickup"),
        Step("return returned checkin checked_in dropoff", "1h", "10d", 0.02),
    ),
    "order": (
        Step("order ordered placed purchase purchased"),
        Step(
            "ship shipped dispatched sent commit committed required due promised", "1d", "30d", 0.05
        ),
        Step("receipt received delivered delivery arrival arrived", "1d", "30d", 0.1),
    ),
    "employment": (
        Step("hire hired employed joined onboarded"),
        Step(
            "termination terminated left leave resigned exit fired retired offboarded",
            "30d",
            "3650d",
            0.8,
        ),
    ),
}
"""Each chain's stages in order, as the words (space-separated) a column name uses."""

_SUFFIX = r"(date|datetime|at|on|time|timestamp|ts|dt|day)"
_PREFIX = re.compile(r"^(date|time|dt)_")
_TABLE_PREFIX = re.compile(r"^[a-z]{1,2}_")  # TPC-H: o_orderdate, l_shipdate


def stems(name: str) -> list[str]:
    """The words a column name may use for its stage: ``rental_date`` -> ``rental``,
    ``l_shipdate`` -> ``ship``, ``date_created`` -> ``created``, ``last_update`` as is."""
    base = _PREFIX.sub("", name.lower().rsplit("__", 1)[-1])
    out = [base, re.sub(f"_{_SUFFIX}$", "", base), re.sub(f"{_SUFFIX}$", "", base)]
    out += [_TABLE_PREFIX.sub("", s) for s in out]
    return [s for s in dict.fromkeys(out) if s]


def _stage(name: str) -> list[tuple[str, int, int]]:
    """(chain, stage, preference) for every stage whose words name this column."""
    found = []
    for candidate in stems(name):
        for chain, steps in CHAINS.items():
            for i, step in enumerate(steps):
                words = step.words.split()
                if candidate in words:
                    found.append((chain, i, words.index(candidate)))
    return found


@dataclass(frozen=True)
class Order:
    """``column`` comes after ``earlier``, by a delay in [min_delay, max_delay]."""

    column: str
    earlier: str
    min_delay: str
    max_delay: str
    chain: str
    null_share: float


def temporal_order(table: SourceTable) -> dict[str, Order]:
    """For each temporal column that a name chain puts after another: its order."""
    columns = [
        c.name
        for c in table.columns.values()
        if c.type in TEMPORAL and not c.identity and not c.array_of
    ]
    staged = {c: _stage(c) for c in columns}
    out: dict[str, Order] = {}
    for chain, steps in CHAINS.items():
        at = sorted(
            (stage, pref, i, c)
            for i, c in enumerate(columns)
            for ch, stage, pref in staged[c]
            if ch == chain
        )
        if len({s for s, *_ in at}) < 2:
            continue
        for stage, _, _, column in at:
            if column in out or stage == at[0][0]:
                continue
            before = [(s, p, i, c) for s, p, i, c in at if s < stage and c != column]
            if not before:
                continue
            nearest = max(s for s, *_ in before)
            earlier = min((p, i, c) for s, p, i, c in before if s == nearest)[2]
            step = steps[stage]
            out[column] = Order(
                column, earlier, step.min_delay, step.max_delay, chain, step.null_share
            )
    return out
