"""Faasera-style JSON policies: one object per table, rules per column, to and from specs.

A policy names its table (``tableName``), how it is produced (``generationType``), its
keys (``primaryKeyColumn``, ``compositeKeyColumn: "customer_id+dob"``) and a rule per
column in ``columnRuleMap``:

- ``SEED`` with ``seedFileName``: values from a file next to the policy (one per line,
  or a CSV column), a ``seed_list`` generator;
- ``RANDOM`` with ``format``: ``#`` a digit, ``?`` an upper-case letter, ``*`` a letter or
  digit, anything else literal (``CUST-#####``); a format in regex syntax is used as a
  regex; without a format the column's name decides, as in ``init``;
- ``PRESERVE`` with ``pattern``: a template over the row's other columns
  (``{firstname}.{lastname}@example.com``; placeholders match column names ignoring case
  and underscores), lower-cased when it builds an email;
- ``DATE_RANDOM`` with ``range``: dates between two ISO dates (``"1950-01-01:2005-12-31"``,
  a two-item list or ``{from, to}``);
- ``FPE_ENCODED`` (or Faasera's masking name ``FPE``): values in the column's own format
  (a ``format`` if given, else the national id, card or IBAN shape the column's name
  suggests, with valid check digits);
- ``HASH``: hex digests (``length`` characters, 64 by default, as SHA-256 writes them);
- ``REDACT``: one fixed value (``value``/``replacement``), blank by default.

RANDOM also reads word formats (``NUMERIC``, ``ALPHA``, ``ALPHANUMERIC`` with ``length``;
``UUID``, ``EMAIL``, ``PHONE`` and any name the PII scanner knows) and numeric bounds
(``min``/``max``). A file may hold one policy, a list, or an object whose list of
policies sits under one key (``{"policies": [...]}``).

``mocker`` (fauxdata's own key) names a mocker for RANDOM and FPE_ENCODED rules, so a
spec's ``phone`` or ``iban`` column survives an export and import unchanged.

``import_policies`` reads a policy file (an object or a list of them) into a spec;
``export_policies`` writes the reverse where a spec's generators map onto these rules.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fauxdata.errors import FauxdataError, did_you_mean
from fauxdata.spec import generators as g
from fauxdata.spec.models import Spec

RULE_TYPES = ("SEED", "RANDOM", "PRESERVE", "DATE_RANDOM", "FPE_ENCODED", "HASH", "REDACT")
_ALIASES = {"FPE": "FPE_ENCODED", "DATE": "DATE_RANDOM", "RANDOM_DATE": "DATE_RANDOM"}
_GENERATED = ("SYNTH", "GENERAT", "MOCK", "RULE", "RANDOM", "FAKE", "TEST")
"""A ``generationType`` naming any of these makes rows from nothing."""
_WORD_FORMATS = {
    "NUMERIC": "[0-9]", "NUMBER": "[0-9]", "DIGITS": "[0-9]", "DIGIT": "[0-9]",
    "ALPHA": "[A-Za-z]", "ALPHABETIC": "[A-Za-z]", "LETTERS": "[A-Za-z]",
    "ALPHANUMERIC": "[A-Za-z0-9]", "ALPHA_NUMERIC": "[A-Za-z0-9]",
    "UPPER": "[A-Z]", "UPPERCASE": "[A-Z]", "LOWER": "[a-z]", "LOWERCASE": "[a-z]",
    "HEX": "[0-9a-f]",
}  # fmt: skip
DEFAULT_ROWS = 1000
_ROW_KEYS = ("rowCount", "recordCount", "numberOfRecords", "rows", "records", "count")


class PolicyError(FauxdataError):
    """A policy that cannot become a spec: names the policy path, what and why."""

    code = "policy"


def import_policies(path: str | Path, *, relative_to: Path | None = None) -> dict[str, Any]:
    """A spec document (plain data, ready for YAML) from a policy file. Seed files are
    referred to relative to ``relative_to`` (the folder the spec will be written in).

    Raises:
        PolicyError: unreadable JSON, an unknown rule type, a missing seed file, ...
    """
    source = Path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(f"policy file not found: {source}", path=str(source)) from None
    except (OSError, ValueError) as exc:
        raise PolicyError(f"cannot read policy {source}: {exc}", path=str(source)) from None
    data = _unwrapped(data)
    policies = data if isinstance(data, list) else [data]
    if not policies or not all(isinstance(p, dict) for p in policies):
        raise PolicyError(
            "expected a policy object or a list of them", path=str(source), hint="see README"
        )
    tables: dict[str, Any] = {}
    for i, policy in enumerate(policies):
        where = f"{source.name}[{i}]" if isinstance(data, list) else source.name
        name, table = _table(policy, where, source.parent, relative_to)
        if name in tables:
            raise PolicyError(f"table '{name}' has two policies", path=f"{where}.tableName")
        tables[name] = table
    return {
        "name": re.sub(r"\W+", "_", source.stem).strip("_") or "policy",
        "seed": 42,
        "tables": tables,
    }


def _unwrapped(data: Any) -> Any:
    """The policies of a file that wraps them in an object (``{"name": ..., "policies":
    [...]}``): the one list under it whose items name a table."""
    if not isinstance(data, dict) or _field(data, "tableName", "table") is not None:
        return data
    lists = [
        value
        for value in data.values()
        if isinstance(value, list)
        and value
        and all(isinstance(v, dict) and _field(v, "tableName", "table") for v in value)
    ]
    return lists[0] if len(lists) == 1 else data


def _field(policy: Mapping[str, Any], *names: str) -> Any:
    folded = {k.lower(): v for k, v in policy.items()}
    for name in names:
        if name.lower() in folded:
            return folded[name.lower()]
    return None


def _table(
    policy: Mapping[str, Any], where: str, folder: Path, relative_to: Path | None
) -> tuple[str, dict[str, Any]]:
    name = _field(policy, "tableName", "table")
    if not isinstance(name, str) or not name.strip():
        raise PolicyError("tableName is missing", path=f"{where}.tableName")
    rules = _rule_map(_field(policy, "columnRuleMap", "columnRules", "rules"), where)
    if not isinstance(rules, dict) or not rules:
        raise PolicyError(
            "columnRuleMap is missing or empty",
            path=f"{where}.columnRuleMap",
            hint='e.g. {"first_name": {"type": "SEED", "seedFileName": "first-names.txt"}}',
        )
    rows = next((policy[k] for k in policy if k in _ROW_KEYS), DEFAULT_ROWS)
    columns: dict[str, Any] = {}
    for column, rule in rules.items():
        columns[column] = _column(
            column, rule, rules, f"{where}.columnRuleMap.{column}", folder, relative_to
        )
    table: dict[str, Any] = {"rows": rows}
    primary = _field(policy, "primaryKeyColumn", "primaryKey")
    if primary:
        table["primary_key"] = _key(primary, columns, f"{where}.primaryKeyColumn")
        if isinstance(table["primary_key"], str):  # drawn without repeats, not hoped unique
            columns[table["primary_key"]]["unique"] = True
    composite = _field(policy, "compositeKeyColumn", "compositeKey")
    if composite:
        key = _key(composite, columns, f"{where}.compositeKeyColumn")
        if "primary_key" in table:
            table["unique"] = [key]
        else:
            table["primary_key"] = key
    kind = _field(policy, "generationType")
    if kind is not None and not any(word in str(kind).upper() for word in _GENERATED):
        raise PolicyError(
            f"generationType '{kind}' is not a generation policy",
            path=f"{where}.generationType",
            hint="import-policy makes generated tables (SYNTHETIC, RULE_BASED, ...); "
            "to mask a source, use `fauxdata init --from SOURCE --mode mock-or-mask`",
        )
    table["columns"] = columns
    return name.strip(), table


def _rule_map(rules: Any, where: str) -> Any:
    """``columnRuleMap`` as a mapping: a list of rules that each name their column
    (``[{"columnName": "ssn", "type": "FPE_ENCODED"}]``) becomes one."""
    if not isinstance(rules, list):
        return rules
    mapping: dict[str, Any] = {}
    for i, rule in enumerate(rules):
        name = (
            _field(rule, "columnName", "column", "name", "field")
            if isinstance(rule, dict)
            else None
        )
        if not isinstance(name, str) or not name.strip():
            raise PolicyError(
                "a rule in a columnRuleMap list names no column",
                path=f"{where}.columnRuleMap[{i}]",
                hint='give each rule "columnName", or write columnRuleMap as {"column": rule}',
            )
        mapping[name.strip()] = rule
    return mapping


def _key(value: Any, columns: Mapping[str, Any], path: str) -> str | list[str]:
    names = value if isinstance(value, list) else re.split(r"\s*[+,]\s*", str(value).strip())
    missing = [n for n in names if n not in columns]
    if missing:
        raise PolicyError(
            f"key column '{missing[0]}' has no rule",
            path=path,
            hint=did_you_mean(missing[0], columns) or f"columns: {', '.join(columns)}",
        )
    return names[0] if len(names) == 1 else names


def _column(
    column: str,
    rule: Any,
    rules: Mapping[str, Any],
    path: str,
    folder: Path,
    relative_to: Path | None,
) -> dict[str, Any]:
    if isinstance(rule, str):
        rule = {"type": rule}
    if not isinstance(rule, dict):
        raise PolicyError(f"expected a rule object, found {rule!r}", path=path)
    kind = str(_field(rule, "type", "ruleType", "rule") or "").strip().upper()
    kind = _ALIASES.get(kind, kind)
    if kind not in RULE_TYPES:
        raise PolicyError(
            f"unknown rule type '{kind or '(none)'}'",
            path=f"{path}.type",
            hint=did_you_mean(kind, RULE_TYPES) or f"expected one of {', '.join(RULE_TYPES)}",
        )
    match kind:
        case "SEED":
            return {"generator": _seed(rule, path, folder, relative_to)}
        case "RANDOM":
            return {"generator": _random(column, rule, path)}
        case "PRESERVE":
            return {"generator": _template(rule, rules, path)}
        case "DATE_RANDOM":
            start, end = _range(_field(rule, "range", "dateRange") or rule, f"{path}.range")
            return {"generator": {"kind": "date", "start": start, "end": end}}
        case "HASH":
            length = _length(rule, f"{path}.length", default=64)
            return {"generator": {"kind": "regex", "pattern": f"[0-9a-f]{{{length}}}"}}
        case "REDACT":
            value = _field(rule, "value", "replacement", "redactWith", "maskValue")
            return {"generator": {"kind": "constant", "value": "" if value is None else value}}
    fmt, mocker = _field(rule, "format", "pattern"), _field(rule, "mocker")  # FPE_ENCODED
    if mocker == "national_id" and _field(rule, "country") in ("US", "NL"):
        return {"generator": {"kind": "national_id", "country": _field(rule, "country")}}
    if mocker:
        return {"generator": {"kind": str(mocker)}}
    return {"generator": _formatted(str(fmt)) if fmt else _fpe_shape(column)}


def _random(column: str, rule: Mapping[str, Any], path: str) -> dict[str, Any]:
    """A RANDOM rule: a mocker, numeric bounds, a word format, a ``#?*`` format or
    regex, else what the column's name suggests."""
    fmt, mocker = _field(rule, "format", "pattern"), _field(rule, "mocker")
    if mocker:
        return {"kind": str(mocker)}
    low, high = _field(rule, "min", "minValue", "from"), _field(rule, "max", "maxValue", "to")
    if low is not None or high is not None:
        return _bounds(low, high, path)
    if not fmt:
        return _by_name(column)
    word = str(fmt).strip().upper()
    if word in ("UUID", "GUID"):
        return {"kind": "uuid"}
    if word in _WORD_FORMATS:
        length = _length(rule, f"{path}.length", default=8)
        return {"kind": "regex", "pattern": f"{_WORD_FORMATS[word]}{{{length}}}"}
    if re.fullmatch(r"[A-Za-z_]+", str(fmt).strip()):
        named = _by_name(str(fmt).strip().lower())
        if named.get("kind") != "regex":  # UUID, EMAIL, PHONE, FIRST_NAME, ...
            return named
    return _formatted(str(fmt))


