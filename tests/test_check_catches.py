"""``check`` refuses, before anything is written, what generate or a database would reject.

Each case of issue 13 gets its spec path, what was found and what was expected; each
of these specs passed ``check`` before and then failed later (duplicates, wrapped
integers, inf in the output).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

import fauxdata
from fauxdata.errors import FauxdataError, SpecError
from tests.support.cli import fauxdata as cli


def one_table(columns: dict[str, Any], rows: int = 10, **table: Any) -> dict[str, Any]:
    return {"name": "t", "seed": 3, "tables": {"t": {"rows": rows, "columns": columns, **table}}}


def refusal(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, message) of every problem check reports."""
    with pytest.raises(FauxdataError) as info:
        fauxdata.check(spec)
    exc = info.value
    found = exc.problems if isinstance(exc, SpecError) else [exc]
    return [(p.path, f"{p.message} ({p.hint})") for p in found]


def test_a_primary_key_cut_by_varchar_is_refused_with_the_width_needed() -> None:
    spec = one_table(
        {
            "id": {
                "type": "varchar(3)",
                "generator": {"kind": "formatted_id", "format": "CUS-{:06d}"},
            }
        },
        primary_key="id",
    )
    ((path, message),) = refusal(spec)
    assert path == "tables.t.columns.id.type"
    assert "up to 10 characters; varchar(3) would cut them" in message
    assert "use varchar(10) or wider" in message


def test_a_unique_word_list_cut_by_varchar_is_refused() -> None:
    spec = one_table({"fn": {"type": "varchar(2)", "unique": True, "generator": "first_name"}})
    ((path, message),) = refusal(spec)
    assert path == "tables.t.columns.fn.type" and "varchar(2) would cut them" in message


@pytest.mark.parametrize(
    ("generator", "width"),
    [
        ({"kind": "sequence", "start": 1000}, 4),
        ({"kind": "regex", "pattern": "[A-Z]{3}-\\d{4}"}, 8),
        ({"kind": "choice", "values": ["alpha", "beta", "gamma", "delta"]}, 5),
        ({"kind": "uuid"}, 36),
    ],
)
def test_every_knowable_width_is_compared(generator: dict[str, Any], width: int) -> None:
    narrow = one_table({"k": {"type": "varchar(2)", "generator": generator}}, rows=4, unique=["k"])
    ((_, message),) = refusal(narrow)
    assert f"use varchar({width}) or wider" in message
    wide = one_table({"k": {"type": f"varchar({width})", "generator": generator}}, rows=4)
    wide["tables"]["t"]["unique"] = ["k"]
    assert fauxdata.generate(wide).frames["t"]["k"].n_unique() == 4


def test_a_long_non_key_text_is_still_cut_as_documented() -> None:
    spec = one_table(
        {"v": {"type": "varchar(2)", "generator": {"kind": "regex", "pattern": "[a-z]{9}"}}}
    )
    assert fauxdata.generate(spec).frames["t"]["v"].str.len_chars().max() == 2


def test_decimal_overflow_from_a_generator_range() -> None:
    spec = one_table(
        {"a": {"type": "decimal(3,2)", "generator": {"kind": "uniform", "min": 0, "max": 1000}}}
    )
    ((path, message),) = refusal(spec)
    assert path == "tables.t.columns.a.type"
    assert "from 0.0 to 1,000.0; expected values that fit decimal(3,2) (at most 9.99" in message
    assert "use decimal(6,2)" in message


def test_uniform_int_beyond_int64_is_refused_not_wrapped() -> None:
    spec = one_table({"b": {"generator": {"kind": "uniform_int", "min": 0, "max": 10**20}}})
    ((path, message),) = refusal(spec)
    assert path == "tables.t.columns.b.generator.uniform_int.max"
    assert "less than or equal to 9223372036854775807; found 100000000000000000000" in message


