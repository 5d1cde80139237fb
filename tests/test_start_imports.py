"""Every command starts without the modules only some specs need, and no run imports
pandas:

- SciPy (normal and lognormal shapes, synthesis): 0.3-0.5 CPU-s;
- sqlglot (CHECK conditions, and SQL expressions that can divide): 0.1 CPU-s;
- the free-text detectors with ``phonenumbers``: 0.15 CPU-s;
- pandas, which ``pa.array`` imported for every sentence column and foreign-key check:
  0.3-0.6 CPU-s.

Together they were a quarter of a TPC-H SF1 run's serial start and half of every CLI
call's. The features that need them import them on first use, which the second test
holds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

OPTIONAL = (
    "scipy",
    "sqlglot",
    "phonenumbers",
    "fauxdata.text.detect",
    "fauxdata.synth.quality",
    "pandas",
)

PLAIN = """
name: plain
seed: 3
tables:
  orders:
    rows: 2000
    primary_key: id
    columns:
      id: {type: bigint, generator: sequence}
      placed: {generator: {kind: date, start: 2024-01-01, end: 2024-12-31}}
      amount: {type: "decimal(10,2)", generator: {kind: uniform, min: 1, max: 500, decimals: 2}}
      status: {type: text, generator: {kind: choice, values: [new, paid, shipped]}}
      note: {type: varchar(40), generator: {kind: sentence, min_length: 10, max_length: 39}}
      remark: {type: varchar(30), generator: sentence}
      doubled: {type: bigint, generator: {kind: sql, expression: "id * 2 + 1"}}
  lines:
    per: {table: orders, count: {kind: range, min: 1, max: 4}}
    primary_key: [order_id, line]
    columns:
      order_id: {generator: {kind: foreign_key, references: orders.id}}
      line: {type: integer, generator: child_number}
      shipped: {generator: {kind: after, column: order_id.placed, min_delay: 1d, max_delay: 9d}}
      comment: {type: text, generator: {kind: sentence, min_length: 5, max_length: 20, pool: 2000}}
"""

NEEDS_ALL = """
name: needs
seed: 3
tables:
  orders:
    rows: 500
    primary_key: id
    checks: ["amount >= 0"]
    columns:
      id: {type: bigint, generator: sequence}
      amount: {type: double, generator: {kind: normal, mean: 50, std: 5, min: 0}}
      placed: {generator: {kind: date, start: 2024-01-01, end: 2024-12-31, distribution: normal}}
      double: {type: double, generator: {kind: sql, expression: "amount * 2 / 1"}}
      note: {type: text, generator: {kind: free_text, entities: [person, phone]}}
"""

RUN = """
import json, sys
import fauxdata.cli.main
from fauxdata.run import generate
result = generate(sys.argv[1], sys.argv[2])
assert result.report is not None and result.report.passed, result.report
print(json.dumps(sorted(m for m in sys.argv[3].split(",") if m in sys.modules)))
"""


def _imported(tmp_path: Path, spec_text: str) -> list[str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(spec_text)
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(spec), f"parquet:{tmp_path / 'out'}", ",".join(OPTIONAL)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_the_cli_and_a_plain_generate_run_import_no_optional_module(tmp_path: Path) -> None:
    assert _imported(tmp_path, PLAIN) == []
    assert (tmp_path / "out" / "orders.parquet").is_file()
    assert (tmp_path / "out" / "lines.parquet").is_file()


def test_a_spec_that_needs_them_imports_them_on_first_use(tmp_path: Path) -> None:
    loaded = _imported(tmp_path, NEEDS_ALL)
    assert {"scipy", "sqlglot"} <= set(loaded)
    assert (tmp_path / "out" / "orders.parquet").is_file()
