"""Each generator against what its spec declares: KS and chi-square tests, exact ratios, bounds."""

from __future__ import annotations

import math
import re
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from scipy import stats

import fauxdata
from fauxdata.errors import FauxdataError, GenerationError
from fauxdata.generators.choice import exact_counts

N = 50_000


def column(generator: dict[str, Any], rows: int = N, seed: int = 1, **extra: Any) -> pl.Series:
    spec = {
        "name": "d",
        "seed": seed,
        "tables": {"t": {"rows": rows, "columns": {"v": {"generator": generator, **extra}}}},
    }
    return fauxdata.generate(spec).frames["t"]["v"]


def test_uniform_and_uniform_int() -> None:
    values = column({"kind": "uniform", "min": -2, "max": 5}).to_numpy()
    assert stats.kstest(values, stats.uniform(loc=-2, scale=7).cdf).pvalue > 1e-3
    ints = column({"kind": "uniform_int", "min": 1, "max": 6}).to_numpy()
    counts = np.bincount(ints)[1:]
    assert ints.min() == 1 and ints.max() == 6
    assert stats.chisquare(counts).pvalue > 1e-3


@pytest.mark.parametrize(
    ("generator", "dist"),
    [
        ({"kind": "normal", "mean": 10, "std": 3}, stats.norm(10, 3)),
        ({"kind": "lognormal", "mu": 1, "sigma": 0.5}, stats.lognorm(0.5, scale=math.e)),
        ({"kind": "exponential", "scale": 4}, stats.expon(scale=4)),
    ],
)
def test_continuous_distributions_pass_ks(generator: dict[str, Any], dist: Any) -> None:
    assert stats.kstest(column(generator).to_numpy(), dist.cdf).pvalue > 1e-3


def test_bounds_truncate_rather_than_clip() -> None:
    values = column({"kind": "normal", "mean": 0, "std": 1, "min": -1, "max": 2}).to_numpy()
    assert values.min() >= -1 and values.max() <= 2
    truncated = stats.truncnorm(-1, 2)
    assert stats.kstest(values, truncated.cdf).pvalue > 1e-3
    assert (values == -1).sum() < 5  # clipping would pile ~16% of the mass on the bound


def test_decimals_round() -> None:
    values = column({"kind": "lognormal", "mu": 3, "sigma": 1, "decimals": 2}, rows=2000).to_numpy()
    assert np.allclose(values, np.round(values, 2))


@pytest.mark.parametrize(
    ("generator", "pmf", "support"),
    [
        ({"kind": "poisson", "lam": 3.5}, lambda k: stats.poisson.pmf(k, 3.5), range(0, 30)),
        (
            {"kind": "zipf", "s": 1.5, "n": 20},
            lambda k: k**-1.5 / sum(j**-1.5 for j in range(1, 21)),
            range(1, 21),
        ),
    ],
)
def test_discrete_distributions_pass_chi_square(
    generator: dict[str, Any], pmf: Any, support: range
) -> None:
    values = column(generator).to_numpy()
    ks = np.array(list(support))
    expected = np.array([pmf(k) for k in ks]) * N
    observed = np.array([(values == k).sum() for k in ks])
    keep = expected >= 5
    scaled = expected[keep] * observed[keep].sum() / expected[keep].sum()
    assert stats.chisquare(observed[keep], scaled).pvalue > 1e-3
    assert values.min() >= ks.min() and values.max() <= ks.max()


def test_exact_ratios_are_exact() -> None:
    ratios = {"PENDING_REVIEW": 0.10, "APPROVED": 0.75, "REJECTED": 0.15}
    counts = column({"kind": "choice", "values": ratios}, rows=1000).value_counts()
    assert dict(counts.iter_rows()) == {"PENDING_REVIEW": 100, "APPROVED": 750, "REJECTED": 150}
    small = column({"kind": "choice", "values": ratios}, rows=7).value_counts()
    assert small["count"].sum() == 7
    assert list(exact_counts([0.1, 0.75, 0.15], 7)) == [1, 5, 1]


def test_sampled_ratios_and_booleans_are_close() -> None:
    values = column({"kind": "choice", "values": ["a", "b"], "weights": [1, 3], "exact": False})
    share = (values == "b").mean()
    assert abs(share - 0.75) < 4 * math.sqrt(0.75 * 0.25 / N)  # type: ignore[operator]
    flags = column({"kind": "boolean", "probability": 0.2})
    assert abs(flags.mean() - 0.2) < 4 * math.sqrt(0.2 * 0.8 / N)  # type: ignore[operator]


