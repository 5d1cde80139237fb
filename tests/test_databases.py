"""Live databases, for real: a PostgreSQL server started by the tests, and SQLite.

init reads the schema (read-only, no rows), the spec it writes generates, and the data
loads with every constraint the database enforces; the verifier agrees.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import psycopg
import pytest

import fauxdata
from fauxdata.errors import FauxdataError, TargetError
from fauxdata.introspect.reflect import read_schema
from tests.support.cli import fauxdata as cli
from tests.support.postgres import create_database

HR_SCHEMA = Path(__file__).parent / "support" / "hr_schema.sql"
EXAMPLES = Path(__file__).parent.parent / "examples"
TABLES = [
    "offices",
    "departments",
    "employees",
    "projects",
    "assignments",
    "timesheets",
    "payments",
]


def _database_from_ddl(server: str, name: str, spec: Path, tmp_path: Path) -> str:
    """A new database holding the tables `fauxdata ddl` prints for the spec."""
    url = create_database(server, name)
    ddl = cli("ddl", str(spec), cwd=tmp_path)
    assert ddl.returncode == 0, ddl.stderr
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(ddl.stdout)
    return url


def test_introspection_reads_every_feature(hr_database: str) -> None:
    schema = read_schema(hr_database)
    assert sorted(schema.tables) == sorted(
        TABLES
    )  # partitions fold into their parent, views are skipped
    employees = schema.tables["employees"]
    assert employees.columns["employment"].labels == ["full_time", "part_time", "contractor"]
    assert employees.columns["skills"].array_of == "text"
    assert employees.columns["salary"].precision == 10 and employees.columns["salary"].scale == 2
    assert any(
        "0" in c and "100" in c for c in employees.columns["bonus"].checks
    )  # the domain's CHECK
    assert employees.checks == ["left_at IS NULL OR left_at > hired_at"]
    assert [fk.columns for fk in schema.tables["timesheets"].foreign_keys] == [
        ["employee_id", "project_code"]
    ]
    assert [p for p, _ in schema.tables["payments"].partitions] == [
        "payments_2024",
        "payments_2025",
    ]
    assert schema.tables["offices"].columns["office_id"].identity
    assert "password" not in schema.url


def test_init_generate_load_validate(hr_database: str, dev_database: str, tmp_path: Path) -> None:
    spec = tmp_path / "hr.yaml"
    done = cli("init", "--from", hr_database, "--out", str(spec), "--rows", "150", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = spec.read_text()
    assert "# enum labels" in text and "kind: hierarchy" in text and "kind: after" in text
    assert "values:\n" in text and "- NL" in text  # the CHECK IN list became the choice
    loaded = cli("generate", str(spec), "--to", dev_database, "--truncate", "--json", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    result = json.loads(loaded.stdout)
    assert result["verification"]["passed"], [
        r for r in result["verification"]["results"] if r["status"] == "fail"
    ]
    validated = cli("validate", str(spec), "--data", dev_database, "--json", cwd=tmp_path)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    report = json.loads(validated.stdout)
    assert report["passed"] and report["checks"] == result["verification"]["checks"]
    with psycopg.connect(dev_database, autocommit=True) as con:  # break a row behind its back
        con.execute("ALTER TABLE employees DROP CONSTRAINT employees_level_check")
        con.execute(
            "UPDATE employees SET level = 42 WHERE employee_id = (SELECT employee_id FROM employees LIMIT 1)"
        )
    broken = cli("validate", str(spec), "--data", dev_database, "--json", cwd=tmp_path)
    assert broken.returncode == 1
    failed = [r["name"] for r in json.loads(broken.stdout)["results"] if r["status"] == "fail"]
    assert failed and all("level" in name for name in failed), failed
    with psycopg.connect(dev_database) as con:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # type: ignore[index]
        # --rows 150 is the scale: departments is a lookup (x0.02, at least 5), assignments
        # links employees and projects (x2), timesheets and payments are events (x5)
        roles = {"departments": 5, "assignments": 300, "timesheets": 750, "payments": 750}
        assert counts == {t: roles.get(t, 150) for t in TABLES}
        assert (
            con.execute("SELECT count(*) FROM payments_2024").fetchone()[0]
            + con.execute("SELECT count(*) FROM payments_2025").fetchone()[0]
            == 750
        )  # type: ignore[index]
        assert con.execute("SELECT count(head_id) FROM departments").fetchone()[0] == 5  # type: ignore[index]  # the deferred FK was filled
        next_id = con.execute(
            "SELECT nextval(pg_get_serial_sequence('offices', 'office_id'))"
        ).fetchone()[0]  # type: ignore[index]
        assert next_id == 151
        con.execute(
            "INSERT INTO offices (city, country_code, opened_on) VALUES ('Nowhere', 'NL', '2020-01-01')"
        )  # identity ALWAYS restored and usable
        kinds = con.execute(
            "SELECT pg_typeof(skills)::text, pg_typeof(profile)::text, pg_typeof(employment)::text FROM employees LIMIT 1"
        ).fetchone()
        assert kinds == ("text[]", "jsonb", "employment_type")
    again = cli(
        "generate",
        str(spec),
        "--to",
        dev_database,
        "--truncate",
        "--json",
        "--seed",
        "5",
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stderr  # --truncate resets the dev tables


def test_environment_and_source_guards(hr_database: str, dev_database: str, tmp_path: Path) -> None:
    spec = tmp_path / "hr.yaml"
    assert (
        cli(
            "init", "--from", hr_database, "--out", str(spec), "--rows", "20", cwd=tmp_path
        ).returncode
        == 0
    )
    to_source = cli("generate", str(spec), "--to", hr_database, cwd=tmp_path)
    assert (
        to_source.returncode == 2
        and "refusing to write into the spec's own source database" in to_source.stderr
    )
    prod = tmp_path / "prod.yaml"
    prod.write_text(spec.read_text().replace("environment: dev", "environment: prod"))
    refused = cli("generate", str(prod), "--to", dev_database, cwd=tmp_path)
    assert refused.returncode == 2 and "environment: error" not in refused.stderr
    assert "the environment is 'prod' (from the spec)" in refused.stderr
    allowed = cli(
        "generate",
        str(prod),
        "--to",
        dev_database,
        "--quiet",
        cwd=tmp_path,
        env={"FAUXDATA_ENV": "dev"},
    )
    assert allowed.returncode == 0, allowed.stderr
    with psycopg.connect(hr_database) as con:
        assert con.execute("SELECT count(*) FROM employees").fetchone()[0] == 0  # type: ignore[index]


def test_source_is_opened_read_only(hr_database: str) -> None:
    from fauxdata.introspect.source import parse, read_only_engine

    engine = read_only_engine(parse(hr_database))
    with engine.connect() as con, pytest.raises(Exception, match="read-only transaction"):
        con.exec_driver_sql(
            "INSERT INTO offices (city, country_code, opened_on) VALUES ('x', 'NL', '2020-01-01')"
        )
    engine.dispose()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda url: url.replace("fauxdata@", "fauxdata:Pw-q9Zx7@").replace("/hr_", "/missing_"),
            "cannot connect to",
        ),
        (
            lambda url: url.replace("127.0.0.1:", "127.0.0.1:1").rsplit(":", 1)[0] + ":1/db",
            "cannot connect to",
        ),
    ],
)
def test_connection_errors_are_one_line_without_secrets(
    hr_database: str, change: object, message: str, tmp_path: Path
) -> None:
    url = change(hr_database)  # type: ignore[operator]
    done = cli("init", "--from", url, "--out", str(tmp_path / "x.yaml"), cwd=tmp_path)
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr
    assert "Pw-q9Zx7" not in done.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_missing_table_and_schema_are_named(hr_database: str) -> None:
    with pytest.raises(
        FauxdataError, match=r"table 'employes' not found .*did you mean 'employees'"
    ):
        read_schema(hr_database, tables=["employes"])
    with pytest.raises(FauxdataError, match="schema 'sales' not found"):
        read_schema(hr_database, schema="sales")


def test_from_scratch_takes_the_named_tables_and_their_parents(
    hr_database: str, tmp_path: Path
) -> None:
    spec = tmp_path / "t.yaml"
    done = cli(
        "init",
        "--from",
        hr_database,
        "--out",
        str(spec),
        "--mode",
        "from-scratch",
        "--tables",
        "timesheets",
        "--rows",
        "30",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    plan = fauxdata.check(spec)
    assert set(plan.tables) == {
        "timesheets",
        "assignments",
        "employees",
        "projects",
        "departments",
        "offices",
    }


def test_load_fails_cleanly_on_a_constraint_the_spec_ignores(
    hr_database: str, dev_database: str, tmp_path: Path
) -> None:
    spec = tmp_path / "hr.yaml"
    assert (
        cli(
            "init", "--from", hr_database, "--out", str(spec), "--rows", "20", cwd=tmp_path
        ).returncode
        == 0
    )
    broken = spec.read_text().replace("max: 9\n", "max: 99\n")  # employees.level CHECK (level <= 9)
    spec.write_text(broken)
    done = cli("generate", str(spec), "--to", dev_database, "--atomic", cwd=tmp_path)
    assert done.returncode == 1
    assert "loading employees failed" in done.stderr and "employees_level_check" in done.stderr
    with psycopg.connect(dev_database) as con:  # --atomic: nothing was kept
        assert con.execute("SELECT count(*) FROM offices").fetchone()[0] == 0  # type: ignore[index]


def test_foreign_keys_are_enforced_even_though_checked_after_the_copy(
    postgres_server: str, tmp_path: Path
) -> None:
    spec = EXAMPLES / "shop.yaml"
    url = _database_from_ddl(postgres_server, "fk_after_copy", spec, tmp_path)
    # orders alone, into a database without its customers: every customer_id is an orphan
    done = cli(
        "generate",
        str(spec),
        "--to",
        url,
        "--tables",
        "orders",
        "--rows",
        "customers=20",
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert "loading orders failed" in done.stderr and "orders_customer_id_fkey" in done.stderr
    with psycopg.connect(url) as con:
        assert con.execute("SELECT count(*) FROM orders").fetchone() == (0,)
        kept = con.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'f'"
        ).fetchone()
        assert kept == (1,)  # the constraint dropped for the load is back


def test_sqlite_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as con:
        con.executescript(
            """
            CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(120) NOT NULL UNIQUE, first_name VARCHAR(40) NOT NULL, born DATE);
            CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
                amount NUMERIC(10,2) NOT NULL CHECK (amount BETWEEN 1 AND 500), status VARCHAR(10) NOT NULL CHECK (status IN ('new', 'paid')));
            """
        )
    spec = tmp_path / "shop.yaml"
    done = cli(
        "init", "--from", f"sqlite:///{db}", "--out", str(spec), "--rows", "50", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    copy = tmp_path / "copy.db"
    with sqlite3.connect(copy) as con, sqlite3.connect(db) as original:
        con.executescript(
            "\n".join(
                row[0] + ";"
                for row in original.execute("SELECT sql FROM sqlite_master WHERE type = 'table'")
            )
        )
    loaded = cli("generate", str(spec), "--to", f"sqlite:///{copy}", "--json", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["verification"]["passed"]
    with sqlite3.connect(copy) as con:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute(
            "SELECT count(*) FROM orders WHERE amount < 1 OR amount > 500 OR status NOT IN ('new', 'paid')"
        ).fetchone() == (0,)
        # orders is an event table (its name): 5x the --rows scale of 50
        assert con.execute("SELECT count(*) FROM orders").fetchone() == (250,)
    validated = cli("validate", str(spec), "--data", f"sqlite:///{copy}", "--json", cwd=tmp_path)
    assert validated.returncode == 0 and json.loads(validated.stdout)["passed"], validated.stdout


def test_database_targets_never_show_their_password() -> None:
    from fauxdata.sinks import parse_target

    target = parse_target("postgresql://me:Pw-q9Zx7@db.internal:5432/hr_dev")
    assert target.is_database and str(target) == "postgresql://me:***@db.internal:5432/hr_dev"
    assert str(target.manifest_path) == "out/hr_dev.manifest.json"
    with pytest.raises(TargetError, match="not a database URL"):
        parse_target("oracle+bogus:/nothing")


@pytest.mark.parametrize("example", ["hr", "shop"])
def test_ddl_creates_a_schema_every_example_loads_into(
    postgres_server: str, tmp_path: Path, example: str
) -> None:
    spec = EXAMPLES / f"{example}.yaml"
    url = _database_from_ddl(postgres_server, f"ddl_{example}", spec, tmp_path)
    loaded = cli("generate", str(spec), "--to", url, "--json", "--scale", "0.2", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    result = json.loads(loaded.stdout)
    assert result["verification"]["passed"]
    with psycopg.connect(url) as con:
        for table in result["tables"].values():
            count = con.execute(f"SELECT count(*) FROM {table['output']}").fetchone()
            assert count is not None and count[0] == table["rows"] > 0


def test_ddl_for_sqlite_round_trips(tmp_path: Path) -> None:
    spec = EXAMPLES / "shop.yaml"
    ddl = cli("ddl", str(spec), "--dialect", "sqlite", cwd=tmp_path)
    assert ddl.returncode == 0, ddl.stderr
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as con:
        con.executescript(ddl.stdout)
    loaded = cli("generate", str(spec), "--to", f"sqlite:///{db}", "--scale", "0.05", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("SELECT count(*) FROM customers").fetchone() == (50,)


def test_ddl_names_an_unknown_dialect(tmp_path: Path) -> None:
    spec = EXAMPLES / "shop.yaml"
    done = cli("ddl", str(spec), "--dialect", "postgress", cwd=tmp_path)
    assert done.returncode == 1 and "--dialect: unknown dialect 'postgress'" in done.stderr


SAMPLED = """
CREATE TABLE tickets (
    ticket_id serial PRIMARY KEY,
    code varchar(12) NOT NULL,
    priority varchar(10) NOT NULL,
    reporter varchar(200),
    remark text
);
INSERT INTO tickets (code, priority, reporter, remark)
SELECT 'QX-' || lpad((i * 7919 % 10000)::text, 4, '0'),
       (ARRAY['URGENT', 'NORMAL', 'NORMAL', 'NORMAL', 'LOWKEY'])[1 + i % 5],
       CASE WHEN i % 10 = 0 THEN NULL ELSE 'agent' || i || '@hushhush-corp.example' END,
       'Whisper ' || i
