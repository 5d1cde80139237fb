"""Spreadsheet formulas: every function against its documented result, the edge cases
spreadsheets are known for, errors with carets, RAND's per-call semantics, and the spec
integration (shorthand, types, cycles, TODAY and replay)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import fauxdata
from fauxdata.errors import SpecError
from fauxdata.formula import FormulaError, compile_formula
from fauxdata.formula.functions import EXAMPLE_ROW, EXAMPLE_TODAY, FUNCTIONS
from tests.support.cli import fauxdata as cli

TYPES = {name: kind for name, (kind, _) in EXAMPLE_ROW.items()}
ROW = pl.DataFrame(
    {name: [value] for name, (_, value) in EXAMPLE_ROW.items()},
    schema_overrides={"middle_name": pl.String},
)


def evaluate(formula: str, draw: float = 0.5) -> Any:
    compiled = compile_formula(formula, TYPES, EXAMPLE_TODAY)
    frame = ROW.with_columns(pl.lit(draw).alias(f"__rand_{i}") for i in range(compiled.draws))
    return frame.select(compiled.expr.alias("v"))["v"][0]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_gives_its_documented_result(name: str) -> None:
    function = FUNCTIONS[name]
    got = evaluate(function.example)
    if isinstance(function.result, float) or isinstance(got, float):
        assert got == pytest.approx(function.result), function.example
    else:
        assert got == function.result, function.example


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        # operators and precedence, as in spreadsheets
        ("1 + 2 * 3", 7),
        ("-2^2", 4),  # unary minus binds tighter than ^
        ("2^3^2", 64),  # left-associative
        ("50%", 0.5),
        ("7 / 2", 3.5),
        ("1 / 0", None),  # #DIV/0! becomes blank
        ('"a" & 1.5', "a1.5"),
        ('"a" & 2', "a2"),
        ('TRUE & ""', "TRUE"),
        ('"x" & [middle_name] & "y"', "xy"),  # blanks join as empty text
        ('"abc" = "ABC"', True),  # text compares case-blind
        ('"a" < "B"', True),
        ("[hired_on] + 1", dt.date(2021, 2, 1)),  # across a month end
        ("[hired_on] - [birth_date]", 11158),
        ("=[level] + 1", 4),  # a leading = is allowed
        ("#2024-02-29# + 1", dt.date(2024, 3, 1)),
        # rounding like a spreadsheet, not like binary floating point
        ("ROUND(2.675, 2)", 2.68),
        ("ROUND(-2.5, 0)", -3),
        ("ROUNDUP(-2.1, 0)", -3),
        ("ROUNDDOWN(-2.7, 0)", -2),
        ("ROUND(1234.5, -2)", 1200),
        ("MOD(7, -3)", -2),
        ("MOD(5, 0)", None),
        # blanks and empty text
        ('LEN("")', 0),
        ("LEN([middle_name])", 0),
        ('ISBLANK("")', False),
        ('UPPER("")', ""),
        ('TRIM("")', ""),
        ('VALUE("abc")', None),
        ("IF(FALSE, 1)", None),
        ('SWITCH(9, 1, "a", 2, "b")', None),
        ('CHOOSE(4, "a", "b")', None),
        ('IFS(FALSE, "a")', None),
        ("COALESCE([middle_name], [middle_name])", None),
        ('MIN([level], [middle_name] = "x")', 3),  # blanks are ignored
        ('LEFT("abc", 0)', ""),
        ('RIGHT("abc", 10)', "abc"),
        ('MID("abc", 10, 2)', ""),
        ('SUBSTITUTE("a-b-c", "-", "")', "abc"),
        ('SUBSTITUTE("a-b-c", "-", "+", 5)', "a-b-c"),
        ('REPLACE("abcdef", 3, 0, "X")', "abXcdef"),
        # dates across month and year ends, leap years
        ("DATE(2024, 2, 30)", dt.date(2024, 3, 1)),
        ("DATE(2024, 0, 1)", dt.date(2023, 12, 1)),
        ("DATE(2023, 12, 32)", dt.date(2024, 1, 1)),
        ("EDATE(#2024-01-31#, 1)", dt.date(2024, 2, 29)),
        ("EDATE(#2024-03-31#, -1)", dt.date(2024, 2, 29)),
        ("EOMONTH(#2024-02-10#, 0)", dt.date(2024, 2, 29)),
        ("EOMONTH(#2024-12-15#, 2)", dt.date(2025, 2, 28)),
        ('DATEDIF(#2024-01-31#, #2024-02-29#, "M")', 0),
        ('DATEDIF(#2024-01-31#, #2024-03-31#, "M")', 2),
        ('DATEDIF(#2000-02-29#, #2024-02-28#, "Y")', 23),
        ('DATEDIF(#2000-02-29#, #2024-02-29#, "Y")', 24),
        ('DATEDIF(#2024-01-15#, #2025-03-10#, "YM")', 1),
        ('DATEDIF(#2024-01-15#, #2024-03-10#, "MD")', 24),
        ('DATEDIF(#2024-03-01#, #2024-01-01#, "D")', None),  # end before start
        ("WEEKDAY(#2024-01-01#)", 2),  # a Monday
        ("WEEKDAY(#2024-01-01#, 2)", 1),
        ("WEEKDAY(#2024-01-07#, 3)", 6),
        ("YEAR(TODAY())", 2026),
        # TEXT formats
        ('TEXT(0.256, "0.0%")', "25.6%"),
        ('TEXT(1234567.891, "#,##0.00")', "1,234,567.89"),
        ('TEXT(999.999, "#,##0.00")', "1,000.00"),
        ('TEXT(7, "000")', "007"),
        ('TEXT(-1234.5, "$#,##0.00")', "-$1,234.50"),
        ('TEXT(42, "0 ""units""")', "42 units"),
        ('TEXT([hired_on], "dd/mm/yyyy")', "31/01/2021"),
        ('TEXT([hired_on], "mmm d, yyyy")', "Jan 31, 2021"),
        ('TEXT(#2024-03-05 14:07:09#, "yyyy-mm-dd hh:mm:ss")', "2024-03-05 14:07:09"),
    ],
)
def test_spreadsheet_semantics_and_edge_cases(formula: str, expected: Any) -> None:
    got = evaluate(formula)
    if isinstance(expected, float):
        assert got == pytest.approx(expected), formula
    else:
        assert got == expected, formula


