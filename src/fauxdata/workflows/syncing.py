"""``sync``: compare a spec with its live schema and, when asked, rewrite the spec
keeping the user's generators and comments (see ``fauxdata.introspect.sync``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fauxdata.errors import FauxdataError, UsageError


@dataclass
class SyncOptions:
    spec: Path
    source: str | None = None
    """Database URL or reference (default: the spec's recorded source)."""
    schema: str | None = None
    tables: list[str] | None = None
    check: bool = False
    apply: bool = False
    rows: int | None = None


@dataclass
class SyncOutcome:
    spec: Path
    url: str
    result: Any
    """The ``fauxdata.introspect.sync.SyncResult``: changes, replaced generators, ..."""
    applied: bool

    @property
    def drifted(self) -> bool:
        return bool(self.result.changes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "spec": str(self.spec),
            "source": self.url,
            "drift": self.drifted,
            "changes": [c.as_dict() for c in self.result.changes],
            "replaced_generators": self.result.replaced,
            "virtual_foreign_keys": self.result.virtual,
            "review": self.result.review,
            "applied": self.applied,
        }


def sync(options: SyncOptions) -> SyncOutcome:
    """Read the live schema, compare, and with ``apply`` rewrite the spec atomically.

    Raises:
        UsageError: ``check`` and ``apply`` together.
        FauxdataError: no source to compare with, or a masked password in it.
    """
    from fauxdata.introspect import sync as syncing
    from fauxdata.introspect.reflect import read_schema
    from fauxdata.spec.loader import load_spec

    if options.check and options.apply:
        raise UsageError("--check and --apply: give one of them, not both")
    loaded = load_spec(options.spec)
    url = options.source or loaded.source
    if not url:
        raise FauxdataError("the spec records no source", path="--from", hint="pass --from URL")
    if "***" in url:
        raise FauxdataError(
            "the spec's source has a masked password",
            path="--from",
            hint="pass --from env:VAR, file:PATH or keyvault:VAULT/SECRET with the credentials",
        )
    schema = options.schema or loaded.source_schema
    live = read_schema(url, schema=schema, tables=options.tables)
    if options.apply:
        result = syncing.apply(options.spec, live, tables=options.tables, rows=options.rows)
    else:
        result = syncing.drift(options.spec, live, tables=options.tables)
    applied = options.apply and bool(result.changes) and result.text is not None
    if applied and result.text is not None:
        syncing.write_atomically(options.spec, result.text)
    return SyncOutcome(options.spec, live.url, result, applied)