FROM generate_series(1, 400) AS i;
"""


def test_sample_gives_statistics_and_never_a_value(hr_database: str, tmp_path: Path) -> None:
    with psycopg.connect(hr_database, autocommit=True) as con:
        con.execute(SAMPLED)
    spec = tmp_path / "tickets.yaml"
    done = cli(
        "init", "--from", hr_database, "--out", str(spec), "--tables", "tickets",
        "--sample", "200", "--rows", "2000", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = spec.read_text()
    for secret in ("QX", "URGENT", "NORMAL", "LOWKEY", "hushhush", "agent", "Whisper"):
        assert secret not in text, secret
    loaded = fauxdata.load_spec(spec)
    columns = loaded.tables["tickets"].columns
    assert columns["code"].generator.model_dump()["pattern"] == r"[A-Z]{2}\-[0-9]{4}"
    priority = columns["priority"].generator.model_dump()
    assert priority["kind"] == "choice" and priority["weights"] == [0.6, 0.2, 0.2]
    assert columns["reporter"].generator.kind == "email"
    assert columns["reporter"].null_rate == 0.1
    out = fauxdata.generate(spec, tables=["tickets"]).frames["tickets"]
    shares = out["priority"].value_counts(normalize=True, sort=True)["proportion"].to_list()
    assert shares == pytest.approx([0.6, 0.2, 0.2], abs=0.001)
    assert out["code"].str.contains(r"^[A-Z]{2}-[0-9]{4}$").all()


def test_a_loader_that_does_not_own_the_tables_keeps_the_row_by_row_checks(
    postgres_server: str, tmp_path: Path
) -> None:
    spec = EXAMPLES / "shop.yaml"
    url = _database_from_ddl(postgres_server, "not_owner", spec, tmp_path)
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE ROLE loader LOGIN")
        con.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO loader")
    as_loader = url.replace("fauxdata@", "loader@", 1)
    done = cli(
        "generate", str(spec), "--to", as_loader, "--rows", "customers=50", "--json", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verification"]["passed"]
    with psycopg.connect(url) as con:
        kept = con.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'f'").fetchone()
        assert kept == (3,)
