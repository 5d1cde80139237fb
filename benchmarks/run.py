"""One command for the benchmarks: fauxdata against its baselines, side by side.

    python benchmarks/run.py                 # 1M and 10M customers, Faker at 20k, shop 10M+~30M
    python benchmarks/run.py --quick         # 200k customers, Faker at 5k, no relational run
    python benchmarks/run.py --only postgres # the PostgreSQL load (1M shop rows), MariaDB's beside it
    python benchmarks/run.py --only formulas # customers with and without 3 formula columns
    python benchmarks/run.py --only spark    # 10M customers: local engine vs Spark local[2], per core
    python benchmarks/run.py --only scenarios # baseline scenario pack, 1M customers over two years
    python benchmarks/run.py --only delta    # 1M customers as a Delta bronze table vs Parquet
    python benchmarks/run.py --only text     # free-text de-identification, JSON rules, payloads
    python benchmarks/run.py --only tpch     # TPC-H orders + lineitem beside tpchgen-cli, SF 1 and 10
    python benchmarks/run.py --only flat     # TPC-H spec verified: peak RSS at 10M and 100M lineitem rows
    python benchmarks/run.py --only verify   # shop, 2M customers (~26M rows), verification on vs off
    python benchmarks/run.py --only customers # customers 1M and 10M (verified), the Faker loop, pyarrow's floor
    python benchmarks/run.py --only mariadb  # the MariaDB load: LOAD DATA vs INSERT (200k rows)
    python benchmarks/run.py --only mask     # 1M customers masked from DuckDB and Parquet; FPE rate
    python benchmarks/run.py --only synth    # synthesizer: fit, sampling, quality and privacy
    python benchmarks/run.py --only init     # `fauxdata init` on a PostgreSQL schema of 1,000 tables

Each measurement runs in a fresh child process, so its peak RSS is its own. Measured:
  fauxdata   the shop `customers` table (10 columns) streamed to Parquet, verified as users
             run it at each size, and without verification at the largest
  faker      a per-row Faker loop making the same columns, written with pyarrow
  pyarrow    pyarrow alone writing an already finished table of that shape (snappy)
  relational the shop example: customers, and orders per customer (Poisson, mean 3)
  pg-copy    the whole shop example (~1M rows) generated and loaded into PostgreSQL by
             fauxdata (COPY), end to end, into tables made by `fauxdata ddl`
  pg-insert  the same rows, generated beforehand (not timed), loaded by a plain psycopg
             executemany INSERT, one transaction per table
  maria-load the whole shop example generated and loaded into MariaDB by fauxdata
             (LOAD DATA LOCAL INFILE), end to end, into tables made by `fauxdata ddl`
  maria-many the same rows, generated beforehand (not timed), loaded by PyMySQL's
             executemany, which sends multi-row INSERT batches of up to 1 MB
  maria-row  the same rows inserted one statement per row (first 20,000 rows of each
             table, to keep the run short), one transaction per table
  formulas   the customers table with three formula columns added (a text build with a
             mock constant, a LET/RAND/SWITCH status, a DATEDIF age), against plain
  local,     the customers table to Parquet, verification on, by the local engine and by
  spark-2    the Spark engine on local[2]; see benchmarks/spark_bench.py
  delta      the customers table as a Delta bronze table (deltalake, with the two
             metadata columns), against `fauxdata` to Parquet at the same size
  mask-*     a 10-column customers table masked from a DuckDB file or a Parquet folder to
             Parquet with a mix of masks (key, mock, email, hash, date_shift, noise,
             scramble, passthrough), verification and leak check included; `fpe`: FF3-1
             on 1M distinct account numbers, then on 1M rows of 10k distinct ones
  synth-*    the synthesizer, see benchmarks/synth.py
  init       `fauxdata init` (the CLI, end to end: read, PII scan, suggest, write, check)
             on tests/support/wide_schema.py's 1,000 tables (foreign keys, link tables,
             CHECKs, an enum, the usual types); wall clock and the child's CPU time
The PostgreSQL and MariaDB servers are started by this script (initdb/pg_ctl,
mariadb-install-db/mariadbd on a loopback port).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the PostgreSQL launcher lives with the tests
from benchmarks.spark_bench import measure_local, measure_spark, report_spark  # noqa: E402
from benchmarks.text import MEASURES as TEXT_MEASURES  # noqa: E402
from benchmarks.text import report_text  # noqa: E402
from benchmarks.tpch import (  # noqa: E402
    FLAT_LINES,
    flat_scale,
    measure_faux,
    measure_native,
    report_flat,
    report_tpch,
)

SHOP = ROOT / "examples" / "shop.yaml"
RESULTS = Path(__file__).parent / "results"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (tpchgen-cli), import
    included: on a shared machine a fairer measure of work than wall-clock time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed_to_parquet(
    spec: Any,
    customers: int,
    tables: list[str],
    workers: int | None,
    block_size: int,
    fmt: str = "parquet",
    verify: bool = False,
) -> dict[str, Any]:
    """Generate ``tables`` of the spec to ``fmt`` (Parquet) with ``customers`` customers,
    timed; unverified unless ``verify``."""
    import fauxdata

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = fauxdata.generate(
            spec,
            f"{fmt}:{out}/shop",
            rows={"customers": customers},
            tables=tables,
            verify_output=verify,
            workers=workers,
            block_size=block_size,
            base_dir=ROOT / "examples",
        )
        seconds = time.perf_counter() - started
    return {
        "rows": result.rows,
        "seconds": seconds,
        "tables": {n: t.rows for n, t in result.tables.items()},
    }


def measure_fauxdata(
    rows: int, workers: int | None, block_size: int, verify: bool = False
) -> dict[str, Any]:
    result = _timed_to_parquet(SHOP, rows, ["customers"], workers, block_size, verify=verify)
    return {**result, "verified": verify}


def measure_delta(rows: int, workers: int | None, block_size: int) -> dict[str, Any]:
    return _timed_to_parquet(SHOP, rows, ["customers"], workers, block_size, fmt="delta")


def measure_relational(customers: int, workers: int | None, block_size: int) -> dict[str, Any]:
    return _timed_to_parquet(SHOP, customers, ["customers", "orders"], workers, block_size)


def measure_shop(
    customers: int, workers: int | None, block_size: int, verify: bool
) -> dict[str, Any]:
    """The whole shop example (customers, orders, order items, products) to Parquet."""
    tables = ["customers", "products", "orders", "order_items"]
    return _timed_to_parquet(SHOP, customers, tables, workers, block_size, verify=verify)


def report_verify(on: dict[str, Any], off: dict[str, Any]) -> None:
    print("\nVerification on against off, the shop example to Parquet, side by side:")
    print(
        f"  {on['rows']:,} rows: {on['seconds']:.1f} s against {off['seconds']:.1f} s "
        f"({on['seconds'] / off['seconds'] - 1:+.0%} time), peak RSS {on['peak_rss_mb']:,.0f} MB "
        f"against {off['peak_rss_mb']:,.0f} MB ({on['peak_rss_mb'] / off['peak_rss_mb']:.2f}x)"
    )


def measure_faker(rows: int) -> dict[str, Any]:
    import datetime as dt
    import random

    import pyarrow as pa
    import pyarrow.parquet as pq
    from faker import Faker

    fake = Faker("en_US")
    Faker.seed(7)
    rng = random.Random(7)
    countries, weights = ["US", "GB", "NL", "DE", "FR"], [0.55, 0.2, 0.1, 0.1, 0.05]
    start, end = dt.datetime(2019, 1, 1), dt.datetime(2025, 6, 30)
    started = time.perf_counter()
    records = []
    for i in range(rows):
        first, last = fake.first_name(), fake.last_name()
        records.append(
            {
                "customer_id": i + 1,
                "first_name": first,
                "last_name": last,
                "email": f"{first}.{last}@example.com".lower(),
                "phone": fake.phone_number(),
                "birth_date": fake.date_of_birth(minimum_age=18, maximum_age=75),
                "signup_ts": fake.date_time_between(start, end),
                "city": fake.city(),
                "country_code": rng.choices(countries, weights)[0],
                "lifetime_value": round(rng.lognormvariate(5.5, 1.1), 2),
            }
        )
    with tempfile.TemporaryDirectory() as out:
        pq.write_table(
            pa.Table.from_pylist(records), f"{out}/customers.parquet", compression="snappy"
        )
    return {"rows": rows, "seconds": time.perf_counter() - started}


def measure_pyarrow(rows: int) -> dict[str, Any]:
    import pyarrow.parquet as pq

    import fauxdata

    table = (
        fauxdata.generate(SHOP, rows={"customers": rows}, tables=["customers"], verify_output=False)
        .frames["customers"]
        .to_arrow()
    )
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        pq.write_table(table, f"{out}/customers.parquet", compression="snappy")
        seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds}


def _shop_database(admin_url: str, name: str) -> str:
    import psycopg
    from tests.support.postgres import create_database

    from fauxdata.sinks.ddl import create_statements

    url = create_database(admin_url, name)
    with psycopg.connect(url, autocommit=True) as con:
        for statement in create_statements(fauxdata_check()):
            con.execute(statement)
    return url


def fauxdata_check() -> Any:
    import fauxdata

    return fauxdata.check(SHOP)


def _customers_for(shop_rows: int) -> int:
    """Customers giving about ``shop_rows`` rows: 1 customer, ~3 orders, ~9 lines each."""
    return max(1, round((shop_rows - 200) / 13))


def _load_timed(url: str, rows: int) -> dict[str, Any]:
    """Generate the shop into an empty database through fauxdata's bulk path (COPY on
    PostgreSQL, LOAD DATA on MariaDB), timed end to end."""
    import fauxdata

    started = time.perf_counter()
    result = fauxdata.generate(
        SHOP, url, rows={"customers": _customers_for(rows)}, verify_output=False
    )
    return {"rows": result.rows, "seconds": time.perf_counter() - started}


def measure_pg_copy(rows: int, admin_url: str) -> dict[str, Any]:
    return _load_timed(_shop_database(admin_url, "bench_copy"), rows)


def measure_pg_insert(rows: int, admin_url: str) -> dict[str, Any]:
    import psycopg

    import fauxdata

    url = _shop_database(admin_url, "bench_insert")
    result = fauxdata.generate(SHOP, rows={"customers": _customers_for(rows)}, verify_output=False)
    total = 0
    started = time.perf_counter()
    with psycopg.connect(url) as con:
        for name, frame in result.frames.items():
            columns = ", ".join(frame.columns)
            marks = ", ".join(["%s"] * frame.width)
            with con.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {name} ({columns}) VALUES ({marks})", frame.iter_rows()
                )
            con.commit()
            total += frame.height
    return {"rows": total, "seconds": time.perf_counter() - started}


def _shop_mariadb(admin_url: str, name: str) -> str:
    from tests.support import mariadb

    from fauxdata.sinks.ddl import create_statements

    url = mariadb.create_database(admin_url, name)
    with mariadb.connect(url) as con, con.cursor() as cursor:
        for statement in create_statements(fauxdata_check(), "mysql"):
            cursor.execute(statement)
    return url


def measure_maria_load(rows: int, admin_url: str) -> dict[str, Any]:
    return _load_timed(_shop_mariadb(admin_url, "bench_load"), rows)


def measure_maria_insert(rows: int, admin_url: str, per_row: bool) -> dict[str, Any]:
    from tests.support import mariadb

    import fauxdata

    url = _shop_mariadb(admin_url, "bench_row" if per_row else "bench_many")
    result = fauxdata.generate(SHOP, rows={"customers": _customers_for(rows)}, verify_output=False)
    total = 0
    started = time.perf_counter()
    with mariadb.connect(url, autocommit=False) as con:
        for name, frame in result.frames.items():
            part = frame.head(20_000) if per_row else frame
            columns = ", ".join(f"`{c}`" for c in part.columns)
            sql = f"INSERT INTO `{name}` ({columns}) VALUES ({', '.join(['%s'] * part.width)})"
            with con.cursor() as cursor:
                if per_row:
                    for row in part.iter_rows():
                        cursor.execute(sql, row)
                else:
                    cursor.executemany(sql, list(part.iter_rows()))
            con.commit()
            total += part.height
    return {"rows": total, "seconds": time.perf_counter() - started}


FORMULAS = {
    "handle": {
        "formula": 'LOWER(LEFT([first_name], 1) & [last_name]) & "@" & MOCK_FREE_EMAIL_DOMAIN'
    },
    "status": {
        "formula": 'LET(r, RAND(), SWITCH(TRUE, r < 0.10, "PENDING_REVIEW", r < 0.85, "APPROVED", "REJECTED"))'
    },
    "age": {"type": "smallint", "formula": 'DATEDIF([birth_date], TODAY(), "Y")'},
}


def measure_formulas(
    rows: int, workers: int | None, block_size: int, with_formulas: bool
) -> dict[str, Any]:
    from ruamel.yaml import YAML

    spec = YAML(typ="safe").load(SHOP.read_text())
    spec["reference_date"] = "2026-01-01"
    if with_formulas:
        spec["tables"]["customers"]["columns"].update(FORMULAS)
    return _timed_to_parquet(spec, rows, ["customers"], workers, block_size)


def measure_scenarios(customers: int) -> dict[str, Any]:
    """The baseline scenario pack (two years) simulated and written to Parquet, timed."""
    from fauxdata.scenarios import load_scenario
    from fauxdata.scenarios.output import write_scenario

    scenario = load_scenario("baseline", extra={"customers": customers})
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        manifest = write_scenario(scenario, f"parquet:{out}/scenario")
        seconds = time.perf_counter() - started
    tables = {name: t["rows"] for name, t in manifest["tables"].items()}
    return {"rows": sum(tables.values()), "seconds": seconds, "tables": tables}


def report_scenarios(run: dict[str, Any]) -> None:
    print("\nscenario pack: baseline, two years, to Parquet")
    for name, rows in run["tables"].items():
        print(f"  {name:<18} {rows:>12,}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scenarios.json").write_text(json.dumps(run, indent=2))


def child(args: argparse.Namespace) -> None:
    """Run one measurement in this process and print it as JSON."""
    if args.one.startswith("synth-"):
        import synth

        result = synth.child(args.one, args.rows)
    elif args.one == "spark-2":
        result = measure_spark(args.rows, 2, args.block_size)
    elif args.one == "local":
        result = measure_local(args.rows, args.block_size)
    elif args.one in ("fauxdata", "fauxdata-verify"):
        verify = args.one == "fauxdata-verify"
        result = measure_fauxdata(args.rows, args.workers, args.block_size, verify)
    elif args.one == "delta":
        result = measure_delta(args.rows, args.workers, args.block_size)
    elif args.one == "relational":
        result = measure_relational(args.rows, args.workers, args.block_size)
    elif args.one in ("shop-verify", "shop-noverify"):
        verify = args.one == "shop-verify"
        result = measure_shop(args.rows, args.workers, args.block_size, verify)
    elif args.one == "scenarios":
        result = measure_scenarios(args.rows)
    elif args.one == "faker":
        result = measure_faker(args.rows)
    elif args.one in ("plain", "formulas"):
        result = measure_formulas(args.rows, args.workers, args.block_size, args.one == "formulas")
    elif args.one in ("mask-duckdb", "mask-parquet"):
        from benchmarks.mask_bench import measure_mask

        result = measure_mask(args.rows, args.one.split("-")[1])
    elif args.one == "fpe":
        from benchmarks.mask_bench import measure_fpe

        result = measure_fpe(args.rows)
    elif args.one == "pg-copy":
        result = measure_pg_copy(args.rows, args.postgres_url)
    elif args.one in ("tpch-faux", "tpch-faux-noverify"):
        result = measure_faux(args.sf, verify=args.one == "tpch-faux")
    elif args.one == "tpch-native":
        result = measure_native(args.sf)
    elif args.one in TEXT_MEASURES:
        result = TEXT_MEASURES[args.one](args.rows)
    elif args.one == "pg-insert":
        result = measure_pg_insert(args.rows, args.postgres_url)
    elif args.one == "maria-load":
        result = measure_maria_load(args.rows, args.mariadb_url)
    elif args.one in ("maria-many", "maria-row"):
        result = measure_maria_insert(args.rows, args.mariadb_url, args.one == "maria-row")
    else:
        result = measure_pyarrow(args.rows)
    result["peak_rss_mb"] = peak_rss_mb()
    result["cpu_s"] = cpu_seconds()
    print(json.dumps(result))


def spawn(kind: str, rows: int, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--one",
        kind,
        "--rows",
        str(rows),
        "--block-size",
        str(args.block_size),
    ]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.postgres_url:
        command += ["--postgres-url", args.postgres_url]
    if getattr(args, "sf_one", None) is not None:
        command += ["--sf", str(args.sf_one)]
    if args.mariadb_url:
        command += ["--mariadb-url", args.mariadb_url]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} at {rows} rows failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["name"] = kind
    result["rows_per_s"] = result["rows"] / result["seconds"]
    print(
        f"  {kind:<15} {result['rows']:>12,} rows  {result['seconds']:8.2f} s  {result['rows_per_s']:>12,.0f} rows/s  {result['peak_rss_mb']:8.0f} MB  {result['cpu_s']:7.2f} CPU-s  load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows",
        default=None,
        help="customer row counts, comma-separated (default 1000000,10000000)",
    )
    parser.add_argument(
        "--faker-rows", type=int, default=None, help="rows for the Faker loop (default 20000)"
    )
    parser.add_argument(
        "--relational-customers",
        type=int,
        default=None,
        help="customers for the relational run (default 10000000; 0 skips)",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--block-size", type=int, default=65_536)
    parser.add_argument(
        "--postgres-rows",
        type=int,
        default=None,
        help="shop rows loaded into PostgreSQL (default 1000000; 0 skips)",
    )
    parser.add_argument(
        "--only",
        choices=[
            "postgres",
            "mariadb",
            "formulas",
            "spark",
            "scenarios",
            "delta",
            "synth",
            "mask",
            "text",
            "tpch",
            "flat",
            "verify",
            "customers",
            "init",
        ],
        help="run only this part (postgres: the database load; formulas: formula columns; "
        "spark: the Spark engine against the local engine)",
    )
    parser.add_argument(
        "--one",
        choices=[
            "fauxdata",
            "fauxdata-verify",
            "relational",
            "faker",
            "pyarrow",
            "pg-copy",
            "pg-insert",
            "maria-load",
            "maria-many",
            "maria-row",
            "plain",
            "formulas",
            "local",
            "spark-2",
            "scenarios",
            "delta",
            *TEXT_MEASURES,
            "tpch-faux",
            "tpch-faux-noverify",
            "tpch-native",
            "shop-verify",
            "shop-noverify",
            "mask-duckdb",
            "mask-parquet",
            "fpe",
            "synth-fit",
            "synth-sample",
            "synth-generate",
            *(
                f"synth-eval:{n}"
                for n in ("payments_seed", "penguins", "cars", "seattle_weather", "airports")
            ),
        ],
        help=argparse.SUPPRESS,
    )
    parser.add_argument(
        "--sf",
        default=None,
        help="TPC-H scale factors for --only tpch, comma-separated (default 1,10)",
    )
    parser.add_argument("--postgres-url", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--mariadb-url", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        args.rows = int(args.rows)
        args.sf = float(args.sf) if args.sf else 1.0
        child(args)
        return
    sizes = [
        int(r) for r in (args.rows or ("200000" if args.quick else "1000000,10000000")).split(",")
    ]
    faker_rows = args.faker_rows or (5_000 if args.quick else 20_000)
    relational = (
        args.relational_customers
        if args.relational_customers is not None
        else (0 if args.quick else 10_000_000)
    )

    pg_rows = (
        args.postgres_rows
        if args.postgres_rows is not None
        else (100_000 if args.quick else 1_000_000)
    )

    print("measuring (each in its own process)...")
    if args.only == "init":
        init_speed(1000)
        return
    if args.only == "postgres":
        pair = postgres(pg_rows, args)
        report_postgres(pair)
        report_beside(pair[0], maria(pg_rows, args, ("maria-load",))[0])
        return
    if args.only == "mariadb":
        report_mariadb(maria(args.postgres_rows or (50_000 if args.quick else 200_000), args))
        return
    formula_rows = 200_000 if args.quick else 1_000_000
    if args.only == "formulas":
        report_formulas(spawn("plain", formula_rows, args), spawn("formulas", formula_rows, args))
        return
    if args.only == "delta":
        n = 200_000 if args.quick else 1_000_000
        report_delta(spawn("fauxdata", n, args), spawn("delta", n, args))
        return
    if args.only == "tpch":
        factors = [float(f) for f in (args.sf or ("0.1" if args.quick else "1,10")).split(",")]
        runs = []
        for sf in factors:
            for kind in ("tpch-native", "tpch-faux", "tpch-faux-noverify"):
                args.sf_one = sf
                run = spawn(kind, 0, args)
                run["sf"] = sf
                runs.append(run)
        report_tpch(runs)
        return
    if args.only == "flat":
        runs = []
        for lines in FLAT_LINES:
            args.sf_one = flat_scale(lines)
            run = spawn("tpch-faux", 0, args)
            run["sf"] = args.sf_one
            runs.append(run)
        report_flat(runs)
        return
    if args.only == "verify":
        customers = 200_000 if args.quick else args.relational_customers or 2_000_000
        report_verify(
            spawn("shop-verify", customers, args), spawn("shop-noverify", customers, args)
        )
        return
    if args.only == "customers":
        runs = customer_runs(sizes, args)
        report(runs, spawn("faker", faker_rows, args), spawn("pyarrow", max(sizes), args), None)
        return
    if args.only == "text":
        n = 20_000 if args.quick else 200_000
        report_text([spawn(kind, n, args) for kind in TEXT_MEASURES])
        return
    if args.only == "synth":
        import synth

        sizes_for = {"synth-fit": 100_000, "synth-sample": 1_000_000, "synth-generate": 1_000_000}
        synth.report({k: spawn(k, sizes_for.get(k, 0), args) for k in synth.kinds()})
        return
    if args.only == "mask":
        from benchmarks.mask_bench import report_mask

        n = 200_000 if args.quick else 1_000_000
        runs = [spawn(kind, n, args) for kind in ("mask-duckdb", "mask-parquet")]
        report_mask(runs, spawn("fpe", 200_000 if args.quick else 1_000_000, args), RESULTS)
        return
    if args.only == "scenarios":
        report_scenarios(spawn("scenarios", 200_000 if args.quick else 1_000_000, args))
        return
    if args.only == "spark":
        n = 200_000 if args.quick else max(sizes)
        report_spark(spawn("local", n, args), [spawn("spark-2", n, args)], RESULTS)
        return
    runs = customer_runs(sizes, args)
    faker = spawn("faker", faker_rows, args)
    arrow = spawn("pyarrow", max(sizes), args)
    rel = spawn("relational", relational, args) if relational else None
    pg = postgres(pg_rows, args) if pg_rows else None
    plain, formulas = spawn("plain", formula_rows, args), spawn("formulas", formula_rows, args)
    report(runs, faker, arrow, rel)
    if pg:
        report_postgres(pg)
    report_formulas(plain, formulas)


def customer_runs(sizes: list[int], args: argparse.Namespace) -> list[dict[str, Any]]:
    """The customers at each size with verification on, as users run them, then the
    largest without it (the figure earlier runs of this benchmark reported)."""
    runs = [spawn("fauxdata-verify", n, args) for n in sizes]
    return [*runs, spawn("fauxdata", max(sizes), args)]


def postgres(rows: int, args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both PostgreSQL loads, against one server this function starts and stops."""
    from tests.support.postgres import running_server

    folder = Path(tempfile.mkdtemp(prefix="fauxdata-bench-pg-"))
    try:
        with running_server(folder) as url:
            args.postgres_url = url
            copy = spawn("pg-copy", rows, args)
            insert = spawn("pg-insert", rows, args)
    finally:
        args.postgres_url = None
        shutil.rmtree(folder, ignore_errors=True)
    return copy, insert


