"""A small bank with PII spread over three tables, an ``account_number`` shared between
two of them, written to every kind of source ``fauxdata mask`` reads.

Built by SQL from row numbers only, so it is the same on every machine (the golden
digests of its masked copy depend on that).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb

BANK_SQL = """
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    full_name VARCHAR NOT NULL,
    email VARCHAR NOT NULL,
    phone VARCHAR,
    country VARCHAR NOT NULL,
    birth_date DATE NOT NULL
);
CREATE TABLE accounts (
    account_number VARCHAR PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    iban VARCHAR NOT NULL,
    opened_on DATE NOT NULL
);
CREATE TABLE transactions (
    id BIGINT PRIMARY KEY,
    account_number VARCHAR NOT NULL REFERENCES accounts (account_number),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    amount DECIMAL(10,2) NOT NULL,
    booked_at TIMESTAMP NOT NULL,
    memo VARCHAR
);
"""

_FIRST = ["Anna", "Bram", "Chloe", "Daan", "Emma", "Finn", "Gijs", "Hanna", "Ivo", "Julia"]
_LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos"]


def _rows(customers: int) -> dict[str, list[tuple[object, ...]]]:
    import datetime as dt

    out: dict[str, list[tuple[object, ...]]] = {"customers": [], "accounts": [], "transactions": []}
    for i in range(1, customers + 1):
        first, last = _FIRST[i % len(_FIRST)], _LAST[(i * 7) % len(_LAST)]
        out["customers"].append(
            (
                i,
                f"{first} {last}",
                f"{first.lower()}.{last.lower().replace(' ', '')}{i}@mail.example",
                f"+31 6 {i * 7919 % 100000000:08d}" if i % 5 else None,
                ["NL", "DE", "BE"][i % 3],
                dt.date(1950, 1, 1) + dt.timedelta(days=i * 37 % 18000),
            )
        )
    accounts = []
    for j in range(1, customers * 2 + 1):
        digits = f"{(j * 104729) % 1000000000:09d}"
        number = f"{digits[:3]}-{digits[3:]}"
        accounts.append(number)
        out["accounts"].append(
            (
                number,
                (j % customers) + 1,
                f"NL{(j % 89) + 10:02d}BANK{(j * 7919) % 10**10:010d}",
                dt.date(2015, 1, 1) + dt.timedelta(days=j * 13 % 3000),
            )
        )
    for k in range(1, customers * 10 + 1):
        a = (k * 31) % len(accounts)
        out["transactions"].append(
            (
                k,
                accounts[a],
                (a + 1) % customers + 1,
                round(((k * 7) % 100000) / 100, 2),
                dt.datetime(2024, 1, 1) + dt.timedelta(minutes=k * 17),
                f"payment to {_LAST[k % len(_LAST)]}" if k % 4 else None,
            )
        )
    return out


def bank_duckdb(path: Path, customers: int = 200) -> Path:
    """The bank as a DuckDB file."""
    con = duckdb.connect(str(path))
    con.execute(BANK_SQL)
    for table, rows in _rows(customers).items():
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    con.close()
    return path


def bank_files(folder: Path, fmt: str, customers: int = 200) -> Path:
    """The bank as a folder of Parquet or CSV files, one per table."""
    folder.mkdir(parents=True, exist_ok=True)
    source = bank_duckdb(folder.parent / f"{folder.name}.duckdb", customers)
    con = duckdb.connect(str(source), read_only=True)
    for table in ("customers", "accounts", "transactions"):
        option = "(FORMAT parquet)" if fmt == "parquet" else "(FORMAT csv, HEADER)"
        con.execute(f"COPY {table} TO '{folder / f'{table}.{fmt}'}' {option}")
    con.close()
    source.unlink()
    return folder


def bank_sqlite(path: Path, customers: int = 200) -> Path:
    """The bank as a SQLite file (declared foreign keys included)."""
    con = sqlite3.connect(path)
    con.executescript(BANK_SQL)
    for table, rows in _rows(customers).items():
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(
            f"INSERT INTO {table} VALUES ({marks})",
            [tuple(str(v) if hasattr(v, "isoformat") else v for v in r) for r in rows],
        )
    con.commit()
    con.close()
    return path


def bank_postgres(url: str, customers: int = 200, *, rows: bool = True) -> str:
    """The bank loaded into the (empty) PostgreSQL database at ``url``; without
    ``rows`` only its tables (and the spec's generated ``branches``), as a target."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute(BANK_SQL.replace("DECIMAL", "NUMERIC"))
        if not rows:
            con.execute("ALTER TABLE customers ADD COLUMN segment TEXT")
            con.execute("CREATE TABLE branches (code TEXT PRIMARY KEY)")
            return url
        for table, rows_ in _rows(customers).items():
            with con.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                for row in rows_:
                    copy.write_row(row)
    return url


BANK_SPEC = """
name: bank
environment: dev
tables:
  customers:
    mode: mask
    primary_key: id
    columns:
      id: {type: integer, mask: key}
      full_name: {type: text, pii: person_name, mask: {kind: mock, generator: full_name}}
      email: {type: text, pii: email, mask: email}
      phone: {type: text, nullable: true, pii: phone, mask: hash}
      country: {type: text, mask: passthrough}
      birth_date: {type: date, pii: date_of_birth, mask: {kind: date_shift, entity: id, max_days: 365}}
      segment: {formula: 'IF([country] = "NL", "home", "abroad")'}
  accounts:
    mode: mask
    primary_key: account_number
    foreign_keys: [{columns: customer_id, references: {table: customers, columns: id}}]
    columns:
      account_number: {type: text, pii: bank_account, mask: key}
      customer_id: {type: integer, mask: key}
      iban: {type: text, pii: iban, mask: fpe}
      opened_on: {type: date, mask: {kind: date_shift, entity: customer_id}}
  transactions:
    mode: mask
    primary_key: id
    foreign_keys:
      - {columns: account_number, references: {table: accounts, columns: account_number}}
      - {columns: customer_id, references: {table: customers, columns: id}}
    columns:
      id: {type: bigint, mask: key}
      account_number: {type: text, pii: bank_account, mask: key}
      customer_id: {type: integer, mask: key}
      amount: {type: "decimal(10,2)", mask: {kind: noise, relative: 0.05, min: 0}}
      booked_at: {type: timestamp, mask: {kind: date_shift, entity: customer_id}}
      memo: {type: text, nullable: true, mask: scramble}
  branches:
    rows: 5
    primary_key: code
    columns:
      code: {generator: {kind: formatted_id, format: "BR{:03d}"}}
"""


def bank_mariadb(url: str, customers: int = 200) -> str:
    """The bank loaded into the (empty) MariaDB database at ``url`` (MariaDB wants a
    length on VARCHAR, and DATETIME for a timestamp without its auto-update rules)."""
    from tests.support.mariadb import connect

    ddl = BANK_SQL.replace("VARCHAR", "VARCHAR(64)").replace("TIMESTAMP", "DATETIME(6)")
    with connect(url) as con, con.cursor() as cursor:
        cursor.execute(ddl)
        while cursor.nextset():
            pass
        for table, rows in _rows(customers).items():
            marks = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    return url
