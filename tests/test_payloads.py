"""JSON payloads and free-text notes as generated columns, and JSONPath rule masking."""

from __future__ import annotations

import gc
import json
import re
import shutil
from pathlib import Path

import duckdb
import jsonschema
import polars as pl
import pyarrow.parquet as pq
import pytest

import fauxdata
from fauxdata.errors import FauxdataError, SpecError
from fauxdata.text import deidentify
from fauxdata.text.jsonmask import mask_json, rule
from fauxdata.text.jsonpath import JSONPathError, compile_path

DATA = Path(__file__).parent / "data"

ORDERS = """
name: payloads
seed: 7
tables:
  orders:
    rows: 400
    primary_key: order_id
    columns:
      order_id: {generator: sequence}
      first_name: {generator: first_name}
      payload:
        TYPE
        generator:
          kind: json
          fields:
            order_id: {column: order_id}
            customer:
              kind: object
              fields:
                name: {column: first_name}
                email: email
                greeting: {formula: 'CONCATENATE("Hi ", [first_name])'}
            coupon: {kind: choice, values: [SPRING, SUMMER], presence: 0.3}
            note: {kind: constant, value: x, null_rate: 0.5}
            items:
              kind: array
              length: {min: 1, max: 4}
              items:
                kind: object
                fields:
                  sku: {kind: regex, pattern: "[A-Z]{3}-[0-9]{4}"}
                  qty: {kind: uniform_int, min: 1, max: 5}
"""


def _spec(tmp_path: Path, text: str, type_line: str = "") -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text.replace("TYPE", type_line))
    return path


def test_payloads_have_the_declared_shape(tmp_path: Path) -> None:
    frame = fauxdata.generate(_spec(tmp_path, ORDERS)).frames["orders"]
    docs = [json.loads(t) for t in frame["payload"]]
    assert all(list(d)[:2] == ["order_id", "customer"] for d in docs)  # key order kept
    assert [d["order_id"] for d in docs] == frame["order_id"].to_list()
    assert all(d["customer"]["name"] == n for d, n in zip(docs, frame["first_name"], strict=True))
    assert all(d["customer"]["greeting"] == "Hi " + d["customer"]["name"] for d in docs)
    assert all(1 <= len(d["items"]) <= 4 for d in docs)
    assert all(1 <= i["qty"] <= 5 for d in docs for i in d["items"])
    coupons = sum("coupon" in d for d in docs) / len(docs)
    assert 0.2 < coupons < 0.4  # presence 0.3: the member is absent, not null
    nulls = sum(d["note"] is None for d in docs) / len(docs)
    assert 0.4 < nulls < 0.6


def test_payloads_are_deterministic_and_independent_of_block_size(tmp_path: Path) -> None:
    spec = _spec(tmp_path, ORDERS)
    one = fauxdata.generate(spec, block_size=64).frames["orders"]["payload"]
    two = fauxdata.generate(spec, block_size=400).frames["orders"]["payload"]
    assert one.to_list() == two.to_list()


