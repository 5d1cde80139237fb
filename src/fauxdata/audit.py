"""The audit log: one JSON line per write that matters, appended, never rewritten.

Every database write appends a line to the user's log (``FAUXDATA_AUDIT_LOG``, else
``$XDG_STATE_HOME/fauxdata/audit.jsonl``, else ``~/.local/state/fauxdata/audit.jsonl``);
the mock workflow also appends to its template's ``audit.jsonl``. Both go through
``append``. A line says who wrote what where and whether it verified; never a value,
and never a password (URLs are masked by ``masked_url`` before they reach a line).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fauxdata.errors import TargetError
from fauxdata.spec.models import Spec

AUDIT_LOG_VAR = "FAUXDATA_AUDIT_LOG"
_SECRET_PARTS = ("password", "passwd", "pwd", "secret", "token", "key")


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return os.environ.get("USER", "unknown")


def default_log() -> Path:
    """Where database writes are recorded: ``FAUXDATA_AUDIT_LOG``, else the XDG state folder."""
    chosen = os.environ.get(AUDIT_LOG_VAR)
    if chosen:
        return Path(chosen).expanduser()
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "fauxdata" / "audit.jsonl"


def masked_url(url: str) -> str:
    """A connection URL fit for a log: the password and any secret-looking query value
    (``?password=``, ``sslpassword``, ``token``...) become ``***``."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return "<not a URL>"
    hidden = "fauxdataMASKED"  # URL-safe, so it is not percent-encoded, then shown as ***
    query = {
        k: (hidden if any(part in k.lower() for part in _SECRET_PARTS) else v)
        for k, v in parsed.query.items()
    }
    shown = parsed.set(query=query).render_as_string(hide_password=True)
    return shown.replace(hidden, "***")


def ensure_writable(path: Path) -> None:
    """Fail before anything is written when the log cannot take a line.

    Raises:
        TargetError: the log's folder cannot be made or the file cannot be appended to.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise TargetError(
            f"cannot append to the audit log {path}: {exc.strerror}",
            path=AUDIT_LOG_VAR,
            hint=f"every database write is recorded; point {AUDIT_LOG_VAR} at a writable file",
            code="audit",
        ) from None


def append(path: Path, record: Mapping[str, Any]) -> dict[str, Any]:
    """Append one line (``at`` in UTC and the OS ``user`` first, then ``record``); returns it."""
    line = {"at": now_utc(), "user": os_user(), **record}
    ensure_writable(path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, default=str) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return line


def read(path: Path) -> list[dict[str, Any]]:
    """Every line of a log (none when it does not exist yet)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def record_database_write(
    url: str,
    *,
    spec: Spec,
    seed: int,
    tables: Mapping[str, int],
    verified: bool | None,
    outcome: str = "committed",
) -> dict[str, Any]:
    """The line for a database write: ``committed``, or ``failed`` when the load broke
    off after it began (tables may have been emptied or partly loaded). ``verified`` is
    None when the run skipped verification or never reached it."""
    from fauxdata.manifest import package_versions, spec_digest

    return append(
        default_log(),
        {
            "action": "database write",
            "outcome": outcome,
            "target": masked_url(url),
            "spec": spec.name,
            "spec_digest": spec_digest(spec),
            "seed": seed,
            "tables": dict(tables),
            "rows": sum(tables.values()),
            "verified": verified,
            "fauxdata_version": package_versions()["fauxdata"],
        },
    )
