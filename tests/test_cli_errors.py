"""Inputs that ended in an internal error (exit 70) are one line with the path or flag.

Each runs through the real command line; none may print a traceback or a password.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import fauxdata

SPEC = """
name: small
tables:
  t:
    rows: 3
    columns:
      id: {generator: sequence}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "small.yaml").write_text(SPEC)
    return tmp_path


def _one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode not in (0, 70), done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    return done.stderr.strip()


def test_an_unquoted_impossible_date_names_its_path(folder: Path) -> None:
    (folder / "d.yaml").write_text(
        "name: d\ntables:\n  t:\n    rows: 3\n    columns:\n"
        "      d: {generator: {kind: date, start: 2023-02-30, end: 2024-01-01}}\n"
    )
    line = _one_line(fauxdata("check", "d.yaml", cwd=folder))
    assert "tables.t.columns.d.generator.date.start" in line and "'2023-02-30'" in line


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://me:s3cret@localhost:abc/db", "--to: the port of the database URL is not a number; found 'abc'"),
        ("mysql+pymysql://me:s3cret@localhost:port/db", "found 'port'"),
        ("oracle+bogus://me:s3cret@h/db", "--to: unknown database driver 'oracle+bogus'"),
    ],
)  # fmt: skip
def test_database_urls_are_checked_before_connecting(folder: Path, url: str, expected: str) -> None:
    line = _one_line(fauxdata("generate", "small.yaml", "--to", url, cwd=folder))
    assert expected in line and "s3cret" not in line


def test_init_from_a_url_whose_port_is_not_a_number(folder: Path) -> None:
    done = fauxdata(
        "init", "--from", "postgresql://me@localhost:5x/db", "--out", "x.yaml", cwd=folder
    )
    assert "--from: the port of the database URL is not a number; found '5x'" in _one_line(done)


def test_a_mysql_url_without_its_driver_names_the_extra(folder: Path) -> None:
    """The drivers are hidden from the child process, as on a machine without them."""
    code = (
        "import sys\n"
        "for name in ('pymysql', 'MySQLdb'): sys.modules[name] = None\n"
        "import importlib.util\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda n, *a: None if n in ('pymysql', 'MySQLdb') else real(n, *a)\n"
        "from fauxdata.cli.main import main\n"
        "sys.argv = ['fauxdata', 'generate', 'small.yaml', '--to', 'mysql://me:s3cret@localhost/db']\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=folder
    )
    line = _one_line(done)
    assert "--to: the mysql driver is not installed" in line
    assert "pip install 'fauxdata[mysql]'" in line and "s3cret" not in line


def test_a_300_character_table_name(folder: Path) -> None:
    name = "t" * 300
    (folder / "long.yaml").write_text(SPEC.replace("  t:", f"  {name}:"))
    line = _one_line(fauxdata("generate", "long.yaml", "--to", "parquet:out", cwd=folder))
    assert "tables: table name of 300 characters" in line and "expected at most 63" in line
    assert not (folder / "out").exists()


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("generate", "small.yaml", "--to", "xml:out"), "--to"),
        (("generate", "small.yaml", "--to", "parquet://host/out"), "--to"),
        (("validate", "small.yaml", "--data", "xml:out"), "--data"),
        (("scenario", "run", "baseline", "--to", "xml:out"), "--to"),
    ],
)
def test_a_target_flag_that_names_no_format_is_a_usage_error(
    folder: Path, args: tuple[str, ...], flag: str
) -> None:
    """A mistyped --to/--data is the user's usage error (exit 2), not a failed run (exit 1)."""
    done = fauxdata(*args, cwd=folder)
    line = _one_line(done)
    assert done.returncode == 2, line
    assert line.startswith(f"error {flag}:"), line
