"""Row counts as people type them on a command line: ``1000``, ``1_000``, ``1,000``,
``10k``, ``2.5M``, ``1B``, ``1e6``. Whatever the form, the count must come out whole."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_SUFFIX = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9}
_COUNT = re.compile(r"^\s*([0-9][0-9_,]*(?:\.[0-9]+)?(?:e[0-9]+)?)\s*([kmb]?)\s*$", re.IGNORECASE)


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
