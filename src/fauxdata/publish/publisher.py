"""The output cycle every producer goes through: stage, digest, verify, manifest, then
publish or abort.

A producer (the local engine, the Spark engine, a scenario pack, and later masking,
synthesis or the service) hands tables as block iterators, or writes files into the
staging folder itself and records them; the publisher digests every block, runs the
producer's verification over the staged data, builds the one manifest
(``manifest.build_manifest``) and publishes only when verification passed and, for a
replay, the digests match. Otherwise nothing changes at the target: the staged output
is kept aside at a path the result names, or removed when asked. SIGINT and SIGTERM
remove the staging on the way out.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import polars as pl

from fauxdata.arrow_blocks import share
from fauxdata.engine.digest import TableDigest
from fauxdata.manifest import build_manifest
from fauxdata.publish.faults import crash_point
from fauxdata.publish.signals import Interrupted, held_signals, interruptible
from fauxdata.sinks.base import Schema, Sink
from fauxdata.verify.result import Report

Progress = Callable[[str, int, int], None]
"""Called with (table, rows done, rows total) after each block."""

Relation = Callable[[str], "str | None"]
Verifier = Callable[[duckdb.DuckDBPyConnection, Relation], Report]
"""Checks the staged tables: gets a DuckDB connection and, per table name, the SQL that
reads it (None when the table was not written)."""


@dataclass(frozen=True)
class StagedTable:
    """One table a producer hands to the publisher, block by block."""

    name: str
    schema: Schema
    blocks: Iterable[pl.DataFrame]
    output: str | None = None
    """The table's name in the target (default: ``name``)."""
    few_values: frozenset[str] = frozenset()
    rows: int = 0
    """Rows expected, for progress bars only."""


@dataclass
class TableResult:
    name: str
    output: str
    rows: int
    seconds: float
    digest: str
    column_digests: dict[str, str]


@dataclass
class Publication:
    """What a publish did: published, or why not and where the staged data went."""

    tables: dict[str, TableResult]
    report: Report | None
    manifest: dict[str, Any]
    published: bool
    kept_at: Path | None = None
    mismatched: list[str] = field(default_factory=list)
    """Tables whose digests differ from the expected ones (a replay)."""
    unchanged: bool = True
    """Not published and the target is as it was (False: a database loaded table by
    table keeps the rows it committed)."""

    @property
    def problem(self) -> str:
        """Why nothing was published ('' when it was)."""
        if self.published:
            return ""
        if self.mismatched:
            return "the digests differ from the manifest for " + ", ".join(self.mismatched)
        return "verification failed"


