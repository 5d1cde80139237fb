"""Counters for checks between a child and its parent, by merging the two ordered files.

Each is a ``chunks.Counter`` that reads the other file forward through a ``merge.Window``
and matches keys with ``merge.match``; the counts are the same the SQL of ``checks``
and ``relations`` would give. The first chunk either cannot handle (see ``merge``)
switches the counter to that SQL for the rest of the file, so a check never weakens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fauxdata.arrow_numpy import from_numpy
from fauxdata.verify.chunks import Chunk, Counter, Unordered, parquet_file, registered
from fauxdata.verify.keys import numpy_of
from fauxdata.verify.merge import Matched, Window, match

Merged = Callable[[duckdb.DuckDBPyConnection, Chunk, Chunk], Sequence[int]]
"""Counts a chunk's violations given its parents' rows in the chunk's key range."""

PARENTS = "__fauxdata_parents"
"""The name, in DuckDB, of a chunk's parent rows lined up with the chunk's rows."""


def _matched(parents: Chunk, parent_key: str, chunk: Chunk, child_key: str) -> Matched:
    """The chunk's rows matched to its parents' rows, with the keys both chunks already
    read as integers."""
    return match(
        parents.data[parent_key],
        chunk.data[child_key],
        chunk.steps,
        parent_keys=parents.integers,
        child_keys=chunk.integers,
    )


def merged_orphans(parent: str, parent_key: str, child_key: str, fallback: Counter) -> Counter:
    """Children in a chunk (ordered by ``child_key``) whose key is not in ``parent``."""

    def count(_: duckdb.DuckDBPyConnection, chunk: Chunk, parents: Chunk) -> Sequence[int]:
        return (_matched(parents, parent_key, chunk, child_key).orphans,)

    return _beside_parents(parent, parent_key, child_key, (), count, fallback)


def merged_parents(
    parent: str,
    parent_key: str,
    child_key: str,
    columns: Sequence[str],
    sql: str,
    fallback: Counter,
) -> Counter:
    """``sql`` over a chunk (ordered by ``child_key``) with each row's parent row lined
    up beside it as ``PARENTS`` (NULLs for an orphan): what a LEFT JOIN on the unique
    parent key gives, found by merging instead of hashing (``POSITIONAL JOIN``)."""

    def count(cursor: duckdb.DuckDBPyConnection, chunk: Chunk, parents: Chunk) -> Sequence[int]:
        at = _matched(parents, parent_key, chunk, child_key).rows()
        cursor.register(PARENTS, parents.data.take(from_numpy(at, mask=at < 0)))
        try:
            with registered(cursor, chunk):
                return tuple(cursor.execute(sql).fetchall()[0])
        finally:
            cursor.unregister(PARENTS)

    return _beside_parents(parent, parent_key, child_key, tuple(columns), count, fallback)


def _beside_parents(
    parent: str,
    parent_key: str,
    child_key: str,
    columns: tuple[str, ...],
    merged: Merged,
    fallback: Counter,
) -> Counter:
    """A counter that gives ``merged`` each chunk with the ``parent`` file's rows in its
    key range, read forward; from the first chunk that cannot be merged (NULL keys, see
    ``merge``) on, ``fallback`` (SQL) counts instead."""
    path = parquet_file(parent)
    window = None if path is None else Window(path, parent_key, columns, strict=True)

    def count(cursor: duckdb.DuckDBPyConnection, chunk: Chunk) -> Sequence[int]:
        nonlocal window
        if window is not None and chunk.data[child_key].null_count == 0:
            try:
                return merged(cursor, chunk, window.between(chunk.low, chunk.high))
            except Unordered:
                pass
        window = None
        return fallback(cursor, chunk)

    return count


def merged_aggregates(
    child: str,
    child_key: str,
    parent_key: str,
    group: Sequence[tuple[str, str, str]],
    bounds: tuple[int, int | None],
) -> MergedAggregates | None:
    """Per parent chunk: for each (column, fn, child column) of ``group``, the parents
    whose column differs from ``fn`` over their children, then the parents whose
    number of children is outside ``bounds``. None when ``child`` is not one file."""
    path = parquet_file(child)
    if path is None:
        return None
    needed = tuple(dict.fromkeys(c for _, _, c in group))
    return MergedAggregates(
        Window(path, child_key, needed, strict=False), parent_key, group, bounds
    )


