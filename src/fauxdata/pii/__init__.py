"""The PII scanner: which columns of a source hold personal data, and how to mock them.

Names are always checked (English, Dutch, German, French, Spanish, Italian and Portuguese
patterns); values only when a sample is given, in memory, and never copied into a finding. Each finding
names a category from ``CATEGORIES`` and ``mocker_for`` turns it into a generator spec.
"""

from fauxdata.pii.categories import CATEGORIES, Finding, mocker_for
from fauxdata.pii.scan import scan_frame, scan_schema
from fauxdata.pii.values import ValueHit, scan_values

__all__ = [
    "CATEGORIES",
    "Finding",
    "ValueHit",
    "mocker_for",
    "scan_frame",
    "scan_schema",
    "scan_values",
]
