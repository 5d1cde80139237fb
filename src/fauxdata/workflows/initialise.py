"""``init``: a spec from a live schema (read-only, no rows unless sampled), from a REST
API (a few records per endpoint), or, in ``mock-or-mask`` mode, a masking spec with a
mask for every column of every table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from fauxdata.errors import UsageError
from fauxdata.workflows import steps
from fauxdata.workflows.events import Dialogue

if TYPE_CHECKING:
    from fauxdata.introspect.file_keys import InferredFileKey
    from fauxdata.introspect.model import SourceSchema

Mode = Literal["mock-all", "from-scratch", "mock-or-mask"]
MODES: tuple[str, ...] = ("mock-all", "from-scratch", "mock-or-mask")


@dataclass
class InitOptions:
    """What ``fauxdata init`` takes: one of ``source`` (a database URL or reference) and
    ``from_api`` (a REST API's base URL with ``endpoints``)."""

    out: Path
    source: str | None = None
    from_api: str | None = None
    endpoints: list[str] | None = None
    token: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    mode: str = "mock-all"
    schema: str | None = None
    tables: list[str] | None = None
    rows: int = 1000
    name: str | None = None
    force: bool = False
    sample: int = 0
    yes: bool = False
    """API: keep the inferred foreign keys unasked."""


@dataclass
class InitResult:
    out: Path
    url: str
    """Where the schema came from (a password masked)."""
    tables: int
    columns: int
    findings: list[Any]
    """PII findings of the tables in the spec."""
    unsupported: list[str] = field(default_factory=list)
    """Columns no generator fits: a placeholder was written."""
    warnings: list[str] = field(default_factory=list)
    """CHECKs the generators do not enforce, and exclusions the spec cannot satisfy."""
    mode: str = "mock-all"
    inferred: list[str] = field(default_factory=list)
    """Keys a folder of files does not declare but its names suggest and its rows prove."""


SAMPLE = 1000
"""Rows read from a folder of files (or a masking source) to learn values, when --sample
does not say: files are local and declare nothing, so their values are the only guide."""


def init(options: InitOptions, dialogue: Dialogue | None = None) -> InitResult:
    """Write a spec from a live schema or a REST API, checked and ready to generate.

    Raises:
        UsageError: contradicting options, an unknown mode, or an existing ``out``
            without ``force``.
        FauxdataError: the source cannot be read (named without its secret).
    """
    from fauxdata import run
    from fauxdata.extract import Extraction, apply_findings, build_spec, extract
    from fauxdata.introspect.exclusions import unsatisfied
    from fauxdata.introspect.reflect import read_schema
    from fauxdata.introspect.renames import record_source_names, rename_columns
    from fauxdata.introspect.sample import hints_from, read_sample
    from fauxdata.introspect.source import require
    from fauxdata.introspect.suggest import suggest_spec, unsupported_columns
    from fauxdata.introspect.unenforced import unenforced_checks
    from fauxdata.pii import scan_schema
    from fauxdata.project import Source
    from fauxdata.spec.yaml_io import dump_new_yaml

    ui = dialogue or Dialogue()
    _check(options)
    inferred: list[InferredFileKey] = []
    out = options.out
    spec_name = options.name or identifier(out.stem)
    if options.mode == "mock-or-mask":
        assert options.source is not None
        return _init_mask(out, options.source, spec_name, options.sample or SAMPLE)
    if options.from_api is not None:
        api = Source.api(
            spec_name, options.from_api, options.endpoints, options.token, options.params
        )
        extraction = steps.confirm_keys(
            ui, extract(api, sample=options.sample or None), options.yes
        )
        found = extraction.schema
        spec = build_spec(extraction, {}, 1, scale=options.rows)
    else:
        assert options.source is not None
        values: dict[str, dict[str, list[Any]]] | None = None
        if is_folder(options.source):
            found, values, inferred = read_folder(options.source, options.sample or SAMPLE)
            for name in options.tables or []:
                require("table", name, list(found.tables), found.url, "--tables")
        else:
            found = read_schema(options.source, schema=options.schema, tables=options.tables)
            if options.sample > 0:
                values = read_sample(found, options.source, options.sample)
        renamed = rename_columns(found, values)
        hints = hints_from(values) if values is not None else None
        spec = suggest_spec(
            found,
            rows=options.rows,
            name=spec_name,
            tables=options.tables,
            mode=options.mode,
            hints=hints,
        )
        extraction = Extraction(
            Source(spec_name, "database", options.source, "--from"),
            found,
            scan_schema(found, values),
        )
        apply_findings(spec, found, extraction.findings)
        record_source_names(spec["tables"], renamed)
    # Checked from memory before it is written, so a spec that would not check never
    # replaces the file (--force); parsing the YAML again would double the time on a
    # schema of a thousand tables (ruamel is pure Python).
    plan = run.check(spec, base_dir=out.parent)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump_new_yaml(spec))
    selected = list(plan.tables)
    checks = unenforced_checks(found, selected) if options.from_api is None else []
    return InitResult(
        out,
        found.url,
        len(plan.tables),
        sum(len(t.columns) for t in plan.tables.values()),
        [f for f in extraction.findings if f.table in plan.tables],
        list(unsupported_columns(found, selected)),
        warnings=[str(c) for c in checks] + [str(line) for line in unsatisfied(found, selected)],
        mode=options.mode,
        inferred=[str(key) for key in inferred],
    )


