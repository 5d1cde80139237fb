"""``unmask``: the source values behind masked ``fpe`` or ``key`` values, for authorised
use only (a support case, a fraud investigation). Only these masks are reversible, and
only with the key the data was masked with."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from fauxdata.errors import FauxdataError, did_you_mean
from fauxdata.mask.keys import MaskKey, resolve_key
from fauxdata.mask.masks import FpeMask, MaskContext
from fauxdata.spec import load_spec, spec_dir
from fauxdata.spec.types import parse_type


def unmask_values(
    spec: str | Path, column: str, values: list[str], key: str | MaskKey
) -> list[str | None]:
    """The source values of masked values of ``TABLE.COLUMN``.

    Raises:
        FauxdataError: no such column, or its mask is not reversible.
    """
    loaded = load_spec(spec)
    table_name, _, column_name = column.partition(".")
    table = loaded.tables.get(table_name)
    if table is None:
        raise FauxdataError(
            f"no table '{table_name}'", path="COLUMN", hint=did_you_mean(table_name, loaded.tables)
        )
    found = table.columns.get(column_name)
    if found is None:
        raise FauxdataError(
            f"no column '{column_name}' in {table_name}",
            path="COLUMN",
            hint=did_you_mean(column_name, table.columns),
        )
    if found.mask is None or found.mask.kind not in FpeMask.kinds:
        kind = found.mask.kind if found.mask else "no mask"
        raise FauxdataError(
            f"{column} is masked with {kind}, which cannot be reversed",
            path="COLUMN",
            hint="only fpe and key masks are reversible",
        )
    secret = key if isinstance(key, MaskKey) else resolve_key(key)
    ctype = parse_type(found.type or "text")
    ctx = MaskContext(
        secret, table_name, column_name, ctype, loaded.locale, spec_dir(spec), found.pii
    )
    series = pl.Series(column_name, values)
    if ctype.is_integer:
        try:
            series = series.cast(pl.Int64)
        except pl.exceptions.InvalidOperationError:
            raise FauxdataError(f"{column} holds integers; found {values}", path="VALUE") from None
    original = FpeMask(found.mask, ctx).reverse(series)
    return [None if v is None else str(v) for v in original.to_list()]
