"""Round-trip YAML: specs written with comments, read back keeping them."""

from __future__ import annotations

from io import StringIO
from typing import Any

from ruamel.yaml import YAML


def round_trip() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 120
    yaml.preserve_quotes = True
    return yaml


def dump_yaml(data: Any) -> str:
    buffer = StringIO()
    round_trip().dump(data, buffer)
    return buffer.getvalue()
