"""Bring a spec in line with its live schema, keeping what the user wrote.

The spec file is edited as round-trip YAML, so comments, key order and every generator
the user chose survive. A generator is replaced only when the schema forces it (the
column became a foreign key, lost one, or no longer fits its new type), and each
replacement is reported.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlglot
from ruamel.yaml.comments import CommentedMap
from sqlglot import exp

from fauxdata.errors import FauxdataError, SpecError
from fauxdata.introspect.drift import Change, compare, facts, virtual_foreign_keys
from fauxdata.introspect.model import SourceSchema
from fauxdata.introspect.renames import record_source_names, rename_columns
from fauxdata.introspect.suggest import suggest_column, suggest_spec, suggest_table
from fauxdata.spec.loader import load_spec, spec_dir, validate_spec
from fauxdata.spec.resolve import resolve
from fauxdata.spec.yaml_io import dump_yaml, round_trip

_COLUMN_PATH = re.compile(r"^tables\.([^.]+)\.columns\.([^.]+)")


@dataclass
class SyncResult:
    changes: list[Change]
    replaced: list[str] = field(default_factory=list)
    """``table.column: why`` for every generator sync had to replace."""
    review: list[str] = field(default_factory=list)
    """``table.column`` whose kept generator may not meet a CHECK that changed."""
    text: str | None = None
    """The updated spec, when asked to apply."""
    virtual: list[str] = field(default_factory=list)
    """``table: (columns) -> parent(columns)``: foreign keys only the spec states; kept."""


def drift(spec_path: Path, live: SourceSchema, *, tables: list[str] | None = None) -> SyncResult:
    """The changes between the spec and the live schema.

    Raises:
        SpecError: the spec itself does not resolve (fix it first: drift needs both sides).
    """
    current = resolve(load_spec(spec_path), base_dir=spec_dir(spec_path))
    renamed = rename_columns(live)  # as init named them; a no-op the second time
    suggested = _suggested(live, tables, current.spec.name)
    record_source_names(suggested["tables"], renamed)
    now = resolve(validate_spec(suggested, "<live schema>"), base_dir=spec_dir(spec_path))
    spec_facts = facts(current)
    if tables:
        spec_facts = {n: t for n, t in spec_facts.items() if n in tables}
    live_facts = facts(now)
    return SyncResult(
        compare(spec_facts, live_facts), virtual=virtual_foreign_keys(spec_facts, live_facts)
    )


def apply(
    spec_path: Path, live: SourceSchema, *, tables: list[str] | None = None, rows: int | None = None
) -> SyncResult:
    """The spec's text rewritten to match the live schema (the file is not touched).

    Tables the schema gained get ``rows`` rows, by default the count most tables of the
    spec already have.

    Raises:
        SpecError: the rewritten spec still does not resolve.
    """
    result = drift(spec_path, live, tables=tables)
    doc = round_trip().load(spec_path.read_text())
    if rows is None:
        counts = Counter(
            t["rows"] for t in doc["tables"].values() if isinstance(t.get("rows"), int)
        )
        rows = counts.most_common(1)[0][0] if counts else 1000
    stamp = dt.date.today().isoformat()
    editor = _Editor(doc, live, rows, stamp, result)
    for change in result.changes:
        editor.apply(change)
    editor.settle(spec_path)
    result.text = dump_yaml(doc)
    return result


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step, so a failure never leaves half a spec."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _suggested(live: SourceSchema, tables: list[str] | None, name: str) -> dict[str, Any]:
    return _plain(suggest_spec(live, rows=1000, name=name, tables=tables))


def _plain(value: Any) -> Any:
    """Round-trip YAML containers as plain dicts and lists, for validation."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class _Editor:
    """Applies changes to the round-trip document in place."""

    def __init__(
        self, doc: CommentedMap, live: SourceSchema, rows: int, stamp: str, result: SyncResult
    ) -> None:
        self.doc = doc
        self.live = live
        self.rows = rows
        self.stamp = stamp
        self.replaced = result.replaced
        self.review = result.review

    def apply(self, change: Change) -> None:
        tables = self.doc["tables"]
        name = change.table
        if change.kind == "table":
            if change.now is None:
                del tables[name]
            else:
                table = suggest_table(self.live, self.live.tables[name], self.rows)
                _insert(tables, name, table, list(self.live.tables))
                tables.yaml_add_eol_comment(f"added by fauxdata sync on {self.stamp}", name)
            return
        table = tables[name]
        if change.kind == "column":
            self._column(table, name, change)
        elif change.kind == "type":
            cname = _column_of(change)
            table["columns"][cname]["type"] = self._suggest(name, cname)[0]["type"]
        elif change.kind == "nullability":
            column = table["columns"][change.column]
            if change.now == "NOT NULL":
                column.pop("nullable", None)
                column.pop("null_rate", None)
            else:
                column["nullable"] = True
        elif change.kind == "values":
            self._values(table, name, _column_of(change))
        elif change.kind == "primary key":
            self._table_key(table, name, "primary_key")
        elif change.kind == "unique":
            self._table_key(table, name, "unique")
        elif change.kind == "foreign key":
            self._foreign_key(table, name, change)
        elif change.kind == "check":
            self._table_key(table, name, "checks")
            if change.now is not None:
                for cname in _mentioned(change.now, table["columns"]):
                    if f"{name}.{cname}" not in self.review:
                        self.review.append(f"{name}.{cname}")

    def _column(self, table: CommentedMap, tname: str, change: Change) -> None:
        columns = table["columns"]
        cname = _column_of(change)
        if change.now is None:
            del columns[cname]
            return
        spec, why = self._suggest(tname, cname)
        _insert(columns, cname, spec, list(self.live.tables[tname].columns))
        columns.yaml_add_eol_comment(f"{why} (added by fauxdata sync on {self.stamp})", cname)

    def _values(self, table: CommentedMap, tname: str, cname: str) -> None:
        column = table["columns"][cname]
        generator = column["generator"]
        wanted = self._suggest(tname, cname)[0]["generator"]["values"]
        if isinstance(generator.get("values"), list) and "weights" not in generator:
            generator["values"] = wanted
        else:
            self._replace(
                table, tname, cname, "its weighted values no longer match the allowed set"
            )

    def _table_key(self, table: CommentedMap, tname: str, key: str) -> None:
        fresh = suggest_table(self.live, self.live.tables[tname], self.rows)
        value = fresh.get(key)
        if key == "foreign_keys":  # the user's virtual keys stay beside the declared ones
            live_columns = self.live.tables[tname].columns
            value = list(value or []) + [
                entry
                for entry in table.get(key) or []
                if entry not in (value or [])
                and all(c in live_columns for c in _as_list(entry["columns"]))
            ]
        if value:
            _insert(table, key, value, list(fresh) if key in fresh else [*table, key])
        else:
            table.pop(key, None)

    def _foreign_key(self, table: CommentedMap, tname: str, change: Change) -> None:
        text = change.now or change.was or ""
        columns = [c.strip() for c in text.split(")")[0].strip("(").split(",")]
        if len(columns) > 1:
            self._table_key(table, tname, "foreign_keys")
        for cname in columns:
            if cname in table["columns"] and cname in self.live.tables[tname].columns:
                why = "it is a foreign key now" if change.now else "it is no longer a foreign key"
                self._replace(table, tname, cname, why)

    def _replace(self, table: CommentedMap, tname: str, cname: str, why: str) -> None:
        spec, reason = self._suggest(tname, cname)
        column = table["columns"][cname]
        if column.get("generator") == spec["generator"]:
            return
        column["generator"] = spec["generator"]
        table["columns"].yaml_add_eol_comment(
            f"{reason} (generator replaced by fauxdata sync on {self.stamp}: {why})", cname
        )
        self.replaced.append(f"{tname}.{cname}: {why}")

    def _suggest(self, tname: str, cname: str) -> tuple[CommentedMap, str]:
        table = self.live.tables[tname]
        return suggest_column(self.live, table, table.columns[cname])

    def settle(self, spec_path: Path) -> None:
        """Replace generators the rewritten spec rejects (a type change they do not fit).

        Raises:
            SpecError: problems that replacing generators does not fix.
        """
        for attempt in range(3):
            try:
                spec = validate_spec(_plain(self.doc), str(spec_path))
                resolve(spec, base_dir=spec_dir(spec_path))
                return
            except SpecError as exc:
                fixable = {
                    m.groups()
                    for p in exc.problems
                    if (m := _COLUMN_PATH.match(p.path))
                    and m.group(1) in self.live.tables
                    and m.group(2) in self.live.tables[m.group(1)].columns
                }
                if not fixable or attempt == 2:
                    raise
                for tname, cname in sorted(fixable):
                    self._replace(
                        self.doc["tables"][tname], tname, cname, "the old one no longer fits"
                    )


def _as_list(columns: str | list[str]) -> list[str]:
    return [columns] if isinstance(columns, str) else list(columns)


def _column_of(change: Change) -> str:
    """The column a column-level change is about; drift's compare always names it."""
    if change.column is None:
        raise FauxdataError(f"a {change.kind} change to table {change.table} names no column")
    return change.column


def _mentioned(condition: str, columns: CommentedMap) -> list[str]:
    try:
        tree = sqlglot.parse_one(condition, read="duckdb")
    except sqlglot.errors.ParseError:
        return []
    return sorted({c.name for c in tree.find_all(exp.Column)} & set(columns))


def _insert(mapping: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    """Put ``key`` after the nearest key that precedes it in ``order`` (or first)."""
    if key in mapping:
        mapping[key] = value
        return
    at = 0
    for earlier in order[: order.index(key)] if key in order else order:
        if earlier in mapping:
            at = list(mapping).index(earlier) + 1
    mapping.insert(at, key, value)
