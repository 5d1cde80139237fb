"""Row counts as people type them on a command line: ``1000``, ``1_000``, ``1,000``,
``10k``, ``2.5M``, ``1B``, ``1e6``. Whatever the form, the count must come out whole."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from fauxdata.errors import UsageError

_SUFFIX = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9}
_COUNT = re.compile(
    r"^\s*((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9][0-9_]*)(?:\.[0-9]+)?(?:e[0-9]+)?)\s*([kmb]?)\s*$",
    re.IGNORECASE,
)
"""Commas only between groups of three (``1,000``), so a European ``1,5`` is not 15."""


def parse_count(text: str) -> int | None:
    """The whole, non-negative count ``text`` says, or None when it says none."""
    match = _COUNT.match(text)
    if match is None:
        return None
    digits = match.group(1).replace("_", "").replace(",", "")
    try:
        value = Decimal(digits) * _SUFFIX[match.group(2).lower()]
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else None


def parse_table_counts(values: list[str] | None, flag: str = "--rows") -> dict[str, int]:
    """``TABLE=N`` values, as ``--rows`` takes them, into counts per table.

    Raises:
        UsageError: a value without ``=`` or whose count is not a whole number.
    """
    out: dict[str, int] = {}
    for value in values or []:
        name, sep, count = value.partition("=")
        parsed = parse_count(count) if sep else None
        if parsed is None:
            raise UsageError(
                "expected TABLE=N with a whole number N",
                path=f"{flag} {value}",
                hint=f"e.g. {flag} employees=1000, 10k or 2.5M",
            )
        out[name.strip()] = parsed
    return out
