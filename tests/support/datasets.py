"""Real datasets shipped inside Python packages (no download at run time), for the
synthesizer's tests and benchmarks. Nobody on the team made them:

- penguins: Palmer penguins (Gorman, Williams & Fraser 2014, CC0), from the
  ``palmerpenguins`` package (MIT); 344 rows, species/island/sex and body measures.
- cars: the classic Auto MPG data (UCI), from ``vega_datasets`` (MIT); 406 rows; the
  car's name is an identifier and left out.
- seattle_weather: daily weather in Seattle 2012-2015 (NOAA), from ``vega_datasets``;
  1,461 rows with a date, numbers and a weather category.
- airports: US airports (FAA), from ``vega_datasets``; 3,376 rows; code, name and city
  are identifiers and left out; many states have few airports (rare categories).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _vega(name: str) -> Path:
    import vega_datasets

    return Path(vega_datasets.__file__).parent / "_data" / name


def payments() -> pl.DataFrame:
    return pl.read_csv(EXAMPLES / "seeds" / "payments_seed.csv", try_parse_dates=True)


def penguins() -> pl.DataFrame:
    import palmerpenguins

    path = Path(palmerpenguins.__file__).parent / "data" / "penguins.csv"
    return pl.read_csv(path, null_values="NA")


def cars() -> pl.DataFrame:
    frame = pl.read_json(_vega("cars.json"))
    return frame.drop("Name").with_columns(pl.col("Year").str.to_date("%Y-%m-%d"))


def seattle_weather() -> pl.DataFrame:
    return pl.read_csv(_vega("seattle-weather.csv"), try_parse_dates=True)


def airports() -> pl.DataFrame:
    return pl.read_csv(_vega("airports.csv")).select("state", "country", "latitude", "longitude")


DATASETS: dict[str, Callable[[], pl.DataFrame]] = {
    "payments_seed": payments,
    "penguins": penguins,
    "cars": cars,
    "seattle_weather": seattle_weather,
    "airports": airports,
}
