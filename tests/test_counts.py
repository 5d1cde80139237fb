"""Row counts as typed on the command line (``--rows t=10k``)."""

from __future__ import annotations

import pytest

from fauxdata.workflows.counts import parse_count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("1000", 1000),
        ("1_000", 1000),
        ("1,000,000", 1_000_000),
        ("10k", 10_000),
        ("2.5M", 2_500_000),
        ("1B", 1_000_000_000),
        ("1e6", 1_000_000),
        (" 7 ", 7),
        ("0", 0),
    ],
)
def test_forms_people_type(text: str, count: int) -> None:
    assert parse_count(text) == count


@pytest.mark.parametrize(
    "text", ["", "-1", "1.5", "ten", "1e", "2.5", "1kk", "0x10", "1.0001k", "1,5", "10,00"]
)
def test_anything_else_is_not_a_count(text: str) -> None:
    assert parse_count(text) is None
