"""One worker process runs one job: ``python -m fauxdata.service.worker STORE ROOT JOB``.

Running each job in its own process keeps the server responsive (generation holds the
GIL for stretches), lets a cancel be a plain SIGTERM (the run aborts cleanly and
publishes nothing), and means a job whose process dies is noticed: the server, or the
next server after a restart, finds it ``running`` with no live worker and fails it with
its log. The job's log gets the workflow's progress and, on failure, the reason.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from pathlib import Path
from types import FrameType
from typing import Any

from fauxdata.errors import FauxdataError
from fauxdata.service.runners import run_job
from fauxdata.service.store import JobStore
from fauxdata.workflows.events import Dialogue, NoteKind, ProgressEvent, TableView


class Cancelled(BaseException):
    """Raised in the worker when the server asks it to stop (SIGTERM)."""


def _on_term(signum: int, frame: FrameType | None) -> None:
    raise Cancelled()


class JobDialogue(Dialogue):
    """The job's face: progress per table into the job record (at most four writes a
    second, and every table's last), notes and tables into the job's log."""

    def __init__(self, store: JobStore, job_id: str) -> None:
        super().__init__(job=job_id)
        self.store = store
        self.tables: dict[str, Any] = {}
        self.phase = ""
        self.last = 0.0

    def note(self, text: str, kind: NoteKind = "info") -> None:
        self.store.append_log(self.job or "", text if kind == "info" else f"{kind}: {text}")

    def table(self, view: TableView) -> None:
        lines = [view.title, "  " + " | ".join(view.columns)]
        lines += ["  " + " | ".join(row) for row in view.rows]
        self.store.append_log(self.job or "", "\n".join(lines))

    def progress(self, event: ProgressEvent) -> None:
        self.tables[event.table] = event.as_dict()
        self.phase = event.phase
        now = time.monotonic()
        ended = event.total is not None and event.done == event.total
        if now - self.last > 0.25 or ended:
            self.last = now
            self.flush()
        if ended:
            self.store.append_log(self.job or "", f"{event.table}: {event.done:,} rows")

    def flush(self) -> None:
        self.store.progress(self.job or "", {"phase": self.phase, "tables": self.tables})


def main(argv: list[str]) -> int:
    store_path, root, job_id = Path(argv[0]), Path(argv[1]), argv[2]
    store = JobStore(store_path)
    job = store.get(job_id)
    if job is None:
        return 2
    signal.signal(signal.SIGTERM, _on_term)
    store.set_worker(job_id, os.getpid())
    store.append_log(job_id, f"running {job.type} in worker {os.getpid()}")
    dialogue = JobDialogue(store, job_id)
    try:
        result = run_job(job.type, job.options, root, dialogue)
    except Cancelled:
        store.append_log(job_id, "cancelled: stopped on request, nothing was published")
        store.finish(job_id, "cancelled", error="cancelled on request")
        return 143
    except FauxdataError as exc:
        store.append_log(job_id, f"failed: {exc}")
        store.finish(job_id, "failed", error=str(exc))
        return 1
    except Exception as exc:  # a bug: the log keeps the traceback for the report
        store.append_log(job_id, "internal error:\n" + traceback.format_exc())
        store.finish(job_id, "failed", error=f"internal error: {type(exc).__name__}: {exc}")
        return 70
    dialogue.flush()
    passed = result.get("passed")
    if passed is False:
        store.append_log(job_id, "failed: verification did not pass")
        store.finish(job_id, "failed", result=result, error="verification failed")
        return 1
    store.append_log(job_id, "succeeded")
    store.finish(job_id, "succeeded", result=result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
