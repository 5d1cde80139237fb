"""What a real PostgreSQL enforces beyond plain keys, and the specs `init` writes for it:
unique foreign keys (1:1 children, unique pairs of keys), cycles closed by a DEFERRABLE
key, exclusion constraints, destination tables that already hold rows, identity columns
and partial unique indexes. Each schema is loaded into the server the tests start, read
by `init`, and generated into a second copy with every constraint enforced."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from tests.support.cli import fauxdata as cli
from tests.support.postgres import create_database

CORPUS = Path(__file__).parent / "corpus"

# Sakila's store.manager_staff_id is a unique foreign key to staff, and staff.store_id
# points back at store: a cycle of NOT NULL keys. The Pagila dump in the corpus drops the
# store -> staff key; upstream Pagila and Sakila declare it. Here it is DEFERRABLE, the
# way PostgreSQL lets such a cycle be loaded at all.
PAGILA_CYCLE = (
    "ALTER TABLE public.store ADD CONSTRAINT store_manager_staff_id_fkey FOREIGN KEY "
    "(manager_staff_id) REFERENCES public.staff(staff_id) DEFERRABLE INITIALLY DEFERRED;"
)

ONE_TO_ONE = """
CREATE TABLE country (country_id serial PRIMARY KEY, name varchar(60) NOT NULL);
CREATE TABLE capital (capital_id serial PRIMARY KEY,
    country_id integer NOT NULL UNIQUE REFERENCES country, name text NOT NULL);
CREATE TABLE person (person_id serial PRIMARY KEY, first_name text NOT NULL);
CREATE TABLE profile (person_id integer PRIMARY KEY REFERENCES person, bio text);
CREATE TABLE status (status_id serial PRIMARY KEY, label varchar(20) NOT NULL);
CREATE TABLE language (language_id serial PRIMARY KEY, name varchar(20) NOT NULL);
CREATE TABLE orders (order_id serial PRIMARY KEY, person_id integer NOT NULL REFERENCES person,
    status_id integer NOT NULL REFERENCES status, language_id integer NOT NULL REFERENCES language,
    created_at timestamptz NOT NULL, amount numeric(10,2), UNIQUE (status_id, language_id));
