"""The Spark engine's rate per core beside the local engine's, in one run.

    python benchmarks/run.py --only spark             # 10M customers
    python benchmarks/run.py --only spark --rows 4000000

Measured, each in its own process, the shop ``customers`` table (10 columns) to snappy
Parquet with verification on, as users run ``fauxdata generate``:

``local``    ``fauxdata.generate`` with its default workers (one per core, at most 4);
``spark-2``  ``fauxdata.spark.write`` on ``local[2]``, as ``generate --engine spark`` does
             (the driver's digest read-back, DuckDB verification and manifest included;
             session start-up and a warm-up job of 1,000 rows per core, which starts the
             Python workers and their imports of fauxdata, are not timed but reported).

Rows/s per core divides the rate by the cores the run was given (the local engine's
workers, Spark's ``local[N]``). The machine is shared, so each run also records the load
average before and after it and the CPU seconds it used (the whole process tree: for
Spark the driver, the JVM and its Python workers), which swing much less with the load.
"""

from __future__ import annotations

import json
import os
import resource
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

SHOP = Path(__file__).resolve().parents[1] / "examples" / "shop.yaml"
WARM_UP_ROWS = 1000


class TreeUsage:
    """Samples this process and its descendants (Spark's JVM, its Python workers) on a
    thread: peak RSS per kind, and the CPU seconds the tree used while inside the block
    (the descendants' own, plus what they reaped from workers that ended)."""

    def __init__(self) -> None:
        self.peak_jvm = self.peak_workers = self.peak_total = 0.0
        self.cpu_seconds = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._start_cpu = 0.0

    def __enter__(self) -> TreeUsage:
        self._start_cpu = _tree_cpu()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu_seconds = _tree_cpu() - self._start_cpu
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(0.25):
            jvm = workers = 0.0
            for proc in me.children(recursive=True):
                try:
                    mb = proc.memory_info().rss / 2**20
                    if "java" in proc.name():
                        jvm += mb
                    else:
                        workers += mb
                except psutil.Error:
                    continue
            self.peak_jvm = max(self.peak_jvm, jvm)
            self.peak_workers = max(self.peak_workers, workers)
            self.peak_total = max(self.peak_total, jvm + workers + me.memory_info().rss / 2**20)


def _tree_cpu() -> float:
    import psutil

    me = psutil.Process()
    total = 0.0
    for proc in [me, *me.children(recursive=True)]:
        try:
            t = proc.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            continue
    return total


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_local(rows: int, block_size: int) -> dict[str, Any]:
    """The local engine, verification on, its default workers."""
    import fauxdata
    from fauxdata.run import default_workers

    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as out:
        cpu, started = _own_cpu(), time.perf_counter()
        result = fauxdata.generate(
            SHOP, f"parquet:{out}/shop", rows={"customers": rows}, tables=["customers"],
            block_size=block_size,
        )  # fmt: skip
        seconds, cpu = time.perf_counter() - started, _own_cpu() - cpu
    _passed(result)
    return {
        "rows": result.rows, "seconds": seconds, "cores": default_workers(),
        "cpu_seconds": cpu, "load_before": load, "load_after": os.getloadavg()[0],
    }  # fmt: skip


def measure_spark(rows: int, cores: int, block_size: int) -> dict[str, Any]:
    """The Spark engine on ``local[cores]``, verification on, as the CLI runs it."""
    import fauxdata.spark as fs

    started = time.perf_counter()
    spark = fs.session(
        f"local[{cores}]", {"spark.ui.enabled": "false", "spark.driver.memory": "2g"}
    )
    warm = fs.generate(
        SHOP, spark, rows={"customers": cores * WARM_UP_ROWS}, tables=["customers"],
        block_size=WARM_UP_ROWS, partitions=cores,
    )  # fmt: skip
    warm["customers"].count()  # start one Python worker per core, warm the JVM: untimed
    startup = time.perf_counter() - started
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as out, TreeUsage() as usage:
        started = time.perf_counter()
        result = fs.write(
            SHOP, spark, f"parquet:{out}/shop", rows={"customers": rows}, tables=["customers"],
            block_size=block_size,
        )  # fmt: skip
        seconds = time.perf_counter() - started
    spark.stop()
    _passed(result)
    return {
        "rows": result.rows, "seconds": seconds, "cores": cores, "startup_seconds": startup,
        "cpu_seconds": usage.cpu_seconds, "load_before": load, "load_after": os.getloadavg()[0],
        "peak_jvm_mb": usage.peak_jvm, "peak_python_workers_mb": usage.peak_workers,
        "peak_total_mb": usage.peak_total,
    }  # fmt: skip


def _passed(result: Any) -> None:
    if result.report is None or not result.report.passed:
        raise SystemExit("verification did not pass")


def report_spark(local: dict[str, Any], runs: list[dict[str, Any]], results: Path) -> None:
    """Both engines side by side: rows/s, per core, the ratio, CPU, memory and load."""
    per_core = local["rows_per_s"] / local["cores"]
    print(
        f"\nspark engine beside the local engine (customers to Parquet, verification on, "
        f"{os.cpu_count()} cores)"
    )
    print(
        f"  {'engine':<10} {'rows/s':>10} {'per core':>10} {'ratio':>6} {'rows/CPU-s':>11} "
        f"{'ratio':>6} {'peak RSS':>9}  load before/after"
    )
    for run in [local, *runs]:
        run["rows_per_core_s"] = run["rows_per_s"] / run["cores"]
        run["rows_per_cpu_s"] = run["rows"] / run["cpu_seconds"]
        rss = run.get("peak_total_mb") or run["peak_rss_mb"]
        print(
            f"  {run['name']:<10} {run['rows_per_s']:>10,.0f} {run['rows_per_core_s']:>10,.0f} "
            f"{run['rows_per_core_s'] / per_core:>5.2f}x {run['rows_per_cpu_s']:>11,.0f} "
            f"{run['rows_per_cpu_s'] / local['rows_per_cpu_s']:>5.2f}x {rss:>6,.0f} MB"
            f"  {run['load_before']:.2f}/{run['load_after']:.2f}"
        )
    for run in runs:
        print(
            f"  {run['name']}: start-up {run['startup_seconds']:.1f} s (not timed); peak RSS "
            f"driver {run['peak_rss_mb']:,.0f} MB, JVM {run['peak_jvm_mb']:,.0f} MB, Python "
            f"workers {run['peak_python_workers_mb']:,.0f} MB"
        )
    results.mkdir(exist_ok=True)
    (results / "spark.json").write_text(json.dumps([local, *runs], indent=2))
