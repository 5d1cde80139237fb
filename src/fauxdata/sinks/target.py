"""Parse ``--to`` values into a target: a format and a location.

Paths say what they mean. ``FORMAT:PATH`` (``duckdb:out/x.duckdb``, ``parquet:out``) and
a bare ``out/x.duckdb`` are relative to the current folder unless PATH starts with
``/``. The URL form follows file URLs: ``duckdb:///abs/x.duckdb`` is the absolute path
``/abs/x.duckdb``, and SQLAlchemy's ``duckdb:////abs/x.duckdb`` means the same. Since
SQLAlchemy users write ``duckdb:///out/x.duckdb`` for ``./out``, three slashes before a
folder that does not exist are refused with both readings spelled out, and a host
(``duckdb://out/x.duckdb``) is refused: a file has none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fauxdata.errors import TargetFlagError

FILE_FORMATS = ("parquet", "csv", "jsonl")
LAKE_FORMATS = ("delta",)
"""Folders of tables: one Delta table per entity."""
_DATABASE_SCHEMES = ("postgresql", "postgres", "mysql", "mariadb", "sqlite", "mssql", "oracle")


@dataclass(frozen=True)
class Target:
    """Where output goes: ``duckdb`` (a file), a file format or Delta (a directory), or a
    database."""

    format: str
    path: Path
    url: str | None = None
    """For databases: the connection URL (may hold a password; never printed)."""

    @property
    def is_directory(self) -> bool:
        return self.format in FILE_FORMATS or self.format in LAKE_FORMATS

    @property
    def is_database(self) -> bool:
        return self.format == "database"

    @property
    def manifest_path(self) -> Path:
        if self.is_database:
            return self.path
        if self.is_directory:
            return self.path / "fauxdata-manifest.json"
        return self.path.with_name(self.path.name + ".manifest.json")

    def __str__(self) -> str:
        if self.is_database:
            from sqlalchemy.engine import make_url

            return make_url(self.url or "").render_as_string(hide_password=True)
        return f"{self.format}:{self.path}"

    def absolute(self) -> str:
        """The target with its absolute path, as the CLI prints what it wrote."""
        if self.is_database:
            return str(self)
        return f"{self.format}:{self.path.absolute()}"


def _location(scheme: str, rest: str) -> str:
    """The path of ``scheme:rest``: plain, or a file URL with an empty host.

    Raises:
        TargetFlagError: a host, or three slashes before a folder that does not exist.
    """
    if not rest.startswith("//"):
        return rest
    after = rest[2:]
    if not after.startswith("/"):
        host = after.split("/", 1)[0]
        raise TargetFlagError(
            f"'{scheme}://{after}' names a host '{host}'; a local {scheme} path has none",
            path="--to",
            hint=f"write {scheme}:{after} for a path under the current folder, "
            f"or {scheme}:///absolute/path",
        )
    if after.startswith("//"):  # SQLAlchemy's absolute form: duckdb:////abs/x.duckdb
        return "/" + after.lstrip("/")
    path = Path(after)
    folder = path.parent
    if not folder.exists():
        relative = after.lstrip("/")
        raise TargetFlagError(
            f"'{scheme}://{after}' is the absolute path {path}, whose folder {folder} does "
            "not exist",
            path="--to",
            hint=f"for ./{relative} under the current folder write {scheme}:{relative}; "
            f"to create {folder}, write {scheme}:{path}",
        )
    return after


def as_target(to: str | os.PathLike[str] | Target) -> Target:
    """A target as the library takes it: a ``Target``, ``--to`` text, or a path such as
    ``Path("dev.duckdb")`` (read as that text would be).

    Raises:
        TargetFlagError: the text or path names no supported format.
    """
    return to if isinstance(to, Target) else parse_target(os.fspath(to))


def parse_target(text: str) -> Target:
    """Read ``out/shop.duckdb``, ``duckdb:out/shop.duckdb``, ``duckdb:///abs/shop.duckdb``,
    ``parquet:out/``, ``csv:out``, a database URL...

    Raises:
        TargetFlagError: the text names no supported format.
    """
    text = text.strip()
    if "\x00" in text:
        raise TargetFlagError("a path cannot hold a NUL character", path="--to")
    scheme, sep, rest = text.partition(":")
    scheme = scheme.lower()
    if sep and (scheme == "duckdb" or scheme in FILE_FORMATS or scheme in LAKE_FORMATS):
        what = "file" if scheme == "duckdb" else "directory"
        location = _location(scheme, rest)
        if not location:
            raise TargetFlagError(
                f"{scheme} target needs a {what} path",
                path="--to",
                hint=f"e.g. {scheme}:out/{'shop.duckdb' if scheme == 'duckdb' else 'shop'}",
            )
        return Target(scheme, Path(location))
    if sep and scheme.split("+")[0] in _DATABASE_SCHEMES:
        from fauxdata.dburl import database_url

        url = database_url(text, "--to")
        if url.drivername != scheme:  # a driver fauxdata picked (PyMySQL for mysql://)
            text = url.render_as_string(hide_password=False)
        name = Path(url.database or "database").stem or "database"
        return Target("database", Path("out") / f"{name}.manifest.json", url=text)
    if not sep or len(scheme) == 1:  # a plain path (or a Windows drive letter)
        path = Path(text)
        if path.suffix.lower() in (".duckdb", ".db", ".ddb"):
            return Target("duckdb", path)
        raise TargetFlagError(
            f"cannot tell the output format of '{text}'",
            path="--to",
            hint="use a .duckdb file, or prefix a directory with parquet:, csv:, jsonl: or delta:",
        )
    raise TargetFlagError(
        f"unknown output format '{scheme}:'",
        path="--to",
        hint="expected FILE.duckdb, duckdb:FILE, parquet:DIR, csv:DIR, jsonl:DIR, delta:DIR "
        "or a database URL",
    )
