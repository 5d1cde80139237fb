"""docs/formulas.md, written from the function table so the docs list exactly what runs.

Regenerate with ``python -m fauxdata.formula.docs > docs/formulas.md``; a test fails when
the file and the table disagree.
"""

from __future__ import annotations

import datetime as dt

from fauxdata.formula.compiler import MOCK_CONSTANTS
from fauxdata.formula.functions import EXAMPLE_ROW, EXAMPLE_TODAY, FUNCTIONS

_GROUPS = {
    "logic": "Logic",
    "random": "Random draws",
    "numbers": "Numbers",
    "text": "Text",
    "dates": "Dates",
}

_INTRO = """# Formulas

A column can be computed from the other columns of its row with a spreadsheet formula:

```yaml
columns:
  first_name: {generator: first_name}
  last_name: {generator: last_name}
  email:
    formula: 'LOWER(CONCATENATE([first_name], ".", [last_name], "@", MOCK_FREE_EMAIL_DOMAIN))'
  review_status:
    formula: 'LET(r, RAND(), SWITCH(TRUE, r < 0.10, "PENDING_REVIEW", r < 0.85, "APPROVED", "REJECTED"))'
```

`formula: ...` is short for `generator: {kind: formula, formula: ...}`; `sql: ...` is the
same for a SQL expression (`sql: "lower(first_name || '.' || last_name)"`).

**Syntax.** Columns in brackets (`[first_name]`); strings in double quotes (`""` is a
quote inside one); numbers; `TRUE`/`FALSE`; dates as `#2024-01-31#` (or
`#2024-01-31 09:30#`); operators `+ - * / ^ & = <> < <= > >=` and a postfix `%`, with
spreadsheet precedence (`-2^2` is 4, `2^3^2` is 64); a leading `=` is allowed. Function
names are case-blind.

**Checked before generation.** `fauxdata check` parses every formula, checks each column
it names and the type of every operation, and points at the spot:

```
error tables.employees.columns.email.generator.formula: unknown column [first_nme] (did you mean 'first_name'?)
    LOWER(CONCATENATE([first_nme], ".", [last_name]))
                      ^^^^^^^^^^^
error tables.employees.columns.bonus.generator.formula: text used as a number with '+' (VALUE(text) turns text into a number; & joins text)
    [salary] + [title]
               ^^^^^^^
```

Calculated columns may read each other in any order; fauxdata orders them, and a cycle
is an error that names it.

**Vectorized.** A formula compiles once into a single Polars expression evaluated per
block of rows; nothing runs row by row in Python.

**RAND() is a spreadsheet's RAND().** Each call is an independent uniform draw per row,
fixed by the seed (so the same spec and seed give the same data). That has a known trap:

```
SWITCH(TRUE, RAND() < 0.10, "PENDING_REVIEW", RAND() < 0.85, "APPROVED", "REJECTED")
```

reads like 10% / 75% / 15% but draws twice: APPROVED gets 0.9 x 0.85 = **76.5%** and
REJECTED 13.5%. `fauxdata check` warns about such chains and prints the shares they
really give. Draw once with `LET`, which evaluates its value once:

```
LET(r, RAND(), SWITCH(TRUE, r < 0.10, "PENDING_REVIEW", r < 0.85, "APPROVED", "REJECTED"))
```

or use a `choice` generator with ratios, which also makes the counts exact.

**Where data differs from a spreadsheet.** Blanks (NULL) propagate through arithmetic
(a spreadsheet reads them as 0) but are empty text in `&` and `CONCATENATE`; text
comparisons ignore case, as in spreadsheets; division by zero, IF without else, and IFS
or SWITCH without a match give NULL instead of an error value; dates joined to text
read as ISO dates (`2024-01-31`) rather than serial numbers. `TODAY()` is the spec's
`reference_date`, or the run's date, which the manifest records so `--replay` gives the
same data.

**Division by zero gives NULL**, in formulas and in `sql:` expressions alike, as SQL's
`a / NULLIF(b, 0)` would: `[x] / 0`, `MOD([x], 0)`, `x % 0` and `0 / 0` are NULL, and no
`inf` or `NaN` ever reaches the output (any non-finite result of a calculation is NULL).
A NULL in a NOT NULL column is an error, so `fauxdata check` refuses a NOT NULL column
that divides by a literal 0 or by a column whose range includes 0 (`[id] / 0`,
`100 / [n]` with `n` from `uniform_int` 0..9), naming the divisor and its range; when
the divisor is only known as data is made (`[a] / ([a] - [b])`), generate stops before
writing and names the column. Declare the column `nullable: true` to keep the NULLs, or
guard the divisor: `IF([n] = 0, 0, 100 / [n])`, in SQL `CASE WHEN n = 0 THEN 0 ELSE 100 / n END`.

## Functions

Every example below is evaluated by the test suite on this row and must give the result
shown:

"""

_INDEXED = """Each use of a constant is its own draw. Syntho's indexed form names a draw instead:
`MOCK_FIRST_NAME_0` is one first name per row however often the formula uses it, and
`MOCK_FIRST_NAME_1` another, independent one. Syntho's guide writes

```
LOWER(CONCATENATE([first_name], ".", [last_name], "@", MOCK_FREE_EMAIL_DOMAIN_0))
```

and `MOCK_FIRST_NAME_FEMALE_0 & " & " & MOCK_FIRST_NAME_MALE_0` gives a couple.
"""


def render_markdown() -> str:
    """The whole of docs/formulas.md."""
    lines = [_INTRO.rstrip("\n"), ""]
    lines.append("| column | type | value |")
    lines.append("| --- | --- | --- |")
    for name, (kind, value) in EXAMPLE_ROW.items():
        shown = "blank" if value is None else f"`{_show(value)}`"
        lines.append(f"| `{name}` | {kind} | {shown} |")
    lines.append("")
    lines.append(f"and `TODAY()` is `{EXAMPLE_TODAY.isoformat()}`.")
    for group, title in _GROUPS.items():
        lines += ["", f"### {title}", "", "| function | what it does | example | result |"]
        lines.append("| --- | --- | --- | --- |")
        for function in FUNCTIONS.values():
            if function.group != group:
                continue
            example = function.example.replace("|", "\\|")
            lines.append(
                f"| `{function.name}` | {function.summary} | `{example}` | `{_show(function.result)}` |"
            )
    lines += ["", "## Mock constants", ""]
    lines.append(
        "A fresh realistic value per row, like a mocker, usable anywhere in a formula "
        '(`"info@" & MOCK_COMPANY_DOMAIN`):'
    )
    lines.append("")
    for name, what in MOCK_CONSTANTS.items():
        lines.append(f"- `{name}`: {what}")
    lines += ["", _INDEXED.rstrip("\n")]
    return "\n".join(lines) + "\n"


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


if __name__ == "__main__":
    print(render_markdown(), end="")
