"""Workspaces: a folder of spec versions (``v1``, ``v2``, ``baseline``) a team can compare,
copy and roll back to.

Each version is a subfolder holding one or more specs and the files they read (seed
lists, lookup CSVs). Duplicating records where a version came from; diffing compares
specs by meaning (paths such as ``tables.orders.columns.total.generator.max``), not by
text, so reformatting or comments are not reported as changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fauxdata.errors import FauxdataError, did_you_mean
from fauxdata.spec.loader import load_spec

METADATA = ".workspace.json"
SPEC_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Version:
    name: str
    path: Path
    specs: dict[str, str | None]
    """Spec file name -> None when it loads, else its first error."""
    tables: int
    rows: int
    modified: dt.datetime
    parent: str | None
    digest: str
    """Of every file's name and content: equal digests, identical versions."""


@dataclass(frozen=True)
class Difference:
    file: str
    path: str
    """Dotted path inside the spec; empty for a whole file."""
    was: Any
    now: Any

    @property
    def sign(self) -> str:
        return "+" if self.was is None else "-" if self.now is None else "~"

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        if self.was is None:
            return f"+ {where}: {_show(self.now)}"
        if self.now is None:
            return f"- {where}: {_show(self.was)}"
        return f"~ {where}: {_show(self.was)} -> {_show(self.now)}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "path": self.path, "was": self.was, "now": self.now}


def version_path(root: Path, name: str) -> Path:
    """The folder of version ``name`` under ``root`` (or ``name`` itself when it is a folder).

    Raises:
        FauxdataError: no such version, with the closest names.
    """
    candidate = root / name
    if candidate.is_dir():
        return candidate
    if Path(name).is_dir():
        return Path(name)
    names = [v.name for v in _folders(root)]
    raise FauxdataError(
        f"version '{name}' not found in {root}",
        path="workspace",
        hint=did_you_mean(name, names)
        or (f"versions: {', '.join(names)}" if names else "none yet"),
    )


def list_versions(root: Path) -> list[Version]:
    """Every version under ``root``, oldest first.

    Raises:
        FauxdataError: ``root`` is not a folder.
    """
    if not root.is_dir():
        raise FauxdataError(
            f"{root} is not a folder", path="--root", hint="create it with a subfolder per version"
        )
    return sorted((_version(f) for f in _folders(root)), key=lambda v: (v.modified, v.name))


def duplicate(root: Path, source: str, target: str) -> Path:
    """Copy version ``source`` to a new version ``target``; the copy appears whole or not at all.

    Raises:
        FauxdataError: the source is missing or the target exists.
    """
    origin = version_path(root, source)
    destination = root / target
    if "/" in target or target.startswith("."):
        raise FauxdataError(
            f"'{target}' is not a version name", path="workspace duplicate", hint="e.g. v3"
        )
    if destination.exists():
        raise FauxdataError(
            f"version '{target}' already exists in {root}",
            path="workspace duplicate",
            hint="pick a new name, or delete the old version first",
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{target}.", dir=root))
    try:
        shutil.copytree(
            origin, staging, dirs_exist_ok=True, ignore=shutil.ignore_patterns(METADATA)
        )
        (staging / METADATA).write_text(
            json.dumps(
                {"copied_from": origin.name, "created_at": dt.datetime.now(dt.UTC).isoformat()},
                indent=2,
            )
        )
        staging.rename(destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return destination


def diff(root: Path, a: str, b: str) -> list[Difference]:
    """What changed from version ``a`` to version ``b``, file by file.

    Specs are compared by their loaded values; other files by content.
    """
    left, right = version_path(root, a), version_path(root, b)
    files_a, files_b = _files(left), _files(right)
    out: list[Difference] = []
    for name in sorted(set(files_a) | set(files_b)):
        if name not in files_b:
            out.append(Difference(name, "", "file", None))
        elif name not in files_a:
            out.append(Difference(name, "", None, "file"))
        elif _is_spec(left / name) and _is_spec(right / name):
            out.extend(
                Difference(name, path, was, now)
                for path, was, now in _compare(
                    _spec_values(left / name), _spec_values(right / name)
                )
            )
        elif files_a[name] != files_b[name]:
            out.append(Difference(name, "", "content", "changed content"))
    return out


def _folders(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]


def _files(folder: Path) -> dict[str, str]:
    """Relative path -> content digest, metadata excluded."""
    return {
        str(p.relative_to(folder)): hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != METADATA
    }


def _is_spec(path: Path) -> bool:
    if path.suffix not in SPEC_SUFFIXES:
        return False
    try:
        head = path.read_text()
    except (OSError, UnicodeDecodeError):
        return False
    return "tables" in head


def _spec_values(path: Path) -> dict[str, Any]:
    """The spec as plain values (defaults left out), or its raw text when it does not load."""
    try:
        return load_spec(path).model_dump(mode="json", exclude_defaults=True)
    except FauxdataError:
        return {"<unloadable>": path.read_text()}


def _compare(was: Any, now: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    if isinstance(was, dict) and isinstance(now, dict):
        out = []
        for key in list(was) + [k for k in now if k not in was]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in now:
                out.append((sub, was[key], None))
            elif key not in was:
                out.append((sub, None, now[key]))
            else:
                out.extend(_compare(was[key], now[key], sub))
        return out
    return [] if was == now else [(path, was, now)]


def _version(folder: Path) -> Version:
    specs: dict[str, str | None] = {}
    tables = rows = 0
    for path in sorted(folder.rglob("*")):
        if not (path.is_file() and _is_spec(path)):
            continue
        try:
            spec = load_spec(path)
        except FauxdataError as exc:
            specs[str(path.relative_to(folder))] = str(exc).splitlines()[0]
            continue
        specs[str(path.relative_to(folder))] = None
        tables += len(spec.tables)
        rows += sum(t.rows or 0 for t in spec.tables.values())
    files = _files(folder)
    digest = hashlib.blake2b(json.dumps(files, sort_keys=True).encode(), digest_size=6).hexdigest()
    stamps = [(folder / f).stat().st_mtime for f in files] or [folder.stat().st_mtime]
    meta = folder / METADATA
    parent = None
    if meta.is_file():
        try:
            parent = json.loads(meta.read_text()).get("copied_from")
        except (json.JSONDecodeError, AttributeError):
            parent = None
    return Version(
        folder.name,
        folder,
        specs,
        tables,
        rows,
        dt.datetime.fromtimestamp(max(stamps), dt.UTC),
        parent,
        digest,
    )


def _show(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "..."
