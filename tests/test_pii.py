"""The PII scanner finds personal data by name and by value, and never repeats a value.

Also the ``national_id`` generator that mocks national identity numbers. The check-digit
oracles here (mod 97, Luhn, 11-proof, SSN areas) are written independently of the
library, in plain Python, so a shared bug cannot make both sides agree.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

import fauxdata
from fauxdata.generators.base import ColumnContext
from fauxdata.generators.national_id import NationalIdGenerator
from fauxdata.introspect.model import SourceColumn, SourceSchema, SourceTable
from fauxdata.pii import CATEGORIES, Finding, mocker_for, scan_frame, scan_schema, scan_values
from fauxdata.spec import generators as g
from fauxdata.spec.models import Column
from fauxdata.spec.types import parse_type

KNOWN = Path(__file__).parent / "data" / "pii_known.csv"

# Every PII column of the known file, with its category; the other columns hold no PII.
KNOWN_PII = {
    "customer_name": "person_name",
    "email": "email",
    "phone": "phone",
    "iban": "iban",
    "card_number": "credit_card",
    "bsn": "national_id",
    "ssn": "national_id",
    "ip_address": "ip_address",
    "date_of_birth": "date_of_birth",
    "postcode": "postcode",
    "notes": "free_text",
    "contact": "email",  # no name hint: found by value
    "payout_ref": "iban",  # no name hint: found by value
    "client_ref": "national_id",  # no name hint: BSNs found by value
}
KNOWN_CLEAN = [
    "order_status", "state", "amount", "quantity", "sku", "product", "created_at",
    "order_date", "batch_no",
]  # fmt: skip


# --- independent oracles ----------------------------------------------------------------


def iban_ok(value: str) -> bool:
    v = value.replace(" ", "").upper()
    digits = "".join(str(int(c, 36)) for c in v[4:] + v[:4])
    return int(digits) % 97 == 1


def luhn_ok(value: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(value)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def bsn_ok(value: str) -> bool:
    d = [int(c) for c in value.zfill(9)]
    return (
        len(d) == 9
        and (sum(w * x for w, x in zip(range(9, 1, -1), d[:8], strict=True)) - d[8]) % 11 == 0
    )


def ssn_ok(value: str) -> bool:
    m = re.fullmatch(r"(\d{3})-(\d{2})-(\d{4})", value)
    if not m:
        return False
    area, group, serial = (int(x) for x in m.groups())
    return 0 < area < 900 and area != 666 and group > 0 and serial > 0


def assert_no_leak(findings: list[Finding], values: dict[str, list[Any]]) -> None:
    """No sampled value, and no 4-character piece of one, appears in any evidence."""
    for finding in findings:
        evidence = finding.evidence.lower()
        for value in values.get(finding.column, []):
            text = str(value).lower()
            assert text not in evidence, (finding.column, finding.evidence)
            pieces = {text[i : i + 4] for i in range(len(text) - 3)}
            leaked = sorted(p for p in pieces if p in evidence)
            assert leaked == [], (finding.column, leaked, finding.evidence)


def by_column(findings: list[Finding]) -> dict[str, Finding]:
    return {f.column: f for f in findings}


# --- the known file ---------------------------------------------------------------------


@pytest.fixture(params=["typed", "text"])
def known(request: pytest.FixtureRequest) -> pl.DataFrame:
    """The file as polars reads it (numbers typed), and as all-text (as from an API)."""
    return pl.read_csv(KNOWN, infer_schema=request.param == "typed")


def test_known_file_holds_valid_values() -> None:
    frame = pl.read_csv(KNOWN, infer_schema=False)
    assert frame.height == 30
    assert all(iban_ok(v) for v in frame["iban"]) and all(iban_ok(v) for v in frame["payout_ref"])
    assert all(luhn_ok(v) for v in frame["card_number"])
    assert all(bsn_ok(v) for v in frame["bsn"]) and all(bsn_ok(v) for v in frame["client_ref"])
    assert all(ssn_ok(v) for v in frame["ssn"])


def test_known_file_every_pii_column_found_and_nothing_else(known: pl.DataFrame) -> None:
    found = {f.column: f.category for f in scan_frame(known, "orders")}
    assert found == KNOWN_PII
    assert not set(found) & set(KNOWN_CLEAN)


def test_known_file_details(known: pl.DataFrame) -> None:
    found = by_column(scan_frame(known, "orders"))
    assert found["bsn"].variant == "NL" and found["client_ref"].variant == "NL"
    assert found["ssn"].variant == "US"
    assert found["contact"].basis == "value" and found["payout_ref"].basis == "value"
    assert found["iban"].basis == "name+value"
    assert "30 of 30" in found["iban"].evidence and "mod-97" in found["iban"].evidence
    assert "Luhn" in found["card_number"].evidence
    assert "11-proof" in found["bsn"].evidence
    assert all(0 <= f.confidence <= 1 for f in found.values())
    assert all(f.confidence >= 0.9 for c, f in found.items() if f.basis == "name+value")


def test_known_file_evidence_never_holds_a_value(known: pl.DataFrame) -> None:
    findings = scan_frame(known, "orders")
    assert findings
    assert_no_leak(findings, {c: known[c].drop_nulls().to_list() for c in known.columns})


def test_evidence_check_would_catch_a_leak() -> None:
    leaky = Finding("t", "email", "email", "value jdevries@voorbeeld.nl matched", 0.9, "value")
    with pytest.raises(AssertionError):
        assert_no_leak([leaky], {"email": ["j.devries@voorbeeld.nl"]})


# --- check digits -----------------------------------------------------------------------


def _break_last_digit(value: str) -> str:
    last = value[-1]
    return value[:-1] + str((int(last) + 1) % 10)


@pytest.mark.parametrize(
    ("column", "category"),
    [("payout_ref", "iban"), ("client_ref", "national_id"), ("card_number", "credit_card")],
)
def test_invalid_check_digits_are_not_counted(column: str, category: str) -> None:
    values = pl.read_csv(KNOWN, infer_schema=False)[column].to_list()
    broken = [_break_last_digit(v) for v in values]
    oracle = {"iban": iban_ok, "national_id": bsn_ok, "credit_card": luhn_ok}[category]
    assert all(oracle(v) for v in values) and not any(oracle(v) for v in broken)
    good = scan_values("ref", values)
    assert good is not None and good.category == category and good.matched == 30
    bad = scan_values("ref", broken)
    assert bad is None or bad.category != category


def test_broken_ibans_under_a_clear_name_are_reported_weakly() -> None:
    values = [_break_last_digit(v) for v in pl.read_csv(KNOWN)["iban"]]
    found = scan_frame(pl.DataFrame({"iban": values}), "accounts")
    assert [(f.category, f.basis, f.confidence) for f in found] == [("iban", "name", 0.5)]
    assert "do not confirm" in found[0].evidence


def test_ssn_invalid_areas_groups_serials_are_rejected() -> None:
    valid = ["123-45-6789", "001-01-0001", "899-99-9999", "665-12-3456", "667-12-3456"] * 2
    invalid = ["000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567",
               "123-45-0000", "12-345-6789", "123456789", "abc-de-fghi", "123-45-678"]  # fmt: skip
    assert scan_values("x", valid).category == "national_id"  # type: ignore[union-attr]
    assert scan_values("x", invalid) is None
    assert all(ssn_ok(v) for v in valid) and not any(ssn_ok(v) for v in invalid)


def test_random_nine_digit_numbers_are_not_bsns() -> None:
    rng = np.random.default_rng(5)
    numbers = [str(v) for v in rng.integers(100_000_000, 999_999_999, size=200)]
    passing = sum(bsn_ok(v) for v in numbers)
    assert 5 < passing < 40  # about one in eleven passes the 11-proof by chance
    assert scan_values("ref", numbers) is None


# --- names in five languages ------------------------------------------------------------

NAMES = [
    # English
    ("customers", "first_name", "first_name"), ("customers", "lastName", "last_name"),
    ("users", "email_address", "email"), ("users", "dateOfBirth", "date_of_birth"),
    ("users", "DOB", "date_of_birth"), ("users", "ssn", "national_id"),
    ("users", "zip_code", "postcode"), ("users", "phone_number", "phone"),
    ("users", "ip_address", "ip_address"), ("users", "credit_card_number", "credit_card"),
    ("customers", "name", "person_name"), ("users", "username", "user_name"),
    ("users", "gender", "gender"), ("employees", "base_salary", "salary"),
    ("users", "passport_number", "passport"), ("users", "street_address", "street_address"),
    # flattened JSON paths
    ("orders", "address__postal_code", "postcode"), ("orders", "address.postalCode", "postcode"),
    ("orders", "customer.name", "person_name"), ("orders", "billing/street", "street_address"),
    # Dutch
    ("klanten", "voornaam", "first_name"), ("klanten", "achternaam", "last_name"),
    ("klanten", "geboortedatum", "date_of_birth"), ("klanten", "woonplaats", "city"),
    ("klanten", "postcode", "postcode"), ("klanten", "rekeningnummer", "bank_account"),
    ("klanten", "bsn", "national_id"), ("klanten", "burgerservicenummer", "national_id"),
    ("klanten", "telefoonnummer", "phone"), ("klanten", "straatnaam", "street_address"),
    # German
    ("kunden", "Vorname", "first_name"), ("kunden", "Nachname", "last_name"),
    ("kunden", "Geburtsdatum", "date_of_birth"), ("kunden", "Straße", "street_address"),
    ("kunden", "strasse", "street_address"), ("kunden", "PLZ", "postcode"),
    ("kunden", "Steuernummer", "tax_id"), ("kunden", "Telefonnummer", "phone"),
    ("kunden", "Wohnort", "city"), ("kunden", "Geschlecht", "gender"),
    # French
    ("clients", "prenom", "first_name"), ("clients", "prénom", "first_name"),
    ("clients", "nom_de_famille", "last_name"), ("clients", "date_de_naissance", "date_of_birth"),
    ("clients", "adresse", "street_address"), ("clients", "code_postal", "postcode"),
    ("clients", "ville", "city"), ("clients", "téléphone", "phone"), ("clients", "courriel", "email"),
    # Spanish
    ("clientes", "nombre", "first_name"), ("clientes", "apellidos", "last_name"),
    ("clientes", "apellido", "last_name"), ("clientes", "fecha_de_nacimiento", "date_of_birth"),
    ("clientes", "direccion", "street_address"), ("clientes", "dirección", "street_address"),
    ("clientes", "codigo_postal", "postcode"), ("clientes", "dni", "national_id"),
    ("clientes", "nif", "tax_id"), ("clientes", "correo_electronico", "email"),
    ("clientes", "teléfono", "phone"),
]  # fmt: skip


@pytest.mark.parametrize(("table", "column", "category"), NAMES)
def test_names_in_five_languages(table: str, column: str, category: str) -> None:
    schema = _schema({table: {column: "varchar"}})
    found = scan_schema(schema)
    assert [(f.column, f.category, f.basis) for f in found] == [(column, category, "name")]
    assert "name matches" in found[0].evidence


NOT_PII = [
    ("departments", "name"), ("products", "name"), ("teams", "name"), ("product", "title"),
    ("orders", "order_state"), ("orders", "created_at"), ("orders", "updated_at"),
    ("orders", "order_date"), ("orders", "product_name"), ("orders", "company_name"),
    ("devices", "mac_address"), ("users", "email_verified_at"), ("users", "email_count"),
    ("users", "phone_type"), ("users", "lugar_de_nacimiento"), ("orders", "sku"),
    ("orders", "amount"), ("orders", "status"), ("orders", "file_name"),
    ("invoices", "line_no"), ("orders", "order_status"), ("products", "address.type"),
    ("users", "last_login"), ("network", "cell_id"), ("users", "email_date"),
    ("users", "is_phone_verified"), ("roles", "name"), ("orders", "name_length"),
]  # fmt: skip


@pytest.mark.parametrize(("table", "column"), NOT_PII)
def test_names_that_are_not_pii(table: str, column: str) -> None:
    assert scan_schema(_schema({table: {column: "varchar"}})) == []


def test_column_type_vetoes_a_name() -> None:
    schema = _schema({"users": {"email_opt_in": "boolean", "email": "boolean", "dob": "varchar"}})
    assert [f.column for f in scan_schema(schema)] == ["dob"]


def test_generic_name_on_an_unknown_table_is_weak_and_values_decide() -> None:
    schema = _schema({"things": {"name": "varchar"}})
    (weak,) = scan_schema(schema)
    assert weak.category == "person_name" and weak.confidence < 0.5
    products = ["Oak Desk Large", "Linen Lamp Shade", "Steel Water Bottle"] * 5
    assert scan_schema(schema, {"things": {"name": products}}) == []
    people = ["Jan de Vries", "Emma Smith", "Lukas Müller", "Camille Dubois", "Max Weber"] * 3
    (strong,) = scan_schema(schema, {"things": {"name": people}})
    assert (strong.category, strong.basis) == ("person_name", "name+value")
    assert strong.confidence > weak.confidence


def test_values_veto_a_weak_name_hit() -> None:
    schema = _schema({"accounts": {"state": "varchar", "home_state": "varchar"}})
    statuses = ["ACTIVE", "INACTIVE", "PENDING"] * 10
    states = ["California", "Texas", "Ohio", "New York", "Utah", "Oregon"] * 5
    found = scan_schema(schema, {"accounts": {"state": statuses, "home_state": states}})
    assert [(f.column, f.category, f.basis) for f in found] == [
        ("home_state", "region", "name+value")
    ]


def test_enum_labels_serve_as_values() -> None:
    schema = _schema({"users": {"state": "enum", "gender": "enum"}})
    schema.tables["users"].columns["state"].labels = ["ACTIVE", "BLOCKED"]
    schema.tables["users"].columns["gender"].labels = ["F", "M", "X"]
    found = scan_schema(schema)
    assert [(f.column, f.basis) for f in found] == [("gender", "name+value")]
    assert "enum labels" in found[0].evidence


def test_samples_are_used_only_where_given() -> None:
    schema = _schema({"users": {"email": "varchar", "notes": "text"}})
    found = by_column(scan_schema(schema, {"users": {"email": ["a.b@voorbeeld.nl"] * 5}}))
    assert found["email"].basis == "name+value"
    assert found["notes"].basis == "name"  # no sample: the name alone, weakly
    assert found["notes"].confidence < 0.5


# --- value detectors --------------------------------------------------------------------


def test_postcodes_need_a_name_for_plain_digits() -> None:
    plz = ["10115", "80331", "50667", "20095", "60311", "70173", "01067", "04109"]
    assert scan_values("ref", plz) is None
    hit = scan_values("plz", plz)
    assert hit is not None and (hit.category, hit.variant) == ("postcode", "DE")
    dutch = ["1012 AB", "3511 LX", "2511 CV", "9711 LM", "5611 AZ"] * 2
    hit = scan_values("ref", dutch)
    assert hit is not None and (hit.category, hit.variant) == ("postcode", "NL")


def test_dates_of_birth_versus_event_dates() -> None:
    rng = np.random.default_rng(3)
    today = dt.date.today()
    births = [today - dt.timedelta(days=int(d)) for d in rng.integers(18 * 365, 80 * 365, 50)]
    events = [today - dt.timedelta(days=int(d)) for d in rng.integers(0, 3 * 365, 50)]
    hit = scan_values("col_a", births)  # no name hint: the spread decides
    assert hit is not None and hit.category == "date_of_birth"
    assert scan_values("col_b", events) is None
    assert scan_values("dob", [dt.date(1980, 5, 1)] * 20) is None  # all the same day
    future = [today + dt.timedelta(days=int(d)) for d in rng.integers(1, 900, 20)]
    assert scan_values("birth_date", future) is None
    stamps = pl.Series([dt.datetime(2024, 1, 1, 10, 30) - dt.timedelta(days=i) for i in range(40)])
    assert scan_frame(pl.DataFrame({"created_at": stamps}), "orders") == []


def test_phones_international_and_national() -> None:
    phones = ["+31 6 12345678", "+44 20 7946 0958", "0049 30 1234567", "020-1234567",
              "06-12345678", "(212) 555-0134", "+1-330-971-3651", "01 23 45 67 89"]  # fmt: skip
    hit = scan_values("col", phones)
    assert hit is not None and hit.category == "phone" and hit.matched == len(phones)
    plain = [str(n) for n in range(4_155_550_100, 4_155_550_130)]
    assert scan_values("col", plain) is None  # bare digits: no name, no phone
    assert scan_values("mobile", plain).category == "phone"  # type: ignore[union-attr]


def test_ip_versions() -> None:
    v6 = ["2001:db8::1", "fe80::1ff:fe23:4567:890a", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"]
    hit = scan_values("col", v6 * 4)
    assert hit is not None and (hit.category, hit.variant) == ("ip_address", "ipv6")
    assert scan_values("col", ["1.2", "3.4.5", "999.1.1.1"] * 4) is None


def test_free_text_with_pii_inside() -> None:
    texts = [
        "Bel mij terug op +31 6 12345678 graag",
        "Stuur de factuur naar piet@voorbeeld.nl alsjeblieft",
        "Terugstorten op NL91 ABNA 0417 1643 00 aub",
        "Levering was prima verlopen zonder problemen",
    ] * 3
    clean = ["Levering was prima verlopen zonder problemen", "Doos was nat bij aankomst"] * 6
    frame = pl.DataFrame({"description": texts, "remarks": clean, "comment": texts})
    found = by_column(scan_frame(frame, "tickets"))
    assert set(found) == {"description", "comment"}
    assert found["description"].basis == "value" and found["comment"].basis == "name+value"
    assert found["description"].category == "free_text"
    assert "IBANs (3)" in found["description"].evidence
    assert_no_leak(list(found.values()), {c: frame[c].to_list() for c in frame.columns})


def test_name_values_refine_the_category() -> None:
    firsts = ["Emma", "Lukas", "Sophie", "Thomas", "Julia", "Daan", "Hannah", "Noah"] * 2
    found = scan_frame(pl.DataFrame({"name": firsts}), "customers")
    assert [(f.category, f.basis) for f in found] == [("first_name", "name+value")]


def test_value_hit_wins_over_a_wrong_name() -> None:
    frame = pl.DataFrame({"phone": ["a.b@voorbeeld.nl", "c.d@beispiel.de"] * 10})
    (found,) = scan_frame(frame, "users")
    assert (found.category, found.basis) == ("email", "value")


def test_scan_values_takes_any_sequence_and_reports_counts() -> None:
    values = ("x.y@voorbeeld.nl", None, "z@correo.es", "nope")
    hit = scan_values("email", values)  # the name hint asks the values to confirm: 2 of 3 do
    assert hit is not None and (hit.category, hit.matched, hit.checked) == ("email", 2, 3)
    assert scan_values("contact", values) is None  # by value alone, 80% must match
    assert scan_values("contact", [None, None]) is None


# --- the examples -----------------------------------------------------------------------


def test_the_examples_pii_is_found() -> None:
    root = Path(__file__).parent.parent / "examples"
    frames = {
        **fauxdata.generate(root / "shop.yaml").frames,
        **fauxdata.generate(root / "hr.yaml").frames,
    }
    found = {(t, f.column): f for t, frame in frames.items() for f in scan_frame(frame, t)}
    expected = {
        ("customers", "first_name"): "first_name", ("customers", "last_name"): "last_name",
        ("customers", "email"): "email", ("customers", "phone"): "phone",
        ("customers", "birth_date"): "date_of_birth", ("customers", "city"): "city",
        ("employees", "first_name"): "first_name", ("employees", "last_name"): "last_name",
        ("employees", "email"): "email", ("employees", "phone"): "phone",
        ("employees", "birth_date"): "date_of_birth", ("employees", "home_city"): "city",
        ("employees", "home_postcode"): "postcode", ("employees", "home_phone"): "phone",
        ("compensation", "base_salary"): "salary",
    }  # fmt: skip
    assert {k: v.category for k, v in found.items() if k in expected} == expected
    assert all(found[k].basis == "name+value" for k in expected)
    extra = {k: v for k, v in found.items() if k not in expected}
    # An office's city is an address, but not a person's: reported, without confidence.
    assert set(extra) == {("offices", "city")} and extra[("offices", "city")].confidence <= 0.6


# --- findings and mockers ---------------------------------------------------------------


def test_finding_as_dict_is_plain_json() -> None:
    finding = Finding("t", "bsn", "national_id", "name matches 'bsn'", 0.87654, "name", "NL")
    data = json.loads(json.dumps(finding.as_dict()))
    assert data == {
        "table": "t", "column": "bsn", "category": "national_id",
        "evidence": "name matches 'bsn'", "confidence": 0.88, "basis": "name", "variant": "NL",
    }  # fmt: skip
    assert finding.mocker() == {"kind": "national_id", "country": "NL"}


def test_categories_have_meanings() -> None:
    required = {
        "email", "phone", "person_name", "first_name", "last_name", "street_address",
        "postcode", "city", "date_of_birth", "national_id", "iban", "credit_card",
        "ip_address", "user_name", "gender", "free_text",
    }  # fmt: skip
    assert required <= set(CATEGORIES)
    assert all(isinstance(m, str) and m for m in CATEGORIES.values())


@pytest.mark.parametrize("category", list(CATEGORIES))
def test_every_category_has_a_mocker_that_generates(category: str) -> None:
    generator = mocker_for(category)
    Column.model_validate({"generator": generator})
    spec = {"name": "m", "tables": {"t": {"rows": 20, "columns": {"c": {"generator": generator}}}}}
    values = fauxdata.generate(spec).frames["t"]["c"]
    assert values.len() == 20 and values.null_count() == 0


def test_mocker_shapes_follow_type_and_variant() -> None:
    assert mocker_for("national_id", variant="NL") == {"kind": "national_id", "country": "NL"}
    assert mocker_for("national_id") == {"kind": "national_id", "country": "US"}
    assert mocker_for("ip_address", variant="ipv6") == {"kind": "ipv6"}
    assert mocker_for("postcode", "integer")["kind"] == "uniform_int"
    assert mocker_for("postcode", variant="NL") == {"kind": "postcode", "locale": "nl_NL"}
    assert mocker_for("gender", "char(1)")["values"] == {"F": 0.5, "M": 0.5}
    assert mocker_for("date_of_birth")["kind"] == "date"
    assert mocker_for("free_text") == {"kind": "sentence"}
    with pytest.raises(ValueError, match="unknown PII category 'shoe_size'"):
        mocker_for("shoe_size")


# --- the national_id generator ----------------------------------------------------------


def _national_ids(country: str, n: int, seed: int = 1, unique: bool = False) -> pl.Series:
    ctx = ColumnContext(
        seed=seed, table="people", column="nid", n_rows=n, type=parse_type("varchar"),
        locale="en_US", base_dir=Path(), lookup=lambda *a: pl.Series([]),
        table_rows=lambda t: 0,
    )  # fmt: skip
    gen = NationalIdGenerator(g.NationalId(kind="national_id", country=country), ctx)  # type: ignore[arg-type]
    rows = np.arange(n, dtype=np.int64)
    return gen.at_domain(rows, {}) if unique else gen.generate(rows, {})


def test_ssns_follow_the_rules_on_100k_rows() -> None:
    ssns = _national_ids("US", 100_000)
    assert ssns.str.contains(r"^\d{3}-\d{2}-\d{4}$").all()
    parts = ssns.str.split_exact("-", 2).struct.unnest().cast(pl.Int32)
    area, group, serial = parts["field_0"], parts["field_1"], parts["field_2"]
    assert ((area > 0) & (area != 666) & (area < 900)).all()
    assert ((group > 0) & (serial > 0)).all()
    assert area.n_unique() > 800 and area.max() == 899  # the whole valid range is used
    assert all(ssn_ok(v) for v in ssns.head(2000))


def test_bsns_pass_the_eleven_proof_on_100k_rows() -> None:
    bsns = _national_ids("NL", 100_000)
    assert bsns.str.contains(r"^\d{9}$").all()
    digits = np.frombuffer("".join(bsns.to_list()).encode(), dtype=np.uint8).reshape(-1, 9) - 48
    weights = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1])
    assert ((digits.astype(np.int64) @ weights) % 11 == 0).all()
    assert all(bsn_ok(v) for v in bsns.head(2000))
    assert np.bincount(digits[:, 8], minlength=10).min() > 5000  # every check digit occurs


@pytest.mark.parametrize("country", ["US", "NL"])
def test_national_ids_are_deterministic_and_unique_on_request(country: str) -> None:
    assert _national_ids(country, 1000).equals(_national_ids(country, 1000))
    assert not _national_ids(country, 1000).equals(_national_ids(country, 1000, seed=2))
    unique = _national_ids(country, 100_000, unique=True)
    assert unique.n_unique() == 100_000
    check = ssn_ok if country == "US" else bsn_ok
    assert all(check(v) for v in unique.sample(2000, seed=0))


def test_national_id_spec_generates_in_memory() -> None:
    spec: dict[str, Any] = {
        "name": "people",
        "seed": 11,
        "tables": {
            "people": {
                "rows": 500,
                "columns": {
                    "bsn": {"generator": {"kind": "national_id", "country": "NL"}, "unique": True},
                    "ssn": {"generator": "national_id"},
                },
            }
        },
    }
    frame = fauxdata.generate(spec).frames["people"]
    assert frame["bsn"].n_unique() == 500 and all(bsn_ok(v) for v in frame["bsn"])
    assert all(ssn_ok(v) for v in frame["ssn"])
    assert frame.equals(fauxdata.generate(spec).frames["people"])
    found = by_column(scan_frame(frame, "people"))
    assert found["bsn"].category == found["ssn"].category == "national_id"


# --- helpers ----------------------------------------------------------------------------


def _schema(tables: dict[str, dict[str, str]]) -> SourceSchema:
    return SourceSchema(
        dialect="postgresql",
        url="postgresql://***@db/app",
        schema="public",
        tables={
            name: SourceTable(
                name,
                {c: SourceColumn(name=c, type=t, nullable=True) for c, t in columns.items()},
            )
            for name, columns in tables.items()
        },
    )


def test_iban_country_is_kept_as_a_variant_for_the_mocker() -> None:
    dutch = [
        "NL91ABNA0417164300",
        "NL02RABO0123456789",
        "NL20INGB0001234567",
        "DE89370400440532013000",
    ]
    hit = scan_values("rekeningnummer", dutch)
    assert hit is not None and (hit.category, hit.variant) == ("iban", "NL")
    assert mocker_for("iban", "varchar(34)", variant="NL") == {"kind": "iban", "locale": "nl_NL"}
    assert mocker_for("iban", "varchar(34)", variant="XX") == {"kind": "iban"}


def test_nine_digits_passing_both_checks_are_bsns_unless_the_name_says_ssn() -> None:
    both = ["111222333", "123456782"]  # valid BSNs that are also SSN-shaped
    by_id = scan_values("national_id", both)
    assert by_id is not None and (by_id.category, by_id.variant) == ("national_id", "NL")
    by_ssn = scan_values("ssn", both)
    assert by_ssn is not None and by_ssn.variant == "US"
