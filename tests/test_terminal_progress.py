"""Progress bars as a person at a terminal sees them: the real command line on a real
pseudo-terminal, for ``generate`` and ``mask``; and none when output is piped."""

from __future__ import annotations

from pathlib import Path

from tests.support.bank import bank_duckdb
from tests.support.cli import fauxdata, fauxdata_in_terminal

EXAMPLE = Path(__file__).parent.parent / "examples" / "shop.yaml"


def test_generate_draws_a_bar_per_table(tmp_path: Path) -> None:
    code, shown = fauxdata_in_terminal(
        "generate", str(EXAMPLE), "--to", "parquet:out", "--rows", "customers=3000", cwd=tmp_path
    )
    assert code == 0, shown
    for table in ("customers", "orders"):
        assert any(table in line and "rows/s" in line for line in shown.splitlines()), shown


def test_mask_draws_a_bar_per_table_and_none_when_piped(tmp_path: Path) -> None:
    source = bank_duckdb(tmp_path / "bank.duckdb")
    done = fauxdata(
        "init", "--from", str(source), "--mode", "mock-or-mask", "--out", "spec.yaml",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    env = {"MASK_KEY": "correct-horse-battery-staple-42"}
    code, shown = fauxdata_in_terminal(
        "mask", "spec.yaml", "--from", str(source), "--to", "parquet:out",
        "--key", "env:MASK_KEY", cwd=tmp_path, env=env,
    )  # fmt: skip
    assert code == 0, shown
    bars = [line for line in shown.splitlines() if "rows/s" in line]
    for table in ("customers", "accounts", "transactions"):
        assert any(table in line for line in bars), shown
    piped = fauxdata(
        "mask", "spec.yaml", "--from", str(source), "--to", "parquet:piped",
        "--key", "env:MASK_KEY", cwd=tmp_path, env=env,
    )  # fmt: skip
    assert piped.returncode == 0, piped.stderr
    assert "rows/s" not in piped.stdout + piped.stderr
