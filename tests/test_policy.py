"""Faasera-style policies: import as specs that generate, export back, clear errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import fauxdata
from fauxdata.policy import PolicyError, export_policies, import_policies
from fauxdata.spec import validate_spec
from tests.support.cli import fauxdata as cli

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "policies"


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    folder = tmp_path / "policies"
    shutil.copytree(EXAMPLE, folder)
    return folder


def test_example_policy_imports_and_generates(policies: Path, tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    done = cli(
        "import-policy",
        str(policies / "customers.policy.json"),
        "--out",
        "specs/customers.yaml",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    result = fauxdata.generate(tmp_path / "specs" / "customers.yaml")
    assert result.report is not None and result.report.passed
    customers = result.frames["customers"]
    assert customers.height == 1000 and customers["customer_id"].n_unique() == 1000
    assert all(re.fullmatch(r"CUST-\d{6}", c) for c in customers["customer_id"])
    seeds = set((policies / "first-names.txt").read_text().split())
    assert set(customers["firstname"]) <= seeds
    for first, last, email in customers.select("firstname", "lastname", "email").iter_rows():
        assert email == f"{first}.{last}".lower().replace(" ", "") + "@example.com"
    dob = customers["dob"]
    assert str(dob.min()) >= "1950-01-01" and str(dob.max()) <= "2005-12-31"
    assert all(re.fullmatch(r"\d{3}-\d{2}-\d{4}", s) for s in customers["ssn"])
    accounts = result.frames["accounts"]
    assert all(re.fullmatch(r"NL\d{2}BANK\d{10}", a) for a in accounts["account_number"])


def test_keys_follow_the_policy(policies: Path) -> None:
    spec = validate_spec(import_policies(policies / "customers.policy.json"))
    customers = spec.tables["customers"]
    assert customers.primary_key == "customer_id"
    assert customers.unique == [["customer_id", "dob"]]
    only_composite = json.loads((policies / "customers.policy.json").read_text())[0]
    del only_composite["primaryKeyColumn"]
    (policies / "one.json").write_text(json.dumps(only_composite))
    assert import_policies(policies / "one.json")["tables"]["customers"]["primary_key"] == [
        "customer_id",
        "dob",
    ]


def test_export_then_import_gives_the_same_spec(policies: Path, tmp_path: Path) -> None:
    first = import_policies(policies / "customers.policy.json", relative_to=tmp_path)
    exported = export_policies(validate_spec(first), base_dir=tmp_path, relative_to=tmp_path)
    (tmp_path / "back.json").write_text(json.dumps(exported))
    second = import_policies(tmp_path / "back.json", relative_to=tmp_path)
    assert second["tables"] == first["tables"]


def test_faasera_vocabulary_variants_import_and_generate(tmp_path: Path) -> None:
    """Words from Faasera's published policy format (``seedSeparator``, ``FPE``, ``HASH``,
    ``REDACT``) and common shapes of hand-written policies: a wrapper object, word
    formats, numeric bounds, a rule given as a bare type name."""
    (tmp_path / "cities.txt").write_text("Utrecht, Leiden,Delft\n# a comment\nGouda\n")
    policy = {
        "name": "crm-policy",
        "policies": [
            {
                "tableName": "contacts",
                "generationType": "RULE_BASED_SYNTHETIC",
                "rowCount": 400,
                "primaryKeyColumn": "contact_id",
                "columnRuleMap": {
                    "contact_id": {"type": "RANDOM", "format": "UUID"},
                    "city": {"type": "SEED", "seedFileName": "cities.txt", "seedSeparator": ","},
                    "ssn": {"type": "FPE"},
                    "token": {"type": "HASH"},
                    "short_token": {"ruleType": "hash", "length": 12},
                    "notes": {"type": "REDACT", "value": "[REDACTED]"},
                    "blank": "REDACT",
                    "pin": {"type": "RANDOM", "format": "NUMERIC", "length": 4},
                    "code": {"type": "RANDOM", "format": "alphanumeric", "length": 10},
                    "age": {"type": "RANDOM", "min": 18, "max": 99},
                    "score": {"type": "RANDOM", "min": 0, "max": 2.5},
                    "email": {"type": "RANDOM", "format": "EMAIL"},
                },
            }
        ],
    }
    (tmp_path / "crm.json").write_text(json.dumps(policy))
    spec = validate_spec(import_policies(tmp_path / "crm.json"))
    result = fauxdata.generate(spec, base_dir=tmp_path)
    assert result.report is not None and result.report.passed
    rows = result.frames["contacts"]
    assert rows.height == 400 and rows["contact_id"].n_unique() == 400
    assert all(
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", u)
        for u in rows["contact_id"]
    )
    assert set(rows["city"]) == {"Utrecht", "Leiden", "Delft", "Gouda"}
    assert all(re.fullmatch(r"\d{3}-\d{2}-\d{4}", v) for v in rows["ssn"])
    assert all(re.fullmatch(r"[0-9a-f]{64}", v) for v in rows["token"])
    assert all(re.fullmatch(r"[0-9a-f]{12}", v) for v in rows["short_token"])
    assert set(rows["notes"]) == {"[REDACTED]"} and set(rows["blank"]) == {""}
    assert all(re.fullmatch(r"[0-9]{4}", v) for v in rows["pin"])
    assert all(re.fullmatch(r"[A-Za-z0-9]{10}", v) for v in rows["code"])
    assert rows["age"].min() >= 18 and rows["age"].max() <= 99
    assert rows["score"].min() >= 0 and rows["score"].max() <= 2.5
    assert all(re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", v) for v in rows["email"])
    exported = export_policies(spec, base_dir=tmp_path, relative_to=tmp_path)
    assert exported[0]["columnRuleMap"]["city"]["seedSeparator"] == ","
    assert exported[0]["columnRuleMap"]["notes"] == {"type": "REDACT", "value": "[REDACTED]"}
    (tmp_path / "back.json").write_text(json.dumps(exported))
    again = validate_spec(import_policies(tmp_path / "back.json"))
    assert again.tables == spec.tables


@pytest.mark.parametrize(
    ("written", "start", "end"),
    [
        ("1950-01-01:2005-12-31", "1950-01-01", "2005-12-31"),
        ("1970-2000", "1970-01-01", "2000-12-31"),
        ("1970/01/01 - 1999/12/31", "1970-01-01", "1999-12-31"),
        ("2000-01-01T00:00:00 to 2001-06-30T00:00:00", "2000-01-01", "2001-06-30"),
        ({"startDate": "2001-01-01", "endDate": "2002-01-01"}, "2001-01-01", "2002-01-01"),
    ],
)
def test_rules_listed_with_their_columns_and_date_ranges_as_written(
    tmp_path: Path, written: object, start: str, end: str
) -> None:
    rules = [
        {"columnName": "id", "ruleType": "RANDOM", "format": "ID-#####"},
        {"columnName": "joined", "ruleType": "DATE_RANDOM", "range": written},
    ]
    policy = {"tableName": "members", "primaryKeyColumn": "id", "columnRuleMap": rules}
    (tmp_path / "p.json").write_text(json.dumps(policy))
    document = import_policies(tmp_path / "p.json")
    joined = document["tables"]["members"]["columns"]["joined"]["generator"]
    assert (joined["start"], joined["end"]) == (start, end)
    rows = fauxdata.generate(document).frames["members"]
    assert str(rows["joined"].min()) >= start and str(rows["joined"].max()) <= end
    assert rows["id"].n_unique() == rows.height
    del rules[0]["columnName"]
    (tmp_path / "p.json").write_text(json.dumps(policy))
    with pytest.raises(PolicyError, match="names no column") as caught:
        import_policies(tmp_path / "p.json")
    assert caught.value.path == "p.json.columnRuleMap[0]"


def test_a_masking_policy_is_refused_with_the_way_to_mask(tmp_path: Path) -> None:
    policy = {"tableName": "t", "generationType": "MASKING", "columnRuleMap": {"a": "HASH"}}
    (tmp_path / "m.json").write_text(json.dumps(policy))
    with pytest.raises(PolicyError, match="not a generation policy") as caught:
        import_policies(tmp_path / "m.json")
    assert caught.value.path == "m.json.generationType"
    assert "--mode mock-or-mask" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("rule", "path", "message"),
    [
        ({"type": "SHUFFLE"}, "columnRuleMap.a.type", "unknown rule type 'SHUFFLE'"),
        ({"type": "HASH", "length": "long"}, "columnRuleMap.a.length", "whole number"),
        ({"type": "RANDOM", "min": 9, "max": 1}, "columnRuleMap.a.min", "greater than max"),
        ({"type": "RANDOM", "min": "low"}, "columnRuleMap.a.min", "must be numbers"),
        (
            {"type": "SEED", "seedFileName": "nope.txt"},
            "columnRuleMap.a.seedFileName",
            "nope.txt not found",
        ),
        ({"type": "SEED"}, "columnRuleMap.a.seedFileName", "needs seedFileName"),
        (
            {"type": "PRESERVE", "pattern": "{who}@x.nl"},
            "columnRuleMap.a.pattern",
            "{who} names no column",
        ),
        (
            {"type": "DATE_RANDOM", "range": "soon"},
            "columnRuleMap.a.range",
            "cannot read the date range",
        ),
        (
            {"type": "DATE_RANDOM", "range": "2020-01-01:2010-01-01"},
            "columnRuleMap.a.range",
            "starts after it ends",
        ),
    ],
)
def test_policy_errors_name_their_place(
    tmp_path: Path, rule: dict, path: str, message: str
) -> None:
    (tmp_path / "p.json").write_text(json.dumps({"tableName": "t", "columnRuleMap": {"a": rule}}))
    with pytest.raises(PolicyError) as caught:
        import_policies(tmp_path / "p.json")
    assert caught.value.path == f"p.json.{path}"
    assert message in caught.value.message


def test_export_names_a_generator_without_a_rule() -> None:
    spec = validate_spec(
        {
            "name": "x",
            "tables": {
                "t": {"rows": 1, "columns": {"n": {"generator": {"kind": "poisson", "lam": 2}}}}
            },
        }
    )
    with pytest.raises(PolicyError, match="generator 'poisson' has no policy rule") as caught:
        export_policies(spec)
    assert caught.value.path == "tables.t.columns.n"
