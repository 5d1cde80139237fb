"""Synthesize: learn a seed table's joint distribution, then draw rows at any scale.

``fit`` turns a seed into a ``Model`` of aggregates only (quantile knots, label weights,
conditional tables per frequent category, a Gaussian copula's correlation); a
``Sampler`` draws rows from it, every cell a function of (seed, table, column, row);
``synth_report`` measures quality and privacy against the seed.

``Sampler`` is imported when first used: ``fauxdata.run`` reaches this package on every
import (through ``fauxdata.synth.store``), and the sampler's SciPy interpolation cost
every ``generate`` about 0.3 CPU-seconds of import, synthesized columns or not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fauxdata.synth.fit import FitOptions, fit
from fauxdata.synth.model import ColumnModel, Model
from fauxdata.synth.source import Seed, read_seed

if TYPE_CHECKING:
    from fauxdata.synth.sample import Sampler

__all__ = ["ColumnModel", "FitOptions", "Model", "Sampler", "Seed", "fit", "read_seed"]


def __getattr__(name: str) -> Any:
    if name == "Sampler":
        from fauxdata.synth.sample import Sampler

        return Sampler
    raise AttributeError(f"module 'fauxdata.synth' has no attribute {name!r}")
