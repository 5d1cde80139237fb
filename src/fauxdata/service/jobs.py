"""Job types: typed options, validated before a job is stored.

A job is a workflow call with its options as data (``runners`` makes the call). Paths in
options are relative to the service's root and may not leave it; URLs may not carry a
password and tokens and keys must be references (``env:VAR``, ``file:PATH``), so no
secret is ever stored in a job record, a log or a response. A bad option is a 422 naming
it (``options.rows``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fauxdata.errors import FauxdataError


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
    truncate: bool = Field(default=False, description="Databases: empty the tables first.")
    create_tables: bool = Field(
        default=False, description="Databases: create the spec's tables the database lacks."
    )
    append: bool = Field(
        default=False,
        description="Databases: add rows to tables that hold some; sequence keys continue past them.",
    )


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


class InitOptions(Options):
    out: str = Field(description="Spec file to write, relative to the service root.")
    source: str | None = Field(default=None, description="Database URL or env:/file: reference.")
    from_api: str | None = Field(default=None, description="A REST API's base URL.")
    endpoints: list[str] = Field(default_factory=list)
    token: str | None = Field(default=None, description="API token as env:VAR or file:PATH.")
    params: dict[str, str] = Field(default_factory=dict)
    mode: Literal["mock-all", "from-scratch", "mock-or-mask"] = "mock-all"
    schemas: str | None = Field(default=None, description="Schemas to read, comma-separated.")
    tables: list[str] | None = None
    rows: int = Field(default=1000, gt=0)
    sample: int = Field(default=0, ge=0)
    name: str | None = None
    force: bool = False


class ScanOptions(Options):
    what: str = Field(description="A file under the root, a database URL or an API base URL.")
    endpoints: list[str] = Field(default_factory=list)
    token: str | None = None
    params: dict[str, str] = Field(default_factory=dict)
    sample: int = Field(default=0, ge=0)
    schemas: str | None = None


class MockOptions(Options):
    source: str = Field(description="A source the project under the root documents.")
    extract: bool = False
    template: str | None = None
    rows: dict[str, int] = Field(default_factory=dict)
    pii: dict[str, str] = Field(default_factory=dict)
    output: str | None = None
    seed: int | None = None
    project: str | None = None
    sample: int | None = Field(default=None, ge=0)
    type: Literal["rest", "database"] | None = None
    url: str | None = None
    endpoints: list[str] | None = None
    token: str | None = None


class MaskOptions(Options):
    spec: str
    source: str = Field(description="What to mask, read-only: a file under the root or a URL.")
    to: str
    key: str = Field(default="env:FAUXDATA_MASK_KEY", description="env:VAR or file:PATH.")
    subset: list[str] = Field(default_factory=list)
    subset_children: bool = False
    allow_passthrough: list[str] = Field(default_factory=list)
    leak_tolerance: float = Field(default=0.01, ge=0, le=1)
    report: str | None = Field(default=None, description="Privacy report PATH (.json, .html).")
    truncate: bool = Field(default=False, description="Databases: empty the tables first.")
    create_tables: bool = Field(
        default=False, description="Databases: create the spec's tables the database lacks."
    )


class SynthesizeOptions(Options):
    spec: str = Field(description="A spec whose columns use synthesize:.")
    to: str
    seed: int | None = None
    rows: dict[str, int] = Field(default_factory=dict)


OPTIONS: dict[str, type[Options]] = {
    "generate": GenerateOptions,
    "validate": ValidateOptions,
    "scenario": ScenarioOptions,
    "check": CheckOptions,
    "init": InitOptions,
    "scan": ScanOptions,
    "mock": MockOptions,
    "mask": MaskOptions,
    "synthesize": SynthesizeOptions,
}

_PATHS = ("spec", "out", "report", "project")
"""Options that name a file or folder under the root."""
_TARGETS = ("to", "data", "output")
"""Options that name an output (a file target under the root, or a database)."""
_SOURCES = ("source", "from_api", "url", "what")
"""Options that name something to read: a URL without a password, or a path under the root."""
_SECRETS = ("token", "key")
"""Options that must be references to a secret, never the secret."""


def parse_options(job_type: str, raw: dict[str, Any], root: Path) -> dict[str, Any]:
    """Validated options as plain data, paths checked to stay under ``root``.

    Raises:
        ServiceError: an unknown type, an invalid option, a path outside the root, a
            literal password in a URL, or a literal token or key.
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
    for key in _SECRETS:
        if data.get(key) and not str(data[key]).startswith(("env:", "file:")):
            raise ServiceError(
                "a secret given literally would be stored with the job",
                path=f"options.{key}",
                hint="name it by reference: env:VAR or file:PATH",
            )
    for key in _PATHS:
        if data.get(key):
            inside(root, data[key], f"options.{key}")
    for key in _TARGETS:
        if data.get(key):
            _no_secret(data[key], f"options.{key}")
            _local_target_inside(root, data[key], f"options.{key}")
    for key in _SOURCES:
        if data.get(key):
            _no_secret(data[key], f"options.{key}")
            _local_source_inside(root, data[key], f"options.{key}")
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
    if text.startswith(("http://", "https://")):
        from urllib.parse import urlsplit

        if urlsplit(text).password:
            raise ServiceError(
                "a password in a URL would be stored with the job",
                path=where,
                hint="give the API's token by reference instead: env:VAR or file:PATH",
            )
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


def _local_source_inside(root: Path, text: str, where: str) -> None:
    """A source that is not a URL or a reference is a path: it must be under the root."""
    if text.startswith(("env:", "file:", "keyvault:")) or "://" in text:
        return
    kind, sep, rest = text.partition(":")
    inside(root, rest if sep and kind.isalpha() and len(kind) > 1 else text, where)
