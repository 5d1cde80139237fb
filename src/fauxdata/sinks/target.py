"""Parse ``--to`` values into a target: a format and a location."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fauxdata.errors import TargetError

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
        return f"duckdb:///{self.path}" if self.format == "duckdb" else f"{self.format}:{self.path}"


def parse_target(text: str) -> Target:
    """Read ``duckdb:///out/shop.duckdb``, ``out/shop.duckdb``, ``parquet:out/``, ``csv:out``...

    Raises:
        TargetError: the text names no supported format.
    """
    text = text.strip()
    scheme, sep, rest = text.partition(":")
    scheme = scheme.lower()
    if sep and scheme == "duckdb":
        location = rest[3:] if rest.startswith("///") else rest.removeprefix("//")
        if not location:
            raise TargetError(
                "duckdb target needs a file path",
                path="--to",
                hint="e.g. duckdb:///out/shop.duckdb",
            )
        return Target("duckdb", Path(location))
    if sep and (scheme in FILE_FORMATS or scheme in LAKE_FORMATS):
        location = rest.removeprefix("//")
        if not location:
            raise TargetError(
                f"{scheme} target needs a directory", path="--to", hint=f"e.g. {scheme}:out/"
            )
        return Target(scheme, Path(location))
    if sep and scheme.split("+")[0] in _DATABASE_SCHEMES:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            database = make_url(text).database or "database"
        except ArgumentError:
            raise TargetError(
                "not a database URL", path="--to", hint="e.g. postgresql://me@localhost/dev"
            ) from None
        name = Path(database).stem or "database"
        return Target("database", Path("out") / f"{name}.manifest.json", url=text)
    if not sep or len(scheme) == 1:  # a plain path (or a Windows drive letter)
        path = Path(text)
        if path.suffix.lower() in (".duckdb", ".db", ".ddb"):
            return Target("duckdb", path)
        raise TargetError(
            f"cannot tell the output format of '{text}'",
            path="--to",
            hint="use a .duckdb file, or prefix a directory with parquet:, csv:, jsonl: or delta:",
        )
    raise TargetError(
        f"unknown output format '{scheme}:'",
        path="--to",
        hint="expected duckdb:///FILE, parquet:DIR, csv:DIR, jsonl:DIR, delta:DIR or a database URL",
    )
