"""Metadata templates: an extracted schema saved as a versioned folder, plus an audit log.

``templates/<source>/`` (``projects/<project>/docs/templates/<source>/`` in a
repository of projects) holds ``metadata.json`` (source name and type, base URL or
connection reference with no secret, ``extracted_at``, entities with their fields, types,
PII flags, foreign keys, default row counts and bronze table names), ``spec.yaml`` (the
spec generated from it, which the user may edit) and ``audit.jsonl`` (one line per mock
run: who, when, template version, seed, row counts; never data). Extracting again keeps
the previous version in ``templates/<source>/v<N>/``, so a template can be compared with
or rolled back to an earlier extraction.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fauxdata.audit import append as append_audit
from fauxdata.audit import read as read_audit
from fauxdata.errors import FauxdataError, did_you_mean

METADATA = "metadata.json"
SPEC = "spec.yaml"
AUDIT = "audit.jsonl"
FORMAT = 1


@dataclass(frozen=True)
class Template:
    """A saved template: its folder and its metadata document."""

    folder: Path
    metadata: dict[str, Any]

    @property
    def source(self) -> str:
        return str(self.metadata["source"])

    @property
    def version(self) -> int:
        return int(self.metadata.get("version", 1))

    @property
    def spec_path(self) -> Path:
        return self.folder / SPEC

    @property
    def extracted_at(self) -> str:
        return str(self.metadata.get("extracted_at", ""))

    def default_rows(self) -> dict[str, int]:
        return {name: int(e["rows"]) for name, e in self.metadata.get("entities", {}).items()}


def save_template(root: Path, metadata: dict[str, Any], spec_text: str) -> Template:
    """Write a new version of ``root/<source>``; the previous one moves to ``v<N>/``.

    The new files are written beside the old ones under temporary names and renamed
    into place, so an interrupted save leaves the previous version whole.
    """
    folder = root / str(metadata["source"])
    folder.mkdir(parents=True, exist_ok=True)
    previous = _read_metadata(folder / METADATA) if (folder / METADATA).exists() else None
    version = (int(previous.get("version", 1)) + 1) if previous else 1
    document = {"fauxdata_template": FORMAT, **metadata, "version": version}
    (folder / (METADATA + ".tmp")).write_text(json.dumps(document, indent=2) + "\n")
    (folder / (SPEC + ".tmp")).write_text(spec_text)
    if previous is not None:
        keep = folder / f"v{version - 1}"
        shutil.rmtree(keep, ignore_errors=True)
        keep.mkdir()
        for name in (METADATA, SPEC):
            if (folder / name).exists():
                shutil.copy2(folder / name, keep / name)
    os.replace(folder / (SPEC + ".tmp"), folder / SPEC)
    os.replace(folder / (METADATA + ".tmp"), folder / METADATA)
    return Template(folder, document)


def load_template(path: Path) -> Template:
    """A template from its folder or its ``metadata.json``.

    Raises:
        FauxdataError: no template there, or its metadata is unreadable.
    """
    folder = path.parent if path.name == METADATA else path
    if not (folder / METADATA).exists():
        raise FauxdataError(
            f"no template at {folder} (expected {folder / METADATA})",
            path="--template",
            hint="extract one first: fauxdata mock SOURCE --extract",
        )
    metadata = _read_metadata(folder / METADATA)
    if not (folder / SPEC).exists():
        raise FauxdataError(f"template {folder} has no {SPEC}", path="--template")
    return Template(folder, metadata)


def find_template(root: Path, text: str) -> Template:
    """``--template``: a template folder (or its metadata.json), or a name under ``root``.

    Raises:
        FauxdataError: neither exists, with the names there are.
    """
    path = Path(text)
    if (path / METADATA).exists() or path.name == METADATA:
        return load_template(path)
    if (root / text / METADATA).exists():
        return load_template(root / text)
    names = [t.folder.name for t in list_templates(root)]
    raise FauxdataError(
        f"no template '{text}' in {root}",
        path="--template",
        hint=did_you_mean(text, names)
        or (
            f"templates: {', '.join(names)}"
            if names
            else "extract one: fauxdata mock SOURCE --extract"
        ),
    )


def _read_metadata(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise FauxdataError(
            f"cannot read template metadata {path}: {exc}", path=str(path)
        ) from None
    if not isinstance(data, dict) or "source" not in data or "entities" not in data:
        raise FauxdataError(
            f"{path} is not a fauxdata template",
            path=str(path),
            hint="expected source and entities",
        )
    return data


def list_templates(root: Path) -> list[Template]:
    """Every template under ``root``, by source name; unreadable ones raise."""
    if not root.is_dir():
        return []
    return [
        load_template(folder)
        for folder in sorted(root.iterdir())
        if folder.is_dir() and (folder / METADATA).exists()
    ]


def audit(template: Template, record: dict[str, Any]) -> dict[str, Any]:
    """Append one run to the template's audit log: who, when, what; never a value."""
    return append_audit(
        template.folder / AUDIT,
        {"template": str(template.folder), "template_version": template.version, **record},
    )


def audit_lines(template: Template) -> list[dict[str, Any]]:
    return read_audit(template.folder / AUDIT)