def _bounds(low: Any, high: Any, path: str) -> dict[str, Any]:
    try:
        lo, hi = float(0 if low is None else low), float(999_999 if high is None else high)
    except (TypeError, ValueError):
        raise PolicyError(
            f"min/max must be numbers, found {low!r} and {high!r}", path=f"{path}.min"
        ) from None
    if lo > hi:
        raise PolicyError(f"min ({low}) is greater than max ({high})", path=f"{path}.min")
    if lo.is_integer() and hi.is_integer():
        return {"kind": "uniform_int", "min": int(lo), "max": int(hi)}
    return {"kind": "uniform", "min": lo, "max": hi}


def _length(rule: Mapping[str, Any], path: str, *, default: int) -> int:
    value = _field(rule, "length", "size", "maxLength")
    if value is None:
        return default
    if isinstance(value, bool) or not str(value).isdigit() or not 1 <= int(value) <= 1000:
        raise PolicyError(
            f"length must be a whole number from 1 to 1000, found {value!r}", path=path
        )
    return int(value)


def _seed(
    rule: Mapping[str, Any], path: str, folder: Path, relative_to: Path | None
) -> dict[str, Any]:
    name = _field(rule, "seedFileName", "seedFile", "file")
    if not name:
        raise PolicyError("a SEED rule needs seedFileName", path=f"{path}.seedFileName")
    location = folder / str(name)
    if not location.is_file():
        raise PolicyError(
            f"seed file {location} not found",
            path=f"{path}.seedFileName",
            hint="seed files are read next to the policy file",
        )
    where = location.resolve()
    if relative_to is not None:
        where = Path(os.path.relpath(where, relative_to.resolve()))
    spec: dict[str, Any] = {"kind": "seed_list", "path": where.as_posix()}
    separator = _field(rule, "seedSeparator", "separator", "delimiter")
    if location.suffix.lower() == ".csv":
        spec["column"] = _field(rule, "seedColumn", "column") or _first_header(location)
    elif separator and separator != "\n":
        spec["separator"] = str(separator)
    return spec


