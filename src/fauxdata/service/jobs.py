"""Job types: typed options, and the library workflow each one runs.

A job is a workflow call with its options as data: ``generate`` calls
``fauxdata.run.generate``, ``validate`` calls ``verify.existing.validate_target``,
``scenario`` calls ``scenarios.run_scenario``, ``check`` resolves a spec. Paths in options
are relative to the service's root and may not leave it; targets and sources that carry
credentials must name them by reference (``env:VAR``, ``file:PATH``), so no secret is ever
stored in a job record, a log or a response.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fauxdata.errors import FauxdataError

Progress = Callable[[str, int, int], None]


class ServiceError(FauxdataError):
    """A request the service cannot take: names the option, what and why."""

    code = "request"


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GenerateOptions(Options):
    spec: str = Field(description="Spec file, relative to the service root.")
    to: str | None = Field(
        default=None, description="Target; default: in memory (nothing written)."
    )
    seed: int | None = None
    rows: dict[str, int] = Field(default_factory=dict)
    scale: float = Field(default=1.0, gt=0)
    tables: list[str] | None = None
    verify: bool = True


class ValidateOptions(Options):
    spec: str
    data: str


class ScenarioOptions(Options):
    pack: str
    to: str
    customers: int | None = Field(default=None, gt=0)
    seed: int | None = None
    set: list[str] = Field(default_factory=list, description="Overrides, as path=value.")


class CheckOptions(Options):
    spec: str


OPTIONS: dict[str, type[Options]] = {
    "generate": GenerateOptions,
    "validate": ValidateOptions,
    "scenario": ScenarioOptions,
    "check": CheckOptions,
}


def parse_options(job_type: str, raw: dict[str, Any], root: Path) -> dict[str, Any]:
    """Validated options as plain data, paths checked to stay under ``root``.

    Raises:
        ServiceError: an unknown type, an invalid option, a path outside the root, or a
            literal password in a URL.
    """
    model = OPTIONS.get(job_type)
    if model is None:
        raise ServiceError(
            f"unknown job type '{job_type}'",
            path="type",
            hint=f"expected one of {', '.join(sorted(OPTIONS))}",
        )
    try:
        options = model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ServiceError(first["msg"], path=f"options.{where}") from None
    data = options.model_dump()
    for key in ("spec",):
        if key in data:
            inside(root, data[key], f"options.{key}")
    for key in ("to", "data"):
        if data.get(key):
            _no_secret(data[key], f"options.{key}")
            _local_target_inside(root, data[key], f"options.{key}")
    return data


def inside(root: Path, relative: str, where: str) -> Path:
    """``root / relative``, refusing a path that leaves the root.

    Raises:
        ServiceError: the path is absolute outside the root or climbs out with ``..``.
    """
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise ServiceError(
            f"'{relative}' is outside the service root",
            path=where,
            hint="give a path under the root",
        )
    return path


def _no_secret(text: str, where: str) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if "://" not in text or text.split(":", 1)[0].lower() in (
        "duckdb",
        "parquet",
        "csv",
        "jsonl",
        "delta",
    ):
        return
    try:
        url = make_url(text)
    except ArgumentError:
        return
    if url.password:
        raise ServiceError(
            "a password in a URL would be stored with the job",
            path=where,
            hint="name it by reference: env:DATABASE_URL or file:PATH",
        )


def _local_target_inside(root: Path, text: str, where: str) -> None:
    if text.startswith(("env:", "file:")):
        return
    from fauxdata.sinks import parse_target

    target = parse_target(text)
    if not target.is_database:
        inside(root, str(target.path), where)


def run_job(
    job_type: str, options: dict[str, Any], root: Path, progress: Progress
) -> dict[str, Any]:
    """Run one job in this process; returns what the report endpoint serves.

    Raises:
        FauxdataError: whatever the workflow raises for bad input (the job fails with it).
    """
    match job_type:
        case "generate":
            return _generate(GenerateOptions.model_validate(options), root, progress)
        case "validate":
            return _validate(ValidateOptions.model_validate(options), root)
        case "scenario":
            return _scenario(ScenarioOptions.model_validate(options), root)
        case "check":
            return _check(CheckOptions.model_validate(options), root)
    raise ServiceError(f"unknown job type '{job_type}'", path="type")


def _target(root: Path, text: str | None) -> str | None:
    """A file target relative to the root; database targets and references as given."""
    if text is None:
        return None
    from fauxdata.introspect.source import resolve_url
    from fauxdata.sinks import parse_target

    if text.startswith(("env:", "file:")):
        return resolve_url(text, path="options.to")
    target = parse_target(text)
    if target.is_database:
        return text
    return f"{target.format}:{inside(root, str(target.path), 'options.to')}"


def _generate(options: GenerateOptions, root: Path, progress: Progress) -> dict[str, Any]:
    from fauxdata import run

    result = run.generate(
        inside(root, options.spec, "options.spec"),
        _target(root, options.to),
        seed=options.seed,
        rows=options.rows or None,
        scale=options.scale,
        tables=options.tables,
        verify_output=options.verify,
        progress=progress,
    )
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


def _validate(options: ValidateOptions, root: Path) -> dict[str, Any]:
    from fauxdata.verify.existing import validate_target

    done: Any = validate_target(
        inside(root, options.spec, "options.spec"), _target(root, options.data) or ""
    )
    report = getattr(done, "report", done)
    return {"verification": report.as_dict(), "passed": report.passed}


def _scenario(options: ScenarioOptions, root: Path) -> dict[str, Any]:
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


def _check(options: CheckOptions, root: Path) -> dict[str, Any]:
    from fauxdata import run

    plan = run.check(inside(root, options.spec, "options.spec"))
    return {
        "tables": {name: t.rows for name, t in plan.tables.items()},
        "warnings": [str(w) for w in plan.warnings],
    }
