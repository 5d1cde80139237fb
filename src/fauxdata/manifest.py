"""Run manifests: everything needed to reproduce a dataset exactly."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from fauxdata.errors import FauxdataError
from fauxdata.spec.models import Spec

PACKAGES = ("fauxdata", "numpy", "polars", "pyarrow", "scipy", "duckdb", "mimesis", "faker")
FORMAT = 1


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def spec_document(spec: Spec) -> dict[str, Any]:
    """The spec as plain JSON data, as the user wrote it (defaults left out)."""
    return spec.model_dump(mode="json", exclude_unset=True, by_alias=True)


def spec_digest(spec: Spec) -> str:
    canonical = json.dumps(spec.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def build_manifest(
    *,
    run_id: str,
    source: Mapping[str, Any],
    target: str,
    tables: dict[str, dict[str, Any]],
    verification: dict[str, Any] | None,
    files: list[str],
    lineage: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The manifest of a run, whatever produced it: ``source`` says what made the data
    (``spec_source`` for a spec run; a scenario pack records its own keys) and the rest
    is the same for every producer. ``run_id`` lets a later run tell which run's output
    a folder holds after a crash."""
    return {
        "fauxdata_manifest": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "run_id": run_id,
        **source,
        "target": target,
        "packages": package_versions(),
        "tables": tables,
        "verification": verification,
        "files": files,
        "lineage": dict(lineage or {}),
    }


def spec_source(
    *,
    spec: Spec,
    spec_path: str | None,
    base_dir: Path,
    seed: int,
    rows: dict[str, int],
    scale: float,
    tables: list[str] | None,
) -> dict[str, Any]:
    """What a spec run records to be replayed exactly."""
    return {
        "kind": "spec",
        "spec_name": spec.name,
        "spec_path": spec_path,
        "spec_digest": spec_digest(spec),
        "spec": spec_document(spec),
        "base_dir": str(base_dir),
        "seed": seed,
        "overrides": {"rows": rows, "scale": scale, "tables": tables},
    }


def read_manifest(path: str | Path) -> dict[str, Any]:
    """Load a manifest file, or the manifest stored next to a DuckDB file or in a directory.

    Raises:
        FauxdataError: the manifest is missing or not a fauxdata manifest.
    """
    p = Path(path)
    if p.is_dir():
        p = p / "fauxdata-manifest.json"
    elif p.suffix in (".duckdb", ".db", ".ddb"):
        p = p.with_name(p.name + ".manifest.json")
    try:
        data = json.loads(p.read_text())
    except FileNotFoundError:
        raise FauxdataError(f"manifest not found: {p}", path="--replay") from None
    except (OSError, ValueError) as exc:
        raise FauxdataError(f"cannot read manifest {p}: {exc}", path="--replay") from None
    if not isinstance(data, dict) or "fauxdata_manifest" not in data:
        raise FauxdataError(f"{p} is not a fauxdata manifest", path="--replay")
    return data
