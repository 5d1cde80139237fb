"""init on a schema of 1,000 tables (tests/support/wide_schema.py: foreign keys, link
tables, CHECKs, an enum and the usual types) reads every table and writes a spec; its
speed is measured by ``benchmarks/run.py --only init``."""

from __future__ import annotations

from pathlib import Path

import psycopg

from fauxdata.introspect.reflect import read_schema
from tests.support.cli import fauxdata as cli
from tests.support.postgres import create_database
from tests.support.wide_schema import tables_for, wide_schema_ddl


def test_a_thousand_tables(postgres_server: str, tmp_path: Path) -> None:
    url = create_database(postgres_server, "wide_1000")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(wide_schema_ddl(tables_for(1000)))
    found = read_schema(url)
    assert len(found.tables) == 1000
    assert found.tables["t0001"].foreign_keys[0].parent == "t0000"
    spec = tmp_path / "wide.yaml"
    done = cli("init", "--from", url, "--out", str(spec), "--rows", "10", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1000 tables" in done.stdout.replace("\n", " ")
    # The time it takes is a benchmark target (benchmarks/run.py --only init: 30 s or
    # less), not a bound here: a busy CI machine would make a timed test flaky.


TRICKY = [
    "yes", "no", "true", "False", "null", "~", "", " lead", "trail ", "it's", "a: b", "a #b",
    "# not a comment", "- dash", "[x]", "{y}", "*star", "&amp", "!tag", "|bar", ">gt", "%pct",
    "@at", "`tick", "2015-01-01", "2015-01-01T00:00:00", "12", "0x1F", "1e5", ".inf", "3.14",
    "two\nlines", "tab\there", "Zürich", "T-{:08d}", "[A-Z][a-z]{2,19}", "\\x[0-9a-f]{32}",
    "c0 IN ('open', 'closed')", "ends:", "key: value", "'quoted'", '"double"',
]  # fmt: skip


def test_specs_written_directly_read_back_like_ruamel_writes_them(tmp_path: Path) -> None:
    """dump_new_yaml (init's writer) gives the data ruamel's emitter gives, for values
    YAML would otherwise read as another type, and keeps every comment."""
    from ruamel.yaml.comments import CommentedMap

    from fauxdata.spec.loader import safe_yaml
    from fauxdata.spec.yaml_io import dump_new_yaml, dump_yaml, round_trip

    doc = CommentedMap()
    doc["name"] = "tricky"
    doc.yaml_set_comment_before_after_key("name", before="first line\nsecond line")
    table = CommentedMap()
    table["rows"] = 5
    table.yaml_add_eol_comment("why five", "rows")
    table["checks"] = ["a > 0"]
    table.yaml_set_comment_before_after_key("checks", before="checks, verified", indent=4)
    columns = CommentedMap()
    for i, text in enumerate(TRICKY):
        columns[f"c{i}"] = {"generator": {"kind": "constant", "value": text}}
        columns.yaml_add_eol_comment(f"comment {i}", f"c{i}")
    columns["null"] = {"values": [None, True, 0.5, 1e-05, 1e20, -3, [1, [2, 3]], {}, []]}
    columns[TRICKY[10]] = {"unique": [["a", "b"], "c"], "empty": {}, "none": None}
    table["columns"] = columns
    doc["tables"] = {"t": table}
    written = dump_new_yaml(doc)
    assert safe_yaml().load(written) == safe_yaml().load(dump_yaml(doc))
    again = round_trip().load(written)["tables"]["t"]["columns"]
    assert [again[f"c{i}"]["generator"]["value"] for i in range(len(TRICKY))] == TRICKY
    for comment in ["# first line", "# second line", "# why five", "# checks, verified"]:
        assert comment in written
    assert all(f"# comment {i}" in written for i in range(len(TRICKY)))
