"""Round-trip YAML: specs written with comments, read back keeping them."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from io import StringIO
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver


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


def dump_new_yaml(data: Mapping[str, Any]) -> str:
    """A spec built in memory (``fauxdata init``) as block YAML with its comments, the
    layout ``dump_yaml`` gives, written directly.

    ruamel's emitter is pure Python and took 16 s of a 1,000-table init; a freshly built
    spec holds only mappings, lists, plain scalars and comments added by key, so it is
    written line by line here and reads back (with ``round_trip``) to the same data and
    comments. Documents read from a file keep going through ``dump_yaml``.
    """
    lines = [f"# {line}" for line in _start_comment(data)]
    _mapping(data, 0, lines)
    return "\n".join(lines) + "\n"


def _comments(data: Any, key: Any) -> tuple[list[str], str]:
    """(comment lines before ``key``, its end-of-line comment) as ruamel keeps them."""
    ca = getattr(data, "ca", None)
    found = ca.items.get(key) if ca is not None else None
    if not found:
        return [], ""
    before = [t.value.strip() for t in (found[1] or []) if t is not None and t.value.strip()]
    after = found[2].value.strip() if len(found) > 2 and found[2] is not None else ""
    return before, after


def _start_comment(data: Any) -> list[str]:
    ca = getattr(data, "ca", None)
    if ca is None or not ca.comment or not ca.comment[1]:
        return []
    return [t.value.strip().removeprefix("#").strip() for t in ca.comment[1] if t is not None]


def _mapping(data: Mapping[Any, Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for key, value in data.items():
        before, after = _comments(data, key)
        lines.extend(f"{pad}{c}" for c in before)
        head = f"{pad}{_scalar(key)}:"
        if isinstance(value, Mapping) and value:
            lines.append(head + (f"  {after}" if after else ""))
            _mapping(value, indent + 2, lines)
        elif isinstance(value, list) and value:
            lines.append(head + (f"  {after}" if after else ""))
            _sequence(value, indent + 2, lines)
        else:
            text = _empty(value) if isinstance(value, Mapping | list) else _scalar(value)
            lines.append(head + (f" {text}" if text else "") + (f"  {after}" if after else ""))


def _sequence(items: list[Any], dash: int, lines: list[str]) -> None:
    """Items as ``- value`` at column ``dash``, their content two columns further."""
    content = dash + 2
    for item in items:
        if isinstance(item, Mapping | list) and item:
            nested: list[str] = []
            if isinstance(item, Mapping):
                _mapping(item, content, nested)
            else:
                _sequence(item, content + 2, nested)
                nested[0] = " " * content + nested[0][content:]
            lines.append(" " * dash + "- " + nested[0][content:])
            lines.extend(nested[1:])
        else:
            text = _empty(item) if isinstance(item, Mapping | list) else _scalar(item)
            lines.append(" " * dash + "-" + (f" {text}" if text else ""))


def _empty(value: Mapping[Any, Any] | list[Any]) -> str:
    return "{}" if isinstance(value, Mapping) else "[]"


_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n\r\t\x00-\x1f]*")
_RESOLVER = VersionedResolver(version=(1, 2))
_STR = "tag:yaml.org,2002:str"


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _text(value)
    return _by_ruamel(value)


@lru_cache(maxsize=65536)
def _text(value: str) -> str:
    """Plain when YAML reads it back as this same string, else quoted."""
    plain = (
        _PLAIN.fullmatch(value) is not None
        and not value.endswith((" ", ":"))
        and ": " not in value
        and " #" not in value
        and _RESOLVER.resolve(ScalarNode, value, (True, False)) == _STR
    )
    if plain:
        return value
    if value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


@lru_cache(maxsize=4096)
def _by_ruamel(value: Any) -> str:
    """Floats and rarer scalars exactly as ruamel writes them (``1.0e-05``, ``.inf``)."""
    return dump_yaml({"v": value}).strip().removeprefix("v:").strip()