def _first_header(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0].split(",")[0].strip().strip('"')


def _formatted(fmt: str) -> dict[str, Any]:
    """``CUST-#####`` as a regex (``#`` digit, ``?`` letter, ``*`` letter or digit); a
    format already in regex syntax is kept."""
    if re.search(r"\\d|\[|\{\d", fmt):
        return {"kind": "regex", "pattern": fmt}
    pieces = {"#": "[0-9]", "?": "[A-Z]", "*": "[A-Z0-9]"}
    pattern = "".join(pieces.get(ch, re.escape(ch)) for ch in fmt)
    return {"kind": "regex", "pattern": pattern}


def _template(rule: Mapping[str, Any], rules: Mapping[str, Any], path: str) -> dict[str, Any]:
    pattern = _field(rule, "pattern", "format")
    if not pattern:
        raise PolicyError("a PRESERVE rule needs a pattern", path=f"{path}.pattern")
    plain = {re.sub(r"[\W_]", "", c).lower(): c for c in rules}

    def column(match: re.Match[str]) -> str:
        wanted = re.sub(r"[\W_]", "", match.group(1)).lower()
        if wanted not in plain:
            raise PolicyError(
                f"pattern placeholder {{{match.group(1)}}} names no column",
                path=f"{path}.pattern",
                hint=did_you_mean(wanted, plain) or f"columns: {', '.join(rules)}",
            )
        return "{" + plain[wanted] + "}"

    template = re.sub(r"\{([^{}]+)\}", column, str(pattern))
    spec: dict[str, Any] = {"kind": "template", "template": template}
    if "@" in template:
        spec.update(lower=True, ascii=True, strip_spaces=True)
    return spec


