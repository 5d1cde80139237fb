"""A project's sources: the ``fauxdata.yaml`` project file, or a source's own doc page.

A pipeline developer names a source (``fauxdata mock hr``); this module finds out what
it is and where it lives. The project file lists sources with their type, URL and
credential *references* (``env:VAR``, ``file:PATH``, ``keyvault:VAULT/SECRET``), never a
secret. Without an entry there, the source's doc page ``docs/sources/<source>.md`` is
read for its ``Base URL: https://...`` (a REST API), ``JDBC: jdbc:postgresql://...`` or
``Connection String: postgresql://...`` (a database) line and its endpoint list.

A repository may hold several projects, each in ``projects/<project>/`` with its own
``docs/sources/``; ``discover`` finds every project that documents a source, and such a
project keeps its templates in ``docs/templates/`` and its scripts in ``scripts/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from fauxdata.errors import FauxdataError, SpecError, did_you_mean
from fauxdata.spec.base import Strict
from fauxdata.spec.models import Environment

PROJECT_FILE = "fauxdata.yaml"
SourceType = Literal["rest", "database"]


class SourceEntry(Strict):
    """One source in the project file."""

    type: SourceType = Field(description="rest (a REST API) or database (SQL).")
    url: str = Field(
        description="Base URL of the API, or the database URL (env:VAR / file:PATH to keep "
        "credentials out of the file)."
    )
    endpoints: list[str] = Field(default_factory=list, description="REST: paths to sample.")
    token: str | None = Field(
        default=None,
        description="REST: bearer token reference, env:VAR, file:PATH or keyvault:VAULT/SECRET.",
    )
    params: dict[str, str] = Field(
        default_factory=dict, description="REST: query parameters (default limit=1)."
    )
    db_schema: str | None = Field(default=None, alias="schema", description="Database schema.")
    tables: list[str] | None = Field(default=None, description="Database: only these tables.")
    rows: dict[str, int] = Field(
        default_factory=dict, description="Default row count per entity (else 100)."
    )
    seed: int = Field(default=1, ge=0)
    output: str | None = Field(
        default=None, description="Where mock runs land (default delta:bronze/<source>)."
    )
    description: str | None = None

    @field_validator("token")
    @classmethod
    def _reference_only(cls, v: str | None) -> str | None:
        from fauxdata.introspect.source import is_reference

        if v is not None and not is_reference(v):
            raise ValueError(
                "a token in the project file must be a reference: env:VAR, file:PATH or keyvault:VAULT/SECRET, "
                "never the secret itself"
            )
        return v

    @field_validator("endpoints")
    @classmethod
    def _paths(cls, v: list[str]) -> list[str]:
        return [p if p.startswith("/") else f"/{p}" for p in v]


class ProjectFile(Strict):
    """The root of ``fauxdata.yaml``."""

    environment: Environment | None = Field(
        default=None, description="dev, test, staging or prod; mock runs only in dev."
    )
    templates: str | None = Field(
        default=None,
        description="Folder of extracted templates (default templates/, or docs/templates/ "
        "in a projects/<project>/ folder).",
    )
    sources: dict[str, SourceEntry] = Field(default_factory=dict)


@dataclass
class Source:
    """A source as the workflow uses it, wherever it was found."""

    name: str
    type: SourceType
    url: str
    found_in: str
    endpoints: list[str] = field(default_factory=list)
    token: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    schema: str | None = None
    tables: list[str] | None = None
    rows: dict[str, int] = field(default_factory=dict)
    seed: int = 1
    output: str | None = None

    @classmethod
    def api(
        cls,
        name: str,
        url: str,
        endpoints: list[str] | None,
        token: str | None,
        params: dict[str, str],
    ) -> Source:
        """A REST source given on the command line (``--endpoint``, ``--token``, ``--param``)."""
        return cls(
            name=name,
            type="rest",
            url=url.rstrip("/"),
            found_in="--endpoint",
            endpoints=[e if e.startswith("/") else f"/{e}" for e in endpoints or []],
            token=token,
            params=params,
        )

    @property
    def default_output(self) -> str:
        return self.output or f"delta:bronze/{self.name}"


@dataclass
class Project:
    root: Path
    config: ProjectFile
    path: Path | None
    nested: bool = False
    """A ``projects/<project>/`` folder of a repository (templates under docs/templates/)."""

    @property
    def name(self) -> str:
        return self.root.name

    @property
    def templates(self) -> Path:
        if self.config.templates is not None:
            return self.root / self.config.templates
        return self.root / ("docs/templates" if self.nested else "templates")

    @property
    def scripts(self) -> Path:
        """Where generation scripts go: ``scripts/`` in the project folder."""
        return self.root / "scripts"

    def documents(self, source: str) -> bool:
        """Whether this project knows the source (its file, or its doc page)."""
        return source in self.config.sources or self.doc_page(source).exists()

    def doc_page(self, source: str) -> Path:
        return self.root / "docs" / "sources" / f"{source}.md"

    @property
    def file_name(self) -> str:
        return self.path.name if self.path else PROJECT_FILE


def load_project(root: Path | None = None, path: Path | None = None) -> Project:
    """The project at ``root`` (default: the current folder); no project file is fine.

    Raises:
        SpecError: the project file is invalid, with a path per problem.
    """
    from fauxdata.spec.loader import parse_text, validation_problem

    root = (root or Path.cwd()).resolve() if path is None else path.resolve().parent
    file = path or root / PROJECT_FILE
    if not file.exists():
        if path is not None:
            raise FauxdataError(f"no project file at {path}", path="--project")
        return Project(root, ProjectFile(), None)
    data = parse_text(file.read_text(encoding="utf-8"), str(file))
    try:
        config = ProjectFile.model_validate(data)
    except ValidationError as exc:
        problems = [validation_problem(err) for err in exc.errors(include_url=False)]
        raise SpecError(problems, source=str(file)) from None
    return Project(root, config, file)


PROJECTS = "projects"


def discover(source: str, cwd: Path | None = None) -> list[Project]:
    """Every project under ``cwd`` that knows ``source``: the folder itself (its
    ``fauxdata.yaml`` or ``docs/sources/``) and each ``projects/<project>/``.

    Raises:
        SpecError: a project file on the way is invalid.
    """
    cwd = (cwd or Path.cwd()).resolve()
    here = load_project(cwd)
    found = [here] if here.documents(source) else []
    folder = cwd / PROJECTS
    if folder.is_dir():
        for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
            nested = open_nested(sub, here)
            if nested.documents(source):
                found.append(nested)
    return found


def open_nested(folder: Path, outer: Project) -> Project:
    """``projects/<project>/``: its own ``fauxdata.yaml`` if it has one, else the
    repository's environment (its sources and templates folder are the repository's
    own, not the project's), with the folder as root."""
    own = folder / PROJECT_FILE
    if own.exists():
        return replace(load_project(path=own), nested=True)
    inherited = ProjectFile(environment=outer.config.environment)
    return Project(folder.resolve(), inherited, outer.path, nested=True)


