"""TPC-H-shaped tables beside tpchgen-cli, the native (Rust) TPC-H generator.

    python benchmarks/run.py --only tpch               # scale factors 1 and 10
    python benchmarks/run.py --only tpch --sf 1        # one scale factor

Measured, each in its own process: ``tpch-faux`` generates ``benchmarks/tpch.yaml`` (orders
and lineitem, TPC-H's columns, types, ranges, comment lengths, 1-7 lines per order) to
snappy Parquet at ``--scale SF``, verification on as users run it, and ``tpch-faux-noverify``
the same without verification; ``tpch-native`` runs ``tpchgen-cli parquet -s SF -T orders
-T lineitem`` (installed by the bench extra) and reports its rows from the files' footers
and its peak RSS from the kernel's accounting of the child.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SPEC = Path(__file__).with_name("tpch.yaml")


def measure_faux(sf: float, verify: bool) -> dict[str, Any]:
    import fauxdata

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = fauxdata.generate(SPEC, f"parquet:{out}/tpch", scale=sf, verify_output=verify)
        seconds = time.perf_counter() - started
        if result.report is not None and not result.report.passed:
            raise SystemExit("verification failed")
    return {"rows": result.rows, "seconds": seconds}


def measure_native(sf: float) -> dict[str, Any]:
    import pyarrow.parquet as pq

    binary = shutil.which("tpchgen-cli") or str(Path(sys.executable).with_name("tpchgen-cli"))
    with tempfile.TemporaryDirectory() as out:
        command = [
            binary,
            "parquet",
            "-s",
            f"{sf:g}",
            "-T",
            "orders",
            "-T",
            "lineitem",
            "--output-dir",
            out,
        ]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        seconds = time.perf_counter() - started
        rows = sum(pq.ParquetFile(p).metadata.num_rows for p in Path(out).glob("*.parquet"))
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"rows": rows, "seconds": seconds, "child_peak_rss_mb": child_peak}


def report_tpch(runs: list[dict[str, Any]]) -> None:
    print("\nTPC-H orders + lineitem to Parquet, side by side:")
    by_sf: dict[float, dict[str, dict[str, Any]]] = {}
    for run in runs:
        by_sf.setdefault(run["sf"], {})[run["name"]] = run
    for sf, named in sorted(by_sf.items()):
        native = named.get("tpch-native")
        for name, run in named.items():
            rss = run.get("child_peak_rss_mb") or run["peak_rss_mb"]
            ratio = ""
            if native and name != "tpch-native":
                native_rss = native.get("child_peak_rss_mb") or native["peak_rss_mb"]
                ratio = f"  {run['rows_per_s'] / native['rows_per_s']:.2f}x its rows/s, {rss / native_rss:.2f}x its peak RSS"
            print(
                f"  SF{sf:g} {name:<20} {run['rows_per_s']:>12,.0f} rows/s {rss:>8,.0f} MB{ratio}"
            )
