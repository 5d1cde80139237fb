"""Bronze-table conventions shared by every engine that lands mock data in a lakehouse.

A bronze table is named ``bronze_<source>_<entity>`` and carries two metadata columns:
``_ingested_at`` (the run's timestamp, the same for every row of a run) and
``_source_system`` (``<source>_mock``, so nobody mistakes it for real data). The local
Delta sink and the Spark engine both call these helpers, so their tables agree.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

INGESTED_AT = "_ingested_at"
SOURCE_SYSTEM = "_source_system"
METADATA_COLUMNS = (INGESTED_AT, SOURCE_SYSTEM)

_UNSAFE = re.compile(r"[^a-z0-9_]+")


def _slug(text: str) -> str:
    return _UNSAFE.sub("_", text.strip().lower()).strip("_") or "source"


def bronze_table_name(source: str, entity: str) -> str:
    """``bronze_hr_employees`` for source ``hr`` and entity ``employees``; a table named
    with its schema lands in a folder per schema, as in Parquet: ``sales.orders`` ->
    ``sales/bronze_hr_orders``."""
    schema, _, table = entity.rpartition(".")
    name = f"bronze_{_slug(source)}_{_slug(table)}"
    return f"{_slug(schema)}/{name}" if schema else name


def source_system(source: str) -> str:
    """The ``_source_system`` value: the source's name marked as mock."""
    return f"{_slug(source)}_mock"


def ingestion_time(now: dt.datetime | None = None) -> dt.datetime:
    """The run's ingestion timestamp in UTC, truncated to microseconds (Delta's precision)."""
    moment = now or dt.datetime.now(dt.UTC)
    return moment.astimezone(dt.UTC).replace(tzinfo=dt.UTC)


def with_bronze_columns(frame: pl.DataFrame, source: str, ingested_at: dt.datetime) -> pl.DataFrame:
    """The frame with ``_ingested_at`` (timestamp[us, UTC]) and ``_source_system`` appended."""
    return frame.with_columns(
        pl.lit(ingested_at).cast(pl.Datetime("us", "UTC")).alias(INGESTED_AT),
        pl.lit(source_system(source)).alias(SOURCE_SYSTEM),
    )
