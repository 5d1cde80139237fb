"""The sink interface: stage every table, then publish all of them at once.

A sink never decides a value. It writes blocks into a staging location and only
``commit`` makes them visible under the target name, manifest last, so an interrupted
or failed run never leaves output that looks complete.
"""

from __future__ import annotations

import os
import shutil
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl

from fauxdata.errors import TargetError
from fauxdata.sinks.target import Target
from fauxdata.spec.types import ColumnType

Schema = dict[str, ColumnType]


class Sink(ABC):
    def __init__(self, target: Target) -> None:
        self.target = target

    @abstractmethod
    def prepare(self) -> None:
        """Refuse foreign output, create the staging area.

        Raises:
            TargetError: the target belongs to something else or cannot be written.
        """

    @abstractmethod
    def write_table(
        self,
        name: str,
        schema: Schema,
        blocks: Iterable[pl.DataFrame],
        few_values: frozenset[str] = frozenset(),
    ) -> int:
        """Stream one table's blocks into staging; returns the row count written.

        ``few_values`` names columns with a small domain: formats that can
        dictionary-encode them should, and skip that work for the others.
        """

    def published_name(self, name: str) -> str:
        """The name a table gets in the output (Delta bronze tables are renamed)."""
        return name

    def file_names(self) -> list[str]:
        """Files or folders the sink writes, recorded in the manifest so a rerun can
        remove the ones it no longer writes."""
        return []

    def finish_tables(self) -> None:  # noqa: B027 - an optional hook, empty by default
        """After the last table: second passes such as deferred foreign keys."""

    @abstractmethod
    def staged_relation(self, name: str, schema: Schema) -> str:
        """DuckDB SQL that reads the staged table (for verification before publishing)."""

    @abstractmethod
    def commit(self, manifest_json: str) -> None:
        """Publish the staged tables and write the manifest."""

    @abstractmethod
    def abort(self) -> None:
        """Remove everything staged."""

    @abstractmethod
    def query_connection(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection in which ``staged_relation`` can be read."""


def prepare_folder(path: Path, staging: Path, manifest: str) -> None:
    """Refuse a folder fauxdata did not write (no manifest in it), then make ``staging``
    empty and ready.

    Raises:
        TargetError: ``path`` is a file, holds foreign files, or cannot be written.
    """
    if path.exists() and not path.is_dir():
        raise TargetError(f"{path} exists and is not a directory", path="--to")
    if path.is_dir() and any(path.iterdir()) and not (path / manifest).exists():
        raise TargetError(
            f"refusing to write into {path}: it holds files not written by fauxdata",
            path="--to",
            hint="choose an empty or new directory",
        )
    ensure_parent(staging / "x")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
    except OSError as exc:
        raise TargetError(f"cannot write to {path}: {exc.strerror}", path="--to") from None


def withdraw_manifest(folder: Path, manifest: str) -> None:
    """Remove the old manifest before publishing: from then on the folder no longer looks
    complete, until ``write_manifest`` runs."""
    (folder / manifest).unlink(missing_ok=True)


def write_manifest(folder: Path, manifest: str, text: str) -> None:
    """Write the manifest last and atomically: its presence says the folder is complete."""
    partial = folder / (manifest + ".tmp")
    partial.write_text(text)
    os.replace(partial, folder / manifest)


def ensure_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TargetError(
            f"cannot create directory {path.parent}: {exc.strerror}", path="--to"
        ) from None