def test_max_1e20_in_yaml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(
        "name: s\ntables:\n  t:\n    rows: 5\n    columns:\n"
        "      b: {generator: {kind: uniform_int, min: 0, max: 1e20}}\n"
    )
    done = cli("check", "s.yaml", cwd=tmp_path)
    assert done.returncode == 2 and "tables.t.columns.b.generator.uniform_int.max" in done.stderr


@pytest.mark.parametrize(
    ("ctype", "generator", "found"),
    [
        ("smallint", {"kind": "uniform_int", "min": 0, "max": 100_000}, "from 0 to 100,000"),
        ("integer", {"kind": "sequence", "start": 2_147_483_000}, "to 2,147,483,999"),
        ("smallint", {"kind": "poisson", "lam": 100_000}, "expected values that fit smallint"),
    ],
)
def test_integer_columns_whose_range_exceeds_the_type(
    ctype: str, generator: dict[str, Any], found: str
) -> None:
    ((path, message),) = refusal(
        one_table({"v": {"type": ctype, "generator": generator}}, rows=1000)
    )
    assert path == "tables.t.columns.v.type" and found in message


def test_a_sequence_past_int64_is_refused() -> None:
    spec = one_table({"v": {"generator": {"kind": "sequence", "start": 2**63 - 5}}})
    ((path, message),) = refusal(spec)
    assert path == "tables.t.columns.v.generator" and "fit bigint" in message


def test_formatted_ids_past_int64_are_refused() -> None:
    spec = one_table(
        {"v": {"generator": {"kind": "formatted_id", "format": "X{}", "start": 2**63 - 5}}}
    )
    ((path, message),) = refusal(spec)
    assert path == "tables.t.columns.v.generator" and "within int64" in message


@pytest.mark.parametrize(
    ("column", "path"),
    [
        ({"formula": "[id]/0"}, "tables.t.columns.x.generator.formula"),
        ({"sql": "id/0"}, "tables.t.columns.x.generator.expression"),
        ({"formula": "MOD([id], 0)"}, "tables.t.columns.x.generator.formula"),
        ({"formula": "100 / [id]"}, "tables.t.columns.x.generator.formula"),
        ({"sql": "100 / (id)"}, "tables.t.columns.x.generator.expression"),
    ],
)
def test_division_by_zero_on_a_not_null_column_is_refused(
    column: dict[str, Any], path: str
) -> None:
    spec = one_table({"id": {"generator": {"kind": "sequence", "start": 0}}, "x": column})
    ((found_path, message),) = refusal(spec)
    assert found_path == path
    assert "division by zero gives NULL, but the column is NOT NULL" in message


def test_division_by_zero_gives_null_never_inf_or_nan() -> None:
    spec = one_table(
        {
            "id": {"generator": {"kind": "sequence", "start": 0}},
            "s": {"sql": "id / 0", "nullable": True},
            "f": {"formula": "[id] / ([id] - [id])", "nullable": True},
            "m": {"sql": "(id * 1.5) % 0", "nullable": True},
            "ok": {"sql": "id / 2"},
        }
    )
    frame = fauxdata.generate(spec).frames["t"]
    for name in ("s", "f", "m"):
        assert frame[name].null_count() == 10, name
    assert frame["ok"].to_list() == [i / 2 for i in range(10)]


def test_a_zero_divisor_found_only_while_generating_names_the_column() -> None:
    spec = one_table(
        {
            "id": {"generator": {"kind": "sequence", "start": 0}},
            "x": {"formula": "[id] / ([id] - [id])"},
        }
    )
    fauxdata.check(spec)  # the divisor's range is not knowable before generating
    with pytest.raises(FauxdataError, match="gave NULL in 10 of 10 rows") as info:
        fauxdata.generate(spec)
    assert info.value.path == "tables.t.columns.x"