def project_named(text: Path, cwd: Path | None = None) -> Project:
    """``--project``: a project file, a project folder, or the name of one under projects/.

    Raises:
        FauxdataError: none of these exists, with the projects there are.
    """
    cwd = (cwd or Path.cwd()).resolve()
    if text.is_file():
        return load_project(path=text)
    outer = load_project(cwd)
    for folder in (cwd / PROJECTS / text, text):
        if folder.is_dir():
            return open_nested(folder, outer)
    known = sorted(p.name for p in (cwd / PROJECTS).glob("*") if p.is_dir())
    raise FauxdataError(
        f"no project file or project folder '{text}'",
        path="--project",
        hint=did_you_mean(str(text), known)
        or (f"projects: {', '.join(known)}" if known else "give a fauxdata.yaml or a folder"),
    )


class SourceNotFoundError(FauxdataError):
    """No project file entry and no doc page for the source."""


def find_source(project: Project, name: str) -> Source:
    """The named source, from the project file or ``docs/sources/<name>.md``.

    Raises:
        FauxdataError: neither knows it, with the names that exist.
    """
    entry = project.config.sources.get(name)
    if entry is not None:
        where = str(project.path.name if project.path else PROJECT_FILE)
        return Source(
            name=name,
            type=entry.type,
            url=entry.url,
            found_in=f"{where}: sources.{name}",
            endpoints=list(entry.endpoints),
            token=entry.token,
            params=dict(entry.params),
            schema=entry.db_schema,
            tables=entry.tables,
            rows=dict(entry.rows),
            seed=entry.seed,
            output=entry.output,
        )
    doc = project.doc_page(name)
    if doc.exists():
        return source_from_doc(name, doc)
    known = sorted(set(project.config.sources) | set(_documented(project.root)))
    raise SourceNotFoundError(
        f"no source '{name}' in {PROJECT_FILE}, docs/sources/{name}.md"
        + ("" if project.nested else f" or {PROJECTS}/*/docs/sources/{name}.md"),
        path="SOURCE",
        hint=did_you_mean(name, known)
        or (f"known sources: {', '.join(known)}" if known else f"add it to {PROJECT_FILE}"),
    )


