"""The Spark engine on a real local Spark (local[2]): its rows equal the local engine's.

One Spark session is shared by the module (start-up costs ~10 s). pyspark is imported
at the top on purpose: without the spark extra this module fails, it never skips.
Rows are compared as digests of the sorted tables (Spark promises no row order) and,
where the partitioning is the point, row for row in partition order.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq
import pyspark  # noqa: F401  (fail, not skip, when the spark extra is missing)
import pytest
from deltalake import DeltaTable
from pyspark.sql import DataFrame, SparkSession

import fauxdata
import fauxdata.spark as fs
from fauxdata.engine.digest import frame_digest
from fauxdata.errors import TargetError
from fauxdata.sinks.bronze import (
    INGESTED_AT,
    SOURCE_SYSTEM,
    ingestion_time,
    source_system,
    with_bronze_columns,
)
from fauxdata.sinks.files import DirectorySink
from fauxdata.sinks.target import parse_target
from fauxdata.spark.payload import SHIPPED, engine_for, payload_for
from fauxdata.spark.tasks import PARTIAL, write_part

ROOT = Path(__file__).resolve().parents[1]
HR, SHOP = ROOT / "examples" / "hr.yaml", ROOT / "examples" / "shop.yaml"

KEYS: dict[str, Any] = {
    "name": "keys",
    "seed": 3,
    "reference_date": "2025-01-01",
    "tables": {
        "regions": {
            "rows": 1000,
            "primary_key": ["zone", "code"],  # composite, generated jointly
            "columns": {
                "zone": {"generator": {"kind": "choice", "values": ["N", "E", "S", "W"]}},
                "code": {"generator": {"kind": "regex", "pattern": "[A-Z]{2}[0-9]"}},
                "region_id": {"type": "bigint", "unique": True, "generator": "sequence"},
                "label": {"formula": '[zone] & "-" & [code]'},
                "score": {"type": "double", "generator": {"kind": "uniform", "min": 0, "max": 1}},
                "band": {"formula": 'IF([score] > 0.5, "high", "low")'},
                "weight": {
                    "type": "float",
                    "generator": {"kind": "normal", "mean": 0, "std": 1},
                    "null_rate": 0.2,
                },
                "made": {
                    "type": "timestamp",
                    "generator": {
                        "kind": "timestamp",
                        "start": "2024-01-01T00:00:00",
                        "end": "2024-12-31T00:00:00",
                    },
                },
            },
        },
        "visits": {  # children per parent, keyed by (parent, child number)
            "per": {"table": "regions", "count": {"kind": "poisson", "lam": 2}, "max": 9},
            "primary_key": ["region_id", "n"],
            "columns": {
                "region_id": {
                    "type": "bigint",
                    "generator": {"kind": "foreign_key", "references": "regions.region_id"},
                },
                "n": {"type": "smallint", "generator": "child_number"},
                "at": {
                    "generator": {
                        "kind": "after",
                        "column": "region_id.made",
                        "min_delay": "1h",
                        "max_delay": "30d",
                    }
                },
                "cost": {
                    "type": "decimal(10,2)",
                    "generator": {"kind": "lognormal", "mu": 3, "sigma": 0.5},
                },
                "doubled": {"type": "decimal(12,2)", "formula": "[cost] * 2"},
            },
        },
    },
}


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = fs.session(
        "local[2]",
        {
            "spark.ui.enabled": "false",
            "spark.driver.memory": "1g",
            "spark.sql.shuffle.partitions": "2",
        },
    )
    yield session
    session.stop()


def as_local(frame: DataFrame, like: pl.DataFrame) -> pl.DataFrame:
    """A Spark frame's rows in partition order, in the local frame's exact Polars types
    (Spark keeps timestamps as UTC instants, the local engine may carry a zone)."""
    rows = pl.DataFrame(frame.toArrow())
    return rows.select(pl.col(c).cast(t) for c, t in like.schema.items())


def sorted_digest(frame: pl.DataFrame) -> str:
    return frame_digest(frame.sort(frame.columns, nulls_last=True))


def assert_same_tables(frames: dict[str, DataFrame], local: fauxdata.RunResult) -> None:
    assert set(frames) == set(local.frames)
    for name, expected in local.frames.items():
        got = as_local(frames[name], expected)
        assert got.height == expected.height, name
        assert sorted_digest(got) == sorted_digest(expected), name


@pytest.mark.parametrize("spec", [HR, SHOP], ids=["hr", "shop"])
def test_bundled_examples_equal_the_local_engine(spark: SparkSession, spec: Path) -> None:
    local = fauxdata.generate(spec, verify_output=False)
    assert_same_tables(fs.generate(spec, spark, block_size=128, partitions=3), local)


def test_composite_keys_children_and_formulas_equal_the_local_engine(
    spark: SparkSession,
) -> None:
    local = fauxdata.generate(KEYS)
    assert local.report is not None and local.report.passed
    assert local.frames["visits"].height > local.frames["regions"].height  # per: children
    assert_same_tables(fs.generate(KEYS, spark, block_size=100, partitions=4), local)


def test_partition_count_that_does_not_divide_the_rows(spark: SparkSession) -> None:
    """1000 rows in blocks of 64 are 16 blocks over 7 partitions (the last block short):
    the rows come back in the local engine's order, row for row."""
    local = fauxdata.generate(KEYS, tables=["regions"], verify_output=False)
    frame = fs.generate(KEYS, spark, tables=["regions"], block_size=64, partitions=7)["regions"]
    assert frame.rdd.getNumPartitions() == 7
    sizes = frame.rdd.mapPartitions(lambda rows: [sum(1 for _ in rows)]).collect()
    assert sum(sizes) == 1000 and len(set(sizes)) > 1
    expected = local.frames["regions"]
    assert as_local(frame, expected).equals(expected)


