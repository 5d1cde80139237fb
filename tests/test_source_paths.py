"""``--from`` names a DuckDB file by the rule ``--to`` follows: three slashes are absolute."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from fauxdata.errors import FauxdataError
from fauxdata.introspect.reflect import read_schema
from fauxdata.introspect.source import duckdb_file
from fauxdata.mask.sources import DuckDBSource, open_source


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "src.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t AS SELECT 1 AS id")
    con.close()
    return path


def test_three_slashes_are_absolute_like_the_target(db: Path) -> None:
    assert db.is_absolute()
    for text in (f"duckdb://{db}", f"duckdb:///{db}"):  # duckdb:///abs, SQLAlchemy's ////abs
        assert duckdb_file(text) == db
    assert duckdb_file("duckdb:data/src.duckdb") == Path("data/src.duckdb")
    assert duckdb_file("data/src.duckdb") == Path("data/src.duckdb")
    assert duckdb_file("postgresql://u@h/db") is None
    for text in (f"duckdb:///{db}", "duckdb:data/src.duckdb", "data/src.duckdb"):
        source = open_source(text)
        assert isinstance(source, DuckDBSource) and source.path.resolve() == db
        assert [b.num_rows for b in source.batches("t", ["id"])] == [1]
        source.close()
        assert list(read_schema(text).tables) == ["t"]


def test_three_slashes_before_a_relative_path_say_both_readings(db: Path) -> None:
    with pytest.raises(FauxdataError) as caught:
        open_source("duckdb:///data/src.duckdb")  # SQLAlchemy's relative spelling
    assert "absolute path /data/src.duckdb" in caught.value.message
    assert "duckdb:data/src.duckdb" in caught.value.hint
    with pytest.raises(FauxdataError, match="names a host"):
        duckdb_file("duckdb://data/src.duckdb")
