"""The database target options that ``generate`` and ``mask`` share, declared once so the
two commands cannot drift apart in flags or help."""

from __future__ import annotations

from typing import Annotated

import typer

Truncate = Annotated[
    bool, typer.Option("--truncate", help="Databases: empty the spec's tables first.")
]
CreateTables = Annotated[
    bool,
    typer.Option(
        "--create-tables",
        help="Databases: create the spec's tables the database lacks (as fauxdata ddl "
        "prints them).",
    ),
]
