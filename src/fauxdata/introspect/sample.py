"""Value-based hints from a small sample, without letting a single value into the spec.

``fauxdata init --sample N`` reads at most N rows per table, read-only, and keeps only
statistics: the share of NULLs, how many distinct values there are and their shares
(labels withheld), and a character-class shape such as ``[A-Z]{2}-[0-9]{4}``. Shapes
keep punctuation but replace every letter and digit by its class, so no value, and no
part of one, survives. The sampled rows are dropped as soon as the hints are computed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import sqlalchemy as sa

from fauxdata.introspect.model import SourceSchema
from fauxdata.introspect.source import connection_error, parse, read_only_engine

ENUM_LIKE_MAX = 12
"""At most this many distinct values (and a sample well above it) reads as an enum."""
SHAPE_SHARE = 0.9
"""A shape that at least this share of the values follow becomes the column's regex."""
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


@dataclass
class Hints:
    rows: int
    null_rate: float
    distinct: int
    shares: list[float] = field(default_factory=list)
    """Shares of the distinct values, largest first, when the column looks like an enum."""
    shape: str | None = None
    """A regex most values match, built from character classes only."""
    looks_like: str | None = None
    """A mocker the values look like (``email``), when the name did not say."""


def sample_hints(source: SourceSchema, url_text: str, rows: int) -> dict[str, dict[str, Hints]]:
    """Hints for every text-like column of every table in ``source``, from ``rows`` rows each.

    Raises:
        FauxdataError: the source cannot be read.
    """
    return hints_from(read_sample(source, url_text, rows))


def hints_from(samples: dict[str, dict[str, list[Any]]]) -> dict[str, dict[str, Hints]]:
    """Hints from values already read (``read_sample``), which are not kept."""
    return {
        table: {column: hints_for(values) for column, values in columns.items()}
        for table, columns in samples.items()
    }


def hints_for(values: list[Any]) -> Hints:
    """Statistics of one column's sampled values (the values themselves are not kept)."""
    present = [v for v in values if v is not None]
    rows = len(values)
    hints = Hints(rows, (rows - len(present)) / rows if rows else 0.0, len(set(map(str, present))))
    if not present:
        return hints
    counts = Counter(str(v) for v in present)
    if hints.distinct <= ENUM_LIKE_MAX and len(present) >= 4 * hints.distinct:
        hints.shares = [round(n / len(present), 3) for _, n in counts.most_common()]
    texts = [str(v) for v in present]
    if sum(bool(_EMAIL.match(t)) for t in texts) >= SHAPE_SHARE * len(texts):
        hints.looks_like = "email"
        return hints
    shapes = Counter(shape_of(t) for t in texts)
    shape, n = shapes.most_common(1)[0]
    if n >= SHAPE_SHARE * len(texts) and shape:
        hints.shape = shape
    return hints


def shape_of(text: str) -> str:
    """``AB-1234`` -> ``[A-Z]{2}-[0-9]{4}``: classes for letters and digits, punctuation kept."""
    if len(text) > 64 or not text:
        return ""
    out: list[str] = []
    previous, run = "", 0
    for char in text:
        cls = (
            "[A-Z]"
            if "A" <= char <= "Z"
            else "[a-z]"
            if "a" <= char <= "z"
            else "[0-9]"
            if char.isdigit()
            else " "
            if char == " "
            else re.escape(char)
            if not char.isalnum()
            else ""
        )
        if not cls:
            return ""  # letters outside ASCII: no shape rather than a leak
        if cls == previous:
            run += 1
            continue
        out.append(_run(previous, run))
        previous, run = cls, 1
    out.append(_run(previous, run))
    return "".join(out)


def _run(cls: str, run: int) -> str:
    if not cls:
        return ""
    return cls if run == 1 else f"{cls}{{{run}}}"


def read_sample(source: SourceSchema, url_text: str, rows: int) -> dict[str, dict[str, list[Any]]]:
    out: dict[str, dict[str, list[Any]]] = {}
    url = parse(url_text)
    if source.dialect == "duckdb":
        duck = duckdb.connect(url.database or "", read_only=True)
        try:
            for name, table in source.tables.items():
                columns = ", ".join(f'"{c}"' for c in table.columns)
                schema = f'"{source.schema}".' if source.schema else ""
                fetched = duck.execute(f'SELECT {columns} FROM {schema}"{name}" LIMIT {int(rows)}')
                out[name] = _columns(list(table.columns), fetched.fetchall())
        finally:
            duck.close()
        return out
    engine = read_only_engine(url)
    try:
        with engine.connect() as conn:
            for name, table in source.tables.items():
                selected: sa.Select[*tuple[Any, ...]] = (
                    sa.select(*[sa.column(c) for c in table.columns])
                    .select_from(sa.table(name, schema=source.schema))
                    .limit(rows)
                )
                out[name] = _columns(list(table.columns), conn.execute(selected).fetchall())
    except sa.exc.SQLAlchemyError as exc:
        raise connection_error(exc, url) from None
    finally:
        engine.dispose()
    return out


def _columns(names: list[str], rows: Sequence[Any]) -> dict[str, list[Any]]:
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}
