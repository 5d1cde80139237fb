"""Load into an existing dev database with every constraint enforced.

PostgreSQL gets COPY (CSV over the wire from Arrow, no per-row Python), with each
table's foreign keys checked once after its load rather than row by row; MySQL and
MariaDB get LOAD DATA LOCAL INFILE (``mysql_load``); any other SQLAlchemy URL gets
batched executemany. Tables load parents first; a foreign key that
breaks a cycle is loaded NULL and filled by an UPDATE once every table is in. Identity
and serial columns take the generated values and their sequences are moved past them.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable
from typing import Any

import duckdb
import polars as pl
import pyarrow.csv as pacsv
import sqlalchemy as sa
from psycopg import Error as DatabaseError

from fauxdata.errors import TargetError, did_you_mean
from fauxdata.introspect.source import connection_error, parse, read_only_engine
from fauxdata.sinks import mysql_load
from fauxdata.sinks.append import Appended, append_after
from fauxdata.sinks.base import Schema, Sink
from fauxdata.sinks.duckdb_types import duckdb_type, quote, quote_table, schema_of, sql_string
from fauxdata.sinks.target import Target
from fauxdata.spec.plan import Plan


class DatabaseSink(Sink):
    def __init__(
        self,
        target: Target,
        plan: Plan,
        *,
        truncate: bool = False,
        atomic: bool = False,
        since: dict[str, tuple[str, int]] | None = None,
        create_tables: bool = False,
    ) -> None:
        super().__init__(target)
        self.plan = plan
        self.create_tables = create_tables
        """Create the spec's tables the database lacks (a fresh dev database) instead of
        refusing them."""
        self.since = since
        """``--append``: output table -> (sequence column, first new value); None refuses
        tables that hold rows. Read-back and verification see only the new rows."""
        self.url = parse(target.url or "")
        self.truncate = truncate
        self.atomic = atomic
        self.engine: sa.Engine | None = None
        self.con: sa.Connection | None = None
        self.loaded: dict[str, Schema] = {}
        self.deferred: dict[str, list[tuple[str, pl.DataFrame]]] = {}
        self.identity_always: list[tuple[str, str]] = []
        self._verify: duckdb.DuckDBPyConnection | None = None
        self.held_to_commit: list[tuple[str, str, str]] = []
        """(table, constraint, definition) of DEFERRABLE keys added back at the end."""
        self.at_commit = any(fk.at_commit for t in plan.tables.values() for fk in t.foreign_keys)
        """A cycle of NOT NULL keys closes through a DEFERRABLE one: the load is one
        transaction, committed once every table is in, when the database checks it."""

    @property
    def postgres(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    @property
    def mysql(self) -> bool:
        return self.url.get_backend_name() in ("mysql", "mariadb")

    def prepare(self) -> None:
        try:
            self.engine = sa.create_engine(
                self.url, connect_args=mysql_load.connect_args() if self.mysql else {}
            )
            self.con = self.engine.connect()
            self.inspector = sa.inspect(self.con)
            existing = self.table_names()
        except sa.exc.SQLAlchemyError as exc:
            raise connection_error(exc, self.url, "--to") from None
        missing = [n for n in self.plan.selected if self.plan.tables[n].output_name not in existing]
        for name in self.plan.selected:
            out = self.plan.tables[name].output_name
            if name in missing and not self.create_tables:
                raise TargetError(
                    f"table '{out}' does not exist in {self.target}",
                    path="--to",
                    hint=did_you_mean(out, existing)
                    or "pass --create-tables to create the spec's tables (as fauxdata ddl "
                    "prints them), or create the schema first",
                )
            if name in missing:
                continue
            columns = {c["name"] for c in self.columns(out)}
            absent = [c for c in self.plan.tables[name].columns if c not in columns]
            if absent:
                raise TargetError(
                    f"table '{out}' has no column(s) {', '.join(absent)}",
                    path="--to",
                    hint="run fauxdata sync to update the spec",
                )
        if not self.truncate and self.since is None:
            self._refuse_filled([n for n in self.plan.selected if n not in missing])
        if missing:  # only once every existing table is known to fit and be empty
            self._create(missing)
        if self.truncate:
            outs = ", ".join(
                quote_table(self.plan.tables[n].output_name) for n in self.plan.selected
            )
            self._execute(f"TRUNCATE {outs} RESTART IDENTITY CASCADE" if self.postgres else "")
            if not self.postgres:
                for name in reversed(self.plan.selected):
                    self._execute(f"DELETE FROM {quote_table(self.plan.tables[name].output_name)}")
        if self.postgres:
            self._identity_always()
        if not self.atomic:
            self._commit()
        if self.at_commit and self.postgres:
            self._execute("SET CONSTRAINTS ALL DEFERRED")

    def _create(self, missing: list[str]) -> None:
        from fauxdata.sinks.ddl import create_missing

        assert self.con is not None
        try:
            create_missing(self.con, self.plan, missing)
            self._commit()
        except sa.exc.SQLAlchemyError as exc:
            said = str(getattr(exc, "orig", exc)).strip().splitlines()
            raise TargetError(
                f"creating {', '.join(missing)} in {self.target} failed: "
                f"{said[0] if said else type(exc).__name__}",
                path="--create-tables",
                hint="fauxdata ddl SPEC --dialect ... prints the statements to run yourself",
            ) from None
        self.inspector = sa.inspect(self.con)  # it caches the tables it has seen

    def _refuse_filled(self, tables: list[str]) -> None:
        """Generated keys start at 1 and would collide with rows already there: a table
        that holds rows is refused, naming it, unless the user asks to empty it."""
        for name in tables:
            out = self.plan.tables[name].output_name
            if self._execute(f"SELECT 1 FROM {quote_table(out)} LIMIT 1").first() is None:
                continue
            found = self._execute(f"SELECT count(*) FROM {quote_table(out)}").scalar()
            raise TargetError(
                f"table '{out}' in {self.target} already holds {found:,} row{'' if found == 1 else 's'}",
                path="--to",
                hint="pass --truncate to empty the spec's tables first, or --append to add rows "
                "after them (sequence keys continue past the largest there)",
            )

    def open_read_only(self) -> None:
        """Connect for reading back only (``fauxdata validate``); PostgreSQL refuses writes."""
        try:
            self.engine = read_only_engine(self.url, ansi_quotes=True)
            self.con = self.engine.connect()
        except sa.exc.SQLAlchemyError as exc:
            raise connection_error(exc, self.url, "--data") from None

    def table_names(self) -> set[str]:
        assert self.con is not None
        return table_names(self.con, self.plan)

    def columns(self, name: str) -> list[dict[str, Any]]:
        """The reflected columns of a table named plainly or ``schema.table`` (only their
        names are used: a type SQLAlchemy does not know is no reason to warn)."""
        table = name.split(".", 1)[-1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sa.exc.SAWarning)
            return list(sa.inspect(self.con).get_columns(table, schema=schema_of(name)))

    def close(self) -> None:
        if self._verify is not None:
            self._verify.close()
        if self.con is not None:
            self.con.close()
        if self.engine is not None:
            self.engine.dispose()

    def _driver_connection(self) -> Any:
        """The driver's connection under SQLAlchemy's: psycopg for COPY, PyMySQL for LOAD DATA."""
        if self.con is None:
            raise TargetError("the database connection is not open", path="--to", code="load")
        raw = self.con.connection.driver_connection
        if raw is None:  # SQLAlchemy let go of it (invalidated or detached)
            raise TargetError("the database connection was lost", path="--to", code="load")
        return raw

    def _execute(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        assert self.con is not None
        if sql:
            return self.con.execute(sa.text(sql), params or {})
        return None

    def _commit(self) -> None:
        assert self.con is not None
        self.con.commit()

    def _identity_always(self) -> None:
        """COPY cannot write GENERATED ALWAYS columns: relax them to BY DEFAULT for the load."""
        for name in self.plan.selected:
            out = self.plan.tables[name].output_name
            rows = self._execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) AND attidentity = 'a' AND NOT attisdropped",
                {"t": quote_table(out)},
            )
            for (column,) in rows:
                self.identity_always.append((out, column))
                self._execute(
                    f"ALTER TABLE {quote_table(out)} ALTER COLUMN {quote(column)} SET GENERATED BY DEFAULT"
                )

    def write_table(
        self,
        name: str,
        schema: Schema,
        blocks: Iterable[pl.DataFrame],
        few_values: frozenset[str] = frozenset(),
    ) -> int:
        table = next(t for t in self.plan.tables.values() if t.output_name == name)
        deferred = [c for fk in table.foreign_keys if fk.deferred for c in fk.columns]
        key = list(table.primary_key)
        if deferred and not key:
            raise TargetError(
                f"table '{name}' needs a primary key to fill its deferred foreign key {', '.join(deferred)}",
                path=f"tables.{table.name}",
            )
        held = self._hold_foreign_keys(name) if self.postgres else []
        rows = 0
        for frame in blocks:
            rows += frame.height
            if deferred:
                self.deferred.setdefault(name, []).append(
                    (",".join(key), frame.select(key + deferred))
                )
                frame = frame.with_columns(
                    pl.lit(None, dtype=frame[c].dtype).alias(c) for c in deferred
                )
            self._load(name, frame)
        self._restore_foreign_keys(name, held)
        self.loaded[name] = schema
        if not self.atomic and not self.at_commit:
            self._commit()
        return rows

    def _hold_foreign_keys(self, name: str) -> list[tuple[str, str]]:
        """Drop the table's own foreign keys for the load, inside its transaction; returns
        those to add back after the table's load.

        PostgreSQL checks a foreign key row by row on COPY, which made it three quarters
        of the load time; adding the constraint back afterwards checks every row in one
        join (what pg_restore does). The drop is never visible outside the transaction,
        and a failure rolls it back with the rows. In a load closing a cycle at commit,
        DEFERRABLE keys come back only once every table is in (``finish_tables``).
        """
        found = [
            (str(conname), str(definition), bool(deferrable))
            for conname, definition, deferrable in self._execute(
                "SELECT conname, pg_get_constraintdef(oid), condeferrable FROM pg_constraint "
                "WHERE conrelid = CAST(:t AS regclass) AND contype = 'f' AND conparentid = 0",
                {"t": quote_table(name)},
            )
        ]
        if not found:
            return []
        assert self.con is not None
        savepoint = self.con.begin_nested()
        try:
            for conname, _, _ in found:
                self._execute(f"ALTER TABLE {quote_table(name)} DROP CONSTRAINT {quote(conname)}")
        except sa.exc.SQLAlchemyError:  # not the table's owner: keep the row-by-row checks
            savepoint.rollback()
            return []
        savepoint.commit()
        later = [(name, c, d) for c, d, deferrable in found if self.at_commit and deferrable]
        self.held_to_commit += later
        return [(c, d) for c, d, deferrable in found if not (self.at_commit and deferrable)]

    def _restore_foreign_keys(self, name: str, held: list[tuple[str, str]]) -> None:
        try:
            for conname, definition in held:
                self._execute(
                    f"ALTER TABLE {quote_table(name)} ADD CONSTRAINT {quote(conname)} {definition}"
                )
        except (sa.exc.SQLAlchemyError, DatabaseError) as exc:
            raise load_error(exc, name) from None

    def _load(self, name: str, frame: pl.DataFrame) -> None:
        try:
            self._copy(name, frame)
        except (sa.exc.SQLAlchemyError, DatabaseError) as exc:
            raise load_error(exc, name) from None

    def _copy(self, name: str, frame: pl.DataFrame) -> None:
        assert self.con is not None
        if self.postgres:
            buffer = io.BytesIO()
            pacsv.write_csv(frame.to_arrow(), buffer, pacsv.WriteOptions(include_header=False))
            columns = ", ".join(quote(c) for c in frame.columns)
            raw = self._driver_connection()
            with (
                raw.cursor() as cursor,
                cursor.copy(
                    f"COPY {quote_table(name)} ({columns}) FROM STDIN WITH (FORMAT csv)"
                ) as copy,
            ):
                copy.write(buffer.getvalue())
        elif self.mysql:
            mysql_load.load_data(self._driver_connection(), name, frame)
        else:
            table = sa.Table(
                name.split(".", 1)[-1],
                sa.MetaData(),
                schema=schema_of(name),
                autoload_with=self.con,
            )
            self.con.execute(table.insert(), frame.to_dicts())

    def finish_tables(self) -> None:
        """Fill deferred foreign keys, move sequences past the generated ids."""
        try:
            self._finish()
        except (sa.exc.SQLAlchemyError, DatabaseError) as exc:
            raise load_error(exc, "the second pass") from None

    def _finish(self) -> None:
        for table, conname, definition in self.held_to_commit:
            self._execute(
                f"ALTER TABLE {quote_table(table)} ADD CONSTRAINT {quote(conname)} {definition}"
            )
        for name, parts in self.deferred.items():
            frame = pl.concat([f for _, f in parts])
            key = parts[0][0].split(",")
            columns = [c for c in frame.columns if c not in key]
            self._execute(
                f"CREATE {'TEMPORARY' if self.mysql else 'TEMP'} TABLE __fauxdata_fill AS SELECT "
                + ", ".join(quote(c) for c in frame.columns)
                + f" FROM {quote_table(name)} WHERE false"
            )
            self._load("__fauxdata_fill", frame)
            match = " AND ".join(f"t.{quote(k)} = f.{quote(k)}" for k in key)
            if self.mysql:  # MySQL's UPDATE joins instead of taking FROM
                assignments = ", ".join(f"t.{quote(c)} = f.{quote(c)}" for c in columns)
                self._execute(
                    f"UPDATE {quote_table(name)} AS t JOIN __fauxdata_fill AS f ON {match} SET {assignments}"
                )
            else:
                assignments = ", ".join(f"{quote(c)} = f.{quote(c)}" for c in columns)
                self._execute(
                    f"UPDATE {quote_table(name)} AS t SET {assignments} FROM __fauxdata_fill AS f WHERE {match}"
                )
            self._execute("DROP TABLE __fauxdata_fill")
        if self.postgres:
            for name in self.loaded:
                for column in self.columns(name):
                    found = self._execute(
                        "SELECT pg_get_serial_sequence(:t, :c)",
                        {"t": quote_table(name), "c": column["name"]},
                    ).scalar()
                    if found:
                        self._execute(
                            f"SELECT setval(:s, GREATEST((SELECT max({quote(column['name'])}) FROM {quote_table(name)}), 1))",
                            {"s": found},
                        )
            for table, identity in self.identity_always:
                self._execute(
                    f"ALTER TABLE {quote_table(table)} ALTER COLUMN {quote(identity)} SET GENERATED ALWAYS"
                )
        if not self.atomic:
            self._mark()
            self._commit()

    def _mark(self) -> None:
        """Each loaded table's comment carries the lineage marks (PostgreSQL and MySQL /
        MariaDB; other databases have no table comments). MySQL's ALTER TABLE commits
        implicitly, so an atomic load marks its tables only when it commits."""
        from fauxdata.lineage import comment

        if not self.lineage or not (self.postgres or self.mysql):
            return
        text = sql_string(comment(self.lineage)).replace(":", "\\:")  # not bind parameters
        for name in self.loaded:
            # Commenting needs ownership: a loader with INSERT rights only leaves the
            # comment as it was (the manifest keeps the marks), its load unharmed.
            if self.postgres:
                self._execute("SAVEPOINT fauxdata_mark")
            try:
                if self.postgres:
                    self._execute(f"COMMENT ON TABLE {quote_table(name)} IS {text}")
                else:
                    self._execute(f"ALTER TABLE {quote_table(name)} COMMENT = {text}")
            except sa.exc.DBAPIError:
                if self.postgres:
                    self._execute("ROLLBACK TO SAVEPOINT fauxdata_mark")
                continue
            if self.postgres:
                self._execute("RELEASE SAVEPOINT fauxdata_mark")

    def staged_relation(self, name: str, schema: Schema) -> str:
        return quote(f"__db_{name}")

    def query_connection(self) -> duckdb.DuckDBPyConnection:
        """DuckDB holding every loaded table as read back from the database, so the
        checks see what the database stored, not what was sent."""
        if self._verify is None:
            self._verify = duckdb.connect()
            for name, schema in self.loaded.items():
                if self.postgres:
                    self._verify.register(f"__db_{name}", self._read_back(name, schema))
                    continue
                # Other databases may keep dates or decimals as text: DuckDB casts them back.
                self._verify.register(f"__raw_{name}", self._read_back(name, schema))
                casts = ", ".join(
                    f"TRY_CAST({quote(c)} AS {duckdb_type(t)}) AS {quote(c)}"
                    for c, t in schema.items()
                )
                self._verify.execute(
                    f"CREATE VIEW {quote(f'__db_{name}')} AS SELECT {casts} FROM {quote(f'__raw_{name}')}"
                )
        return self._verify

    def _read_back(self, name: str, schema: Schema) -> Any:
        columns = list(schema)
        # Decimals through numeric: a money column would print '$1,234.56'. Text through
        # text: a char(3) column pads 'R' to 'R  ', which PostgreSQL itself compares as 'R'.
        shown = [
            f"CAST({quote(c)} AS numeric)"
            if self.postgres and t.name == "decimal"
            else f"CAST({quote(c)} AS text)"
            if self.postgres and t.name in ("text", "varchar")
            else quote(c)
            for c, t in schema.items()
        ]
        select = f"SELECT {', '.join(shown)} FROM {quote_table(name)}"
        if self.since and name in self.since:  # --append: only the rows this run wrote
            column, start = self.since[name]
            select += f" WHERE {quote(column)} >= {int(start)}"
        if not self.postgres:
            if self.con is None:
                raise TargetError("the database connection is not open", path="--to", code="load")
            return pl.read_database(select, self.con).to_arrow()
        buffer = io.BytesIO()
        raw = self._driver_connection()
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy,
        ):
            for chunk in copy:
                buffer.write(chunk)
        buffer.seek(0)
        types = {c: _arrow_type(duckdb_type(t)) for c, t in schema.items()}
        return pacsv.read_csv(
            buffer,
            read_options=pacsv.ReadOptions(column_names=columns),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                true_values=["t", "true"],
                false_values=["f", "false"],
            ),
        )

    def commit(self, manifest_json: str) -> None:
        assert self.con is not None
        if self.atomic:
            self._mark()
        self.con.commit()
        self.con.close()
        if self.engine is not None:
            self.engine.dispose()
        path = self.target.manifest_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(manifest_json)

    def abort(self) -> None:
        if self.con is not None:
            self.con.rollback()
            self.con.close()
        if self.engine is not None:
            self.engine.dispose()

    def rolls_back(self) -> bool:
        """Only ``--atomic`` loads are one transaction; otherwise tables are committed as
        they load and stay when verification fails."""
        return self.atomic


def table_names(con: sa.Connection, plan: Plan) -> set[str]:
    """The tables of the default schema, and ``schema.table`` for each schema the plan's
    names mention."""
    inspector = sa.inspect(con)
    names = set(inspector.get_table_names())
    schemas = {schema_of(t.output_name) for t in plan.tables.values()} - {None}
    for schema in sorted(s for s in schemas if s in inspector.get_schema_names()):
        names |= {f"{schema}.{t}" for t in inspector.get_table_names(schema=schema)}
    return names


def open_append(plan: Plan, target: Target) -> Appended:
    """``--append``: read the destination's rows and move the spec's sequence keys past
    them (``sinks.append``); tables that do not exist are left to ``prepare`` to name."""
    url = parse(target.url or "")
    mysql = url.get_backend_name() in ("mysql", "mariadb")
    engine = sa.create_engine(url, connect_args=mysql_load.connect_args() if mysql else {})
    try:
        with engine.connect() as con:
            return append_after(plan, con, str(target), table_names(con, plan))
    except sa.exc.SQLAlchemyError as exc:
        raise connection_error(exc, url, "--to") from None
    finally:
        engine.dispose()


def load_error(exc: Exception, what: str) -> TargetError:
    """One line from a database error: the constraint or type it broke, no traceback."""
    original = getattr(exc, "orig", exc)
    lines = [line.strip() for line in str(original).strip().splitlines() if line.strip()]
    message = lines[0] if lines else type(original).__name__
    detail = next((line for line in lines[1:] if line.startswith(("DETAIL", "CONTEXT"))), "")
    return TargetError(f"loading {what} failed: {message}", path="--to", hint=detail, code="load")


def _arrow_type(duck: str) -> Any:
    import pyarrow as pa

    if duck.startswith("DECIMAL"):
        precision, scale = (int(x) for x in duck[8:-1].split(","))
        return pa.decimal128(precision, scale)
    return {
        "SMALLINT": pa.int16(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "REAL": pa.float32(),
        "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(), "DATE": pa.date32(),
        "TIMESTAMP": pa.timestamp("us"), "TIMESTAMPTZ": pa.timestamp("us", "UTC"),
    }.get(duck, pa.string())  # fmt: skip