def test_partitioning_never_changes_the_data(spark: SparkSession) -> None:
    digests = {
        (block, parts): sorted_digest(
            as_local(
                fs.generate(SHOP, spark, tables=["orders"], block_size=block, partitions=parts)[
                    "orders"
                ],
                fauxdata.generate(SHOP, tables=["orders"], verify_output=False).frames["orders"],
            )
        )
        for block, parts in [(1000, 1), (333, 5), (4096, 2)]
    }
    assert len(set(digests.values())) == 1


def test_parquet_output_has_the_local_digests_and_reads_back(
    spark: SparkSession, tmp_path: Path
) -> None:
    result = fs.write(SHOP, spark, f"parquet:{tmp_path / 'spark'}", block_size=500, partitions=3)
    local = fauxdata.generate(SHOP, f"parquet:{tmp_path / 'local'}")
    assert result.report is not None and result.report.passed
    assert {n: t.digest for n, t in result.tables.items()} == {
        n: t.digest for n, t in local.tables.items()
    }
    manifest = json.loads((tmp_path / "spark" / "fauxdata-manifest.json").read_text())
    assert manifest["engine"] == "spark"
    assert manifest["tables"]["orders"]["digest"] == local.tables["orders"].digest
    frames = fauxdata.generate(SHOP, verify_output=False).frames
    for name, expected in frames.items():
        files = sorted((tmp_path / "spark" / name).glob("part-*.parquet"))
        assert len(files) == 3 or expected.height < 1500
        back = pl.concat([pl.read_parquet(f) for f in files])
        assert back.select(pl.col(c).cast(t) for c, t in expected.schema.items()).equals(expected)
        # the tasks write with the Parquet target's own settings: the local file's types
        assert (
            pq.read_schema(files[0]).remove_metadata()
            == pq.read_schema(tmp_path / "local" / f"{name}.parquet").remove_metadata()
        )
    assert not list(tmp_path.glob(".*staging*")), "the staging folder is removed"


def test_delta_bronze_tables_from_spark(spark: SparkSession, tmp_path: Path) -> None:
    out = tmp_path / "lake"
    first = fs.write(HR, spark, f"delta:{out}", bronze_source="HR System", partitions=2)
    local = fauxdata.generate(HR, verify_output=False)
    assert first.report is not None and first.report.passed
    assert {n: t.digest for n, t in first.tables.items()} == {
        n: t.digest for n, t in local.tables.items()
    }
    names = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert names == sorted(f"bronze_hr_system_{n}" for n in local.frames)
    employees = DeltaTable(str(out / "bronze_hr_system_employees"))
    table = pl.DataFrame(employees.to_pyarrow_table())
    assert table.columns[-2:] == [INGESTED_AT, SOURCE_SYSTEM]
    assert table[SOURCE_SYSTEM].unique().to_list() == [source_system("HR System")]
    assert table[INGESTED_AT].n_unique() == 1 and table[INGESTED_AT].dtype == pl.Datetime(
        "us", "UTC"
    )
    expected = local.frames["employees"]
    data = table.drop(INGESTED_AT, SOURCE_SYSTEM)
    assert sorted_digest(data.select(pl.col(c).cast(t) for c, t in expected.schema.items())) == (
        sorted_digest(expected)
    )
    assert pl.read_delta(str(out / "bronze_hr_system_offices")).height == 3

    # A second run is a new version of the same tables; the first stays readable.
    fs.write(HR, spark, f"delta:{out}", bronze_source="HR System", partitions=3)
    again = DeltaTable(str(out / "bronze_hr_system_employees"))
    assert again.version() == 1
    assert pl.DataFrame(again.to_pyarrow_table()).height == 200
    employees.load_as_version(0)
    assert pl.DataFrame(employees.to_pyarrow_table()).height == 200


