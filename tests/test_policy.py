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


@pytest.mark.parametrize(
    ("rule", "path", "message"),
    [
        ({"type": "SHUFFLE"}, "columnRuleMap.a.type", "unknown rule type 'SHUFFLE'"),
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