@pytest.mark.parametrize(
    ("formula", "message", "caret"),
    [
        (
            'LOWER(CONCATENATE([first_nme], ".", [last_name]))',
            "unknown column [first_nme] (did you mean 'first_name'?)",
            "                      ^^^^^^^^^^^",
        ),
        ("LOWR([first_name])", "unknown function LOWR (did you mean 'LOWER'?)", "    ^^^^"),
        (
            "[salary] + [first_name]",
            "text used as a number with '+'",
            "               ^^^^^^^^^^^^",
        ),
        ('IF([level] > 2, 1, "x")', "this branch gives text but an earlier one gives number", None),
        ("[first_name] > 3", "cannot compare text with number", None),
        ("CONCAT([first_name]", "expected ',' or ')' to close CONCAT(", None),
        ("1 +* 2", "unexpected '*'", "       ^"),
        ("LEFT()", "LEFT takes 1 to 2 arguments, found 0", None),
        ("first_name & 1", "'first_name' is a column: write it in brackets, [first_name]", None),
        ('"open', "unterminated string", None),
        ("", "empty formula", None),
        ('TEXT([salary], "zz")', "unsupported number format 'zz'", None),
        ('TEXT([hired_on], "yyyy-qq")', "unsupported date code 'q'", None),
        ('DATEDIF([birth_date], [hired_on], "W")', "unknown DATEDIF unit 'W'", None),
        ("LET(x, 1, y)", "unknown name 'y'", None),
        ("LET(1, 2, 3)", "expected a name to bind", None),
        ("ROUND([salary], [level])", "ROUND's number of digits must be a number literal", None),
        ("YEAR([level])", "expected a date, found number", None),
        ("+".join(["[salary]"] * 5000), "nests more than 200 operations deep", None),
        ("-" * 3000 + "1", "nests more than 200 operations deep", None),
        ("(" * 5000 + "1" + ")" * 5000, "nests more than 200 operations deep", None),
        ("ABS(" * 900 + "1" + ")" * 900, "nests more than 200 operations deep", None),
    ],
)
def test_errors_point_at_the_spot(formula: str, message: str, caret: str | None) -> None:
    with pytest.raises(FormulaError) as caught:
        compile_formula(formula, TYPES, EXAMPLE_TODAY)
    assert message in str(caught.value)
    if caret is not None:
        assert caught.value.caret(formula).splitlines()[1] == caret


def _spec(columns: dict[str, Any], rows: int = 100_000, **extra: Any) -> dict[str, Any]:
    return {"name": "f", "seed": 11, **extra, "tables": {"t": {"rows": rows, "columns": columns}}}


NAIVE = 'SWITCH(TRUE, RAND() < 0.10, "PENDING_REVIEW", RAND() < 0.85, "APPROVED", "REJECTED")'
ONE_DRAW = (
    'LET(r, RAND(), SWITCH(TRUE, r < 0.10, "PENDING_REVIEW", r < 0.85, "APPROVED", "REJECTED"))'
)


