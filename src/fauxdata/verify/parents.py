"""Counters for checks between a child and its parent, by merging the two ordered files.

Each is a ``chunks.Counter`` that reads the other file forward through a ``merge.Window``
(one per child read and parent key, shared through ``Beside``) and matches keys with
``merge.match``; the counts are the same the SQL of ``checks``
and ``relations`` would give. The first chunk either cannot handle (see ``merge``)
switches the counter to that SQL for the rest of the file, so a check never weakens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fauxdata.arrow_numpy import from_numpy
from fauxdata.verify.chunks import (
    Chunk,
    Counter,
    Unordered,
    integer_steps,
    parquet_file,
    registered,
    steps,
    unique_key,
)
from fauxdata.verify.keys import decimal_words, numpy_of, primitive
from fauxdata.verify.merge import Matched, Window, match
from fauxdata.verify.twins import Twin

PARENTS = "__fauxdata_parents"
"""The name, in DuckDB, of a chunk's parent rows lined up with the chunk's rows."""


class Beside:
    """A parent file's rows beside each chunk of a child file's read, matched to the
    chunk's rows: one window and one match per chunk for every counter of the read that
    needs them (TPC-H lineitem's foreign key and its date rules read orders' keys twice
    and matched each chunk twice). Counters ``want`` the columns they read before the
    read starts.

    Raises (from ``at``):
        Unordered: the files cannot be merged, for this chunk and every later one.
    """

    def __init__(self, parent: Path, parent_key: str, child_key: str) -> None:
        self._path = parent
        self._parent_key = parent_key
        self.child_key = child_key
        self._columns: dict[str, None] = {}
        self._window: Window | None = None
        self._broken = False
        self._last: tuple[Chunk, Chunk, Matched] | None = None

    def want(self, columns: Sequence[str]) -> None:
        self._columns.update(dict.fromkeys(columns))

    def at(self, chunk: Chunk) -> tuple[Chunk, Matched]:
        """The parent rows in the chunk's key range, and the chunk's rows matched to them."""
        last = self._last
        if last is not None and last[0] is chunk:
            return last[1], last[2]
        if self._broken or chunk.data[self.child_key].null_count:
            self._broken = True
            raise Unordered
        if self._window is None:
            columns = tuple(c for c in self._columns if c != self._parent_key)
            self._window = Window(self._path, self._parent_key, columns, strict=True)
        try:
            parents = self._window.between(chunk.low, chunk.high)
            matched = match(
                parents.data[self._parent_key],
                chunk.data[self.child_key],
                chunk.steps,
                parent_keys=parents.integers,
                child_keys=chunk.integers,
            )
        except Unordered:
            self._broken = True
            raise
        self._last = (chunk, parents, matched)
        return parents, matched

    def never_given(self) -> int | None:
        """The parent file's rows no chunk's range met, read to its end, once every
        chunk was given its parents here; None where a chunk was not or the rest is
        not ordered."""
        if self._broken or self._window is None:
            return None
        try:
            return self._window.never_given()
        except Unordered:
            self._broken = True
            return None


Besides = dict[tuple[str, str, str], Beside]
"""The parent windows of one child file's read, by (parent relation, parent key,
child key)."""


def beside(besides: Besides, parent: str, parent_key: str, child_key: str) -> Beside | None:
    """The shared ``Beside`` of a child's read for this parent key, or None where the
    parent is not one Parquet file."""
    path = parquet_file(parent)
    if path is None:
        return None
    found = besides.get((parent, parent_key, child_key))
    if found is None:
        found = besides[(parent, parent_key, child_key)] = Beside(path, parent_key, child_key)
    return found


def merged_orphans(parents: Beside | None, fallback: Counter) -> Counter:
    """Children in a chunk (ordered by the child key) whose key is not a parent's."""

    def count(_: duckdb.DuckDBPyConnection, chunk: Chunk) -> Sequence[int]:
        return (parents.at(chunk)[1].orphans,)  # type: ignore[union-attr]

    return _or_else(parents, count, fallback)


def merged_parents(
    parents: Beside | None,
    columns: Sequence[str],
    sql: str,
    fallback: Counter,
    twins: Sequence[tuple[str, str, Twin]] | None = None,
) -> Counter:
    """``sql`` over a chunk (ordered by the child key) with each row's parent row lined
    up beside it as ``PARENTS`` (NULLs for an orphan): what a LEFT JOIN on the unique
    parent key gives, found by merging instead of hashing (``POSITIONAL JOIN``).
    ``twins``: for each number the SQL gives, the child column, the parent column and
    the ``twins.Twin`` that counts it in NumPy; where every twin can, no SQL runs."""
    if parents is not None:
        parents.want(columns)

    def count(cursor: duckdb.DuckDBPyConnection, chunk: Chunk) -> Sequence[int]:
        rows, matched = parents.at(chunk)  # type: ignore[union-attr]
        at = matched.rows()
        if twins is not None:
            found = [twin(chunk.data[c], rows.data[p], at) for c, p, twin in twins]
            if all(n is not None for n in found):
                return found  # type: ignore[return-value]
        cursor.register(PARENTS, rows.data.take(from_numpy(at, mask=at < 0)))
        try:
            with registered(cursor, chunk):
                return tuple(cursor.execute(sql).fetchall()[0])
        finally:
            cursor.unregister(PARENTS)

    return _or_else(parents, count, fallback)


