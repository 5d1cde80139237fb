"""The ``geometry`` generator kind: PostGIS values as EWKT text.

    location: {generator: {kind: geometry, shape: polygon, srid: 4326}}

``init`` writes it for ``geometry(Polygon,4326)`` and ``geography(Point)`` columns from
the type, dimensions and SRID the catalog declares. The spec only describes; drawing
lives in ``fauxdata.generators.spatial``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from fauxdata.spec.base import Strict

Shape = Literal[
    "point",
    "linestring",
    "polygon",
    "multipoint",
    "multilinestring",
    "multipolygon",
    "geometrycollection",
]


class Geometry(Strict):
    """Valid geometries (``ST_IsValid``) as EWKT, ``SRID=4326;POLYGON((...))``, which
    PostgreSQL parses into a geometry or geography column on load. Without ``bbox``,
    shapes sit at real populated places (GeoNames), in longitude/latitude, or in metres
    for Web Mercator (3857); a polygon is a small jittered ring around its centre."""

    kind: Literal["geometry"]
    shape: Shape = "point"
    srid: int = Field(default=4326, ge=0, description="0 writes plain WKT (no SRID).")
    dimensions: Literal["xy", "xyz", "xym", "xyzm"] = Field(
        default="xy", description="z: an elevation in metres; m: a measure."
    )
    size: float = Field(
        default=0.01,
        gt=0,
        le=10,
        description="A polygon's radius and a line's step, in degrees (metres: x 111,320).",
    )
    bbox: tuple[float, float, float, float] | None = Field(
        default=None,
        description="min_x, min_y, max_x, max_y: centres drawn uniformly in this box, "
        "in the SRID's units, instead of at populated places.",
    )

    @model_validator(mode="after")
    def _box_ordered(self) -> Geometry:
        if self.bbox is not None and not (
            self.bbox[0] < self.bbox[2] and self.bbox[1] < self.bbox[3]
        ):
            raise ValueError(f"bbox {list(self.bbox)} must be min_x, min_y, max_x, max_y")
        return self
