"""TPC-H-shaped tables beside tpchgen-cli, the native (Rust) TPC-H generator.

    python benchmarks/run.py --only tpch               # scale factors 1 and 10
    python benchmarks/run.py --only tpch --sf 1        # one scale factor
    python benchmarks/run.py --only flat               # peak RSS at 10M and 100M lineitem rows

Measured, each in its own process: ``tpch-faux`` generates ``benchmarks/tpch.yaml`` (orders
and lineitem, TPC-H's columns, types, ranges, comment lengths, 1-7 lines per order) to
snappy Parquet at ``--scale SF``, verification on as users run it, and ``tpch-faux-noverify``
the same without verification; ``tpch-native`` runs ``tpchgen-cli parquet -s SF -T orders
-T lineitem`` (installed by the bench extra) and reports its rows from the files' footers
and its peak RSS from the kernel's accounting of the child. Each also reports the average
length of its comments (``o_comment``, ``l_comment``) over their first million values,
read back from the files after the timing, so the shapes compared are visibly the same.
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
SAMPLE = 1_000_000
"""Comment values read back per column for their average length."""


def comment_lengths(directory: Path) -> dict[str, float]:
    """The average length in characters of each ``*_comment`` column of the Parquet files
    under ``directory``, over its first ``SAMPLE`` values (read in batches: the peak RSS
    of the run is not raised by it)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    averages = {}
    for path in sorted(directory.rglob("*.parquet")):
        file = pq.ParquetFile(path)
        for name in (n for n in file.schema_arrow.names if n.endswith("_comment")):
            chars = values = 0
            for batch in file.iter_batches(batch_size=65_536, columns=[name]):
                text = batch.column(0).cast(pa.large_string())
                chars += pc.sum(pc.utf8_length(text)).as_py() or 0
                values += len(text)
                if values >= SAMPLE:
                    break
            averages[name] = chars / values if values else 0.0
    return averages


def measure_faux(sf: float, verify: bool) -> dict[str, Any]:
    import fauxdata

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = fauxdata.generate(SPEC, f"parquet:{out}/tpch", scale=sf, verify_output=verify)
        seconds = time.perf_counter() - started
        if result.report is not None and not result.report.passed:
            raise SystemExit("verification failed")
        comments = comment_lengths(Path(out))
    return {
        "rows": result.rows,
        "seconds": seconds,
        "comment_chars": comments,
        "tables": {name: table.rows for name, table in result.tables.items()},
    }


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
        comments = comment_lengths(Path(out))
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "rows": rows,
        "seconds": seconds,
        "child_peak_rss_mb": child_peak,
        "comment_chars": comments,
    }


FLAT_LINES = (10_000_000, 100_000_000)
"""Lineitem rows at which ``--only flat`` measures peak RSS: the spec's orders have 1-7
lines each (4 on average), 6M lines per scale factor."""


def flat_scale(lines: int) -> float:
    """The scale factor giving about ``lines`` lineitem rows."""
    return round(lines / 6_000_000, 4)


def report_flat(runs: list[dict[str, Any]]) -> None:
    """Peak RSS of the verified TPC-H spec at each size, against the first size and the
    1.5 GB target (issue 20: flat memory to 100M lineitem rows)."""
    print("\nTPC-H spec to Parquet, verified: peak RSS as lineitem grows")
    first = runs[0]["peak_rss_mb"]
    for run in runs:
        rss = run["peak_rss_mb"]
        verdict = "under" if rss < 1536 else "over"
        print(
            f"  SF{run['sf']:g} {run['tables']['lineitem']:>13,} lineitem rows "
            f"{run['rows_per_s']:>12,.0f} rows/s {rss:>8,.0f} MB peak RSS "
            f"({rss / first:.2f}x the first size; {verdict} 1.5 GB)"
        )


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
            shape = ", ".join(f"{c} {v:.1f}" for c, v in sorted(run["comment_chars"].items()))
            print(f"  {'':>{len(f'SF{sf:g}')}} {'':<20} average comment characters: {shape}")
