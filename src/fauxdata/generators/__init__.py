"""Generator implementations, one module per family, registered by kind.

The family modules are imported here, in one place, so the registry is complete as
soon as this package is imported; ``tests/test_registry.py`` checks that every kind in
the spec has an implementation.
"""

from fauxdata.generators import (
    choice,
    context,
    dates,
    formula,
    free_text,
    keys,
    mock,
    national_id,
    numbers,
    pattern,
    payload,
    reference,
    relational,
    source,
    spatial,
    strings,
    synth,
    template,
)
from fauxdata.generators.base import ColumnContext, Generator, implementation

__all__ = [
    "ColumnContext",
    "Generator",
    "choice",
    "context",
    "dates",
    "formula",
    "free_text",
    "implementation",
    "keys",
    "mock",
    "national_id",
    "numbers",
    "pattern",
    "payload",
    "reference",
    "relational",
    "source",
    "spatial",
    "strings",
    "synth",
    "template",
]
