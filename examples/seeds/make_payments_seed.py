"""Make ``payments_seed.csv``: a small seed table with a known structure.

    python examples/seeds/make_payments_seed.py   # rewrites payments_seed.csv beside it

Every value is drawn here from fixed distributions (NumPy, seed 18), so nobody's data is
in it, and the synthesizer's report can be checked against what is known to be true:

- ``merchant_category``: groceries 35%, restaurants 25%, fuel 15%, electronics 12%,
  travel 10% (shares of the frequent categories), plus the rare ``jewelry`` (3 rows) and
  ``art_dealer`` (2 rows), which a synthesizer must never emit;
- ``amount``: lognormal by category, median / sigma: groceries 45 / 0.5, restaurants
  30 / 0.6, fuel 60 / 0.3, electronics 250 / 1.0, travel 400 / 0.9 (long tails), with 2
  decimals;
- ``country``: US 40%, DE 20%, FR 15%, GB 13%, NL 12%, plus the rare LU (3 rows);
- ``currency`` follows the country (USD, EUR, GBP), except 3% of payments paid in USD;
- ``items``: 1 + Poisson(amount / 100), capped at 12, so it grows with the amount;
- ``payment_date``: uniform over 2025; ``card_present``: 70% true for groceries,
  restaurants and fuel, 10% otherwise; 2% of ``card_present`` is NULL.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

ROWS = 2_000
CATEGORIES = {  # share, median, sigma
    "groceries": (0.35, 45.0, 0.5),
    "restaurants": (0.25, 30.0, 0.6),
    "fuel": (0.15, 60.0, 0.3),
    "electronics": (0.12, 250.0, 1.0),
    "travel": (0.13, 400.0, 0.9),
}
COUNTRIES = {"US": 0.40, "DE": 0.20, "FR": 0.15, "GB": 0.13, "NL": 0.12}
CURRENCY = {"US": "USD", "DE": "EUR", "FR": "EUR", "GB": "GBP", "NL": "EUR", "LU": "EUR"}
RARE_CATEGORIES = ["jewelry"] * 3 + ["art_dealer"] * 2
RARE_COUNTRIES = ["LU"] * 3


def make(rows: int = ROWS, seed: int = 18) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    names = list(CATEGORIES)
    shares = np.array([CATEGORIES[c][0] for c in names])
    category = rng.choice(names, size=rows, p=shares / shares.sum()).astype(object)
    category[: len(RARE_CATEGORIES)] = RARE_CATEGORIES
    median = np.array([CATEGORIES.get(c, (0, 900.0, 0.4))[1] for c in category])
    sigma = np.array([CATEGORIES.get(c, (0, 900.0, 0.4))[2] for c in category])
    amount = np.round(median * np.exp(sigma * rng.standard_normal(rows)), 2)
    codes = list(COUNTRIES)
    country = rng.choice(codes, size=rows, p=list(COUNTRIES.values())).astype(object)
    country[-len(RARE_COUNTRIES) :] = RARE_COUNTRIES
    currency = np.array([CURRENCY[c] for c in country], dtype=object)
    currency[rng.random(rows) < 0.03] = "USD"
    items = np.minimum(1 + rng.poisson(amount / 100), 12)
    day = rng.integers(0, 365, size=rows)
    in_person = np.isin(category, ["groceries", "restaurants", "fuel"])
    card_present = rng.random(rows) < np.where(in_person, 0.7, 0.1)
    order = rng.permutation(rows)
    frame = pl.DataFrame(
        {
            "payment_date": pl.date_range(
                pl.date(2025, 1, 1), pl.date(2025, 12, 31), "1d", eager=True
            ).gather(day),
            "country": country.astype(str),
            "currency": currency.astype(str),
            "merchant_category": category.astype(str),
            "amount": amount,
            "items": items.astype(np.int64),
            "card_present": pl.Series(card_present).scatter(
                np.flatnonzero(rng.random(rows) < 0.02), None
            ),
        }
    )
    return frame[order]


if __name__ == "__main__":
    out = Path(__file__).with_name("payments_seed.csv")
    make().write_csv(out)
    print(f"wrote {out}")
