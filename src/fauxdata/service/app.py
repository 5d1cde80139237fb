"""The HTTP face of fauxdata: FastAPI routes over the library and the job store.

``create_app(settings)`` builds the application; ``fauxdata serve`` runs it with uvicorn.
Jobs (``POST /jobs``) run in worker processes (see ``supervisor``); specs can be checked
and previewed, and workspaces listed, duplicated and compared, synchronously. With
bearer tokens configured every route but ``/health`` needs one; without tokens the
server only binds to loopback (``serve`` refuses anything else).
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from fauxdata.errors import FauxdataError, SpecError
from fauxdata.service.jobs import OPTIONS, inside, parse_options
from fauxdata.service.store import FINISHED, STATUSES, JobStore
from fauxdata.service.supervisor import Supervisor


@dataclass
class Settings:
    root: Path
    store: Path
    tokens: tuple[str, ...] = ()
    concurrency: int = 2
    retention_days: float = 30.0
    workspaces: str = "workspaces"
    extra: dict[str, Any] = field(default_factory=dict)


class JobRequest(BaseModel):
    type: str = Field(description=f"One of: {', '.join(sorted(OPTIONS))}.")
    options: dict[str, Any] = Field(default_factory=dict)


class SpecRequest(BaseModel):
    spec: str = Field(description="Spec file, relative to the service root.")


class PreviewRequest(SpecRequest):
    table: str
    n: int = Field(default=10, ge=1, le=1000)


class DuplicateRequest(BaseModel):
    source: str
    target: str


def create_app(settings: Settings) -> FastAPI:
    store = JobStore(settings.store)
    supervisor = Supervisor(store, settings.root, settings.concurrency, settings.retention_days)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        supervisor.start()
        yield
        supervisor.stop()

    app = FastAPI(
        title="fauxdata",
        summary="Safe, realistic, relational mock data: generate, validate, init, scan, mock, mask, "
        "synthesize and run scenarios as jobs.",
        lifespan=lifespan,
    )

    async def authorised(request: Request) -> None:
        # async: a plain def dependency would cost every request a hop to the threadpool
        if not settings.tokens:
            return
        header = request.headers.get("authorization", "")
        given = header[7:] if header.lower().startswith("bearer ") else ""
        if not any(hmac.compare_digest(given, token) for token in settings.tokens):
            raise HTTPException(
                401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"}
            )

    guarded = [Depends(authorised)]

    @app.exception_handler(FauxdataError)
    async def _user_error(request: Request, exc: FauxdataError) -> JSONResponse:
        problems = (
            [{"path": p.path, "message": p.message, "hint": p.hint} for p in exc.problems]
            if isinstance(exc, SpecError)
            else [{"path": exc.path, "message": exc.message, "hint": exc.hint}]
        )
        return JSONResponse({"error": exc.code, "problems": problems}, status_code=422)

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "running": len(supervisor.running)}

    @app.post("/jobs", status_code=202, dependencies=guarded)
    def submit(request: JobRequest) -> dict[str, Any]:
        options = parse_options(request.type, request.options, settings.root)
        return store.create(request.type, options).as_dict()

    @app.get("/jobs", dependencies=guarded)
    def jobs(
        status: str | None = None, type: str | None = None, limit: int = 100
    ) -> dict[str, Any]:
        if status is not None and status not in STATUSES:
            raise HTTPException(422, f"status must be one of {', '.join(STATUSES)}")
        found = store.find(status=status, job_type=type, limit=max(1, min(limit, 1000)))
        return {"jobs": [j.as_dict() for j in found]}

    def _job(job_id: str) -> Any:
        job = store.get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id}")
        return job

    @app.get("/jobs/{job_id}", dependencies=guarded, response_model=None)
    async def job(job_id: str) -> Response:
        """Polled hard (many clients, many times a second): one indexed SQLite read on
        this thread's kept connection, in the event loop (no threadpool hop), serialized
        by orjson when installed, without response-model validation."""
        return fast_json(_job(job_id).as_dict())

    @app.get("/jobs/{job_id}/log", response_class=PlainTextResponse, dependencies=guarded)
    def log(job_id: str) -> str:
        _job(job_id)
        path = store.log_path(job_id)
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    @app.get("/jobs/{job_id}/report", dependencies=guarded)
    def report(job_id: str) -> dict[str, Any]:
        found = _job(job_id)
        if found.status not in FINISHED:
            raise HTTPException(
                409, f"job {job_id} is {found.status}; its report comes when it ends"
            )
        return {
            "id": found.id,
            "status": found.status,
            "error": found.error,
            "result": found.result,
        }

    @app.delete("/jobs/{job_id}", dependencies=guarded)
    def cancel(job_id: str) -> dict[str, Any]:
        found = _job(job_id)
        if found.status in FINISHED:
            return found.as_dict()
        store.append_log(job_id, "cancel requested")
        cancelled = store.request_cancel(job_id)
        assert cancelled is not None
        return cancelled.as_dict()

    @app.post("/specs/check", dependencies=guarded)
    def check(request: SpecRequest) -> dict[str, Any]:
        from fauxdata import run

        plan = run.check(inside(settings.root, request.spec, "spec"))
        return {
            "ok": True,
            "tables": {name: t.rows for name, t in plan.tables.items()},
            "warnings": [str(w) for w in plan.warnings],
        }

    @app.post("/specs/preview", dependencies=guarded)
    def preview(request: PreviewRequest) -> dict[str, Any]:
        from fauxdata.engine.engine import Engine
        from fauxdata.errors import did_you_mean
        from fauxdata.run import plan_for

        plan = plan_for(inside(settings.root, request.spec, "spec"))
        if request.table not in plan.tables:
            raise FauxdataError(
                f"no table '{request.table}'",
                path="table",
                hint=did_you_mean(request.table, plan.tables),
            )
        engine = Engine(plan)
        engine.build()
        frame = engine.tables[request.table].block(
            0, min(request.n, plan.tables[request.table].rows)
        )
        return {"table": request.table, "rows": frame.to_dicts()}

    @app.get("/workspaces", dependencies=guarded)
    def workspaces() -> dict[str, Any]:
        from fauxdata.workspace import list_versions

        root = inside(settings.root, settings.workspaces, "workspaces")
        return {"workspaces": [_version(v) for v in list_versions(root)] if root.is_dir() else []}

    @app.post("/workspaces/duplicate", status_code=201, dependencies=guarded)
    def duplicate(request: DuplicateRequest) -> dict[str, Any]:
        from fauxdata.workspace import duplicate as copy

        root = inside(settings.root, settings.workspaces, "workspaces")
        made = copy(root, request.source, request.target)
        return {"workspace": request.target, "path": str(made.relative_to(settings.root.resolve()))}

    @app.get("/workspaces/diff", dependencies=guarded)
    def diff(a: str, b: str) -> dict[str, Any]:
        from fauxdata.workspace import diff as compare

        root = inside(settings.root, settings.workspaces, "workspaces")
        return {
            "a": a,
            "b": b,
            "differences": [d.as_dict() | {"line": str(d)} for d in compare(root, a, b)],
        }

    return app


def fast_json(content: dict[str, Any]) -> Response:
    try:
        import orjson
    except ImportError:
        return JSONResponse(content)
    return Response(orjson.dumps(content), media_type="application/json")


def _version(version: Any) -> dict[str, Any]:
    described = dict(vars(version))
    described["path"] = version.path.name
    return described
