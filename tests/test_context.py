"""Context-aware groups on 100k rows: every place part agrees with the packaged data,
every person part agrees with the others."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import zipcodes

import fauxdata
from fauxdata.errors import FauxdataError, SpecError
from fauxdata.generators.lexicon import lexicon
from fauxdata.generators.places import countries, us_zips, world_places

SHARES = {"US": 0.4, "GB": 0.12, "DE": 0.12, "NL": 0.12, "FR": 0.12, "ES": 0.12}
PLACE_PARTS = ["country_code", "country", "region", "region_code", "city", "postcode", "phone",
               "currency", "street", "formatted", "latitude", "longitude"]  # fmt: skip
PERSON = {"genders": ["F", "M"], "female_share": 0.52, "min_age": 21, "max_age": 70}
PERSON_PARTS = ["gender", "first_name", "last_name", "full_name", "email", "user_name",
                "birth_date", "age"]  # fmt: skip
REFERENCE = dt.date(2026, 2, 28)


def spec(rows: int = 100_000) -> dict[str, Any]:
    columns: dict[str, Any] = {"id": {"generator": "sequence"}}
    for part in PLACE_PARTS:
        columns[part] = {"generator": {"kind": "address", "part": part, "countries": SHARES}}
    for part in PERSON_PARTS:
        columns[f"p_{part}"] = {"generator": {"kind": "person", "part": part, **PERSON}}
    return {
        "name": "ctx",
        "seed": 9,
        "reference_date": REFERENCE.isoformat(),
        "tables": {"people": {"rows": rows, "columns": columns}},
    }


@pytest.fixture(scope="module")
def people() -> pl.DataFrame:
    return fauxdata.generate(spec()).frames["people"]


def test_country_shares_and_country_level_parts(people: pl.DataFrame) -> None:
    shares = dict(people["country_code"].value_counts(normalize=True).iter_rows())
    for code, share in SHARES.items():
        assert shares[code] == pytest.approx(share, abs=0.01)
    info = countries()
    for code, group in people.group_by("country_code"):
        assert set(group["currency"]) == {info[code[0]]["currency"]}  # type: ignore[index]
        assert set(group["country"]) == {info[code[0]]["name"]}  # type: ignore[index]
        assert group["phone"].str.starts_with(f"+{info[code[0]]['calling_code']} ").all()  # type: ignore[index]


def test_every_us_zip_belongs_to_its_state_and_city(people: pl.DataFrame) -> None:
    us = people.filter(pl.col("country_code") == "US")
    assert us.height > 35_000
    truth = {z["zip_code"]: z for z in zipcodes.list_all()}
    for postcode, city, state, phone in us.select(
        "postcode", "city", "region_code", "phone"
    ).iter_rows():
        record = truth[postcode]
        assert (record["city"], record["state"]) == (city, state)
        assert phone[3:6] in record["area_codes"]  # the phone's area code serves that ZIP
    names = us_zips().select("region_code", "region").unique()
    joined = us.join(names, on=["region_code", "region"], how="anti")
    assert joined.is_empty()  # the state name agrees with the state code


def test_every_city_belongs_to_its_region_and_country(people: pl.DataFrame) -> None:
    world = people.filter(pl.col("country_code") != "US")
    places = world_places().select(
        pl.col("country_code"), pl.col("city"), pl.col("region"), "latitude", "longitude"
    )
    orphans = world.join(
        places, on=["country_code", "city", "region", "latitude", "longitude"], how="anti"
    )
    assert orphans.is_empty(), orphans.head()
    # big cities come up more often: population weights
    nl = world.filter(pl.col("country_code") == "NL")["city"].value_counts(sort=True)
    assert nl["city"][0] in {"Amsterdam", "Rotterdam", "The Hague", "Utrecht"}


@pytest.mark.parametrize("code", ["US", "GB", "DE", "NL", "FR", "ES"])
def test_postcodes_follow_the_country_format_and_stay_with_their_city(
    people: pl.DataFrame, code: str
) -> None:
    rows = people.filter(pl.col("country_code") == code)
    pattern = re.compile(countries()[code]["postcode_regex"])
    assert all(pattern.match(p) for p in rows["postcode"]), code
    if code != "US":
        stems = rows.select(
            "city", pl.col("postcode").str.slice(0, 4 if code == "NL" else 2).alias("stem")
        )
        per_city = stems.group_by("city").agg(pl.col("stem").n_unique())
        assert (per_city["stem"] == 1).all()  # one city, one postcode area
    assert (rows["formatted"].str.contains(rows["postcode"], literal=True)).all()
    assert (rows["formatted"].str.to_lowercase().str.contains(
        rows["city"].str.to_lowercase(), literal=True
    )).all()  # fmt: skip


def test_every_person_part_agrees(people: pl.DataFrame) -> None:
    female = set(lexicon("en").female.to_list())
    male = set(lexicon("en").male.to_list())
    women = people.filter(pl.col("p_gender") == "F")
    men = people.filter(pl.col("p_gender") == "M")
    assert women.height / people.height == pytest.approx(0.52, abs=0.01)
    assert set(women["p_first_name"]) <= female and set(men["p_first_name"]) <= male
    assert (people["p_full_name"] == people["p_first_name"] + " " + people["p_last_name"]).all()
    local = people["p_email"].str.split("@").list.first()
    expected = (people["p_first_name"] + "." + people["p_last_name"]).str.to_lowercase()
    assert (local.str.replace(r"\d{2}$", "") == expected.str.replace_all("[^a-z.]", "")).all()
    assert (
        people["p_user_name"].str.replace(r"\d{2}$", "")
        == local.str.replace(r"\d{2}$", "").str.replace(".", "_", literal=True)
    ).all()
    for born, age in people.select("p_birth_date", "p_age").iter_rows():
        had_birthday = (REFERENCE.month, REFERENCE.day) >= (born.month, born.day)
        assert age == REFERENCE.year - born.year - (0 if had_birthday else 1)
    assert people["p_age"].min() == 21 and people["p_age"].max() == 70


def test_groups_are_independent_and_rows_stable() -> None:
    twice = spec(2_000)
    columns = twice["tables"]["people"]["columns"]
    columns["work_city"] = {
        "generator": {"kind": "address", "part": "city", "group": "work", "countries": SHARES}
    }
    frame = fauxdata.generate(twice).frames["people"]
    assert (frame["work_city"] != frame["city"]).mean() > 0.9  # type: ignore[operator]
    head = fauxdata.generate(twice, rows={"people": 500}).frames["people"]
    assert head.equals(frame.head(500))


def test_parts_of_a_group_must_agree_on_their_settings() -> None:
    bad = spec(10)
    bad["tables"]["people"]["columns"]["city"]["generator"]["countries"] = ["NL"]
    with pytest.raises(SpecError) as caught:
        fauxdata.check(bad)
    assert "tables.people.columns.city.generator" in str(caught.value)
    assert "settings differ from those of 'country_code' in the same group 'address'" in str(
        caught.value
    )


def test_unknown_country_is_named() -> None:
    bad = {
        "name": "x",
        "tables": {
            "t": {
                "rows": 3,
                "columns": {
                    "c": {"generator": {"kind": "address", "part": "city", "countries": ["NLD"]}}
                },
            }
        },
    }
    with pytest.raises(FauxdataError, match="unknown country code 'NLD'"):
        fauxdata.generate(bad)


def test_business_hours_on_weekdays_in_local_time() -> None:
    at = {
        "kind": "timestamp",
        "start": "2024-03-01T00:00:00",
        "end": "2024-04-30T23:59:59",
        "timezone": "Europe/Amsterdam",
        "hours": [9, 17],
        "weekdays_only": True,
    }
    frame = fauxdata.generate(
        {"name": "b", "tables": {"t": {"rows": 100_000, "columns": {"at": {"generator": at}}}}}
    ).frames["t"]
    local = frame["at"]
    assert str(local.dtype.time_zone) == "Europe/Amsterdam"  # type: ignore[attr-defined]
    assert local.dt.hour().min() == 9 and local.dt.hour().max() == 16  # across the DST change
    assert local.dt.weekday().max() == 5
    assert local.dt.date().n_unique() == 43  # every weekday of March and April 2024
    with pytest.raises(SpecError, match="expected \\[from, to\\)"):
        fauxdata.check(
            {
                "name": "b",
                "tables": {
                    "t": {"rows": 1, "columns": {"at": {"generator": {**at, "hours": [18, 9]}}}}
                },
            }
        )


def test_event_sequences_stay_in_order() -> None:
    columns = {
        "created": {
            "generator": {
                "kind": "timestamp",
                "start": "2024-01-01T00:00:00",
                "end": "2024-12-31T00:00:00",
                "hours": [8, 18],
                "weekdays_only": True,
            }
        },
        "updated": {
            "generator": {
                "kind": "after",
                "column": "created",
                "min_delay": "1h",
                "max_delay": "30d",
            }
        },
        "deleted": {
            "generator": {
                "kind": "after",
                "column": "updated",
                "min_delay": "1d",
                "max_delay": "90d",
            },
            "null_rate": 0.7,
        },
    }
    frame = fauxdata.generate(
        {"name": "e", "tables": {"t": {"rows": 100_000, "columns": columns}}}
    ).frames["t"]
    assert (frame["created"] < frame["updated"]).all()
    kept = frame.filter(pl.col("deleted").is_not_null())
    assert (kept["updated"] < kept["deleted"]).all()
    assert kept.height == pytest.approx(30_000, rel=0.02)


def test_the_readme_example_runs_with_anchors_under_an_x_key(tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = readme.split("## Context-aware columns")[1].split("```yaml\n")[1].split("```")[0]
    lines = block.splitlines()
    anchors, columns = lines[:3], [line for line in lines[3:] if not line.startswith("#")][1:]
    text = "\n".join(
        ["name: readme", "reference_date: 2026-01-01", *anchors, "tables:", "  customers:",
         "    rows: 5000", "    columns:", *("      " + line for line in columns)]
    )  # fmt: skip
    (tmp_path / "s.yaml").write_text(text)
    frame = fauxdata.generate(tmp_path / "s.yaml").frames["customers"]
    assert {"gender", "first_name", "email", "age", "zip", "mailing_address"} <= set(frame.columns)
    us = frame.filter(pl.col("country") == "US")
    names = dict(us_zips().select("postcode", "region").iter_rows())
    assert us.height > 1000
    assert all(names[z] == state for z, state in us.select("zip", "state").iter_rows())


def test_a_group_declared_once_fills_several_columns() -> None:
    table = {
        "rows": 20_000,
        "groups": [
            {
                "kind": "person",
                "female_share": 1.0,
                "columns": {"first_name": "given", "email": "mail", "age": "age"},
            },
            {
                "kind": "address",
                "countries": ["US"],
                "columns": {"postcode": "zip", "region_code": "state", "city": "town"},
            },
        ],
        "columns": {"id": {"generator": "sequence"}},
    }
    frame = fauxdata.generate(
        {"name": "g", "reference_date": "2026-01-01", "tables": {"t": table}}
    ).frames["t"]
    assert frame.columns == ["id", "given", "mail", "age", "zip", "state", "town"]
    assert set(frame["given"]) <= set(lexicon("en").female.to_list())
    truth = {z["zip_code"]: (z["city"], z["state"]) for z in zipcodes.list_all()}
    assert all(truth[z] == (c, s) for z, c, s in frame.select("zip", "town", "state").iter_rows())
    table["groups"][1]["columns"]["city"] = "mail"  # type: ignore[index]
    with pytest.raises(SpecError, match="column 'mail' is declared twice"):
        fauxdata.check({"name": "g", "tables": {"t": table}})
