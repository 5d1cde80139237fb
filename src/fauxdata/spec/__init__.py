"""The user's model: the spec, its loading and its validation. Imports nothing downstream."""

from fauxdata.spec.loader import load_spec, parse_text, spec_dir, validate_spec
from fauxdata.spec.models import Column, ForeignKey, Spec, Table
from fauxdata.spec.types import ColumnType, parse_type

__all__ = [
    "Column",
    "ColumnType",
    "ForeignKey",
    "Spec",
    "Table",
    "load_spec",
    "parse_text",
    "parse_type",
    "spec_dir",
    "validate_spec",
]
