"""The privacy report of a mask run: each column's treatment, its PII category, flags
for PII left on passthrough, and the leak check's figures. JSON for machines, HTML for
people; neither ever holds a value or the key."""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fauxdata.errors import TargetError
from fauxdata.mask.leaks import LeakFigures


@dataclass(frozen=True)
class Treatment:
    table: str
    column: str
    treatment: str
    """The mask kind, ``generated``, or ``passthrough (--allow-passthrough)``."""
    pii: str | None
    seconds: float = 0.0
    replaced: dict[str, int] | None = None
    """For masks of documents: what was replaced, by entity type or JSON rule; for
    checksum-aware ``fpe``: rows kept valid, and rows not valid to start with."""

    @property
    def flagged(self) -> bool:
        """PII that leaves the source unmasked."""
        return self.pii is not None and self.treatment.startswith("passthrough")


def report_document(
    source: str,
    target: str,
    rows: dict[str, int],
    treatments: list[Treatment],
    leaks: list[LeakFigures],
    fpe: dict[str, Any],
) -> dict[str, Any]:
    return {
        "source": source,
        "target": target,
        "rows": rows,
        "columns": [asdict(t) | {"flagged": t.flagged} for t in treatments],
        "flagged": [f"{t.table}.{t.column}" for t in treatments if t.flagged],
        "drift_passed_through": [
            f"{t.table}.{t.column}" for t in treatments if "allow-passthrough" in t.treatment
        ],
        "leak_check": [f.as_dict() for f in leaks],
        "leaks": [f"{f.table}.{f.column}" for f in leaks if f.leaks],
        "fpe": fpe,
    }


def write_report(path: Path, document: dict[str, Any]) -> list[Path]:
    """Write ``PATH.json`` and ``PATH.html`` (whatever suffix ``path`` has).

    Raises:
        TargetError: the report cannot be written.
    """
    paths = [path.with_suffix(".json"), path.with_suffix(".html")]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        paths[0].write_text(json.dumps(document, indent=2, default=str))
        paths[1].write_text(_html(document))
    except OSError as exc:
        raise TargetError(f"cannot write the report: {exc.strerror}", path="--report") from None
    return paths


def _row(cells: list[object], cls: str = "") -> str:
    tds = "".join(f"<td>{html.escape('' if c is None else str(c))}</td>" for c in cells)
    return f'<tr class="{cls}">{tds}</tr>' if cls else f"<tr>{tds}</tr>"


def _table(head: list[str], rows: list[str]) -> str:
    ths = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _html(doc: dict[str, Any]) -> str:
    columns = [
        _row(
            [
                c["table"],
                c["column"],
                c["treatment"],
                c["pii"] or "",
                ", ".join(f"{k}: {v:,}" for k, v in sorted((c.get("replaced") or {}).items())),
                "PII on passthrough" if c["flagged"] else "",
            ],
            "bad" if c["flagged"] else "",
        )
        for c in doc["columns"]
    ]
    leaks = [
        _row(
            [
                f["table"],
                f["column"],
                f["mask"],
                f["rows"],
                f["unchanged"],
                f"{f['unchanged_share']:.4%}",
                f["source_values_found"] if f["source_values_found"] is not None else "n/a",
                "sampled" if f["sampled"] else "exact",
                "LEAK" if f["leaks"] else ("ok" if f["judged"] else "reported"),
            ],
            "bad" if f["leaks"] else "",
        )
        for f in doc["leak_check"]
    ]
    rows = [_row([t, n]) for t, n in doc["rows"].items()]
    fpe = doc["fpe"]
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>fauxdata privacy report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222 }}
table {{ border-collapse: collapse; margin-bottom: 2rem }}
th, td {{ border: 1px solid #ccc; padding: .3rem .6rem; text-align: left }}
th {{ background: #f3f3f3 }} tr.bad td {{ background: #fde2e2 }}
</style></head><body>
<h1>Privacy report</h1>
<p>Source: {html.escape(doc["source"])}<br>Target: {html.escape(doc["target"])}</p>
<p>Flagged (PII on passthrough): {html.escape(", ".join(doc["flagged"]) or "none")}<br>
Leaks: {html.escape(", ".join(doc["leaks"]) or "none")}<br>
FPE: {fpe.get("values", 0)} distinct values in {fpe.get("seconds", 0):.2f} s</p>
<h2>Rows</h2>{_table(["table", "rows"], rows)}
<h2>Columns</h2>{_table(["table", "column", "treatment", "PII", "replaced", "flag"], columns)}
<h2>Leak check</h2>{_table(["table", "column", "mask", "rows", "unchanged", "share", "source values found", "", "verdict"], leaks)}
</body></html>
"""
