"""The ``json`` generator: one JSON document per row, built column by column.

Every leaf of the payload is an ordinary generator with a stream of its own, keyed by
its path (``payload.items[].sku``), so a document is a pure function of (seed, table,
column, row) like every other value, and adding a member leaves the others as they
were. Leaves are encoded to JSON text as whole columns (Polars' JSON encoder does the
escaping); an object is its members' texts joined with ``concat_str``, absent members
skipped; an array's items are generated for all its documents at once, at virtual row
indices ``row * 1024 + k``, and joined per document. Nothing runs per row in Python.

With ``type: struct`` the column holds the documents as a nested struct instead of text
(Parquet stores it natively; other targets take ``type: json``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.generators.base import ColumnContext, Generator, Rows, implementation
from fauxdata.generators.json_schema import fields_from_schema
from fauxdata.spec import generators as g

ITEM_STRIDE = 1024
"""Virtual row indices of array items: ``row * ITEM_STRIDE + k`` (at most 1,000 items)."""
_NOT_IN_PAYLOADS = {"foreign_key", "hierarchy", "lookup", "after", "aggregate", "child_number"}


class JsonGenerator(Generator):
    kinds = ("json",)
    spec: g.Json

    def __init__(self, spec: g.Json, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        if spec.schema_file is not None:
            self.fields = _load_schema(spec.schema_file, ctx)
        else:
            self.fields = dict(spec.fields or {})
        self.root = Node.build(g.JsonObject(kind="object", fields=self.fields), ctx, "")
        self._dtype: pl.DataType | None = None

    def dependencies(self) -> tuple[str, ...]:
        return tuple(sorted(self.root.dependencies()))

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        text = self.root.encode(rows, dict(inputs))
        if self.ctx.type.name != "struct":
            return text
        if self._dtype is None:
            self._dtype = self.root.dtype({name: s.head(1) for name, s in inputs.items()})
        return text.str.json_decode(self._dtype)


def _load_schema(path: str, ctx: ColumnContext) -> dict[str, g.JsonField]:
    location = Path(path) if Path(path).is_absolute() else ctx.base_dir / path
    try:
        schema = json.loads(location.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ctx.error(f"schema_file {location} not found") from None
    except (OSError, ValueError) as exc:
        raise ctx.error(f"cannot read schema_file {location}: {exc}") from None
    try:
        return fields_from_schema(schema)
    except ValueError as exc:
        raise ctx.error(f"schema_file {location}: {exc}") from None


class Node:
    """One place in the payload: a leaf generator, a column reference, an object or an
    array; knows how to encode itself for a batch of (virtual) rows."""

    def __init__(self, field: g.JsonField, ctx: ColumnContext, path: str) -> None:
        self.field = field
        self.ctx = ctx
        self.path = path

    @staticmethod
    def build(value: Any, ctx: ColumnContext, path: str) -> Node:
        field = value if isinstance(value, g.JsonField) else g.JsonField(value=value)
        match field.value:
            case g.JsonObject():
                return ObjectNode(field, ctx, path)
            case g.JsonArray():
                return ArrayNode(field, ctx, path)
            case g.JsonTuple():
                return TupleNode(field, ctx, path)
            case g.JsonColumn():
                return ColumnNode(field, ctx, path)
            case _:
                return LeafNode(field, ctx, path)

    def context(self) -> ColumnContext:
        """The context of this place: its streams are keyed by the column and the path."""
        return replace(self.ctx, column=f"{self.ctx.column}{self.path}")

    def dependencies(self) -> set[str]:
        return set()

    def values(self, rows: Rows, inputs: dict[str, pl.Series]) -> pl.Series:
        raise NotImplementedError

    def encode(self, rows: Rows, inputs: dict[str, pl.Series]) -> pl.Series:
        """The JSON text of this node for each row (``null`` where the value is NULL)."""
        encoded = json_text(self.values(rows, inputs))
        if self.field.null_rate > 0:
            nulls = self.context().stream("null").uniform(rows) < self.field.null_rate
            encoded = pl.select(
                pl.when(pl.lit(pl.Series(nulls))).then(pl.lit("null")).otherwise(pl.lit(encoded))
            ).to_series()
        return encoded

    def dtype(self, inputs: dict[str, pl.Series]) -> pl.DataType:
        return self.values(np.zeros(1, dtype=np.int64), inputs).dtype


class LeafNode(Node):
    def __init__(self, field: g.JsonField, ctx: ColumnContext, path: str) -> None:
        super().__init__(field, ctx, path)
        leaf = cast(g.GeneratorSpec, field.value)
        kind = leaf.kind
        if kind in _NOT_IN_PAYLOADS:
            raise ctx.error(
                f"'{kind}' cannot fill payload member '{path.lstrip('.')}'",
                hint="give the table a column with it and refer to it: {column: name}",
            )
        from fauxdata.spec.resolve import natural_type
        from fauxdata.spec.types import ColumnType

        sub = replace(self.context(), type=natural_type(leaf) or ColumnType("text"))
        self.generator = implementation(kind)(leaf, sub)

    def dependencies(self) -> set[str]:
        return set(self.generator.dependencies())

    def values(self, rows: Rows, inputs: dict[str, pl.Series]) -> pl.Series:
        wanted = {name: inputs[name] for name in self.generator.dependencies()}
        return self.generator.generate(rows, wanted)


class ColumnNode(Node):
    def __init__(self, field: g.JsonField, ctx: ColumnContext, path: str) -> None:
        super().__init__(field, ctx, path)
        self.column = cast(g.JsonColumn, field.value).column

    def dependencies(self) -> set[str]:
        return {self.column}

    def values(self, rows: Rows, inputs: dict[str, pl.Series]) -> pl.Series:
        return inputs[self.column]


class ObjectNode(Node):
    def __init__(self, field: g.JsonField, ctx: ColumnContext, path: str) -> None:
        super().__init__(field, ctx, path)
        self.members = {
            name: Node.build(member, ctx, f"{path}.{name}")
            for name, member in cast(g.JsonObject, field.value).fields.items()
        }

    def dependencies(self) -> set[str]:
        return set().union(*(m.dependencies() for m in self.members.values()))

    def encode(self, rows: Rows, inputs: dict[str, pl.Series]) -> pl.Series:
        n = rows.shape[0]
        pieces: list[pl.Expr] = []
        for name, member in self.members.items():
            key = json.dumps(name, ensure_ascii=False) + ":"
            text = pl.lit(key) + pl.lit(member.encode(rows, inputs))
            if member.field.presence < 1:
                present = member.context().stream("presence").uniform(rows) < member.field.presence
                text = pl.when(pl.lit(pl.Series(present))).then(text)
            pieces.append(text)
        if not pieces:
            return pl.Series([("{}")] * n, dtype=pl.String)
        body = pl.concat_str(pieces, separator=",", ignore_nulls=True)
        out = pl.select(pl.lit("{") + body + pl.lit("}")).to_series()
        return out if out.len() == n else pl.repeat(out[0], n, eager=True)

    def dtype(self, inputs: dict[str, pl.Series]) -> pl.DataType:
        return pl.Struct({name: m.dtype(inputs) for name, m in self.members.items()})


class TupleNode(Node):
    """A fixed-length array whose positions have generators of their own (streams keyed
    ``path[0]``, ``path[1]``, ...), joined like an object's members without keys."""

    def __init__(self, field: g.JsonField, ctx: ColumnContext, path: str) -> None:
        super().__init__(field, ctx, path)
        positions = cast(g.JsonTuple, field.value).items
        self.positions = [Node.build(p, ctx, f"{path}[{i}]") for i, p in enumerate(positions)]

    def dependencies(self) -> set[str]:
        return set().union(*(p.dependencies() for p in self.positions))

    def encode(self, rows: Rows, inputs: dict[str, pl.Series]) -> pl.Series:
        n = rows.shape[0]
        pieces = [pl.lit(p.encode(rows, inputs)) for p in self.positions]
        out = pl.select(
            pl.lit("[") + pl.concat_str(pieces, separator=",") + pl.lit("]")
        ).to_series()
        return out if out.len() == n else pl.repeat(out[0], n, eager=True)

    def dtype(self, inputs: dict[str, pl.Series]) -> pl.DataType:
        raise self.ctx.error(
            f"payload member '{self.path.lstrip('.')}' is a tuple, whose positions may differ "
            "in type; a struct column cannot hold it",
            hint="use type: json",
        )


