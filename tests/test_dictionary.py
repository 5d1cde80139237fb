"""The data dictionary follows the spec: every table and column, exact ratios, keys."""

from __future__ import annotations

from pathlib import Path

import pytest

import fauxdata
from fauxdata import dictionary
from fauxdata.formula.shares import branch_shares
from fauxdata.spec import generators as g
from fauxdata.spec import load_spec
from tests.support.cli import fauxdata as cli

ROOT = Path(__file__).resolve().parents[1]
SPECS = [
    ROOT / "examples" / "hr.yaml",
    ROOT / "examples" / "shop.yaml",
    ROOT / "tests" / "golden" / "small.yaml",
]


def test_hr_review_status_ratios_are_documented() -> None:
    text = dictionary.to_markdown(dictionary.build(ROOT / "examples" / "hr.yaml"))
    line = next(row for row in text.splitlines() if row.startswith("| review_status |"))
    assert "PENDING_REVIEW 10.0%, APPROVED 75.0%, REJECTED 15.0%" in line
    line = next(row for row in text.splitlines() if row.startswith("| employment_type |"))
    assert "FULL_TIME 80.0%, PART_TIME 15.0%, CONTRACTOR 5.0%" in line


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_dictionary_covers_every_table_column_and_ratio(path: Path) -> None:
    spec = load_spec(path)
    plan = fauxdata.check(path)
    described = dictionary.build(path)
    assert [t.name for t in described.tables] == list(plan.tables)
    for table in described.tables:
        assert table.rows == plan.tables[table.name].rows
        assert [c.name for c in table.columns] == list(plan.tables[table.name].columns)
        assert table.primary_key == plan.tables[table.name].primary_key
        for column in table.columns:
            gen = plan.tables[table.name].columns[column.name].generator
            if isinstance(gen, g.Choice):
                values, shares = gen.options()
                assert [v for v, _ in column.values] == [str(v) for v in values]
                assert [s for _, s in column.values] == pytest.approx(shares)
            if column.values:
                assert sum(s for _, s in column.values) == pytest.approx(1.0)
    text = dictionary.to_markdown(described)
    for name, table in spec.tables.items():
        assert f"## {name}" in text
        for column in table.columns:
            assert f"| {column} |" in text


def test_branch_shares_of_random_formulas() -> None:
    one = branch_shares('LET(r, RAND(), IF(r < 0.2, "a", IF(r < 0.5, "b", "c")))')
    assert one == [("a", 0.2), ("b", pytest.approx(0.3)), ("c", 0.5)]
    chained = branch_shares('SWITCH(TRUE, RAND() < 0.10, "A", RAND() < 0.85, "B", "C")')
    assert [v for v, _ in chained or []] == ["A", "B", "C"]
    assert [s for _, s in chained or []] == pytest.approx([0.1, 0.765, 0.135])
    assert branch_shares('IFS(RAND() < 0.5, "x", TRUE, "y")') is None  # no fall-through
    assert branch_shares("[a] & [b]") is None
    assert branch_shares("LET(r, RAND(), r * 2)") is None


def test_docs_command_writes_markdown_and_html(tmp_path: Path) -> None:
    done = cli(
        "docs", str(ROOT / "examples" / "hr.yaml"), "--to", str(tmp_path / "hr.md"), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "APPROVED 75.0%" in (tmp_path / "hr.md").read_text()
    done = cli(
        "docs", str(ROOT / "examples" / "hr.yaml"), "--to", str(tmp_path / "hr.html"), cwd=tmp_path
    )
    page = (tmp_path / "hr.html").read_text()
    assert page.startswith("<!doctype html>") and "<td>review_status</td>" in page
    printed = cli("docs", str(ROOT / "examples" / "shop.yaml"), cwd=tmp_path)
    assert printed.stdout.startswith("# Data dictionary: shop")
    bad = cli("docs", str(tmp_path / "missing.yaml"), cwd=tmp_path)
    assert bad.returncode != 0 and "missing.yaml" in bad.stderr
