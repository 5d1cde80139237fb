"""Synthesize: learn a seed table's joint distribution, then draw rows at any scale.

``fit`` turns a seed into a ``Model`` of aggregates only (quantile knots, label weights,
conditional tables per frequent category, a Gaussian copula's correlation); a
``Sampler`` draws rows from it, every cell a function of (seed, table, column, row);
``synth_report`` measures quality and privacy against the seed.

Every name is imported when first used: ``fauxdata.run`` reaches this package on every
import (through the ``synthesize`` generator), and fitting and sampling import SciPy,
which cost every ``generate`` about 0.3 CPU-seconds of import, synthesized columns or not.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fauxdata.synth.fit import FitOptions, fit
    from fauxdata.synth.model import ColumnModel, Model
    from fauxdata.synth.sample import Sampler
    from fauxdata.synth.source import Seed, read_seed

__all__ = ["ColumnModel", "FitOptions", "Model", "Sampler", "Seed", "fit", "read_seed"]

_HOMES = {
    "ColumnModel": "model",
    "FitOptions": "fit",
    "Model": "model",
    "Sampler": "sample",
    "Seed": "source",
    "fit": "fit",
    "read_seed": "source",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'fauxdata.synth' has no attribute {name!r}")
    return getattr(import_module(f"fauxdata.synth.{home}"), name)
