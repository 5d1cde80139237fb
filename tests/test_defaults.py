"""The defaults `init` and REST extraction infer, measured on schemas nobody here wrote.

Pagila and Northwind (the corpus copies in tests/corpus, each with its source and licence) are loaded
into the real PostgreSQL the tests start; `init` reads them and the generated data is
loaded back with every constraint enforced, then measured: row counts by table role,
temporal order, context groups, self-references and word-boundary cuts. The bundled
HR API is extracted fresh over HTTP the same way.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import polars as pl
import psycopg
import pytest

import fauxdata
from fauxdata.engine.cast import cut
from fauxdata.extract import build_spec, extract
from fauxdata.generators.lexicon import lexicon
from fauxdata.generators.places import countries, us_zips, world_places
from fauxdata.introspect.model import SourceColumn, SourceSchema, SourceTable
from fauxdata.introspect.reflect import read_schema
from fauxdata.introspect.roles import roles
from fauxdata.introspect.suggest import suggest_spec
from fauxdata.introspect.vocabulary import render, widen
from fauxdata.project import Source
from fauxdata.spec.yaml_io import dump_yaml
from tests.support.api_server import running
from tests.support.cli import fauxdata as cli
from tests.support.corpus import postgres_database
from tests.support.postgres import create_database

HR_SERVER = Path(__file__).parent.parent / "examples" / "hr_api" / "server.py"


def _database(server: str, name: str, ddl: str) -> str:
    url = create_database(server, name)
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(ddl)
    return url


@pytest.fixture
def pagila(postgres_server: str) -> Iterator[tuple[str, str]]:
    """(source, dev copy): two databases holding Pagila's published schema, no rows."""
    yield (
        postgres_database(postgres_server, "pagila__defaults_src"),
        postgres_database(postgres_server, "pagila__defaults_dev"),
    )


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", folded.lower())


def _emails_follow_names(frame: pl.DataFrame, first: str, last: str, email: str) -> float:
    """Share of rows whose email's local part is first.last plus two digits."""
    rows = frame.select(first, last, email).drop_nulls().rows()
    good = sum(
        1 for f, la, e in rows if re.fullmatch(rf"{_ascii(f)}\.{_ascii(la)}\d\d", e.split("@")[0])
    )
    return good / len(rows)


