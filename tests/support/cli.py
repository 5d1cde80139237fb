"""Run the real ``fauxdata`` command line in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def fauxdata(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m fauxdata.cli ARGS`` with wide, colourless output; never raises on exit codes."""
    return subprocess.run(
        [sys.executable, "-m", "fauxdata.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_environment(env),
        input=stdin,
        timeout=600,
        check=False,
    )


def fauxdata_in_terminal(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Run the command line with a real pseudo-terminal as its stdout and stderr, as a
    person at a terminal would, so what is drawn only for terminals (progress bars) is
    drawn. Returns the exit code and everything written to the terminal."""
    import pty
    import select
    import time

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "fauxdata.cli", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=_environment({"TERM": "xterm", **(env or {})}),
    )
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if not select.select([leader], [], [], 1.0)[0]:
            continue
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: every writer has exited
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=600), b"".join(chunks).decode("utf-8", "replace")


def _environment(extra: dict[str, str] | None) -> dict[str, str]:
    """This environment with wide, colourless output, and ``extra`` on top."""
    return {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(extra or {})}