def test_keys() -> None:
    assert column({"kind": "sequence", "start": 10, "step": 5}, rows=4).to_list() == [
        10,
        15,
        20,
        25,
    ]
    assert column({"kind": "formatted_id", "format": "EMP-{:06d}"}, rows=3).to_list() == [
        "EMP-000001",
        "EMP-000002",
        "EMP-000003",
    ]
    assert column({"kind": "formatted_id", "format": "0x{:x}", "start": 254}, rows=3).to_list() == [
        "0xfe",
        "0xff",
        "0x100",
    ]
    uuids = column({"kind": "uuid"}, rows=200_000)
    assert uuids.n_unique() == 200_000
    assert all(
        uuid.UUID(u).version == 4 and uuid.UUID(u).variant == uuid.RFC_4122
        for u in uuids.head(1000)
    )
    ints = column({"kind": "unique_int", "min": 100, "max": 100 + N - 1})
    assert sorted(ints.to_list()) == list(range(100, 100 + N))
    with pytest.raises(GenerationError) as info:
        column({"kind": "unique_int", "min": 1, "max": 10}, rows=11)
    assert (
        info.value.path == "tables.t.columns.v.generator"
        and "holds 10 values" in info.value.message
    )


def test_unique_permutes_a_finite_domain() -> None:
    values = column({"kind": "uniform_int", "min": 1, "max": 1000}, rows=1000, unique=True)
    assert sorted(values.to_list()) == list(range(1, 1001))
    dates = column(
        {"kind": "date", "start": "2024-01-01", "end": "2024-12-31"}, rows=366, unique=True
    )
    assert dates.n_unique() == 366


def test_dates_timestamps_and_zones() -> None:
    dates = column({"kind": "date", "start": "2020-01-01", "end": "2020-01-31"}, rows=5000)
    assert str(dates.min()) == "2020-01-01" and str(dates.max()) == "2020-01-31"
    ts = column(
        {
            "kind": "timestamp",
            "start": "2024-03-01T00:00:00",
            "end": "2024-03-31T23:59:59",
            "timezone": "Europe/Amsterdam",
        }
    )
    assert ts.dtype == pl.Datetime("us", "Europe/Amsterdam")
    local = ts.dt.replace_time_zone(None)
    assert str(local.min()) >= "2024-03-01" and str(local.max()) <= "2024-03-31 23:59:59"
    assert (ts.dt.microsecond() == 0).all()  # resolution: s
    uniform = (
        column({"kind": "date", "start": "2000-01-01", "end": "2020-12-31"}).cast(pl.Int32).median()
    )
    recent = (
        column(
            {"kind": "date", "start": "2000-01-01", "end": "2020-12-31", "distribution": "recent"}
        )
        .cast(pl.Int32)
        .median()
    )
    assert recent > uniform + 1000  # type: ignore[operator]


def test_null_rate_and_not_null() -> None:
    values = column({"kind": "uniform_int", "min": 0, "max": 9}, null_rate=0.3)
    share = values.null_count() / N
    assert abs(share - 0.3) < 4 * math.sqrt(0.3 * 0.7 / N)
    assert column({"kind": "uniform_int", "min": 0, "max": 9}).null_count() == 0


def test_template_folds_case_and_accents() -> None:
    spec = {
        "name": "t",
        "tables": {
            "p": {
                "rows": 500,
                "columns": {
                    "first": {
                        "generator": {"kind": "choice", "values": ["Élodie", "Zoë", "Anne Marie"]}
                    },
                    "last": {"generator": {"kind": "choice", "values": ["Müller", "Ñúñez"]}},
                    "email": {
                        "generator": {
                            "kind": "template",
                            "template": "{first}.{last}@example.com",
                            "lower": True,
                            "ascii": True,
                            "strip_spaces": True,
                        }
                    },
                },
            }
        },
    }
    emails = fauxdata.generate(spec).frames["p"]["email"]
    assert set(emails.unique().to_list()) <= {
        f"{a}.{b}@example.com" for a in ("elodie", "zoe", "annemarie") for b in ("muller", "nunez")
    }
    assert all(e.isascii() for e in emails)