class ArrayNode(Node):
    def __init__(self, field: g.JsonField, ctx: ColumnContext, path: str) -> None:
        super().__init__(field, ctx, path)
        self.array = cast(g.JsonArray, field.value)
        self.items = Node.build(self.array.items, ctx, f"{path}[]")

    def dependencies(self) -> set[str]:
        return self.items.dependencies()

    def lengths(self, rows: Rows) -> npt.NDArray[np.int64]:
        spec = self.array.length
        if spec.kind == "poisson":
            draw = g.Poisson(kind="poisson", lam=spec.lam or 1.0, min=spec.min, max=spec.max)
            ctx = replace(self.context(), column=f"{self.ctx.column}{self.path}#length")
            drawn = implementation("poisson")(draw, ctx).generate(rows, {})
            return drawn.cast(pl.Int64).to_numpy()
        stream = self.context().stream("length")
        return spec.min + stream.below(rows, spec.max - spec.min + 1).astype(np.int64)

    def encode(self, rows: Rows, inputs: dict[str, pl.Series]) -> pl.Series:
        n = rows.shape[0]
        counts = self.lengths(rows)
        owner = np.repeat(np.arange(n, dtype=np.int64), counts)
        starts = np.cumsum(counts) - counts
        k = np.arange(owner.shape[0], dtype=np.int64) - starts[owner]
        virtual = rows[owner] * ITEM_STRIDE + k
        gathered = {name: s.gather(owner) for name, s in inputs.items()}
        items = (
            self.items.encode(virtual, gathered)
            if owner.shape[0]
            else pl.Series([], dtype=pl.String)
        )
        listed = pl.DataFrame({"owner": owner, "v": items})
        if self.array.unique:
            listed = listed.unique(subset=["owner", "v"], keep="first", maintain_order=True)
        joined = listed.group_by("owner", maintain_order=True).agg(pl.col("v").str.join(","))
        full = pl.DataFrame({"owner": np.arange(n, dtype=np.int64)}).join(
            joined, on="owner", how="left", maintain_order="left"
        )
        return full.select(pl.lit("[") + pl.col("v").fill_null("") + pl.lit("]")).to_series()

    def dtype(self, inputs: dict[str, pl.Series]) -> pl.DataType:
        return pl.List(self.items.dtype(inputs))


def json_text(values: pl.Series) -> pl.Series:
    """Each value as JSON text: strings escaped and quoted, numbers and booleans as
    literals, dates and timestamps as ISO 8601 strings, NULL (and NaN) as ``null``."""
    dtype = values.dtype
    if isinstance(dtype, pl.Datetime):
        fmt = "%Y-%m-%dT%H:%M:%S%.6fZ" if dtype.time_zone else "%Y-%m-%dT%H:%M:%S%.6f"
        values = values.dt.to_string(fmt)
    elif dtype == pl.Date:
        values = values.dt.to_string("%Y-%m-%d")
    elif isinstance(dtype, pl.Decimal):
        return values.cast(pl.String).fill_null("null")
    frame = pl.DataFrame({"v": values})
    encoded = frame.select(pl.struct("v").struct.json_encode()).to_series()
    return encoded.str.slice(5).str.head(-1)
