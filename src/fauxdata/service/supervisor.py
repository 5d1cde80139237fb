"""Starts worker processes for queued jobs, at most ``concurrency`` at a time.

A thread of the server polls the store: it claims queued jobs and starts a worker process
for each, forwards cancel requests to running workers as SIGTERM, and when a worker
exits without finishing its job (killed, crashed), fails the job with that said in its
log. At start-up it fails jobs left ``running`` by a previous server whose workers are
gone, and removes finished jobs past the retention period.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from fauxdata.service.store import JobStore


@dataclass
class Supervisor:
    store: JobStore
    root: Path
    concurrency: int = 2
    retention_days: float = 30.0
    poll: float = 0.1
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _signalled: set[str] = field(default_factory=set)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self.store.recover()
        self.store.purge(self.retention_days)
        self._thread = threading.Thread(target=self._loop, name="fauxdata-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop claiming jobs; running workers finish their job on their own."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        last_purge = time.monotonic()
        while not self._stop.is_set():
            self._reap()
            self._cancel()
            while len(self.running) < self.concurrency:
                job = self.store.claim()
                if job is None:
                    break
                self._spawn(job.id)
            if time.monotonic() - last_purge > 3600:
                self.store.purge(self.retention_days)
                last_purge = time.monotonic()
            self._stop.wait(self.poll)

    def _spawn(self, job_id: str) -> None:
        log = self.store.log_path(job_id).open("ab")
        command = [
            sys.executable,
            "-m",
            "fauxdata.service.worker",
            str(self.store.path),
            str(self.root),
            job_id,
        ]
        process = subprocess.Popen(
            command, stdout=log, stderr=log, stdin=subprocess.DEVNULL, cwd=self.root
        )
        log.close()
        self.store.set_worker(job_id, process.pid)
        self.running[job_id] = process

    def _reap(self) -> None:
        for job_id, process in list(self.running.items()):
            code = process.poll()
            if code is None:
                continue
            del self.running[job_id]
            job = self.store.get(job_id)
            if job is not None and job.status == "running" and job.cancel_requested:
                self.store.append_log(job_id, "cancelled before it started: nothing was published")
                self.store.finish(job_id, "cancelled", error="cancelled on request")
            elif job is not None and job.status == "running":
                message = f"the worker process ended with code {code} before finishing the job"
                self.store.append_log(job_id, message)
                self.store.finish(job_id, "failed", error=message)

    def _cancel(self) -> None:
        """SIGTERM, once, to the worker of each running job asked to stop (a previous
        server's workers included)."""
        for job in self.store.find(status="running", limit=10_000):
            if not job.cancel_requested or job.worker_pid is None or job.id in self._signalled:
                continue
            self._signalled.add(job.id)
            with contextlib.suppress(ProcessLookupError):
                os.kill(job.worker_pid, signal.SIGTERM)
