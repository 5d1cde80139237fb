"""Rows per second for each schema of the corpus (tests/corpus/), for the README.

    python benchmarks/corpus.py               # 2,000 rows per entity table (--rows scale)
    python benchmarks/corpus.py --rows 500 --only adventureworks,underpass_postgis

Each schema is loaded into a PostgreSQL or MariaDB server this script starts, read by
`fauxdata init --rows N`, and generated into a second copy with every constraint
enforced; rows/s is `generate` end to end (start-up, generation, load, read-back and
verification), as tests/test_corpus.py runs it at 60 rows.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the server launchers and the corpus loader live with the tests
from tests.support import mariadb, postgres  # noqa: E402
from tests.support.corpus import (  # noqa: E402
    MYSQL,
    POSTGRES,
    mysql_database,
    postgres_database,
    regenerate,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--only", default="", help="comma-separated schema names")
    args = parser.parse_args()
    only = {n for n in args.only.split(",") if n}
    wanted = [(n, "postgres") for n in POSTGRES] + [(n, "mariadb") for n in MYSQL]
    wanted = [(n, kind) for n, kind in wanted if not only or n in only]
    print("| schema | database | tables | rows | rows/s |")
    print("| --- | --- | ---: | ---: | ---: |")
    servers = {"postgres": postgres.running_server, "mariadb": mariadb.running_server}
    for kind in sorted({kind for _, kind in wanted}):
        # The server's folder is its own, as in the tests: the launcher hands it to the
        # server's user, who could not enter a folder of root's.
        home = Path(tempfile.mkdtemp(prefix=f"fauxdata-corpus-{kind}-"))
        work = Path(tempfile.mkdtemp(prefix="fauxdata-corpus-specs-"))
        try:
            with servers[kind](home) as server:
                for name in [n for n, k in wanted if k == kind]:
                    _measure(kind, server, name, work / name, args.rows)
        finally:
            shutil.rmtree(home, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)


def _measure(kind: str, server: str, name: str, folder: Path, rows: int) -> None:
    load = postgres_database if kind == "postgres" else mysql_database
    source, dev = load(server, f"{name}__src"), load(server, f"{name}__dev")
    folder.mkdir()
    done = regenerate(source, dev, folder, rows)
    if done.returncode != 0 or done.failed:
        reason = done.failed[:3] or done.stderr.strip().splitlines()[-1:]
        print(f"| {name} | {kind} | - | - | failed: {'; '.join(reason)} |", flush=True)
        return
    rate = done.rows / done.seconds
    print(f"| {name} | {kind} | {len(done.tables)} | {done.rows:,} | {rate:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
