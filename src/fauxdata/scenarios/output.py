"""Write a scenario's tables through the one publisher, and open written output again.

``fauxdata.publish`` stages every table, digests it and publishes atomically with the
manifest; it needs a column schema per table, not a ``Plan``, for DuckDB and file
targets, so the contract's schemas feed it directly. Database targets need a Plan (DDL,
FK order) and are refused here. The manifest records the pack, all its parameters
(customers, seed, dates...) and every table's digest, so ``fauxdata qa --data X``
rebuilds the exact expectations and ``fauxdata generate --replay`` regenerates the run
and checks it byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from fauxdata.errors import FauxdataError, TargetError
from fauxdata.lineage import marks
from fauxdata.publish import Publication, StagedTable, publish
from fauxdata.publish.signals import interruptible
from fauxdata.scenarios.contract import TABLES, schema
from fauxdata.scenarios.params import Scenario, validate
from fauxdata.scenarios.simulate import BLOCK, iter_blocks, simulate
from fauxdata.sinks import open_sink
from fauxdata.sinks.duckdb_types import duckdb_type, quote, sql_string
from fauxdata.sinks.files import MANIFEST
from fauxdata.sinks.target import FILE_FORMATS, Target, parse_target

FORMATS = ("duckdb", *FILE_FORMATS)
_SUFFIX = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}
_FEW_VALUES = frozenset(
    {"segment", "acquisition_channel", "channel", "source", "promo_id", "reason", "kind", "tier"}
)


def write_scenario(scenario: Scenario, to: str, block: int = BLOCK) -> dict[str, Any]:
    """Simulate and write block by block; returns the manifest.

    Raises:
        TargetError: the target is a database or cannot be written.
    """
    return publish_scenario(scenario, to, block).manifest


def publish_scenario(
    scenario: Scenario,
    to: str,
    block: int = BLOCK,
    *,
    expected_digests: Mapping[str, str] | None = None,
    keep_failed: bool = True,
) -> Publication:
    """Simulate and publish; with ``expected_digests`` (a replay) publish only when
    every table's digest matches.

    With more than one block of customers, each block's frames are spilled to Parquet in
    a temporary folder beside the target (the publisher takes one table at a time) and
    then streamed into it, so memory stays at about one block.

    Raises:
        TargetError: the target is a database or cannot be written.
    """
    with interruptible():  # SIGTERM while spilling removes the spill folder too
        return _publish_scenario(scenario, to, block, expected_digests, keep_failed)


def _publish_scenario(
    scenario: Scenario,
    to: str,
    block: int,
    expected_digests: Mapping[str, str] | None,
    keep_failed: bool,
) -> Publication:
    options: dict[str, Any] = {"expected_digests": expected_digests, "keep_failed": keep_failed}
    if scenario.customers <= block:
        tables = simulate(scenario, block)
        return _write({name: [frame] for name, frame in tables.items()}, scenario, to, **options)
    parent = parse_target(to).path.parent
    parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=parent, prefix=".fauxdata-spill-") as spill:
        files: dict[str, list[Path]] = {name: [] for name in TABLES}
        for i, tables in enumerate(iter_blocks(scenario, block)):
            for name, frame in tables.items():
                path = Path(spill) / f"{name}-{i:05d}.parquet"
                # A temporary buffer, not output: Polars' writer is twice as fast here.
                frame.write_parquet(path, compression="lz4", statistics=False)
                files[name].append(path)
        blocks: dict[str, Iterable[pl.DataFrame]] = {
            name: (pl.read_parquet(f) for f in paths) for name, paths in files.items()
        }
        return _write(blocks, scenario, to, **options)


def write_output(tables: dict[str, pl.DataFrame], scenario: Scenario, to: str) -> dict[str, Any]:
    """Stage every table, then publish them and the manifest at once; returns the manifest.

    Raises:
        TargetError: the target is a database or cannot be written.
    """
    return _write({name: [frame] for name, frame in tables.items()}, scenario, to).manifest


def _write(
    blocks: dict[str, Iterable[pl.DataFrame]],
    scenario: Scenario,
    to: str,
    *,
    expected_digests: Mapping[str, str] | None = None,
    keep_failed: bool = True,
) -> Publication:
    target = parse_target(to)
    if target.format not in FORMATS:
        raise TargetError(
            f"scenario output goes to a DuckDB file or a directory, not {target.format}",
            path="--to",
            hint="use FILE.duckdb, parquet:DIR, csv:DIR or jsonl:DIR",
        )
    staged = (
        StagedTable(name, schema(name), blocks[name], few_values=_FEW_VALUES & set(schema(name)))
        for name in TABLES
    )
    parameters = scenario.model_dump(mode="json")
    lineage = marks(
        spec_name=f"scenario {scenario.name}",
        spec_digest=hashlib.sha256(json.dumps(parameters, sort_keys=True).encode()).hexdigest(),
        seed=scenario.seed,
        producer="scenario",
    )
    return publish(
        open_sink(target, lineage=lineage),
        staged,
        manifest_extra={
            "kind": "scenario",
            "scenario": scenario.name,
            "seed": scenario.seed,
            "format": target.format,
            "parameters": parameters,
        },
        expected_digests=expected_digests,
        keep_failed=keep_failed,
    )


def replay_scenario(
    manifest: Mapping[str, Any], to: str | None = None, *, keep_failed: bool = True
) -> Publication:
    """Run a scenario again from its manifest's parameters; publish only when every
    table's digest matches the manifest's.

    Raises:
        VerificationError: the digests differ (nothing published).
        FauxdataError: the manifest records no digests (written before they were kept).
    """
    from fauxdata.run import replay_mismatch

    expected = {name: t.get("digest") for name, t in manifest["tables"].items()}
    if not all(expected.values()):
        raise FauxdataError(
            "this scenario manifest records no digests, so a replay cannot be checked",
            path="--replay",
            hint="run the scenario again with this fauxdata version to get a replayable manifest",
        )
    scenario = validate(manifest["parameters"], source=str(manifest.get("target", "")))
    publication = publish_scenario(
        scenario,
        to or str(manifest["target"]),
        expected_digests={n: str(d) for n, d in expected.items()},
        keep_failed=keep_failed,
    )
    if not publication.published:
        raise replay_mismatch(publication.problem, publication.kept_at, manifest)
    return publication


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
        raise type(exc)(exc.message, path="--data", hint=exc.hint) from None


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
