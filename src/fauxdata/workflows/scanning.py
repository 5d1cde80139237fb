"""``scan`` (PII by names and value patterns, never a value) and the list of extracted
templates with their dates and runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fauxdata.errors import FauxdataError
from fauxdata.workflows import steps
from fauxdata.workflows.events import Dialogue

FILE_SUFFIXES = (".csv", ".parquet", ".jsonl", ".ndjson", ".json")


@dataclass
class ScanOptions:
    """What to scan: a file (CSV, Parquet, JSON or JSON Lines), a folder of them (``csv:DIR``,
    ``parquet:DIR``), a database URL or reference, an API base URL (with ``endpoints``)
    or a project source's name."""

    what: str
    endpoints: list[str] | None = None
    token: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    sample: int = 0
    """Databases: rows read for value checks (0: names only)."""
    schema: str | None = None


@dataclass
class ScanResult:
    scanned: str
    """What was scanned, as it may be shown (no secret)."""
    findings: list[Any]

    @property
    def tables(self) -> int:
        return len({f.table for f in self.findings})

    def as_dict(self) -> dict[str, Any]:
        return {"scanned": self.scanned, "findings": [f.as_dict() for f in self.findings]}


def scan(options: ScanOptions, dialogue: Dialogue | None = None) -> ScanResult:
    """Find personal data by column names and, where values may be read, their patterns.

    Raises:
        FauxdataError: the file is missing or unreadable, or the source cannot be read.
    """
    from fauxdata.extract import extract
    from fauxdata.pii import scan_frame, scan_schema
    from fauxdata.project import Source
    from fauxdata.workflows.initialise import SAMPLE, is_folder, read_folder

    what = options.what
    path = Path(what)
    if path.suffix.lower() in FILE_SUFFIXES and "://" not in what:
        if not path.exists():
            raise FauxdataError(f"no such file: {path}", path="WHAT")
        return ScanResult(str(path), scan_frame(_read_file(path), path.stem))
    if is_folder(what):
        try:
            found, values, _ = read_folder(what, options.sample or SAMPLE)
        except FauxdataError as exc:
            raise _as_what(exc) from None
        return ScanResult(found.url, scan_schema(found, values))
    if what.startswith(("http://", "https://")):
        api = Source.api("api", what, options.endpoints, options.token, options.params)
        return ScanResult(what, extract(api).findings)
    if "://" not in what and ":" not in what and not path.suffix:
        found = steps.locate(dialogue or Dialogue(), what, None, {})[1]
        return ScanResult(
            f"{found.name} ({found.url})", extract(found, sample=options.sample).findings
        )
    source = Source("database", "database", what, "WHAT", schema=options.schema)
    try:
        return ScanResult(what, extract(source, sample=options.sample).findings)
    except FauxdataError as exc:
        raise _as_what(
            exc,
            "a file (.csv, .parquet, .json, .jsonl), csv:DIR or parquet:DIR, "
            "a database URL, an API base URL or a project source's name",
        ) from None


def _as_what(exc: FauxdataError, hint: str = "") -> FauxdataError:
    """The readers name ``--from``; scan takes its source as the argument WHAT."""
    if exc.path == "--from":
        exc.path = "WHAT"
        exc.hint = hint or exc.hint
    return exc


def _read_file(path: Path) -> Any:
    import polars as pl

    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pl.read_csv(path, infer_schema_length=10_000, try_parse_dates=True)
        if suffix == ".parquet":
            return pl.read_parquet(path)
        if suffix == ".json":  # an array of records
            return pl.read_json(path)
        return pl.read_ndjson(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise FauxdataError(f"cannot read {path}: {exc}", path="WHAT") from None


def list_templates(root: Path | None = None) -> list[dict[str, Any]]:
    """Saved templates (``root``, else ``templates/`` and every
    ``projects/*/docs/templates/``) with their extraction dates, entities, rows, PII
    columns and runs."""
    from fauxdata import templates
    from fauxdata.project import PROJECTS

    roots = (
        [root] if root else [Path("templates"), *sorted(Path(PROJECTS).glob("*/docs/templates"))]
    )
    rows = []
    for t in (t for folder in roots for t in templates.list_templates(folder)):
        runs = templates.audit_lines(t)
        rows.append(
            {
                "source": t.source,
                "type": t.metadata.get("type"),
                "version": t.version,
                "extracted_at": t.extracted_at,
                "entities": len(t.metadata.get("entities", {})),
                "rows": sum(t.default_rows().values()),
                "pii_columns": t.metadata.get("pii_columns", 0),
                "runs": len(runs),
                "last_run": runs[-1]["at"] if runs else None,
                "path": str(t.folder),
            }
        )
    return rows
