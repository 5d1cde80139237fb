"""Real public schemas (tests/corpus/, each with its source and licence in its header):
introspected by ``init`` and regenerated into a real server with every constraint
enforced. A schema passes when every table it has (extension-owned ones aside) is filled
and the database and fauxdata's checks find zero violations."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.support import mariadb
from tests.support.corpus import (
    MYSQL,
    POSTGRES,
    Regenerated,
    mysql_database,
    postgres_database,
    regenerate,
)

ROWS = 60


def _regenerate(source: str, dev: str, tmp_path: Path) -> Regenerated:
    done = regenerate(source, dev, tmp_path, ROWS)
    assert done.returncode == 0 and not done.failed, done.failed or done.stderr
    assert "Warning" not in done.init_stderr, done.init_stderr  # no dependency's warning
    return done


@pytest.mark.parametrize("name", POSTGRES)
def test_postgres_corpus(name: str, postgres_server: str, tmp_path: Path) -> None:
    source = postgres_database(postgres_server, f"{name}__src")
    dev = postgres_database(postgres_server, f"{name}__dev")
    done = _regenerate(source, dev, tmp_path)
    tables = done.tables
    with psycopg.connect(dev) as con:
        found = {
            f"{s}.{t}" if s != "public" else t
            for s, t in con.execute(
                "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' "
                "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')"
            )
        }
        assert found <= set(tables), found - set(tables)  # every table of the schema is in the spec
        for table in tables:
            count = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert count is not None and count[0] > 0, table
        _geometries_as_declared(con)
    print(f"{name}: {len(tables)} tables, {done.rows} rows, {done.rows / done.seconds:,.0f} rows/s")


def _geometries_as_declared(con: psycopg.Connection) -> None:
    """Every PostGIS value valid (ST_IsValid), in its column's declared SRID and shape."""
    if not con.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
        return
    declared = con.execute(
        "SELECT f_table_schema, f_table_name, f_geometry_column, type, srid FROM geometry_columns "
        "UNION ALL SELECT f_table_schema, f_table_name, f_geography_column, type, srid "
        "FROM geography_columns"
    ).fetchall()
    assert declared
    for schema, table, column, shape, srid in declared:
        value = f'"{column}"::geometry'
        found = con.execute(
            f"SELECT count({value}), count(*) FILTER (WHERE NOT ST_IsValid({value}) "
            f"OR ST_SRID({value}) <> %s OR (upper(%s) <> 'GEOMETRY' "
            f'AND GeometryType({value}) <> upper(%s))) FROM "{schema}"."{table}"',
            (srid, shape, shape),
        ).fetchone()
        assert found is not None and found[0] > 0 and found[1] == 0, (table, column, found)


@pytest.mark.parametrize("name", MYSQL)
def test_mysql_corpus(name: str, mariadb_server: str, tmp_path: Path) -> None:
    source = mysql_database(mariadb_server, f"{name}__src")
    dev = mysql_database(mariadb_server, f"{name}__dev")
    done = _regenerate(source, dev, tmp_path)
    tables = done.tables
    with mariadb.connect(dev) as con, con.cursor() as cursor:
        cursor.execute("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")
        found = {row[0] for row in cursor.fetchall()}
        assert found <= set(tables), found - set(tables)
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM `{table}`")
            count = cursor.fetchone()
            assert count is not None and count[0] > 0, table
    print(f"{name}: {len(tables)} tables, {done.rows} rows, {done.rows / done.seconds:,.0f} rows/s")
