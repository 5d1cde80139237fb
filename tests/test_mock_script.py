"""The generation script ``fauxdata mock`` saves: valid, lint-clean Python with no secret."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fauxdata.mock_script import ScriptRun, render, write_script


def _run(target: str, tmp_path: Path) -> ScriptRun:
    return ScriptRun(
        source="alexis",
        spec_path=tmp_path / "docs" / "templates" / "alexis" / "spec.yaml",
        seed=42,
        rows={"employees": 500, "teams": 12},
        target=target,
        template_version=3,
        extracted_at="2026-11-30T09:00:00+00:00",
    )


@pytest.mark.parametrize(
    "target", ["delta:{root}/bronze", "parquet:{root}/out", "duckdb:///{root}/out/mock.duckdb"]
)
def test_the_script_is_lint_clean_python_with_relative_paths(tmp_path: Path, target: str) -> None:
    script = write_script(tmp_path / "scripts", _run(target.format(root=tmp_path), tmp_path))
    text = script.read_text()
    compile(text, str(script), "exec")
    assert str(tmp_path) not in text
    assert '"employees": 500' in text and "SEED = 42" in text and "v3" in text
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "E,F,W,I,B,UP", "--line-length", "100",
         "--no-cache", str(script)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_a_database_password_never_lands_in_the_script(tmp_path: Path) -> None:
    text = render(_run("postgresql://dev:hunter2-pw@localhost/dev", tmp_path), tmp_path)
    assert "hunter2-pw" not in text and "localhost" not in text
    assert 'TARGET = os.environ["FAUXDATA_MOCK_TARGET"]' in text and "import os" in text
    compile(text, "script", "exec")
