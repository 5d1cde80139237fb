"""What a Spark task needs to rebuild the engine, and the executor-side rebuild.

A partition computes its blocks from the determinism contract alone, so the only thing
shipped to executors is a :class:`Payload`: the spec as plain data (with its
``reference_date`` fixed on the driver, so ``TODAY()`` cannot differ between machines
or across midnight), the seed and overrides, and the contents of the files the spec
reads (seed lists). Executors write those files into a folder of their own and resolve
the spec again there; ``resolve`` is deterministic, so every executor builds the same
plan the driver built, which :func:`engine_for` double-checks with the row counts.

This module imports no Spark, so it runs in any Python worker and in tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fauxdata.engine.engine import Engine
from fauxdata.errors import GenerationError
from fauxdata.manifest import spec_document
from fauxdata.spec import validate_spec
from fauxdata.spec.resolve import Plan, resolve

SHIPPED = "_shipped"
"""Folder (inside the executor's copy of the spec folder) for files named by absolute path."""


@dataclass(frozen=True)
class Payload:
    """Everything an executor needs to compute any block of any table of one run."""

    spec: dict[str, Any]
    seed: int
    rows: dict[str, int]
    scale: float
    tables: tuple[str, ...] | None
    row_counts: dict[str, int]
    """The driver's row count per table, compared on the executor as a guard."""
    files: dict[str, bytes] = field(default_factory=dict)
    """Relative path (as the spec names it) -> contents, for every file the spec reads."""

    @property
    def token(self) -> str:
        """A stable name for this run's plan, keying the executor-side engine cache."""
        digest = hashlib.blake2b(digest_size=16)
        header = {
            "spec": self.spec,
            "seed": self.seed,
            "rows": self.rows,
            "scale": self.scale,
            "tables": self.tables,
            "row_counts": self.row_counts,
        }
        digest.update(json.dumps(header, sort_keys=True, default=str).encode())
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        return digest.hexdigest()


def payload_for(plan: Plan) -> Payload:
    """Package a resolved plan (after ``Engine`` derived its per-parent row counts).

    Seed-list files are read on the driver and shipped by content, so executors need
    no access to the spec's folder; absolute paths are rewritten under ``_shipped/``.

    Raises:
        GenerationError: a file the spec reads cannot be read on the driver.
    """
    document = spec_document(plan.spec)
    document["reference_date"] = plan.reference_date.isoformat()
    files: dict[str, bytes] = {}
    for node in _seed_lists(document):
        given = Path(str(node["path"]))
        source = given if given.is_absolute() else plan.base_dir / given
        try:
            content = source.read_bytes()
        except OSError as exc:
            raise GenerationError(
                f"cannot read seed list {source} to ship it to Spark executors: {exc.strerror}",
                path="seed_list.path",
            ) from None
        if given.is_absolute():
            name = f"{SHIPPED}/{hashlib.sha256(str(given).encode()).hexdigest()[:12]}/{given.name}"
            node["path"] = name
        else:
            name = given.as_posix()
        files[name] = content
    files.update(_ship_models(document, plan.base_dir))
    return Payload(
        spec=document,
        seed=plan.seed,
        rows=dict(plan.row_overrides),
        scale=plan.scale,
        tables=tuple(plan.selected) if len(plan.selected) < len(plan.tables) else None,
        row_counts={name: table.rows for name, table in plan.tables.items()},
        files=files,
    )


def _ship_models(document: dict[str, Any], base_dir: Path) -> dict[str, bytes]:
    """Synthesized columns: their model (fitted from the seed or read from its file on
    the driver) is shipped by content and named by ``model:``, so executors need neither
    the seed nor its credentials, and draw from exactly the driver's model."""
    from fauxdata.spec.synthesize import Synthesized
    from fauxdata.synth.store import model_for

    files: dict[str, bytes] = {}
    for table in document.get("tables", {}).values():
        table.pop("synthesize", None)  # its columns carry the groups' settings already
    for node in _nodes(document, "synthesize"):
        spec = Synthesized.model_validate(node)
        content = model_for(spec, base_dir, "synthesize").to_json().encode()
        name = f"{SHIPPED}/synth/{hashlib.sha256(content).hexdigest()[:16]}.json"
        files[name] = content
        node.pop("source", None)
        node.pop("from", None)
        node["model"] = name
    return files


def _nodes(node: Any, kind: str) -> list[dict[str, Any]]:
    """Every generator of ``kind`` in the spec document, however deeply nested."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("kind") == kind:
            found.append(node)
        for value in node.values():
            found.extend(_nodes(value, kind))
    elif isinstance(node, list):
        for value in node:
            found.extend(_nodes(value, kind))
    return found


def _seed_lists(node: Any) -> list[dict[str, Any]]:
    """Every ``seed_list`` generator in the spec document, however deeply nested."""
    return [found for found in _nodes(node, "seed_list") if "path" in found]


_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def engine_for(payload: Payload) -> Engine:
    """The engine of a payload, built once per Python worker process and reused by every
    task of the run that lands there (Spark reuses Python workers by default).

    Raises:
        GenerationError: the executor resolved different row counts than the driver
            (the two run different fauxdata or data-package versions).
    """
    token = payload.token
    with _lock:
        engine = _engines.get(token)
        if engine is not None:
            return engine
        folder = Path(tempfile.gettempdir()) / f"fauxdata-spark-{token}"
        for name, content in payload.files.items():
            path = folder / name
            if not path.exists() or path.read_bytes() != content:
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
                partial.write_bytes(content)
                partial.replace(path)
        plan = resolve(
            validate_spec(payload.spec, origin="<spark payload>"),
            seed=payload.seed,
            rows=payload.rows,
            scale=payload.scale,
            tables=list(payload.tables) if payload.tables else None,
            base_dir=folder,
        )
        engine = Engine(plan)
        found = {name: table.rows for name, table in engine.plan.tables.items()}
        if found != payload.row_counts:
            raise GenerationError(
                "a Spark executor planned different row counts than the driver",
                path="spark",
                hint="install the same fauxdata and data-package versions on the driver and every executor",
            )
        _engines.clear()  # one run at a time per worker: keep memory bounded
        _engines[token] = engine
        return engine