def test_pagila_init_generate_load_measure(pagila: tuple[str, str], tmp_path: Path) -> None:
    source, dev = pagila
    found = read_schema(source)
    role = {name: r for name, (r, _) in roles(found).items()}
    assert {role[t] for t in ("country", "language", "category", "store")} == {"reference"}
    assert role["rental"] == role["payment"] == "event"
    assert role["film_actor"] == role["film_category"] == "link"

    spec = tmp_path / "pagila.yaml"
    done = cli("init", "--from", source, "--out", str(spec), "--rows", "1000", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = spec.read_text()
    rows = {name: t.rows for name, t in fauxdata.load_spec(spec).tables.items()}
    assert rows["country"] == rows["language"] == rows["category"] == rows["store"] == 20
    assert rows["customer"] == rows["film"] == 1000
    assert rows["rental"] == rows["payment"] == 5000
    assert "reference (a lookup table" in text and "event (an event table" in text

    loaded = cli("generate", str(spec), "--to", dev, "--truncate", "--json", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["verification"]["passed"]
    with psycopg.connect(dev) as con:

        def one(sql: str) -> object:
            found = con.execute(sql).fetchone()
            assert found is not None
            return found[0]

        assert one("SELECT count(*) FROM rental") == 5000
        assert one("SELECT count(*) FROM rental WHERE return_date < rental_date") == 0
        assert one("SELECT count(return_date) FROM rental") > 4800  # the NULL share: 2%
        assert one("SELECT count(*) FROM rental WHERE return_date > rental_date + '10 days'") == 0
        assert one("SELECT count(*) FROM customer WHERE last_update < create_date") == 0
        address = pl.read_database("SELECT district, postal_code, phone FROM address", con)
        customers = pl.read_database("SELECT first_name, last_name, email FROM customer", con)
        staff = pl.read_database("SELECT first_name, last_name, username FROM staff", con)
        categories = pl.read_database("SELECT name FROM category", con)["name"]
    zips = us_zips().select("postcode", "region", "area_code")
    joined = address.join(zips, left_on="postal_code", right_on="postcode", how="left")
    assert joined.height == 1000
    assert (joined["district"] == cut(joined["region"], 20)).all()  # every ZIP in its state
    area = joined["phone"].str.extract(r"^\+1 (\d{3})-")
    assert (area == joined["area_code"].str.slice(0, 3)).mean() > 0.95
    assert _emails_follow_names(customers, "first_name", "last_name", "email") == 1.0
    for first, last, username in staff.rows():
        assert (_ascii(first) + "_" + _ascii(last))[:16].startswith(
            username[:16].rstrip("0123456789")
        )
    words = {w.title() for w in lexicon("en").words.to_list()}
    assert all(set(name.split()) <= words for name in categories)  # cut between words


def test_zip_state_and_email_agree_in_a_plain_customer_table(
    postgres_server: str, tmp_path: Path
) -> None:
    source = _database(
        postgres_server,
        "contacts",
        """CREATE TABLE contacts (
            id serial PRIMARY KEY, first_name varchar(40), last_name varchar(40),
            email varchar(120), city varchar(60), state char(2), zip varchar(10)
        );""",
    )
    spec = suggest_spec(read_schema(source), rows=2000, name="contacts")
    columns = spec["tables"]["contacts"]["columns"]
    assert columns["state"]["generator"]["part"] == "region_code"
    assert columns["email"]["generator"]["part"] == "email"
    frame = fauxdata.generate(spec).frames["contacts"].drop_nulls()
    assert frame.height > 1000
    zips = us_zips().select("postcode", "city", "region_code")
    joined = frame.join(zips, left_on="zip", right_on="postcode", how="left")
    assert (joined["state"] == joined["region_code"]).all()  # 100% ZIP-state agreement
    assert (joined["city"] == joined["city_right"]).all()
    assert frame["state"].str.len_chars().max() == 2
    assert _emails_follow_names(frame, "first_name", "last_name", "email") == 1.0


def test_northwind_defaults(postgres_server: str) -> None:
    source = postgres_database(postgres_server, "northwind__defaults")
    found = read_schema(source)
    role = {name: r for name, (r, _) in roles(found).items()}
    assert {role[t] for t in ("region", "shippers", "categories", "us_states")} == {"reference"}
    assert role["orders"] == role["order_details"] == "event"
    assert role["employee_territories"] == "link"
    spec = suggest_spec(found, rows=500, name="northwind")
    tables = spec["tables"]
    orders = tables["orders"]["columns"]
    assert orders["shipped_date"]["generator"]["column"] == "order_date"
    assert orders["required_date"]["generator"]["column"] == "order_date"
    assert orders["ship_city"]["generator"] == {
        "kind": "address",
        "part": "city",
        "group": "ship",
        "countries": orders["ship_country"]["generator"]["countries"],
    }
    employees = tables["employees"]["columns"]
    assert employees["reports_to"]["generator"]["kind"] == "hierarchy"
    assert employees["title"]["generator"] == "job_title"
    assert tables["products"]["columns"]["product_name"]["generator"] == "title"
    assert tables["suppliers"]["columns"]["company_name"]["generator"] == "company"
    frame = fauxdata.generate(spec, tables=["employees"]).frames["employees"]
    managers = frame["reports_to"].drop_nulls()
    assert managers.len() == frame.height - 3  # three roots
    assert set(managers) <= set(frame["employee_id"])
    assert (frame["hire_date"] > frame["birth_date"]).all()  # birth before anything
    zips = us_zips().select("postcode", "region")
    us = (
        frame.drop_nulls(["region", "postal_code"])
        .filter(pl.col("country") == "United States")
        .join(zips, left_on="postal_code", right_on="postcode", how="left")
    )
    assert us.height > 100 and (us["region"] == cut(us["region_right"], 15)).all()
    names = {countries()[code]["name"]: code for code in ("GB", "DE", "NL", "FR", "ES")}
    parts = frame.drop_nulls(["city", "region", "country"])
    abroad = parts.filter(pl.col("country").is_in(list(names))).with_columns(
        pl.col("country").replace_strict(names).alias("code")
    )
    places = world_places().select(
        "country_code", cut(world_places()["city"], 15), cut(world_places()["region"], 15)
    )
    found = abroad.join(
        places,
        left_on=["code", "city", "region"],
        right_on=["country_code", "city", "region"],
        how="semi",
    )
    assert abroad.height > 100 and found.height == abroad.height  # city in region and country


def _hr() -> ModuleType:
    loaded = importlib.util.spec_from_file_location("hr_api_server", HR_SERVER)
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return module


def test_hr_api_extracted_fresh_gives_a_consistent_organisation() -> None:
    hr = _hr()
    endpoints = ["/employee", "/compensation", "/departments", "/offices", "/teams"]
    with running(hr.make_server(0, None)) as url:
        extraction = extract(Source.api("hr", url, endpoints, None, {}))
    spec = build_spec(extraction, {"employees": 200}, 7)
    text = dump_yaml(spec)
    assert "- PART_TIME" in text and "- CONTRACTOR" in text and "- INTERN" in text
    frame = fauxdata.generate(spec).frames["employees"]
    assert frame.height == 200
    managers = frame["manager_id"].drop_nulls()
    assert managers.len() > 150 and set(managers) <= set(frame["id"])
    both = frame.drop_nulls(["created_at", "updated_at"])
    assert both.height > 150 and (both["updated_at"] >= both["created_at"]).all()
    assert _emails_follow_names(frame, "first_name", "last_name", "email") == 1.0
    assert frame["employment_type"].n_unique() >= 3
    places = frame.select(
        pl.col("home_address__city").alias("city"),
        pl.col("home_address__postal_code").alias("postcode"),
        pl.col("home_address__country").alias("country"),
    ).drop_nulls()
    us = places.filter(pl.col("country") == "US")
    zips = us.join(us_zips(), on="postcode", how="left")
    assert us.height > 20 and (zips["city"] == zips["city_right"]).all()
    abroad = places.filter(pl.col("country") != "US")
    cities = abroad.join(
        world_places(), left_on=["country", "city"], right_on=["country_code", "city"], how="semi"
    )
    assert abroad.height > 20 and cities.height == abroad.height  # no Dixon in Lithuania
    for code, postcode in abroad.select("country", "postcode").rows():
        assert re.fullmatch(countries()[code]["postcode_regex"].strip("^$"), postcode), postcode


def test_varchar_cut_keeps_whole_words() -> None:
    text = pl.Series(["Academy Dinosaur Returns", "Supercalifragilistic", "Ace Goldfinger", None])
    assert cut(text, 16).to_list() == [
        "Academy Dinosaur",
        "Supercalifragili",
        "Ace Goldfinger",
        None,
    ]
    assert cut(text, 7).to_list() == ["Academy", "Superca", "Ace", None]
    assert cut(text, 16, words=False).to_list() == [
        "Academy Dinosaur",
        "Supercalifragili",
        "Ace Goldfinger",
        None,
    ]


@pytest.mark.parametrize("length", [1, 3, 7, 10, 44])
def test_varchar_cut_over_ascii_bytes_equals_the_regex_rule(length: int) -> None:
    """The NumPy word cut for ASCII text gives what the documented regex gives, on
    random text with runs of spaces, tabs and newlines, values of every length, NULLs
    and real sentences; non-ASCII text (the regex path) is cut the same way."""
    import numpy as np

    rng = np.random.default_rng(length)
    alphabet = np.array(list("ab  c\td.xyz\n"))
    values: list[str | None] = [
        "".join(rng.choice(alphabet, int(rng.integers(0, 60)))) for _ in range(3000)
    ]
    values += [None, "", " ", "x" * 60, " lead", "end ", "Ace Goldfinger Returns."]
    values += lexicon("en").words.head(500).to_list()
    for text in (pl.Series(values), pl.Series([*values, "Über die Brücke gehen wir"])):
        head = text.str.slice(0, length + 1).str.extract(r"(?s)^(.*\S)\s", 1)
        expected = pl.select(
            pl.when(text.str.len_chars() > length)
            .then(pl.coalesce(head, text.str.slice(0, length)))
            .otherwise(text)
        ).to_series()
        assert cut(text, length).to_list() == expected.to_list()


def test_enum_widening_follows_the_style_seen() -> None:
    assert widen("employment_type", ["FULL_TIME"]) == (
        ["FULL_TIME", "PART_TIME", "CONTRACTOR", "INTERN"],
        [0.7, 0.18, 0.09, 0.03],
    )
    assert widen("status", ["Active"])[0][:3] == ["Active", "Inactive", "On leave"]
    assert widen("status", ["weird"]) == (["weird"], None)  # no family holds it: as seen
    assert (
        render("on_leave", "FullTime") == "OnLeave" and render("on_leave", "fullTime") == "onLeave"
    )
    assert render("on_leave", "x-y") == "on-leave" and render("on_leave", "Full Time") == "On Leave"


def test_a_short_country_column_keeps_the_countries_whose_name_fits() -> None:
    columns = {
        "id": SourceColumn("id", "integer", False),
        "city": SourceColumn("city", "varchar", True, length=30),
        "country": SourceColumn("country", "varchar", True, length=10),
        "zip": SourceColumn("zip", "varchar", True, length=10),
    }
    table = SourceTable("customers", columns, primary_key=["id"])
    spec = suggest_spec(
        SourceSchema("postgresql", "x", None, {"customers": table}), rows=300, name="c"
    )
    generators = [c["generator"] for c in spec["tables"]["customers"]["columns"].values()][1:]
    assert {g["countries"] == {"DE": 0.12, "FR": 0.12, "ES": 0.12} for g in generators} == {True}
    frame = fauxdata.generate(spec).frames["customers"].drop_nulls()
    assert set(frame["country"]) == {"Germany", "France", "Spain"}
