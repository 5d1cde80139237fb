"""Arrow spellings of column types: the types an empty table keeps, and Delta's types."""

from __future__ import annotations

import pyarrow as pa

from fauxdata.spec.types import ColumnType

_SIMPLE: dict[str, pa.DataType] = {
    "smallint": pa.int16(),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "float": pa.float32(),
    "double": pa.float64(),
    "text": pa.string(),
    "varchar": pa.string(),
    "uuid": pa.string(),
    "json": pa.string(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "timestamptz": pa.timestamp("us", tz="UTC"),
}


def arrow_type(ctype: ColumnType) -> pa.DataType:
    """The Arrow type of a spec type, readable by every format fauxdata writes (Delta has
    no unsigned or nanosecond types, so none are used)."""
    if ctype.name == "decimal":
        return pa.decimal128(ctype.precision or 18, ctype.scale or 0)
    if ctype.name == "struct":  # its fields are its generator's; an empty table keeps text
        return pa.string()
    return _SIMPLE[ctype.name]


def arrow_schema(schema: dict[str, ColumnType]) -> pa.Schema:
    """The Arrow schema of a table's declared columns."""
    return pa.schema([pa.field(name, arrow_type(ctype)) for name, ctype in schema.items()])
