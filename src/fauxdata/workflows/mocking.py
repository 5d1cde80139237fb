"""``mock``: the pipeline developer's workflow over a source full of personal data, from
finding the source to the bronze tables and the generation script.

Every question has an option (``MockOptions``), so the workflow runs unattended from
Python, CI or the service; with a person at a terminal the CLI's dialogue asks them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fauxdata.errors import FauxdataError, did_you_mean
from fauxdata.workflows import steps
from fauxdata.workflows.counts import parse_count
from fauxdata.workflows.events import Dialogue, TableView, confirm


@dataclass
class MockOptions:
    """What ``fauxdata mock`` takes; each question's answer has its field."""

    source: str
    extract: bool = False
    """Workflow 1: extract the metadata first."""
    template: str | None = None
    """Workflow 2: use this template (a name or a folder)."""
    rows: dict[str, int] = field(default_factory=dict)
    pii: dict[str, str] = field(default_factory=dict)
    """TABLE.COLUMN -> category, or "none" for not PII."""
    yes: bool = False
    output: str | None = None
    seed: int | None = None
    project: Path | None = None
    sample: int | None = None
    source_type: str | None = None
    url: str | None = None
    endpoints: list[str] | None = None
    token: str | None = None


@dataclass
class MockResult:
    source: str
    template: Any
    """The template used (``fauxdata.templates.Template``)."""
    target: str
    generated: bool
    """False when the user declined to proceed: nothing was generated or recorded."""
    run: Any = None
    """The ``fauxdata.run.RunResult`` of the generation."""
    script: Path | None = None
    audit: dict[str, Any] = field(default_factory=dict)
    audit_path: Path | None = None

    @property
    def passed(self) -> bool:
        return bool(self.generated and self.run.report.passed and self.script is not None)

    def audit_text(self) -> str:
        where = steps.shown(self.audit_path) if self.audit_path else "the audit log"
        return f"Audit line added to {where} ({self.audit.get('user')}, {self.audit.get('at')})"

    def written(self) -> TableView:
        """The bronze tables written, with their rows."""
        rows = tuple((t.output, f"{t.rows:,}") for t in self.run.tables.values())
        return TableView("Bronze tables written", ("table", "rows"), rows, frozenset({"rows"}))

    def next_steps(self) -> str:
        from fauxdata.sinks.bronze import bronze_table_name
        from fauxdata.sinks.target import parse_target
        from fauxdata.templates import METADATA

        chosen, shown = self.template, steps.shown
        target = parse_target(self.target)
        first = next(iter(self.run.plan.tables))
        read = (
            f"polars.read_delta('{target.path / bronze_table_name(self.source, first)}')"
            if target.format == "delta"
            else f"fauxdata validate {chosen.spec_path} --data {self.target}"
        )
        return (
            f"{self.run.rows:,} mock rows of {self.source} in {target}, verified.\n"
            "Next steps:\n"
            f"  • template: {shown(chosen.folder / METADATA)} (v{chosen.version}); "
            f"edit the generators in {shown(chosen.spec_path)}\n"
            f"  • regenerate exactly: python {shown(self.script) if self.script else ''}\n"
            f"  • read or re-check them: {read}\n"
            f"  • scale up: --rows ENTITY=N, or edit ROWS in the script; "
            f"replay: fauxdata generate --replay {self.run.manifest_path}\n"
            f"  • the schema changed? fauxdata mock {self.source} --extract (your edits are kept)"
        )


def guard_environment(project: Any) -> str:
    """Mock runs happen in dev only, said in FAUXDATA_ENV or the project file.

    Raises:
        GuardError: any other environment, or none set.
    """
    from fauxdata.guard import require_dev
    from fauxdata.project import PROJECT_FILE

    return require_dev(
        project.config.environment,
        declared_in=project.file_name,
        action="run the mock workflow",
        where_to_declare=f"to {PROJECT_FILE}",
        rule="mock data is made in dev only",
    )


