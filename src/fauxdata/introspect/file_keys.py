"""Keys of a folder of CSV or Parquet files, which declare none.

Files carry no PRIMARY KEY or REFERENCES, yet ``customers.csv`` and ``orders.csv`` are
related all the same, and a spec without keys would mock unrelated tables and mask
``orders.customer_id`` out of step with ``customers.id``. So keys are inferred from
names and then proven on the data, over every row (DuckDB reads the files; no value
leaves the query):

- a table's primary key is its ``id``, ``<table>_id`` (``customer_id`` or ``CustomerID``
  in ``customers``), or a first column so named, when it is unique and never empty;
- a column is a foreign key when its name names another table's single-column key
  (``customer_id`` or ``CustomerID`` -> ``customers``' key, by singular or plural) or
  repeats that key's own name (``order_id`` in ``order_items`` -> ``orders.order_id``),
  its type belongs to the key's family, and every non-empty value exists in the parent.

A guess the data contradicts is dropped, never kept as a constraint that the masked or
generated output would then fail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fauxdata.introspect.json_schema_infer import singular, snake
from fauxdata.introspect.model import SourceForeignKey, SourceSchema, SourceTable
from fauxdata.sinks.duckdb_types import quote

_KEY_SUFFIXES = ("id", "key", "code", "uuid", "no", "nr", "number")
_FAMILIES = (
    frozenset({"smallint", "integer", "bigint"}),
    frozenset({"varchar", "text", "char", "uuid"}),
)
Scalar = Callable[[str], int]
"""Runs one ``SELECT count...`` over the files and returns its single integer."""


@dataclass(frozen=True)
class InferredFileKey:
    """One key the names suggested and the data confirmed, said as init reports it."""

    table: str
    columns: tuple[str, ...]
    parent: str | None = None
    """The referenced table of a foreign key; None for a primary key."""
    parent_column: str | None = None

    def __str__(self) -> str:
        column = f"{self.table}.{self.columns[0]}"
        if self.parent is None:
            return f"{column}: primary key (inferred: unique and never empty in the files)"
        return (
            f"{column} -> {self.parent}.{self.parent_column}: foreign key (inferred: every "
            "value exists in the parent)"
        )


def infer_file_keys(schema: SourceSchema, scalar: Scalar) -> list[InferredFileKey]:
    """Add the primary and foreign keys the files prove to ``schema``; return them."""
    found: list[InferredFileKey] = []
    for table in schema.tables.values():
        if not table.primary_key and (key := _primary_key(table, scalar)):
            table.primary_key = [key]
            found.append(InferredFileKey(table.name, (key,)))
    for table in schema.tables.values():
        linked = {c for fk in table.foreign_keys for c in fk.columns}
        for column in table.columns:
            if column in linked or table.primary_key == [column]:
                continue
            parent = _parent(table, column, schema.tables, scalar)
            if parent is not None:
                key = parent.primary_key[0]
                table.foreign_keys.append(SourceForeignKey([column], parent.name, [key]))
                found.append(InferredFileKey(table.name, (column,), parent.name, key))
    return found


def _stem(table: str) -> str:
    return singular(snake(table))


def _primary_key(table: SourceTable, scalar: Scalar) -> str | None:
    names = list(table.columns)
    own = {f"{_stem(table.name)}_{suffix}" for suffix in _KEY_SUFFIXES}
    candidates = [c for c in names if snake(c) == "id"]
    candidates += [c for c in names if snake(c) in own]
    if names and snake(names[0]).endswith(tuple(f"_{s}" for s in _KEY_SUFFIXES)):
        candidates.append(names[0])
    typed = [c for c in dict.fromkeys(candidates) if _family(table.columns[c].type) is not None]
    rows = scalar(f"SELECT count(*) FROM {quote(table.name)}") if typed else 0
    for column in typed:
        col = quote(column)
        distinct = scalar(f"SELECT count(DISTINCT {col}) FROM {quote(table.name)}")
        filled = scalar(f"SELECT count({col}) FROM {quote(table.name)}")
        if rows > 0 and distinct == filled == rows:
            return column
    return None


def _parent(
    table: SourceTable, column: str, tables: dict[str, SourceTable], scalar: Scalar
) -> SourceTable | None:
    name = snake(column)
    family = _family(table.columns[column].type)
    if family is None:
        return None
    for parent in tables.values():
        if parent is table or len(parent.primary_key) != 1:
            continue
        key = parent.primary_key[0]
        if _family(parent.columns[key].type) != family:
            continue
        key_name = snake(key)
        named = name != "id" and (
            name == key_name
            or any(
                name == f"{_stem(parent.name)}_{suffix}" and key_name in ("id", name)
                for suffix in _KEY_SUFFIXES
            )
        )
        if named and _contained(table.name, column, parent.name, key, scalar):
            return parent
    return None


def _contained(child: str, column: str, parent: str, key: str, scalar: Scalar) -> bool:
    col, pk = quote(column), quote(key)
    filled = scalar(f"SELECT count({col}) FROM {quote(child)}")
    orphans = scalar(
        f"SELECT count(*) FROM {quote(child)} c WHERE c.{col} IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {quote(parent)} p WHERE p.{pk} = c.{col})"
    )
    return filled > 0 and orphans == 0


def _family(type_name: str) -> frozenset[str] | None:
    return next((f for f in _FAMILIES if type_name in f), None)
