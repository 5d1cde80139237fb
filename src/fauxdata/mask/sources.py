"""Read-only sources of rows for masking, streamed as Arrow record batches.

``open_source`` reads ``--from``: a DuckDB file (``*.duckdb``, ``duckdb:rel/x.duckdb``,
``duckdb:///abs/x.duckdb``: the rule of ``fauxdata.introspect.source.duckdb_file``),
a folder of Parquet or CSV files (``parquet:DIR``, ``csv:DIR``: one table per file or
per sub-folder of parts), or a database URL (PostgreSQL, MySQL/MariaDB, SQLite;
``env:VAR`` and ``file:PATH`` read the URL without showing it). Nothing ever holds a
whole table: DuckDB hands out record batches, databases stream through a server-side
cursor (PostgreSQL's named cursors, PyMySQL's SSCursor) ``batch_size`` rows at a time.
Database rows are read in primary-key order, so a rerun sees the same rows in the same
order and masks them to the same bytes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from fauxdata.errors import FauxdataError
from fauxdata.introspect.duckdb_reader import duckdb_column
from fauxdata.introspect.file_keys import InferredFileKey, infer_file_keys
from fauxdata.introspect.model import SourceColumn, SourceSchema, SourceTable
from fauxdata.introspect.reflect import read_schema
from fauxdata.introspect.source import (
    connection_error,
    duckdb_file,
    parse,
    read_only_engine,
    resolve_url,
    safe,
)
from fauxdata.sinks.duckdb_types import quote, sql_string
from fauxdata.sinks.target import Target
from fauxdata.spec.models import Spec

BATCH_SIZE = 131_072


class Source(ABC):
    """A read-only source of tables."""

    label: str
    """Where the rows come from, without any password (for messages and manifests)."""

    @abstractmethod
    def schema(self) -> SourceSchema:
        """Tables, columns and keys (no rows)."""

    @abstractmethod
    def arrow_schema(self, table: str, columns: list[str]) -> pa.Schema:
        """The Arrow types ``batches`` yields for these columns."""

    @abstractmethod
    def batches(
        self, table: str, columns: list[str], where: str | None = None, size: int = BATCH_SIZE
    ) -> Iterator[pa.RecordBatch]:
        """The table's rows, ``columns`` only, in a stable order; ``where`` is SQL the
        source evaluates as an extra boolean column ``__keep``."""

    @abstractmethod
    def is_target(self, target: Target) -> bool:
        """True when writing to ``target`` would write into this source."""

    def close(self) -> None:  # noqa: B027 - optional
        """Release connections."""


def open_source(text: str) -> Source:
    """The source ``--from`` names.

    Raises:
        FauxdataError: the text names nothing readable.
    """
    resolved = resolve_url(text)
    scheme, sep, rest = resolved.partition(":")
    if sep and scheme in ("parquet", "csv"):
        return FolderSource(Path(rest.removeprefix("//")), scheme)
    file = duckdb_file(resolved)
    if file is not None:
        return DuckDBSource(file)
    return DatabaseSource(text)


class RenamedSource(Source):
    """A source whose columns the spec knows by other names (``source_name``): it is read
    by the source's names and hands batches on under the spec's."""

    def __init__(self, inner: Source, names: dict[str, dict[str, str]]) -> None:
        self.inner, self.label = inner, inner.label
        self.names = names
        """table -> {spec name: source name}."""

    def _source(self, table: str, columns: list[str]) -> list[str]:
        names = self.names.get(table, {})
        return [names.get(c, c) for c in columns]

    def schema(self) -> SourceSchema:
        found = self.inner.schema()
        for table, names in self.names.items():
            if table in found.tables:
                back = {old: new for new, old in names.items()}
                columns = found.tables[table].columns
                found.tables[table].columns = {back.get(k, k): v for k, v in columns.items()}
        return found

    def arrow_schema(self, table: str, columns: list[str]) -> pa.Schema:
        schema = self.inner.arrow_schema(table, self._source(table, columns))
        return pa.schema([schema.field(i).with_name(c) for i, c in enumerate(columns)])

    def batches(
        self, table: str, columns: list[str], where: str | None = None, size: int = BATCH_SIZE
    ) -> Iterator[pa.RecordBatch]:
        names = columns + (["__keep"] if where else [])
        for batch in self.inner.batches(table, self._source(table, columns), where, size):
            yield batch.rename_columns(names)

    def is_target(self, target: Target) -> bool:
        return self.inner.is_target(target)

    def close(self) -> None:
        self.inner.close()


def as_spec_names(source: Source, spec: Spec) -> Source:
    """``source`` as the spec names its columns (a ``RenamedSource`` when any column has
    a ``source_name``)."""
    names = {
        table: {c: col.source_name for c, col in t.columns.items() if col.source_name}
        for table, t in spec.tables.items()
    }
    names = {table: found for table, found in names.items() if found}
    return RenamedSource(source, names) if names else source


def _select(columns: list[str], where: str | None) -> str:
    cols = ", ".join(quote(c) for c in columns)
    return f"{cols}, ({where}) AS __keep" if where else cols


class _DuckSource(Source):
    """Sources DuckDB reads: its own files, and Parquet/CSV through views."""

    con: duckdb.DuckDBPyConnection

    def batches(
        self, table: str, columns: list[str], where: str | None = None, size: int = BATCH_SIZE
    ) -> Iterator[pa.RecordBatch]:
        sql = f"SELECT {_select(columns, where)} FROM {quote(table)}"
        try:
            reader: pa.RecordBatchReader = self.con.cursor().sql(sql).to_arrow_reader(size)
        except duckdb.Error as exc:
            raise FauxdataError(
                f"cannot read {table} from {self.label}: {str(exc).splitlines()[0]}",
                path="--subset" if where else "--from",
            ) from None
        yield from reader

    def arrow_schema(self, table: str, columns: list[str]) -> pa.Schema:
        sql = f"SELECT {_select(columns, None)} FROM {quote(table)} LIMIT 0"
        reader: pa.RecordBatchReader = self.con.cursor().sql(sql).to_arrow_reader()
        return reader.schema

    def close(self) -> None:
        self.con.close()


class DuckDBSource(_DuckSource):
    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise FauxdataError(f"DuckDB file {path} not found", path="--from")
        self.path = path
        self.label = f"duckdb:{path}"
        self.con = duckdb.connect(str(path), read_only=True)

    def schema(self) -> SourceSchema:
        return read_schema(str(self.path))

    def is_target(self, target: Target) -> bool:
        return not target.is_database and target.path.resolve() == self.path.resolve()


def _unreadable(entry: Path, exc: duckdb.Error) -> FauxdataError:
    """A file DuckDB cannot read, named with the first line of what it said."""
    said = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    encoding = "unicode" in str(exc).lower()
    return FauxdataError(
        f"cannot read {entry}: {said}",
        path="--from",
        hint="save it as UTF-8, e.g. with iconv -f latin1 -t utf-8" if encoding else "",
    )


class FolderSource(_DuckSource):
    """One table per ``NAME.parquet`` / ``NAME.csv`` file or ``NAME/`` folder of parts."""

    def __init__(self, folder: Path, fmt: str) -> None:
        if not folder.is_dir():
            raise FauxdataError(f"{folder} is not a folder", path="--from", hint=f"{fmt}:DIR")
        self.path = folder
        self.label = f"{fmt}:{folder}"
        self.con = duckdb.connect()
        reader = "read_parquet" if fmt == "parquet" else "read_csv"
        self.tables: list[str] = []
        for entry in sorted(folder.iterdir()):
            if entry.is_file() and entry.suffix == f".{fmt}":
                if entry.stat().st_size == 0:
                    raise FauxdataError(
                        f"{entry} is empty: no header, so no columns",
                        path="--from",
                        hint="export it with its header row, or move it out of the folder",
                    )
                files = str(entry)
            elif entry.is_dir() and any(entry.glob(f"*.{fmt}")):
                files = str(entry / f"*.{fmt}")
            else:
                continue
            try:
                self.con.execute(
                    f"CREATE VIEW {quote(entry.stem)} AS SELECT * FROM {reader}({sql_string(files)})"
                )
            except duckdb.Error as exc:
                raise _unreadable(entry, exc) from None
            self.tables.append(entry.stem)
        if not self.tables:
            raise FauxdataError(f"no .{fmt} files in {folder}", path="--from")

    def schema(self) -> SourceSchema:
        tables = {}
        for name in self.tables:
            described = self.con.execute(f"DESCRIBE {quote(name)}").fetchall()
            columns = {
                row[0]: duckdb_column(row[0], row[1], True, None, None, None) for row in described
            }
            tables[name] = SourceTable(name, columns)
        return SourceSchema(dialect="files", url=self.label, schema=None, tables=tables)

    def infer_keys(self, schema: SourceSchema) -> list[InferredFileKey]:
        """Add to ``schema`` the keys the files' names suggest and their rows prove."""
        return infer_file_keys(schema, lambda sql: int(self.con.execute(sql).fetchall()[0][0]))

    def is_target(self, target: Target) -> bool:
        return not target.is_database and target.path.resolve() == self.path.resolve()


