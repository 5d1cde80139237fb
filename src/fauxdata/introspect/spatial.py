"""PostGIS columns read from the catalog: ``geometry(Polygon,4326)`` names the shape, the
dimensions and the SRID every value must have, which reflection does not say."""

from __future__ import annotations

import re

from fauxdata.introspect.model import SourceColumn

SHAPES = {
    "point": "point",
    "linestring": "linestring",
    "polygon": "polygon",
    "multipoint": "multipoint",
    "multilinestring": "multilinestring",
    "multipolygon": "multipolygon",
    "geometrycollection": "geometrycollection",
    "geometry": "point",  # any geometry: a point is one
}
"""PostGIS geometry types (lower case) to the shape fauxdata draws for them."""

_TYPMOD = re.compile(
    r"^(geometry|geography)(?:\((?P<shape>[a-z]+?)(?P<dims>zm|z|m)?(?:,\s*(?P<srid>\d+))?\))?$"
)


def spatial(column: SourceColumn, formatted: str) -> bool:
    """Fill a geometry or geography column's type, shape, dimensions and SRID from its
    ``format_type`` text; False when the text is not a PostGIS type. A shape fauxdata
    cannot draw (``CircularString``, ``TIN``, ...) stays in the type's name, which init
    then reports as having no generator."""
    found = _TYPMOD.match(formatted.lower())
    if found is None:
        return False
    kind = found.group(1)
    shape = found.group("shape") or "geometry"
    column.type = kind if shape in SHAPES else f"{kind}({shape})"
    column.geometry = SHAPES.get(shape, shape)
    column.dimensions = "xy" + (found.group("dims") or "")
    srid = found.group("srid")
    column.srid = int(srid) if srid else (4326 if kind == "geography" else 0)
    return True
