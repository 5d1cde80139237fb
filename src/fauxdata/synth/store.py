"""Find the model for a synthesized group: a fitted model file, or fit and cache.

With ``model:`` the file made by ``fauxdata fit`` is read. With ``from:`` the seed is
read and its digest, with the fit settings, names a cache file in
``.fauxdata-cache/synth/`` beside the spec: the first ``check`` or ``generate`` fits and
writes it, later runs read it, and editing the seed (or a setting) fits anew. The cache
holds the same aggregates as a model file, never a row, so it is safe to keep.
"""

from __future__ import annotations

import hashlib
import threading
from functools import lru_cache
from pathlib import Path

from fauxdata.errors import FauxdataError, Problem, SpecError, did_you_mean
from fauxdata.spec.models import Spec
from fauxdata.spec.synthesize import Synthesized
from fauxdata.synth.fit import FIT_REVISION, FitOptions, fit
from fauxdata.synth.model import FORMAT, Model
from fauxdata.synth.source import read_seed

CACHE_DIR = Path(".fauxdata-cache") / "synth"
_LOCK = threading.Lock()


def cache_key(digest: str, columns: tuple[str, ...], min_rows: int, clip: float) -> str:
    """The cache file's name: the seed's digest plus everything the fit depends on."""
    parts = [FORMAT, str(FIT_REVISION), digest, ",".join(columns), str(min_rows), repr(clip)]
    text = "\x1f".join(parts)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def model_for(spec: Synthesized, base_dir: Path, path: str = "synthesize") -> Model:
    """The model of a synthesized group (fitted once per seed content and settings).

    Raises:
        FauxdataError: the seed or model cannot be read, or lacks a column.
    """
    with _LOCK:  # the parts of a group are built one after the other, but maybe on threads
        if spec.model is not None:
            file = Path(spec.model)
            file = file if file.is_absolute() else base_dir / file
            stat = file.stat() if file.exists() else None
            model = _read_model(file, stat.st_mtime_ns if stat else 0, path)
        else:
            model = _fitted(
                spec.source or "", base_dir, spec.columns, spec.min_rows, spec.clip, path
            )
    for name in spec.columns:
        if name not in model.columns:
            raise FauxdataError(
                f"the model has no column '{name}'",
                path=f"{path}.columns",
                hint=did_you_mean(name, list(model.columns))
                or f"its columns: {', '.join(model.columns)}",
            )
    return model


@lru_cache(maxsize=32)
def _read_model(file: Path, _stamp: int, path: str) -> Model:
    if not file.exists():
        raise FauxdataError(f"model not found: {file}", path=f"{path}.model", code="not_found")
    return Model.read(file)


def _fitted(
    source: str, base_dir: Path, columns: list[str], min_rows: int, clip: float, path: str
) -> Model:
    digest = _digest(source, base_dir, _stamp(source, base_dir), path)
    return _cached_fit(digest, source, str(base_dir), tuple(columns), min_rows, clip, path)


def _stamp(source: str, base_dir: Path) -> tuple[int, int]:
    """A file seed's modification time and size: when they change, its digest is read
    again. Database seeds have none: they are read once per process."""
    file = Path(source)
    file = file if file.is_absolute() else base_dir / file
    if "#" in source or not file.exists():
        return (0, 0)
    stat = file.stat()
    return (stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _digest(source: str, base_dir: Path, _stamp: tuple[int, int], path: str) -> str:
    return read_seed(source, base_dir, f"{path}.from").digest


@lru_cache(maxsize=32)
def _cached_fit(
    digest: str,
    source: str,
    base_dir: str,
    columns: tuple[str, ...],
    min_rows: int,
    clip: float,
    path: str,
) -> Model:
    file = Path(base_dir) / CACHE_DIR / f"{cache_key(digest, columns, min_rows, clip)}.json"
    if file.exists():
        return Model.read(file)
    seed = read_seed(source, Path(base_dir), f"{path}.from")
    model = fit(
        seed.frame,
        list(columns),
        FitOptions(min_rows=min_rows, clip=clip),
        digest=seed.digest,
        path=path,
    )
    model.write(file)
    return model


def attach(spec: Spec, base_dir: Path) -> Spec:
    """The spec with each synthesized column's type (and nullability) taken from its
    model, unless declared, so formulas over them type-check before anything runs.

    Raises:
        SpecError: every group whose model cannot be had, with its path.
    """
    problems: list[Problem] = []
    tables = {}
    for tname, table in spec.tables.items():
        columns = dict(table.columns)
        for cname, column in table.columns.items():
            gen = column.generator
            if not isinstance(gen, Synthesized):
                continue
            try:
                model = model_for(gen, base_dir, f"tables.{tname}.synthesize")
            except FauxdataError as exc:
                problems.append(Problem(exc.path, exc.message, exc.hint, exc.code))
                continue
            learned = model.columns[gen.part]
            update: dict[str, object] = {}
            if column.type is None:
                update["type"] = learned.type
            if column.nullable is None and learned.null_rate > 0:
                update["nullable"] = True
            columns[cname] = column.model_copy(update=update)
        tables[tname] = table.model_copy(update={"columns": columns})
    if problems:
        unique = list(dict.fromkeys(problems))
        raise SpecError(unique)
    return spec.model_copy(update={"tables": tables})
