"""Pattern checks over a column's distinct values, from its Parquet dictionaries."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from fauxdata.verify.dictionaries import distinct_values


def _written(tmp_path: Path, values: list[str | None], **options: object) -> Path:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"code": values, "n": list(range(len(values)))}), path, **options)
    return path


def test_the_distinct_values_are_every_row_groups_values(tmp_path: Path) -> None:
    values = [f"Clerk#{i % 37:03d}" for i in range(20_000)] + [None, "late"]
    path = _written(tmp_path, values, row_group_size=1_000)
    found = distinct_values(path, "code")
    assert found is not None
    assert sorted(found.to_pylist(), key=str) == sorted(set(values) - {None}, key=str)


def test_mostly_distinct_or_untyped_columns_are_read_as_rows(tmp_path: Path) -> None:
    path = _written(tmp_path, [f"id-{i}" for i in range(50_000)], row_group_size=10_000)
    assert distinct_values(path, "code") is None  # given up after the first row group
    assert distinct_values(path, "n") is None  # not text
    assert distinct_values(path, "absent") is None
    plain = _written(tmp_path, ["a", "b"] * 10, use_dictionary=False)
    found = distinct_values(plain, "code")  # pyarrow builds the dictionary from the values
    assert found is None or sorted(found.to_pylist()) == ["a", "b"]


def test_a_value_off_the_pattern_is_counted_over_the_rows(tmp_path: Path) -> None:
    """The check passes over the distinct values only when every one matches; a value
    off the pattern sends it to the rows, which count each row that holds it."""
    from fauxdata.spec.types import parse_type
    from fauxdata.verify.checks import _matching

    values = ["AB-1", "CD-2"] * 5_000 + ["bad"] * 3
    path = _written(tmp_path, values, row_group_size=2_000)
    rel = f"read_parquet('{path}')"

    class Column:
        name = "code"
        type = parse_type("varchar")

    class Table:
        name = "t"

    bad = '"code" IS NOT NULL AND NOT regexp_full_match("code", \'[A-Z]{2}-[0-9]\')'
    check = _matching(duckdb.connect(), "Pattern", Table(), Column(), rel, bad)  # type: ignore[arg-type]
    assert (check.status, check.failing, check.examples) == ("fail", 3, ["bad"] * 3)
    good = _written(tmp_path, values[:-3], row_group_size=2_000)
    check = _matching(
        duckdb.connect(), "Pattern", Table(), Column(), f"read_parquet('{good}')", bad
    )  # type: ignore[arg-type]
    assert check.status == "pass"
