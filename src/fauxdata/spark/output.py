"""Write the Spark engine's tables as Parquet or Delta folders through the one
publisher (``fauxdata.publish``): staged, digested, verified, published with a manifest
in one folder swap, exactly as the local engine's output.

Spark tasks write the Parquet files in parallel into the publisher's staging folder,
with the target's own Parquet settings (``fauxdata.spark.tasks``), so the files hold the
local engine's types, encodings and lineage marks. The driver then reads them back in
name (= row) order to compute the same ``TableDigest`` the local engine records, so equal
digests in the two manifests prove equal data; DuckDB runs the usual verification over
the same files.

Delta tables are committed by the driver with the ``deltalake`` package over the part
files the tasks wrote, by the local engine's Delta sink (an ``add`` action per file, a
new version in overwrite mode when the table exists, so its history stays). delta-spark's
own writer needs the Delta jars from Maven, which this engine therefore does not require;
the result is a standard Delta table that Spark with delta-spark, Databricks,
``deltalake``, DuckDB and Polars read.

Paths are the driver's filesystem paths and must be visible to the executors at the
same place (always true in local mode; a shared mount such as ``/dbfs`` on a cluster).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow.parquet as pq

from fauxdata.engine.digest import TableDigest
from fauxdata.engine.engine import Engine
from fauxdata.errors import TargetError
from fauxdata.publish import Publisher, TableResult
from fauxdata.sinks import open_sink
from fauxdata.sinks.delta import DeltaSink
from fauxdata.sinks.files import DirectorySink
from fauxdata.sinks.target import Target, parse_target
from fauxdata.spark.payload import payload_for
from fauxdata.spark.tasks import PARTIAL, write_table_files

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from fauxdata.run import RunResult

_DIGEST_BATCH = 262_144


def write_tables(
    spark: SparkSession,
    engine: Engine,
    to: str,
    *,
    spec: Any,
    tables: list[str] | None,
    block_size: int,
    partitions: int | None,
    verify_output: bool,
    bronze_source: str | None,
    digests: bool = True,
    keep_failed: bool = True,
) -> RunResult:
    """Write, digest, verify and publish; on any failure remove the staging folder and
    leave the previous output as it was (a failed verification keeps it aside).

    Raises:
        TargetError: the target is not ``parquet:DIR`` or ``delta:DIR``, or holds files
            fauxdata did not write.
    """
    from fauxdata.run import RunResult, spec_source
    from fauxdata.verify import verify

    started = time.perf_counter()
    plan = engine.plan
    target = spark_target(to)
    source = bronze_source or plan.spec.name
    payload = payload_for(plan)
    sink = open_sink(target, plan, bronze_source=source)
    if not isinstance(sink, DirectorySink | DeltaSink):  # spark_target admits no other
        raise TargetError(f"the Spark engine cannot write {target.format}", path="--to")
    with Publisher(sink, keep_failed=keep_failed) as publisher:
        for name in plan.selected:
            t0 = time.perf_counter()
            table = plan.tables[name]
            schema = {c: col.type for c, col in table.columns.items()}
            parts = sink.parquet_parts(schema, engine.few_values(name))
            folder = publisher.stage_folder(table.output_name)
            write_table_files(
                spark, payload, name, table.rows, block_size, partitions, parts, folder
            )
            count, digest, columns = _summary(_data_files(folder), engine, name, digests)
            published = publisher.sink.published_name(table.output_name)
            result = TableResult(name, published, count, time.perf_counter() - t0, digest, columns)
            publisher.record(result, schema, table.output_name)
        publication = publisher.commit(
            verify=(lambda con, relation: verify(plan, con, relation)) if verify_output else None,
            manifest_extra={**spec_source(spec, plan, tables), "engine": "spark"},
        )
    return RunResult(
        target,
        plan,
        publication.tables,
        publication.report,
        time.perf_counter() - started,
        target.manifest_path if publication.published else None,
        published=publication.published,
        kept_at=publication.kept_at,
        problem=publication.problem,
    )


def spark_target(to: str) -> Target:
    """Parse ``--to`` for the Spark engine (checked before a session is started).

    Raises:
        TargetError: not ``parquet:DIR`` or ``delta:DIR``.
    """
    target = parse_target(to)
    if target.format not in ("parquet", "delta"):
        raise TargetError(
            f"the Spark engine writes Parquet or Delta folders, not {target.format}",
            path="--to",
            hint="use --to parquet:DIR or --to delta:DIR, or --engine local for other targets",
        )
    return target


def _data_files(folder: Path) -> list[Path]:
    """The table's Parquet files in name (= row) order, after dropping what a task killed
    while writing left behind, which is no part of the table."""
    for extra in folder.glob(f"{PARTIAL}*"):
        extra.unlink()
    return sorted(folder.glob("part-*.parquet"))


def local_schema(engine: Engine, name: str) -> pl.Schema:
    """The exact Polars types of the local engine's blocks, time zones included (a
    generator may return Europe/Amsterdam instants where Spark keeps only UTC ones), taken
    from the table's first row: the digest hashes them."""
    if engine.plan.tables[name].rows == 0:
        return pl.Schema()
    return engine.tables[name].block(0, 1).schema


def _summary(
    files: list[Path], engine: Engine, name: str, digests: bool
) -> tuple[int, str, dict[str, str]]:
    """Rows, digest and column digests of a written table; without ``digests`` the row
    count comes from the Parquet footers and the digests stay empty."""
    if not digests:
        return sum(pq.ParquetFile(f).metadata.num_rows for f in files), "", {}
    digest = _digest(files, local_schema(engine, name))
    return digest.rows, digest.hexdigest(), digest.column_digests()


def _digest(files: list[Path], schema: pl.Schema) -> TableDigest:
    """The local engine's digest of the written rows, read back batch by batch (bounded
    memory) in the local engine's Polars types, without the bronze columns."""
    digest = TableDigest()
    if not schema:
        return digest  # no rows: the local engine digests no block either
    for path in files:
        for batch in pq.ParquetFile(path).iter_batches(_DIGEST_BATCH, columns=list(schema)):
            frame = pl.DataFrame(batch)
            digest.update(frame.select(pl.col(c).cast(t, strict=True) for c, t in schema.items()))
    return digest
