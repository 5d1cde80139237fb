"""Free text and JSON: find identifiers in prose, replace or annotate them, and mask JSON
documents by JSONPath rules.

Detection reuses the PII scanner's validated patterns (check digits for IBANs, cards, BSNs
and SSNs; ``phonenumbers`` for phones) and adds person names from the word lists plus the
context people write around them ("Dear ...", "spoke with ...", titles) and street
addresses. Texts are scanned as one joined string per pattern, so Python runs per match,
not per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fauxdata.text.deid import ENTITIES, DeidResult, Span, deidentify, find_spans

__all__ = ["ENTITIES", "DeidResult", "Span", "deidentify", "find_spans"]


def __getattr__(name: str) -> Any:
    """The de-identification API, imported on first use: the detectors and
    ``phonenumbers`` cost every start 0.15 CPU-s, and the ``free_text`` generator,
    which every ``generate`` imports, needs only the templates."""
    if name not in __all__:
        raise AttributeError(f"module 'fauxdata.text' has no attribute {name!r}")
    from fauxdata.text import deid

    return getattr(deid, name)