def test_bronze_columns_match_the_local_helper(spark: SparkSession) -> None:
    """Spark's bronze columns equal ``sinks.bronze.with_bronze_columns`` on the local rows."""
    moment = dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    frame = fs.generate(HR, spark, tables=["offices"], bronze_source="HR", ingested_at=moment)[
        "offices"
    ]
    local = fauxdata.generate(HR, tables=["offices"], verify_output=False).frames["offices"]
    expected = with_bronze_columns(local, "HR", ingestion_time(moment))
    assert as_local(frame, expected).equals(expected)
    assert expected[INGESTED_AT][0] == moment


def test_delta_schema_matches_the_local_delta_sink(spark: SparkSession, tmp_path: Path) -> None:
    fs.write(SHOP, spark, f"delta:{tmp_path / 'spark'}", tables=["products"], verify_output=False)
    fauxdata.generate(SHOP, f"delta:{tmp_path / 'local'}", tables=["products"])
    spark_table = DeltaTable(str(tmp_path / "spark" / "bronze_shop_products"))
    local_table = DeltaTable(str(tmp_path / "local" / "bronze_shop_products"))
    assert [f.name for f in spark_table.schema().fields] == [
        f.name for f in local_table.schema().fields
    ]
    assert [str(f.type) for f in spark_table.schema().fields] == [
        str(f.type) for f in local_table.schema().fields
    ]


def test_without_digests_rows_still_count(spark: SparkSession, tmp_path: Path) -> None:
    result = fs.write(HR, spark, f"parquet:{tmp_path}", tables=["teams"], digests=False)
    assert result.tables["teams"].rows == 10 and result.tables["teams"].digest == ""
    assert result.report is not None and result.report.passed


def test_spark_refuses_other_targets(spark: SparkSession, tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="Parquet or Delta"):
        fs.write(HR, spark, f"csv:{tmp_path}")


def test_seed_list_files_ship_with_the_payload(tmp_path: Path) -> None:
    """Executors read no spec folder: relative and absolute seed lists travel by content."""
    words = tmp_path / "words.txt"
    words.write_text("alpha\nbeta\ngamma\n")
    spec = {
        "name": "ship",
        "seed": 1,
        "reference_date": "2025-01-01",
        "tables": {
            "t": {
                "rows": 50,
                "columns": {
                    "a": {"generator": {"kind": "seed_list", "path": str(words)}},
                    "b": {"generator": {"kind": "seed_list", "path": "words.txt"}},
                },
            }
        },
    }
    plan = fauxdata.check(spec, base_dir=tmp_path)
    payload = payload_for(plan)
    assert "words.txt" in payload.files
    assert any(name.startswith(f"{SHIPPED}/") for name in payload.files)
    words.unlink()  # the executor side must not need it
    rebuilt = engine_for(payload).tables["t"].block(0, 50)
    words.write_text("alpha\nbeta\ngamma\n")
    assert rebuilt.equals(fauxdata.generate(spec, base_dir=tmp_path).frames["t"])


def test_cli_generates_on_spark(tmp_path: Path) -> None:
    """The command line in its own process (it starts and stops its own session)."""
    out = tmp_path / "shop"
    args = ["generate", str(SHOP), "--engine", "spark", "--spark-master", "local[2]"]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "fauxdata.cli",
            *args,
            "--to",
            f"parquet:{out}",
            "--block-size",
            "1000",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "checks passed" in done.stdout
    manifest = json.loads((out / "fauxdata-manifest.json").read_text())
    local = fauxdata.generate(SHOP, verify_output=False)
    assert {n: t["digest"] for n, t in manifest["tables"].items()} == {
        n: t.digest for n, t in local.tables.items()
    }


