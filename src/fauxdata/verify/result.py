"""Verification results: checks, reports and the SQL helper that finds violations."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

EXAMPLES = 3


@dataclass
class Check:
    """One verified property: passed, failed (with a count and examples) or skipped."""

    name: str
    status: str  # "pass" | "fail" | "skip"
    table: str
    detail: str = ""
    failing: int = 0
    examples: list[Any] = field(default_factory=list)

    @classmethod
    def counted(cls, name: str, table: str, count: int, examples: list[Any], what: str) -> Check:
        """A check that fails when ``count`` rows violate it (``what``: "orphan rows")."""
        return cls(
            name,
            "fail" if count else "pass",
            table,
            f"{count} {what}" if count else "",
            count,
            examples,
        )

    @property
    def passed(self) -> bool:
        return self.status != "fail"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.status == "fail"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "checks": len(self.checks),
            "failed": len(self.failures),
            "results": [c.as_dict() for c in self.checks],
        }


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    return row[0] if row else None


def queried(
    con: duckdb.DuckDBPyConnection, name: str, table: str, sql_rows: str, show: str, what: str
) -> Check:
    """A check that fails on every row ``sql_rows`` returns, with examples of ``show``."""
    count, examples = violations(con, sql_rows, show)
    return Check.counted(name, table, count, examples, what)


def violations(con: duckdb.DuckDBPyConnection, sql_rows: str, show: str) -> tuple[int, list[Any]]:
    """Count rows of a violation query and fetch a few examples of ``show``.

    Temporal examples come back as text, so no time-zone package is needed to show them.
    """
    count = int(scalar(con, f"SELECT count(*) FROM ({sql_rows})") or 0)
    examples: list[Any] = []
    if count:
        kind = str(scalar(con, f"SELECT typeof({show}) FROM ({sql_rows}) LIMIT 1") or "")
        shown = (
            f"CAST({show} AS VARCHAR)" if kind.startswith(("TIMESTAMP", "DATE", "TIME")) else show
        )
        rows = con.execute(f"SELECT {shown} FROM ({sql_rows}) LIMIT {EXAMPLES}").fetchall()
        examples = [_plain(r[0]) for r in rows]
    return count, examples


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
