"""``fauxdata serve``: the library's workflows behind a REST API with durable jobs."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from fauxdata.errors import FauxdataError
from fauxdata.service.app import Settings, create_app


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    root: Path | None = None,
    store: Path | None = None,
    tokens: list[str] | None = None,
    concurrency: int = 2,
    retention_days: float = 30.0,
) -> None:
    """Run the service until interrupted. ``tokens`` are references (``env:VAR``,
    ``file:PATH``) to bearer tokens, resolved here and never printed.

    Raises:
        FauxdataError: a non-loopback address without tokens, or a token reference that
            does not resolve.
    """
    import uvicorn

    from fauxdata.introspect.source import resolve_url

    literal = [t for t in tokens or [] if not t.startswith(("env:", "file:"))]
    if literal:
        raise FauxdataError(
            "a token given literally would sit in shell history and process lists",
            path="--token",
            hint="name it by reference: --token env:FAUXDATA_TOKEN or --token file:PATH",
        )
    resolved = tuple(resolve_url(t, path="--token", what="the token") for t in tokens or [])
    if not resolved and not _loopback(host):
        raise FauxdataError(
            f"refusing to listen on {host} without tokens",
            path="--host",
            hint="give --token env:FAUXDATA_TOKEN (or file:PATH), or listen on 127.0.0.1",
        )
    base = (root or Path.cwd()).resolve()
    settings = Settings(
        root=base,
        store=store or base / ".fauxdata" / "service.db",
        tokens=resolved,
        concurrency=concurrency,
        retention_days=retention_days,
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


__all__ = ["Settings", "create_app", "serve"]
