"""The Spark engine: the same rows as the local engine, computed in Spark partitions.

``generate(spec, spark)`` returns one lazy Spark DataFrame per table; ``write(spec,
spark, to="parquet:DIR" | "delta:DIR")`` writes them, digests and verifies them like
the local engine and publishes them with a manifest. The CLI's ``generate --engine
spark`` calls ``write``.

Spark is an optional dependency (``pip install 'fauxdata[spark]'``): this package
imports it only inside the functions that need it, and ``require_pyspark`` turns its
absence into an error that says how to install it.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fauxdata.engine.engine import DEFAULT_BLOCK_SIZE, Engine
from fauxdata.errors import FauxdataError
from fauxdata.spec.models import Spec

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from fauxdata.run import RunResult

INSTALL_HINT = "install the Spark extra: pip install 'fauxdata[spark]' (needs Java 17 or newer)"

__all__ = ["INSTALL_HINT", "generate", "require_pyspark", "session", "write"]


def require_pyspark() -> None:
    """Check for pyspark up front, so a missing extra reads as an install hint, not as an
    ImportError from deep inside a run.

    Raises:
        FauxdataError: pyspark is not installed (code ``missing_extra``).
    """
    try:
        import pyspark.sql  # noqa: F401
    except ImportError:
        raise FauxdataError(
            "the Spark engine needs pyspark, which is not installed",
            path="--engine spark",
            hint=INSTALL_HINT,
            code="missing_extra",
        ) from None


def session(master: str | None = None, config: Mapping[str, str] | None = None) -> SparkSession:
    """A Spark session for fauxdata: the given master (default: whatever ``spark-submit``
    or the cluster configured, else ``local[*]``), UTC session time, Parquet timestamps as
    INT64 microseconds (what Delta readers and Polars expect), no console progress bars.

    When this process starts Spark itself in local mode, the Python workers run this
    interpreter, so they import the same fauxdata (Spark would otherwise start whatever
    ``python3`` is on the PATH). Under ``spark-submit`` (the JVM started us) the cluster's
    own ``PYSPARK_PYTHON`` is left alone.

    Raises:
        FauxdataError: pyspark is missing.
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    if (master or "local").startswith("local") and not submitted:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("fauxdata")
    if master is not None:
        builder = builder.master(master)
    settings = {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        **(config or {}),
    }
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def prepared_engine(
    spec: Spec | str | Path | dict[str, Any],
    *,
    seed: int | None,
    rows: Mapping[str, int] | None,
    scale: float,
    tables: list[str] | None,
    base_dir: Path | None,
) -> Engine:
    """Resolve and build on the driver, so spec errors surface before any Spark job."""
    from fauxdata.run import plan_for

    engine = Engine(
        plan_for(spec, seed=seed, rows=rows, scale=scale, tables=tables, base_dir=base_dir)
    )
    engine.build()
    return engine


def generate(
    spec: Spec | str | Path | dict[str, Any],
    spark: SparkSession,
    *,
    seed: int | None = None,
    rows: Mapping[str, int] | None = None,
    scale: float = 1.0,
    tables: list[str] | None = None,
    block_size: int = DEFAULT_BLOCK_SIZE,
    partitions: int | None = None,
    base_dir: Path | None = None,
    bronze_source: str | None = None,
    ingested_at: dt.datetime | None = None,
) -> dict[str, DataFrame]:
    """One lazy Spark DataFrame per selected table, rows equal to ``fauxdata.generate``'s.

    ``partitions`` (default: two per core, at most one per block) never changes the
    data. With ``bronze_source`` the frames carry ``_ingested_at`` and ``_source_system``
    like bronze tables. Row order is the local engine's when read partition by partition;
    Spark itself promises no order, so compare sorted rows or digests.

    Raises:
        FauxdataError: pyspark is missing, or the spec is invalid.
    """
    require_pyspark()
    from fauxdata.spark.frames import table_frame, with_bronze_columns
    from fauxdata.spark.payload import payload_for

    engine = prepared_engine(
        spec, seed=seed, rows=rows, scale=scale, tables=tables, base_dir=base_dir
    )
    plan = engine.plan
    payload = payload_for(plan)
    frames: dict[str, DataFrame] = {}
    for name in plan.selected:
        frame = table_frame(spark, plan, payload, name, block_size, partitions)
        if bronze_source is not None:
            frame = with_bronze_columns(frame, bronze_source, ingested_at)
        frames[name] = frame
    return frames


def write(
    spec: Spec | str | Path | dict[str, Any],
    spark: SparkSession,
    to: str,
    *,
    seed: int | None = None,
    rows: Mapping[str, int] | None = None,
    scale: float = 1.0,
    tables: list[str] | None = None,
    block_size: int = DEFAULT_BLOCK_SIZE,
    partitions: int | None = None,
    base_dir: Path | None = None,
    verify_output: bool = True,
    bronze_source: str | None = None,
    digests: bool = True,
    keep_failed: bool = True,
) -> RunResult:
    """Write every selected table with Spark to ``parquet:DIR`` or ``delta:DIR``, then
    digest, verify and publish them with a manifest, as ``fauxdata.generate`` does.

    The digests are computed on the driver, reading every written row back in order
    (serial: about a fifth of the time at 10M rows on two cores). ``digests=False``
    skips them for outputs too large for one machine to read; the manifest then has
    empty digests and ``--replay`` cannot check the data.

    Raises:
        FauxdataError: pyspark is missing, the spec is invalid, or the target is not
            a Parquet or Delta folder.
    """
    require_pyspark()
    from fauxdata.spark.output import write_tables

    engine = prepared_engine(
        spec, seed=seed, rows=rows, scale=scale, tables=tables, base_dir=base_dir
    )
    return write_tables(
        spark,
        engine,
        to,
        spec=spec,
        tables=tables,
        block_size=block_size,
        partitions=partitions,
        verify_output=verify_output,
        bronze_source=bronze_source,
        digests=digests,
        keep_failed=keep_failed,
    )
