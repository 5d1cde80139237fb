"""PostGIS geometries as EWKT text, built column-wise: centres, then rings and lines of
a fixed number of vertices, formatted with Polars string expressions (no per-row loop).

Every value is valid per ``ST_IsValid``: a polygon's ring visits its vertices at
strictly increasing angles around its centre (a star-shaped ring never crosses itself),
a multipolygon's two rings sit three radii apart (they never touch), and a line steps
a positive distance each time. Numbers are written in fixed notation, never ``1e-07``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.engine.rng import Stream
from fauxdata.generators.base import Generator, Rows
from fauxdata.generators.places import world_places
from fauxdata.spec.spatial import Geometry

F64 = npt.NDArray[np.float64]
_RING = 6
"""Vertices of a polygon's ring (closed by repeating the first)."""
_LINE = 4
"""Points of a line."""
_METRES = {3857, 900913, 3395, 102100}
"""Web Mercator and its aliases: metres, projected from longitude/latitude."""
_EARTH = 6_378_137.0


class GeometryGenerator(Generator):
    kinds = ("geometry",)
    spec: Geometry

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        spec, stream = self.spec, self.ctx.stream()
        metres = spec.srid in _METRES
        scale = 111_320.0 if metres else 1.0
        x, y = self._centres(rows, stream.child("centre"))
        if metres:
            x, y = _mercator(x, y)
        text = _Writer(spec, stream, rows, spec.size * scale, 2 if metres else 6)
        measured = "M" if spec.dimensions == "xym" else ""  # three numbers alone mean x y z
        match spec.shape:
            case "point":
                body = text.point(x, y, "p")
            case "linestring":
                body = text.line(x, y, "l")
            case "polygon":
                body = text.polygon(x, y, "r")
            case "multipoint":
                step = 3 * spec.size * scale
                body = text.join([text.point(x + i * step, y, f"p{i}") for i in range(3)])
            case "multilinestring":
                step = 3 * spec.size * scale
                body = text.join([text.line(x, y + i * step, f"l{i}") for i in range(2)])
            case "multipolygon":
                step = 3 * spec.size * scale
                rings = [text.polygon(x + i * step, y, f"r{i}") for i in range(2)]
                body = text.join(rings)
            case _:  # geometrycollection: a point beside a polygon
                step = 3 * spec.size * scale
                point = pl.concat_str([pl.lit("POINT" + measured), text.point(x, y, "p")])
                ring = pl.concat_str([pl.lit("POLYGON" + measured), text.polygon(x + step, y, "r")])
                body = text.join([point, ring])
        keyword = spec.shape.upper() + measured
        prefix = f"SRID={spec.srid};" if spec.srid else ""
        return (
            pl.select(pl.concat_str([pl.lit(prefix + keyword), body]))
            .to_series()
            .alias(self.ctx.column)
        )

    def _centres(self, rows: Rows, stream: Stream) -> tuple[F64, F64]:
        spec = self.spec
        if spec.bbox is not None:
            low_x, low_y, high_x, high_y = spec.bbox
            return (
                low_x + stream.child("x").uniform(rows) * (high_x - low_x),
                low_y + stream.child("y").uniform(rows) * (high_y - low_y),
            )
        places = world_places()
        picked = stream.below(rows, places.height)
        # A little off the place itself; kept clear of the poles and the antimeridian.
        lon = (
            places["longitude"].to_numpy()[picked] + (stream.child("dx").uniform(rows) - 0.5) * 0.02
        )
        lat = (
            places["latitude"].to_numpy()[picked] + (stream.child("dy").uniform(rows) - 0.5) * 0.02
        )
        return np.clip(lon, -179.5, 179.5), np.clip(lat, -84.0, 84.0)


def _mercator(lon: F64, lat: F64) -> tuple[F64, F64]:
    return (
        np.radians(lon) * _EARTH,
        np.log(np.tan(math.pi / 4 + np.radians(lat) / 2)) * _EARTH,
    )


class _Writer:
    """Coordinates to WKT fragments, one Polars expression per vertex."""

    def __init__(self, spec: Geometry, stream: Stream, rows: Rows, size: float, decimals: int):
        self.spec, self.stream, self.rows = spec, stream, rows
        self.size, self.decimals = size, decimals

    def number(self, values: F64) -> pl.Expr:
        """Fixed notation with ``decimals`` digits: 12.345678, -0.000100."""
        unit = 10**self.decimals
        scaled = np.round(values * unit).astype(np.int64)
        magnitude = np.abs(scaled)
        return pl.concat_str(
            [
                pl.lit(pl.Series(np.where(scaled < 0, "-", ""))),
                pl.lit(pl.Series(magnitude // unit)).cast(pl.String),
                pl.lit("."),
                pl.lit(pl.Series(magnitude % unit)).cast(pl.String).str.zfill(self.decimals),
            ]
        )

    def vertex(self, x: F64, y: F64, name: str) -> pl.Expr:
        parts = [self.number(x), self.number(y)]
        if "z" in self.spec.dimensions:  # an elevation in metres
            parts.append(self.number(self.stream.child(name, "z").uniform(self.rows) * 500))
        if "m" in self.spec.dimensions:  # a measure along the way
            parts.append(self.number(self.stream.child(name, "m").uniform(self.rows) * 1000))
        return pl.concat_str(parts, separator=" ")

    def point(self, x: F64, y: F64, name: str) -> pl.Expr:
        return pl.concat_str([pl.lit("("), self.vertex(x, y, name), pl.lit(")")])

    def line(self, x: F64, y: F64, name: str) -> pl.Expr:
        heading = self.stream.child(name, "heading").uniform(self.rows) * 2 * math.pi
        points = [self.vertex(x, y, f"{name}0")]
        for i in range(1, _LINE):
            turn = (self.stream.child(name, "turn", i).uniform(self.rows) - 0.5) * (math.pi / 2)
            heading = heading + turn
            x = x + self.size * np.cos(heading)
            y = y + self.size * np.sin(heading)
            points.append(self.vertex(x, y, f"{name}{i}"))
        return pl.concat_str([pl.lit("("), pl.concat_str(points, separator=","), pl.lit(")")])

    def polygon(self, x: F64, y: F64, name: str) -> pl.Expr:
        """One ring, counter-clockwise: angle i * 60 degrees plus up to half a step."""
        step = 2 * math.pi / _RING
        start = self.stream.child(name, "start").uniform(self.rows) * step
        vertices = []
        for i in range(_RING):
            angle = start + i * step + self.stream.child(name, "a", i).uniform(self.rows) * step / 2
            radius = self.size * (0.6 + 0.4 * self.stream.child(name, "r", i).uniform(self.rows))
            vertices.append((x + radius * np.cos(angle), y + radius * np.sin(angle)))
        points = [self.vertex(vx, vy, f"{name}{i}") for i, (vx, vy) in enumerate(vertices)]
        points.append(points[0])
        return pl.concat_str([pl.lit("(("), pl.concat_str(points, separator=","), pl.lit("))")])

    def join(self, members: list[pl.Expr]) -> pl.Expr:
        """Members of a multi-geometry or a collection, inside one pair of parentheses."""
        return pl.concat_str([pl.lit("("), pl.concat_str(members, separator=","), pl.lit(")")])
