"""The resolved plan: immutable, cross-checked, what the engine and the verifier read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fauxdata.errors import Problem
from fauxdata.spec import generators as g
from fauxdata.spec.models import Column, Spec
from fauxdata.spec.relations import PerParent
from fauxdata.spec.types import ColumnType


@dataclass(frozen=True)
class ResolvedColumn:
    name: str
    spec: Column
    type: ColumnType
    depends_on: tuple[str, ...] = ()
    parent: tuple[str, str] | None = None
    """(table, column) this column's values come from, for foreign keys and hierarchies."""

    @property
    def generator(self) -> g.GeneratorSpec:
        return self.spec.generator

    @property
    def nullable(self) -> bool:
        return self.spec.is_nullable or isinstance(self.spec.generator, g.Hierarchy)


@dataclass(frozen=True)
class ResolvedForeignKey:
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]
    deferred: bool = False
    """True when this nullable FK breaks a cycle: databases load it NULL, then UPDATE."""
    deferrable: bool = False
    """The database checks it at commit (a DEFERRABLE constraint)."""
    at_commit: bool = False
    """True when this deferrable FK breaks a cycle of NOT NULL keys: it is loaded in place,
    the whole load is one transaction and the database checks it at commit."""

    def describe(self, table: str) -> str:
        return f"{table}.{','.join(self.columns)} -> {self.parent}.{','.join(self.parent_columns)}"


@dataclass(frozen=True)
class ResolvedPer:
    """Children per parent: which parent, which FK column follows it, the count rule."""

    parent: str
    column: str
    spec: PerParent


@dataclass(frozen=True)
class ResolvedTable:
    name: str
    rows: int
    columns: Mapping[str, ResolvedColumn]
    evaluation_order: tuple[str, ...]
    primary_key: tuple[str, ...]
    unique: tuple[tuple[str, ...], ...]
    foreign_keys: tuple[ResolvedForeignKey, ...]
    output_name: str
    per: ResolvedPer | None = None
    """Set for tables whose rows are children of another table's rows."""
    checks: tuple[str, ...] = ()
    """SQL conditions (DuckDB dialect) every row must meet."""

    def is_unique_key(self, columns: tuple[str, ...]) -> bool:
        """True when the columns form the primary key or a declared unique constraint."""
        if columns == self.primary_key or columns in self.unique:
            return True
        return len(columns) == 1 and self.columns[columns[0]].spec.unique


@dataclass(frozen=True)
class Plan:
    spec: Spec
    seed: int
    base_dir: Path
    tables: Mapping[str, ResolvedTable]
    """In dependency order: parents before children (deferred FKs excepted)."""
    selected: tuple[str, ...]
    row_overrides: Mapping[str, int] = field(default_factory=dict)
    scale: float = 1.0
    warnings: tuple[Problem, ...] = ()
    """Things that run but probably do not mean what they say (printed by check and generate)."""

    @property
    def reference_date(self) -> dt.date:
        """TODAY() for formulas; resolve() always fills the spec's field."""
        return self.spec.reference_date or dt.date.today()