_ARROW = {
    "smallint": pa.int16(),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "float": pa.float32(),
    "real": pa.float32(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "timestamptz": pa.timestamp("us", "UTC"),
}


def arrow_type(column: SourceColumn) -> pa.DataType:
    """The Arrow type a reflected column's values are read as (text when unknown)."""
    if column.type == "numeric" and column.precision:
        return pa.decimal128(column.precision, column.scale or 0)
    if column.type == "numeric":
        return pa.float64()
    return _ARROW.get(column.type, pa.large_string())


class DatabaseSource(Source):
    """PostgreSQL, MySQL/MariaDB or SQLite through a read-only SQLAlchemy engine."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.url = parse(text)
        self.label = safe(self.url)
        self._schema: SourceSchema | None = None
        self.engine = read_only_engine(self.url)

    def schema(self) -> SourceSchema:
        if self._schema is None:
            self._schema = read_schema(self.text)
        return self._schema

    def arrow_schema(self, table: str, columns: list[str]) -> pa.Schema:
        found = self.schema().tables[table]
        return pa.schema([(c, arrow_type(found.columns[c])) for c in columns])

    def batches(
        self, table: str, columns: list[str], where: str | None = None, size: int = BATCH_SIZE
    ) -> Iterator[pa.RecordBatch]:
        found = self.schema().tables[table]
        types = [arrow_type(found.columns[c]) for c in columns]
        dialect = self.engine.dialect.identifier_preparer
        cols = ", ".join(self._read(dialect.quote(c), found.columns[c]) for c in columns)
        if where:
            cols += f", CASE WHEN ({where}) THEN 1 ELSE 0 END AS __keep"
            types.append(pa.int8())
        order = ", ".join(dialect.quote(c) for c in found.primary_key or columns)
        sql = f"SELECT {cols} FROM {dialect.quote(table)} ORDER BY {order}"
        names = columns + (["__keep"] if where else [])
        try:
            with self.engine.connect() as con:
                result = con.execution_options(stream_results=True, max_row_buffer=size).execute(
                    sa.text(sql)
                )
                for rows in result.partitions(size):
                    values = list(zip(*rows, strict=True)) if rows else [()] * len(names)
                    arrays = [_array(v, t) for v, t in zip(values, types, strict=True)]
                    if where:
                        arrays[-1] = arrays[-1].cast(pa.bool_())
                    yield pa.RecordBatch.from_arrays(arrays, names=names)
        except sa.exc.SQLAlchemyError as exc:
            raise connection_error(exc, self.url, "--subset" if where else "--from") from None

    def _read(self, quoted: str, column: SourceColumn) -> str:
        """PostgreSQL's ``json``/``jsonb`` as the server prints them: psycopg would hand
        out parsed dicts and numbers, whose Python spelling is not JSON."""
        if column.type in ("json", "jsonb") and self.url.get_backend_name() == "postgresql":
            return f"CAST({quoted} AS text) AS {quoted}"
        return quoted

    def is_target(self, target: Target) -> bool:
        if not target.is_database:
            return bool(
                self.url.get_backend_name() == "sqlite"
                and self.url.database
                and target.path.resolve() == Path(self.url.database).resolve()
            )
        there = parse(target.url or "")
        return (there.get_backend_name(), there.host, there.port, there.database) == (
            self.url.get_backend_name(),
            self.url.host,
            self.url.port,
            self.url.database,
        )

    def close(self) -> None:
        self.engine.dispose()


def _array(values: tuple[object, ...], dtype: pa.DataType) -> pa.Array:
    """DB-API values as an Arrow array of the reflected type (SQLite keeps dates as text
    and decimals as floats, so those are converted through text)."""
    if pa.types.is_large_string(dtype):
        return pa.array([None if v is None else str(v) for v in values], dtype)
    if pa.types.is_floating(dtype):
        return pa.array([None if v is None else float(v) for v in values], dtype)  # type: ignore[arg-type]
    if pa.types.is_decimal(dtype):
        return pa.array([None if v is None else Decimal(str(v)) for v in values], dtype)
    if pa.types.is_temporal(dtype) and any(isinstance(v, str) for v in values):
        return pa.array([None if v is None else str(v) for v in values], pa.string()).cast(dtype)
    return pa.array(values, dtype)
