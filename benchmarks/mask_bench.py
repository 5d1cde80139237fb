"""The masking benchmark (``benchmarks/run.py --only mask``): a 10-column customers
table masked from DuckDB and from Parquet into Parquet with a mix of masks, and FPE's
rate on its own. Each run reports its rows/s, rows per CPU-second (the figure that
holds on a shared machine), peak RSS, and every masked column's own rate (its FPE
column's among them).

The source is built by DuckDB SQL before the clock starts. The timed run is the whole
``fauxdata.mask`` call: read in Arrow batches, mask, write, verify (keys unique), the
leak check and the manifest.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

KEY_VAR = "FAUXDATA_BENCH_MASK_KEY"
MASK_SPEC = """
name: bench
tables:
  customers:
    mode: mask
    primary_key: id
    columns:
      id: {type: bigint, mask: key}
      first_name: {type: text, mask: {kind: mock, generator: first_name}}
      last_name: {type: text, mask: {kind: mock, generator: last_name}}
      email: {type: text, mask: email}
      phone: {type: text, mask: hash}
      country: {type: text, mask: passthrough}
      birth_date: {type: date, mask: {kind: date_shift, entity: id, max_days: 365}}
      signed_up: {type: timestamp, mask: {kind: date_shift, entity: id}}
      balance: {type: double, mask: {kind: noise, relative: 0.1}}
      notes: {type: text, mask: scramble}
"""

SOURCE_SQL = """
CREATE TABLE customers AS
SELECT i AS id,
       ['Anna','Bram','Chloe','Daan','Emma','Finn','Gijs','Hanna'][i % 8 + 1] AS first_name,
       ['de Vries','Jansen','Bakker','Visser','Smit','Meijer'][i % 6 + 1] AS last_name,
       'user' || i || '@mail.example' AS email,
       '+31 6 ' || lpad((i * 7919 % 100000000)::VARCHAR, 8, '0') AS phone,
       ['NL','DE','BE'][i % 3 + 1] AS country,
       DATE '1950-01-01' + (i * 37 % 18000)::INTEGER AS birth_date,
       TIMESTAMP '2020-01-01' + INTERVAL (i) SECOND AS signed_up,
       (i % 100000) / 7.0 AS balance,
       'ref ' || (i % 1000) AS notes
