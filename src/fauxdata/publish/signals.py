"""SIGINT and SIGTERM end a run cleanly: staging removed, nothing published.

SIGTERM would end the process on the spot and leave the staging area behind, and
SIGINT's ``KeyboardInterrupt`` is swallowed by the CLI framework into a silent exit, so
while publishing both raise ``Interrupted`` instead: the publisher's cleanup runs and
the CLI says what happened. The swap itself is never cut in half: the two
signals are held while it runs and delivered right after.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_HELD = {signal.SIGINT, signal.SIGTERM}


class Interrupted(BaseException):
    """The run received SIGINT or SIGTERM (a BaseException, like KeyboardInterrupt, so
    no ``except Exception`` swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_code(exc: BaseException) -> int:
    """128 + the signal's number, as shells report it: 130 for SIGINT, 143 for SIGTERM."""
    signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
    return 128 + int(signum)


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextmanager
def interruptible() -> Iterator[None]:
    """SIGINT and SIGTERM raise ``Interrupted`` inside the block (main thread only:
    Python runs signal handlers there)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _raise) for signum in _HELD}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def held_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the block: what it does completes or never starts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
