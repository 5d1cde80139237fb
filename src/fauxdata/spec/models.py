"""The spec: tables and columns keyed by name, so every error has a readable path."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from fauxdata.spec.base import Strict
from fauxdata.spec.generators import GeneratorSpec, generator_shorthand
from fauxdata.spec.limits import too_many_rows
from fauxdata.spec.masks import MaskSpec, mask_shorthand
from fauxdata.spec.relations import PerParent
from fauxdata.spec.synthesize import Synthesize, expand
from fauxdata.spec.types import ColumnType, parse_type

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NOT_IN_COLUMNS = frozenset('.[]"`')
"""Column names are whatever the source calls them (``Customer ID``, ``naam ë``), quoted
in every SQL statement; these would clash with ``table.column`` references, formula
``[column]`` references or quoting."""
_NOT_IN_TABLES = _NOT_IN_COLUMNS | frozenset("/\\")
"""A table may be named ``schema.table`` (init from several schemas); each part is whatever
the source calls it (``Order Details``), but never what would clash with ``table.column``
references, quoting or the table's file name."""
Environment = Literal["dev", "test", "staging", "prod"]


MAX_NAME = 63
"""PostgreSQL's identifier limit (MySQL allows 64); a table's name is also a file name."""


def _check_name(name: str, what: str) -> str:
    parts = name.split(".") if what in ("table", "output table") else [name]
    longest = max(parts, key=len)
    if len(longest) > MAX_NAME:
        raise ValueError(
            f"{what} name of {len(longest)} characters ('{longest[:20]}...'); expected at most "
            f"{MAX_NAME} (the identifier limit of PostgreSQL, and a file name per table)"
        )
    if what in ("table", "output table"):
        bad = sorted({c for c in name if not c.isprintable() or c in _NOT_IN_TABLES} - {"."})
        if len(parts) > 2 or not all(parts) or bad:
            raise ValueError(
                f"{what} name {name!r} must be a name or schema.name, each part printable text "
                "without . [ ] \" ` / or \\ (a source's name such as 'Order Details' is fine)"
                + (f"; it holds {' '.join(map(repr, bad))}" if bad else "")
            )
        return name
    if what == "column":
        bad = sorted({c for c in name if not c.isprintable() or c in _NOT_IN_COLUMNS})
        if not name or bad:
            raise ValueError(
                f"column name {name!r} holds {' '.join(map(repr, bad)) or 'nothing'}; expected "
                "printable text without . [ ] \" or ` (a source's header such as 'Customer ID' "
                "or 'naam ë' is fine)"
            )
        return name
    if not _NAME.match(name):
        raise ValueError(
            f"{what} name '{name}' must start with a letter or _ and hold only letters, digits and _"
        )
    return name


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


