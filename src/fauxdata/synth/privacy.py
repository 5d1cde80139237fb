"""How much of the seed the synthetic rows give away.

- Exact copies: the share of synthetic rows equal, on every learned column, to some seed
  row.
- Distance to closest record (DCR): for each synthetic row, the distance to the nearest
  seed row: the sum over columns of |difference| / the seed's 1%..99% range for numbers,
  and 1 for a different category (NULL is a value of its own).
- The baseline is a holdout split of the seed (a fixed 20% of its rows, by row index):
  the holdout's DCR and exact-copy rate against the other 80% show how close *new real
  rows* come to the seed. A model fitted on the 80% then gives synthetic rows whose
  exact-copy rate against the same 80% must stay within the holdout's (plus two standard
  errors), and whose DCR should be no smaller. The target's rows, against the whole
  seed, get that allowance scaled by seed rows / train rows.
- Rare categories emitted: labels seen in fewer than k seed rows that appear in the
  synthetic rows (must be none).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy.spatial import cKDTree

from fauxdata.engine.rng import Stream
from fauxdata.synth.quality import numbers

F64 = npt.NDArray[np.float64]
HOLDOUT_SHARE = 0.2
MAX_QUERY_ROWS = 2_000


@dataclass
class Distances:
    """DCR summary and exact-copy rate of some rows against reference rows."""

    rows: int
    exact_copy_rate: float
    dcr_p5: float
    dcr_median: float


@dataclass
class Privacy:
    target: Distances
    """The synthetic rows against the whole seed."""
    holdout: Distances
    """Real rows never fitted (the seed's holdout) against the rest of the seed."""
    holdout_synthetic: Distances
    """Rows of a model fitted on the rest of the seed, against that rest."""
    seed_rows: int
    train_rows: int
    rare_emitted: dict[str, int] = field(default_factory=dict)
    """Per column, how many of the seed's rare labels were emitted (never the labels)."""

    @property
    def allowance(self) -> float:
        """The exact-copy rate the holdout model's rows may reach against the train split:
        the holdout's own rate plus two standard errors."""
        h, n = self.holdout.exact_copy_rate, max(self.holdout.rows, 1)
        return h + 2 * float(np.sqrt(max(h * (1 - h), 1 / n) / n))

    @property
    def target_allowance(self) -> float:
        """The same for the target against the whole seed, which has seed/train times as
        many rows to collide with (for small rates, collisions grow with that count)."""
        return self.allowance * self.seed_rows / max(self.train_rows, 1)

    @property
    def passed(self) -> bool:
        return (
            not self.rare_emitted
            and self.holdout_synthetic.exact_copy_rate <= self.allowance
            and self.target.exact_copy_rate <= self.target_allowance
        )


def holdout_mask(rows: int) -> npt.NDArray[np.bool_]:
    """A fixed 20% of the seed's rows, chosen by row index."""
    return Stream.of(0, "synth-holdout").uniform(np.arange(rows)) < HOLDOUT_SHARE


def _spaced(frame: pl.DataFrame, limit: int) -> pl.DataFrame:
    """At most ``limit`` rows, evenly spaced (deterministic)."""
    if frame.height <= limit:
        return frame
    return frame[np.linspace(0, frame.height - 1, limit).astype(np.int64)]


def _keys(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as text, numbers through Float64, so 12.30 (decimal) equals 12.3."""
    return frame.select(
        pl.col(c).cast(pl.Float64).cast(pl.String)
        if frame[c].dtype.is_numeric()
        else pl.col(c).cast(pl.String)
        for c in frame.columns
    )


def _features(
    frame: pl.DataFrame, reference: pl.DataFrame, kinds: dict[str, str]
) -> tuple[F64, F64]:
    """Rows of both frames as points whose L1 distance is the DCR described above."""
    left, right = [], []
    for name, kind in kinds.items():
        if kind == "numeric":
            ref = numbers(reference[name])
            x = numbers(frame[name])
            finite = ref[np.isfinite(ref)]
            lo, hi = np.quantile(finite, [0.01, 0.99]) if len(finite) else (0.0, 1.0)
            span = (hi - lo) or 1.0
            left.append(np.nan_to_num((x - lo) / span, nan=-1.0))
            right.append(np.nan_to_num((ref - lo) / span, nan=-1.0))
        else:
            a = frame[name].cast(pl.String).fill_null("\x00null")
            b = reference[name].cast(pl.String).fill_null("\x00null")
            for label in b.unique().to_list():
                left.append(0.5 * (a == label).to_numpy().astype(np.float64))
                right.append(0.5 * (b == label).to_numpy().astype(np.float64))
    return np.column_stack(left), np.column_stack(right)


def distances(rows: pl.DataFrame, reference: pl.DataFrame, kinds: dict[str, str]) -> Distances:
    """DCR of (at most 2,000 of) ``rows`` against ``reference``, and the exact-copy rate
    of all of ``rows``."""
    names = list(kinds)
    copies = (
        _keys(rows.select(names))
        .join(_keys(reference.select(names)).unique(), on=names, how="semi", nulls_equal=True)
        .height
    )
    sample = _spaced(rows.select(names), MAX_QUERY_ROWS)
    query, points = _features(sample, reference, kinds)
    dcr, _ = cKDTree(points).query(query, k=1, p=1)
    return Distances(
        rows=rows.height,
        exact_copy_rate=copies / max(rows.height, 1),
        dcr_p5=float(np.quantile(dcr, 0.05)),
        dcr_median=float(np.median(dcr)),
    )


def rare_emitted(
    seed: pl.DataFrame, synthetic: pl.DataFrame, kinds: dict[str, str], min_rows: int
) -> dict[str, int]:
    """Per categorical column, how many of the seed's rare labels the synthetic rows
    contain (a count: naming them would repeat what must stay private)."""
    out = {}
    for name, kind in kinds.items():
        if kind != "categorical":
            continue
        counts = seed[name].cast(pl.String).drop_nulls().value_counts(name="n")
        rare = set(counts.filter(pl.col("n") < min_rows)[name].to_list())
        found = sorted(rare & set(synthetic[name].cast(pl.String).drop_nulls().unique().to_list()))
        if found:
            out[name] = len(found)
    return out
