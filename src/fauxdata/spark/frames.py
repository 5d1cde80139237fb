"""One Spark DataFrame per table, computed block by block inside the partitions.

A table of ``n`` rows is cut into ``ceil(n / block_size)`` blocks. ``spark.range`` over
the block numbers spreads contiguous runs of blocks over the partitions, and
``mapInArrow`` turns each block number into the rows ``[start, stop)`` with the same
``TableGenerator.block`` the local engine calls. Foreign keys are computed from parent
row indices inside the task (keys without joins), so there is no shuffle, no join and no
data on the driver, and the rows equal the local engine's whatever the partitioning.
Partition ``i`` holds rows before partition ``i + 1``, so files written in partition
order are in row order.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pyarrow as pa

from fauxdata.sinks.bronze import INGESTED_AT, SOURCE_SYSTEM, ingestion_time, source_system
from fauxdata.sinks.delta import arrow_type
from fauxdata.spark.payload import Payload, engine_for
from fauxdata.spec.resolve import Plan, ResolvedTable
from fauxdata.spec.types import ColumnType

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import DataType, StructType


def spark_type(ctype: ColumnType) -> DataType:
    """The Spark SQL type that stores a spec type exactly (the local engine's Polars type)."""
    from pyspark.sql import types as st

    simple: dict[str, DataType] = {
        "smallint": st.ShortType(),
        "integer": st.IntegerType(),
        "bigint": st.LongType(),
        "float": st.FloatType(),
        "double": st.DoubleType(),
        "text": st.StringType(),
        "varchar": st.StringType(),
        "uuid": st.StringType(),
        "json": st.StringType(),
        "boolean": st.BooleanType(),
        "date": st.DateType(),
        "timestamp": st.TimestampNTZType(),
        "timestamptz": st.TimestampType(),
    }
    if ctype.name == "decimal":
        return st.DecimalType(ctype.precision or 18, ctype.scale or 0)
    return simple[ctype.name]


def spark_schema(table: ResolvedTable) -> StructType:
    from pyspark.sql import types as st

    return st.StructType(
        [st.StructField(name, spark_type(c.type), True) for name, c in table.columns.items()]
    )


def table_arrow_schema(table: ResolvedTable) -> pa.Schema:
    """The Arrow schema the blocks are handed to Spark in (plain ``string``, since Spark's
    Arrow reader does not take Polars' string views)."""
    return pa.schema([pa.field(name, arrow_type(c.type)) for name, c in table.columns.items()])


def block_count(rows: int, block_size: int) -> int:
    return math.ceil(rows / block_size) if rows > 0 else 0


def compute_blocks(
    payload: Payload, table: str, rows: int, block_size: int, schema: pa.Schema
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The function ``mapInArrow`` runs in each task: block numbers in, rows out.

    It closes over plain data only (the payload and a few numbers), so cloudpickle ships
    it cheaply; the engine is rebuilt once per Python worker by ``engine_for``.
    """

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        generator = engine_for(payload).tables[table]
        for batch in batches:
            for block in batch.column(0).to_pylist():
                start = int(block) * block_size
                frame = generator.block(start, min(start + block_size, rows))
                arrays = [frame.get_column(f.name).to_arrow().cast(f.type) for f in schema]
                yield pa.RecordBatch.from_arrays(arrays, schema=schema)

    return run


def default_partitions(spark: SparkSession, blocks: int) -> int:
    """Two partitions per core so a slow task does not leave a core idle, never more
    partitions than blocks (an empty partition still costs a task)."""
    return max(1, min(blocks, 2 * spark.sparkContext.defaultParallelism))


def table_frame(
    spark: SparkSession,
    plan: Plan,
    payload: Payload,
    name: str,
    block_size: int,
    partitions: int | None = None,
) -> DataFrame:
    """The rows of one table as a lazy Spark DataFrame, in the columns' declared types."""
    table = plan.tables[name]
    blocks = block_count(table.rows, block_size)
    parts = partitions or default_partitions(spark, blocks)
    numbers = spark.range(0, blocks, 1, numPartitions=max(1, parts))
    function = compute_blocks(payload, name, table.rows, block_size, table_arrow_schema(table))
    return numbers.mapInArrow(function, spark_schema(table))


def with_bronze_columns(
    frame: DataFrame, source: str, ingested_at: dt.datetime | None = None
) -> DataFrame:
    """Append ``_ingested_at`` (one UTC instant for the whole run) and ``_source_system``,
    the Spark twin of ``fauxdata.sinks.bronze.with_bronze_columns``."""
    from pyspark.sql import functions as sf

    moment = ingestion_time(ingested_at)
    return frame.withColumns(
        {
            INGESTED_AT: sf.lit(moment).cast("timestamp"),
            SOURCE_SYSTEM: sf.lit(source_system(source)),
        }
    )