def _check(options: InitOptions) -> None:
    if (options.source is None) == (options.from_api is None):
        raise UsageError("give one of them", path="--from or --from-api")
    if options.mode not in MODES:
        raise UsageError(
            f"found '{options.mode}', expected mock-all, from-scratch or mock-or-mask",
            path="--mode",
        )
    if options.out.exists() and not options.force:
        raise UsageError(
            f"{options.out} exists (use --force to overwrite, or fauxdata sync to update it)",
            path="--out",
        )
    if options.mode == "mock-or-mask" and options.source is None:
        raise UsageError("--mode mock-or-mask reads a source: give --from", path="--mode")


def _init_mask(out: Path, source: str, name: str, sample: int) -> InitResult:
    """``init --mode mock-or-mask``: every table masked, each column's mask from the scan."""
    from fauxdata import run
    from fauxdata.introspect.renames import record_source_names, rename_columns
    from fauxdata.mask.sources import open_source
    from fauxdata.mask.suggest import read_samples, suggest_mask_spec
    from fauxdata.pii import scan_schema
    from fauxdata.spec.yaml_io import dump_yaml

    inferred: list[InferredFileKey] = []
    if is_folder(source):
        found, values, inferred = read_folder(source, sample)
    else:
        reader = open_source(source)
        try:
            found = reader.schema()
            values = read_samples(reader, sample)
        finally:
            reader.close()
    renamed = rename_columns(found, values)
    findings = scan_schema(found, values)
    spec = suggest_mask_spec(found, findings, name=name)
    record_source_names(spec["tables"], renamed)
    plan = run.check(spec, base_dir=out.parent)  # before writing, as above
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump_yaml(spec))
    columns = sum(len(t.columns) for t in plan.tables.values())
    return InitResult(
        out,
        found.url,
        len(plan.tables),
        columns,
        findings,
        mode="mock-or-mask",
        inferred=[str(key) for key in inferred],
    )


def is_folder(source: str) -> bool:
    """``csv:DIR`` or ``parquet:DIR``: a folder of files, one table each."""
    return source.partition(":")[0] in ("csv", "parquet")


def read_folder(
    source: str, sample: int
) -> tuple[SourceSchema, dict[str, dict[str, list[Any]]], list[InferredFileKey]]:
    """A folder's tables with the keys its files prove, and the first ``sample`` rows of
    each (in memory only, for the value scan and the generators' hints)."""
    from fauxdata.mask.sources import FolderSource, open_source
    from fauxdata.mask.suggest import read_samples

    reader = open_source(source)
    assert isinstance(reader, FolderSource)
    try:
        found = reader.schema()
        return found, read_samples(reader, sample), reader.infer_keys(found)
    finally:
        reader.close()


def identifier(text: str) -> str:
    """A spec name from a file name: letters, digits and underscores, starting with a letter."""
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in text)
    return cleaned if cleaned[:1].isalpha() else f"spec_{cleaned}"
