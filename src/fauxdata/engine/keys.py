"""Composite keys built jointly, so they are unique by construction, never by rejection.

``JointKey``: a permuted row index is decoded in mixed radix into one index per
column's domain, so (student, course) pairs never repeat however dense the table.
``WithinParent``: in a table generated per parent, the k-th child of a parent gets
``(offset(parent) + k * stride) mod size`` with a stride coprime to the size, so no
parent has the same value twice.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fauxdata.engine.cardinality import PerIndex, coprime_stride
from fauxdata.engine.permute import Permutation
from fauxdata.engine.rng import Stream

I64 = npt.NDArray[np.int64]


class JointKey:
    def __init__(self, columns: tuple[str, ...], sizes: tuple[int, ...], stream: Stream) -> None:
        self.columns = columns
        self.sizes = sizes
        self.total = 1
        for size in sizes:
            self.total *= size
        self.permutation = Permutation(self.total, stream.key) if self.total < 1 << 62 else None

    def component(self, rows: I64, column: str) -> I64:
        """The domain index of ``column`` for each row."""
        index = self.permutation(rows) if self.permutation is not None else rows
        position = self.columns.index(column)
        for size in self.sizes[position + 1 :]:
            index = index // size
        return index % self.sizes[position]


class WithinParent:
    def __init__(self, layout: PerIndex, size: int, stream: Stream) -> None:
        self.layout = layout
        self.size = size
        self.stream = stream
        self.stride = coprime_stride(size, stream.child("stride"))

    def component(self, rows: I64, column: str) -> I64:
        parents = self.layout.parent_of(rows)
        position = self.layout.position(rows, parents)
        offset = self.stream.below(parents, self.size)
        return (offset + position * self.stride) % self.size