class Publisher:
    """``with Publisher(sink) as p: p.write(...); p.commit(...)``; leaving the block
    without a commit (an error, a signal) removes everything staged."""

    def __init__(
        self, sink: Sink, *, keep_failed: bool = True, progress: Progress | None = None
    ) -> None:
        self.sink = sink
        self.keep_failed = keep_failed
        self.progress = progress
        self.results: dict[str, TableResult] = {}
        self.schemas: dict[str, tuple[str, Schema]] = {}
        self._finished = False
        self._signals = interruptible()

    def __enter__(self) -> Publisher:
        self._signals.__enter__()
        try:
            self.sink.prepare()
        except BaseException:
            self._signals.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._finished:
                self.sink.abort()
        finally:
            self._signals.__exit__(kind, exc, tb)

    def write(self, table: StagedTable) -> TableResult:
        """Stream one table into staging, digesting its blocks on the way."""
        output = table.output or table.name
        digest = TableDigest()
        started = time.perf_counter()
        blocks = _tracked(
            table.blocks, digest, table.name, table.rows, self.progress, self.sink.reads_arrow
        )
        rows = self.sink.write_table(output, table.schema, blocks, table.few_values)
        result = TableResult(
            table.name,
            self.sink.published_name(output),
            rows,
            time.perf_counter() - started,
            digest.hexdigest(),
            digest.column_digests(),
        )
        self.results[table.name] = result
        self.schemas[table.name] = (output, table.schema)
        return result

    def stage_folder(self, output: str) -> Path:
        """Where a producer that writes its own Parquet files (Spark) puts a table."""
        return self.sink.stage_folder(output)

    def record(self, result: TableResult, schema: Schema, output: str | None = None) -> None:
        """Count a table the producer wrote itself into ``stage_folder``."""
        name = output or result.name
        self.sink.adopt(name, schema)
        self.results[result.name] = result
        self.schemas[result.name] = (name, schema)

    def commit(
        self,
        *,
        verify: Verifier | None = None,
        manifest_extra: Mapping[str, Any] | None = None,
        expected_digests: Mapping[str, str] | None = None,
    ) -> Publication:
        """Verify the staged tables, build the manifest, publish if all is well.

        Nothing is published when verification fails or a digest differs from
        ``expected_digests``; the staged output is then kept aside (or removed).
        """
        self.sink.finish_tables()
        report = None
        if verify is not None:
            report = verify(self.sink.query_connection(), self._relation)
        mismatched = sorted(
            name
            for name, digest in (expected_digests or {}).items()
            if name not in self.results or self.results[name].digest != digest
        )
        manifest = build_manifest(
            run_id=self.sink.run_id,
            source=manifest_extra or {},
            target=str(self.sink.target),
            tables={
                n: {
                    "output": r.output,
                    "rows": r.rows,
                    "digest": r.digest,
                    "columns": r.column_digests,
                }
                for n, r in self.results.items()
            },
            verification=report.as_dict() if report else None,
            files=self.sink.file_names(),
            lineage=self.sink.lineage,
        )
        crash_point("staged")
        if (report is not None and not report.passed) or mismatched:
            kept = self.sink.keep_aside() if self.keep_failed else None
            self._finished = self.keep_failed  # otherwise leaving the block removes it
            return Publication(
                self.results, report, manifest, False, kept, mismatched, self.sink.rolls_back()
            )
        self._finished = True
        published = False
        try:
            with held_signals():  # a signal during the commit is raised once it is done
                self.sink.commit(json.dumps(manifest, indent=2, default=str))
                published = True
        except (KeyboardInterrupt, Interrupted) as exc:
            if not published:
                self.sink.abort()
            exc.published = published  # type: ignore[union-attr]
            raise
        except BaseException:
            self.sink.abort()
            raise
        return Publication(self.results, report, manifest, True)

    def _relation(self, name: str) -> str | None:
        if name not in self.schemas:
            return None
        output, schema = self.schemas[name]
        return self.sink.staged_relation(output, schema)


def publish(
    sink: Sink,
    tables: Iterable[StagedTable],
    *,
    verify: Verifier | None = None,
    manifest_extra: Mapping[str, Any] | None = None,
    expected_digests: Mapping[str, str] | None = None,
    keep_failed: bool = True,
    progress: Progress | None = None,
) -> Publication:
    """Stage every table, verify, and publish them with their manifest, or nothing.

    Raises:
        TargetError: the target cannot be written or holds output fauxdata cannot prove
            it wrote (nothing is changed there).
        Interrupted / KeyboardInterrupt: SIGTERM or SIGINT; staging was removed.
    """
    with Publisher(sink, keep_failed=keep_failed, progress=progress) as publisher:
        for table in tables:
            publisher.write(table)
        return publisher.commit(
            verify=verify, manifest_extra=manifest_extra, expected_digests=expected_digests
        )


def _tracked(
    blocks: Iterable[pl.DataFrame],
    digest: TableDigest,
    name: str,
    total: int,
    progress: Progress | None,
    shared: bool = False,
) -> Iterator[pl.DataFrame]:
    """Pass blocks through, digesting them on a thread of their own (hashlib and Polars
    release the GIL) so hashing overlaps with writing. With ``shared`` the sink reads
    each block in Arrow form too, and the two share one conversion."""
    done = 0
    if progress:
        progress(name, 0, total)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fauxdata-digest") as hasher:
        pending: list[Future[None]] = []
        for frame in blocks:
            if shared:
                share(frame)
            pending.append(hasher.submit(digest.update, frame))
            while len(pending) > 2:
                pending.pop(0).result()
            done += frame.height
            if progress:
                progress(name, done, total)
            yield frame
        for future in pending:
            future.result()
