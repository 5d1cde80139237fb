"""The generation script ``fauxdata mock`` saves: ``scripts/generate_mock_<source>.py``.

A short, readable Python file a pipeline developer can commit, read and run without the
workflow's questions: it calls ``fauxdata.generate`` with the template's spec, the seed,
every entity's row count and the target of the run that wrote it, so it gives the same
rows byte for byte (the manifests' digests agree). Paths are written relative to the
script, so the project can move; a database password is never written, the URL is read
from an environment variable instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fauxdata.sinks.target import Target, parse_target

TARGET_VARIABLE = "FAUXDATA_MOCK_TARGET"


def script_name(source: str) -> str:
    return f"generate_mock_{source}.py"


@dataclass(frozen=True)
class ScriptRun:
    """What the script reproduces."""

    source: str
    spec_path: Path
    seed: int
    rows: Mapping[str, int]
    target: str
    template_version: int
    extracted_at: str


def write_script(folder: Path, run: ScriptRun) -> Path:
    """Write (or rewrite) ``folder/generate_mock_<source>.py`` for this run."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / script_name(run.source)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(render(run, folder))
    os.replace(tmp, path)
    return path


def render(run: ScriptRun, folder: Path) -> str:
    """The script's text, with paths relative to ``folder`` (where it lives)."""
    rows = "".join(f"    {_quote(name)}: {count},\n" for name, count in run.rows.items())
    target = parse_target(run.target)
    target_line, target_note = _target(target, folder)
    imports = "import os\n" if target.is_database else ""
    return f'''#!/usr/bin/env python3
"""Regenerate the mock data of source {run.source!r} as `fauxdata mock {run.source}` made it.

Template v{run.template_version}, extracted {run.extracted_at}; seed {run.seed}.

The same template, seed and row counts give the same rows, byte for byte: compare the
table digests in the two runs' manifests. Edit ROWS to scale up or down.
{target_note}Run it from anywhere: python {Path(folder.name) / script_name(run.source)}
"""

{imports}from pathlib import Path

import fauxdata

HERE = Path(__file__).resolve().parent
TEMPLATE = (HERE / {_quote(_relative(run.spec_path, folder))}).resolve()
SEED = {run.seed}
ROWS = {{
{rows}}}
{target_line}

if __name__ == "__main__":
    result = fauxdata.generate(
        TEMPLATE, TARGET, seed=SEED, rows=ROWS, bronze_source={_quote(run.source)}
    )
    verified = result.report is not None and result.report.passed
    print(f"{{result.rows:,}} mock rows in {{result.target}}, verified: {{verified}}")
    raise SystemExit(0 if verified else 1)
'''


def _target(target: Target, folder: Path) -> tuple[str, str]:
    if target.is_database:
        return (
            f'TARGET = os.environ["{TARGET_VARIABLE}"]',
            f"The target database URL is read from {TARGET_VARIABLE}: no password is written here.\n",
        )
    location = _relative(target.path, folder)
    prefix = "duckdb:///" if target.format == "duckdb" else f"{target.format}:"
    return f"TARGET = {_quote(prefix)} + str((HERE / {_quote(location)}).resolve())", ""


def _quote(text: str) -> str:
    """A Python string literal in double quotes (JSON's escapes are Python's too)."""
    return json.dumps(text)


def _relative(path: Path, folder: Path) -> str:
    return os.path.relpath(path.resolve(), folder.resolve())
