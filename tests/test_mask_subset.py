"""Subset closure is a fixpoint: a schema where one pass down and up is not enough.

Departments and employees reference each other (``departments.head_id`` and
``employees.department_id``, a cycle), and employees reference their manager (a
self-reference). Each parent pulled in has a parent or children of its own to pull
in, several rounds deep.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from fauxdata.mask.workflow import mask

ORG_SPEC = """
name: org
environment: dev
tables:
  departments:
    mode: mask
    primary_key: id
    foreign_keys: [{columns: head_id, references: {table: employees, columns: id}}]
    columns:
      id: {type: integer, mask: key}
      name: {type: text, mask: passthrough}
      head_id: {type: integer, nullable: true, mask: key}
  employees:
    mode: mask
    primary_key: id
    foreign_keys:
      - {columns: department_id, references: {table: departments, columns: id}}
      - {columns: manager_id, references: {table: employees, columns: id}}
    columns:
      id: {type: integer, mask: key}
      name: {type: text, mask: passthrough}
      department_id: {type: integer, mask: key}
      manager_id: {type: integer, nullable: true, mask: key}
"""

HEADS = {1: 2, 2: 3}  # department -> its head; the others have none
EMPLOYEES = {  # employee -> (department, manager)
    1: (1, None), 2: (2, None), 3: (3, 5), 4: (4, None), 5: (5, None), 6: (6, None),
    7: (1, None), 8: (1, None), 9: (1, None), 10: (1, None), 11: (2, None),
    12: (3, 4), 13: (4, None), 14: (6, None),
}  # fmt: skip


@pytest.fixture
def org(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("MASK_KEY", "subset-fixpoint-test-key-0123456789")
    path = tmp_path / "org.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE departments (id INTEGER PRIMARY KEY, name VARCHAR, head_id INTEGER)")
    con.execute(
        "CREATE TABLE employees (id INTEGER PRIMARY KEY, name VARCHAR, "
        "department_id INTEGER NOT NULL, manager_id INTEGER)"
    )
    con.executemany(
        "INSERT INTO departments VALUES (?, ?, ?)",
        [(d, f"d{d}", HEADS.get(d)) for d in range(1, 7)],
    )
    con.executemany(
        "INSERT INTO employees VALUES (?, ?, ?, ?)",
        [(e, f"e{e}", d, m) for e, (d, m) in EMPLOYEES.items()],
    )
    con.close()
    spec = tmp_path / "org.yaml"
    spec.write_text(ORG_SPEC)
    return path, spec


def _names(folder: Path, table: str) -> set[str]:
    return set(pl.read_parquet(folder / f"{table}.parquet").get_column("name").to_list())


def test_parents_closed_through_a_cycle_and_a_self_reference(
    org: tuple[Path, Path], tmp_path: Path
) -> None:
    """e1 -> d1 -> head e2 -> d2 -> head e3 -> d3, and e3's manager e5 -> d5 (both
    tables subset, so neither is kept whole)."""
    source, spec = org
    out = tmp_path / "one"
    result = mask(spec, str(source), f"parquet:{out}", key="env:MASK_KEY",
                  subset=["employees: id = 1", "departments: id = 1"])  # fmt: skip
    assert result.verification is not None and result.verification.passed
    assert _names(out, "employees") == {"e1", "e2", "e3", "e5"}
    assert _names(out, "departments") == {"d1", "d2", "d3", "d5"}


def test_children_of_parents_pulled_in_are_kept_until_nothing_grows(
    org: tuple[Path, Path], tmp_path: Path
) -> None:
    """d1's employees; d1's head e2 pulls in d2, whose employees (e11) come along; d2's
    head e3 pulls in d3 and its employees; e12's manager e4 pulls in d4 and e13; e3's
    manager e5 pulls in d5. d6 and its employees stay out."""
    source, spec = org
    out = tmp_path / "children"
    result = mask(spec, str(source), f"parquet:{out}", key="env:MASK_KEY",
                  subset=["departments: id = 1"], subset_children=True)  # fmt: skip
    assert result.verification is not None and result.verification.passed
    assert _names(out, "departments") == {"d1", "d2", "d3", "d4", "d5"}
    assert _names(out, "employees") == {f"e{i}" for i in (1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13)}
