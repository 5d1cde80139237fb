"""What fauxdata may replace: only output it can prove it wrote.

A folder is fauxdata's when it holds a manifest that parses and lists only plain names
inside the folder (no ``..``, no separator, no absolute path, no symlink leading out),
and nothing else sits beside them. Publishing replaces such a folder whole, so every file
it removes is one a trusted manifest names. Anything else is refused with the name of
the first offending entry: a planted manifest cannot make fauxdata delete a file.
"""

from __future__ import annotations

import json
from pathlib import Path

from fauxdata.errors import TargetError

MANIFEST = "fauxdata-manifest.json"


def is_plain_name(name: object) -> bool:
    """A single path component: not empty, not ``.`` or ``..``, no separator, no NUL."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and not any(c in name for c in ("/", "\\", "\0"))
        and not Path(name).is_absolute()
    )


def is_plain_path(name: object) -> bool:
    """A plain name, or ``schema/name`` of two plain names: a table named with its schema
    (``sales.orders``) lands in a folder per schema."""
    if not isinstance(name, str):
        return False
    parts = name.split("/")
    return len(parts) <= 2 and all(is_plain_name(p) for p in parts)


def trusted_files(folder: Path, manifest: str = MANIFEST) -> list[str]:
    """The entries a folder's manifest lists, once every one is proved to be a plain name
    (or ``schema/name``) inside the folder, and every entry of the folder (and of its
    schema folders) is listed; an empty list when the folder is absent or empty.

    Raises:
        TargetError: the folder is a file, holds files but no manifest, its manifest does
            not parse, lists a path that is not a plain name or leaves the folder, or the
            folder holds entries the manifest does not list.
    """
    if not folder.exists() and not folder.is_symlink():
        return []
    if folder.is_symlink() or not folder.is_dir():
        raise TargetError(f"{folder} exists and is not a directory", path="--to")
    entries = {p.name for p in folder.iterdir()}
    if not entries:
        return []
    if manifest not in entries:
        raise _foreign(folder, "it holds files not written by fauxdata (no manifest)")
    try:
        data = json.loads((folder / manifest).read_text())
    except (OSError, ValueError):
        raise _foreign(folder, f"its {manifest} does not parse") from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(data, dict) or "fauxdata_manifest" not in data or not isinstance(files, list):
        raise _foreign(folder, f"its {manifest} is not a fauxdata manifest")
    root = folder.resolve()
    for name in files:
        if not is_plain_path(name):
            raise _foreign(folder, f"its manifest lists {name!r}, which is not a plain file name")
        for entry in (folder / name.split("/")[0], folder / name):
            if entry.is_symlink() and root not in entry.resolve().parents:
                raise _foreign(
                    folder, f"its manifest lists {name!r}, a link leading out of the folder"
                )
    unlisted = sorted(entries - {name.split("/")[0] for name in files} - {manifest})
    for schema in sorted({name.split("/")[0] for name in files if "/" in name}):
        inner = folder / schema
        if inner.is_dir() and not inner.is_symlink():  # a folder per schema: all of it listed
            listed = {name.split("/")[1] for name in files if name.startswith(f"{schema}/")}
            unlisted += sorted(
                f"{schema}/{p.name}" for p in inner.iterdir() if p.name not in listed
            )
    if unlisted:
        raise _foreign(
            folder,
            "it holds files not written by fauxdata: " + ", ".join(unlisted[:5]),
        )
    return [str(name) for name in files if (folder / name).exists()]


def _foreign(folder: Path, why: str) -> TargetError:
    return TargetError(
        f"refusing to replace {folder}: {why}",
        path="--to",
        hint="choose a new directory, or move those files away yourself",
    )
