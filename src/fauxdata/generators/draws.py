"""Random draws for a set of rows from a column's named streams.

A mocker asks for ``draw(name, n)``: indices in ``[0, n)`` for its rows, one stream per
name, so adding a draw never shifts another. Streams are counter-based, so the draws for
some of the rows (``subset``) are the draws for all rows, selected; and rows that each
need a different stream (``each``) are served in one pass, as if drawn one stream at a
time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from fauxdata.engine.rng import Stream, below_each

I64 = npt.NDArray[np.int64]


class RandomDraw:
    """``draw(name, n)``: indices in ``[0, n)`` for ``rows``, from the stream ``name``."""

    __slots__ = ("_make", "_streams", "rows")

    def __init__(
        self,
        make: Callable[[str], Stream],
        rows: I64,
        streams: dict[str, Stream] | None = None,
    ) -> None:
        self._make = make
        self._streams = {} if streams is None else streams
        self.rows = rows

    def stream(self, name: str) -> Stream:
        if (stream := self._streams.get(name)) is None:
            stream = self._streams[name] = self._make(name)
        return stream

    def __call__(self, name: str, n: int) -> I64:
        return self.stream(name).below(self.rows, n)

    def subset(self, picked: I64) -> RandomDraw:
        """The same draws for the rows at positions ``picked`` only."""
        return RandomDraw(self._make, self.rows[picked], self._streams)

    def each(self, names: Sequence[str | None], which: I64, n: I64) -> I64:
        """Row ``j`` draws from stream ``names[which[j]]`` in ``[0, n[j])``; a row whose
        name is None must have ``n[j] == 1`` (its draw is 0 whatever the stream)."""
        keys = np.array(
            [0 if name is None else self.stream(name).key for name in names], dtype=np.uint64
        )
        return below_each(keys[which], self.rows, n)