def init_speed(total: int) -> dict[str, Any]:
    """`fauxdata init` on a schema of ``total`` tables, as a user runs it, against a
    PostgreSQL server this function starts and stops."""
    import os

    import psycopg
    from tests.support.postgres import create_database, running_server
    from tests.support.wide_schema import tables_for, wide_schema_ddl

    folder = Path(tempfile.mkdtemp(prefix="fauxdata-bench-pg-"))
    try:
        with running_server(folder) as admin, tempfile.TemporaryDirectory() as out:
            url = create_database(admin, "bench_wide")
            with psycopg.connect(url, autocommit=True) as con:
                con.execute(wide_schema_ddl(tables_for(total)))
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "fauxdata.cli", "init", "--from", url, "--out",
                 f"{out}/wide.yaml", "--rows", "10"],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            seconds = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode != 0:
                raise SystemExit(f"init failed:\n{done.stderr}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    result = {"tables": total, "seconds": seconds, "cpu_seconds": cpu, "load": os.getloadavg()[0]}
    print(
        f"\ninit on {total:,} tables: {seconds:.1f} s end to end, {cpu:.1f} s of CPU "
        f"(load average {result['load']:.1f} on {os.cpu_count()} cores)"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "init.json").write_text(json.dumps(result, indent=2))
    return result


def maria(
    rows: int,
    args: argparse.Namespace,
    kinds: tuple[str, ...] = ("maria-load", "maria-many", "maria-row"),
) -> list[dict[str, Any]]:
    """The MariaDB loads (default all three), against one server this function starts
    and stops."""
    from tests.support.mariadb import running_server

    folder = Path(tempfile.mkdtemp(prefix="fauxdata-bench-maria-"))
    try:
        with running_server(folder) as url:
            args.mariadb_url = url
            runs = [spawn(kind, rows, args) for kind in kinds]
    finally:
        args.mariadb_url = None
        shutil.rmtree(folder, ignore_errors=True)
    return runs


def report_beside(copy: dict[str, Any], load: dict[str, Any]) -> None:
    """PostgreSQL's COPY and MariaDB's LOAD DATA, the same spec and rows, end to end."""
    print("\nthe same shop rows into each database (fauxdata generate, end to end)")
    print(
        f"  PostgreSQL COPY {copy['rows_per_s']:>10,.0f} rows/s, "
        f"MariaDB LOAD DATA {load['rows_per_s']:>10,.0f} rows/s"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "databases.json").write_text(
        json.dumps({"postgresql": copy, "mariadb": load}, indent=2)
    )


def report_mariadb(runs: list[dict[str, Any]]) -> None:
    load, many, row = runs
    print("\nmariadb load of the shop example")
    print(
        f"  fauxdata (generate + LOAD DATA) {load['rows_per_s']:>10,.0f} rows/s, "
        f"executemany (multi-row INSERT) alone {many['rows_per_s']:>10,.0f} rows/s "
        f"({load['rows_per_s'] / many['rows_per_s']:.1f}x), "
        f"one INSERT per row {row['rows_per_s']:>10,.0f} rows/s "
        f"({load['rows_per_s'] / row['rows_per_s']:.1f}x)"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "mariadb.json").write_text(json.dumps(runs, indent=2))


def report_formulas(plain: dict[str, Any], formulas: dict[str, Any]) -> None:
    slowdown = formulas["seconds"] / plain["seconds"]
    print("\nformula columns (customers, 10 columns + 3 formulas)")
    print(
        f"  {'PASS' if slowdown <= 2 else 'FAIL'}  with three formula columns within 2x of "
        f"without: x{slowdown:.2f} ({formulas['rows_per_s']:,.0f} vs {plain['rows_per_s']:,.0f} rows/s)"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "formulas.json").write_text(
        json.dumps({"plain": plain, "formulas": formulas, "slowdown": slowdown}, indent=2)
    )


def report_delta(parquet: dict[str, Any], delta: dict[str, Any]) -> None:
    ratio = delta["rows_per_s"] / parquet["rows_per_s"]
    print("\ndelta bronze table (customers, deltalake, no JVM)")
    print(
        f"  {delta['rows_per_s']:,.0f} rows/s = {ratio:.2f}x the Parquet target "
        f"({parquet['rows_per_s']:,.0f} rows/s); peak RSS {delta['peak_rss_mb']:,.0f} MB "
        f"vs {parquet['peak_rss_mb']:,.0f} MB"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "delta.json").write_text(
        json.dumps({"parquet": parquet, "delta": delta, "ratio": ratio}, indent=2)
    )


def report_postgres(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    copy, insert = pair
    print("\npostgresql load of the shop example")
    print(
        f"  fauxdata (generate + COPY) {copy['rows_per_s']:>10,.0f} rows/s, "
        f"executemany INSERT alone {insert['rows_per_s']:>10,.0f} rows/s: "
        f"{copy['rows_per_s'] / insert['rows_per_s']:.1f}x"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "postgres.json").write_text(json.dumps({"copy": copy, "insert": insert}, indent=2))


def report(
    runs: list[dict[str, Any]],
    faker: dict[str, Any],
    arrow: dict[str, Any],
    rel: dict[str, Any] | None,
) -> None:
    verified = [r for r in runs if r.get("verified")] or runs
    largest = max(verified, key=lambda r: r["rows"])
    print("\nratios")
    for run in runs:
        how = "verified" if run.get("verified") else "--no-verify"
        print(
            f"  fauxdata at {run['rows']:>11,} rows ({how}): {run['rows_per_s'] / faker['rows_per_s']:8.0f}x the Faker loop, {run['rows_per_s'] / arrow['rows_per_s']:5.2f}x pyarrow's write alone"
        )
    checks = [
        (
            f"customers at {largest['rows']:,} rows, verified, >= 1,000,000 rows/s",
            largest["rows_per_s"] >= 1_000_000,
            f"{largest['rows_per_s']:,.0f}",
        ),
        (
            ">= 500x the Faker loop (verified, as users run it)",
            largest["rows_per_s"] / faker["rows_per_s"] >= 500,
            f"{largest['rows_per_s'] / faker['rows_per_s']:,.0f}x",
        ),
        (
            "peak RSS < 1.5 GB",
            max(r["peak_rss_mb"] for r in runs) < 1536,
            f"{max(r['peak_rss_mb'] for r in runs):,.0f} MB",
        ),
    ]
    if len(verified) > 1:
        growth = largest["peak_rss_mb"] / verified[0]["peak_rss_mb"]
        checks.append(
            (
                f"peak RSS not growing with rows ({verified[0]['rows']:,} -> {largest['rows']:,})",
                growth < 1.5,
                f"x{growth:.2f}",
            )
        )
    if rel is not None:
        checks.append(
            (
                "relational shop >= 1,000,000 rows/s",
                rel["rows_per_s"] >= 1_000_000,
                f"{rel['rows_per_s']:,.0f} ({rel['tables']})",
            )
        )
        checks.append(
            (
                "relational peak RSS < 2 GB",
                rel["peak_rss_mb"] < 2048,
                f"{rel['peak_rss_mb']:,.0f} MB",
            )
        )
    print("\ntargets")
    for label, ok, value in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}: {value}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(
        json.dumps(
            {
                "fauxdata": runs,
                "faker": faker,
                "pyarrow": arrow,
                "relational": rel,
                "targets": [{"target": c[0], "pass": c[1], "value": c[2]} for c in checks],
            },
            indent=2,
        )
    )
    print(f"\nresults in {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
