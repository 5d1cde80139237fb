"""Relational integrity: every declared relation holds by construction and is verified.

Random schemas (chains, diamonds, self-references, composite keys, per-parent tables,
nullable cycles) are drawn with hypothesis; each must generate data that passes every
check and is identical across block sizes. Then each rule is broken on purpose, to show
the verifier catches it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fauxdata
from fauxdata.engine.cardinality import PerIndex
from fauxdata.errors import GenerationError, SpecError
from fauxdata.spec import relations as r

SHOP: dict[str, Any] = {
    "name": "rel",
    "seed": 11,
    "tables": {
        "customers": {
            "rows": 400,
            "primary_key": "customer_id",
            "columns": {
                "customer_id": {"generator": "sequence"},
                "signup_ts": {
                    "generator": {
                        "kind": "timestamp",
                        "start": "2022-01-01T00:00:00",
                        "end": "2024-12-31T00:00:00",
                        "timezone": "UTC",
                    }
                },
                "ltv": {"generator": {"kind": "lognormal", "mu": 3, "sigma": 1}},
                "currency": {"generator": {"kind": "choice", "values": ["EUR", "USD"]}},
            },
        },
        "orders": {
            "per": {
                "table": "customers",
                "count": {"kind": "poisson", "lam": 3},
                "min": 1,
                "max": 10,
            },
            "primary_key": "order_id",
            "columns": {
                "order_id": {"generator": "sequence"},
                "customer_id": {
                    "generator": {"kind": "foreign_key", "references": "customers.customer_id"}
                },
                "order_ts": {
                    "generator": {
                        "kind": "after",
                        "column": "customer_id.signup_ts",
                        "max_delay": "90d",
                    }
                },
                "currency": {"generator": {"kind": "lookup", "column": "customer_id.currency"}},
                "total": {
                    "generator": {"kind": "aggregate", "of": "order_items.amount", "fn": "sum"}
                },
            },
        },
        "products": {
            "rows": 30,
            "primary_key": "product_id",
            "columns": {"product_id": {"generator": "sequence"}},
        },
        "order_items": {
            "per": {"table": "orders", "count": {"kind": "range", "min": 1, "max": 5}},
            "primary_key": ["order_id", "line_no"],
            "unique": [["order_id", "product_id"]],
            "columns": {
                "order_id": {"generator": {"kind": "foreign_key", "references": "orders.order_id"}},
                "line_no": {"generator": "child_number"},
                "product_id": {
                    "generator": {"kind": "foreign_key", "references": "products.product_id"}
                },
                "amount": {"generator": {"kind": "uniform", "min": 1, "max": 100, "decimals": 2}},
            },
        },
        "employees": {
            "rows": 500,
            "primary_key": "id",
            "columns": {
                "id": {"generator": "sequence"},
                "manager_id": {
                    "generator": {
                        "kind": "hierarchy",
                        "references": "employees.id",
                        "roots": 2,
                        "span": 3,
                        "max_depth": 4,
                    }
                },
            },
        },
        "students": {"rows": 60, "primary_key": "id", "columns": {"id": {"generator": "sequence"}}},
        "courses": {"rows": 12, "primary_key": "id", "columns": {"id": {"generator": "sequence"}}},
        "enrollments": {
            "rows": 700,
            "primary_key": ["student_id", "course_id"],
            "columns": {
                "student_id": {"generator": {"kind": "foreign_key", "references": "students.id"}},
                "course_id": {"generator": {"kind": "foreign_key", "references": "courses.id"}},
            },
        },
    },
}


@pytest.fixture(scope="module")
def shop() -> fauxdata.RunResult:
    return fauxdata.generate(SHOP)


def test_every_relation_verifies(shop: fauxdata.RunResult) -> None:
    assert shop.report is not None
    assert shop.report.passed, [c for c in shop.report.checks if not c.passed]
    names = " ".join(c.name for c in shop.report.checks)
    for expected in (
        "Cardinality",
        "Hierarchy",
        "Temporal order",
        "Consistency",
        "Aggregate",
        "Primary key enrollments.student_id+course_id",
    ):
        assert expected in names


def test_children_per_parent_follow_the_bounds(shop: fauxdata.RunResult) -> None:
    counts = shop.frames["orders"].group_by("customer_id").len()["len"]
    assert counts.len() == 400  # min: 1 -> every customer has an order
    assert counts.min() >= 1 and counts.max() <= 10  # type: ignore[operator]
    assert 2.7 < counts.mean() < 3.6  # type: ignore[operator]
    lines = shop.frames["order_items"]
    assert lines.height == int(lines.group_by("order_id").len()["len"].sum())
    assert lines.group_by("order_id").agg(pl.col("line_no").max() == pl.len())["line_no"].all()


def test_hierarchy_is_a_forest_within_depth(shop: fauxdata.RunResult) -> None:
    emp = shop.frames["employees"]
    parent = dict(zip(emp["id"].to_list(), emp["manager_id"].to_list(), strict=True))
    assert sum(v is None for v in parent.values()) == 2
    for node in parent:
        depth = 0
        while parent[node] is not None:
            node = parent[node]
            depth += 1
            assert depth <= 4


def test_many_to_many_pairs_are_unique_and_dense(shop: fauxdata.RunResult) -> None:
    pairs = shop.frames["enrollments"]
    assert pairs.height == 700 and pairs.unique().height == 700  # 700 of 720 possible pairs


def test_parent_attributes_flow_to_children(shop: fauxdata.RunResult) -> None:
    orders = shop.frames["orders"].join(shop.frames["customers"], on="customer_id", suffix="_c")
    assert (orders["currency"] == orders["currency_c"]).all()
    delay = (orders["order_ts"] - orders["signup_ts"]).dt.total_seconds()
    assert delay.min() >= 0 and delay.max() <= 90 * 86400  # type: ignore[operator]
    sums = shop.frames["order_items"].group_by("order_id").agg(pl.col("amount").sum().alias("s"))
    joined = shop.frames["orders"].join(sums, on="order_id")
    assert ((joined["total"] - joined["s"]).abs() < 1e-9).all()


def test_pareto_and_weighted_parent_picks() -> None:
    spec = {
        "name": "skew",
        "seed": 3,
        "tables": {
            "customers": {
                "rows": 1000,
                "primary_key": "id",
                "columns": {
                    "id": {"generator": "sequence"},
                    "w": {"generator": {"kind": "uniform_int", "min": 0, "max": 9}},
                },
            },
            "tickets": {
                "rows": 50_000,
                "columns": {
                    "skewed": {
                        "generator": {
                            "kind": "foreign_key",
                            "references": "customers.id",
                            "distribution": {"kind": "pareto", "top": 0.2, "share": 0.8},
                        }
                    },
                    "weighted": {
                        "generator": {
                            "kind": "foreign_key",
                            "references": "customers.id",
                            "distribution": {"kind": "weighted", "column": "w"},
                        }
                    },
                },
            },
        },
    }
    result = fauxdata.generate(spec)
    counts = result.frames["tickets"]["skewed"].value_counts(sort=True)["count"]
    assert 0.77 < counts.head(200).sum() / 50_000 < 0.83
    weights = (
        result.frames["customers"]
        .join(
            result.frames["tickets"]["weighted"].value_counts(),
            left_on="id",
            right_on="weighted",
            how="left",
        )
        .fill_null(0)
    )
    assert weights.filter(pl.col("w") == 0)["count"].sum() == 0
    assert weights.select(pl.corr("w", "count")).item() > 0.9


def test_one_to_one_with_more_children_than_parents_fails() -> None:
    spec = {
        "name": "one",
        "tables": {
            "p": {"rows": 5, "primary_key": "id", "columns": {"id": {"generator": "sequence"}}},
            "c": {
                "rows": 6,
                "columns": {
                    "p_id": {
                        "unique": True,
                        "generator": {"kind": "foreign_key", "references": "p.id"},
                    }
                },
            },
        },
    }
    with pytest.raises(
        GenerationError,
        match="a unique foreign key takes each 'p' row at most once: 'p' has 5 rows but table 'c' has 6",
    ):
        fauxdata.check(spec)


def test_too_many_pairs_for_a_composite_key_fails() -> None:
    spec = json_copy(SHOP)
    spec["tables"]["enrollments"]["rows"] = 721
    with pytest.raises(
        GenerationError, match=r"\(student_id, course_id\) has only 720 distinct combinations"
    ):
        fauxdata.check(spec)


def test_non_nullable_cycle_names_the_cycle_and_a_nullable_one_generates() -> None:
    spec = {
        "name": "cyc",
        "tables": {
            "departments": {
                "rows": 3,
                "primary_key": "id",
                "columns": {
                    "id": {"generator": "sequence"},
                    "head_id": {"generator": {"kind": "foreign_key", "references": "employees.id"}},
                },
            },
            "employees": {
                "rows": 9,
                "primary_key": "id",
                "columns": {
                    "id": {"generator": "sequence"},
                    "dept_id": {
                        "generator": {"kind": "foreign_key", "references": "departments.id"}
                    },
                },
            },
        },
    }
    with pytest.raises(SpecError) as info:
        fauxdata.check(spec)
    message = str(info.value)
    assert (
        "departments.head_id -> employees.id" in message
        and "employees.dept_id -> departments.id" in message
    )
    assert "mark one foreign key in the cycle nullable" in message
    spec["tables"]["departments"]["columns"]["head_id"]["null_rate"] = 0.3
    plan = fauxdata.check(spec)
    deferred = [fk for t in plan.tables.values() for fk in t.foreign_keys if fk.deferred]
    assert [fk.columns for fk in deferred] == [("head_id",)]
    assert list(plan.tables) == ["departments", "employees"]
    assert fauxdata.generate(spec).report.passed  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            (
                "orders",
                "columns",
                "currency",
                {"generator": {"kind": "lookup", "column": "customer_idd.currency"}},
            ),
            "unknown column 'customer_idd'",
        ),
        (
            (
                "orders",
                "columns",
                "currency",
                {"generator": {"kind": "lookup", "column": "order_ts.currency"}},
            ),
            "'order_ts' in 'order_ts.currency' is not a foreign key",
        ),
        (
            (
                "orders",
                "columns",
                "total",
                {"generator": {"kind": "aggregate", "of": "products.product_id"}},
            ),
            "table 'products' is not generated per orders",
        ),
        (
            ("products", "columns", "n", {"generator": "child_number"}),
            "child_number needs a table generated per parent",
        ),
        (
            ("orders", "per", None, {"table": "custmers", "count": 2}),
            "unknown table 'custmers' (did you mean 'customers'?)",
        ),
        (
            (
                "orders",
                "columns",
                "customer_id",
                {
                    "type": "varchar(10)",
                    "generator": {"kind": "foreign_key", "references": "customers.customer_id"},
                },
            ),
            None,
        ),
        (
            (
                "employees",
                "columns",
                "manager_id",
                {"generator": {"kind": "hierarchy", "references": "customers.customer_id"}},
            ),
            "a hierarchy references its own table",
        ),
    ],
)
def test_bad_relations_fail_before_generation(
    change: tuple[str, str, str | None, Any], message: str | None
) -> None:
    spec = json_copy(SHOP)
    table, section, key, value = change
    if key is None:
        spec["tables"][table][section] = value
    else:
        spec["tables"][table][section][key] = value
    if message is None:  # an integer key stored as varchar: allowed cast, data still verifies
        assert fauxdata.generate(spec).report.passed  # type: ignore[union-attr]
        return
    with pytest.raises(SpecError, match=re.escape(message)):
        fauxdata.check(spec)


def test_type_mismatch_between_foreign_key_and_key() -> None:
    spec = json_copy(SHOP)
    spec["tables"]["orders"]["columns"]["customer_id"]["type"] = "date"
    with pytest.raises(
        SpecError, match="generator 'foreign_key' makes bigint values; found type 'date'"
    ):
        fauxdata.check(spec)


def test_verifier_catches_broken_relations(tmp_path: Path) -> None:
    db = tmp_path / "rel.duckdb"
    fauxdata.generate(SHOP, f"duckdb:///{db}")
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE employees SET manager_id = 2 WHERE id = 1")  # 1 -> 2 -> 1
        con.execute("UPDATE employees SET manager_id = 1 WHERE id = 2")
        con.execute("UPDATE orders SET order_ts = order_ts - INTERVAL 400 DAY WHERE order_id = 1")
        con.execute("UPDATE orders SET currency = 'GBP' WHERE order_id = 2")
        con.execute("UPDATE orders SET total = total + 1 WHERE order_id = 3")
        con.execute("DELETE FROM orders WHERE customer_id = 5")
    spec_file = tmp_path / "rel.json"
    import json

    spec_file.write_text(json.dumps(SHOP))
    from fauxdata.verify.existing import validate_target

    report = validate_target(spec_file, f"duckdb:///{db}").report
    failed = " | ".join(c.name for c in report.failures)
    for rule in (
        "Hierarchy employees.manager_id",
        "Temporal order: orders.order_ts",
        "Consistency: orders.currency",
        "Aggregate: orders.total",
        "Cardinality: every customers has [1, 10] orders",
    ):
        assert rule in failed


def json_copy(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value))


# --- random schemas -------------------------------------------------------------------


@st.composite
def schemas(draw: st.DrawFn) -> dict[str, Any]:
    """Chains, diamonds, self-references, composite keys, per-parent tables, nullable cycles."""
    n_tables = draw(st.integers(2, 5))
    tables: dict[str, Any] = {}
    for i in range(n_tables):
        name = f"t{i}"
        columns: dict[str, Any] = {"id": {"generator": "sequence"}}
        table: dict[str, Any] = {"primary_key": "id", "columns": columns}
        parents = draw(st.lists(st.integers(0, i - 1), max_size=2, unique=True)) if i else []
        for p in parents:
            columns[f"t{p}_id"] = {
                "generator": {
                    "kind": "foreign_key",
                    "references": f"t{p}.id",
                    "distribution": draw(st.sampled_from(["uniform", "zipf"])),
                }
            }
        if parents and draw(st.booleans()):
            table["per"] = {
                "table": f"t{parents[0]}",
                "count": {"kind": "poisson", "lam": draw(st.floats(0.5, 3))},
                "max": 6,
            }
            columns["n"] = {"generator": "child_number"}
        else:
            table["rows"] = draw(st.integers(1, 120))
        if draw(st.booleans()):
            columns["boss"] = {
                "generator": {
                    "kind": "hierarchy",
                    "references": f"{name}.id",
                    "roots": draw(st.integers(1, 3)),
                    "span": draw(st.floats(1, 4)),
                }
            }
        if len(parents) == 2 and "per" not in table and draw(st.booleans()):
            a, b = (f"t{p}_id" for p in parents)
            table["unique"] = [[a, b]]
        tables[name] = table
    if n_tables >= 2 and draw(st.booleans()):  # a nullable back-reference closes a cycle
        tables["t0"]["columns"]["back_id"] = {
            "null_rate": 0.5,
            "generator": {"kind": "foreign_key", "references": f"t{n_tables - 1}.id"},
        }
    return {"name": "random", "seed": draw(st.integers(0, 2**32)), "tables": tables}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=schemas(), block=st.integers(1, 50))
def test_random_schemas_verify_and_ignore_block_size(spec: dict[str, Any], block: int) -> None:
    try:
        reference = fauxdata.generate(spec)
    except GenerationError as exc:
        assert "distinct combinations" in exc.message or "has no rows" in exc.message
        return
    assert reference.report is not None and reference.report.passed, [
        c for c in reference.report.checks if not c.passed
    ]
    again = fauxdata.generate(spec, block_size=block, workers=2, verify_output=False)
    assert {n: t.digest for n, t in again.tables.items()} == {
        n: t.digest for n, t in reference.tables.items()
    }


def test_composite_foreign_key_to_a_composite_natural_key() -> None:
    spec = {
        "name": "nat",
        "seed": 4,
        "tables": {
            "customers": {
                "rows": 500,
                "primary_key": ["customer_no", "dob"],
                "columns": {
                    "customer_no": {"generator": {"kind": "uniform_int", "min": 1, "max": 300}},
                    "dob": {
                        "generator": {"kind": "date", "start": "1960-01-01", "end": "1960-12-31"}
                    },
                },
            },
            "visits": {
                "rows": 2000,
                "foreign_keys": [
                    {
                        "columns": ["customer_no", "customer_dob"],
                        "references": {"table": "customers", "columns": ["customer_no", "dob"]},
                    }
                ],
                "columns": {
                    "customer_no": {
                        "generator": {"kind": "foreign_key", "references": "customers.customer_no"}
                    },
                    "customer_dob": {"generator": {"kind": "lookup", "column": "customer_no.dob"}},
                },
            },
        },
    }
    result = fauxdata.generate(spec)
    assert result.report is not None and result.report.passed
    customers = result.frames["customers"]
    assert customers.select("customer_no", "dob").unique().height == 500  # jointly unique
    assert customers["customer_no"].n_unique() < 500  # while neither column is unique alone
    pairs = result.frames["visits"].join(
        customers,
        left_on=["customer_no", "customer_dob"],
        right_on=["customer_no", "dob"],
        how="anti",
    )
    assert pairs.height == 0
    fk = next(
        c
        for c in result.report.checks
        if c.name.startswith("FK integrity: all visits.customer_no,customer_dob")
    )
    assert fk.status == "pass"
    spec["tables"]["visits"]["columns"]["customer_dob"] = {
        "generator": {"kind": "date", "start": "1960-01-01", "end": "1960-12-31"}
    }
    with pytest.raises(
        SpecError,
        match="columns customer_no, customer_dob form a foreign key to customers but are not filled from it",
    ):
        fauxdata.check(spec)


def test_composite_key_through_a_composite_foreign_key_is_unique(
    fauxdata_tables: Callable[..., dict[str, Any]],
) -> None:
    """OpenStreetMap's relation_members: (relation_id, version) references relations and
    sequence_id completes the key; drawn jointly over the parent row, never colliding."""
    spec = {
        "name": "osm",
        "tables": {
            "relations": {
                "rows": 40,
                "primary_key": ["relation_id", "version"],
                "columns": {
                    "relation_id": {"generator": {"kind": "uniform_int", "min": 1, "max": 10}},
                    "version": {"generator": {"kind": "uniform_int", "min": 1, "max": 10}},
                },
            },
            "members": {
                "rows": 1500,
                "primary_key": ["relation_id", "version", "sequence_id"],
                "foreign_keys": [
                    {
                        "columns": ["relation_id", "version"],
                        "references": {"table": "relations", "columns": ["relation_id", "version"]},
                    }
                ],
                "columns": {
                    "relation_id": {
                        "generator": {"kind": "foreign_key", "references": "relations.relation_id"}
                    },
                    "version": {"generator": {"kind": "lookup", "column": "relation_id.version"}},
                    "sequence_id": {"generator": {"kind": "uniform_int", "min": 1, "max": 40}},
                },
            },
        },
    }
    members = fauxdata_tables(spec)["members"]
    assert members.select("relation_id", "version", "sequence_id").is_unique().all()


@pytest.mark.parametrize(
    ("count", "parents"),
    [
        (r.RangeCount(kind="range", min=0, max=7), 5_000),
        (r.RangeCount(kind="range", min=0, max=2), 300_000),
        (r.FixedCount(kind="fixed", n=1 << 31), 4),
        (r.FixedCount(kind="fixed", n=3), 130),
    ],
)
def test_the_compact_layout_answers_as_a_plain_offsets_array(
    count: r.ChildCount, parents: int
) -> None:
    """Only every 16th parent's offset is kept, with each parent's count in a byte (the
    rest are summed again from the counts): parent_of, position and children give what plain int64 offsets give, for
    runs of rows, rows anywhere (blocks with no children among them) and past 2^32."""
    layout = PerIndex(1, "c", r.PerParent(table="p", count=count), parents, "p_id")
    assert layout.marks.shape == (-(-parents // 16) + 1,)
    plain = np.concatenate(([0], np.cumsum(layout.counts(np.arange(parents)))))
    assert layout.total == int(plain[-1])
    tail = np.arange(max(0, layout.total - 3000), layout.total, dtype=np.int64)
    picked = np.random.default_rng(1).integers(0, layout.total, 3000)
    for children in (tail, picked, np.arange(0, min(3000, layout.total), dtype=np.int64)):
        expected = np.searchsorted(plain, children, side="right") - 1
        assert (layout.parent_of(children) == expected).all()
        assert (layout.position(children, expected) == children - plain[expected]).all()
    few = np.array([0, parents - 1], dtype=np.int64)
    if count.kind == "range":
        rows, group = layout.children(few)
        assert (layout.parent_of(rows) == few[group]).all()
