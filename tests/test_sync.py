"""`fauxdata sync`: schema drift found, reported and applied, keeping what the user wrote.

The PostgreSQL test alters a real schema after `init` and checks the whole loop: drift
reported (and a CI exit code), the spec rewritten with the user's comments and
generators intact, and the rewritten spec loading into the altered schema. The DuckDB
tests cover each kind of change on a file database, which is quick to alter.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import psycopg
import pytest

from tests.support.cli import fauxdata as cli

ALTERATIONS = """
DROP VIEW active_employees;
ALTER TABLE employees ADD COLUMN nickname varchar(20);
ALTER TABLE employees DROP COLUMN photo;
ALTER TABLE employees ALTER COLUMN phone TYPE varchar(40);
ALTER TABLE employees ALTER COLUMN phone SET NOT NULL;
ALTER TYPE employment_type ADD VALUE 'intern';
ALTER TABLE projects DROP CONSTRAINT projects_dept_id_fkey;
ALTER TABLE projects ADD CONSTRAINT title_long CHECK (length(title) >= 3);
CREATE TABLE badges (
    badge_id serial PRIMARY KEY,
    employee_id uuid NOT NULL REFERENCES employees (employee_id),
    issued_on date NOT NULL
);
"""


def _alter(url: str, sql: str = ALTERATIONS) -> None:
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(sql)


def test_sync_on_postgresql(hr_database: str, dev_database: str, tmp_path: Path) -> None:
    spec = tmp_path / "workspaces" / "baseline" / "hr.yaml"
    assert (
        cli(
            "init", "--from", hr_database, "--out", str(spec), "--rows", "60", cwd=tmp_path
        ).returncode
        == 0
    )
    text = spec.read_text()
    salary = text.index("      salary:")
    end = text.index("      bonus:")
    mine = (
        "      # salaries are banded by the 2026 pay scale\n"
        "      salary: # my band\n"
        "        type: decimal(10,2)\n"
        "        generator: {kind: uniform, min: 2500, max: 9000, decimals: 2}\n"
    )
    spec.write_text(text[:salary] + mine + text[end:])

    clean = cli("sync", str(spec), "--from", hr_database, "--check", cwd=tmp_path)
    assert clean.returncode == 0, clean.stderr
    assert "no drift" in clean.stdout

    _alter(hr_database)
    duplicated = cli("workspace", "duplicate", "baseline", "v2", cwd=tmp_path)
    assert duplicated.returncode == 0, duplicated.stderr
    baseline, spec = spec, tmp_path / "workspaces" / "v2" / "hr.yaml"
    drift = cli("sync", str(spec), "--from", hr_database, "--check", "--json", cwd=tmp_path)
    assert drift.returncode == 1, drift.stderr
    found = {
        (c["change"], c["kind"], c["table"], c["column"])
        for c in json.loads(drift.stdout)["changes"]
    }
    assert found == {
        ("added", "table", "badges", None),
        ("added", "column", "employees", "nickname"),
        ("removed", "column", "employees", "photo"),
        ("changed", "type", "employees", "phone"),
        ("changed", "nullability", "employees", "phone"),
        ("changed", "values", "employees", "employment"),
        ("added", "check", "projects", None),
    }  # the dropped constraint is no drift: the spec keeps projects.dept_id as a virtual FK
    assert json.loads(drift.stdout)["virtual_foreign_keys"] == [
        "projects: (dept_id) -> departments(dept_id)"
    ]
    assert spec.read_text().count("photo") == 1  # --check changes nothing

    applied = cli("sync", str(spec), "--from", hr_database, "--apply", cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    assert "virtual foreign key projects: (dept_id) -> departments(dept_id)" in applied.stdout
    assert "generator replaced" not in applied.stdout
    assert "review projects.title" in applied.stdout
    text = spec.read_text()
    assert "# salaries are banded by the 2026 pay scale" in text and "# my band" in text
    assert "min: 2500" in text  # the user's generator survived
    assert "photo" not in text and "nickname:" in text and "badges:" in text
    assert "- intern" in text and "type: varchar(40)" in text

    again = cli("sync", str(spec), "--from", hr_database, "--check", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "photo" in baseline.read_text()  # the known-good version is untouched

    versions = cli("workspace", "diff", "baseline", "v2", "--json", cwd=tmp_path)
    assert versions.returncode == 1
    paths = {d["path"] for d in json.loads(versions.stdout)}
    assert {
        "tables.badges",
        "tables.employees.columns.photo",
        "tables.employees.columns.nickname",
    } <= paths

    _alter(dev_database)
    loaded = cli("generate", str(spec), "--to", dev_database, "--truncate", "--json", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    result = json.loads(loaded.stdout)
    assert result["verification"]["passed"]
    with psycopg.connect(dev_database) as con:
        assert con.execute("SELECT count(*) FROM badges").fetchone()[0] == 60  # type: ignore[index]
        assert con.execute("SELECT count(*) FROM employees WHERE phone IS NULL").fetchone()[0] == 0  # type: ignore[index]
        salaries = con.execute("SELECT min(salary), max(salary) FROM employees").fetchone()
        assert salaries is not None and salaries[0] >= 2500 and salaries[1] <= 9000


def _duckdb(path: Path, sql: str) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(sql)
    finally:
        con.close()


BASE = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR NOT NULL, tier VARCHAR NOT NULL
    CHECK (tier IN ('gold', 'silver')), signed_up DATE NOT NULL, notes VARCHAR);
CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id),
    total DECIMAL(10, 2) NOT NULL);
CREATE TABLE legacy (id INTEGER PRIMARY KEY);
"""