def _range(value: Any, path: str) -> tuple[str, str]:
    if isinstance(value, dict):
        pair = [
            _field(value, "from", "start", "min", "startDate", "minDate"),
            _field(value, "to", "end", "max", "endDate", "maxDate"),
        ]
    elif isinstance(value, list):
        pair = value
    elif isinstance(value, str):
        pair = re.split(
            r"\s*(?:\bto\b|,|\.\.|:(?=\d{4})|\s-\s|(?<=^\d{4})-(?=\d{4}$))\s*", value.strip()
        )
    else:
        pair = []
    try:
        start, end = (_day(str(p), last=i == 1) for i, p in enumerate(pair))
    except ValueError:
        raise PolicyError(
            f"cannot read the date range {value!r}",
            path=path,
            hint='e.g. "1950-01-01:2005-12-31" or ["1950-01-01", "2005-12-31"]',
        ) from None
    if start > end:
        raise PolicyError(f"range starts after it ends ({start} > {end})", path=path)
    return start.isoformat(), end.isoformat()


def _day(text: str, *, last: bool) -> dt.date:
    """An ISO date (``/`` or ``.`` between its parts is read as ``-``, a time after it is
    ignored), or a year alone: its first day, or its last when it ends a range."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return dt.date(int(text), 12, 31) if last else dt.date(int(text), 1, 1)
    return dt.date.fromisoformat(re.sub(r"^(\d{4})[/.](\d{2})[/.](\d{2})", r"\1-\2-\3", text)[:10])


def _by_name(column: str) -> dict[str, Any]:
    """A RANDOM rule without a format: the PII scanner's reading of the column name picks
    the mocker (``email``, ``first_name``, ``dob``, ...); other names get short codes."""
    from fauxdata.pii.categories import mocker_for
    from fauxdata.pii.names import match_name

    hit = match_name("", column)
    if hit is not None and not hit.generic:
        return mocker_for(hit.category, variant=hit.variant)
    return {"kind": "regex", "pattern": "[A-Z0-9]{8}"}


def _fpe_shape(column: str) -> dict[str, Any]:
    lowered = column.lower()
    if "bsn" in lowered:
        return {"kind": "national_id", "country": "NL"}
    if "ssn" in lowered or "social" in lowered:
        return {"kind": "national_id", "country": "US"}
    if "card" in lowered:
        return {"kind": "credit_card"}
    if "iban" in lowered or "account" in lowered:
        return {"kind": "iban"}
    return {"kind": "regex", "pattern": "[0-9]{9}"}


def export_policies(
    spec: Spec, *, base_dir: Path = Path(), relative_to: Path = Path()
) -> list[dict[str, Any]]:
    """One policy per table, where every column's generator maps onto a rule. Seed files
    (relative to the spec's ``base_dir``) are named relative to ``relative_to``, the
    folder the policy is written in, since policies read them from there.

    Raises:
        PolicyError: a column whose generator has no policy rule, naming it.
    """
    out = []
    for name, table in spec.tables.items():
        rules: dict[str, Any] = {}
        for column, spec_column in table.columns.items():
            path = f"tables.{name}.columns.{column}"
            rules[column] = _rule(spec_column.generator, path, base_dir, relative_to)
        policy: dict[str, Any] = {
            "tableName": name,
            "generationType": "SYNTHETIC",
            "rowCount": table.rows if table.rows is not None else DEFAULT_ROWS,
        }
        key = table.primary_key
        composites = [u for u in table.unique if isinstance(u, list) and len(u) > 1]
        if isinstance(key, list) and len(key) > 1:
            policy["compositeKeyColumn"] = "+".join(key)
        elif key:
            policy["primaryKeyColumn"] = key[0] if isinstance(key, list) else key
            if composites:
                policy["compositeKeyColumn"] = "+".join(composites[0])
        policy["columnRuleMap"] = rules
        out.append(policy)
    return out


def _rule(gen: g.GeneratorSpec, path: str, base_dir: Path, relative_to: Path) -> dict[str, Any]:
    match gen:
        case g.SeedList():
            seed = (base_dir / gen.path).resolve()
            rule = {
                "type": "SEED",
                "seedFileName": Path(os.path.relpath(seed, relative_to.resolve())).as_posix(),
            }
            if gen.separator is not None:
                rule["seedSeparator"] = gen.separator
            return rule
        case g.Constant() if isinstance(gen.value, str):
            return {"type": "REDACT", "value": gen.value}
        case g.Regex():
            return {"type": "RANDOM", "format": _unformat(gen.pattern)}
        case g.Uuid():
            return {"type": "RANDOM", "format": "UUID"}
        case g.UniformInt() | g.Uniform():
            return {"type": "RANDOM", "min": gen.min, "max": gen.max}
        case g.Template():
            return {"type": "PRESERVE", "pattern": gen.template}
        case g.DateRange():
            return {"type": "DATE_RANDOM", "range": f"{gen.start}:{gen.end}"}
        case g.NationalId():
            return {"type": "FPE_ENCODED", "mocker": "national_id", "country": gen.country}
        case g.Mock(kind="credit_card" | "iban"):
            return {"type": "FPE_ENCODED", "mocker": gen.kind}
        case g.Mock():
            return {"type": "RANDOM", "mocker": gen.kind}
    raise PolicyError(
        f"generator '{gen.kind}' has no policy rule",
        path=path,
        hint="policies know SEED (seed_list), RANDOM (regex, uuid, uniform_int, uniform), "
        "PRESERVE (template), "
        "DATE_RANDOM (date), FPE_ENCODED (national_id, credit_card, iban) and REDACT "
        "(a text constant)",
    )


def _unformat(pattern: str) -> str:
    """The policy format of a regex, where it is one of ours; else the regex itself."""
    pieces = {"[0-9]": "#", "[A-Z]": "?", "[A-Z0-9]": "*"}
    out, i = [], 0
    while i < len(pattern):
        for regex, symbol in pieces.items():
            if pattern.startswith(regex, i):
                out.append(symbol)
                i += len(regex)
                break
        else:
            if pattern[i] == "\\" and i + 1 < len(pattern) and not pattern[i + 1].isalnum():
                out.append(pattern[i + 1])
                i += 2
            elif pattern[i] in "#?*" or not (pattern[i].isalnum() or pattern[i] in "-_ ./:@"):
                return pattern
            else:
                out.append(pattern[i])
                i += 1
    return "".join(out)