class MergedAggregates:
    """The counter of ``merged_aggregates``. It matches every child row in the parents'
    key ranges to its parent, so once it has counted every chunk of the parent file
    it also knows the child's foreign-key orphans (``orphans``): the child rows no
    parent matched. The child's own foreign-key check then reads nothing (on the
    26M-row shop it read the 6M order ids again beside the 18M order lines).

    Raises (from the counter):
        Unordered: the files cannot be merged; the caller runs its SQL.
    """

    def __init__(
        self,
        window: Window,
        parent_key: str,
        group: Sequence[tuple[str, str, str]],
        bounds: tuple[int, int | None],
    ) -> None:
        self._window = window
        self._parent_key = parent_key
        self._group = group
        self._bounds = bounds
        self._matched = 0  # child rows matched to a parent so far
        self._declined = False

    def __call__(self, cursor: duckdb.DuckDBPyConnection, chunk: Chunk) -> Sequence[int]:
        try:
            return self._count(chunk)
        except Unordered:
            self._declined = True  # some chunk is not counted here: no orphans known
            raise

    def _count(self, chunk: Chunk) -> Sequence[int]:
        held = self._window.between(chunk.low, chunk.high)
        rows = held.data
        parents = chunk.data.num_rows
        matched = match(
            chunk.data[self._parent_key],
            rows[self._window.key],
            parent_keys=chunk.integers,
            child_keys=held.integers,
        )
        self._matched += rows.num_rows - matched.orphans
        n = matched.per_parent(matched.lengths, parents)
        counts = []
        for name, fn, column in self._group:
            expected, missing = _aggregate(fn, _floats(rows[column]), matched, parents)
            actual = _floats(chunk.data[name])
            counts.append(_differing(actual, expected, missing))
        low, high = self._bounds
        outside = n < low if high is None else (n < low) | (n > high)
        return [*counts, int(outside.sum())]

    def orphans(self) -> int | None:
        """Child rows whose key is no parent's, once every chunk of the parent file was
        counted here (each parent key is in exactly one chunk, so each child row is
        matched at most once; a row between chunks' ranges or after the last matches
        none); None when a chunk was not, or the child file's rest is not ordered (a
        NULL key among them: the check's SQL counts instead)."""
        if self._declined:
            return None
        try:
            return self._window.rest() - self._matched
        except Unordered:
            return None


def _floats(values: pa.ChunkedArray) -> np.ndarray:
    """A numeric column as float64 with NaN for NULL (as the SQL compares ``::DOUBLE``)."""
    try:
        cast = pc.cast(values, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise Unordered from None
    return numpy_of(cast)


def _aggregate(
    fn: str, values: np.ndarray, matched: Matched, parents: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each parent's ``fn`` over its children's ``values`` and whether it is NULL, as
    ``relations._GROUPED`` and ``_NO_CHILD`` define it (sum and count of none are 0)."""
    present = ~np.isnan(values)
    if len(values) == 0:
        filled = np.zeros(parents)
        return filled, np.full(parents, fn not in ("sum", "count"))
    starts = matched.starts
    full = bool(present.all())
    seen = matched.per_parent(
        matched.lengths if full else np.add.reduceat(present.astype(np.int64), starts), parents
    )
    if fn == "count":
        return seen.astype(np.float64), np.zeros(parents, dtype=bool)
    if fn in ("sum", "mean"):
        filled = values if full else np.where(present, values, 0.0)
        total = matched.per_parent(np.add.reduceat(filled, starts), parents)
        if fn == "sum":
            return total, np.zeros(parents, dtype=bool)
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / seen, seen == 0
    if fn in ("min", "max"):
        ufunc, blank = (np.minimum, np.inf) if fn == "min" else (np.maximum, -np.inf)
        reduced = ufunc.reduceat(np.where(present, values, blank), starts)
        return matched.per_parent(reduced, parents), seen == 0
    raise Unordered


def _differing(actual: np.ndarray, expected: np.ndarray, missing: np.ndarray) -> int:
    """Rows where ``relations._differs`` holds: NULL on one side only, or apart by more
    than 1e-6 relative."""
    absent = np.isnan(actual)
    with np.errstate(invalid="ignore"):
        apart = np.abs(actual - expected) > 1e-6 * (1 + np.abs(expected))
    return int(((absent != missing) | (apart & ~absent & ~missing)).sum())
