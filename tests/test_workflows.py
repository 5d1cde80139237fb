"""The workflows are library functions; ``cli/`` only parses, asks and prints.

An AST check keeps workflow logic out of ``src/fauxdata/cli``: no data library
(Polars, DuckDB, SQLAlchemy, ...) and no reach past the workflow layer into the engine,
sinks, introspection, extraction or templates. A subprocess with ``typer`` made
unimportable runs init, scan, generate and preview from Python, collecting the progress
events a face would render.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fauxdata.errors import FauxdataError
from fauxdata.workflows import Dialogue, ProgressEvent

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "src" / "fauxdata" / "cli"

DATA_LIBRARIES = {
    "polars", "duckdb", "sqlalchemy", "pyarrow", "numpy", "deltalake", "pyspark",
    "psycopg", "pymysql", "sqlite3",
}  # fmt: skip
"""What handles data: none of it belongs in a face."""

LIBRARY_FACES = (
    "fauxdata.workflows", "fauxdata.cli", "fauxdata.errors", "fauxdata.run",
    "fauxdata.verify", "fauxdata.publish.signals", "fauxdata.spec.models",
    "fauxdata.service", "fauxdata.scenarios", "fauxdata.mask.workflow", "fauxdata.mask.unmask",
    "fauxdata.mask.preview", "fauxdata.synth.report", "fauxdata.synth.html", "fauxdata.lineage",
    "fauxdata.dictionary", "fauxdata.workspace",
)  # fmt: skip
"""The library's workflow entry points and result renderers, the only fauxdata modules
the CLI may import; the engine, sinks, introspection, extraction, PII scanning,
projects and templates are reached through them."""

FILE_CALLS = {"open", "write_text", "write_bytes", "mkdir", "unlink", "rmtree"}


def _imports(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return names


def _violations(tree: ast.AST) -> list[str]:
    """Imports a face must not make: data libraries, and fauxdata modules past the faces."""

    def data(name: str) -> bool:
        return name.split(".")[0] in DATA_LIBRARIES or name in DATA_LIBRARIES

    def past_faces(name: str) -> bool:
        inside = any(name == face or name.startswith(face + ".") for face in LIBRARY_FACES)
        return name.startswith("fauxdata.") and not inside

    return [name for name in _imports(tree) if data(name) or past_faces(name)]


def _modules() -> list[Path]:
    found = sorted(CLI.glob("*.py"))
    assert len(found) >= 8, found  # the check must see the CLI
    return found


@pytest.mark.parametrize("module", _modules(), ids=lambda p: p.name)
def test_cli_modules_only_import_library_faces(module: Path) -> None:
    tree = ast.parse(module.read_text(), str(module))
    assert _violations(tree) == [], f"{module.name} reaches past the workflows"


@pytest.mark.parametrize("module", _modules(), ids=lambda p: p.name)
def test_cli_modules_write_no_files(module: Path) -> None:
    """Writing output (specs, templates, models, scripts) is a workflow's job."""
    tree = ast.parse(module.read_text(), str(module))
    calls = [
        node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name)
    ]
    assert [c for c in calls if c in FILE_CALLS] == [], module.name


def test_the_check_catches_a_cli_that_handles_data() -> None:
    """The AST check fails on the kind of code it exists to keep out."""
    bad = ast.parse(
        "import polars as pl\nfrom fauxdata.extract import extract\n"
        "from fauxdata import templates\n"
        "def cmd():\n    from fauxdata.engine.engine import Engine\n"
    )
    assert _violations(bad) == [
        "polars", "fauxdata.extract", "fauxdata.extract.extract", "fauxdata.templates",
        "fauxdata.engine.engine", "fauxdata.engine.engine.Engine",
    ]  # fmt: skip
    good = ast.parse("from fauxdata.workflows import init\nfrom fauxdata import run\n")
    assert _violations(good) == []


def test_an_unattended_question_names_its_option() -> None:
    with pytest.raises(FauxdataError) as caught:
        Dialogue().yes_no("Proceed with generation?", "--yes")
    assert caught.value.path == "--yes" and caught.value.code == "unattended"
    assert "no terminal to answer: Proceed with generation?" in str(caught.value)


SCRIPT = r"""
import json, sqlite3, sys
from pathlib import Path
sys.modules["typer"] = None  # importing typer now fails: the library must not need it

from fauxdata.workflows import (
    Dialogue, GenerateOptions, InitOptions, ScanOptions, generate, init, preview, scan,
)

work = Path(sys.argv[1])
db = work / "crm.db"
con = sqlite3.connect(db)
con.executescript('''
CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(120) NOT NULL,
                        first_name VARCHAR(40), birth_date DATE);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
                     amount DECIMAL(10,2));
''')
con.close()
made = init(InitOptions(work / "crm.yaml", source=f"sqlite:///{db}", rows=300))
(work / "people.csv").write_text("name,email\nAda Lovelace,ada@example.com\nAlan Turing,alan@example.org\n")
found = scan(ScanOptions(str(work / "people.csv")))
events = []
ui = Dialogue(on_progress=events.append, job="job-1")
run = generate(GenerateOptions(made.out, f"parquet:{work / 'out'}", seed=5), ui)
first = preview(made.out, "orders", 3)
print(json.dumps({
    "typer": "typer" in sys.modules and sys.modules["typer"] is not None,
    "tables": made.tables, "columns": made.columns,
    "pii": sorted(f"{f.table}.{f.column}" for f in made.findings),
    "scan": sorted(f"{f.column}:{f.category}" for f in found.findings),
    "rows": {n: t.rows for n, t in run.tables.items()},
    "passed": run.report.passed,
    "events": [[e.job, e.table, e.done, e.total, e.phase] for e in events],
    "preview": len(first.rows()),
}))
"""


def test_workflows_run_from_python_without_typer(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["typer"] is False
    assert (out["tables"], out["passed"], out["preview"]) == (2, True, 3)
    assert "customers.email" in out["pii"] and "email:email" in out["scan"]
    events = [ProgressEvent(t, d, n, p, j) for j, t, d, n, p in out["events"]]
    assert {e.job for e in events} == {"job-1"} and {e.phase for e in events} == {"generate"}
    for table, rows in out["rows"].items():
        mine = [e for e in events if e.table == table]
        assert mine[0].done == 0 and mine[-1].done == rows == mine[-1].total
        assert [e.done for e in mine] == sorted(e.done for e in mine)


def test_the_terminal_draws_progress_events_as_bars(tmp_path: Path) -> None:
    """The same events, drawn by the CLI: a Rich bar per table in a real terminal."""
    import os

    import pexpect

    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm", "NO_COLOR": "1"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "fauxdata.cli", "generate", str(ROOT / "examples" / "shop.yaml"),
         "--rows", "customers=400000", "--tables", "customers", "--no-verify",
         "--block-size", "20000", "--to", f"parquet:{tmp_path / 'out'}"],
        cwd=str(tmp_path), env=env, encoding="utf-8", timeout=240, dimensions=(40, 160),
    )  # fmt: skip
    child.expect(r"customers\s+\S*\s+\d[\d,]*/400[,]?000")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