"""


def _database(server: str, name: str, ddl: str) -> str:
    url = create_database(server, name)
    with psycopg.connect(url, autocommit=True) as con:
        if not con.execute("SELECT 1 FROM pg_roles WHERE rolname = 'postgres'").fetchone():
            con.execute("CREATE ROLE postgres")  # pg_dump output hands objects to postgres
        con.execute(ddl)
    return url


def _init(source: str, tmp_path: Path, rows: int, name: str = "spec.yaml") -> Path:
    spec = tmp_path / name
    done = cli("init", "--from", source, "--out", str(spec), "--rows", str(rows), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr
    return spec


def _generate(spec: Path, dev: str, tmp_path: Path, *flags: str) -> dict[str, int]:
    done = cli("generate", str(spec), "--to", dev, "--json", *flags, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr  # no dependency's warning
    result = json.loads(done.stdout)
    assert result["verification"]["passed"]
    return {name: t["rows"] for name, t in result["tables"].items()}


def test_unique_foreign_keys_cap_their_tables(postgres_server: str, tmp_path: Path) -> None:
    """A 1:1 child holds at most its parent's rows and a unique pair of keys at most the
    pairs its parents form, at any scale; a count forced past that is explained."""
    source = _database(postgres_server, "onetoone_src", ONE_TO_ONE)
    dev = _database(postgres_server, "onetoone_dev", ONE_TO_ONE)
    spec = _init(source, tmp_path, 2000)
    text = spec.read_text()
    assert "capped at 40: (country_id) is unique, so each country row has at most one" in text
    assert "capped at 1600: (status_id, language_id) is unique" in text
    rows = _generate(spec, dev, tmp_path)
    assert rows["capital"] == rows["country"] == 40 and rows["orders"] == 1600
    assert rows["profile"] == rows["person"] == 2000

    forced = cli("check", str(spec), "--rows", "capital=100", cwd=tmp_path)
    assert forced.returncode == 2
    assert (
        "a unique foreign key takes each 'country' row at most once: 'country' has 40 rows "
        "but table 'capital' has 100" in forced.stderr
    )
    assert "set tables.capital.rows to at most 40" in forced.stderr
    pairs = cli("check", str(spec), "--rows", "orders=2000", cwd=tmp_path)
    assert pairs.returncode == 2
    assert "status_id takes 40 status rows; language_id takes 40 language rows" in pairs.stderr


def test_a_cycle_through_a_deferrable_key_loads(postgres_server: str, tmp_path: Path) -> None:
    """Pagila with Sakila's store -> staff key: the cycle has no nullable key, so it is
    closed at the DEFERRABLE one, loaded in one transaction and checked by PostgreSQL."""
    ddl = (CORPUS / "pagila.sql").read_text() + PAGILA_CYCLE
    source = _database(postgres_server, "cycle_src", ddl)
    dev = _database(postgres_server, "cycle_dev", ddl)
    spec = _init(source, tmp_path, 2000)
    assert "deferrable: true" in spec.read_text()
    ddl_out = cli("ddl", str(spec), "--dialect", "postgresql", cwd=tmp_path)
    assert (
        "ALTER TABLE store ADD FOREIGN KEY(manager_staff_id) REFERENCES staff (staff_id) "
        "DEFERRABLE INITIALLY DEFERRED" in ddl_out.stdout
    )
    rows = _generate(
        spec, dev, tmp_path, "--scale", "0.1", "--rows", "staff=300", "--rows", "store=300"
    )
    assert rows["store"] == rows["staff"] == 300
    with psycopg.connect(dev) as con:
        found = con.execute(
            "SELECT count(*), count(DISTINCT s.manager_staff_id), count(m.staff_id) "
            "FROM store s LEFT JOIN staff m ON m.staff_id = s.manager_staff_id"
        ).fetchone()
        assert found == (300, 300, 300)
        kept = con.execute(
            "SELECT condeferrable FROM pg_constraint WHERE conname = 'store_manager_staff_id_fkey'"
        ).fetchone()
        assert kept == (True,)  # the key the load held is back, as it was


def test_a_table_that_holds_rows_is_refused_or_appended_to(
    postgres_server: str, tmp_path: Path
) -> None:
    """Without a flag the load stops before writing, naming the table, its rows and both
    flags; --append continues the sequence keys and children point at the new parents."""
    source = _database(postgres_server, "append_src", ONE_TO_ONE)
    dev = _database(postgres_server, "append_dev", ONE_TO_ONE)
    spec = _init(source, tmp_path, 50)
    first = _generate(spec, dev, tmp_path)
    again = cli("generate", str(spec), "--to", dev, cwd=tmp_path)
    assert again.returncode == 1
    assert f"table 'country' in {dev} already holds {first['country']:,} rows" in again.stderr
    assert "--truncate" in again.stderr and "--append" in again.stderr
    both = cli("generate", str(spec), "--to", dev, "--append", "--truncate", cwd=tmp_path)
    assert both.returncode == 2 and "cannot be combined with --truncate" in both.stderr

    second = _generate(spec, dev, tmp_path, "--append")
    assert second == first
    with psycopg.connect(dev) as con:
        for table, rows in first.items():
            found = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert found == (2 * rows,), table
        new = con.execute(
            "SELECT count(*), min(person_id) FROM orders WHERE order_id > %s", (first["orders"],)
        ).fetchone()
        assert new is not None and new[0] == first["orders"]
        assert new[1] > first["person"]  # the new orders belong to the new people
        profiles = con.execute(
            "SELECT count(*) FROM profile WHERE person_id > %s", (first["person"],)
        ).fetchone()
        assert profiles == (first["profile"],)  # a 1:1 child keyed by its parent moves too
        nextval = con.execute("SELECT nextval('person_person_id_seq')").fetchone()
        assert nextval == (2 * first["person"] + 1,)  # the sequence moved past them


def test_append_refuses_keys_it_cannot_move(postgres_server: str, tmp_path: Path) -> None:
    """A key that is no sequence (a text code, a unique random integer) could repeat the
    rows already there: refused, naming the table and the key."""
    for name, ddl, said in [
        (
            "tags",
            "CREATE TABLE tag (code varchar(12) PRIMARY KEY, label text NOT NULL);",
            "no sequence key",
        ),
        (
            "badges",
            "CREATE TABLE badge (badge_id serial PRIMARY KEY, serial_no integer NOT NULL UNIQUE);",
            "but (serial_no) holds none and could repeat them",
        ),
    ]:
        source = _database(postgres_server, f"{name}_src", ddl)
        dev = _database(postgres_server, f"{name}_dev", ddl)
        spec = _init(source, tmp_path, 20, f"{name}.yaml")
        _generate(spec, dev, tmp_path)
        refused = cli("generate", str(spec), "--to", dev, "--append", cwd=tmp_path)
        assert refused.returncode == 1, refused.stderr
        assert "already holds 20 rows" in refused.stderr and said in refused.stderr
        assert "--truncate" in refused.stderr


IDENTITY = """
CREATE TABLE account (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seq_no integer GENERATED BY DEFAULT AS IDENTITY,
  email varchar(120) NOT NULL,
  deleted_at timestamptz,
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  total numeric GENERATED ALWAYS AS (total_cents / 100.0) STORED
);
CREATE UNIQUE INDEX account_live_email ON account (email) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX account_lower_email ON account (lower(email));
CREATE TABLE invoice (invoice_no serial PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES account(id), number varchar(20) NOT NULL,
  void boolean NOT NULL DEFAULT false);
