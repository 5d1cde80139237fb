"""Lineage marks: every output says it was made by fauxdata, and from what.

The marks are a few key-value pairs (``fauxdata.synthetic``, the version, the spec's
digest and name, the seed, what produced it) written where each format keeps such
things: Parquet file metadata (Spark's files: their schema's column metadata), DuckDB,
PostgreSQL and MariaDB table comments, Delta table properties and commit info, and the
manifest beside every output (CSV and JSON Lines have nowhere else). ``read`` finds
them again in any of these, so a pipeline (or ``fauxdata lineage``) can tell synthetic
data from real data without knowing how it was written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from fauxdata.errors import TargetError

PREFIX = "fauxdata."
COMMENT = "fauxdata lineage "
"""Table comments start with this, then the marks as JSON."""


def marks(
    *, spec_name: str, spec_digest: str, seed: int, producer: str = "generate"
) -> dict[str, str]:
    """The marks of one run. Masked data is de-identified, not synthetic, and says so."""
    try:
        version = metadata.version("fauxdata")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return {
        f"{PREFIX}synthetic": "false" if producer == "mask" else "true",
        f"{PREFIX}producer": producer,
        f"{PREFIX}version": version,
        f"{PREFIX}spec": spec_name,
        f"{PREFIX}spec_digest": spec_digest,
        f"{PREFIX}seed": str(seed),
    }


def comment(found: dict[str, str]) -> str:
    """The table comment that carries the marks (databases and DuckDB)."""
    return COMMENT + json.dumps(found, sort_keys=True)


def from_comment(text: str | None) -> dict[str, str] | None:
    if not text or not text.startswith(COMMENT):
        return None
    try:
        found = json.loads(text[len(COMMENT) :])
    except ValueError:
        return None
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else None


@dataclass(frozen=True)
class TableLineage:
    table: str
    marks: dict[str, str] | None
    """None: the table carries no fauxdata mark."""
    where: str
    """Where the marks were read: parquet metadata, table comment, delta commit info, manifest."""


def read(location: str) -> list[TableLineage]:
    """The marks of every table at a path or database URL.

    Raises:
        TargetError: nothing readable is there.
    """
    from fauxdata.sinks import parse_target

    target = parse_target(location)
    if target.is_database:
        return _database(target.url or "")
    if target.format == "duckdb":
        return _duckdb(target.path)
    if not target.path.exists():
        raise TargetError(f"nothing at {target.path}", path="PATH")
    if target.format == "delta":
        return _delta(target.path)
    if target.format == "parquet":
        return _parquet(target.path)
    return _manifest(target.path)


def _parquet(folder: Path) -> list[TableLineage]:
    import pyarrow.parquet as pq

    out = []
    for path in sorted(folder.rglob("*.parquet")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        raw = pq.read_metadata(path).metadata or {}
        found = {k.decode(): v.decode() for k, v in raw.items() if k.decode().startswith(PREFIX)}
        where = "parquet metadata"
        if not found and SPARK_SCHEMA in raw:  # written by Spark's own writer
            found, where = _spark_marks(raw[SPARK_SCHEMA]), "spark schema metadata"
        name = str(path.relative_to(folder).with_suffix(""))
        out.append(TableLineage(name, found or None, where))
    return out


SPARK_SCHEMA = b"org.apache.spark.sql.parquet.row.metadata"
"""The footer entry where Spark keeps the schema it wrote, field metadata included:
where the Spark engine put the marks while Spark's writer wrote its files. Its tasks
now write key-value metadata like the local engine; older outputs still read back."""


def _spark_marks(schema_json: bytes) -> dict[str, str]:
    try:
        fields = json.loads(schema_json).get("fields", [])
    except (ValueError, AttributeError):
        return {}
    return next(
        (_ours(f.get("metadata") or {}) for f in fields if _ours(f.get("metadata") or {})), {}
    )


def _duckdb(path: Path) -> list[TableLineage]:
    import duckdb

    if not path.exists():
        raise TargetError(f"nothing at {path}", path="PATH")
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "SELECT schema_name, table_name, comment FROM duckdb_tables() "
            "WHERE NOT table_name LIKE '\\_fauxdata%' ESCAPE '\\' ORDER BY 1, 2"
        ).fetchall()
    return [
        TableLineage(t if s == "main" else f"{s}.{t}", from_comment(c), "table comment")
        for s, t, c in rows
    ]


def _delta(folder: Path) -> list[TableLineage]:
    """Table properties first; tables written before fauxdata set them have the marks
    only in their last write's commit info."""
    from deltalake import DeltaTable

    out = []
    for log in sorted(folder.glob("*/_delta_log")):
        table = DeltaTable(str(log.parent))
        found = _ours(table.metadata().configuration)
        if found:
            out.append(TableLineage(log.parent.name, found, "delta table properties"))
            continue
        writes = [h for h in table.history() if _ours(h)]
        found = _ours(writes[0]) if writes else {}
        out.append(TableLineage(log.parent.name, found or None, "delta commit info"))
    return out


def _ours(items: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in items.items() if k.startswith(PREFIX)}


def _manifest(folder: Path) -> list[TableLineage]:
    from fauxdata.manifest import read_manifest

    manifest = read_manifest(folder)
    found = manifest.get("lineage")
    return [
        TableLineage(t.get("output", name), found, "manifest")
        for name, t in (manifest.get("tables") or {}).items()
    ]


def _database(url: str) -> list[TableLineage]:
    import sqlalchemy as sa

    from fauxdata.introspect.source import resolve_url

    engine = sa.create_engine(resolve_url(url, path="PATH"))
    try:
        inspector = sa.inspect(engine)
        out = []
        schemas = inspector.get_schema_names()
        if engine.dialect.name in ("mysql", "mariadb") and engine.url.database:
            schemas = [engine.url.database]  # the URL's database, not the whole server's
        for schema in schemas:
            if schema in ("information_schema", "pg_catalog", "mysql", "performance_schema", "sys"):
                continue
            for table in inspector.get_table_names(schema=schema):
                try:
                    text = inspector.get_table_comment(table, schema=schema).get("text")
                except NotImplementedError:  # SQLite: no table comments, so no marks
                    text = None
                out.append(TableLineage(f"{schema}.{table}", from_comment(text), "table comment"))
        return out
    finally:
        engine.dispose()


def as_dict(found: list[TableLineage]) -> list[dict[str, Any]]:
    return [{"table": t.table, "marks": t.marks, "where": t.where} for t in found]
