"""The synthesis model: aggregates of a seed table, never its rows.

Per column: a NULL rate, and either quantile *knots* (numbers, dates, timestamps) or
label *weights* (categories). A column may be *given* one categorical parent (amount
given merchant category, currency given country); it then holds one set of knots or
weights per parent category with enough rows (``min_group_rows``), falling back to its
own marginal for the others. Dependence between all columns is a Gaussian copula: the
correlation matrix of the columns' normal scores (within their parent's category).

Privacy by construction:
- a category seen in fewer than ``min_rows`` (k, default 5) rows is dropped: its label
  is not in the model and its share is spread over the others; a (parent, child) pair of
  categories seen fewer than k times gets weight 0 in the conditional table;
- each numeric knot is the mean of k neighbouring order statistics, so no knot is one
  row's value, and the knots span only the ``clip``..``1 - clip`` quantiles (default
  0.5% to 99.5%): extreme values are clipped there, never reproduced.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from fauxdata.errors import FauxdataError

FORMAT = "fauxdata.synth/1"
Knots = list[float]


@dataclass
class ColumnModel:
    """What the model knows about one column (all aggregates)."""

    kind: Literal["numeric", "categorical"]
    type: str
    null_rate: float
    knots: Knots = field(default_factory=list)
    integer: bool = False
    decimals: int | None = None
    unit: str = "number"
    labels: list[Any] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    given: str | None = None
    by: list[list[float] | None] = field(default_factory=list)
    """Per label of ``given``: this column's knots or weights within it (None: marginal)."""


@dataclass(eq=False)
class Model:
    """A fitted model; ``columns`` is in sampling order (parents before children).

    Compared and hashed by identity: a loaded model is shared, never edited.
    """

    columns: dict[str, ColumnModel]
    correlation: list[list[float]]
    seed_rows: int
    min_rows: int
    clip: float
    source_digest: str = ""
    format: str = FORMAT

    def to_json(self) -> str:
        body = asdict(self)
        return json.dumps(body, indent=1, default=_plain)

    def write(self, path: Path) -> Path:
        """Write atomically (temp file, then rename)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(self.to_json(), encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def from_json(cls, text: str, origin: str = "model") -> Model:
        """Raises: FauxdataError: not a fauxdata synthesis model."""
        try:
            body = json.loads(text)
            if body.get("format") != FORMAT:
                raise ValueError(f"format is {body.get('format')!r}, expected {FORMAT!r}")
            columns = {name: ColumnModel(**c) for name, c in body.pop("columns").items()}
            model = cls(columns=columns, **body)
        except (ValueError, TypeError, AttributeError) as exc:
            raise FauxdataError(
                f"{origin} is not a fauxdata synthesis model: {exc}",
                path="synthesize.model",
                hint="make one with: fauxdata fit SEED --out model.json",
            ) from None
        return model

    @classmethod
    def read(cls, path: Path) -> Model:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise FauxdataError(
                f"cannot read model {path}: {exc.strerror}", path="synthesize.model"
            ) from None
        return cls.from_json(text, str(path))


def knot_levels(clip: float, count: int) -> npt.NDArray[np.float64]:
    """The quantile levels of ``count`` knots: evenly spaced from clip to 1 - clip."""
    return np.linspace(clip, 1 - clip, max(count, 2))


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to a model")