CREATE UNIQUE INDEX invoice_number_live ON invoice (account_id, number) WHERE NOT void;
"""


def test_identity_generated_columns_and_partial_unique_indexes(
    postgres_server: str, tmp_path: Path
) -> None:
    """Generated columns are left to the database, identity and serial sequences move past
    the loaded ids (the application's next insert works), and partial unique indexes
    hold because every row is held to them."""
    source = _database(postgres_server, "identity_src", IDENTITY)
    dev = _database(postgres_server, "identity_dev", IDENTITY)
    spec = _init(source, tmp_path, 300)
    text = spec.read_text()
    assert "total:" not in text  # GENERATED ALWAYS AS (...) STORED: the database's to fill
    assert "identity column (the sequence is advanced past it on load)" in text
    rows = _generate(spec, dev, tmp_path)
    with psycopg.connect(dev) as con:
        inserted = con.execute(
            "INSERT INTO account (email, total_cents) VALUES ('new@example.org', 250) "
            "RETURNING id, seq_no, total"
        ).fetchone()
        assert inserted is not None
        assert inserted[:2] == (rows["account"] + 1, rows["account"] + 1)
        assert float(inserted[2]) == 2.5
        invoice = con.execute(
            "INSERT INTO invoice (account_id, number) VALUES (1, 'new') RETURNING invoice_no"
        ).fetchone()
        assert invoice == (rows["invoice"] + 1,)
        always = con.execute(
            "SELECT attidentity FROM pg_attribute WHERE attrelid = 'account'::regclass AND attname = 'id'"
        ).fetchone()
        assert always == ("a",)  # relaxed for COPY, restored after
        totals = con.execute(
            "SELECT count(*) FROM account WHERE total = total_cents / 100.0"
        ).fetchone()
        assert totals == (rows["account"] + 1,)


EXCLUSIONS = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE room (room_id serial PRIMARY KEY, name varchar(40) NOT NULL);
CREATE TABLE booking (booking_id serial PRIMARY KEY, room_id integer NOT NULL REFERENCES room,
  during tstzrange NOT NULL, EXCLUDE USING gist (room_id WITH =, during WITH &&));
CREATE TABLE closure (closure_id bigserial PRIMARY KEY, days daterange NOT NULL, reason text,
  EXCLUDE USING gist (days WITH &&));
CREATE TABLE lane (lane_id serial PRIMARY KEY, span int4range NOT NULL,
  EXCLUDE USING gist (span WITH &&) WHERE (lane_id > 0));
CREATE TABLE seat (seat_id serial PRIMARY KEY, code varchar(10) NOT NULL,
  EXCLUDE USING btree (code WITH =));
CREATE TABLE shift (shift_id serial PRIMARY KEY, worker integer NOT NULL,
  starts_at timestamptz NOT NULL, ends_at timestamptz NOT NULL,
  EXCLUDE USING gist (worker WITH =, tstzrange(starts_at, ends_at) WITH &&));
"""


def test_exclusion_constraints_are_satisfied_or_named(postgres_server: str, tmp_path: Path) -> None:
    """Equal keys plus overlapping ranges, overlapping ranges alone (also partial), and
    equality alone load with PostgreSQL enforcing them (btree_gist); a shape init cannot
    generate is named at init with its table, constraint, columns and what to do."""
    source = _database(postgres_server, "exclude_src", EXCLUSIONS)
    dev = _database(postgres_server, "exclude_dev", EXCLUSIONS)
    spec = tmp_path / "spec.yaml"
    done = cli("init", "--from", source, "--out", str(spec), "--rows", "300", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    warning = " ".join(done.stderr.split())
    assert (
        "shift: EXCLUDE USING gist (worker WITH =, tstzrange(starts_at, ends_at) WITH &&) "
        "(constraint shift_worker_tstzrange_excl) cannot be generated" in warning
    )
    assert "ALTER TABLE shift DROP CONSTRAINT shift_worker_tstzrange_excl" in warning
    assert all(t not in warning for t in ("booking", "closure", "lane", "seat"))
    text = spec.read_text()
    assert "one range per booking_id, each after the last, so none overlap" in text
    assert "seat_id\n    unique:\n      - code" in text  # EXCLUDE (code WITH =) is unique
    rows = _generate(spec, dev, tmp_path, "--tables", "room,booking,closure,lane,seat")
    assert rows["booking"] > rows["room"]  # rooms hold many bookings, none overlapping
    with psycopg.connect(dev) as con:
        clashes = con.execute(
            "SELECT count(*) FROM booking a JOIN booking b ON a.room_id = b.room_id "
            "AND a.booking_id < b.booking_id AND a.during && b.during"
        ).fetchone()
        assert clashes == (0,)
        for table in ("booking", "closure", "lane", "seat"):
            found = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert found == (rows[table],), table
