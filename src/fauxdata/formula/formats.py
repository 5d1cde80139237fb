"""TEXT()'s format codes, compiled to Polars: numbers (0, #,##0.00, 0%) and dates (yyyy-mm-dd)."""

from __future__ import annotations

import re

import polars as pl

_NUMBER_CORE = re.compile(r"[0#,]*(?:\.[0#]*)?%?")
_DATE_TOKENS = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|[a-z]", re.I)
_STRFTIME = {
    "yyyy": "%Y", "yy": "%y", "mmmm": "%B", "mmm": "%b", "mm": "%m", "m": "%-m",
    "dddd": "%A", "ddd": "%a", "dd": "%d", "d": "%-d", "hh": "%H", "h": "%-H",
    "ss": "%S", "s": "%-S", "am/pm": "%p",
}  # fmt: skip


def format_number(value: pl.Expr, pattern: str) -> pl.Expr:
    """``value`` shown with a spreadsheet number format.

    Raises:
        ValueError: a format this subset does not cover.
    """
    start = next((i for i, c in enumerate(pattern) if c in "0#"), None)
    if start is None:
        raise ValueError(f"unsupported number format '{pattern}': it needs 0 or #")
    core = _NUMBER_CORE.match(pattern, start)
    assert core is not None
    prefix, body, suffix = pattern[:start], core.group(), pattern[core.end() :]
    if any(c in "0#" for c in suffix):
        raise ValueError(f"unsupported number format '{pattern}'")
    percent = body.endswith("%")
    body = body.rstrip("%")
    whole, _, fraction = body.partition(".")
    decimals = len(fraction)
    min_digits = whole.count("0")
    v = value * 100 if percent else value
    scale = 10**decimals
    scaled = ((v.abs() * scale).round(9) + 0.5).floor().cast(pl.Int64)
    integer = (scaled // scale).cast(pl.String).str.zfill(min_digits)
    if "," in whole:
        integer = (
            integer.str.reverse()
            .str.replace_all(r"(\d{3})", "$1,")
            .str.strip_chars_end(",")
            .str.reverse()
        )
    sign = pl.when((v < 0) & (scaled > 0)).then(pl.lit("-")).otherwise(pl.lit(""))
    parts = [sign, pl.lit(_literal(prefix)), integer]  # -$1,234.50, as spreadsheets show it
    if decimals:
        parts += [pl.lit("."), (scaled % scale).cast(pl.String).str.zfill(decimals)]
    parts.append(pl.lit(("%" if percent else "") + _literal(suffix)))
    return pl.concat_str(parts)


def format_date(value: pl.Expr, pattern: str) -> pl.Expr:
    """``value`` shown with a spreadsheet date format (``mm`` after ``h`` or before ``ss`` is minutes).

    Raises:
        ValueError: a letter that is no date code.
    """
    out: list[str] = []
    tokens = list(_DATE_TOKENS.finditer(pattern))
    pos = 0
    for i, token in enumerate(tokens):
        out.append(_literal(pattern[pos : token.start()]).replace("%", "%%"))
        code = token.group().lower()
        if code not in _STRFTIME:
            raise ValueError(f"unsupported date code '{token.group()}' in '{pattern}'")
        after_hour = i > 0 and tokens[i - 1].group().lower() in ("h", "hh")
        before_seconds = i + 1 < len(tokens) and tokens[i + 1].group().lower() in ("s", "ss")
        if code in ("m", "mm") and (after_hour or before_seconds):
            out.append("%M" if code == "mm" else "%-M")
        else:
            out.append(_STRFTIME[code])
        pos = token.end()
    out.append(_literal(pattern[pos:]).replace("%", "%%"))
    return value.dt.strftime("".join(out))


def _literal(text: str) -> str:
    """Format text with quotes and backslash escapes resolved."""
    return re.sub(
        r'"([^"]*)"|\\(.)', lambda m: m.group(1) if m.group(1) is not None else m.group(2), text
    )
