"""Bulk loading into MySQL and MariaDB: ``LOAD DATA LOCAL INFILE`` from a CSV Polars writes.

A block goes to a temporary CSV (Polars, no per-row Python) and the server reads it in one
statement; values are quoted, NULL is the bare word NULL, so an empty string stays an
empty string. With LOCAL, MySQL turns a bad value or a duplicate key into a warning and
skips or truncates the row instead of failing, so the loader counts the rows the server
took and reads its warnings: any warning fails the load with the server's own words.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import polars as pl

from fauxdata.errors import TargetError
from fauxdata.introspect.source import MYSQL_ANSI_QUOTES
from fauxdata.sinks.duckdb_types import quote, quote_table


def connect_args() -> dict[str, Any]:
    """PyMySQL options: allow LOCAL INFILE (the client reads only files fauxdata wrote), and
    ANSI quotes from the first statement on (the sinks quote identifiers with ")."""
    return {"local_infile": True, "init_command": MYSQL_ANSI_QUOTES}


def load_data(raw: Any, name: str, frame: pl.DataFrame) -> None:
    """Load one block into ``name`` through the PyMySQL connection ``raw``.

    Raises:
        TargetError: the server refused the block, or skipped or changed rows (warnings),
            naming the first one.
    """
    import pymysql

    with tempfile.TemporaryDirectory(prefix="fauxdata-load-") as folder:
        path = Path(folder) / "block.csv"
        _as_mysql_text(frame).write_csv(
            path,
            include_header=False,
            null_value="NULL",
            quote_style="non_numeric",
            datetime_format="%Y-%m-%d %H:%M:%S%.6f",
            date_format="%Y-%m-%d",
            time_format="%H:%M:%S%.6f",
        )
        columns = ", ".join(quote(c) for c in frame.columns)
        sql = (
            f"LOAD DATA LOCAL INFILE %s INTO TABLE {quote_table(name)} CHARACTER SET utf8mb4 "
            "FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY '' "
            f"LINES TERMINATED BY '\\n' ({columns})"
        )
        with raw.cursor() as cursor:
            try:
                loaded = cursor.execute(sql, (str(path),))
            except pymysql.err.Error as exc:
                said = exc.args[-1] if exc.args else type(exc).__name__
                raise TargetError(
                    f"loading {name} failed: {said}", path="--to", code="load"
                ) from None
            if loaded != frame.height or cursor.warning_count:
                cursor.execute("SHOW WARNINGS LIMIT 1")
                warning = cursor.fetchone()
                said = warning[2] if warning else "no warning given"
                raise TargetError(
                    f"loading {name} failed: the server took {loaded} of {frame.height} rows: {said}",
                    path="--to",
                    code="load",
                )


def _as_mysql_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Booleans as 0/1 (TINYINT(1) takes no 'true'), timestamps with a zone in UTC without
    it (MySQL's DATETIME and TIMESTAMP take no offset)."""
    changes = []
    for column, dtype in frame.schema.items():
        if dtype == pl.Boolean:
            changes.append(pl.col(column).cast(pl.Int8))
        elif isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
            changes.append(pl.col(column).dt.convert_time_zone("UTC").dt.replace_time_zone(None))
    return frame.with_columns(changes) if changes else frame
