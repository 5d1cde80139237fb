"""Sample statistics: shapes made of classes only, enum shares, NULL shares."""

from __future__ import annotations

import pytest

from fauxdata.introspect.sample import hints_for, shape_of


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        ("AB-1234", r"[A-Z]{2}\-[0-9]{4}"),
        ("x", "[a-z]"),
        ("Hello World 7", "[A-Z][a-z]{4} [A-Z][a-z]{4} [0-9]"),
        ("2024/01/31", r"[0-9]{4}/[0-9]{2}/[0-9]{2}"),
        ("Ærø", ""),  # non-ASCII letters: no shape rather than a leak
        ("", ""),
        ("a" * 65, ""),
    ],
)
def test_shapes_keep_no_letter_or_digit(value: str, shape: str) -> None:
    assert shape_of(value) == shape


def test_enum_like_columns_get_shares_without_labels() -> None:
    hints = hints_for(["b"] * 30 + ["a"] * 60 + ["c"] * 10 + [None] * 25)
    assert hints.rows == 125 and hints.null_rate == pytest.approx(0.2)
    assert hints.distinct == 3 and hints.shares == [0.6, 0.3, 0.1]


def test_many_distinct_values_are_not_an_enum_and_mixed_shapes_are_no_shape() -> None:
    values = [f"id{i}" for i in range(100)] + [f"X-{i}" for i in range(100)]
    hints = hints_for(values)
    assert hints.shares == [] and hints.shape is None


def test_emails_are_recognised_by_value() -> None:
    hints = hints_for([f"p{i}@mail.example.org" for i in range(20)])
    assert hints.looks_like == "email" and hints.shape is None


def test_an_empty_table_gives_no_hints() -> None:
    hints = hints_for([])
    assert hints.rows == 0 and hints.null_rate == 0.0 and hints.shape is None
