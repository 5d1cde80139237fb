"""The synthesizer on real datasets nobody on the team made, shipped inside Python
packages (see tests/support/datasets.py): the figures the README reports hold, no rare
category reaches the model or the rows, and no more seed rows come back than a holdout
of real rows would match."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from fauxdata.engine.rng import Stream
from fauxdata.synth import FitOptions, Sampler, fit
from fauxdata.synth.report import evaluate, kinds_of
from tests.support.datasets import DATASETS

MIN_SCORE = {"payments_seed": 96, "penguins": 95, "cars": 93, "seattle_weather": 97, "airports": 90}


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_quality_and_privacy_on_a_real_dataset(name: str) -> None:
    seed = DATASETS[name]()
    model = fit(seed)
    text = model.to_json()
    for column in seed.columns:
        if seed[column].dtype == pl.String:
            counts = seed[column].drop_nulls().value_counts(name="n")
            for label in counts.filter(pl.col("n") < 5)[column]:
                assert f'"{label}"' not in text, (column, label)
    rows = max(10 * seed.height, 10_000)
    drawn = Sampler(model).sample(np.arange(rows, dtype=np.int64), Stream.of(0, name))
    synthetic = pl.DataFrame(list(drawn.values()))
    quality, privacy = evaluate(seed, synthetic, kinds_of(model), FitOptions())
    assert quality.score >= MIN_SCORE[name]
    assert privacy.rare_emitted == {}
    assert privacy.holdout_synthetic.exact_copy_rate <= privacy.allowance
    assert privacy.target.exact_copy_rate <= privacy.target_allowance
    assert privacy.passed


def test_airports_drop_rare_states_and_keep_frequent_ones() -> None:
    seed = DATASETS["airports"]()
    model = fit(seed)
    counts = seed["state"].value_counts(name="n")
    frequent = set(counts.filter(pl.col("n") >= 5)["state"])
    assert set(model.columns["state"].labels) == frequent
    assert len(frequent) < counts.height  # some states are rare in this data
