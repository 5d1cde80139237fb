"""Worker processes for free-text cleaning: detection is Python per match, so threads
would take turns on the GIL; processes use every core.

Each worker is a ``python`` running ``serve()``, fed pickled tasks (a module-level
function and its arguments) on its stdin and answering on its stdout. Not
``multiprocessing``: its spawned children import the caller's main script again (a
script without an ``if __name__ == "__main__"`` guard would run twice), and forked ones
copy the Polars thread pool's locks in whatever state other threads hold them. The
workers start on first use and are kept (start-up, importing Polars and building the
word lists, costs about a second each); one exits when its stdin closes, so none
outlives this process. Results come back in task order, so the output does not depend
on how many workers ran.
"""

from __future__ import annotations

import atexit
import copyreg
import io
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import IO, Any, TypeVar

import polars as pl
import pyarrow as pa

R = TypeVar("R")

PARALLEL_MIN = 4_000
"""Distinct texts from which a column is cleaned in workers: below it, handing texts
over and back costs more than the second core gives."""
MAX_WORKERS = 4

_lock = threading.Lock()
_reserving = threading.Lock()
_idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
_started: list[_Worker] = []
_holding = threading.local()
"""``holding.workers`` is set while this thread holds workers (``reserved``)."""


class WorkerError(RuntimeError):
    """A worker process ended without answering (killed, out of memory)."""


def default_workers() -> int:
    """One worker per core this process may run on, at most ``MAX_WORKERS``."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def run_in_workers(
    function: Callable[..., R], tasks: Sequence[tuple[Any, ...]], workers: int
) -> list[R]:
    """``function(*task)`` for every task, in task order: in this process when
    ``workers`` is 1 or there is a single task, else on ``workers`` worker processes
    (one thread each here, waiting on its pipe without the GIL)."""
    if workers <= 1 or len(tasks) <= 1 or getattr(_holding, "workers", False):
        # (a thread that holds workers, say masking a JSON rule's values with
        # free_text, would wait for itself: its nested work stays in this process)
        return [function(*task) for task in tasks]
    _ensure(workers)
    with ThreadPoolExecutor(workers, thread_name_prefix="fauxdata-text") as threads:
        return list(threads.map(lambda task: _on_a_worker(function, task), tasks))


class Crew:
    """Workers held by one thread (``reserved``), each answering its own share of a
    piece of work that keeps state in them between calls."""

    def __init__(self, workers: list[_Worker], threads: ThreadPoolExecutor) -> None:
        self.workers = workers
        self._threads = threads

    def each(self, function: Callable[..., R], tasks: Sequence[tuple[Any, ...]]) -> list[R]:
        """``function(*tasks[i])`` on worker ``i``, all at once (one thread each here,
        waiting on its pipe without the GIL); results in order."""
        calls = [
            self._threads.submit(worker.call, function, task)
            for worker, task in zip(self.workers, tasks, strict=True)
        ]
        wait(calls)  # all answered before any error is raised: a worker still busy
        # with this call must not be handed the next one
        return [call.result() for call in calls]


@contextmanager
def reserved(count: int) -> Iterator[Crew]:
    """``count`` workers held by this thread alone, given back at the end. Workers
    are taken under one lock, so two threads reserving at once cannot each hold half
    and wait for the rest."""
    _ensure(count)
    with _reserving:
        held = [_idle.get() for _ in range(count)]
    _holding.workers = True
    try:
        with ThreadPoolExecutor(count, thread_name_prefix="fauxdata-text") as threads:
            yield Crew(held, threads)
    finally:
        _holding.workers = False
        for worker in held:
            if worker.process.poll() is None:
                _idle.put(worker)
            else:  # gone: the next call starts another
                with _lock:
                    if worker in _started:
                        _started.remove(worker)


def _on_a_worker(function: Callable[..., R], task: tuple[Any, ...]) -> R:
    worker = _idle.get()
    try:
        result: R = worker.call(function, task)
    except WorkerError:
        with _lock:  # gone: the next call starts another
            _started.remove(worker)
        raise
    except BaseException:  # the task's own error: the worker answered and goes on
        _idle.put(worker)
        raise
    _idle.put(worker)
    return result


def _ensure(workers: int) -> None:
    with _lock:
        while len(_started) < workers:
            worker = _Worker()
            _started.append(worker)
            _idle.put(worker)


class _Worker:
    def __init__(self) -> None:
        # this process's import path, so a worker finds fauxdata (and the task's module)
        # where this process found them, installed or not
        path = os.pathsep.join(p for p in sys.path if p)
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from fauxdata.text.workers import serve; serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path, "POLARS_MAX_THREADS": "1"},
        )

    def call(self, function: Callable[..., R], args: tuple[Any, ...]) -> R:
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            _send(self.process.stdin, (function, args))
            ok, value = _receive(self.process.stdout)
        except (OSError, EOFError) as exc:
            self.process.kill()
            raise WorkerError(f"a text worker ended with code {self.process.wait()}") from exc
        if not ok:
            raise value
        result: R = value
        return result

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()


def _send(stream: IO[bytes], message: object) -> None:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(message)
    payload = buffer.getbuffer()
    stream.write(len(payload).to_bytes(8, "little"))
    stream.write(payload)
    stream.flush()


def _series_by_arrow(series: pl.Series) -> str | tuple[Any, ...]:
    """A Polars column pickled as its Arrow array: four times cheaper to write than
    Polars' own pickling (a 100k-document JSON slice: 0.05 s against 0.2 s), which
    was a fifth of JSON rule masking's CPU. Other dtypes (objects, nested, ...)
    pickle as Polars does."""
    if series.dtype == pl.String or series.dtype == pl.Boolean or series.dtype.is_numeric():
        return _series_from_arrow, (series.name, series.to_arrow())
    return series.__reduce_ex__(pickle.HIGHEST_PROTOCOL)


def _series_from_arrow(name: str, array: pa.Array) -> pl.Series:
    return pl.Series(name, array)


_DISPATCH = {**copyreg.dispatch_table, pl.Series: _series_by_arrow}
"""What is sent to and from the workers is pickled with this table."""


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError
    payload = stream.read(int.from_bytes(header, "little"))
    return pickle.loads(payload)


@atexit.register
def shutdown() -> None:
    """Stop the workers (closing their stdin ends them)."""
    with _lock:
        workers = list(_started)
        _started.clear()
        while not _idle.empty():
            _idle.get()
    for worker in workers:
        worker.stop()


_serving = threading.Event()
"""Set in a worker process (``serve``)."""
_deferred: list[Callable[[], None]] = []


def after_answer(task: Callable[[], None]) -> None:
    """Run ``task`` once this worker has sent the answer of the call it is in (at
    once outside a worker): work nobody waits for, such as freeing a slice of a
    million parsed objects, then runs while the caller goes on."""
    if _serving.is_set():
        _deferred.append(task)
    else:
        task()


def serve() -> None:
    """The worker's loop: a task in, its result (or its exception) out, until EOF;
    then what the task left for after its answer (``after_answer``)."""
    _serving.set()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; its exit ends us
    tasks, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the answers
    while True:
        try:
            function, args = _receive(tasks)
        except EOFError:
            return
        try:
            answer: tuple[bool, Any] = (True, function(*args))
        except Exception as exc:  # handed back to the caller, which raises it
            answer = (False, exc)
        try:
            _send(answers, answer)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            _send(answers, (False, RuntimeError(f"a text worker's answer: {exc!r}")))
        except OSError:  # the parent is gone
            return
        while _deferred:
            _deferred.pop(0)()
