"""Read a seed table: a CSV or Parquet file, a DuckDB file's table, or a database table.

``from`` forms (relative paths are resolved against the spec's folder):

- ``seeds/payments.csv``, ``seeds/payments.parquet``, ``seeds/payments.json`` (an array
  of records) or ``.jsonl``
- ``duckdb:seeds.duckdb#payments`` (or ``seeds.duckdb#payments``)
- ``postgresql://user@host/db#schema.table``, ``env:SEED_URL#payments``,
  ``file:secrets/seed_url#payments``: the same URL forms as ``fauxdata init``; the URL
  is read from the environment or a file and never stored, logged or shown with its
  password. The database is opened read-only.

The seed's digest (BLAKE2b of its content, in Arrow IPC form for tables) keys the model
cache, so editing the seed refits the model and nothing else does.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from fauxdata.errors import FauxdataError
from fauxdata.sinks.duckdb_types import quote


@dataclass(frozen=True)
class Seed:
    """A seed table in memory, with where it came from (password-free) and its digest."""

    frame: pl.DataFrame
    origin: str
    digest: str


def _digest_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def frame_digest(frame: pl.DataFrame) -> str:
    """A content digest of a table (column names, types and values)."""
    sink = io.BytesIO()
    frame.write_ipc(sink, compression="uncompressed")
    return _digest_bytes(sink.getvalue())


def read_seed(text: str, base_dir: Path, path: str = "synthesize.from") -> Seed:
    """Read the seed named by ``text`` (see the module docstring for the forms).

    Raises:
        FauxdataError: the file, table or database cannot be read; never shows a password.
    """
    location, _, table = text.partition("#")
    if location.startswith("duckdb:"):
        location = location.removeprefix("duckdb:")
    if location.endswith(".duckdb") and "://" not in location:
        return _duckdb_table(_local(location, base_dir, path), table, path)
    if "://" in location or location.startswith(("env:", "file:")):
        return _database_table(location, table, path)
    if table:
        raise FauxdataError(
            f"'#{table}' names a table, but {location} is not a DuckDB file or a database URL",
            path=path,
        )
    file = _local(location, base_dir, path)
    suffix = file.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pl.read_csv(file, infer_schema_length=10_000, try_parse_dates=True)
        elif suffix in (".parquet", ".pq"):
            frame = pl.read_parquet(file)
        elif suffix == ".json":  # an array of records
            frame = pl.read_json(file)
        elif suffix in (".jsonl", ".ndjson"):
            frame = pl.read_ndjson(file)
        else:
            raise FauxdataError(
                f"cannot read a seed from '{file.name}'",
                path=path,
                hint="use a .csv, .parquet, .json or .jsonl file, duckdb:FILE.duckdb#table, "
                "or a URL#table",
            )
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise FauxdataError(f"cannot read seed {file}: {exc}", path=path) from None
    return Seed(frame, str(file), _digest_bytes(file.read_bytes()))


def _local(location: str, base_dir: Path, path: str) -> Path:
    file = Path(location)
    file = file if file.is_absolute() else base_dir / file
    if not file.exists():
        raise FauxdataError(f"seed not found: {file}", path=path, code="not_found")
    return file


def _duckdb_table(file: Path, table: str, path: str) -> Seed:
    if not table:
        raise FauxdataError(
            f"which table of {file.name}?", path=path, hint=f"write {file.name}#TABLE"
        )
    try:
        con = duckdb.connect(str(file), read_only=True)
    except duckdb.Error as exc:
        raise FauxdataError(f"cannot open {file} as DuckDB: {exc}", path=path) from None
    from fauxdata.introspect.source import require  # brings SQLAlchemy: only when needed

    try:
        names = [
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        ]

        require("table", table, names, str(file.name), path)
        frame = con.sql(f"SELECT * FROM {quote(table)}").pl()
    finally:
        con.close()
    return Seed(frame, f"{file}#{table}", frame_digest(frame))


def _database_table(location: str, table: str, path: str) -> Seed:
    import sqlalchemy as sa

    from fauxdata.introspect.source import connection_error, parse, read_only_engine, safe

    if not table:
        raise FauxdataError(
            "which table of the database?",
            path=path,
            hint="end the URL with #table or #schema.table",
        )
    url = parse(location)
    engine = read_only_engine(url)
    schema, _, name = table.rpartition(".")
    try:
        with engine.connect() as con:
            selectable = sa.Table(name, sa.MetaData(), schema=schema or None, autoload_with=con)
            frame = pl.read_database(sa.select(selectable), con)
    except sa.exc.NoSuchTableError:
        raise FauxdataError(f"table '{table}' not found in {safe(url)}", path=path) from None
    except sa.exc.SQLAlchemyError as exc:
        raise connection_error(exc, url, path) from None
    finally:
        engine.dispose()
    return Seed(frame, f"{safe(url)}#{table}", frame_digest(frame))
