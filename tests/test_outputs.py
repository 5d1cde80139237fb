"""Outputs: every format round-trips, publishing is all-or-nothing, foreign files are safe."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

import fauxdata
from fauxdata.errors import TargetError
from fauxdata.sinks import parse_target

SPEC = {
    "name": "mini",
    "seed": 5,
    "tables": {
        "parents": {
            "rows": 50,
            "primary_key": "id",
            "columns": {
                "id": {"generator": {"kind": "formatted_id", "format": "P-{:04d}"}},
                "score": {
                    "type": "decimal(6,2)",
                    "generator": {"kind": "normal", "mean": 50, "std": 10, "min": 0, "max": 100},
                },
                "since": {
                    "generator": {
                        "kind": "timestamp",
                        "start": "2024-01-01T00:00:00",
                        "end": "2024-12-31T00:00:00",
                        "timezone": "Europe/Amsterdam",
                    }
                },
            },
        },
        "children": {
            "rows": 400,
            "primary_key": "id",
            "columns": {
                "id": {"type": "integer", "generator": "sequence"},
                "parent_id": {"generator": {"kind": "foreign_key", "references": "parents.id"}},
                "status": {"generator": {"kind": "choice", "values": {"A": 0.5, "B": 0.5}}},
                "code": {
                    "generator": {"kind": "uniform_int", "min": 100, "max": 999},
                    "null_rate": 0.2,
                },
                "born": {"generator": {"kind": "date", "start": "1990-01-01", "end": "2000-12-31"}},
                "flag": {"generator": "boolean"},
            },
        },
    },
}


@pytest.fixture
def tmp_out(tmp_path: Path) -> Path:
    return tmp_path / "out"


@pytest.mark.parametrize("fmt", ["duckdb", "parquet", "csv", "jsonl"])
def test_every_format_writes_verifies_and_validates(fmt: str, tmp_out: Path) -> None:
    to = f"duckdb:///{tmp_out}/mini.duckdb" if fmt == "duckdb" else f"{fmt}:{tmp_out}"
    result = fauxdata.generate(SPEC, to)
    assert result.report is not None and result.report.passed, [
        c for c in result.report.checks if not c.passed
    ]
    assert result.manifest_path is not None and result.manifest_path.exists()
    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["tables"]["children"]["rows"] == 400
    assert manifest["tables"]["children"]["digest"] == result.tables["children"].digest

    from fauxdata.verify.existing import validate_target

    report = validate_target_from_dict(tmp_out, to, validate_target)
    assert report.passed
    assert any(c.name.startswith("FK integrity") and c.status == "pass" for c in report.checks)


def validate_target_from_dict(folder: Path, to: str, validate) -> fauxdata.verify.Report:  # type: ignore[name-defined,no-untyped-def]
    spec_file = folder.parent / "mini.json"
    spec_file.write_text(json.dumps(SPEC))
    return validate(spec_file, to).report


def test_same_data_in_every_format(tmp_path: Path) -> None:
    digests = {}
    for fmt in ("parquet", "csv", "jsonl"):
        result = fauxdata.generate(SPEC, f"{fmt}:{tmp_path / fmt}")
        digests[fmt] = {n: t.digest for n, t in result.tables.items()}
    in_memory = fauxdata.generate(SPEC)
    assert (
        digests["parquet"]
        == digests["csv"]
        == digests["jsonl"]
        == {n: t.digest for n, t in in_memory.tables.items()}
    )
    read_back = pl.read_parquet(tmp_path / "parquet" / "children.parquet")
    assert read_back.equals(in_memory.frames["children"])


def test_parquet_integers_are_delta_encoded_and_every_reader_gets_the_data(tmp_path: Path) -> None:
    """Integer-stored columns without a dictionary (keys, decimals, timestamps) are
    DELTA_BINARY_PACKED, few-value ones keep their dictionary, and DuckDB, Polars and
    pyarrow read back the generated values."""
    import pyarrow.parquet as pq

    fauxdata.generate(SPEC, f"parquet:{tmp_path}")
    frames = fauxdata.generate(SPEC).frames
    encodings = {}
    for name in ("parents", "children"):
        meta = pq.ParquetFile(tmp_path / f"{name}.parquet").metadata.row_group(0)
        for i in range(meta.num_columns):
            encodings[meta.column(i).path_in_schema] = set(meta.column(i).encodings)
    for column in ("score", "since", "id"):  # parents' decimal and timestamp, children's key
        assert "DELTA_BINARY_PACKED" in encodings[column], (column, encodings[column])
    for column in ("code", "born", "status"):  # 900 values, 4,018 days, two labels
        assert "RLE_DICTIONARY" in encodings[column], (column, encodings[column])
    children = pq.ParquetFile(tmp_path / "children.parquet").metadata.row_group(0)
    statistics = {
        children.column(i).path_in_schema: children.column(i).is_stats_set
        for i in range(children.num_columns)
    }  # few-value text has none; a text foreign key (50 parents) keeps them for verification
    assert statistics == {c: c != "status" for c in statistics}
    for name, frame in frames.items():
        path = tmp_path / f"{name}.parquet"
        assert pl.read_parquet(path).equals(frame)
        assert pl.from_arrow(pq.read_table(path)).equals(frame)  # type: ignore[union-attr]
        in_utc = pl.col(pl.Datetime(time_zone="*")).dt.convert_time_zone("UTC")
        from_duckdb = duckdb.sql(f"SELECT * FROM '{path}'").pl()  # instants in Etc/UTC
        assert from_duckdb.with_columns(in_utc).equals(frame.with_columns(in_utc))


def test_a_null_in_few_value_text_without_statistics_is_caught(tmp_out: Path) -> None:
    """The not-null check reads a column whose footer has no null count."""
    import pyarrow.parquet as pq

    from fauxdata.verify.existing import validate_target

    fauxdata.generate(SPEC, f"parquet:{tmp_out}")
    path = tmp_out / "children.parquet"
    table = pq.read_table(path)
    status = table.column("status").to_pylist()
    status[7] = None
    broken = table.set_column(table.schema.get_field_index("status"), "status", [status])
    pq.write_table(broken, path, use_dictionary=["status"], write_statistics=["id"])
    assert not pq.ParquetFile(path).metadata.row_group(0).column(2).is_stats_set
    report = validate_target_from_dict(tmp_out, f"parquet:{tmp_out}", validate_target)
    failures = {c.name: c.failing for c in report.failures}
    assert failures.get("Not null: children.status") == 1, failures


def test_duckdb_holds_typed_tables_and_the_manifest(tmp_out: Path) -> None:
    fauxdata.generate(SPEC, f"duckdb:///{tmp_out}/mini.duckdb")
    with duckdb.connect(str(tmp_out / "mini.duckdb"), read_only=True) as con:
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'parents'"
            ).fetchall()
        )
        stored = con.execute("SELECT manifest FROM _fauxdata_manifest").fetchone()
    assert types == {"id": "VARCHAR", "score": "DECIMAL(6,2)", "since": "TIMESTAMP WITH TIME ZONE"}
    assert stored is not None and json.loads(stored[0])["spec_name"] == "mini"


def test_refuses_to_overwrite_a_foreign_duckdb_file(tmp_out: Path) -> None:
    tmp_out.mkdir()
    foreign = tmp_out / "prod.duckdb"
    with duckdb.connect(str(foreign)) as con:
        con.execute("CREATE TABLE important AS SELECT 42 AS answer")
    with pytest.raises(TargetError, match="refusing to overwrite"):
        fauxdata.generate(SPEC, f"duckdb:///{foreign}")
    with duckdb.connect(str(foreign), read_only=True) as con:
        assert con.execute("SELECT answer FROM important").fetchone() == (42,)
    assert sorted(p.name for p in tmp_out.iterdir()) == ["prod.duckdb"]


def test_refuses_a_directory_with_foreign_files(tmp_out: Path) -> None:
    tmp_out.mkdir()
    (tmp_out / "notes.txt").write_text("mine")
    with pytest.raises(TargetError, match="not written by fauxdata"):
        fauxdata.generate(SPEC, f"parquet:{tmp_out}")
    assert sorted(p.name for p in tmp_out.iterdir()) == ["notes.txt"]


def test_overwrites_its_own_output_and_drops_stale_tables(tmp_out: Path) -> None:
    fauxdata.generate(SPEC, f"parquet:{tmp_out}")
    fauxdata.generate(SPEC, f"parquet:{tmp_out}", tables=["parents"])
    assert sorted(p.name for p in tmp_out.iterdir()) == [
        "fauxdata-manifest.json",
        "parents.parquet",
    ]


def test_failed_run_leaves_nothing_that_looks_complete(tmp_out: Path) -> None:
    bad = json.loads(json.dumps(SPEC))
    bad["tables"]["children"]["columns"]["small"] = {
        "type": "smallint",
        "generator": {"kind": "uniform_int", "min": 0, "max": 10**6},
    }
    with pytest.raises(fauxdata.GenerationError, match="fit smallint"):
        fauxdata.generate(bad, f"parquet:{tmp_out}")
    assert not tmp_out.exists()
    assert [p.name for p in tmp_out.parent.iterdir() if "staging" in p.name] == []


def test_unwritable_target_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(TargetError, match="cannot"):
        fauxdata.generate(SPEC, f"parquet:{blocker}/sub")


@pytest.mark.parametrize(
    ("text", "fmt", "path"),
    [
        ("out/shop.duckdb", "duckdb", "out/shop.duckdb"),
        ("duckdb:out/shop.duckdb", "duckdb", "out/shop.duckdb"),
        ("duckdb:///tmp/shop.duckdb", "duckdb", "/tmp/shop.duckdb"),
        ("duckdb:////tmp/shop.duckdb", "duckdb", "/tmp/shop.duckdb"),
        ("parquet:out/", "parquet", "out"),
        ("csv:out", "csv", "out"),
        ("jsonl:out", "jsonl", "out"),
    ],
)
def test_parse_target(text: str, fmt: str, path: str) -> None:
    target = parse_target(text)
    assert (target.format, str(target.path)) == (fmt, path)


@pytest.mark.parametrize("text", ["out/", "xml:out", "oracle+bogus:/nothing"])
def test_parse_target_rejects_unknown_formats(text: str) -> None:
    with pytest.raises(TargetError):
        parse_target(text)


def test_validate_detects_corrupted_data(tmp_out: Path) -> None:
    db = tmp_out / "mini.duckdb"
    fauxdata.generate(SPEC, f"duckdb:///{db}")
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE children SET parent_id = 'P-9999' WHERE id = 3")
        con.execute("UPDATE children SET status = 'Z' WHERE id = 4")
        con.execute("INSERT INTO parents SELECT * FROM parents LIMIT 1")
    from fauxdata.verify.existing import validate_target

    report = validate_target_from_dict(tmp_out, f"duckdb:///{db}", validate_target)
    failed = {c.name.split(":")[0] for c in report.failures}
    assert not report.passed
    assert {
        "FK integrity",
        "Enum domain",
        "Primary key parents.id",
        "Row count of parents",
    } <= failed
    fk = next(c for c in report.failures if c.name.startswith("FK integrity"))
    assert fk.failing == 1 and fk.examples == ["P-9999"]


def test_replay_reproduces_the_dataset(tmp_out: Path) -> None:
    first = fauxdata.generate(SPEC, f"parquet:{tmp_out}/a", seed=99, rows={"children": 123})
    again = fauxdata.replay(tmp_out / "a" / "fauxdata-manifest.json", f"parquet:{tmp_out}/b")
    assert {n: t.digest for n, t in again.tables.items()} == {
        n: t.digest for n, t in first.tables.items()
    }
    assert again.tables["children"].rows == 123
