"""What introspection learns about a source: tables, columns, keys, checks. No rows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SourceColumn:
    name: str
    type: str
    """Lower-case base type: integer, varchar, numeric, uuid, enum, jsonb, ..."""
    nullable: bool
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    labels: list[str] = field(default_factory=list)
    """Enum labels."""
    array_of: str | None = None
    identity: bool = False
    default: str | None = None
    checks: list[str] = field(default_factory=list)
    """CHECKs on this column alone (domains included), as SQL text."""
    description: str | None = None
    """Where the column came from when that is not obvious (a flattened JSON path)."""
    geometry: str | None = None
    """PostGIS columns: the shape every value has (point, polygon, multipolygon, ...)."""
    dimensions: str = "xy"
    """PostGIS columns: xy, xyz, xym or xyzm."""
    srid: int | None = None
    """PostGIS columns: the SRID every value has (0: none declared)."""


@dataclass
class SourceForeignKey:
    columns: list[str]
    parent: str
    parent_columns: list[str]
    parent_schema: str | None = None
    """The parent's schema when the reader saw one (reflection); None: the table's own."""
    deferrable: bool = False
    """The database checks it at commit (PostgreSQL's DEFERRABLE)."""


@dataclass
class Exclusion:
    """An exclusion constraint (PostgreSQL's ``EXCLUDE``); see ``introspect.exclusions``."""

    name: str
    definition: str
    """As PostgreSQL prints it: ``EXCLUDE USING gist (room_id WITH =, during WITH &&)``."""
    elements: list[tuple[str, str]] = field(default_factory=list)
    """(expression, operator) pairs; empty when the definition is not the usual form."""


@dataclass
class SourceTable:
    name: str
    columns: dict[str, SourceColumn]
    primary_key: list[str] = field(default_factory=list)
    unique: list[list[str]] = field(default_factory=list)
    foreign_keys: list[SourceForeignKey] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    """CHECKs across columns, kept as verification rules."""
    partitions: list[tuple[str, str]] = field(default_factory=list)
    """(partition name, bound expression) for partitioned tables."""
    exclusions: list[Exclusion] = field(default_factory=list)


@dataclass
class SourceSchema:
    dialect: str
    url: str
    """The URL with any password masked."""
    schema: str | None
    tables: dict[str, SourceTable]
