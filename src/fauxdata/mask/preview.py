"""``fauxdata mask --preview N``: before and after, for the first rows of each masked
JSON or free-text column, without writing anything.

The same plan, key and masks as a run (so the preview shows exactly what the run will
write), over the first ``n`` source rows of each mask table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from fauxdata.mask.documents import FreeTextMaskImpl, JsonMaskImpl
from fauxdata.mask.keys import MaskKey, resolve_key
from fauxdata.mask.plan import plan_masks
from fauxdata.mask.sources import as_spec_names, open_source
from fauxdata.run import plan_for
from fauxdata.spec.models import Spec


@dataclass(frozen=True)
class Before:
    table: str
    column: str
    kind: str
    """json or free_text."""
    rows: list[tuple[str | None, str | None]]
    """(source value, masked value) for the first rows."""


def preview_masks(
    spec: Spec | str | Path | dict[str, Any],
    source: str,
    *,
    key: str | MaskKey,
    n: int = 5,
    base_dir: Path | None = None,
) -> list[Before]:
    """Before and after for the first ``n`` rows of every JSON and free-text mask.

    Raises:
        SpecError: as ``mask`` would (drift, an invalid spec).
    """
    plan = plan_for(spec, base_dir=base_dir)
    secret = key if isinstance(key, MaskKey) else resolve_key(key)
    reader = as_spec_names(open_source(source), plan.spec)
    out: list[Before] = []
    try:
        tables, _ = plan_masks(plan, reader, secret, [])
        for name, table in tables.items():
            documents = {
                c: m
                for c, m in table.masks.items()
                if isinstance(m, JsonMaskImpl | FreeTextMaskImpl)
            }
            if not documents:
                continue
            batch = next(iter(reader.batches(name, table.read, None, n)), None)
            if batch is None:
                continue
            frame = pl.DataFrame(pl.from_arrow(batch)).head(n)
            rows = np.arange(frame.height, dtype=np.int64)
            for column, masker in documents.items():
                before = frame.get_column(column).cast(pl.String).to_list()
                after = (
                    masker.apply(frame.get_column(column), frame, rows).cast(pl.String).to_list()
                )
                out.append(
                    Before(name, column, masker.spec.kind, list(zip(before, after, strict=True)))
                )
    finally:
        reader.close()
    return out
