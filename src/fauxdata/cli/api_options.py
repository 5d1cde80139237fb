"""The REST API source options that ``init`` and ``scan`` share, declared once so the two
commands cannot drift apart in flags or help."""

from __future__ import annotations

from typing import Annotated

import typer

Endpoint = Annotated[
    list[str] | None,
    typer.Option("--endpoint", help="API: a path to sample; repeatable."),
]
Token = Annotated[
    str | None,
    typer.Option(
        "--token", help="API: bearer token as env:VAR, file:PATH or keyvault:VAULT/SECRET."
    ),
]
Param = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        help="API: query KEY=VALUE sent with each request; repeatable. Without a page-size "
        "parameter (limit, per_page, ...) limit=N is sent, N from --sample.",
    ),
]
