"""SQL-ish column types: parsed from strings like ``decimal(10,2)`` or ``varchar(80)``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fauxdata.errors import did_you_mean

_ALIASES = {
    "int": "integer",
    "int4": "integer",
    "integer": "integer",
    "smallint": "smallint",
    "int2": "smallint",
    "bigint": "bigint",
    "int8": "bigint",
    "real": "float",
    "float4": "float",
    "float": "double",
    "float8": "double",
    "double": "double",
    "double precision": "double",
    "decimal": "decimal",
    "numeric": "decimal",
    "text": "text",
    "string": "text",
    "varchar": "varchar",
    "character varying": "varchar",
    "char": "varchar",
    "character": "varchar",
    "bool": "boolean",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "datetime": "timestamp",
    "timestamp without time zone": "timestamp",
    "timestamptz": "timestamptz",
    "timestamp with time zone": "timestamptz",
    "uuid": "uuid",
    "json": "json",
    "jsonb": "json",
    "struct": "struct",
}

INTEGER_BOUNDS = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}

_TYPE_RE = re.compile(r"^\s*([a-z][a-z0-9 ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$")


@dataclass(frozen=True)
class ColumnType:
    """A parsed column type: a canonical name plus length or precision and scale."""

    name: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None

    @property
    def is_integer(self) -> bool:
        return self.name in INTEGER_BOUNDS

    @property
    def is_numeric(self) -> bool:
        return self.is_integer or self.name in ("float", "double", "decimal")

    @property
    def is_text(self) -> bool:
        return self.name in ("text", "varchar", "uuid")

    @property
    def is_document(self) -> bool:
        """JSON text (``json``) or the same documents as a nested struct (``struct``)."""
        return self.name in ("json", "struct")

    @property
    def is_temporal(self) -> bool:
        return self.name in ("date", "timestamp", "timestamptz")

    def __str__(self) -> str:
        if self.name == "decimal":
            return f"decimal({self.precision},{self.scale})"
        if self.length is not None:
            return f"{self.name}({self.length})"
        return self.name


def parse_type(text: str) -> ColumnType:
    """Parse a type string.

    Raises:
        ValueError: with a message naming what was found and what is accepted.
    """
    match = _TYPE_RE.match(text.lower())
    base = match.group(1) if match else text.lower()
    name = _ALIASES.get(base)
    if match is None or name is None:
        hint = did_you_mean(base, _ALIASES)
        raise ValueError(
            f"unknown type '{text}'"
            + (f"; {hint}" if hint else "")
            + "; expected one of smallint, integer, bigint, float, double, decimal(p,s), "
            "varchar(n), text, boolean, date, timestamp, timestamptz, uuid, json, struct"
        )
    first, second = match.group(2), match.group(3)
    if name == "decimal":
        precision = int(first) if first else 18
        scale = int(second) if second else 0
        if not 1 <= precision <= 38 or not 0 <= scale <= precision:
            raise ValueError(
                f"type '{text}' needs 1 <= precision <= 38 and 0 <= scale <= precision"
            )
        return ColumnType("decimal", precision=precision, scale=scale)
    if second is not None or (first is not None and name != "varchar"):
        raise ValueError(f"type '{text}' takes no such arguments")
    if name == "varchar":
        length = int(first) if first else None
        if length is not None and length < 1:
            raise ValueError(f"type '{text}' needs a length of at least 1")
        return ColumnType("varchar", length=length)
    return ColumnType(name)
