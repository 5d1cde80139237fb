"""Reflect a live schema through SQLAlchemy (and the catalogs for what it misses).

Every schema is read in bulk (SQLAlchemy's ``get_multi_*``: a handful of catalog queries
per schema, not a handful per table), so a schema of 1,000 tables reads in seconds.
Without ``--schema`` every non-system schema is read (for MySQL and MariaDB: the URL's
database); tables are named ``schema.table`` when more than one schema holds tables.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine.reflection import ObjectKind

from fauxdata.errors import FauxdataError
from fauxdata.introspect import catalog
from fauxdata.introspect.duckdb_reader import read_duckdb_schema
from fauxdata.introspect.exclusions import exclusions, plan
from fauxdata.introspect.model import SourceColumn, SourceForeignKey, SourceSchema, SourceTable
from fauxdata.introspect.mysql_types import json_column, mysql_checks, mysql_column
from fauxdata.introspect.source import (
    connection_error,
    parse,
    read_only_engine,
    require,
    safe,
)
from fauxdata.introspect.spatial import spatial

_SYSTEM = {"information_schema", "mysql", "performance_schema", "sys", "pg_catalog", "pg_toast"}


def read_schema(
    url_text: str, *, schema: str | None = None, tables: list[str] | None = None
) -> SourceSchema:
    """Read tables, columns, keys and CHECKs. Opens the source read-only and reads no rows.

    ``schema`` is one schema or several, comma-separated; None reads every non-system one.

    Raises:
        FauxdataError: connection failures, a missing schema or table, with a hint.
    """
    url = parse(url_text)
    if url.get_backend_name() == "duckdb":
        return read_duckdb_schema(url.database or "", url=safe(url), schema=schema, tables=tables)
    engine = read_only_engine(url)
    catalog.know_types(engine.dialect)
    try:
        with engine.connect() as con, warnings.catch_warnings():
            # Reflection warns about types it does not know (SAWarning); fauxdata reports
            # such columns itself (init: "no generator fits this type").
            warnings.simplefilter("ignore", sa.exc.SAWarning)
            found = _read(con, url, schema, tables)
    except FauxdataError:
        raise
    except sa.exc.SQLAlchemyError as exc:
        raise connection_error(exc, url) from None
    finally:
        engine.dispose()
    return found


def _read(
    con: sa.Connection, url: sa.URL, wanted: str | None, tables: list[str] | None
) -> SourceSchema:
    inspector = sa.inspect(con)
    where = safe(url)
    default: str = inspector.default_schema_name or ""
    schemas = _schemas(inspector, url, wanted, where)
    found = {s: _schema_tables(con, inspector, url, s) for s in schemas}
    _add_parents(con, inspector, url, found, default)
    filled = [s for s in found if found[s]]
    qualify = len(filled) > 1

    def name_of(schema: str | None, table: str) -> str:
        return f"{schema or default}.{table}" if qualify else table

    result: dict[str, SourceTable] = {}
    for s in filled:
        for table in found[s].values():
            table.name = name_of(s, table.name)
            for fk in table.foreign_keys:  # reflection leaves the default schema unnamed
                fk.parent = name_of(fk.parent_schema or default, fk.parent)
            result[table.name] = table
    for name in tables or []:
        require("table", name, list(result), where, "--tables")
    recorded = wanted or (",".join(filled) if qualify else None)
    return SourceSchema(dialect=url.get_backend_name(), url=where, schema=recorded, tables=result)


def _add_parents(
    con: sa.Connection,
    inspector: Any,
    url: sa.URL,
    found: dict[str, dict[str, SourceTable]],
    default: str,
) -> None:
    """Tables of other schemas that the read tables' foreign keys need (``--schema sales``
    whose orders reference person.person): added, with their own parents, and nothing
    else of their schemas, so the spec is complete."""
    wanted = [
        (fk.parent_schema or default, fk.parent) for t in _all(found) for fk in t.foreign_keys
    ]
    elsewhere: dict[str, dict[str, SourceTable]] = {}
    while wanted:
        schema, name = wanted.pop()
        if name in found.get(schema, {}):
            continue
        if schema not in elsewhere:
            elsewhere[schema] = _schema_tables(con, inspector, url, schema)
        table = elsewhere[schema].get(name)
        if table is None:
            continue
        found.setdefault(schema, {})[name] = table
        wanted.extend((fk.parent_schema or default, fk.parent) for fk in table.foreign_keys)


def _all(found: dict[str, dict[str, SourceTable]]) -> list[SourceTable]:
    return [t for tables in found.values() for t in tables.values()]


def _schemas(inspector: Any, url: sa.URL, wanted: str | None, where: str) -> list[str]:
    names = [n for n in inspector.get_schema_names() if not n.startswith("pg_")]
    if wanted:
        chosen = [s.strip() for s in wanted.split(",") if s.strip()]
        for s in chosen:
            require("schema", s, names, where, "--schema")
        return chosen
    if url.get_backend_name() in ("mysql", "mariadb", "sqlite"):
        return [inspector.default_schema_name]  # MySQL's schemas are the server's databases
    return [n for n in names if n not in _SYSTEM]


def _schema_tables(
    con: sa.Connection, inspector: Any, url: sa.URL, schema: str
) -> dict[str, SourceTable]:
    """Every table of one schema, read with one bulk query per kind of fact."""
    backend = url.get_backend_name()
    postgres = backend == "postgresql"
    partitions = catalog.partitions(con, schema) if postgres else {}
    skipped = {child for children in partitions.values() for child, _ in children}
    if postgres:
        skipped |= catalog.extension_tables(con, schema)
    names = [n for n in inspector.get_table_names(schema=schema) if n not in skipped]
    if not names:
        return {}
    key = schema if schema != inspector.default_schema_name else None
    scope: dict[str, Any] = {"schema": key, "filter_names": names, "kind": ObjectKind.TABLE}
    columns = inspector.get_multi_columns(**scope)
    pks = inspector.get_multi_pk_constraint(**scope)
    uniques = inspector.get_multi_unique_constraints(**scope)
    indexes = inspector.get_multi_indexes(**scope)
    # A partitioned table may declare its foreign keys on each partition only (Pagila's
    # payment): the first partition's keys are the table's.
    first = {children[0][0]: parent for parent, children in partitions.items()}
    fks = inspector.get_multi_foreign_keys(**{**scope, "filter_names": names + list(first)})
    for child, parent in first.items():
        if not fks.get((key, parent)):
            fks[(key, parent)] = fks.get((key, child), [])
    if backend in ("mysql", "mariadb"):
        checks = mysql_checks(con, schema, bool(getattr(con.dialect, "is_mariadb", False)))
    else:
        try:
            multi = inspector.get_multi_check_constraints(**scope)
            checks = {t: [c["sqltext"] for c in found] for (_, t), found in multi.items()}
        except NotImplementedError:
            checks = {}
    domains = _domains(inspector, key) if postgres else {}
    formatted = catalog.formatted_types(con, schema) if postgres else {}
    excluded = exclusions(con, schema) if postgres else {}
    result: dict[str, SourceTable] = {}
    for name in names:
        k = (key, name)
        table = _table(
            name,
            [
                _column(c, domains, backend, formatted.get((name, c["name"])))
                for c in columns.get(k, [])
                if not c.get("computed")  # generated columns are the database's to fill
            ],
            pks.get(k) or {},
            uniques.get(k, []),
            indexes.get(k, []),
            fks.get(k, []),
            checks.get(name, []),
        )
        table.partitions = partitions.get(name, [])
        table.exclusions = excluded.get(name, [])
        for exclusion in table.exclusions:  # EXCLUDE (a WITH =, b WITH =) is a unique key
            unique = list(plan(exclusion, table).unique)
            if unique and unique not in table.unique and unique != table.primary_key:
                table.unique.append(unique)
        result[name] = table
    return result


def _table(
    name: str,
    column_list: list[SourceColumn],
    pk_info: dict[str, Any],
    unique_info: list[dict[str, Any]],
    index_info: list[dict[str, Any]],
    fk_info: list[dict[str, Any]],
    check_texts: list[str],
) -> SourceTable:
    columns = {c.name: c for c in column_list}
    pk = list(pk_info.get("constrained_columns") or [])
    unique = [list(u["column_names"]) for u in unique_info]
    for index in index_info:
        # A partial unique index binds only some rows; holding every row to it satisfies it.
        cols = list(index.get("column_names") or [])
        if index.get("unique") and cols and None not in cols and cols not in unique and cols != pk:
            unique.append(cols)
    fks = [
        SourceForeignKey(
            list(fk["constrained_columns"]),
            fk["referred_table"],
            list(fk["referred_columns"]),
            parent_schema=fk.get("referred_schema"),
            deferrable=bool((fk.get("options") or {}).get("deferrable")),
        )
        for fk in fk_info
    ]
    table_checks: list[str] = []
    for text in check_texts:
        guarded = json_column(text)
        if guarded in columns:  # MariaDB's JSON: a LONGTEXT with a json_valid CHECK
            columns[guarded].type = "json"
            continue
        mentioned = [c for c in columns if re.search(rf"\b{re.escape(c)}\b", text)]
        if len(mentioned) == 1:
            columns[mentioned[0]].checks.append(text)
        else:
            table_checks.append(text)
    return SourceTable(name, columns, pk, unique, fks, table_checks)


def _column(
    info: dict[str, Any], domains: dict[str, list[str]], backend: str, formatted: str | None
) -> SourceColumn:
    """``formatted`` is the catalog's ``format_type`` where reflection reads short (a
    domain's base type with its length, PostGIS's ``geometry(Polygon,4326)``)."""
    kind = info["type"]
    column = SourceColumn(name=info["name"], type="text", nullable=bool(info["nullable"]))
    column.default = None if info.get("default") is None else str(info["default"])
    column.identity = (
        bool(info.get("identity"))
        or "nextval(" in (column.default or "")
        or (backend in ("mysql", "mariadb") and info.get("autoincrement") is True)
    )
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
    if backend in ("mysql", "mariadb") and mysql_column(column, kind):
        return column
    if formatted and spatial(column, formatted):
        return column
    column.type = _base(kind)
    column.length = getattr(kind, "length", None)
    typmod = re.search(r"\((\d+)(?:,(\d+))?\)$", formatted or "")
    if typmod and column.type == "varchar" and column.length is None:
        column.length = int(typmod.group(1))  # a domain's varchar(25)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        column.precision, column.scale = kind.precision, kind.scale
        if typmod and column.precision is None:  # a domain's numeric(10,2)
            column.precision, column.scale = int(typmod.group(1)), int(typmod.group(2) or 0)
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
        "cidr": "inet",
        "nulltype": "unknown",
    }
    return aliases.get(name, name)


def _domains(inspector: Any, schema: str | None) -> dict[str, list[str]]:
    try:
        domains = inspector.get_domains(schema=schema)
    except (NotImplementedError, AttributeError):
        return {}
    return {d["name"]: [c["check"] for c in d.get("constraints", [])] for d in domains}