def _documented(root: Path) -> list[str]:
    return [p.stem for p in root.glob("docs/sources/*.md")] + [
        p.stem for p in root.glob(f"{PROJECTS}/*/docs/sources/*.md")
    ]


_LABEL = r"^[\s*_#>-]*{}[\s*_]*:[\s*_]*`?"
"""A ``Label: value`` line, also in Markdown dress: ``- **Label:** `value` ``."""
_BASE_URL = re.compile(_LABEL.format(r"base\s*url") + r"(https?://[^\s`]+)", re.I | re.M)
_JDBC = re.compile(_LABEL.format("jdbc") + r"(jdbc:[^\s`]+)", re.I | re.M)
_CONNECTION = re.compile(_LABEL.format(r"connection\s*string") + r"([^\s`]+)", re.I | re.M)
_TOKEN = re.compile(
    _LABEL.format(r"(?:token|auth(?:entication)?)") + r"((?:env|file|keyvault):[^\s`]+)",
    re.I | re.M,
)
_ENDPOINT = re.compile(r"^\s*(?:[-*]\s*)?`?(?:GET\s+)(/[A-Za-z0-9_./{}-]*)`?", re.M)


def source_from_doc(name: str, doc: Path) -> Source:
    """Tell a source's type and location from its doc page.

    ``Base URL: https://api...`` makes a REST source (endpoints from ``GET /path`` lines),
    ``JDBC: jdbc:postgresql://host/db`` or ``Connection String: ...`` a database.

    Raises:
        FauxdataError: the page has none of these lines.
    """
    text = doc.read_text()
    found_in = str(doc)
    if match := _BASE_URL.search(text):
        token = _TOKEN.search(text)
        return Source(
            name=name,
            type="rest",
            url=match.group(1).rstrip("/"),
            found_in=found_in,
            endpoints=list(dict.fromkeys(_ENDPOINT.findall(text))),
            token=token.group(1) if token else None,
        )
    if match := _JDBC.search(text):
        return Source(name, "database", jdbc_to_url(match.group(1)), found_in)
    if match := _CONNECTION.search(text):
        return Source(name, "database", match.group(1), found_in)
    raise FauxdataError(
        f"cannot tell what kind of source {doc} describes",
        path=str(doc),
        hint="add a 'Base URL: https://...', 'JDBC: jdbc:...' or 'Connection String: ...' line",
    )


_JDBC_DRIVERS = {
    "postgresql": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlserver": "mssql",
    "oracle": "oracle",
    "sqlite": "sqlite",
}


def jdbc_to_url(jdbc: str) -> str:
    """``jdbc:postgresql://host:5432/db?user=x`` -> ``postgresql://x@host:5432/db``.

    Raises:
        FauxdataError: a JDBC subprotocol SQLAlchemy cannot reach.
    """
    body = jdbc.removeprefix("jdbc:")
    scheme, _, rest = body.partition(":")
    driver = _JDBC_DRIVERS.get(scheme.lower())
    if driver is None:
        raise FauxdataError(
            f"unsupported JDBC subprotocol '{scheme}'",
            path="JDBC",
            hint=f"expected one of {', '.join(sorted(_JDBC_DRIVERS))}",
        )
    if driver == "sqlite":
        return f"sqlite:///{rest}"
    location, _, query = rest.removeprefix("//").partition("?")
    params: dict[str, Any] = dict(p.partition("=")[::2] for p in query.split("&") if p)
    user = params.pop("user", None)
    auth = f"{user}@" if user else ""
    tail = "&".join(f"{k}={v}" for k, v in params.items() if k.lower() != "password")
    return f"{driver}://{auth}{location}" + (f"?{tail}" if tail else "")
