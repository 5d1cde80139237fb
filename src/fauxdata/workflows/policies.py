"""Faasera-style JSON policies to a spec and back, written atomically."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from fauxdata.errors import FauxdataError


@dataclass
class PolicyImport:
    out: Path
    tables: int


def import_policy(policy: Path, out: Path) -> PolicyImport:
    """Turn one policy (or a list) into a spec at ``out``, checked before it is written;
    seed files are read next to the policy and named relative to ``out``.

    Raises:
        FauxdataError: the folder of ``out`` is missing, or the policy cannot be imported.
    """
    from fauxdata import run
    from fauxdata.policy import import_policies
    from fauxdata.spec.yaml_io import dump_yaml

    if not out.parent.is_dir():
        raise FauxdataError(f"folder {out.parent} does not exist", path="--out")
    document = import_policies(policy, relative_to=out.parent)
    run.check(document, base_dir=out.parent)
    write_text(out, dump_yaml(document))
    return PolicyImport(out, len(document["tables"]))


def export_policy(spec: Path, out: Path | None = None) -> str:
    """The spec's tables as JSON policies; written to ``out`` when given.

    Raises:
        FauxdataError: a generator that maps onto no policy rule, naming its column.
    """
    from fauxdata.policy import export_policies
    from fauxdata.spec import load_spec

    relative_to = out.parent if out is not None else Path.cwd()
    policies = export_policies(load_spec(spec), base_dir=spec.parent, relative_to=relative_to)
    text = json.dumps(policies, indent=2) + "\n"
    if out is not None:
        write_text(out, text)
    return text


def write_text(path: Path, text: str) -> None:
    """Write a file atomically (a reader never sees half of it).

    Raises:
        FauxdataError: the folder is missing or not writable, naming --out.
    """
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        raise FauxdataError(f"cannot write {path}: {exc.strerror}", path="--out") from None