def test_install_hint_without_pyspark() -> None:
    """Without pyspark, --engine spark fails with how to install it (pyspark is hidden
    from the child process: ``sys.modules['pyspark'] = None`` makes importing it fail)."""
    code = (
        "import sys; sys.modules['pyspark'] = None; sys.modules['pyspark.sql'] = None\n"
        "from fauxdata.cli.main import main\n"
        f"sys.argv = ['fauxdata', 'generate', {str(HR)!r}, '--engine', 'spark']\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "pip install 'fauxdata[spark]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_engine_is_an_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fauxdata.cli", "generate", str(HR), "--engine", "dask"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "--engine" in done.stderr and "local or spark" in done.stderr


def test_synthesized_columns_equal_the_local_engine(spark: SparkSession) -> None:
    """The driver ships the fitted model; executors never read the seed."""
    spec = Path(__file__).resolve().parents[1] / "examples" / "payments.yaml"
    local = fauxdata.generate(spec, verify_output=False)
    assert_same_tables(fs.generate(spec, spark, block_size=999, partitions=3), local)


def test_spark_output_carries_the_lineage_marks(spark: SparkSession, tmp_path: Path) -> None:
    from fauxdata import lineage

    fs.write(HR, spark, f"parquet:{tmp_path / 'pq'}", partitions=2)
    found = lineage.read(f"parquet:{tmp_path / 'pq'}")
    assert found and {e.where for e in found} == {"parquet metadata"}
    assert all(e.marks and e.marks["fauxdata.synthetic"] == "true" for e in found)
    fs.write(HR, spark, f"delta:{tmp_path / 'lake'}", partitions=2)
    tables = lineage.read(f"delta:{tmp_path / 'lake'}")
    assert {e.where for e in tables} == {"delta table properties"} and len(tables) == 5


SCHEMAS = {
    "name": "erp",
    "tables": {
        "sales.customer": {
            "rows": 5,
            "primary_key": "id",
            "columns": {"id": {"generator": "sequence"}},
        },
        "sales.orders": {
            "rows": 20,
            "primary_key": "id",
            "columns": {
                "id": {"generator": "sequence"},
                "customer_id": {
                    "generator": {"kind": "foreign_key", "references": "sales.customer.id"}
                },
            },
        },
        "person.person": {
            "rows": 3,
            "primary_key": "id",
            "columns": {"id": {"generator": "sequence"}},
        },
    },
}


def test_schema_qualified_tables_land_in_a_folder_per_schema(
    spark: SparkSession, tmp_path: Path
) -> None:
    """Spark writes ``sales.orders`` where the local engine does: ``sales/orders`` parts
    in Parquet, ``sales/bronze_erp_orders`` in Delta; both run twice into one folder."""
    for _ in range(2):
        parquet = fs.write(SCHEMAS, spark, f"parquet:{tmp_path / 'pq'}", partitions=2)
        delta = fs.write(SCHEMAS, spark, f"delta:{tmp_path / 'lake'}", partitions=2)
        assert parquet.report is not None and parquet.report.passed
        assert delta.report is not None and delta.report.passed
    # 20 rows are one block: one task, one file, whatever the partitions asked for
    assert len(list((tmp_path / "pq" / "sales" / "orders").glob("part-*.parquet"))) == 1
    assert pl.read_delta(str(tmp_path / "lake" / "sales" / "bronze_erp_orders")).height == 20
    assert DeltaTable(str(tmp_path / "lake" / "person" / "bronze_erp_person")).version() == 1
    local = fauxdata.generate(SCHEMAS, f"delta:{tmp_path / 'local'}")
    assert {n: t.digest for n, t in local.tables.items()} == {
        n: t.digest for n, t in delta.tables.items()
    }
    assert (tmp_path / "local" / "sales" / "bronze_erp_customer" / "_delta_log").is_dir()


def test_a_task_writes_its_part_whole_or_not_at_all(tmp_path: Path) -> None:
    """A part appears under its final name only once complete; a task that fails midway
    leaves nothing, and a retry writes the same rows under the same name."""
    frame = fauxdata.generate(HR, tables=["employees"], verify_output=False).frames["employees"]
    schema = {c: col.type for c, col in fauxdata.check(HR).tables["employees"].columns.items()}
    parts = DirectorySink(parse_target(f"parquet:{tmp_path / 'out'}")).parquet_parts(
        schema, frozenset()
    )

    def failing() -> Iterator[pl.DataFrame]:
        yield frame.head(100)
        raise RuntimeError("executor lost")

    with pytest.raises(RuntimeError, match="executor lost"):
        write_part(parts, failing(), tmp_path, 7)
    assert list(tmp_path.iterdir()) == []
    for _ in range(2):  # the retry replaces the first attempt's file
        assert write_part(parts, [frame.head(100), frame.tail(100)], tmp_path, 7) == 200
    assert [p.name for p in tmp_path.iterdir()] == ["part-00000007-000.parquet"]
    assert not list(tmp_path.glob(f"{PARTIAL}*"))
    assert pl.read_parquet(tmp_path / "part-00000007-000.parquet").equals(frame)
