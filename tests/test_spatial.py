"""PostGIS columns: init reads each column's shape, dimensions and SRID from the catalog,
and every generated value is valid, in that SRID and shape, on a real PostGIS."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from fauxdata.introspect.model import SourceColumn
from fauxdata.introspect.spatial import spatial
from fauxdata.run import generate
from tests.support.cli import fauxdata as cli
from tests.support.postgres import create_database, require_postgis

PLACES = """
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE places (
  place_id integer PRIMARY KEY,
  spot geometry(Point,4326) NOT NULL,
  route geometry(LineString,4326) NOT NULL,
  area geometry(Polygon,4326) NOT NULL,
  spots geometry(MultiPoint,4326) NOT NULL,
  routes geometry(MultiLineString,4326) NOT NULL,
  areas geometry(MultiPolygon,4326) NOT NULL,
  bundle geometry(GeometryCollection,4326) NOT NULL,
  tile geometry(PolygonZ,3857) NOT NULL,
  track geometry(LineStringM,4326) NOT NULL,
  anything geometry NOT NULL,
  here geography(Point) NOT NULL,
  zone geography(Polygon,4326) NOT NULL,
  arc geometry(CircularString,4326)
);
"""


@pytest.mark.parametrize(
    ("formatted", "expected"),
    [
        ("geometry(Polygon,4326)", ("geometry", "polygon", "xy", 4326)),
        ("geometry(PointZ,3857)", ("geometry", "point", "xyz", 3857)),
        ("geometry(MultiLineStringZM,4326)", ("geometry", "multilinestring", "xyzm", 4326)),
        ("geography(Point)", ("geography", "point", "xy", 4326)),
        ("geometry", ("geometry", "point", "xy", 0)),
        (
            "geometry(CircularString,4326)",
            ("geometry(circularstring)", "circularstring", "xy", 4326),
        ),
    ],
)
def test_typmods_are_read(formatted: str, expected: tuple[str, str, str, int]) -> None:
    column = SourceColumn("g", "text", True)
    assert spatial(column, formatted)
    assert (column.type, column.geometry, column.dimensions, column.srid) == expected
    assert not spatial(SourceColumn("g", "text", True), "character varying(25)")


def test_geometries_are_deterministic_and_fixed_notation() -> None:
    spec = {
        "name": "geo",
        "tables": {
            "t": {
                "rows": 500,
                "columns": {
                    "g": {"type": "text", "generator": {"kind": "geometry", "shape": "polygon"}},
                    "box": {
                        "type": "text",
                        "generator": {"kind": "geometry", "srid": 0, "bbox": [0, 0, 0.001, 0.001]},
                    },
                },
            }
        },
    }
    first, again = (generate(spec, seed=3).frames["t"] for _ in range(2))
    assert first.equals(again)
    assert first["g"].str.starts_with("SRID=4326;POLYGON((").all()
    assert not first["box"].str.contains("e").any() and first["box"].str.starts_with("POINT(").all()


def test_postgis_columns_load_valid(postgres_server: str, tmp_path: Path) -> None:
    require_postgis()
    source, dev = (create_database(postgres_server, f"geo_{n}") for n in ("src", "dev"))
    for url in (source, dev):
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(PLACES)
    spec = tmp_path / "geo.yaml"
    done = cli("init", "--from", source, "--out", str(spec), "--rows", "3000", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stderr.split())
    assert "places.arc (geometry(circularstring)): no generator fits this type" in said, said
    assert "spatial_ref_sys" not in spec.read_text()  # the extension's own table
    loaded = cli("generate", str(spec), "--to", dev, "--json", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["verification"]["passed"]
    with psycopg.connect(dev) as con:
        declared = con.execute(
            "SELECT f_geometry_column, type, srid, coord_dimension FROM geometry_columns "
            "WHERE f_geometry_column <> 'arc' UNION ALL "
            "SELECT f_geography_column, type, srid, coord_dimension FROM geography_columns"
        ).fetchall()
        assert len(declared) == 12
        for column, shape, srid, dims in declared:
            value = f"{column}::geometry"
            row = con.execute(
                f"SELECT count(*), bool_and(ST_IsValid({value})), min(ST_SRID({value})), "
                f"max(ST_SRID({value})), min(GeometryType({value})), max(GeometryType({value})), "
                f"min(ST_NDims({value})) FROM places"
            ).fetchone()
            assert row is not None and row[0] == 3000 and row[1], (column, row)
            assert row[2] == row[3] == srid, (column, row)
            assert shape.upper() == "GEOMETRY" or row[4] == row[5] == shape.upper(), (column, row)
            assert row[6] == dims, (column, row)
        lon, lat = con.execute(
            "SELECT avg(ST_X(spot)), avg(abs(ST_Y(spot))) FROM places"
        ).fetchone()  # type: ignore[misc]
        assert -180 < lon < 180 and 0 < lat < 85
