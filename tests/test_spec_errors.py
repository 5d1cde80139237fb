"""Bad specs fail before anything runs, with the path, what was found and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

import fauxdata
from fauxdata.errors import SpecError
from fauxdata.spec import load_spec


def spec(tables: dict) -> dict:
    return {"name": "t", "seed": 1, "tables": tables}


def problems(data: dict | str) -> list[str]:
    with pytest.raises(SpecError) as info:
        fauxdata.check(data)
    return [str(p) for p in info.value.problems]


GOOD_ID = {"generator": "sequence"}


def test_unknown_key_suggests_the_closest() -> None:
    found = problems(
        spec({"a": {"rows": 1, "columns": {"id": {"generator": "sequence", "nulrate": 0.1}}}})
    )
    assert found == [
        "tables.a.columns.id.nulrate: unknown key 'nulrate' (did you mean 'null_rate'?)"
    ]


def test_unknown_generator_kind_suggests_the_closest() -> None:
    (found,) = problems(
        spec({"a": {"rows": 1, "columns": {"id": {"generator": {"kind": "sequense"}}}}})
    )
    assert found.startswith("tables.a.columns.id.generator: unknown generator kind 'sequense'")
    assert "did you mean 'sequence'" in found


def test_impossible_range_names_the_generator_path() -> None:
    (found,) = problems(
        spec(
            {
                "a": {
                    "rows": 1,
                    "columns": {"x": {"generator": {"kind": "uniform_int", "min": 9, "max": 1}}},
                }
            }
        )
    )
    assert found == "tables.a.columns.x.generator.uniform_int: min (9) is greater than max (1)"


def test_ratios_that_do_not_sum_to_one() -> None:
    (found,) = problems(
        spec(
            {
                "a": {
                    "rows": 1,
                    "columns": {
                        "x": {"generator": {"kind": "choice", "values": {"A": 0.5, "B": 0.4}}}
                    },
                }
            }
        )
    )
    assert "ratios sum to 0.9; expected 1" in found


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        spec(
            {
                "a": {"rows": -1, "columns": {"x": {"type": "intger", "generator": "sequence"}}},
                "b": {"rows": 1, "columns": {"y": {"generator": {"kind": "normal", "std": 0}}}},
            }
        )
    )
    assert any(p.startswith("tables.a.rows:") for p in found)
    assert any(
        "tables.a.columns.x.type: unknown type 'intger'; did you mean 'integer'?" in p
        for p in found
    )
    assert any(p.startswith("tables.b.columns.y.generator.normal.std:") for p in found)


def test_unknown_column_in_template() -> None:
    (found,) = problems(
        spec(
            {
                "a": {
                    "rows": 1,
                    "columns": {
                        "first_name": {"generator": {"kind": "constant", "value": "Ann"}},
                        "email": {
                            "generator": {"kind": "template", "template": "{frist_name}@x.org"}
                        },
                    },
                }
            }
        )
    )
    assert found.startswith(
        "tables.a.columns.email.generator.template: unknown column '{frist_name}'"
    )
    assert "did you mean 'first_name'" in found


def test_foreign_key_to_missing_table_and_column() -> None:
    found = problems(
        spec(
            {
                "parent": {"rows": 1, "primary_key": "id", "columns": {"id": GOOD_ID}},
                "a": {
                    "rows": 1,
                    "columns": {
                        "p": {"generator": {"kind": "foreign_key", "references": "parnt.id"}}
                    },
                },
                "b": {
                    "rows": 1,
                    "columns": {
                        "p": {"generator": {"kind": "foreign_key", "references": "parent.idd"}}
                    },
                },
            }
        )
    )
    assert (
        "tables.a.columns.p.generator.references: unknown table 'parnt' (did you mean 'parent'?)"
        in found
    )
    assert (
        "tables.b.columns.p.generator.references: unknown column 'idd' in table 'parent' (did you mean 'id'?)"
        in found
    )


def test_foreign_key_to_a_column_that_is_not_a_key() -> None:
    (found,) = problems(
        spec(
            {
                "parent": {
                    "rows": 1,
                    "columns": {
                        "id": GOOD_ID,
                        "name": {"generator": {"kind": "constant", "value": "x"}},
                    },
                },
                "child": {
                    "rows": 1,
                    "columns": {
                        "p": {"generator": {"kind": "foreign_key", "references": "parent.name"}}
                    },
                },
            }
        )
    )
    assert "'parent.name' is neither a primary key nor unique" in found


def test_type_mismatch_between_generator_and_declared_type() -> None:
    (found,) = problems(
        spec(
            {
                "a": {
                    "rows": 1,
                    "columns": {
                        "d": {
                            "type": "integer",
                            "generator": {
                                "kind": "date",
                                "start": "2020-01-01",
                                "end": "2020-02-01",
                            },
                        }
                    },
                }
            }
        )
    )
    assert found.startswith(
        "tables.a.columns.d.type: generator 'date' makes date values; found type 'integer'"
    )


def test_cycle_between_tables_names_the_cycle() -> None:
    (found,) = problems(
        spec(
            {
                "departments": {
                    "rows": 2,
                    "primary_key": "id",
                    "columns": {
                        "id": GOOD_ID,
                        "head_id": {
                            "generator": {"kind": "foreign_key", "references": "employees.id"}
                        },
                    },
                },
                "employees": {
                    "rows": 2,
                    "primary_key": "id",
                    "columns": {
                        "id": GOOD_ID,
                        "dept_id": {
                            "generator": {"kind": "foreign_key", "references": "departments.id"}
                        },
                    },
                },
            }
        )
    )
    assert "cycle" in found and "departments.head_id" in found and "employees.dept_id" in found


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: t\ntables:\n  a: {rows: 1\n")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert str(info.value).startswith(f"{path}: line ")
    assert "malformed YAML" in str(info.value)


def test_yaml_nested_thousands_deep_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="nested too deep to read"):
        load_spec("name: s\ntables: " + "[" * 3000 + "]" * 3000 + "\n# two lines: text")


def test_spec_that_is_not_a_mapping() -> None:
    with pytest.raises(SpecError, match="a spec must be a mapping"):
        load_spec("- just\n- a list\n")


def test_unknown_timezone_and_bad_format() -> None:
    found = problems(
        spec(
            {
                "a": {
                    "rows": 1,
                    "columns": {
                        "ts": {
                            "generator": {
                                "kind": "timestamp",
                                "start": "2020-01-01T00:00:00",
                                "end": "2020-01-02T00:00:00",
                                "timezone": "Mars/Base",
                            }
                        },
                        "code": {"generator": {"kind": "formatted_id", "format": "EMP-{:06d}-{}"}},
                    },
                }
            }
        )
    )
    assert any("unknown time zone 'Mars/Base'" in p for p in found)
    assert any(p.startswith("tables.a.columns.code.generator.formatted_id.format:") for p in found)


def test_unique_on_a_generator_without_a_finite_domain() -> None:
    with pytest.raises(fauxdata.FauxdataError) as info:
        fauxdata.check(
            spec(
                {
                    "a": {
                        "rows": 5,
                        "columns": {"x": {"unique": True, "generator": {"kind": "normal"}}},
                    }
                }
            )
        )
    assert info.value.path == "tables.a.columns.x"
    assert "cannot guarantee unique values" in info.value.message


def test_unique_domain_too_small() -> None:
    with pytest.raises(fauxdata.GenerationError) as info:
        fauxdata.check(
            spec(
                {
                    "a": {
                        "rows": 11,
                        "columns": {
                            "x": {
                                "unique": True,
                                "generator": {"kind": "uniform_int", "min": 1, "max": 10},
                            }
                        },
                    }
                }
            )
        )
    assert info.value.path == "tables.a.columns.x"
    assert (
        "unique domain too small" in info.value.message
        and "10 distinct values" in info.value.message
    )


def test_overrides_name_unknown_tables() -> None:
    data = spec({"employees": {"rows": 1, "columns": {"id": GOOD_ID}}})
    with pytest.raises(SpecError) as info:
        fauxdata.check(data, rows={"employes": 5})
    assert (
        str(info.value.problems[0])
        == "--rows employes: no table 'employes' (did you mean 'employees'?)"
    )
