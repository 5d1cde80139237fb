"""The service's job store: one SQLite file, so jobs survive a restart of the server.

Every state change is one short transaction (WAL mode, so pollers never wait on a
writer). A job is ``queued`` until a worker claims it (``running``, with the worker's
process id), then ``succeeded``, ``failed`` or ``cancelled``. ``recover`` runs when the
server starts: a ``running`` job whose worker process is gone is marked ``failed`` with
that said in its log, never lost; queued jobs simply wait for the new server's workers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Status = Literal["queued", "running", "succeeded", "failed", "cancelled"]
STATUSES: tuple[Status, ...] = ("queued", "running", "succeeded", "failed", "cancelled")
FINISHED = ("succeeded", "failed", "cancelled")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    options TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    worker_pid INTEGER,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    progress TEXT NOT NULL DEFAULT '{}',
    result TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, created_at);
"""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


@dataclass
class Job:
    id: str
    type: str
    options: dict[str, Any]
    status: Status
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    worker_pid: int | None = None
    cancel_requested: bool = False
    progress: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        seconds = None
        if self.started_at:
            end = self.finished_at or now()
            seconds = (
                dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(self.started_at)
            ).total_seconds()
        return {
            "id": self.id,
            "type": self.type,
            "status": self.status,
            "options": self.options,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "seconds": seconds,
            "progress": self.progress,
            "error": self.error,
        }


class JobStore:
    """Jobs, their logs (one file each, beside the database) and their results."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.logs = path.parent / f"{path.stem}-logs"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        self._local = threading.local()
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")  # kept in the file: set once
            con.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, opened once and kept: opening one per request cost
        about 0.5-1 ms of a status poll's time, reusing it about 35 us. Statements run in
        autocommit; a transaction left open by an error is rolled back."""
        con: sqlite3.Connection | None = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            con.execute("PRAGMA synchronous=NORMAL")
            con.row_factory = sqlite3.Row
            self._local.con = con
        try:
            yield con
        finally:
            if con.in_transaction:
                con.rollback()

    def log_path(self, job_id: str) -> Path:
        return self.logs / f"{job_id}.log"

    def create(self, job_type: str, options: dict[str, Any]) -> Job:
        job = Job(uuid.uuid4().hex, job_type, options, "queued", now())
        with self._connect() as con:
            con.execute(
                "INSERT INTO jobs (id, type, options, status, created_at) VALUES (?, ?, ?, ?, ?)",
                (job.id, job.type, json.dumps(options), job.status, job.created_at),
            )
        self.log_path(job.id).write_text(f"{job.created_at} queued {job_type}\n")
        return job

    def get(self, job_id: str) -> Job | None:
        with self._connect() as con:
            row = con.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def find(
        self, *, status: str | None = None, job_type: str | None = None, limit: int = 100
    ) -> list[Job]:
        query, params = "SELECT * FROM jobs WHERE 1 = 1", []
        if status:
            query += " AND status = ?"
            params.append(status)
        if job_type:
            query += " AND type = ?"
            params.append(job_type)
        query += " ORDER BY created_at DESC LIMIT ?"
        params.append(str(limit))
        with self._connect() as con:
            return [_job(r) for r in con.execute(query, params).fetchall()]

    def claim(self) -> Job | None:
        """Take the oldest queued job for a worker (atomically: two never take one)."""
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            row = con.execute(
                "SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at LIMIT 1"
            ).fetchone()
            if row is None:
                con.execute("COMMIT")
                return None
            con.execute(
                "UPDATE jobs SET status = 'running', started_at = ? WHERE id = ?",
                (now(), row["id"]),
            )
            con.execute("COMMIT")
        return self.get(row["id"])

    def set_worker(self, job_id: str, pid: int) -> None:
        with self._connect() as con:
            con.execute("UPDATE jobs SET worker_pid = ? WHERE id = ?", (pid, job_id))

    def progress(self, job_id: str, progress: dict[str, Any]) -> None:
        with self._connect() as con:
            con.execute("UPDATE jobs SET progress = ? WHERE id = ?", (json.dumps(progress), job_id))

    def finish(
        self,
        job_id: str,
        status: Status,
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        with self._connect() as con:
            con.execute(
                "UPDATE jobs SET status = ?, finished_at = ?, result = ?, error = ? "
                "WHERE id = ? AND status IN ('queued', 'running')",
                (status, now(), json.dumps(result) if result is not None else None, error, job_id),
            )

    def request_cancel(self, job_id: str) -> Job | None:
        """Cancel a queued job at once; ask a running one's worker to stop."""
        with self._connect() as con:
            con.execute("UPDATE jobs SET cancel_requested = 1 WHERE id = ?", (job_id,))
            con.execute(
                "UPDATE jobs SET status = 'cancelled', finished_at = ? "
                "WHERE id = ? AND status = 'queued'",
                (now(), job_id),
            )
        return self.get(job_id)

    def recover(self) -> list[str]:
        """Mark running jobs whose worker process is gone as failed; returns their ids."""
        lost = [
            job
            for job in self.find(status="running", limit=10_000)
            if job.worker_pid is None or not _alive(job.worker_pid)
        ]
        for job in lost:
            message = "the worker process ended without finishing the job (server restart or crash)"
            self.append_log(job.id, message)
            self.finish(job.id, "failed", error=message)
        return [job.id for job in lost]

    def append_log(self, job_id: str, line: str) -> None:
        with self.log_path(job_id).open("a", encoding="utf-8") as handle:
            handle.write(f"{now()} {line}\n")

    def purge(self, days: float) -> int:
        """Remove finished jobs older than ``days`` and their logs; failed ones included,
        once past the retention period."""
        cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat()
        with self._connect() as con:
            rows = con.execute(
                "SELECT id FROM jobs WHERE status IN ('succeeded', 'failed', 'cancelled') "
                "AND finished_at < ?",
                (cutoff,),
            ).fetchall()
            con.execute(
                "DELETE FROM jobs WHERE status IN ('succeeded', 'failed', 'cancelled') "
                "AND finished_at < ?",
                (cutoff,),
            )
        for row in rows:
            self.log_path(row["id"]).unlink(missing_ok=True)
        return len(rows)


def _job(row: sqlite3.Row) -> Job:
    return Job(
        id=row["id"],
        type=row["type"],
        options=json.loads(row["options"]),
        status=row["status"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        worker_pid=row["worker_pid"],
        cancel_requested=bool(row["cancel_requested"]),
        progress=json.loads(row["progress"] or "{}"),
        result=json.loads(row["result"]) if row["result"] else None,
        error=row["error"],
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped) is not alive
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return True
    return state != "Z"