def merged_cardinality(
    parents: Beside, bounds: tuple[int, int | None]
) -> tuple[Counter, Callable[[], int | None]]:
    """Parents whose number of children is outside ``bounds``, counted in a child's
    read of strict chunks (each parent's children in one chunk): the runs matched to a
    parent, and the parents beside a chunk that no row matched. With it, a function
    that gives, once the read is over, the parents no chunk's range met (they have no
    children) that break the bounds; None where the parents could not be merged beside
    every chunk, and the check counts by its own read instead (this counter then
    counts 0, so the other checks of the read keep theirs)."""
    low, high = bounds

    def count(_: duckdb.DuckDBPyConnection, chunk: Chunk) -> Sequence[int]:
        try:
            rows, matched = parents.at(chunk)
        except Unordered:
            return (0,)
        found = matched.parent >= 0
        n = matched.lengths[found]
        outside = (n < low) | (n > high) if high is not None else n < low
        childless = rows.data.num_rows - int(np.count_nonzero(found))
        return (int(np.count_nonzero(outside)) + (childless if low > 0 else 0),)

    def rest() -> int | None:
        never = parents.never_given()
        return None if never is None else never if low > 0 else 0

    return count, rest


def _or_else(parents: Beside | None, merged: Counter, fallback: Counter) -> Counter:
    """``merged`` for each chunk until the parents cannot be merged beside one; from
    that chunk on, ``fallback`` (SQL) counts instead."""
    failed = parents is None

    def count(cursor: duckdb.DuckDBPyConnection, chunk: Chunk) -> Sequence[int]:
        nonlocal failed
        if not failed:
            try:
                return merged(cursor, chunk)
            except Unordered:
                failed = True
        return fallback(cursor, chunk)

    return count


def merged_aggregates(
    child: str,
    child_key: str,
    parent_key: str,
    group: Sequence[tuple[str, str, str]],
    bounds: tuple[int, int | None],
    keys: Sequence[tuple[str, ...]] = (),
) -> MergedAggregates | None:
    """Per parent chunk: for each (column, fn, child column) of ``group``, the parents
    whose column differs from ``fn`` over their children, then the parents whose
    number of children is outside ``bounds``; on the side, whether the child's
    ``keys`` (each led by ``child_key``) repeat (``MergedAggregates.repeats``). None
    when ``child`` is not one file."""
    path = parquet_file(child)
    if path is None:
        return None
    needed = tuple(dict.fromkeys([*(c for _, _, c in group), *(c for k in keys for c in k)]))
    return MergedAggregates(
        Window(path, child_key, needed, strict=False), parent_key, group, bounds, keys
    )


class MergedAggregates:
    """The counter of ``merged_aggregates``. It matches every child row in the parents'
    key ranges to its parent, so once it has counted every chunk of the parent file
    it also knows the child's foreign-key orphans (``orphans``): the child rows no
    parent matched. The child's own foreign-key check then reads nothing (on the
    26M-row shop it read the 6M order ids again beside the 18M order lines). Where the
    child's keys are led by the parent's key (an order line's order id and line
    number), each range of child rows it is given holds every row of those keys'
    first values, so it also tells whether they repeat (``repeats``), and the child's
    file is not read again for them (on the shop, a third of its checks' time).

    Raises (from the counter):
        Unordered: the files cannot be merged; the caller runs its SQL.
    """

    def __init__(
        self,
        window: Window,
        parent_key: str,
        group: Sequence[tuple[str, str, str]],
        bounds: tuple[int, int | None],
        keys: Sequence[tuple[str, ...]] = (),
    ) -> None:
        self._window = window
        self._parent_key = parent_key
        self._group = group
        self._bounds = bounds
        self._matched = 0  # child rows matched to a parent so far
        self._declined = False
        self._repeats: dict[tuple[str, ...], bool | None] = dict.fromkeys(keys, False)

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
        if self._repeats:
            self._count_repeats(held)
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
            values = rows[column]
            if fn == "count" and values.null_count == 0:  # every child counts: no values read
                expected, missing = n.astype(np.float64), np.zeros(parents, dtype=bool)
            else:
                expected, missing = _aggregate(fn, _floats(values), matched, parents)
            actual = _floats(chunk.data[name])
            counts.append(_differing(actual, expected, missing))
        low, high = self._bounds
        outside = n < low if high is None else (n < low) | (n > high)
        return [*counts, int(outside.sum())]

    def _count_repeats(self, held: Chunk) -> None:
        first = (
            integer_steps(held.integers.values)
            if held.integers is not None
            else steps(held.data[self._window.key])
        )
        for key, seen in self._repeats.items():
            if seen is not None:
                unique = unique_key(held.data, key, first, held.integers)
                self._repeats[key] = None if unique is None else seen or not unique

    def repeats(self) -> dict[tuple[str, ...], bool] | None:
        """Whether each of the child's keys repeats, once every chunk of the parent file
        was counted here and the ranges it was given held every child row; None
        otherwise (rows between or after the ranges: they were never given)."""
        if self._declined or any(v is None for v in self._repeats.values()):
            return None
        try:
            if self._window.never_given():
                return None
        except Unordered:
            return None
        return {key: bool(seen) for key, seen in self._repeats.items()}

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
    """A numeric column as float64 with NaN for NULL (as the SQL compares ``::DOUBLE``).
    Without NULLs, numbers are read in place, and a decimal of up to 18 digits is its
    integer over a power of ten, as DuckDB casts it (Arrow's cast of the shop's line
    totals was a seventh of its checks' time)."""
    kind = values.type
    if values.null_count == 0:
        if pa.types.is_decimal128(kind) and kind.precision <= 18:
            return decimal_words(values)[:, 0].astype(np.float64) / float(10**kind.scale)
        found = primitive(values) if not pa.types.is_temporal(kind) else None
        if found is not None:
            return found.astype(np.float64, copy=False)
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