@pytest.fixture
def duck(tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "source.duckdb"
    _duckdb(source, BASE)
    spec = tmp_path / "spec.yaml"
    done = cli("init", "--from", str(source), "--out", str(spec), "--rows", "40", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return source, spec


def _recreate(source: Path, sql: str) -> None:
    source.unlink()
    _duckdb(source, sql)


def test_no_drift_right_after_init(duck: tuple[Path, Path], tmp_path: Path) -> None:
    _, spec = duck
    done = cli("sync", str(spec), "--check", cwd=tmp_path)  # --from defaults to the spec's source
    assert done.returncode == 0 and "no drift" in done.stdout, done.stdout + done.stderr


def test_keys_values_and_types_are_followed(duck: tuple[Path, Path], tmp_path: Path) -> None:
    source, spec = duck
    text = spec.read_text()
    text = text.replace(
        "            - gold\n            - silver\n",
        "            gold: 0.2\n            silver: 0.8\n",
    )
    spec.write_text("# team notes: keep this header\n" + text)
    _recreate(
        source,
        """
        CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR NOT NULL UNIQUE,
            tier VARCHAR NOT NULL CHECK (tier IN ('gold', 'silver', 'bronze')),
            signed_up DATE NOT NULL, notes INTEGER);
        CREATE TABLE orders (id BIGINT, line INTEGER, customer_id INTEGER NOT NULL
            REFERENCES customers (id), total DECIMAL(10, 2) NOT NULL, PRIMARY KEY (id, line));
        """,
    )
    drift = cli("sync", str(spec), "--json", cwd=tmp_path)
    assert drift.returncode == 0  # without --check, drift is reported, not failed
    changes = {
        (c["kind"], c["table"], c["column"], c["was"], c["now"])
        for c in json.loads(drift.stdout)["changes"]
    }
    assert ("table", "legacy", None, "1 columns", None) in changes
    assert ("unique", "customers", None, None, "(email)") in changes
    assert ("primary key", "orders", None, "(id)", "(id, line)") in changes
    assert ("values", "customers", "tier", "gold, silver", "gold, silver, bronze") in changes
    assert ("type", "customers", "notes", "text", "integer") in changes

    applied = cli("sync", str(spec), "--apply", "--json", cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    report = json.loads(applied.stdout)
    assert report["applied"] and sorted(report["replaced_generators"]) == [
        "customers.notes: the old one no longer fits",
        "customers.tier: its weighted values no longer match the allowed set",
    ]
    text = spec.read_text()
    assert text.startswith("# team notes: keep this header")
    assert (
        "legacy" not in text
        and "- bronze" in text
        and "primary_key:\n      - id\n      - line" in text
    )
    assert cli("sync", str(spec), "--check", cwd=tmp_path).returncode == 0
    out = tmp_path / "out.duckdb"
    generated = cli("generate", str(spec), "--to", str(out), cwd=tmp_path)
    assert generated.returncode == 0, generated.stdout + generated.stderr


def test_a_composite_foreign_key_appears(duck: tuple[Path, Path], tmp_path: Path) -> None:
    source, spec = duck
    _recreate(
        source,
        BASE
        + """
        CREATE TABLE shipments (order_id BIGINT NOT NULL, customer_id INTEGER NOT NULL,
            PRIMARY KEY (order_id, customer_id));
        CREATE TABLE parcels (id INTEGER PRIMARY KEY, order_id BIGINT, customer_id INTEGER,
            FOREIGN KEY (order_id, customer_id) REFERENCES shipments (order_id, customer_id));
        """,
    )
    assert cli("sync", str(spec), "--apply", cwd=tmp_path).returncode == 0
    text = spec.read_text()
    assert "shipments:" in text and "parcels:" in text and "references:\n" in text
    assert cli("sync", str(spec), "--check", cwd=tmp_path).returncode == 0


def test_a_check_changed_on_a_kept_generator_is_flagged(
    duck: tuple[Path, Path], tmp_path: Path
) -> None:
    source, spec = duck
    _recreate(
        source,
        BASE.replace(
            "total DECIMAL(10, 2) NOT NULL", "total DECIMAL(10, 2) NOT NULL CHECK (total >= 5)"
        ),
    )
    done = cli("sync", str(spec), "--apply", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "+ check orders: total >= 5" in done.stdout
    assert "review orders.total: a CHECK on it changed" in done.stdout
    assert "- total >= 5" in spec.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--check", "--apply"], "give one of them, not both"),
        (["--from", "nowhere.duckdb"], "--from: DuckDB file nowhere.duckdb not found"),
        (["--from", "postgresql://me:secret@127.0.0.1:1/x"], "cannot connect"),
        (["--tables", "custmers"], "--tables: table 'custmers' not found"),
    ],
)
def test_bad_input_is_one_line(
    duck: tuple[Path, Path], tmp_path: Path, args: list[str], message: str
) -> None:
    _, spec = duck
    before = spec.read_text()
    done = cli("sync", str(spec), *args, cwd=tmp_path)
    assert done.returncode in (1, 2), done.stdout + done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr and "secret" not in done.stderr
    assert spec.read_text() == before


def test_a_spec_without_a_source_needs_from(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "name: s\ntables:\n  t:\n    rows: 1\n    columns:\n      a: {generator: sequence}\n"
    )
    done = cli("sync", str(spec), cwd=tmp_path)
    assert (
        done.returncode == 1
        and "--from: the spec records no source (pass --from URL)" in done.stderr
    )


BADGES = """
CREATE TABLE badges (
    badge_id serial PRIMARY KEY,
    issuer uuid NOT NULL,
    holder uuid NOT NULL,
    project varchar(12) NOT NULL,
    issued_on date NOT NULL
);
"""


def test_virtual_foreign_keys_survive_sync(
    hr_database: str, dev_database: str, tmp_path: Path
) -> None:
    """Before, sync reported a key the database does not declare as removed, and --apply
    put back a uniform generator over the user's foreign_key one."""
    from fauxdata.spec.yaml_io import dump_yaml, round_trip

    _alter(hr_database, BADGES)
    _alter(dev_database, BADGES)
    spec = tmp_path / "hr.yaml"
    made = cli("init", "--from", hr_database, "--out", str(spec), "--rows", "30", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    doc = round_trip().load(spec.read_text())
    badges = doc["tables"]["badges"]
    badges["columns"]["issuer"]["generator"] = {
        "kind": "foreign_key",
        "references": "employees.employee_id",
    }
    badges["columns"]["holder"]["generator"] = {
        "kind": "foreign_key",
        "references": "assignments.employee_id",
    }
    badges["columns"]["project"]["generator"] = {"kind": "lookup", "column": "holder.project_code"}
    badges["foreign_keys"] = [
        {
            "columns": ["holder", "project"],
            "references": {"table": "assignments", "columns": ["employee_id", "project_code"]},
        }
    ]
    spec.write_text(dump_yaml(doc))
    virtual = [
        "badges: (holder, project) -> assignments(employee_id, project_code)",
        "badges: (issuer) -> employees(employee_id)",
    ]

    clean = cli("sync", str(spec), "--check", "--json", cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr  # a virtual key is no drift
    report = json.loads(clean.stdout)
    assert report["changes"] == [] and report["virtual_foreign_keys"] == virtual

    _alter(hr_database, "ALTER TABLE badges ADD COLUMN note text;")
    _alter(dev_database, "ALTER TABLE badges ADD COLUMN note text;")
    applied = cli("sync", str(spec), "--apply", cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "+ column badges.note" in applied.stdout
    for key in virtual:
        assert f"virtual foreign key {key}" in applied.stdout
    assert "generator replaced" not in applied.stdout
    kept = round_trip().load(spec.read_text())["tables"]["badges"]
    assert kept["columns"]["issuer"]["generator"]["kind"] == "foreign_key"
    assert kept["foreign_keys"][0]["references"]["table"] == "assignments"

    loaded = cli("generate", str(spec), "--to", dev_database, "--json", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["verification"]["passed"]
    with psycopg.connect(dev_database) as con:
        orphans = con.execute(
            "SELECT count(*) FROM badges b WHERE NOT EXISTS (SELECT 1 FROM employees e WHERE e.employee_id = b.issuer)"
            " OR NOT EXISTS (SELECT 1 FROM assignments a WHERE a.employee_id = b.holder AND a.project_code = b.project)"
        ).fetchone()
        assert orphans == (0,)


def test_a_declared_composite_key_joins_a_virtual_one(tmp_path: Path) -> None:
    from fauxdata.spec.yaml_io import dump_yaml, round_trip

    tables = (
        BASE
        + """
        CREATE TABLE shipments (order_id BIGINT NOT NULL, customer_id INTEGER NOT NULL,
            PRIMARY KEY (order_id, customer_id));
        CREATE TABLE parcels (id INTEGER PRIMARY KEY, order_id BIGINT NOT NULL,
            customer_id INTEGER NOT NULL, back_order BIGINT, back_customer INTEGER
    """
    )
    source = tmp_path / "source.duckdb"
    _duckdb(source, tables + ");")
    spec = tmp_path / "spec.yaml"
    assert cli("init", "--from", str(source), "--out", str(spec), cwd=tmp_path).returncode == 0
    doc = round_trip().load(spec.read_text())
    parcels = doc["tables"]["parcels"]
    parcels["columns"]["order_id"]["generator"] = {
        "kind": "foreign_key",
        "references": "shipments.order_id",
    }
    parcels["columns"]["customer_id"]["generator"] = {
        "kind": "lookup",
        "column": "order_id.customer_id",
    }
    parcels["foreign_keys"] = [
        {
            "columns": ["order_id", "customer_id"],
            "references": {"table": "shipments", "columns": ["order_id", "customer_id"]},
        }
    ]
    spec.write_text(dump_yaml(doc))
    _recreate(
        source,
        tables
        + ", FOREIGN KEY (back_order, back_customer) REFERENCES shipments (order_id, customer_id));",
    )
    applied = cli("sync", str(spec), "--apply", cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "+ foreign key parcels: (back_order, back_customer)" in applied.stdout
    keys = round_trip().load(spec.read_text())["tables"]["parcels"]["foreign_keys"]
    assert sorted(tuple(k["columns"]) for k in keys) == [
        ("back_order", "back_customer"),
        ("order_id", "customer_id"),
    ]
    again = cli("sync", str(spec), "--check", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "virtual foreign key parcels: (order_id, customer_id)" in again.stdout
