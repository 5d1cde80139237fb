"""``preview`` (the first rows of one table) and ``ddl`` (the CREATE TABLE statements):
what a spec makes, shown fast, nothing written."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fauxdata.errors import FauxdataError, did_you_mean


@dataclass
class PreviewResult:
    table: str
    frame: Any
    """The rows, a Polars DataFrame."""
    documents: list[str]
    """JSON document columns, shown apart (pretty-printed) in the text form."""

    def rows(self) -> list[dict[str, Any]]:
        return list(self.frame.to_dicts())

    def as_text(self) -> str:
        """The rows as a terminal table, then up to three documents per JSON column."""
        import polars as pl

        n, frame = self.frame.height, self.frame
        shown = (
            frame.drop(self.documents)
            if self.documents and frame.width > len(self.documents)
            else frame
        )
        with pl.Config(tbl_rows=n, tbl_cols=-1, fmt_str_lengths=40, tbl_width_chars=200):
            parts = [str(shown)]
        for name in self.documents:
            for i, value in enumerate(frame[name].head(min(n, 3)).to_list(), start=1):
                document = json.loads(value) if isinstance(value, str) else value
                parts.append(f"\n{name}, row {i}:\n{json.dumps(document, indent=2, default=str)}")
        return "\n".join(parts)


def preview(
    spec: Path | str, table: str, n: int = 10, *, seed: int | None = None, path: str = "--table"
) -> PreviewResult:
    """Generate the first ``n`` rows of ``table``.

    Raises:
        FauxdataError: no such table (with the closest name), or the spec is invalid.
    """
    from fauxdata.engine.engine import Engine
    from fauxdata.run import plan_for

    plan = plan_for(spec, seed=seed)
    if table not in plan.tables:
        raise FauxdataError(f"no table '{table}'", path=path, hint=did_you_mean(table, plan.tables))
    engine = Engine(plan)
    engine.build()
    frame = engine.tables[table].block(0, min(n, plan.tables[table].rows))
    documents = [c for c, col in plan.tables[table].columns.items() if col.type.is_document]
    return PreviewResult(table, frame, documents)


def ddl(spec: Path | str, dialect: str = "postgresql") -> str:
    """The spec's CREATE TABLE statements (types, keys, foreign keys, CHECKs) in ``dialect``.

    Raises:
        FauxdataError: the spec is invalid or the dialect unknown.
    """
    from fauxdata import run
    from fauxdata.sinks.ddl import create_statements

    return ";\n\n".join(create_statements(run.check(spec), dialect)) + ";"
