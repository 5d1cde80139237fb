"""The environment guard: fauxdata writes into a database only in dev, and says so.

The rule is closed by default. The environment in force is ``FAUXDATA_ENV`` when it is
set (it wins, so ``FAUXDATA_ENV=prod`` on a production machine stops any spec), else
what the spec (or, for the mock workflow, ``fauxdata.yaml``) declares; a spec that
declares nothing is not dev. Only ``dev`` may write to a database. Every producer that
writes one (``generate --to URL``, ``--replay``, the mock workflow, and masking) calls
``guard_database`` before it connects and ``audit.record_database_write`` after it
commits. File outputs are not guarded: they never touch a shared system.
"""

from __future__ import annotations

import os
from pathlib import Path

from fauxdata import audit
from fauxdata.errors import FauxdataError
from fauxdata.sinks.target import Target
from fauxdata.spec.models import Spec

ENV_VAR = "FAUXDATA_ENV"
DEV = "dev"
DECLARE_DEV = "environment: dev"


class GuardError(FauxdataError):
    """A write the environment does not allow; nothing was written. A usage error (exit 2)."""

    code = "environment"
    exit_code = 2


def environment_in_force(declared: str | None, declared_in: str) -> tuple[str | None, str]:
    """The environment that decides, and where it was set: ``FAUXDATA_ENV`` first."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env.lower(), ENV_VAR
    return declared, declared_in


def require_dev(
    declared: str | None,
    *,
    declared_in: str,
    action: str,
    where_to_declare: str,
    rule: str = "databases are written only in dev",
) -> str:
    """Allow ``action`` only in dev; returns where dev was decided (for the audit line).

    Raises:
        GuardError: the environment in force is not dev, or none is declared.
    """
    env, where = environment_in_force(declared, declared_in)
    if env == DEV:
        return where
    if env is None:
        raise GuardError(
            f"refusing to {action}: {declared_in} declares no environment and {ENV_VAR} "
            f"is not set; {rule}",
            path="environment",
            hint=f"if this is dev, add the line '{DECLARE_DEV}' "
            f"{where_to_declare} (or set {ENV_VAR}=dev)",
        )
    overrides = (
        f" (it overrides {declared_in}'s '{declared}')" if where == ENV_VAR and declared else ""
    )
    raise GuardError(
        f"refusing to {action}: the environment is '{env}' (from {where}){overrides}; {rule}",
        path=ENV_VAR if where == ENV_VAR else "environment",
        hint=f"{ENV_VAR} decides: unset it, or set {ENV_VAR}=dev on a dev machine only"
        if where == ENV_VAR
        else f"write '{DECLARE_DEV}' {where_to_declare} only for a dev destination",
    )


def guard_database(spec: Spec, target: Target) -> str:
    """Check a database write before connecting: dev only, never into the spec's own
    source, and an audit log that can take the line. Returns where dev was decided.

    Raises:
        GuardError: not dev, or the destination is the spec's source.
        TargetError: the audit log cannot be written.
    """
    where = require_dev(
        spec.environment,
        declared_in="the spec",
        action=f"write to the database {target}",
        where_to_declare="at the top level of the spec",
    )
    if spec.source and _same_database(target.url or "", spec.source):
        raise GuardError(
            f"refusing to write into the spec's own source database {target}",
            path="--to",
            hint="load into a separate dev database",
        )
    audit.ensure_writable(audit.default_log())
    return where


def _same_database(url: str, source: str) -> bool:
    """Whether two URLs name the same database (host, port and database; SQLite by file)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        here, there = make_url(url), make_url(source)
    except ArgumentError:  # a source that is no URL (a REST API name) is no database
        return False
    if here.get_backend_name() == "sqlite" and there.get_backend_name() == "sqlite":
        return Path(here.database or "").resolve() == Path(there.database or "").resolve()
    return (here.host, here.port, here.database) == (there.host, there.port, there.database)
