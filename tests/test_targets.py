"""Targets say what they mean: relative paths, absolute URLs, and refusals that explain."""

from __future__ import annotations

from pathlib import Path

import pytest

from fauxdata.errors import TargetError
from fauxdata.sinks.target import parse_target
from tests.support.cli import fauxdata

SPEC = """
name: tiny
tables:
  t:
    rows: 3
    primary_key: id
    columns:
      id: {generator: sequence}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "tiny.yaml").write_text(SPEC)
    return tmp_path


def test_three_slashes_are_an_absolute_path(tmp_path: Path) -> None:
    assert parse_target(f"duckdb://{tmp_path}/x.duckdb").path == tmp_path / "x.duckdb"
    assert parse_target(f"duckdb:///{tmp_path}/x.duckdb").path == tmp_path / "x.duckdb"
    assert parse_target(f"parquet://{tmp_path}/out").path == tmp_path / "out"


def test_three_slashes_before_a_missing_folder_are_refused_with_both_readings(
    folder: Path,
) -> None:
    """duckdb:///data/x.duckdb used to write ./data/x.duckdb silently."""
    with pytest.raises(TargetError) as info:
        parse_target("duckdb:///data/fauxdata-nowhere/x.duckdb")
    assert "is the absolute path /data/fauxdata-nowhere/x.duckdb" in info.value.message
    assert "duckdb:data/fauxdata-nowhere/x.duckdb" in info.value.hint
    done = fauxdata("generate", "tiny.yaml", "--to", "duckdb:///data/x.duckdb", cwd=folder)
    assert done.returncode != 0 and "--to: 'duckdb:///data/x.duckdb' is the absolute" in done.stderr
    assert not (folder / "data").exists()


def test_a_host_is_refused() -> None:
    with pytest.raises(TargetError, match="names a host 'out'"):
        parse_target("duckdb://out/x.duckdb")


@pytest.mark.parametrize("to", ["out/x.duckdb", "duckdb:out/x.duckdb"])
def test_relative_forms_write_under_the_current_folder_and_print_the_absolute_path(
    folder: Path, to: str
) -> None:
    done = fauxdata("generate", "tiny.yaml", "--to", to, cwd=folder)
    assert done.returncode == 0, done.stderr
    written = (folder / "out" / "x.duckdb").resolve()
    assert written.exists()
    assert f"Wrote duckdb:{written}" in done.stdout.replace("\n", "")


def test_an_absolute_url_writes_there_and_says_so(
    folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    done = fauxdata("generate", "tiny.yaml", "--to", f"duckdb://{elsewhere}/x.duckdb", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "x.duckdb").exists() and not (folder / elsewhere.name).exists()
    assert f"Wrote duckdb:{elsewhere}/x.duckdb" in done.stdout.replace("\n", "")


def test_the_default_target_is_relative(folder: Path) -> None:
    done = fauxdata("generate", "tiny.yaml", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert (folder / "out" / "tiny.duckdb").exists()
