"""Each job type's call into the library: the same workflow functions the CLI calls,
with options validated by ``jobs`` and the job's ``Dialogue`` (its progress and log)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fauxdata.service import jobs
from fauxdata.service.jobs import ServiceError, inside
from fauxdata.workflows.events import Dialogue


def run_job(
    job_type: str, options: dict[str, Any], root: Path, dialogue: Dialogue
) -> dict[str, Any]:
    """Run one job in this process; returns what the report endpoint serves. Nothing is
    asked: an option that would answer a question is needed, and its absence fails the
    job naming it.

    Raises:
        FauxdataError: whatever the workflow raises for bad input (the job fails with it).
    """
    runner = _RUNNERS.get(job_type)
    if runner is None:
        raise ServiceError(f"unknown job type '{job_type}'", path="type")
    model = jobs.OPTIONS[job_type]
    return runner(model.model_validate(options), root, dialogue)


def _target(root: Path, text: str | None, where: str = "options.to") -> str | None:
    """A file target relative to the root; database targets and references as given."""
    if text is None:
        return None
    from fauxdata.introspect.source import resolve_url
    from fauxdata.sinks import parse_target

    if text.startswith(("env:", "file:")):
        return resolve_url(text, path=where)
    target = parse_target(text)
    if target.is_database:
        return text
    return f"{target.format}:{inside(root, str(target.path), where)}"


def _source(root: Path, text: str) -> str:
    """A source to read: URLs and references as given, paths under the root."""
    if text.startswith(("env:", "file:", "keyvault:")) or "://" in text:
        return text
    kind, sep, rest = text.partition(":")
    if sep and kind.isalpha() and len(kind) > 1:
        return f"{kind}:{inside(root, rest, 'options.source')}"
    return str(inside(root, text, "options.source"))


def _run_figures(result: Any) -> dict[str, Any]:
    return {
        "rows": result.rows,
        "seconds": round(result.seconds, 3),
        "tables": {
            name: {"rows": t.rows, "digest": t.digest, "output": t.output}
            for name, t in result.tables.items()
        },
        "target": str(result.target) if result.target else None,
        "verification": result.report.as_dict() if result.report else None,
        "passed": result.report.passed if result.report else None,
    }


def _generate(options: Any, root: Path, dialogue: Dialogue) -> dict[str, Any]:
    from fauxdata import run

    result = run.generate(
        inside(root, options.spec, "options.spec"),
        _target(root, options.to),
        seed=options.seed,
        rows=options.rows or None,
        scale=options.scale,
        tables=options.tables,
        verify_output=options.verify,
        truncate=options.truncate,
        append=options.append,
        create_tables=options.create_tables,
        progress=dialogue.table_progress("generate"),
    )
    return _run_figures(result)


def _validate(options: Any, root: Path, dialogue: Dialogue) -> dict[str, Any]:
    from fauxdata.verify.existing import validate_target

    done = validate_target(
        inside(root, options.spec, "options.spec"),
        _target(root, options.data, "options.data") or "",
    )
    return {"verification": done.report.as_dict(), "passed": done.report.passed}


def _scenario(options: Any, root: Path, dialogue: Dialogue) -> dict[str, Any]:
    from fauxdata.scenarios import run_scenario

    extra: dict[str, Any] = {}
    if options.customers is not None:
        extra["customers"] = options.customers
    if options.seed is not None:
        extra["seed"] = options.seed
    manifest = run_scenario(
        options.pack, _target(root, options.to) or "", sets=options.set, extra=extra
    )
    return {
        "target": manifest["target"],
        "rows": {t: v["rows"] for t, v in manifest["tables"].items()},
        "verification": manifest.get("verification"),
    }


def _check(options: Any, root: Path, dialogue: Dialogue) -> dict[str, Any]:
    from fauxdata import run

    plan = run.check(inside(root, options.spec, "options.spec"))
    return {
        "tables": {name: t.rows for name, t in plan.tables.items()},
        "warnings": [str(w) for w in plan.warnings],
    }


def _init(options: Any, root: Path, dialogue: Dialogue) -> dict[str, Any]:
    from fauxdata.workflows import InitOptions, init

    made = init(
        InitOptions(
            inside(root, options.out, "options.out"),
            source=_source(root, options.source) if options.source else None,
            from_api=options.from_api,
            endpoints=options.endpoints or None,
            token=options.token,
            params=options.params,
            mode=options.mode,
            schema=options.schemas,
            tables=options.tables,
            rows=options.rows,
            name=options.name,
            force=options.force,
            sample=options.sample,
            yes=True,  # nobody to ask: inferred foreign keys are kept, and listed in the log
        ),
        dialogue,
    )
    return {
        "out": str(made.out.relative_to(root.resolve())),
        "source": made.url,
        "tables": made.tables,
        "columns": made.columns,
        "pii": [f.as_dict() for f in made.findings],
        "unsupported": made.unsupported,
    }


def _scan(options: Any, root: Path, dialogue: Dialogue) -> dict[str, Any]:
    from fauxdata.workflows import ScanOptions, scan

    what = options.what
    if "://" not in what and not what.startswith(("env:", "file:", "keyvault:")):
        suffix = Path(what).suffix.lower()
        what = str(inside(root, what, "options.what")) if suffix else what
    found = scan(
        ScanOptions(
            what,
            endpoints=options.endpoints or None,
            token=options.token,
            params=options.params,
            sample=options.sample,
            schema=options.schemas,
        ),
        dialogue,
    )
    return {**found.as_dict(), "tables": found.tables}


def _mock(options: Any, root: Path, dialogue: Dialogue) -> dict[str, Any]:
    from fauxdata.workflows import MockOptions, mock

    done = mock(
        MockOptions(
            options.source,
            extract=options.extract,
            template=options.template,
            rows=options.rows,
            pii=options.pii,
            yes=True,  # the options answer every question; nobody is asked
            output=_target(root, options.output, "options.output") if options.output else None,
            seed=options.seed,
            project=inside(root, options.project, "options.project") if options.project else None,
            sample=options.sample,
            source_type=options.type,
            url=options.url,
            endpoints=options.endpoints,
            token=options.token,
        ),
        dialogue,
    )
    result = done.run
    return {
        "source": done.source,
        "template": str(done.template.folder.relative_to(root.resolve())),
        "script": str(done.script.relative_to(root.resolve())) if done.script else None,
        **_run_figures(result),
        "passed": done.passed,
    }


def _mask(options: Any, root: Path, dialogue: Dialogue) -> dict[str, Any]:
    from fauxdata.mask.workflow import mask

    result = mask(
        inside(root, options.spec, "options.spec"),
        _source(root, options.source),
        _target(root, options.to) or "",
        key=options.key,
        subset=options.subset or None,
        subset_children=options.subset_children,
        allow_passthrough=options.allow_passthrough,
        report=inside(root, options.report, "options.report") if options.report else None,
        leak_tolerance=options.leak_tolerance,
        truncate=options.truncate,
        create_tables=options.create_tables,
        progress=dialogue.streaming_progress("mask"),
    )
    verification = result.verification
    return {
        "target": str(result.target),
        "rows": {n: t.rows for n, t in result.tables.items()},
        "seconds": round(result.seconds, 3),
        "leak_check": [f.as_dict() for f in result.leaks],
        "fpe": result.fpe,
        "report": [str(p.relative_to(root.resolve())) for p in result.report_paths],
        "verification": verification.as_dict() if verification else None,
        "passed": verification.passed if verification else True,
    }


def _synthesize(options: Any, root: Path, dialogue: Dialogue) -> dict[str, Any]:
    from fauxdata.workflows import SynthesizeOptions, synthesize

    done = synthesize(
        SynthesizeOptions(
            inside(root, options.spec, "options.spec"),
            _target(root, options.to) or "",
            seed=options.seed,
            rows=options.rows,
        ),
        dialogue,
    )
    return {
        **_run_figures(done.run),
        "synthesis": [r.to_dict() for r in done.reports],
        "passed": done.passed,
    }


_RUNNERS = {
    "generate": _generate,
    "validate": _validate,
    "scenario": _scenario,
    "check": _check,
    "init": _init,
    "scan": _scan,
    "mock": _mock,
    "mask": _mask,
    "synthesize": _synthesize,
}
