"""Write a scenario's tables through fauxdata's sinks, and open written output again.

The sinks already stage every table and publish atomically with the manifest last; they
need a column schema per table, not a ``Plan``, for DuckDB and file targets, so the
contract's schemas feed them directly. Database targets need a Plan (DDL, FK order) and
are refused here. The manifest records the scenario and all its parameters, so
``fauxdata qa --data X`` can rebuild the exact expectations without being told the pack.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from fauxdata.errors import FauxdataError, TargetError
from fauxdata.manifest import FORMAT, package_versions
from fauxdata.scenarios.contract import TABLES, schema
from fauxdata.scenarios.params import Scenario, validate
from fauxdata.scenarios.simulate import BLOCK, iter_blocks, simulate
from fauxdata.sinks import open_sink
from fauxdata.sinks.duckdb_types import duckdb_type, quote, sql_string
from fauxdata.sinks.files import MANIFEST, DirectorySink
from fauxdata.sinks.target import FILE_FORMATS, Target, parse_target

FORMATS = ("duckdb", *FILE_FORMATS)
_SUFFIX = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}
_FEW_VALUES = frozenset(
    {"segment", "acquisition_channel", "channel", "source", "promo_id", "reason", "kind", "tier"}
)


def write_scenario(scenario: Scenario, to: str, block: int = BLOCK) -> dict[str, Any]:
    """Simulate and write block by block; returns the manifest.

    With more than one block of customers, each block's frames are spilled to Parquet in
    a temporary folder beside the target (the sinks take one table at a time) and then
    streamed into the sink, so memory stays at about one block.

    Raises:
        TargetError: the target is a database or cannot be written.
    """
    if scenario.customers <= block:
        return write_output(simulate(scenario, block), scenario, to)
    parent = parse_target(to).path.parent
    parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=parent, prefix=".fauxdata-spill-") as spill:
        files: dict[str, list[Path]] = {name: [] for name in TABLES}
        for i, tables in enumerate(iter_blocks(scenario, block)):
            for name, frame in tables.items():
                path = Path(spill) / f"{name}-{i:05d}.parquet"
                frame.write_parquet(path, compression="lz4", statistics=False)
                files[name].append(path)
        blocks: dict[str, Iterable[pl.DataFrame]] = {
            name: (pl.read_parquet(f) for f in paths) for name, paths in files.items()
        }
        return _write(blocks, scenario, to)


def write_output(tables: dict[str, pl.DataFrame], scenario: Scenario, to: str) -> dict[str, Any]:
    """Stage every table, then publish them and the manifest at once; returns the manifest.

    Raises:
        TargetError: the target is a database or cannot be written.
    """
    return _write({name: [frame] for name, frame in tables.items()}, scenario, to)


def _write(
    blocks: dict[str, Iterable[pl.DataFrame]], scenario: Scenario, to: str
) -> dict[str, Any]:
    target = parse_target(to)
    if target.format not in FORMATS:
        raise TargetError(
            f"scenario output goes to a DuckDB file or a directory, not {target.format}",
            path="--to",
            hint="use FILE.duckdb, parquet:DIR, csv:DIR or jsonl:DIR",
        )
    sink = open_sink(target)
    sink.prepare()
    try:
        rows = {}
        for name in TABLES:
            few = _FEW_VALUES & set(schema(name))
            rows[name] = sink.write_table(name, schema(name), blocks[name], frozenset(few))
        manifest = {
            "fauxdata_manifest": FORMAT,
            "kind": "scenario",
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "scenario": scenario.name,
            "seed": scenario.seed,
            "format": target.format,
            "target": str(target),
            "parameters": scenario.model_dump(mode="json"),
            "packages": package_versions(),
            "tables": {name: {"rows": n} for name, n in rows.items()},
            "files": sink.file_names() if isinstance(sink, DirectorySink) else [],
        }
        sink.commit(json.dumps(manifest, indent=2))
    except BaseException:
        sink.abort()
        raise
    return manifest


@dataclass
class Output:
    """Written scenario output: a DuckDB connection with one view per table, and the
    manifest with the parameters that made it."""

    con: duckdb.DuckDBPyConnection
    manifest: dict[str, Any]

    @property
    def scenario(self) -> Scenario:
        return validate(self.manifest["parameters"], source=str(self.manifest.get("target", "")))

    def table(self, name: str) -> pl.DataFrame:
        return self.con.sql(f"SELECT * FROM {quote(name)}").pl()

    def tables(self) -> dict[str, pl.DataFrame]:
        return {name: self.table(name) for name in TABLES}

    def close(self) -> None:
        self.con.close()


def _target_of(data: str) -> Target:
    path = Path(data)
    if ":" not in data and path.is_dir():
        try:
            fmt = json.loads((path / MANIFEST).read_text())["format"]
        except (OSError, ValueError, KeyError):
            raise TargetError(
                f"{path} holds no fauxdata scenario manifest", path="--data"
            ) from None
        return Target(str(fmt), path)
    try:
        return parse_target(data)
    except TargetError as exc:
        raise TargetError(exc.message, path="--data", hint=exc.hint) from None


def open_output(data: str) -> Output:
    """Open a DuckDB file or an output directory written by ``write_output``.

    Raises:
        TargetError: nothing readable there.
        FauxdataError: the output is not a scenario run.
    """
    target = _target_of(data)
    if not target.manifest_path.exists():
        raise TargetError(f"no fauxdata manifest at {target.manifest_path}", path="--data")
    manifest = json.loads(target.manifest_path.read_text())
    if manifest.get("kind") != "scenario":
        raise FauxdataError(f"{data} was not written by `fauxdata scenario run`", path="--data")
    con = duckdb.connect()
    if target.format == "duckdb":
        con.execute(f"ATTACH {sql_string(str(target.path))} AS scenario_data (READ_ONLY)")
        for name in TABLES:
            con.execute(f"CREATE VIEW {quote(name)} AS SELECT * FROM scenario_data.{quote(name)}")
        return Output(con, manifest)
    for name in TABLES:
        path = sql_string(str((target.path / f"{name}{_SUFFIX[target.format]}").resolve()))
        columns = (
            "{"
            + ", ".join(
                f"{sql_string(c)}: {sql_string(duckdb_type(t))}" for c, t in schema(name).items()
            )
            + "}"
        )
        source = {
            "parquet": f"read_parquet({path})",
            "csv": f"read_csv({path}, header=true, columns={columns}, auto_detect=false)",
            "jsonl": f"read_json({path}, format='newline_delimited', columns={columns})",
        }[target.format]
        con.execute(f"CREATE VIEW {quote(name)} AS SELECT * FROM {source}")
    return Output(con, manifest)