class Column(Strict):
    """One column: its type, nullability and the generator that fills it."""

    type: str | None = Field(
        default=None, description="SQL-ish type; inferred from the generator when omitted."
    )
    generator: GeneratorSpec
    nullable: bool | None = Field(
        default=None, description="Default: true when null_rate > 0, else false."
    )
    null_rate: float = Field(default=0.0, ge=0, le=1, description="Share of rows left NULL.")
    unique: bool = Field(
        default=False,
        description="Every non-null value distinct; fails before writing if impossible.",
    )
    description: str | None = None
    pii: str | None = Field(
        default=None,
        description="The kind of personal data the source holds here (email, phone, "
        "national_id, ...), as found by `fauxdata scan`; the generator mocks it.",
    )
    mask: MaskSpec | None = Field(
        default=None,
        description="In a `mode: mask` table: how the source value is treated (passthrough, "
        "key, mock, hash, fpe, email, uuid, noise, date_shift, scramble, null, redact).",
    )
    source_name: str | None = Field(
        default=None,
        min_length=1,
        description="The source's name for this column when it holds a character a spec "
        "name cannot (`Invoice No.`, `Sepal.Length`): masking reads the source column by "
        "this name; output uses the spec's name. init writes it.",
    )

    @model_validator(mode="before")
    @classmethod
    def _calculated(cls, data: Any) -> Any:
        """``formula: ...`` and ``sql: ...`` stand for a formula or SQL generator."""
        if isinstance(data, dict) and "generator" not in data:
            if data.get("mask") is not None:
                data = {**data, "generator": {"kind": "source"}}
            elif "formula" in data:
                data = {**data, "generator": {"kind": "formula", "formula": data["formula"]}}
                del data["formula"]
            elif "sql" in data:
                data = {**data, "generator": {"kind": "sql", "expression": data["sql"]}}
                del data["sql"]
        return data

    @field_validator("generator", mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        return generator_shorthand(v)

    @field_validator("mask", mode="before")
    @classmethod
    def _mask_shorthand(cls, v: Any) -> Any:
        return mask_shorthand(v)

    @model_validator(mode="after")
    def _mask_or_generator(self) -> Column:
        if self.mask is not None and self.generator.kind != "source":
            raise ValueError("give either 'mask' (the value comes from the source) or a generator")
        return self

    @field_validator("type")
    @classmethod
    def _parses(cls, v: str | None) -> str | None:
        if v is not None:
            parse_type(v)
        return v

    @model_validator(mode="after")
    def _null_rate_needs_nullable(self) -> Column:
        if self.nullable is False and self.null_rate > 0:
            raise ValueError(f"null_rate is {self.null_rate} but nullable is false")
        return self

    @property
    def column_type(self) -> ColumnType | None:
        return parse_type(self.type) if self.type else None

    @property
    def is_nullable(self) -> bool:
        return self.nullable if self.nullable is not None else self.null_rate > 0


class Reference(Strict):
    """The parent side of a foreign key."""

    table: str
    columns: list[str] | str

    @property
    def column_list(self) -> list[str]:
        return _as_list(self.columns)


class ForeignKey(Strict):
    """A foreign key declared on the table (single or composite); also for virtual FKs."""

    columns: list[str] | str
    references: Reference
    deferrable: bool = Field(
        default=False,
        description="The database checks this key at commit (DEFERRABLE): a cycle of NOT NULL "
        "keys through it loads in one transaction.",
    )

    @property
    def column_list(self) -> list[str]:
        return _as_list(self.columns)


class Table(Strict):
    """A table: how many rows, its keys and its columns (in output order)."""

    mode: Literal["generate", "mask"] = Field(
        default="generate",
        description="generate: rows are made from nothing; mask: rows are read from the source "
        "(`fauxdata mask --from`), each column masked or generated.",
    )
    rows: int | None = Field(
        default=None, ge=0, description="Row count; --rows and --scale override it."
    )
    per: PerParent | None = Field(
        default=None, description="Children per parent row; the row count follows."
    )
    primary_key: list[str] | str | None = None
    unique: list[list[str] | str] = Field(
        default_factory=list, description="Unique constraints, single or composite."
    )
    foreign_keys: list[ForeignKey] = Field(default_factory=list)
    checks: list[str] = Field(
        default_factory=list,
        description="SQL conditions (DuckDB dialect) every row must meet, verified after "
        "generation like CHECK constraints; fauxdata init copies the source's CHECKs here.",
    )
    output: str | None = Field(
        default=None, description="Name of the table in the output (default: the key)."
    )
    description: str | None = None
    groups: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Context groups that fill several columns at once: "
        "{kind: person|address, columns: {part: column name}, ...settings}; the columns "
        "are added after the declared ones.",
    )
    synthesize: list[Synthesize] = Field(
        default_factory=list,
        description="Columns learned from a seed table: {from: seed, columns: [...]} "
        "(or a list of such groups); each listed column is drawn from the learned model.",
    )
    columns: dict[str, Column]

    @model_validator(mode="before")
    @classmethod
    def _expand_synthesize(cls, data: Any) -> Any:
        """Each ``synthesize:`` group becomes (or fills) one column per learned column."""
        return expand(data)

    @model_validator(mode="before")
    @classmethod
    def _expand_groups(cls, data: Any) -> Any:
        """Each group becomes one column per part, all sharing the group's settings."""
        if not isinstance(data, dict) or not data.get("groups"):
            return data
        columns = dict(data.get("columns") or {})
        for i, group in enumerate(data["groups"]):
            if not isinstance(group, dict) or not isinstance(group.get("columns"), dict):
                raise ValueError(
                    f"groups.{i}: expected {{kind: person|address, columns: {{part: column}}}}"
                )
            settings = {k: v for k, v in group.items() if k != "columns"}
            settings.setdefault(
                "group", f"{settings.get('kind')}{i}" if i else settings.get("kind")
            )
            for part, name in group["columns"].items():
                if name in columns:
                    raise ValueError(
                        f"groups.{i}.columns.{part}: column '{name}' is declared twice"
                    )
                columns[name] = {"generator": {**settings, "part": part}}
        return {**data, "columns": columns, "groups": []}

    @field_validator("columns")
    @classmethod
    def _names(cls, v: dict[str, Column]) -> dict[str, Column]:
        if not v:
            raise ValueError("a table needs at least one column")
        for name in v:
            _check_name(name, "column")
        return v

    @field_validator("rows", mode="before")
    @classmethod
    def _indexable(cls, v: Any) -> Any:
        if isinstance(v, int | float) and not isinstance(v, bool) and (reason := too_many_rows(v)):
            raise ValueError(reason)
        return v

    @model_validator(mode="after")
    def _rows_or_per(self) -> Table:
        if self.mode == "mask":
            if self.rows is not None or self.per is not None:
                raise ValueError("a 'mode: mask' table takes its rows from the source: drop 'rows'")
            return self
        masked = [n for n, c in self.columns.items() if c.mask is not None]
        if masked:
            raise ValueError(
                f"columns {', '.join(masked)} have a mask: set 'mode: mask' on the table"
            )
        if (self.rows is None) == (self.per is None):
            raise ValueError(
                "give either 'rows' or 'per' (children per parent row), not both or neither"
            )
        return self

    @field_validator("output")
    @classmethod
    def _output_name(cls, v: str | None) -> str | None:
        return _check_name(v, "output table") if v is not None else v

    @property
    def primary_key_columns(self) -> list[str]:
        return _as_list(self.primary_key) if self.primary_key else []

    @property
    def unique_constraints(self) -> list[list[str]]:
        return [_as_list(u) for u in self.unique]


