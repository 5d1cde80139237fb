"""What SQLAlchemy's reflection does not say about PostgreSQL: partitions, tables that
belong to an extension, and the names of types it does not know."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

_KNOWN_LATER = (
    "xml",
    "geometry",
    "geography",
    "box",
    "point",
    "line",
    "lseg",
    "path",
    "polygon",
    "circle",
    "ltree",
    "citext",
    "txid_snapshot",
    "pg_lsn",
)
"""PostgreSQL types SQLAlchemy reflects as NullType with a warning; named instead."""


def know_types(dialect: Any) -> None:
    """Teach this engine's dialect (only it, not the class) the names of the types above,
    so a column of them is reported by name rather than with a reflection warning."""
    if dialect.name != "postgresql":
        return
    names = dict(dialect.ischema_names)
    for name in _KNOWN_LATER:
        names.setdefault(name, type(name, (_Named,), {}))
    dialect.ischema_names = names


class _Named(sa.types.UserDefinedType[Any]):
    """A type known by name only; its modifiers (``geometry(Polygon,4326)``) are read from
    the catalog (``formatted_types``), so reflection's arguments are accepted and dropped."""

    cache_ok = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()


def partitions(con: sa.Connection, schema: str) -> dict[str, list[tuple[str, str]]]:
    """(partition, bound) per partitioned table of the schema."""
    rows = con.execute(
        sa.text(
            "SELECT parent.relname, child.relname, pg_get_expr(child.relpartbound, child.oid) "
            "FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid "
            "JOIN pg_class parent ON parent.oid = i.inhparent JOIN pg_namespace n ON n.oid = parent.relnamespace "
            "WHERE child.relispartition AND n.nspname = :schema ORDER BY 1, 2"
        ),
        {"schema": schema},
    )
    result: dict[str, list[tuple[str, str]]] = {}
    for parent, child, bound in rows:
        result.setdefault(parent, []).append((child, bound))
    return result


def extension_tables(con: sa.Connection, schema: str) -> set[str]:
    """Tables an extension created and owns (PostGIS's spatial_ref_sys): not the user's
    data, so never mocked."""
    rows = con.execute(
        sa.text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass "
            "AND d.deptype = 'e' WHERE n.nspname = :schema"
        ),
        {"schema": schema},
    )
    return {str(name) for (name,) in rows}


def formatted_types(con: sa.Connection, schema: str) -> dict[tuple[str, str], str]:
    """``format_type`` of the columns reflection reads short, per (table, column): a
    domain's base type with its length (``character varying(25)``, which reflection
    drops), and PostGIS's ``geometry(Polygon,4326)`` with its type and SRID."""
    rows = con.execute(
        sa.text(
            "SELECT c.relname, a.attname, CASE WHEN t.typtype = 'd' "
            "THEN format_type(t.typbasetype, t.typtypmod) "
            "ELSE format_type(a.atttypid, a.atttypmod) END "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE n.nspname = :schema AND a.attnum > 0 AND NOT a.attisdropped "
            "AND c.relkind IN ('r', 'p') AND (t.typtype = 'd' OR t.typname IN ('geometry', 'geography'))"
        ),
        {"schema": schema},
    )
    return {(str(table), str(column)): str(kind) for table, column, kind in rows}