def test_each_rand_call_is_an_independent_draw_like_a_spreadsheet() -> None:
    spec = _spec(
        {
            "id": {"generator": "sequence"},
            "naive": {"formula": NAIVE},
            "once": {"formula": ONE_DRAW},
        }
    )
    frame = fauxdata.generate(spec).frames["t"]
    naive = frame["naive"].value_counts(normalize=True)
    once = frame["once"].value_counts(normalize=True)
    share = {r["naive"]: r["proportion"] for r in naive.iter_rows(named=True)}
    assert share["PENDING_REVIEW"] == pytest.approx(0.10, abs=0.005)
    assert share["APPROVED"] == pytest.approx(0.9 * 0.85, abs=0.005)  # 76.5%, not 75%
    assert share["REJECTED"] == pytest.approx(0.9 * 0.15, abs=0.005)
    share = {r["once"]: r["proportion"] for r in once.iter_rows(named=True)}
    assert share["APPROVED"] == pytest.approx(0.75, abs=0.005)
    assert share["REJECTED"] == pytest.approx(0.15, abs=0.005)


def test_check_warns_about_the_naive_chain_with_its_real_shares() -> None:
    plan = fauxdata.check(_spec({"naive": {"formula": NAIVE}, "once": {"formula": ONE_DRAW}}))
    assert len(plan.warnings) == 1
    warning = plan.warnings[0]
    assert warning.path == "tables.t.columns.naive.generator.formula"
    assert "10.0% / 76.5% / 13.5%" in warning.message and "LET(r, RAND()" in warning.message


def test_nested_ifs_with_two_draws_are_warned_too() -> None:
    plan = fauxdata.check(
        _spec({"x": {"formula": 'IF(RAND() < 0.5, "a", IF(RAND() < 0.5, "b", "c"))'}})
    )
    assert [w.path for w in plan.warnings] == ["tables.t.columns.x.generator.formula"]
    assert "50.0% / 25.0% / 25.0%" in plan.warnings[0].message


def test_draws_are_seeded_per_row_and_independent_between_calls() -> None:
    spec = _spec(
        {
            "a": {"formula": "RAND()"},
            "b": {"formula": "RAND()"},
            "n": {"formula": "RANDBETWEEN(1, 6)"},
        },
        rows=50_000,
    )
    first = fauxdata.generate(spec).frames["t"]
    again = fauxdata.generate(spec).frames["t"]
    assert first.equals(again)
    assert abs(first.select(pl.corr("a", "b")).item()) < 0.02  # two columns, two streams
    assert sorted(first["n"].unique().to_list()) == [1, 2, 3, 4, 5, 6]
    part = fauxdata.generate(spec, rows={"t": 1000}).frames["t"]
    assert part.equals(first.head(1000))  # row i's draws do not depend on the row count
    other = fauxdata.generate(spec, seed=12).frames["t"]
    assert not other["a"].equals(first["a"])


def test_formula_columns_in_a_spec_build_emails_and_ages() -> None:
    spec = _spec(
        {
            "first_name": {"generator": "first_name"},
            "last_name": {"generator": "last_name"},
            "birth_date": {
                "generator": {"kind": "date", "start": "1950-01-01", "end": "2005-12-31"}
            },
            "email": {
                "formula": 'LOWER(CONCATENATE([first_name], ".", [last_name], "@", MOCK_FREE_EMAIL_DOMAIN))'
            },
            "age": {"type": "smallint", "formula": 'DATEDIF([birth_date], TODAY(), "Y")'},
            "work_email": {"sql": "lower(first_name) || '@' || 'example.com'"},
        },
        rows=20_000,
        reference_date="2026-06-30",
    )
    frame = fauxdata.generate(spec).frames["t"]
    assert frame.schema["age"] == pl.Int16 and frame.schema["email"] == pl.String
    expected = (frame["first_name"] + "." + frame["last_name"]).str.to_lowercase()
    assert (frame["email"].str.split("@").list.first() == expected).all()
    assert frame["email"].str.split("@").list.last().n_unique() > 5
    born = frame["birth_date"]
    reference = dt.date(2026, 6, 30)
    ages = [
        reference.year - b.year - ((reference.month, reference.day) < (b.month, b.day))
        for b in born.to_list()
    ]
    assert frame["age"].to_list() == ages
    assert (frame["work_email"] == frame["first_name"].str.to_lowercase() + "@example.com").all()


def test_mock_company_domain_gives_a_domain_per_row() -> None:
    spec = _spec(
        {"id": {"generator": "sequence"}, "email": {"formula": '"info@" & MOCK_COMPANY_DOMAIN'}},
        rows=200,
    )
    email = fauxdata.generate(spec).frames["t"]["email"]
    assert email.len() == 200 and email.str.contains(r"^info@[a-z0-9]+(\.[a-z]+)+$").all()