def mock(options: MockOptions, dialogue: Dialogue | None = None) -> MockResult:
    """Mock a source end to end: find it, extract (or reuse) its template, confirm PII,
    keys and row counts, generate, verify, write bronze tables, save a generation script,
    record an audit line.

    Raises:
        FauxdataError: an option that cannot be honoured, a question nobody can answer
            (naming its option), a source that cannot be read, an environment that is
            not dev.
    """
    from fauxdata import run, templates
    from fauxdata.mock_script import ScriptRun, write_script

    ui = dialogue or Dialogue()
    if options.extract and options.template is not None:
        raise FauxdataError(
            "--extract and --template ask for different metadata",
            path="--extract",
            hint="give one: --extract reads the source again, --template NAME reuses a saved one",
        )
    by_hand = {
        "type": options.source_type,
        "url": options.url,
        "endpoints": options.endpoints,
        "token": options.token,
    }
    project, src = steps.locate(ui, options.source, options.project, by_hand)
    where = guard_environment(project)
    ui.note(f"Source {src.name}: {src.type} at {steps.location(src)} (from {src.found_in})")
    chosen = steps.choose_template(
        ui, project, src.name, options.extract, options.template, options.yes
    )
    if chosen is None:
        chosen = _extract(ui, src, project.templates, options)
    ui.note(
        f"Template {steps.shown(chosen.folder)} (v{chosen.version}, extracted {chosen.extracted_at})"
    )
    wanted = _wanted_rows(chosen, options.rows)
    plan = run.check(chosen.spec_path, rows=wanted)
    target_text = _target(options.output or src.default_output, project.root)
    ui.table(_summary(plan, src.name, target_text))
    counts = {name: t.rows for name, t in plan.tables.items() if t.per is None}
    customised = steps.customise_rows(ui, counts, bool(wanted), options.yes)
    if customised != counts:
        counts = customised
        plan = run.check(chosen.spec_path, rows=counts)
        ui.table(_summary(plan, src.name, target_text))
    if not confirm(ui, "Proceed with generation?", options.yes):
        return MockResult(src.name, chosen, target_text, generated=False)
    result = run.generate(
        chosen.spec_path,
        target_text,
        seed=options.seed,
        rows=counts,
        bronze_source=src.name,
        progress=ui.table_progress("generate"),
    )
    assert result.report is not None
    script = None
    if result.report.passed:
        script = write_script(
            project.scripts,
            ScriptRun(
                source=src.name,
                spec_path=chosen.spec_path,
                seed=result.plan.seed,
                rows=counts,
                target=target_text,
                template_version=chosen.version,
                extracted_at=chosen.extracted_at,
            ),
        )
    line = templates.audit(
        chosen,
        {
            "source": src.name,
            "project": str(project.root),
            "environment": f"dev (from {where})",
            "seed": result.plan.seed,
            "rows": {n: t.rows for n, t in result.tables.items()},
            "target": str(result.target),
            "verified": result.report.passed,
            "manifest": str(result.manifest_path),
            "script": str(script) if script else None,
        },
    )
    return MockResult(
        src.name,
        chosen,
        target_text,
        generated=True,
        run=result,
        script=script,
        audit=line,
        audit_path=chosen.folder / templates.AUDIT,
    )


def _wanted_rows(chosen: Any, rows: dict[str, int]) -> dict[str, int]:
    """``--rows`` checked against the template's entities.

    Raises:
        FauxdataError: an entity the template does not have (with the closest name).
    """
    from fauxdata.spec import load_spec

    entities = list(load_spec(chosen.spec_path).tables)
    for name in rows:
        if name not in entities:
            raise FauxdataError(
                f"no entity '{name}' in {chosen.spec_path}",
                path="--rows",
                hint=did_you_mean(name, entities) or f"entities: {', '.join(entities)}",
            )
    return dict(rows)


def parse_rows(values: dict[str, str]) -> dict[str, int]:
    """``ENTITY=N`` values as counts.

    Raises:
        FauxdataError: a count that is not a whole number.
    """
    out = {}
    for name, count in values.items():
        parsed = parse_count(count)
        if parsed is None:
            raise FauxdataError(
                f"--rows {name}={count}: expected a whole number (1000, 10k, 2.5M)", path="--rows"
            )
        out[name] = parsed
    return out


def _summary(plan: Any, source: str, target_text: str) -> TableView:
    from fauxdata.sinks.bronze import bronze_table_name

    rows = tuple(
        (
            name,
            bronze_table_name(source, table.output_name),
            f"{table.rows:,}",
            str(sum(1 for c in plan.spec.tables[name].columns.values() if c.pii)),
        )
        for name, table in plan.tables.items()
    )
    return TableView(
        f"{len(plan.tables)} entities to generate into {target_text}",
        ("entity", "bronze table", "rows", "PII columns"),
        rows,
        frozenset({"rows", "PII columns"}),
    )


def _extract(ui: Dialogue, src: Any, root: Path, options: MockOptions) -> Any:
    from fauxdata import run, templates
    from fauxdata.extract import build_spec, extract, merge_spec, metadata
    from fauxdata.spec.yaml_io import dump_yaml

    what = "schema and a few records" if src.type == "rest" else "schema"
    ui.note(
        f"Extracting metadata from {steps.location(src)} ({what}, held in memory; nothing stored)"
    )
    found = extract(src, sample=options.sample)
    steps.show_findings(ui, found.findings, f"PII in {src.name}")
    found = steps.review_pii(ui, found, options.pii, options.yes)
    found = steps.confirm_keys(ui, found, options.yes)
    rows = {name: count for name, count in src.rows.items() if name in found.schema.tables}
    live = root / src.name / templates.SPEC
    if live.exists():
        merged = merge_spec(live, found, rows)
        text = merged.text
        ui.note(
            f"Compared with your spec {steps.shown(live)}: {len(merged.changes)} changes; "
            "your generators and comments are kept"
        )
        for change in merged.changes:
            ui.note(f"  {change}")
        for replaced in merged.replaced:
            ui.note(f"  replaced {replaced}")
    else:
        text = dump_yaml(build_spec(found, rows, src.seed))
    plan = run.check(text, base_dir=root)  # a template is saved only when its spec works
    counts = {name: table.rows for name, table in plan.tables.items()}
    saved = templates.save_template(root, metadata(found, counts, src.seed), text)
    kept = f"; v{saved.version - 1} kept in {steps.shown(saved.folder / f'v{saved.version - 1}')}"
    ui.note(
        f"saved template {steps.shown(saved.folder)} (v{saved.version}"
        f"{kept if saved.version > 1 else ''})",
        "ok",
    )
    return saved


def _target(text: str, root: Path) -> str:
    """File and lake targets relative to the project folder."""
    from fauxdata.sinks.target import parse_target

    target = parse_target(text)
    if target.is_database or target.path.is_absolute():
        return text
    return str(replace(target, path=root / target.path))
