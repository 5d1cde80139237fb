"""The generator interface and its registry.

A generator turns row indices into a column of values: ``generate(rows, inputs)``. It
holds no state between calls and draws only from streams keyed by (seed, table, column),
so any set of rows, in any order, from any block or partition, gets the same values.
This is also what lets a child table compute a parent's key from a parent row index.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.engine.rng import Stream
from fauxdata.errors import FauxdataError, did_you_mean
from fauxdata.spec.types import ColumnType

Rows = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
Lookup = Callable[[str, str, Rows], pl.Series]


class Relations(Protocol):
    """What the engine answers about other tables and other columns' parents."""

    def per_index(self, table: str) -> Any:
        """The children-per-parent layout (``PerIndex``) of a table, or None."""

    def parent_rows(self, table: str, column: str, rows: Rows) -> tuple[str, Rows, Mask]:
        """For a foreign-key column: its parent table, the parent row of each row, and
        which rows have a parent at all (False where the key is NULL)."""

    def column_values(self, table: str, column: str) -> pl.Series:
        """A whole column of a table, in row order (for weights over all parents)."""


@dataclass(frozen=True)
class ColumnContext:
    """What a generator may know about where it runs."""

    seed: int
    table: str
    column: str
    n_rows: int
    type: ColumnType
    locale: str
    base_dir: Path
    lookup: Lookup
    """Evaluate ``table.column`` of another table at the given row indices."""
    table_rows: Callable[[str], int]
    """Row count of another table."""
    relations: Relations | None = None
    """Parents, children and layouts; None only where a generator is used on its own."""
    reference_date: dt.date | None = None
    """TODAY() for formulas (the plan's reference date)."""
    keyed: bool = False
    """The column is in a primary or unique key: too-long text is refused for it, never
    cut, so a generator must not cut it either."""

    @property
    def path(self) -> str:
        return f"tables.{self.table}.columns.{self.column}.generator"

    def stream(self, *purpose: object) -> Stream:
        """The column's own stream, or a named sub-stream of it."""
        return Stream.of(self.seed, self.table, self.column, *purpose)

    def engine(self) -> Relations:
        if self.relations is None:
            raise self.error("this generator needs the engine (it reads other columns or tables)")
        return self.relations

    def error(self, message: str, hint: str = "") -> FauxdataError:
        return FauxdataError(message, path=self.path, hint=hint, code="generator")


class Generator(ABC):
    """Base of every generator implementation; subclasses register by ``kinds``."""

    kinds: ClassVar[tuple[str, ...]] = ()
    registry: ClassVar[dict[str, type[Generator]]] = {}

    #: True when distinct rows always get distinct values (sequences, permutations).
    inherently_unique: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for kind in cls.kinds:
            if kind in Generator.registry:
                raise TypeError(f"generator kind '{kind}' registered twice")
            Generator.registry[kind] = cls

    def __init__(self, spec: Any, ctx: ColumnContext) -> None:
        self.spec = spec
        self.ctx = ctx

    def dependencies(self) -> tuple[str, ...]:
        """Columns of the same row this generator reads (they are evaluated first)."""
        return ()

    @abstractmethod
    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        """Values for the given row indices; ``inputs`` holds the dependencies."""

    def domain_size(self) -> int | None:
        """How many distinct values this generator can make, or None if unbounded."""
        return None

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        """The ``index``-th distinct value, for ``unique: true``; injective on the domain."""
        raise self.ctx.error(f"'{self.spec.kind}' cannot produce unique values")

    def value_range(self) -> tuple[float | None, float | None]:
        """The smallest and largest number this generator can make; None where unbounded
        or unknown. ``check`` compares it with the column's integer or decimal type."""
        return None, None

    def max_width(self) -> int | None:
        """The most characters a value takes as text, where knowable; ``check`` compares it
        with ``varchar(n)`` for key columns, whose cut values could repeat."""
        return None


def text_width(values: pl.Series) -> int:
    """The longest of some values written as text (0 for none)."""
    widest = values.cast(pl.String).str.len_chars().max()
    return int(widest) if widest is not None else 0  # type: ignore[arg-type]


def number_width(*values: int) -> int:
    """Characters of the widest of some integers in decimal, sign included."""
    return max(len(str(v)) for v in values)


def implementation(kind: str) -> type[Generator]:
    """The implementation registered for a kind.

    Raises:
        FauxdataError: no implementation is registered, with the closest kind.
    """
    try:
        return Generator.registry[kind]
    except KeyError:
        hint = did_you_mean(kind, Generator.registry)
        raise FauxdataError(
            f"no generator implements kind '{kind}'", hint=hint, code="unknown_kind"
        ) from None
