"""Categories, products, stores, and which product a basket line picks on a given day.

Choice is two-stage and time-aware: a category by its weight on that day (a launch ramps
a new category up and takes weight from its neighbour), then a product within it by
``(price / median) ** -elasticity`` (a recalled product weighs nothing from its recall
date). Products are numbered category-major, so appending a category keeps every other
product's id and price.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.scenarios.params import Scenario
from fauxdata.scenarios.simulate.common import (
    F64,
    I64,
    day_of,
    money,
    normal,
    promo_window,
    stream,
    total_days,
)

_ADJECTIVES = ("Classic", "Everyday", "Premium", "Compact", "Eco", "Pro", "Essential", "Urban")


@dataclass(frozen=True)
class Catalog:
    """The catalog as arrays, plus the daily category weights used for choice."""

    products: pl.DataFrame
    categories: pl.DataFrame
    stores: pl.DataFrame
    price_cents: I64
    product_category: I64
    category_cum: F64
    """(days, categories) cumulative category choice probabilities per day."""
    product_cum_before: F64
    product_cum_after: F64
    """Cumulative within-category product weights plus the category index, so one
    ``searchsorted`` picks a product for lines of any category."""


def build_catalog(scenario: Scenario) -> Catalog:
    """Prices from the declared lognormal, names from fixed word lists, daily weights."""
    cat = scenario.catalog
    n_cat, per = len(cat.categories), cat.products_per_category
    n = n_cat * per
    pid = np.arange(n, dtype=np.int64)
    category = pid // per
    z = normal(stream(scenario, "products", "price"), pid)
    price = np.maximum(np.round(cat.price_median * np.exp(cat.price_sigma * z) * 100), 99).astype(
        np.int64
    )
    price = price - price % 100 + 99  # price points end in .99
    launch_day = day_of(scenario, scenario.launch.date) if scenario.launch.category else None
    launch_cat = cat.categories.index(scenario.launch.category) if scenario.launch.category else -1
    recall_day = (
        day_of(scenario, scenario.recall.date) if scenario.recall.product is not None else None
    )
    adjective = np.asarray(_ADJECTIVES)[pid % len(_ADJECTIVES)]
    cat_names = np.asarray(cat.categories)[category]
    products = pl.DataFrame(
        {
            "product_id": pid + 1,
            "sku": [f"SKU-{i:06d}" for i in pid],
            "name": [
                f"{a} {c.replace('_', ' ')} item {i % per + 1}"
                for a, c, i in zip(adjective, cat_names, pid, strict=True)
            ],
            "category_id": category + 1,
            "list_price": pl.from_arrow(money(price)),
            "launched_on": pl.Series(
                [scenario.launch.date if (c == launch_cat) else None for c in category],
                dtype=pl.Date,
            ),
            "recalled_on": pl.Series(
                [scenario.recall.date if i + 1 == scenario.recall.product else None for i in pid],
                dtype=pl.Date,
            ),
        }
    )
    categories = pl.DataFrame(
        {
            "category_id": np.arange(1, n_cat + 1, dtype=np.int64),
            "name": cat.categories,
            "launched_on": pl.Series(
                [
                    scenario.launch.date if c == scenario.launch.category else None
                    for c in cat.categories
                ],
                dtype=pl.Date,
            ),
        }
    )
    weight = (price / (cat.price_median * 100)) ** -cat.elasticity
    before = _within(weight, category, n_cat)
    after = before
    if recall_day is not None and scenario.recall.product is not None:
        cut = weight.copy()
        cut[scenario.recall.product - 1] = 0.0
        after = _within(cut, category, n_cat)
    return Catalog(
        products=products,
        categories=categories,
        stores=_stores(scenario),
        price_cents=price,
        product_category=category,
        category_cum=_category_cum(scenario, launch_cat, launch_day),
        product_cum_before=before,
        product_cum_after=after,
    )


def _within(weight: F64, category: I64, n_cat: int) -> F64:
    totals = np.bincount(category, weights=weight, minlength=n_cat)
    cum = np.zeros_like(weight)
    for c in range(n_cat):  # one step per category, not per row
        members = category == c
        local = np.cumsum(weight[members]) / totals[c]
        local[-1] = 1.0
        cum[members] = local
    return cum + category


def _category_cum(scenario: Scenario, launch_cat: int, launch_day: float | None) -> F64:
    days, n_cat = total_days(scenario), len(scenario.catalog.categories)
    w = np.ones((days, n_cat), dtype=np.float64)
    if launch_cat >= 0 and launch_day is not None:
        launch = scenario.launch
        ramp = np.clip((np.arange(days) - launch_day) / launch.ramp_days, 0.0, 1.0)
        ramp[np.arange(days) < launch_day] = 0.0
        w[:, launch_cat] = launch.weight * ramp
        if launch.neighbour is not None:
            nb = scenario.catalog.categories.index(launch.neighbour)
            w[:, nb] = 1.0 - launch.cannibalization * ramp
    promoted = promoted_categories(scenario)
    window = promo_window(scenario)
    if window is not None and not promoted.all():
        # Price elasticity: a discount d multiplies the category's weight by (1-d)^-e.
        boost = (1.0 - scenario.promo.discount) ** -scenario.catalog.elasticity
        w[int(window[0]) : int(window[1]), promoted] *= boost
    cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
    cum[:, -1] = 1.0
    return cum


def promoted_categories(scenario: Scenario) -> npt.NDArray[np.bool_]:
    """Which categories the promotion discounts (all when ``promo.categories`` is null)."""
    names = scenario.catalog.categories
    chosen = scenario.promo.categories
    return np.asarray([chosen is None or c in chosen for c in names], dtype=bool)


def _stores(scenario: Scenario) -> pl.DataFrame:
    n = scenario.channels.physical_stores
    regions = ("north", "south", "east", "west")
    return pl.DataFrame(
        {
            "store_id": np.arange(1, n + 3, dtype=np.int64),
            "name": ["Web shop", "Mobile app"] + [f"Store {i + 1:03d}" for i in range(n)],
            "channel": ["online", "app"] + ["store"] * n,
            "region": [None, None] + [regions[i % 4] for i in range(n)],
        },
        schema_overrides={"region": pl.String},
    )


def pick_products(scenario: Scenario, catalog: Catalog, rows: I64, day: F64) -> I64:
    """A product index (``product_id - 1``) for each line (keyed by ``rows``) bought on
    fractional ``day``."""
    d = np.clip(np.floor(day).astype(np.int64), 0, catalog.category_cum.shape[0] - 1)
    u = stream(scenario, "order_lines", "category").uniform(rows)
    cat = np.zeros(len(rows), dtype=np.int64)
    for c in range(catalog.category_cum.shape[1] - 1):  # one pass per category column
        cat += catalog.category_cum[d, c] <= u
    x = cat + stream(scenario, "order_lines", "product").uniform(rows)
    chosen = np.searchsorted(catalog.product_cum_before, x, side="right")
    if catalog.product_cum_after is not catalog.product_cum_before:
        recall_day = day_of(scenario, scenario.recall.date) or 0.0
        late = day >= recall_day
        chosen[late] = np.searchsorted(catalog.product_cum_after, x[late], side="right")
    return np.minimum(chosen, len(catalog.price_cents) - 1).astype(np.int64)
