"""CREATE TABLE statements for a spec, for teams that start from the spec, not a database.

The tables are built as SQLAlchemy Core metadata and compiled for the chosen dialect,
so types, keys and constraints are spelled the way that database wants them. Foreign
keys that close a cycle are added afterwards with ALTER TABLE, as the load fills them
in a second pass. CHECK conditions are DuckDB SQL in the spec and are rewritten for the
dialect by sqlglot.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlglot
from sqlalchemy.dialects import mssql, mysql, oracle, postgresql, sqlite
from sqlalchemy.schema import AddConstraint, CreateSchema, CreateTable

from fauxdata.errors import FauxdataError
from fauxdata.sinks.duckdb_types import schema_of
from fauxdata.spec.plan import Plan
from fauxdata.spec.types import ColumnType

DIALECTS = {
    "postgresql": (postgresql.dialect, "postgres"),
    "duckdb": (postgresql.dialect, "duckdb"),
    "sqlite": (sqlite.dialect, "sqlite"),
    "mysql": (mysql.dialect, "mysql"),
    "mssql": (mssql.dialect, "tsql"),
    "oracle": (oracle.dialect, "oracle"),
}
"""Dialect name -> (SQLAlchemy dialect, sqlglot dialect). DuckDB reads PostgreSQL's DDL."""


def sa_type(ctype: ColumnType) -> sa.types.TypeEngine:
    """The SQLAlchemy type of a spec column type."""
    match ctype.name:
        case "smallint":
            return sa.SmallInteger()
        case "integer":
            return sa.Integer()
        case "bigint":
            return sa.BigInteger()
        case "float":
            return sa.REAL()
        case "double":
            return sa.Double()
        case "decimal":
            return sa.Numeric(ctype.precision, ctype.scale)
        case "varchar":
            return sa.String(ctype.length)
        case "text":
            return sa.Text()
        case "uuid":
            return sa.Uuid()
        case "boolean":
            return sa.Boolean()
        case "date":
            return sa.Date()
        case "timestamp":
            return sa.DateTime()
        case "timestamptz":
            return sa.DateTime(timezone=True)
        case "json":
            return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    raise FauxdataError(f"no SQL type for '{ctype}'")


def _key_text(kind: sa.types.TypeEngine) -> sa.types.TypeEngine:
    """MySQL indexes no TEXT column without a prefix length: a key of text is VARCHAR(255)."""
    return sa.String(255) if isinstance(kind, sa.Text) else kind


def create_statements(plan: Plan, dialect: str = "postgresql") -> list[str]:
    """CREATE SCHEMA for tables named ``schema.table``, CREATE TABLE statements in load
    order, then ALTER TABLE for cycle-closing FKs.

    Raises:
        FauxdataError: an unknown dialect.
    """
    built = _build(plan, dialect)
    engine = DIALECTS[dialect][0]()
    statements = [
        str(CreateSchema(schema, if_not_exists=True).compile(dialect=engine))
        for schema in built.schemas
    ]
    statements += [str(built.create(name).compile(dialect=engine)).strip() for name in plan.tables]
    statements += [str(AddConstraint(c).compile(dialect=engine)).strip() for c in built.later]
    return statements


def create_missing(con: sa.Connection, plan: Plan, missing: list[str]) -> None:
    """Create the spec's ``missing`` tables (spec names) in the connected database, with
    their keys, CHECKs and foreign keys, as ``create_statements`` spells them for it."""
    backend = con.dialect.name
    dialect = {"mariadb": "mysql", "postgres": "postgresql"}.get(backend, backend)
    built = _build(plan, dialect if dialect in DIALECTS else "postgresql")
    for schema in built.schemas:
        if any(schema_of(plan.tables[name].output_name) == schema for name in missing):
            con.execute(CreateSchema(schema, if_not_exists=True))
    for name in plan.tables:
        if name in missing:
            con.execute(built.create(name))
    for constraint in built.later:
        if constraint.table.key in {built.tables[name].key for name in missing}:
            con.execute(AddConstraint(constraint))


@dataclass
class _Built:
    tables: dict[str, sa.Table]
    """Spec table name -> its SQLAlchemy table."""
    later: list[sa.ForeignKeyConstraint]
    """Foreign keys added after every table exists (they close a cycle)."""
    schemas: list[str]

    def create(self, name: str) -> CreateTable:
        table = self.tables[name]
        keys = [c for c in table.foreign_key_constraints if c not in self.later]
        return CreateTable(table, include_foreign_key_constraints=keys)


def _build(plan: Plan, dialect: str) -> _Built:
    """The spec's tables as SQLAlchemy metadata for ``dialect``.

    Raises:
        FauxdataError: an unknown dialect.
    """
    if dialect not in DIALECTS:
        raise FauxdataError(
            f"unknown dialect '{dialect}'",
            path="--dialect",
            hint=f"one of {', '.join(DIALECTS)}",
        )
    sqlglot_dialect = DIALECTS[dialect][1]
    metadata = sa.MetaData()
    tables: dict[str, sa.Table] = {}
    for name, table in plan.tables.items():
        keyed = {c for key in [table.primary_key, *table.unique] for c in key} | {
            c for fk in table.foreign_keys for c in fk.columns
        }
        keyed |= {c.name for c in table.columns.values() if c.spec.unique}
        columns = [
            sa.Column(
                cname,
                _key_text(sa_type(column.type))
                if dialect == "mysql" and cname in keyed
                else sa_type(column.type),
                nullable=column.nullable and cname not in table.primary_key,
                autoincrement=False,
            )
            for cname, column in table.columns.items()
        ]
        constraints: list[sa.schema.SchemaItem] = []
        if table.primary_key:
            constraints.append(sa.PrimaryKeyConstraint(*table.primary_key))
        unique = [u for u in table.unique if u != table.primary_key]
        unique += [
            (c.name,)
            for c in table.columns.values()
            if c.spec.unique and (c.name,) not in unique and (c.name,) != table.primary_key
        ]
        constraints.extend(sa.UniqueConstraint(*u) for u in unique)
        constraints.extend(
            sa.CheckConstraint(sqlglot.transpile(c, read="duckdb", write=sqlglot_dialect)[0])
            for c in table.checks
        )
        tables[name] = sa.Table(
            table.output_name.split(".", 1)[-1],
            metadata,
            *columns,
            *constraints,
            schema=schema_of(table.output_name),
        )
    later = []
    for name, table in plan.tables.items():
        for fk in table.foreign_keys:
            parent = plan.tables[fk.parent].output_name
            deferrable = fk.deferrable and dialect in ("postgresql", "sqlite", "oracle")
            constraint = sa.ForeignKeyConstraint(
                list(fk.columns),
                [f"{parent}.{c}" for c in fk.parent_columns],
                deferrable=deferrable or None,
                initially="DEFERRED" if deferrable else None,
            )
            tables[name].append_constraint(constraint)
            if (fk.deferred or fk.at_commit) and dialect != "sqlite":  # SQLite checks on write
                later.append(constraint)
    schemas = {schema_of(t.output_name) or "" for t in plan.tables.values()} - {""}
    return _Built(tables, later, sorted(schemas))
