"""Connection URLs: credentials from the environment, a file or a vault, never printed;
sources opened read-only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL

from fauxdata.dburl import database_url
from fauxdata.errors import FauxdataError, did_you_mean

REFERENCES = ("env:", "file:", "keyvault:")
"""The prefixes of a secret *reference*: what a project file or template may hold."""


def is_reference(text: str) -> bool:
    return text.startswith(REFERENCES)


def resolve_url(text: str, path: str = "--from", what: str = "the connection URL") -> str:
    """The one place a secret reference becomes its value: ``env:VAR`` from the
    environment, ``file:PATH`` from a file, ``keyvault:VAULT/SECRET`` from Azure Key Vault
    (see ``keyvault``); anything else is the value itself.

    Raises:
        FauxdataError: the variable, file or secret is missing (never showing a value).
    """
    if text.startswith("env:"):
        name = text[4:]
        value = os.environ.get(name)
        if not value:
            raise FauxdataError(
                f"environment variable {name} is not set",
                path=path,
                hint=f"export it with {what}",
            )
        return value
    if text.startswith("file:"):
        file = Path(text[5:])
        try:
            return file.read_text().strip()
        except OSError as exc:
            raise FauxdataError(
                f"cannot read {what} from {file}: {exc.strerror}", path=path
            ) from None
    if text.startswith("keyvault:"):
        from fauxdata.introspect.keyvault import read_secret

        return read_secret(text, path, what)
    return text


def duckdb_file(text: str, path: str = "--from") -> Path | None:
    """The DuckDB file a source names, or None when it names none.

    The rule ``--to`` follows (``fauxdata.sinks.target``): ``duckdb:///abs/x.duckdb`` is
    the absolute path ``/abs/x.duckdb``, as in file URLs, and SQLAlchemy's
    ``duckdb:////abs/x.duckdb`` means the same; ``duckdb:rel/x.duckdb`` and a bare
    ``rel/x.duckdb`` are relative to the current folder. SQLAlchemy itself reads three
    slashes as relative, so when only that reading exists the error spells out both.

    Raises:
        FauxdataError: a host in the URL, or a three-slash path that exists only
            relative to the current folder.
    """
    scheme, sep, rest = text.partition(":")
    if not (sep and scheme.lower() == "duckdb"):
        return Path(text) if text.endswith(".duckdb") and "://" not in text else None
    if not rest.startswith("//"):
        return Path(rest)
    after = rest[2:]
    if not after.startswith("/"):
        raise FauxdataError(
            f"'duckdb://{after}' names a host; a DuckDB file has none",
            path=path,
            hint=f"duckdb:{after} for a file under the current folder, duckdb:///absolute/path",
        )
    absolute = Path("/" + after.lstrip("/"))
    relative = Path(after.lstrip("/"))
    if not absolute.exists() and relative.exists():
        raise FauxdataError(
            f"'duckdb://{after}' is the absolute path {absolute}, which does not exist",
            path=path,
            hint=f"for ./{relative} under the current folder write duckdb:{relative}",
        )
    return absolute


def parse(text: str) -> URL:
    """A SQLAlchemy URL from a URL, ``env:VAR``, ``file:PATH`` or a DuckDB file
    (``duckdb_file``'s rule)."""
    resolved = resolve_url(text)
    file = duckdb_file(resolved)
    if file is not None:
        return URL.create("duckdb", database=str(file))
    url = database_url(resolved, "--from")
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.drivername in ("mysql", "mariadb"):  # the pure-Python driver fauxdata ships with
        url = url.set(drivername=f"{url.drivername}+pymysql")
    return url


def safe(url: URL) -> str:
    """The URL with its password masked, for messages and specs, in the user's spelling
    (the psycopg driver fauxdata picks for ``postgresql://`` is not shown). A DuckDB file
    reads ``duckdb:PATH``, which ``duckdb_file`` reads back as the same file."""
    if url.get_backend_name() == "duckdb":
        return f"duckdb:{url.database}"
    return url.render_as_string(hide_password=True).replace(
        "postgresql+psycopg://", "postgresql://", 1
    )


def read_only_engine(url: URL, *, ansi_quotes: bool = False) -> sa.Engine:
    """An engine whose sessions cannot write. ``ansi_quotes``: MySQL reads double-quoted
    identifiers (for the sinks' SQL); off for reflection, so CHECK clauses come back in
    MySQL's own backtick quoting."""
    if url.get_backend_name() == "postgresql":
        return sa.create_engine(
            url,
            connect_args={"options": "-c default_transaction_read_only=on", "connect_timeout": 10},
        )
    if url.get_backend_name() == "sqlite" and url.database:
        return sa.create_engine(f"sqlite:///file:{url.database}?mode=ro&uri=true")
    if url.get_backend_name() in ("mysql", "mariadb"):
        engine = sa.create_engine(
            url, connect_args={"init_command": MYSQL_ANSI_QUOTES} if ansi_quotes else {}
        )

        @sa.event.listens_for(engine, "connect")
        def _read_only(dbapi_connection: Any, _record: Any) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET SESSION TRANSACTION READ ONLY")

        return engine
    return sa.create_engine(url)


MYSQL_ANSI_QUOTES = "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')"
"""Run first on every MySQL connection: double quotes then quote identifiers, as in
PostgreSQL, DuckDB and SQLite, so one quoting serves every database (SQLAlchemy sees the
mode when it connects and reflects accordingly)."""


def connection_error(exc: Exception, url: URL, path: str = "--from") -> FauxdataError:
    """A one-line error for a failed connection, without the password."""
    text = (
        str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        if str(exc).strip()
        else type(exc).__name__
    )
    if url.password:
        text = text.replace(str(url.password), "***")
    lowered = text.lower()
    if "password" in lowered or "authentication" in lowered:
        hint = "check the user and password"
    elif "does not exist" in lowered:
        hint = "check the database name"
    elif (
        "connection refused" in lowered
        or "could not connect" in lowered
        or "timeout" in lowered
        or "resolve" in lowered
    ):
        hint = "check the host and port, and that the server runs"
    else:
        hint = ""
    return FauxdataError(
        f"cannot connect to {safe(url)}: {text}", path=path, hint=hint, code="connection"
    )


def require(kind: str, wanted: str, found: list[str], where: str, path: str) -> None:
    """Raise unless ``wanted`` is among ``found`` (a schema or table of the source).

    Raises:
        FauxdataError: naming what was asked for, where, and the closest names.
    """
    if wanted not in found:
        raise FauxdataError(
            f"{kind} '{wanted}' not found in {where}",
            path=path,
            hint=did_you_mean(wanted, found) or f"{kind}s: {', '.join(found) or 'none'}",
        )