def test_seed_lists(tmp_path: Path) -> None:
    (tmp_path / "cities.txt").write_text("# comment\nAmsterdam\nUtrecht\n\nLeiden\n")
    (tmp_path / "tiers.csv").write_text("tier,weight\ngold,1\nsilver,3\nbronze,6\n")
    spec = {
        "name": "s",
        "tables": {
            "t": {
                "rows": 20_000,
                "columns": {
                    "city": {"generator": {"kind": "seed_list", "path": "cities.txt"}},
                    "tier": {
                        "generator": {
                            "kind": "seed_list",
                            "path": "tiers.csv",
                            "weight_column": "weight",
                        }
                    },
                },
            }
        },
    }
    frame = fauxdata.generate(spec, base_dir=tmp_path).frames["t"]
    assert set(frame["city"].unique().to_list()) == {"Amsterdam", "Utrecht", "Leiden"}
    shares = {k: v / 20_000 for k, v in frame["tier"].value_counts().iter_rows()}
    assert abs(shares["bronze"] - 0.6) < 0.02 and abs(shares["gold"] - 0.1) < 0.02
    spec["tables"]["t"]["columns"]["city"]["generator"]["path"] = "missing.txt"
    with pytest.raises(
        FauxdataError, match=re.escape(f"seed list file not found: {tmp_path / 'missing.txt'}")
    ):
        fauxdata.generate(spec, base_dir=tmp_path)
    spec["tables"]["t"]["columns"]["city"]["generator"]["path"] = "cities.txt"
    spec["tables"]["t"]["columns"]["tier"]["generator"]["separator"] = ","
    with pytest.raises(FauxdataError, match="'separator' is for TXT files") as caught:
        fauxdata.generate(spec, base_dir=tmp_path)
    assert caught.value.path == "tables.t.columns.tier.generator"


def test_declared_types() -> None:
    money = column({"kind": "uniform", "min": 0, "max": 100}, rows=10, type="decimal(10,2)")
    assert money.dtype == pl.Decimal(10, 2)
    with pytest.raises(GenerationError, match="expected values that fit smallint") as info:
        column({"kind": "uniform_int", "min": 0, "max": 100_000}, rows=1000, type="smallint")
    assert info.value.path == "tables.t.columns.v.type"
    short = column({"kind": "regex", "pattern": "[a-z]{20}"}, rows=10, type="varchar(5)")
    assert short.str.len_chars().max() == 5


def test_foreign_keys_resolve_and_one_to_one() -> None:
    spec = {
        "name": "f",
        "tables": {
            "p": {
                "rows": 50,
                "primary_key": "id",
                "columns": {"id": {"generator": {"kind": "formatted_id", "format": "P{:03d}"}}},
            },
            "c": {
                "rows": 5000,
                "columns": {"p_id": {"generator": {"kind": "foreign_key", "references": "p.id"}}},
            },
            "o": {
                "rows": 50,
                "columns": {
                    "p_id": {
                        "unique": True,
                        "generator": {"kind": "foreign_key", "references": "p.id"},
                    }
                },
            },
        },
    }
    frames = fauxdata.generate(spec).frames
    assert set(frames["c"]["p_id"].unique().to_list()) == set(frames["p"]["id"].to_list())
    assert sorted(frames["o"]["p_id"].to_list()) == sorted(frames["p"]["id"].to_list())


def test_sql_expressions_compute_from_the_row() -> None:
    spec = {
        "name": "s",
        "tables": {
            "t": {
                "rows": 1000,
                "columns": {
                    "price": {
                        "type": "decimal(8,2)",
                        "generator": {"kind": "uniform", "min": 1, "max": 10, "decimals": 2},
                    },
                    "qty": {"generator": {"kind": "uniform_int", "min": 1, "max": 4}},
                    "total": {
                        "type": "decimal(10,2)",
                        "generator": {"kind": "sql", "expression": "price * qty"},
                    },
                    "size": {
                        "generator": {
                            "kind": "sql",
                            "expression": "CASE WHEN qty > 2 THEN 'bulk' ELSE 'single' END",
                        }
                    },
                },
            }
        },
    }
    frame = fauxdata.generate(spec).frames["t"]
    assert (
        frame["total"].cast(pl.Float64) - frame["price"].cast(pl.Float64) * frame["qty"]
    ).abs().max() < 1e-9  # type: ignore[operator]
    assert ((frame["size"] == "bulk") == (frame["qty"] > 2)).all()
    spec["tables"]["t"]["columns"]["size"]["generator"]["expression"] = "qty || 1 + price"
    with pytest.raises(
        FauxdataError, match=r"tables\.t\.columns\.size\.generator\.expression: SQL expression"
    ):
        fauxdata.check(spec)
