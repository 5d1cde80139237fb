"""Payloads from published JSON Schemas nobody on the team wrote (PROJ, GDAL,
setuptools, the JSON Schema meta-schemas): every generated document validates, the
same seed gives the same documents, and what cannot be honoured is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import jsonschema_specifications
import pytest

import fauxdata
from fauxdata.errors import FauxdataError

CORPUS = Path(__file__).parent / "data" / "json_schemas"
META = Path(jsonschema_specifications.__file__).parent / "schemas"
SCHEMAS = [
    CORPUS / "projjson.schema.json",
    CORPUS / "triangulation.schema.json",
    CORPUS / "deformation_model.schema.json",
    CORPUS / "gdalmdiminfo_output.schema.json",
    CORPUS / "setuptools.schema.json",
    META / "draft4" / "metaschema.json",
    META / "draft6" / "metaschema.json",
    META / "draft7" / "metaschema.json",
]


def _spec(schema: Path, rows: int = 400, seed: int = 11) -> dict[str, object]:
    return {
        "name": "payloads",
        "seed": seed,
        "tables": {
            "docs": {
                "rows": rows,
                "columns": {"body": {"generator": {"kind": "json", "schema_file": str(schema)}}},
            }
        },
    }


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_document_validates_against_a_published_schema(schema: Path) -> None:
    document = json.loads(schema.read_text())
    validator_class = jsonschema.validators.validator_for(document)
    validator = validator_class(document, format_checker=validator_class.FORMAT_CHECKER)
    bodies = fauxdata.generate(_spec(schema, rows=150)).frames["docs"]["body"]
    invalid = []
    for text in bodies:
        doc = json.loads(text)
        if not validator.is_valid(doc):
            invalid.append(jsonschema.exceptions.best_match(validator.iter_errors(doc)).message)
    assert not invalid, f"{len(invalid)} of {len(bodies)} invalid; first: {invalid[0][:300]}"
    assert bodies.n_unique() > len(bodies) // 2  # varied documents, not one repeated
    again = fauxdata.generate(_spec(schema, rows=150)).frames["docs"]["body"]
    assert again.equals(bodies)


def test_recursive_schemas_nest_and_stay_finite() -> None:
    bodies = fauxdata.generate(_spec(CORPUS / "projjson.schema.json")).frames["docs"]["body"]

    def depth(value: object) -> int:
        if isinstance(value, dict):
            return 1 + max((depth(v) for v in value.values()), default=0)
        if isinstance(value, list):
            return 1 + max((depth(v) for v in value), default=0)
        return 0

    depths = [depth(json.loads(text)) for text in bodies]
    assert max(depths) >= 4  # a CRS holding CRSs holding datums, as real ones do
    assert max(depths) < 40


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (
            {"$ref": "https://example.com/other.json"},
            "points outside the schema file",
        ),
        (
            {
                "type": "object",
                "required": ["child"],
                "properties": {"child": {"$ref": "#"}},
            },
            "nesting deeper than",
        ),
        ({"type": "object", "required": ["x"], "properties": {"x": False}}, "schema is false"),
        ({"type": "array"}, "root must be an object"),
        ({"$ref": "#/definitions/missing"}, "does not resolve"),
    ],
)
def test_what_cannot_be_honoured_is_a_clear_error(
    tmp_path: Path, schema: dict[str, object], message: str
) -> None:
    path = tmp_path / "s.schema.json"
    path.write_text(json.dumps(schema))
    with pytest.raises(FauxdataError, match=message) as caught:
        fauxdata.generate(_spec(path, rows=10))
    assert caught.value.path == "tables.docs.columns.body.generator"


def test_a_remote_meta_schema_is_refused_by_name() -> None:
    with pytest.raises(FauxdataError, match="'meta/core' points outside"):
        fauxdata.generate(_spec(META / "draft202012" / "metaschema.json", rows=10))


def test_tuples_keep_each_position_and_unique_items_hold(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "required": ["point", "tags"],
        "properties": {
            "point": {
                "type": "array",
                "items": [{"type": "number", "minimum": -90, "maximum": 90}, {"type": "string"}],
                "additionalItems": False,
            },
            "tags": {
                "type": "array",
                "items": {"type": "string", "maxLength": 2},
                "minItems": 1,
                "maxItems": 6,
                "uniqueItems": True,
            },
        },
    }
    path = tmp_path / "s.schema.json"
    path.write_text(json.dumps(schema))
    docs = [json.loads(t) for t in fauxdata.generate(_spec(path)).frames["docs"]["body"]]
    validator = jsonschema.Draft7Validator(schema)
    for doc in docs:
        validator.validate(doc)
        assert len(doc["point"]) == 2 and isinstance(doc["point"][1], str)
    assert max(len(d["tags"]) for d in docs) > 1
    spec = _spec(path)
    spec["tables"]["docs"]["columns"]["body"]["type"] = "struct"  # type: ignore[index]
    with pytest.raises(FauxdataError, match="is a tuple"):
        fauxdata.generate(spec)


def test_siblings_of_a_ref_hold_as_well(tmp_path: Path) -> None:
    schema = {
        "$defs": {
            "base": {
                "type": "object",
                "properties": {"a": {"type": "integer", "minimum": 5}},
                "required": ["a"],
            }
        },
        "type": "object",
        "required": ["x"],
        "properties": {
            "x": {
                "$ref": "#/$defs/base",
                "properties": {"b": {"const": 1}},
                "required": ["b"],
            }
        },
    }
    path = tmp_path / "s.schema.json"
    path.write_text(json.dumps(schema))
    docs = [json.loads(t) for t in fauxdata.generate(_spec(path, rows=50)).frames["docs"]["body"]]
    validator = jsonschema.Draft202012Validator(schema)
    for doc in docs:
        validator.validate(doc)
        assert set(doc["x"]) == {"a", "b"} and doc["x"]["a"] >= 5
