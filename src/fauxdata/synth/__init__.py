"""Synthesize: learn a seed table's joint distribution, then draw rows at any scale.

``fit`` turns a seed into a ``Model`` of aggregates only (quantile knots, label weights,
conditional tables per frequent category, a Gaussian copula's correlation); a
``Sampler`` draws rows from it, every cell a function of (seed, table, column, row);
``synth_report`` measures quality and privacy against the seed.
"""

from fauxdata.synth.fit import FitOptions, fit
from fauxdata.synth.model import ColumnModel, Model
from fauxdata.synth.sample import Sampler
from fauxdata.synth.source import Seed, read_seed

__all__ = ["ColumnModel", "FitOptions", "Model", "Sampler", "Seed", "fit", "read_seed"]
