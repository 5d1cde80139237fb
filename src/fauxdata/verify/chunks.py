"""Run a check over a Parquet file in key-ordered chunks instead of one big join.

Generated tables come out ordered by their keys: a sequence or formatted id rises
block by block, and a table generated per parent row holds its parent's key in
parent order. A key check over such a file need not hash the whole table: it runs
chunk by chunk, where a chunk is a run of consecutive row groups whose key values
(read from the data, not the footer) lie above every earlier chunk's. Then

- a duplicate key can only sit inside one chunk (with ``strict`` ordering, where
  chunks do not even share their boundary value), so uniqueness, per-parent counts
  and per-parent aggregates are checked one chunk at a time, exactly;
- a row's join partner has a key within the chunk's ``[low, high]``, so a join only
  needs the other table's rows in that range. That is a filter, so it is exact
  whatever the files hold; for a sorted file DuckDB reads only the row groups whose
  footer range meets it.

Each chunk is a bounded Arrow table (about ``CHUNK_ROWS`` rows of the columns the
check needs), so the check neither spills nor grows with the table. A file whose key
is not ordered (random unique keys, a child table shuffled after generation) raises
``Unordered`` and the caller runs its whole-table SQL instead; so does any count
above zero, so that every failure is counted and shown by the same SQL as before.
The footer statistics only plan the chunks; the data read decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fauxdata.verify.keys import Integers, integers_of, numpy_of, primitive

CHUNK_ROWS = 1 << 16
"""Rows per chunk (one of the engine's blocks, one row group): the 26M-row shop's checks
peaked at 552 MB with 262,144 rows against 643 MB with 1,048,576, for the same CPU time,
and at 497-519 MB with 131,072 (with ``pool.checks_pool``) against 531-547 MB with
262,144. With 65,536 the checks over the 2M-customer shop's files added 167-170 MB to
the process against 191-213 MB with 131,072, in 2.99-3.43 s against 3.08-3.23 s: Parquet's
decoding holds buffers many times the chunk it gives (with pyarrow's default allocator, a
5 MB chunk of the order lines raised RSS by 77 MB, one row group by 53 MB)."""

MAX_CHUNK_ROWS = 1 << 22
"""A chunk that must grow past this (its row groups' key ranges keep overlapping) means
the file is not ordered by the key: the check runs over the whole table instead."""

CHUNK = "__fauxdata_chunk"
"""The name a chunk's Arrow table has in DuckDB while its query runs."""

_READ_PARQUET = re.compile(r"read_parquet\('((?:[^']|'')*)'\)")


Counter = Callable[[duckdb.DuckDBPyConnection, "Chunk"], Sequence[int]]
"""Counts a check's violations in a chunk; SQL reads it as ``CHUNK`` while ``registered``."""


class Unordered(Exception):  # noqa: N818 - a signal to fall back, not an error
    """The file's rows are not ordered by the key closely enough to chunk."""


@dataclass(frozen=True)
class Steps:
    """How a column goes from each row to the next (one per row after the first): up,
    or level. Computed once per chunk for its key, it serves the range, the order
    checks, uniqueness and the runs of a merge (comparing the shop's order-id strings
    was a third of its checks' time, done five times over)."""

    greater: np.ndarray
    equal: np.ndarray

    @property
    def ordered(self) -> bool:
        return bool(np.all(self.greater | self.equal))

    @property
    def rising(self) -> bool:
        return bool(np.all(self.greater))


def steps(values: pa.ChunkedArray | pa.Array, integers: Integers | None = None) -> Steps | None:
    """The steps of ``values`` (``integers``: the same values already read as integers);
    None when it holds NULLs or Arrow cannot order its type."""
    if values.null_count:
        return None
    integers = integers or integers_of(values)
    if integers is not None:  # formatted ids: integers compare several times faster
        return integer_steps(integers.values)
    whole = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    later, earlier = whole.slice(1), whole.slice(0, max(len(whole) - 1, 0))
    try:
        greater, equal = pc.greater(later, earlier), pc.equal(later, earlier)
    except pa.ArrowNotImplementedError:
        return None
    return Steps(numpy_of(greater), numpy_of(equal))


def integer_steps(keys: np.ndarray) -> Steps:
    """The steps of keys already read as integers (``keys.integers_of``)."""
    return Steps(keys[1:] > keys[:-1], keys[1:] == keys[:-1])


@dataclass(frozen=True)
class Chunk:
    """Consecutive row groups of a file: the needed columns, the key's range in them,
    the key's steps (None where it holds NULLs), and the key read as integers where it
    is a formatted id (``keys.integers_of``), for every merge to use."""

    data: pa.Table
    low: Any
    high: Any
    steps: Steps | None = None
    integers: Integers | None = None


def parquet_file(relation: str) -> Path | None:
    """The one Parquet file a relation reads (``read_parquet('...')`` as the file sinks
    and ``validate`` write it), or None for anything else (a DuckDB table, a folder)."""
    match = _READ_PARQUET.fullmatch(relation)
    if match is None:
        return None
    path = Path(match.group(1).replace("''", "'"))
    return path if path.is_file() else None


def chunked_sum(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    key: str,
    columns: Sequence[str],
    count: Counter,
    *,
    strict: bool,
) -> list[int] | None:
    """Sum ``count`` (a tuple of violation counts) over the chunks of the Parquet file
    ``relation`` reads, ordered by ``key``; None when the relation is not one file or
    the file is not ordered by ``key``. ``count`` gets a cursor of ``con`` and runs its
    SQL over the chunk ``registered`` in it."""
    path = parquet_file(relation)
    if path is None:
        return None
    totals: list[int] | None = None
    cursor = con.cursor()  # its own: the caller's connection may hold an open result
    try:
        for chunk in ordered_chunks(path, key, columns, strict=strict):
            counts = count(cursor, chunk)
            totals = (
                [int(c) for c in counts]
                if totals is None
                else [t + int(c) for t, c in zip(totals, counts, strict=True)]
            )
    except Unordered:
        return None
    finally:
        cursor.close()
        pa.default_memory_pool().release_unused()
    return totals


@dataclass(frozen=True)
class Pass:
    """One check's part in a shared read: the file's order column, the other columns it
    reads, whether it needs ``strict`` chunks, what it counts, and how many numbers its
    counter gives (``width``: one per rule of a group of rules)."""

    key: str
    columns: tuple[str, ...]
    strict: bool
    count: Counter
    width: int = 1
    done: Callable[[], None] | None = None
    """Called once the read has counted every chunk (not when it was declined)."""


def shared_passes(
    con: duckdb.DuckDBPyConnection, relation: str, passes: dict[str, Pass]
) -> dict[str, list[int] | None]:
    """Each check's violations, by ``chunked_sum``, where every check of the file
    ordered by the same column shares one read of it (strict chunks serve the others
    too): the shop's order-line key, its unique pair and its foreign key read the order
    ids once, and so do the orders' key and their aggregates; the orders' foreign key
    and their temporal rule read the customer ids once. None for every check of a read
    the file's order does not allow: each then runs its own fallback."""
    found: dict[str, list[int] | None] = {}
    by_key: dict[str, list[str]] = {}
    for name, one in passes.items():
        by_key.setdefault(one.key, []).append(name)
    for key, names in by_key.items():
        group = [passes[n] for n in names]
        columns = [c for one in group for c in one.columns]
        strict = any(one.strict for one in group)
        totals = chunked_sum(con, relation, key, columns, _together(group), strict=strict)
        if totals is not None:
            for one in group:
                if one.done is not None:
                    one.done()
        at = 0
        for name, one in zip(names, group, strict=True):
            found[name] = None if totals is None else totals[at : at + one.width]
            at += one.width
    return found


def _together(group: list[Pass]) -> Counter:
    def count(cursor: duckdb.DuckDBPyConnection, chunk: Chunk) -> Sequence[int]:
        counts: list[int] = []
        for one in group:
            mine = one.count(cursor, chunk)
            if len(mine) != one.width:  # a counter that gives fewer numbers than it says
                raise ValueError(f"a pass gave {len(mine)} counts, not {one.width}")
            counts.extend(mine)
        return counts

    return count


def ordered_chunks(
    path: Path, key: str, columns: Sequence[str], *, strict: bool
) -> Iterator[Chunk]:
    """The file's row groups in chunks ordered by ``key`` (see the module docstring).

    With ``strict`` a chunk's lowest key is above the previous chunk's highest, so no
    key value is in two chunks; otherwise it may equal it.

    Raises:
        Unordered: the file is not ordered by ``key``.
    """
    file = pq.ParquetFile(path)
    wanted = list(dict.fromkeys([key, *columns]))
    floor: Any = None  # the highest key of the chunks already given
    for data in _read_ahead(file, _plan(file, key, strict), wanted):
        integers = None if data[key].null_count else integers_of(data[key])
        ordered = steps(data[key], integers)
        if ordered is not None and ordered.ordered and data.num_rows:
            low, high = data[key][0].as_py(), data[key][-1].as_py()  # no min_max of strings
        else:
            low, high = _range(data[key])
        if low is not None and floor is not None and (low < floor or (strict and low == floor)):
            raise Unordered
        if high is not None:
            floor = high
        yield Chunk(data, low, high, ordered, integers)


def _read_ahead(
    file: pq.ParquetFile, plans: list[list[int]], columns: list[str]
) -> Iterator[pa.Table]:
    """Each chunk's row groups, the next one decoded on another thread (Parquet's
    decoding releases the GIL) while the caller checks this one: both cores work."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fauxdata-read") as pool:
        reads = (pool.submit(file.read_row_groups, groups, columns=columns) for groups in plans)
        ahead = next(reads, None)
        while ahead is not None:
            data = ahead.result()
            ahead = next(reads, None)
            yield data


def _plan(file: pq.ParquetFile, key: str, strict: bool) -> list[list[int]]:
    """Row groups grouped into chunks by the footer's key ranges (only a plan: the data
    read is checked again); a footer without them plans one row group per chunk."""
    meta = file.metadata
    index = file.schema_arrow.get_field_index(key)
    plans: list[list[int]] = []
    current: list[int] = []
    rows, floor, high = 0, None, None
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        stats = group.column(index).statistics if index >= 0 else None
        low_i, high_i = (
            (stats.min, stats.max) if stats is not None and stats.has_min_max else (None, None)
        )
        if current and rows >= CHUNK_ROWS and _above(low_i, high, strict):
            plans.append(current)
            current, rows, floor = [], 0, high
        if low_i is not None and floor is not None and not _above(low_i, floor, strict):
            raise Unordered
        current.append(i)
        rows += group.num_rows
        if rows > MAX_CHUNK_ROWS:
            raise Unordered
        if high_i is not None and (high is None or high_i > high):
            high = high_i
    if current:
        plans.append(current)
    return plans


def _above(low: Any, high: Any, strict: bool) -> bool:
    """Whether a range starting at ``low`` comes after one ending at ``high``; an
    unknown bound (no statistics, all NULL) does not stop a chunk from ending."""
    if low is None or high is None:
        return True
    return bool(low > high or (not strict and low == high))


def _range(values: pa.ChunkedArray) -> tuple[Any, Any]:
    extremes = pc.min_max(values)
    return extremes["min"].as_py(), extremes["max"].as_py()


def counted_by(sql: str, *, unique: str | None = None) -> Counter:
    """A chunk's counts from one row of ``sql`` over ``CHUNK``, with the chunk's key
    range bound to ``$low`` and ``$high`` where the query filters the other table.

    With ``unique`` the query holds only where that column's values rise row by row
    (each parent once, so its children can be grouped before the join): a chunk where
    they do not raises ``Unordered``, and the caller runs its whole-table query.
    """

    def count(con: duckdb.DuckDBPyConnection, chunk: Chunk) -> Sequence[int]:
        if unique is not None and not rising(chunk.data, [unique]):
            raise Unordered
        bounds = {"low": chunk.low, "high": chunk.high} if "$low" in sql else None
        with registered(con, chunk):
            rows = con.execute(sql, bounds).fetchall()  # all: it leaves no open result
        return tuple(rows[0]) if rows else ()

    return count


@contextmanager
def registered(cursor: duckdb.DuckDBPyConnection, chunk: Chunk) -> Iterator[None]:
    """The chunk's data as ``CHUNK`` in ``cursor`` while a counter's SQL reads it; only
    the counters that run SQL register it (registering every chunk of the 26M-row shop
    for counters that never query cost about a CPU-second)."""
    cursor.register(CHUNK, chunk.data)
    try:
        yield
    finally:
        cursor.unregister(CHUNK)


def rising(data: pa.Table, columns: Sequence[str]) -> bool:
    """Whether every row's key (``columns`` compared in order) is above the previous
    row's; NULLs or a type Arrow cannot order answer False."""
    if data.num_rows < 2:
        return True
    if any(data[c].null_count for c in columns):
        return False
    try:
        return bool(pc.all(_rest_rising(data, columns)).as_py())
    except pa.ArrowNotImplementedError:
        return False


def unique_key(
    data: pa.Table,
    columns: Sequence[str],
    first: Steps | None = None,
    integers: Integers | None = None,
) -> bool | None:
    """Whether the key ``columns`` is unique in ``data``, when the rows are ordered by
    its first column (as generated: a sequence, or a child's parent key in parent
    order; ``first``: that column's steps, when known); None when they are not, or
    hold NULLs, and DuckDB must group them.

    Ordered by the first column, a repeat can only sit inside one run of equal first
    values. Where the other columns also rise inside each run (a line number) one
    comparison with the previous row proves the key unique; otherwise each row gets
    one integer from its run and the dictionary codes of the other columns, equal only
    for rows with the same key. Two rows of one run are fewer rows apart than the
    longest run, so where runs are short (an order's lines: 1 to 5) comparing each row
    with the few before it finds a repeat; otherwise one sort of the integers (already
    nearly sorted) does, four times cheaper than DuckDB hashing the shop's order-id
    strings, and the comparisons a third of that sort's time again. A pair of the first
    column read as integers (``integers``) and a column of integers skips the Arrow
    comparisons and the codes: NumPy compares the pairs themselves (``_pair_unique``).
    """
    if any(data[c].null_count for c in columns):
        return None
    if data.num_rows < 2:
        return True
    known = first or steps(data[columns[0]])
    if known is None:
        return None
    if known.rising:
        return True
    if not known.ordered:
        return None
    if len(columns) == 1:
        return False  # ordered, and two neighbours equal
    greater, equal = known.greater, known.equal
    if integers is not None and len(columns) == 2:
        second = primitive(data[columns[1]]) if pa.types.is_integer(data[columns[1]].type) else None
        if second is not None:
            return _pair_unique(integers.values, second, greater, equal)
    try:
        rest = numpy_of(_rest_rising(data, columns[1:]))
        if bool(np.all(greater | (equal & rest))):
            return True
        codes = np.concatenate([[0], np.cumsum(greater, dtype=np.int64)])
        bound = int(codes[-1]) + 1
        for column in columns[1:]:
            values, size = _codes(data[column])
            bound *= size
            if bound >= 1 << 62:
                return None
            codes = codes * size + values
    except pa.ArrowNotImplementedError:
        return None
    starts = np.flatnonzero(np.concatenate([[True], greater]))
    longest = int(np.diff(np.append(starts, len(codes))).max())
    if longest <= _NEAR:
        return not any(bool(np.any(codes[d:] == codes[:-d])) for d in range(1, longest))
    ordered = np.sort(codes, kind="stable")
    return not bool(np.any(ordered[1:] == ordered[:-1]))


def _pair_unique(
    first: np.ndarray, second: np.ndarray, greater: np.ndarray, equal: np.ndarray
) -> bool:
    """Whether the pairs (``first``, ``second``) are unique, ``first`` ordered (its
    ``greater`` and ``equal`` steps given): by neighbours where ``second`` rises inside
    each run of ``first``, else by comparing rows up to the longest run apart (or one
    sort of the pairs where runs are long)."""
    rises = second[1:] > second[:-1]
    if bool(np.all(greater | (equal & rises))):
        return True
    starts = np.flatnonzero(np.concatenate([[True], greater]))
    longest = int(np.diff(np.append(starts, len(first))).max())
    if longest <= _NEAR:
        return not any(
            bool(np.any((first[d:] == first[:-d]) & (second[d:] == second[:-d])))
            for d in range(1, longest)
        )
    pairs = np.lexsort((second, first))
    firsts, seconds = first[pairs], second[pairs]
    return not bool(np.any((firsts[1:] == firsts[:-1]) & (seconds[1:] == seconds[:-1])))


_NEAR = 8
"""The longest run of one first value ``unique_key`` checks by comparing each row with
the ones before it (up to this many comparisons of the chunk), rather than by a sort."""


def _codes(values: pa.ChunkedArray) -> tuple[np.ndarray, int]:
    """One integer per value, equal only for equal values, and how many there can be:
    an integer column's offsets from its minimum where its range is small (a product
    id: no hashing), else dictionary codes."""
    if pa.types.is_integer(values.type) and len(values):
        extremes = pc.min_max(values)
        low, high = extremes["min"].as_py(), extremes["max"].as_py()
        if high - low < 4 * len(values):
            numbers = numpy_of(values)
            return (numbers - numbers.dtype.type(low)).astype(np.int64), high - low + 1
    encoded = pc.dictionary_encode(values.combine_chunks())
    return numpy_of(encoded.indices), max(len(encoded.dictionary), 1)


def _rest_rising(data: pa.Table, columns: Sequence[str]) -> pa.Array:
    """Per row after the first: whether ``columns`` (compared in order) are above the
    previous row's."""
    above: pa.Array | None = None
    same: pa.Array | None = None
    for column in columns:
        values = data[column].combine_chunks()
        later, earlier = values.slice(1), values.slice(0, len(values) - 1)
        greater = pc.greater(later, earlier)
        above = greater if above is None else pc.or_(above, pc.and_(same, greater))
        equal = pc.equal(later, earlier)
        same = equal if same is None else pc.and_(same, equal)
    assert above is not None
    return above