class Spec(Strict):
    """A whole dataset: the root of a spec file."""

    name: str = Field(description="Dataset name; used in manifests and default output paths.")
    description: str | None = None
    version: str | None = Field(default=None, description="Your version of this spec.")
    seed: int = Field(default=0, ge=0, description="Default seed; --seed overrides it.")
    environment: Environment | None = Field(
        default=None,
        description="Where the data may go; writing to a database demands dev, declared "
        "here (FAUXDATA_ENV, when set, wins). No default: undeclared is not dev.",
    )
    locale: str = Field(default="en_US", description="Default locale of the mockers.")
    source: str | None = Field(
        default=None, description="Where the schema came from (no password); never a destination."
    )
    reference_date: dt.date | None = Field(
        default=None,
        description="The date TODAY() and ages are relative to; default: the run's date "
        "(recorded in the manifest, so --replay reproduces it).",
    )
    source_schema: str | None = Field(
        default=None, description="Schema of the source the spec was read from (init --schema)."
    )
    tables: dict[str, Table]

    @model_validator(mode="before")
    @classmethod
    def _extensions(cls, data: Any) -> Any:
        """Top-level keys starting with ``x-`` are ignored: a home for YAML anchors."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not str(k).startswith("x-")}
        return data

    @field_validator("name")
    @classmethod
    def _spec_name(cls, v: str) -> str:
        return _check_name(v, "spec")

    @field_validator("tables")
    @classmethod
    def _table_names(cls, v: dict[str, Table]) -> dict[str, Table]:
        if not v:
            raise ValueError("a spec needs at least one table")
        for name in v:
            _check_name(name, "table")
        return v
