"""Load a spec from YAML or JSON and turn every validation error into a dotted path."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode

from fauxdata.errors import FauxdataError, Problem, SpecError, did_you_mean
from fauxdata.spec.generators import generator_kinds
from fauxdata.spec.models import Spec


def load_spec(source: str | Path | dict[str, Any]) -> Spec:
    """Load and validate a spec from a path, YAML/JSON text or a mapping.

    Raises:
        SpecError: every problem found, each with its path.
        FauxdataError: the file cannot be read.
    """
    origin = ""
    if isinstance(source, dict):
        data = source
    else:
        text, origin = _read(source)
        data = parse_text(text, origin)
    spec = validate_spec(data, origin)
    return spec


def spec_dir(source: str | Path | dict[str, Any]) -> Path:
    """The folder that relative paths in a spec (seed lists) are resolved against."""
    if isinstance(source, dict):
        return Path.cwd()
    path = Path(source)
    return path.parent.resolve() if _looks_like_path(source) else Path.cwd()


def _looks_like_path(source: str | Path) -> bool:
    return isinstance(source, Path) or "\n" not in source


def _read(source: str | Path) -> tuple[str, str]:
    if not _looks_like_path(source):
        return str(source), "<text>"
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except FileNotFoundError:
        raise FauxdataError(f"spec file not found: {path}", code="not_found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FauxdataError(f"cannot read spec file {path}: {exc}", code="unreadable") from None


def parse_text(text: str, origin: str = "<text>") -> dict[str, Any]:
    """Parse YAML (a superset of JSON) into plain Python data."""
    try:
        data = json.loads(text) if origin.endswith(".json") else safe_yaml().load(StringIO(text))
    except json.JSONDecodeError as exc:
        raise SpecError(
            [Problem(f"line {exc.lineno}, column {exc.colno}", f"malformed JSON: {exc.msg}")],
            source=origin,
        ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SpecError(
            [Problem(where, f"malformed YAML: {exc.problem or exc}")], source=origin
        ) from None
    except YAMLError as exc:
        raise SpecError([Problem("", f"malformed YAML: {exc}")], source=origin) from None
    except RecursionError:  # [[[[...]]]] thousands deep: the readers recurse per level
        raise SpecError(
            [Problem("", "nested too deep to read (thousands of levels of [ or {)")],
            source=origin,
        ) from None
    if not isinstance(data, dict):
        raise SpecError(
            [
                Problem(
                    "",
                    f"a spec must be a mapping with 'name' and 'tables'; found {type(data).__name__}",
                )
            ],
            source=origin,
        )
    return data


class _LenientDates(SafeConstructor):
    """Safe YAML whose impossible dates (``2023-02-30``) stay text.

    YAML reads an unquoted ``2023-02-30`` as a date and fails deep inside the parser;
    kept as text, the spec model reports it with its spec path instead.
    """

    def construct_yaml_timestamp(self, node: ScalarNode, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return str(node.value)


_LenientDates.add_constructor("tag:yaml.org,2002:timestamp", _LenientDates.construct_yaml_timestamp)


def safe_yaml() -> YAML:
    """A safe, pure-Python YAML reader for specs and parameter files."""
    yaml = YAML(typ="safe", pure=True)
    yaml.Constructor = _LenientDates
    return yaml


def validate_spec(data: dict[str, Any], origin: str = "") -> Spec:
    """Validate parsed data into a Spec, collecting every error with its path."""
    try:
        return Spec.model_validate(data)
    except ValidationError as exc:
        problems = [validation_problem(err) for err in exc.errors(include_url=False)]
        raise SpecError(_dedupe(problems), source=origin) from None


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            out.append(p)
    return out


def validation_problem(err: Any) -> Problem:
    loc = _tidy([str(part) for part in err["loc"]])
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "unknown_key":
        return Problem(
            ".".join([*loc, ctx["key"]]),
            f"unknown key '{ctx['key']}'",
            _strip(ctx.get("hint", "")) or f"expected one of: {ctx['known']}",
            "unknown_key",
        )
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag"))
        hint = did_you_mean(tag, generator_kinds())
        return Problem(
            ".".join(loc),
            f"unknown generator kind '{tag}'",
            hint or "run 'fauxdata schema' for the list of kinds",
            "unknown_kind",
        )
    if kind == "union_tag_not_found":
        return Problem(
            ".".join(loc),
            "generator has no 'kind'",
            "e.g. {kind: uniform_int, min: 1, max: 10}",
            "missing_kind",
        )
    if kind == "missing":
        return Problem(".".join(loc), "required key is missing", code="missing")
    found = err.get("input")
    message = err["msg"].removeprefix("Value error, ")
    if kind not in ("value_error", "assertion_error") and not isinstance(found, dict | list):
        message = f"{message}; found {found!r}"
    return Problem(".".join(loc), message, code=kind)


def _tidy(loc: list[str]) -> list[str]:
    """Drop the ``value.<kind>`` steps a payload member's model adds, so a nested error
    reads ``payload.generator.json.fields.items.items.fields.qty.uniform_int.min``."""
    tags = {*generator_kinds(), "object", "array", "column"}
    out: list[str] = []
    i = 0
    while i < len(loc):
        if loc[i] == "value" and i + 1 < len(loc) and loc[i + 1] in tags and out:
            i += 1
            if loc[i] in ("object", "array", "column"):
                i += 1
            continue
        out.append(loc[i])
        i += 1
    return out


def _strip(hint: str) -> str:
    return hint.strip().removeprefix("(").removesuffix(")")
