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
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})},
        input=stdin,
        timeout=600,
        check=False,
    )
