"""A mask run loads no heavy module it does not use: pandas (pyarrow's ``to_numpy``
imported it inside verification, 0.24 CPU-s serial after the last write) and Mimesis'
package (the mockers imported it to find a folder, 0.16-0.24 CPU-s)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

SPEC = """
name: imports
tables:
  customers:
    mode: mask
    primary_key: id
    columns:
      id: {type: bigint, mask: key}
      first_name: {type: text, mask: {kind: mock, generator: first_name}}
      email: {type: text, mask: email}
      phone: {type: text, mask: hash}
"""

RUN = """
import sys
from fauxdata.mask.workflow import mask
mask(sys.argv[1], sys.argv[2], sys.argv[3], key="env:FAUXDATA_TEST_KEY")
print(sorted(m for m in ("pandas", "mimesis") if m in sys.modules))
"""


def test_a_mask_run_imports_neither_pandas_nor_mimesis(tmp_path: Path) -> None:
    source = tmp_path / "source.duckdb"
    with duckdb.connect(str(source)) as con:
        con.execute(
            "CREATE TABLE customers AS SELECT i AS id, 'Anna' AS first_name, "
            "'user' || i || '@mail.example' AS email, '+31 6 ' || (10000000 + i) AS phone "
            "FROM range(5000) t(i)"
        )
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC)
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(spec), str(source), f"parquet:{tmp_path / 'out'}"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "FAUXDATA_TEST_KEY": "a-test-key-of-enough-length-0123456789"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "out" / "customers.parquet").is_file()
