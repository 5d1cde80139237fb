"""The Arrow memory pool the checks allocate from.

The checks read chunks of a few MB each, over and over, and free them as they go. With
Arrow's default pool (mimalloc) the process kept 150-230 MB of freed chunks at the
26M-row shop's peak; jemalloc, which hands back freed pages after a short decay, kept
about 50 MB less at the same CPU time (asking it to hand them back at once, decay 0,
cost a CPU-second more). The pool is switched only while the checks run: generation's
buffers keep their own pool, which frees them (each buffer knows its pool).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa


@contextmanager
def checks_pool() -> Iterator[None]:
    """Arrow's default pool is jemalloc (the system allocator where pyarrow was built
    without it) while the block runs, then the previous one again."""
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:
        pool = pa.system_memory_pool()
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pool)
    try:
        yield
    finally:
        pa.set_memory_pool(previous)
        pool.release_unused()
