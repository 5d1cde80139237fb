"""Fault injection for the publishing tests: a crash at any chosen step, for real.

Every rename and unlink of publishing calls ``crash_point``. With the environment
variable ``FAUXDATA_CRASH_AT=N`` the process kills itself with SIGKILL at the N-th such
step (no cleanup, no ``finally``: as a power cut or ``kill -9`` would), so a test can run
the publisher in a subprocess once per step and check what a reader sees afterwards.
Without the variable it is one dictionary look-up.
"""

from __future__ import annotations

import os
import signal

CRASH_AT = "FAUXDATA_CRASH_AT"
_steps = 0


def crash_point(step: str) -> None:
    """Die here when this is the step ``FAUXDATA_CRASH_AT`` names (by number or name)."""
    global _steps
    wanted = os.environ.get(CRASH_AT)
    if not wanted:
        return
    _steps += 1
    if wanted in (str(_steps), step):
        os.kill(os.getpid(), signal.SIGKILL)