def test_indexed_mock_tokens_are_one_draw_per_row_each() -> None:
    """Syntho's ``MOCK_X_0``: the same index agrees within a row, another index is another draw."""
    from fauxdata.generators.lexicon import dataset_code, email_domains, lexicon

    spec = _spec(
        {
            "first_name": {"generator": "first_name"},
            "last_name": {"generator": "last_name"},
            "email": {
                "formula": 'LOWER(CONCATENATE([first_name], ".", [last_name], "@", MOCK_FREE_EMAIL_DOMAIN_0))'
            },
            "twice": {"formula": 'MOCK_FIRST_NAME_0 & "|" & MOCK_FIRST_NAME_0'},
            "pair": {"formula": 'MOCK_FIRST_NAME_0 & "|" & MOCK_FIRST_NAME_1'},
            "women": {"formula": "MOCK_FIRST_NAME_FEMALE_1"},
            "men": {"formula": "mock_first_name_male"},
        },
        rows=2_000,
    )
    frame = fauxdata.generate(spec).frames["t"]
    local, domain = frame["email"].str.split("@").list.first(), frame["email"].str.split("@")
    assert (local == (frame["first_name"] + "." + frame["last_name"]).str.to_lowercase()).all()
    assert set(domain.list.last()) <= set(email_domains())
    left, right = frame["twice"].str.split("|").list.first(), frame["twice"].str.split("|")
    assert (left == right.list.last()).all()
    a, b = frame["pair"].str.split("|").list.first(), frame["pair"].str.split("|").list.last()
    assert (a != b).mean() > 0.9
    names = lexicon(dataset_code("en_US") or "en")
    assert set(frame["women"]) <= set(names.female) and set(frame["men"]) <= set(names.male)
    assert fauxdata.generate(spec).frames["t"].equals(frame)


def test_spec_errors_carry_the_path_and_a_caret(tmp_path: Path) -> None:
    spec = _spec(
        {
            "a": {"generator": "sequence"},
            "b": {"formula": "[a] + [c]"},
            "d": {"formula": "IF([a] > 1, 1"},
        }
    )
    with pytest.raises(SpecError) as caught:
        fauxdata.check(spec)
    problems = {p.path: p.message for p in caught.value.problems}
    syntax = problems["tables.t.columns.d.generator.formula.formula"]  # found when loading
    assert "expected ',' or ')' to close IF(" in syntax and "    IF([a] > 1, 1\n" in syntax
    (tmp_path / "s.yaml").write_text(
        json.dumps(_spec({"a": {"generator": "sequence"}, "b": {"formula": "[a] + [c]"}}))
    )
    done = cli("check", str(tmp_path / "s.yaml"), cwd=tmp_path)
    assert done.returncode == 2
    assert "tables.t.columns.b.generator.formula: unknown column [c]" in done.stderr
    assert "    [a] + [c]\n          ^^^" in done.stderr


def test_a_cycle_among_calculated_columns_is_named() -> None:
    with pytest.raises(SpecError) as caught:
        fauxdata.check(
            _spec(
                {"a": {"formula": "[b] + 1"}, "b": {"formula": "[c] * 2"}, "c": {"formula": "[a]"}}
            )
        )
    text = str(caught.value)
    assert "cycle" in text and all(name in text for name in ("a", "b", "c"))


def test_today_is_the_reference_date_and_replay_reproduces_it(tmp_path: Path) -> None:
    spec = tmp_path / "s.json"
    spec.write_text(json.dumps(_spec({"d": {"formula": "TODAY() - 1"}}, rows=3)))
    result = fauxdata.generate(spec, f"parquet:{tmp_path / 'out'}")
    today = dt.datetime.now(dt.UTC).date()
    assert (
        pl.read_parquet(tmp_path / "out" / "t.parquet")["d"].to_list()
        == [today - dt.timedelta(days=1)] * 3
    )
    manifest = json.loads(Path(result.manifest_path or "").read_text())
    assert manifest["spec"]["reference_date"] == today.isoformat()
    fauxdata.replay(result.manifest_path or "", f"parquet:{tmp_path / 'again'}")


def test_docs_list_every_function_as_the_table_has_it() -> None:
    from fauxdata.formula.docs import render_markdown

    docs = Path(__file__).parent.parent / "docs" / "formulas.md"
    assert docs.read_text() == render_markdown(), (
        "regenerate: python -m fauxdata.formula.docs > docs/formulas.md"
    )
    for name in FUNCTIONS:
        assert f"| `{name}` |" in docs.read_text()
