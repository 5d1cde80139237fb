"""Columns learned from a seed table: the table-level ``synthesize:`` key and the
``synthesize`` generator kind each learned column gets.

    tables:
      payments:
        synthesize: {from: seeds/payments_seed.csv, columns: [amount, currency]}

expands, when the table is validated, into one column per listed name (appended after
the declared ones, or filling a declared column that has no generator of its own) whose
generator is ``{kind: synthesize, group, part, source, columns, ...}``: every part of
a group carries the group's settings, like the parts of an address, so each column can
find the one model they share. The spec only describes; fitting and sampling live in
``fauxdata.synth``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from fauxdata.spec.base import Strict


class _Settings(Strict):
    """Where the model comes from and how it is fitted (shared by a group's columns)."""

    source: str | None = Field(
        default=None,
        alias="from",
        description="The seed: a .csv or .parquet file (relative to the spec), "
        "duckdb:FILE.duckdb#table, or a database URL#table (postgresql://..., env:VAR, "
        "file:PATH; the URL is never stored).",
    )
    model: str | None = Field(
        default=None, description="A model made by `fauxdata fit` (instead of `from`)."
    )
    columns: list[str] = Field(min_length=1, description="The seed columns learned together.")
    min_rows: int = Field(
        default=5,
        ge=2,
        description="k: categories (and pairs of categories) seen in fewer seed rows are "
        "never emitted.",
    )
    clip: float = Field(
        default=0.005,
        ge=0,
        lt=0.5,
        description="Numbers are clipped to the seed's clip .. 1 - clip quantiles.",
    )

    @model_validator(mode="after")
    def _one_origin(self) -> _Settings:
        if (self.source is None) == (self.model is None):
            raise ValueError("give either 'from' (a seed) or 'model' (a fitted model), not both")
        return self

    def setting(self) -> tuple[object, ...]:
        """What every part of a group must agree on."""
        return (self.source, self.model, tuple(self.columns), self.min_rows, self.clip)


class Synthesize(_Settings):
    """A group of a table's columns learned from one seed."""

    group: str | None = Field(
        default=None, description="Name of the group (default: synth, synth1, ...)."
    )


class Synthesized(_Settings):
    """One column drawn from a model learned from a seed (made by ``synthesize:``)."""

    kind: Literal["synthesize"]
    group: str = Field(default="synth", description="Columns of one group are drawn together.")
    part: str = Field(description="The seed column this column takes.")


def expand(data: Any) -> Any:
    """Add (or fill) one ``synthesize`` column per name of each ``synthesize:`` entry.

    Entries that are not valid are left as they are, so the table's validation reports
    them with their path.
    """
    if not isinstance(data, dict) or not data.get("synthesize"):
        return data
    entries = data["synthesize"]
    entries = [entries] if isinstance(entries, dict) else entries
    if not isinstance(entries, list):
        return data
    columns = dict(data.get("columns") or {})
    for i, entry in enumerate(entries):
        try:
            spec = Synthesize.model_validate(entry)
        except ValidationError:
            continue
        settings = {
            "kind": "synthesize",
            "group": spec.group or (f"synth{i}" if i else "synth"),
            **spec.model_dump(exclude={"group"}),
        }
        for name in spec.columns:
            declared = columns.get(name)
            if declared is None:
                columns[name] = {"generator": {**settings, "part": name}}
            elif isinstance(declared, dict) and _fillable(declared):
                columns[name] = {**declared, "generator": {**settings, "part": name}}
            else:
                raise ValueError(
                    f"synthesize.{i}.columns: column '{name}' has its own generator; "
                    "leave it out of synthesize.columns or drop its generator"
                )
    return {**data, "columns": columns, "synthesize": entries}


def _fillable(column: dict[str, Any]) -> bool:
    """A declared column the seed may fill: no generator, or a ``synthesize`` one."""
    generator = column.get("generator")
    if generator is None:
        return "formula" not in column and "sql" not in column
    kind = generator if isinstance(generator, str) else generator.get("kind")
    return kind == "synthesize"