def test_sql_division_by_zero_writes_no_inf(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(
        "name: s\ntables:\n  t:\n    rows: 5\n    columns:\n"
        "      id: {generator: {kind: sequence, start: 0}}\n"
        "      r: {sql: 'id / 0'}\n"
    )
    done = cli("generate", "s.yaml", "--to", "parquet:out", cwd=tmp_path)
    assert done.returncode != 0 and "tables.t.columns.r.generator.expression" in done.stderr
    assert not (tmp_path / "out").exists()


def _pairs(rows: int) -> dict[str, Any]:
    return one_table(
        {
            "c": {"generator": {"kind": "choice", "values": ["x", "y"]}},
            "b": {"generator": "boolean"},
        },
        rows=rows,
        primary_key=["c", "b"],
    )


def test_a_composite_key_over_a_2x2_domain_gives_the_4_pairs_deterministically() -> None:
    first = fauxdata.generate(_pairs(4)).frames["t"]
    again = fauxdata.generate(_pairs(4)).frames["t"]
    assert first.equals(again)
    assert sorted(first.rows()) == [("x", False), ("x", True), ("y", False), ("y", True)]


def test_a_composite_key_past_its_joint_domain_is_refused() -> None:
    ((path, message),) = refusal(_pairs(5))
    assert path == "tables.t.primary_key"
    assert "(c, b) has only 4 distinct combinations but table 't' has 5 rows" in message


def test_composite_unique_over_discrete_numbers_is_built_jointly() -> None:
    spec = one_table(
        {
            "a": {"generator": {"kind": "zipf", "n": 3}},
            "b": {"generator": {"kind": "uniform_int", "min": 1, "max": 4}},
        },
        rows=12,
        unique=[["a", "b"]],
    )
    frame = fauxdata.generate(spec).frames["t"]
    assert frame.select(pl.struct("a", "b").n_unique()).item() == 12


def test_init_writes_short_text_keys_that_fit_their_varchar(tmp_path: Path) -> None:
    """A varchar(3) primary key used to become CUS-{:04d}: cut into duplicates."""
    import sqlite3

    with sqlite3.connect(tmp_path / "k.db") as con:
        con.execute("CREATE TABLE customers (code VARCHAR(3) PRIMARY KEY, name VARCHAR(20))")
        con.execute(
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, code VARCHAR(3) REFERENCES customers(code))"
        )
    made = cli("init", "--from", "sqlite:///k.db", "--out", "k.yaml", "--rows", "500", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "unique code" in (tmp_path / "k.yaml").read_text()
    result = fauxdata.generate(str(tmp_path / "k.yaml"))
    codes = result.frames["customers"]["code"]
    assert codes.n_unique() == 500 and codes.str.len_chars().max() == 3


@pytest.mark.parametrize(
    "expression",
    [
        "id / 2",
        "id % 3",
        "MOD(id, 4)",
        "mod(id, 4) + 1",
        "DIV(id, 5)",
        "(id * 2) / (id - id)",
        "CASE WHEN id > 1 THEN id / 0 ELSE 1 END",
    ],
)
def test_every_shape_of_division_is_seen_by_the_quick_test(expression: str) -> None:
    """``might_divide`` lets text without ``/``, ``%``, DIV or MOD skip sqlglot; every
    division sqlglot finds must be in text it lets through."""
    import sqlglot
    from sqlglot import exp

    from fauxdata.spec.expressions import might_divide, null_safe_division

    tree = sqlglot.parse_one(expression, read="postgres")
    assert list(tree.find_all(exp.Div, exp.Mod, exp.IntDiv))
    assert might_divide(expression)
    assert "NULLIF" in null_safe_division(expression)


@pytest.mark.parametrize(
    "expression", ["unit_price * quantity", "a + b - c", "CASE WHEN a > 1 THEN 'x' END", "modest"]
)
def test_text_without_division_is_kept_as_written(expression: str) -> None:
    from fauxdata.spec.expressions import null_safe_division

    assert null_safe_division(expression) == expression