FROM range({rows}) t(i)
"""


def _source(folder: Path, rows: int, fmt: str) -> str:
    con = duckdb.connect(str(folder / "source.duckdb"))
    con.execute("SET enable_progress_bar = false")
    con.execute(SOURCE_SQL.format(rows=rows))
    if fmt == "parquet":
        (folder / "parquet").mkdir()
        con.execute(
            f"COPY customers TO '{folder / 'parquet' / 'customers.parquet'}' (FORMAT parquet)"
        )
        con.close()
        return f"parquet:{folder / 'parquet'}"
    con.close()
    return str(folder / "source.duckdb")


def measure_mask(rows: int, fmt: str) -> dict[str, Any]:
    """Mask ``rows`` customers from DuckDB or Parquet to Parquet, timed end to end."""
    import os

    from fauxdata.mask.workflow import mask

    os.environ[KEY_VAR] = "benchmark-secret-not-for-real-data"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = _source(folder, rows, fmt)
        spec = folder / "bench.yaml"
        spec.write_text(MASK_SPEC)
        started, cpu = time.perf_counter(), time.process_time()
        result = mask(spec, source, f"parquet:{folder / 'out'}", key=f"env:{KEY_VAR}")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    per_column = {t.column: t.seconds for t in result.treatments}
    kinds = {t.column: t.treatment for t in result.treatments}
    return {
        "rows": result.rows,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "mask_seconds": per_column,
        "mask_kinds": kinds,
        "fpe": result.fpe,
    }


def measure_fpe(rows: int) -> dict[str, Any]:
    """FF3-1 on ``rows`` distinct account numbers (``123-456789``), then on as many rows
    holding only 1% as many distinct values (each distinct value is encrypted once)."""
    import polars as pl

    from fauxdata.mask.fpe import TextCipher
    from fauxdata.mask.keys import MaskKey

    values = pl.Series([f"{i * 7919 % 10**9:09d}" for i in range(rows)]).str.replace(
        r"^(\d{3})", "$1-"
    )
    repeated = values.gather([i % max(1, rows // 100) for i in range(rows)])
    cipher = TextCipher(MaskKey("benchmark-secret-not-for-real-data"), "bench")
    started = time.perf_counter()
    cipher.apply(values)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    cipher.apply(repeated)
    repeated_seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": seconds,
        "repeated_seconds": repeated_seconds,
        "checksum": {scheme: _checksum_rate(scheme, rows) for scheme in CHECKSUM_SCHEMES},
    }


CHECKSUM_SCHEMES = ("iban", "luhn", "bsn", "ssn")


def _identifiers(scheme: str, rows: int) -> Any:
    """``rows`` distinct valid identifiers of a scheme: Dutch IBANs (a bank code of four
    letters, ten digits), 16-digit Visa numbers, BSNs, SSNs."""
    import numpy as np
    import polars as pl

    from fauxdata.generators.mock import luhn_digit, mod97
    from fauxdata.generators.national_id import SSN_DOMAIN, bsn, ssn
    from fauxdata.generators.text import digits, fixed_width

    index = np.arange(rows, dtype=np.int64) * 7919
    if scheme == "bsn":
        return bsn(index % 81_000_000)
    if scheme == "ssn":
        return ssn(index % SSN_DOMAIN)
    if scheme == "luhn":
        body = np.concatenate(
            [np.full((rows, 1), ord("4"), dtype=np.uint8), digits(index, 14)], axis=1
        )
        return fixed_width(np.concatenate([body, luhn_digit(body)[:, None]], axis=1))
    letters = np.frombuffer(b"ABNA", dtype=np.uint8) + (index[:, None] // 10**10 % 26).astype(
        np.uint8
    ) * np.array([0, 0, 0, 1], dtype=np.uint8)
    bban = fixed_width(np.concatenate([letters, digits(index % 10**10, 10)], axis=1))
    check = (98 - mod97(bban + "NL00")).astype(np.int64)
    return "NL" + pl.Series(check).cast(pl.String).str.zfill(2) + bban


def _checksum_rate(scheme: str, rows: int) -> dict[str, float]:
    """Checksum-aware FPE (``fpe`` with ``checksum``) on ``rows`` distinct valid values."""
    from fauxdata.mask.checksum import ChecksumCipher
    from fauxdata.mask.keys import MaskKey

    values = _identifiers(scheme, rows)
    cipher = ChecksumCipher(MaskKey("benchmark-secret-not-for-real-data"), "bench", scheme)
    started = time.perf_counter()
    _, kept, _ = cipher.apply(values)
    seconds = time.perf_counter() - started
    assert kept == rows, f"{scheme}: {rows - kept} of the benchmark's values are not valid"
    return {"values": rows, "seconds": seconds, "values_per_s": rows / seconds}


def report_mask(runs: list[dict[str, Any]], fpe: dict[str, Any], results: Path) -> None:
    import json

    print("\nmask: 10-column customers, mixed masks, to Parquet (verify + leak check included)")
    for run in runs:
        print(
            f"  {run['name']:<14} {run['rows']:>10,} rows  {run['rows_per_s']:>10,.0f} rows/s wall"
            f"  {run['rows'] / run['cpu_seconds']:>10,.0f} rows/CPU-s  {run['peak_rss_mb']:6.0f} MB"
        )
        print("    per column (rows/s of its mask, on the masking threads):")
        for column, spent in run["mask_seconds"].items():
            kind = run["mask_kinds"][column]
            if spent and kind != "passthrough":
                label = f"{column} ({kind}{', FPE' if kind in ('key', 'fpe') else ''})"
                print(f"      {label:<26} {run['rows'] / spent:>12,.0f} rows/s")
    print(
        f"  fpe            {fpe['rows']:>10,} distinct values  {fpe['rows_per_s']:>10,.0f} values/s"
        f"  (1% distinct: {fpe['rows'] / fpe['repeated_seconds']:,.0f} rows/s)"
    )
    for scheme, figures in fpe["checksum"].items():
        print(
            f"  fpe {scheme:<10} {figures['values']:>10,} distinct values"
            f"  {figures['values_per_s']:>10,.0f} values/s (checksum: {scheme})"
        )
    results.mkdir(exist_ok=True)
    (results / "mask.json").write_text(json.dumps({"runs": runs, "fpe": fpe}, indent=2))
