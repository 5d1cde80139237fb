"""Reflect a live schema through SQLAlchemy (and PostgreSQL's catalog for partitions)."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from fauxdata.errors import FauxdataError
from fauxdata.introspect.duckdb_reader import read_duckdb_schema
from fauxdata.introspect.model import SourceColumn, SourceForeignKey, SourceSchema, SourceTable
from fauxdata.introspect.source import (
    connection_error,
    parse,
    read_only_engine,
    require,
    safe,
)


def read_schema(
    url_text: str, *, schema: str | None = None, tables: list[str] | None = None
) -> SourceSchema:
    """Read tables, columns, keys and CHECKs. Opens the source read-only and reads no rows.

    Raises:
        FauxdataError: connection failures, a missing schema or table, with a hint.
    """
    url = parse(url_text)
    if url.get_backend_name() == "duckdb":
        return read_duckdb_schema(url.database or "", url=safe(url), schema=schema, tables=tables)
    engine = read_only_engine(url)
    try:
        with engine.connect() as con:
            inspector = sa.inspect(con)
            if schema is not None:
                require("schema", schema, inspector.get_schema_names(), safe(url), "--schema")
            partitions = _partitions(con, schema) if url.get_backend_name() == "postgresql" else {}
            domains = _domains(inspector, schema) if url.get_backend_name() == "postgresql" else {}
            partition_names = {child for children in partitions.values() for child, _ in children}
            names = [
                n for n in inspector.get_table_names(schema=schema) if n not in partition_names
            ]
            for wanted in tables or []:
                require("table", wanted, names, safe(url), "--tables")
            result = {name: _table(inspector, name, schema, domains) for name in names}
            for name, children in partitions.items():
                if name in result:
                    result[name].partitions = children
    except FauxdataError:
        raise
    except sa.exc.OperationalError as exc:
        raise connection_error(exc, url) from None
    except sa.exc.SQLAlchemyError as exc:
        raise connection_error(exc, url) from None
    finally:
        engine.dispose()
    return SourceSchema(dialect=url.get_backend_name(), url=safe(url), schema=schema, tables=result)


def _table(
    inspector: Any, name: str, schema: str | None, domains: dict[str, list[str]]
) -> SourceTable:
    columns = {c["name"]: _column(c, domains) for c in inspector.get_columns(name, schema=schema)}
    pk = inspector.get_pk_constraint(name, schema=schema).get("constrained_columns") or []
    unique = [
        list(u["column_names"]) for u in inspector.get_unique_constraints(name, schema=schema)
    ]
    for index in inspector.get_indexes(name, schema=schema):
        cols = list(index.get("column_names") or [])
        if index.get("unique") and cols and None not in cols and cols not in unique and cols != pk:
            unique.append(cols)
    fks = [
        SourceForeignKey(
            list(fk["constrained_columns"]), fk["referred_table"], list(fk["referred_columns"])
        )
        for fk in inspector.get_foreign_keys(name, schema=schema)
    ]
    table_checks: list[str] = []
    try:
        checks = inspector.get_check_constraints(name, schema=schema)
    except NotImplementedError:
        checks = []
    for check in checks:
        text = check["sqltext"]
        mentioned = [c for c in columns if re.search(rf"\b{re.escape(c)}\b", text)]
        if len(mentioned) == 1:
            columns[mentioned[0]].checks.append(text)
        else:
            table_checks.append(text)
    return SourceTable(name, columns, list(pk), unique, fks, table_checks)


def _column(info: dict[str, Any], domains: dict[str, list[str]]) -> SourceColumn:
    kind = info["type"]
    column = SourceColumn(name=info["name"], type="text", nullable=bool(info["nullable"]))
    column.identity = bool(info.get("identity")) or (
        info.get("autoincrement") is True and "nextval" in str(info.get("default") or "")
    )
    column.default = None if info.get("default") is None else str(info["default"])
    if "nextval(" in (column.default or ""):
        column.identity = True
    if isinstance(kind, postgresql.DOMAIN):
        column.checks.extend(
            c.replace("VALUE", column.name) for c in domains.get(kind.name or "", [])
        )
        kind = kind.data_type
    if isinstance(kind, sa.ARRAY):
        column.array_of = _base(kind.item_type)
        column.type = "array"
        return column
    if isinstance(kind, sa.Enum):
        column.type, column.labels = "enum", list(kind.enums)
        return column
    column.type = _base(kind)
    column.length = getattr(kind, "length", None)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        column.precision, column.scale = kind.precision, kind.scale
    return column


def _base(kind: Any) -> str:
    """A lower-case type name such as integer, varchar, numeric, timestamptz, jsonb."""
    if isinstance(kind, sa.DateTime):
        return "timestamptz" if getattr(kind, "timezone", False) else "timestamp"
    name = type(kind).__name__.lower()
    aliases = {
        "char": "varchar",
        "nchar": "varchar",
        "nvarchar": "varchar",
        "string": "varchar",
        "unicode": "varchar",
        "unicodetext": "text",
        "clob": "text",
        "decimal": "numeric",
        "double_precision": "double",
        "largebinary": "bytea",
        "blob": "bytea",
        "_binary": "bytea",
        "biginteger": "bigint",
        "smallinteger": "smallint",
        "real": "float",
    }
    return aliases.get(name, name)


def _partitions(con: sa.Connection, schema: str | None) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        sa.text(
            "SELECT parent.relname, child.relname, pg_get_expr(child.relpartbound, child.oid) "
            "FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid "
            "JOIN pg_class parent ON parent.oid = i.inhparent JOIN pg_namespace n ON n.oid = parent.relnamespace "
            "WHERE child.relispartition AND n.nspname = :schema ORDER BY 1, 2"
        ),
        {"schema": schema or "public"},
    )
    result: dict[str, list[tuple[str, str]]] = {}
    for parent, child, bound in rows:
        result.setdefault(parent, []).append((child, bound))
    return result


def _domains(inspector: Any, schema: str | None) -> dict[str, list[str]]:
    try:
        domains = inspector.get_domains(schema=schema)
    except (NotImplementedError, AttributeError):
        return {}
    return {d["name"]: [c["check"] for c in d.get("constraints", [])] for d in domains}