def test_payloads_from_a_json_schema_validate_against_it(tmp_path: Path) -> None:
    shutil.copy(DATA / "order_payload.schema.json", tmp_path / "order.schema.json")
    spec = tmp_path / "events.yaml"
    spec.write_text(
        "name: events\nseed: 3\ntables:\n  events:\n    rows: 2000\n    columns:\n"
        "      id: {generator: sequence}\n"
        "      body: {generator: {kind: json, schema_file: order.schema.json}}\n"
    )
    schema = json.loads((DATA / "order_payload.schema.json").read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    frame = fauxdata.generate(spec).frames["events"]
    docs = [json.loads(t) for t in frame["body"]]
    for doc in docs:
        validator.validate(doc)
    assert {d["type"] for d in docs} == {"order.created", "order.paid", "order.shipped"}
    assert any("coupon" not in d for d in docs) and any("coupon" in d for d in docs)
    assert any(d.get("coupon", "") is None for d in docs)


def test_written_type_fits_the_target(tmp_path: Path) -> None:
    spec = _spec(tmp_path, ORDERS)
    fauxdata.generate(spec, f"duckdb:///{tmp_path / 'p.duckdb'}")
    with duckdb.connect(str(tmp_path / "p.duckdb"), read_only=True) as con:
        kinds = dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'orders'"
            ).fetchall()
        )
        assert kinds["payload"] == "JSON"
        emails = con.execute("SELECT payload->>'$.customer.email' FROM orders").fetchall()
        assert all("@" in e[0] for e in emails)
    structured = _spec(tmp_path, ORDERS, "type: struct")
    fauxdata.generate(structured, f"parquet:{tmp_path / 'pq'}")
    table = pq.read_table(tmp_path / "pq" / "orders.parquet")
    kind = table.schema.field("payload").type
    assert str(kind).startswith("struct<order_id: int64, customer: struct<name:")
    first = table.slice(0, 1).to_pylist()[0]["payload"]
    assert set(first) >= {"order_id", "customer", "items"}
    with pytest.raises(FauxdataError, match="struct are stored by parquet"):
        fauxdata.generate(structured, f"csv:{tmp_path / 'csv'}")
    assert not (tmp_path / "csv" / "orders.csv").exists()


def test_payload_errors_name_their_path(tmp_path: Path) -> None:
    bad = ORDERS.replace(
        "qty: {kind: uniform_int, min: 1, max: 5}", "qty: {kind: uniform_int, min: 9, max: 5}"
    )
    with pytest.raises(
        SpecError,
        match=r"tables\.orders\.columns\.payload\.generator\.json\.fields\.items\.items\.fields\.qty\.uniform_int: min \(9\) is greater than max \(5\)",
    ):
        fauxdata.check(_spec(tmp_path, bad))
    relational = ORDERS.replace("email: email", "email: {kind: lookup, column: x.y}")
    with pytest.raises(
        FauxdataError, match=r"'lookup' cannot fill payload member 'customer\.email'"
    ):
        fauxdata.check(_spec(tmp_path, relational))
    missing = ORDERS.replace("kind: json", "kind: json\n          schema_file: nope.json")
    with pytest.raises(SpecError, match="give either fields or schema_file"):
        fauxdata.check(_spec(tmp_path, missing))


NOTES = """
name: notes
seed: 3
locale: nl_NL
tables:
  tickets:
    rows: 600
    columns:
      id: {generator: sequence}
      customer: {generator: full_name}
      note:
        generator:
          kind: free_text
          entities: [person, email, phone, iban, national_id, address, date_of_birth]
          mentions: {person: customer}
      en_note:
        generator:
          kind: free_text
          style: ticket
          locale: en_US
          entities: [person, email, phone, ip, url, credit_card, national_id, iban]
"""


def test_free_text_mentions_the_row_and_the_detector_finds_it(tmp_path: Path) -> None:
    frame = fauxdata.generate(_spec(tmp_path, NOTES)).frames["tickets"]
    notes = frame["note"].to_list()
    mentioned = sum(c.split(" ")[0] in n for c, n in zip(frame["customer"], notes, strict=True))
    assert mentioned == len(notes)  # every template names the person (in full or by first name)
    for column, locale in (("note", "nl_NL"), ("en_note", "en_US")):
        masked = deidentify(frame[column], action="annotate", locale=locale)
        assert masked.total >= len(notes)
        leftover = [t for t in masked.texts if re.search(r"\d{6,}|@", re.sub(r"ORD-\d+", "", t))]
        assert len(leftover) <= 0.02 * len(notes), leftover[:5]
    customers_left = sum(
        c in t
        for c, t in zip(
            frame["customer"], deidentify(frame["note"], locale="nl_NL").texts, strict=True
        )
    )
    assert customers_left <= 0.05 * len(notes)


def test_free_text_refuses_what_it_cannot_write(tmp_path: Path) -> None:
    bad = NOTES.replace("style: ticket", "style: email").replace(
        "entities: [person, email, phone, ip, url, credit_card, national_id, iban]",
        "entities: [ip]",
    )
    with pytest.raises(FauxdataError, match="no email template mentions only"):
        fauxdata.check(_spec(tmp_path, bad))


