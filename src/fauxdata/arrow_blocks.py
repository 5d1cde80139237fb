"""A generated block in Arrow form, converted once when two readers need it.

Converting a Polars block to Arrow copies every string out of Polars' views into one
buffer (about 0.035 CPU-seconds per million shop customers), and both the digest and
the Parquet writer did it for every block. The publisher marks a block as shared when
its sink writes Arrow (``share``): whichever reader asks first converts it, the other
gets the same table, and the entry goes once both have read it (or with the block).
"""

from __future__ import annotations

import threading
import weakref

import polars as pl
import pyarrow as pa


class _Entry:
    __slots__ = ("lock", "readers", "table")

    def __init__(self, readers: int) -> None:
        self.lock = threading.Lock()
        self.readers = readers
        self.table: pa.Table | None = None


_entries: dict[int, _Entry] = {}
# Re-entrant: a frame's finaliser (``_forget``) can run inside ``share`` on the same
# thread, when an allocation under the lock sets off a garbage collection.
_guard = threading.RLock()


def share(frame: pl.DataFrame, readers: int = 2) -> None:
    """Convert ``frame`` once for the next ``readers`` calls of ``arrow_of``."""
    key = id(frame)
    with _guard:
        if key in _entries:
            return
        _entries[key] = _Entry(readers)
    weakref.finalize(frame, _forget, key)


def arrow_of(frame: pl.DataFrame) -> pa.Table:
    """``frame.to_arrow()``, converted only once when the frame is shared."""
    with _guard:
        entry = _entries.get(id(frame))
    if entry is None:
        return frame.to_arrow()
    with entry.lock:
        if entry.table is None:
            entry.table = frame.to_arrow()
        table = entry.table
        entry.readers -= 1
        if entry.readers <= 0:
            _forget(id(frame))
    return table


def shared_arrow(frame: pl.DataFrame) -> pa.Table | None:
    """The Arrow form of ``frame`` when it is shared (``arrow_of``), else None: a reader
    that has its own way through Polars converts nothing for a sink that does not want
    Arrow (the databases' sinks read the Polars block on another thread)."""
    with _guard:
        shared = id(frame) in _entries
    return arrow_of(frame) if shared else None


def _forget(key: int) -> None:
    with _guard:
        _entries.pop(key, None)
