"""JSON columns in real databases: a generated ``kind: json`` column is ``jsonb`` in
PostgreSQL and ``JSON`` in MariaDB (tables made by ``fauxdata ddl``), and holds exactly
the documents fauxdata made; a masked JSON column read from a ``jsonb`` / ``JSON`` source
comes back as valid JSON of the same type, its rules applied and the rest unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

import fauxdata
from fauxdata.mask.workflow import mask
from tests.support import mariadb
from tests.support.cli import fauxdata as cli
from tests.support.postgres import create_database

SPEC = """
name: events
environment: dev
seed: 11
tables:
  events:
    rows: 300
    primary_key: id
    columns:
      id: {generator: sequence}
      name: {generator: first_name}
      body:
        generator:
          kind: json
          fields:
            id: {column: id}
            customer:
              kind: object
              fields:
                name: {column: name}
                email: email
                vip: {kind: choice, values: [true, false]}
            coupon: {kind: choice, values: [SPRING, "ZOMER €5"], presence: 0.3}
            note: {kind: constant, value: "quote \\" and backslash \\\\", null_rate: 0.5}
            items:
              kind: array
              length: {min: 0, max: 3}
              items:
                kind: object
                fields:
                  sku: {kind: regex, pattern: "[A-Z]{3}-[0-9]{4}"}
                  price: {kind: uniform, min: 1, max: 500, decimals: 2}
"""

MASK = """
name: events
environment: dev
seed: 11
tables:
  events:
    mode: mask
    primary_key: id
    columns:
      id: {mask: key}
      name: {mask: passthrough}
      body:
        mask:
          kind: json
          rules:
            - {path: "$.customer.email", mask: email}
            - {path: "$.items[*].sku", mask: {kind: hash}}
"""

KEY = "json-database-masking-key-0123456789"


def _generated(tmp_path: Path) -> tuple[Path, list[Any]]:
    spec = tmp_path / "events.yaml"
    spec.write_text(SPEC)
    frame = fauxdata.generate(spec).frames["events"]
    return spec, [json.loads(text) for text in frame["body"]]


def _ddl(spec: Path, tmp_path: Path, dialect: str) -> str:
    done = cli("ddl", str(spec), "--dialect", dialect, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _pg_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as con:
        return con.execute(sql).fetchall()  # type: ignore[return-value]


def _maria_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with mariadb.connect(url) as con, con.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def test_postgres_gets_jsonb_holding_the_generated_documents(
    tmp_path: Path, postgres_server: str
) -> None:
    spec, documents = _generated(tmp_path)
    ddl = _ddl(spec, tmp_path, "postgresql")
    assert "body JSONB" in ddl
    url = create_database(postgres_server, "json_generated")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(ddl)
    fauxdata.generate(spec, url)
    [(kind,)] = _pg_rows(
        url,
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_name = 'events' AND column_name = 'body'",
    )
    assert kind == "jsonb"
    rows = _pg_rows(url, "SELECT body::text, jsonb_typeof(body) FROM events ORDER BY id")
    assert {t for _, t in rows} == {"object"}
    assert [json.loads(text) for text, _ in rows] == documents


def test_mariadb_gets_json_holding_the_generated_documents(
    tmp_path: Path, mariadb_server: str
) -> None:
    spec, documents = _generated(tmp_path)
    ddl = _ddl(spec, tmp_path, "mysql")
    assert "body JSON" in ddl
    url = mariadb.create_database(mariadb_server, "json_generated")
    with mariadb.connect(url) as con, con.cursor() as cursor:
        cursor.execute(ddl)
    fauxdata.generate(spec, url)
    [(check,)] = _maria_rows(
        url,
        "SELECT check_clause FROM information_schema.check_constraints "
        "WHERE table_name = 'events' AND constraint_name = 'body'",
    )
    assert "json_valid" in check  # MariaDB's JSON: text the server checks is JSON
    rows = _maria_rows(
        url, "SELECT body, json_valid(body), json_type(body) FROM events ORDER BY id"
    )
    assert {(valid, kind) for _, valid, kind in rows} == {(1, "OBJECT")}
    assert [json.loads(text) for text, _, _ in rows] == documents


def _check_masked(before: list[Any], after: list[Any]) -> None:
    """Matched by the document's own id (the key mask renumbers the rows)."""
    assert len(after) == len(before)
    after = sorted(after, key=lambda d: d["id"])
    for b, a in zip(before, after, strict=True):
        assert list(a) == list(b) and list(a["customer"]) == list(b["customer"])
        assert a["customer"]["email"] != b["customer"]["email"] and "@" in a["customer"]["email"]
        assert {k: v for k, v in a["customer"].items() if k != "email"} == {
            k: v for k, v in b["customer"].items() if k != "email"
        }
        assert [i["price"] for i in a["items"]] == [i["price"] for i in b["items"]]
        assert all(x["sku"] != y["sku"] for x, y in zip(a["items"], b["items"], strict=True))
        rest = ("id", "coupon", "note")
        assert {k: a.get(k) for k in rest} == {k: b.get(k) for k in rest}


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MASK_KEY", KEY)
    return "env:MASK_KEY"


def test_masked_jsonb_round_trips_through_postgres(
    tmp_path: Path, postgres_server: str, key: str
) -> None:
    spec, documents = _generated(tmp_path)
    ddl = _ddl(spec, tmp_path, "postgresql")
    source = create_database(postgres_server, "json_mask_source")
    target = create_database(postgres_server, "json_mask_target")
    for url in (source, target):
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(ddl)
    fauxdata.generate(spec, source)
    masking = tmp_path / "mask.yaml"
    masking.write_text(MASK)
    result = mask(masking, source, target, key=key)
    assert result.rows == len(documents)
    rows = _pg_rows(target, "SELECT body::text, jsonb_typeof(body) FROM events ORDER BY id")
    assert {t for _, t in rows} == {"object"}
    # jsonb keeps its own key order (shorter keys first): the mask keeps the order it read
    stored = [
        json.loads(t) for (t,) in _pg_rows(source, "SELECT body::text FROM events ORDER BY id")
    ]
    assert stored == documents
    _check_masked(stored, [json.loads(text) for text, _ in rows])


def test_masked_json_round_trips_through_mariadb(
    tmp_path: Path, mariadb_server: str, key: str
) -> None:
    spec, documents = _generated(tmp_path)
    ddl = _ddl(spec, tmp_path, "mysql")
    source = mariadb.create_database(mariadb_server, "json_mask_source")
    target = mariadb.create_database(mariadb_server, "json_mask_target")
    for url in (source, target):
        with mariadb.connect(url) as con, con.cursor() as cursor:
            cursor.execute(ddl)
    fauxdata.generate(spec, source)
    masking = tmp_path / "mask.yaml"
    masking.write_text(MASK)
    result = mask(masking, source, target, key=key)
    assert result.rows == len(documents)
    rows = _maria_rows(target, "SELECT body, json_valid(body) FROM events ORDER BY id")
    assert {valid for _, valid in rows} == {1}
    _check_masked(documents, [json.loads(text) for text, _ in rows])
