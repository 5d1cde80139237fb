"""Free text and JSON: find identifiers in prose, replace or annotate them, and mask JSON
documents by JSONPath rules.

Detection reuses the PII scanner's validated patterns (check digits for IBANs, cards, BSNs
and SSNs; ``phonenumbers`` for phones) and adds person names from the word lists plus the
context people write around them ("Dear ...", "spoke with ...", titles) and street
addresses. Texts are scanned as one joined string per pattern, so Python runs per match,
not per row.
"""

from fauxdata.text.deid import ENTITIES, DeidResult, Span, deidentify, find_spans

__all__ = ["ENTITIES", "DeidResult", "Span", "deidentify", "find_spans"]