def test_jsonpath_subset_and_refusals() -> None:
    doc = {"a": {"b": [{"c": 1}, {"c": 2}]}, "c": 3, "odd key": 4}
    assert [k for _, k in compile_path("$.a.b[*].c").slots(doc)] == ["c", "c"]
    assert [c[k] for c, k in compile_path("$..c").slots(doc)] == [1, 2, 3]
    assert [c[k] for c, k in compile_path("$['odd key']").slots(doc)] == [4]
    assert [c[k] for c, k in compile_path("$.a.b[-1].c").slots(doc)] == [2]
    assert list(compile_path("$.missing.x").slots(doc)) == []
    with pytest.raises(JSONPathError, match=r"cannot read '\[\?\(@.c > 1\)\]'"):
        compile_path("$.a.b[?(@.c > 1)]")
    with pytest.raises(JSONPathError, match="must start with"):
        compile_path("a.b")


def test_json_rules_keep_structure_order_and_untouched_rows() -> None:
    docs = pl.Series(
        "payload",
        [
            '{"customer": {"email": "a@b.nl", "age": 41}, "items": [{"card": "4111111111111111", "qty": 2}]}',
            '{"other":1,  "x": "untouched"}',
            "not json at all",
            None,
        ],
    )
    star = lambda s, rows: pl.Series(["***"] * s.len())  # noqa: E731
    double = lambda s, rows: s * 2  # noqa: E731
    result = mask_json(
        docs,
        [
            rule("$.customer.email", star),
            rule("$.items[*].card", star),
            rule("$..age", double, ["number"]),
        ],
    )
    first, second, invalid, missing = result.values.to_list()
    assert (
        first == '{"customer": {"email": "***", "age": 82}, "items": [{"card": "***", "qty": 2}]}'
    )
    assert second == '{"other":1,  "x": "untouched"}'
    assert invalid == "not json at all" and missing is None
    assert result.invalid == 1
    assert result.replaced == {"$.customer.email": 1, "$.items[*].card": 1, "$..age": 1}
    redacted = mask_json(docs, [rule("$.customer.email", star)], fallback="redact")
    assert redacted.values[2] is None
    typed = mask_json(docs, [rule("$..*", star, ["string"])]).values.to_list()
    assert json.loads(typed[0])["customer"]["age"] == 41


def test_json_rules_skip_only_documents_that_cannot_hold_the_path() -> None:
    """Documents are skipped when their text does not spell the path's member names;
    a name written with an escape is still found, and a name that only occurs as a
    value leaves the document as it was."""
    docs = pl.Series(
        [
            '{"\\u0065mail": "a@b.nl", "n": 1}',
            '{"name": "email"}',
            '{"e": {"email": 5, "x": [{"email": 6}]}}',
            '{"other": true}',
        ]
    )
    star = lambda s, rows: pl.Series(["***"] * s.len())  # noqa: E731
    plus = lambda s, rows: s + 1  # noqa: E731
    was = gc.isenabled()
    result = mask_json(docs, [rule("$.email", star), rule("$..email", plus, ["number"])])
    assert gc.isenabled() == was
    assert result.values.to_list() == [
        '{"email": "***", "n": 1}',
        '{"name": "email"}',
        '{"e": {"email": 6, "x": [{"email": 7}]}}',
        '{"other": true}',
    ]
    assert result.replaced == {"$.email": 1, "$..email": 2}


def test_preview_pretty_prints_payloads(tmp_path: Path) -> None:
    from tests.support.cli import fauxdata as cli

    done = cli(
        "preview", str(_spec(tmp_path, ORDERS)), "--table", "orders", "-n", "2", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "payload, row 1:" in done.stdout and "payload, row 3:" not in done.stdout
    block = done.stdout.split("payload, row 1:\n", 1)[1].split("\n\n", 1)[0]
    assert json.loads(block)["order_id"] == 1
    assert '\n  "customer": {\n' in block  # indented, one member per line
