"""Digit and letter formats (``+1-###-###-####``, ``@@## ###``) filled as byte matrices.

``#`` becomes a digit and ``@`` a capital letter. A format takes one random number per
row over its whole value space, split into its positions by divmod; a format whose
space passes 2^62 is drawn as two halves, each with its own stream. Rows that each
picked one of several formats (a locale's phone formats) are filled in one pass: each
row draws from its own format's streams, so it gets what filling its format alone
would give it, without splitting the rows by format and putting them back in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from fauxdata.generators.draws import RandomDraw
from fauxdata.generators.text import fixed_width

I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
Draw = Callable[[str, int], I64]
"""draw(name, n): indices in [0, n) for the current rows, one stream per name."""

_LIMIT = 1 << 62
"""A format's value space is drawn in one number below this, else in halves."""


def _pieces(fmt: str, prefix: str, offset: int = 0) -> list[tuple[int, str, str]]:
    """(offset, text, stream name) of the parts of a format drawn by one number each,
    left to right."""
    total = 1
    for ch in fmt:
        total *= 10 if ch == "#" else 26 if ch == "@" else 1
    if total >= _LIMIT:
        cut = len(fmt) // 2
        return _pieces(fmt[:cut], f"{prefix}a", offset) + _pieces(
            fmt[cut:], f"{prefix}b", offset + cut
        )
    return [(offset, fmt, f"{prefix}-all")]


@dataclass(frozen=True)
class _Slot:
    """The k-th position a piece fills, per format: where (the scratch column past the
    widest format where a format has none), its radix (1 where none) and its first
    character; ``column`` when every format fills the same place."""

    positions: I64
    radices: I64
    first: U8
    column: int | None


@dataclass(frozen=True)
class _Piece:
    names: tuple[str | None, ...]
    """Each format's stream for this piece (None: the format has fewer pieces)."""
    totals: I64
    slots: tuple[_Slot, ...]


class FormatTable:
    """Formats, each with the stream-name prefix its draws use; ``fill`` renders rows
    that each picked one of them."""

    def __init__(self, formats: Sequence[tuple[str, str]]) -> None:
        self.widths = np.array([len(fmt) for fmt, _ in formats], dtype=np.int64)
        width = int(self.widths.max())
        self.bases = np.zeros((len(formats), width + 1), dtype=np.uint8)
        for i, (fmt, _) in enumerate(formats):
            self.bases[i, : len(fmt)] = np.frombuffer(fmt.encode("ascii"), dtype=np.uint8)
        split = [_pieces(fmt, prefix) for fmt, prefix in formats]
        self.pieces = tuple(
            self._piece([parts[p] if p < len(parts) else None for parts in split], width)
            for p in range(max(len(parts) for parts in split))
        )
        if all(slot.column is not None for piece in self.pieces for slot in piece.slots):
            self.bases = np.ascontiguousarray(self.bases[:, :width])  # no scratch column

    @staticmethod
    def _piece(parts: list[tuple[int, str, str] | None], scratch: int) -> _Piece:
        """The formats' p-th pieces (None for a format with fewer) as per-format arrays."""
        slots: list[list[tuple[int, int]]] = []
        for part in parts:
            offset, text, _ = part or (0, "", "")
            slots.append(
                [(offset + j, 10 if c == "#" else 26) for j, c in enumerate(text) if c in "#@"]
            )
        columns = []
        for k in range(max(len(s) for s in slots)):
            found = [s[k] if k < len(s) else (scratch, 1) for s in slots]
            positions = np.array([position for position, _ in found], dtype=np.int64)
            radices = np.array([radix for _, radix in found], dtype=np.int64)
            first = np.where(radices == 26, 65, 48).astype(np.uint8)
            same = bool((positions == positions[0]).all() and (radices == radices[0]).all())
            columns.append(_Slot(positions, radices, first, int(positions[0]) if same else None))
        totals = [int(np.prod([radix for _, radix in s], dtype=np.int64)) for s in slots]
        return _Piece(
            tuple(None if part is None else part[2] for part in parts),
            np.array(totals, dtype=np.int64),
            tuple(columns),
        )

    def fill(self, draw: Draw, which: I64 | None = None) -> pl.Series:
        """Every row in format ``which[j]``, or all in the one format when ``which`` is
        None; then ``draw`` may be any draw (the index enumeration of unique columns
        too), with several formats it must be random."""
        values = [self._draw(piece, draw, which) for piece in self.pieces]  # in order
        n = values[0].shape[0]
        picked = np.zeros(n, dtype=np.int64) if which is None else which
        matrix = np.take(self.bases, picked, axis=0)  # five times faster than bases[picked]
        for piece, drawn in zip(self.pieces, values, strict=True):
            # 32-bit division is several times faster than 64-bit, and phone numbers fit
            width = np.uint32 if int(piece.totals.max()) <= 1 << 32 else np.int64
            value: npt.NDArray[np.integer] = drawn.astype(width)
            for slot in piece.slots:
                if slot.column is not None:  # the same place and radix in every format
                    radix = width(slot.radices[0])
                    quotient = value // radix
                    matrix[:, slot.column] = slot.first[0] + (value - quotient * radix)
                else:
                    radices: npt.NDArray[np.integer] = np.take(slot.radices, picked).astype(width)
                    quotient = value // radices
                    matrix[np.arange(n), np.take(slot.positions, picked)] = np.take(
                        slot.first, picked
                    ) + (value - quotient * radices)
                value = quotient
        widths = self.widths[picked]
        if n == 0 or (widths == widths[0]).all():
            return fixed_width(matrix[:, : int(widths[0])] if n else matrix)
        return _ragged(matrix, widths)

    @staticmethod
    def _draw(piece: _Piece, draw: Draw, which: I64 | None) -> I64:
        if which is None:
            return draw(piece.names[0] or "", int(piece.totals[0]))
        if not isinstance(draw, RandomDraw):
            raise TypeError("rows in several formats need random draws")
        return draw.each(piece.names, which, piece.totals[which])


def _ragged(matrix: U8, widths: I64) -> pl.Series:
    """Row ``j`` of the matrix cut to ``widths[j]`` bytes, as text."""
    offsets = np.zeros(widths.shape[0] + 1, dtype=np.int64)
    np.cumsum(widths, out=offsets[1:])
    data = matrix[np.arange(matrix.shape[1]) < widths[:, None]]
    array = pa.LargeStringArray.from_buffers(
        widths.shape[0], pa.py_buffer(offsets.tobytes()), pa.py_buffer(data.tobytes())
    )
    return pl.Series(pl.from_arrow(array)).cast(pl.String)


@lru_cache(maxsize=256)
def _single(fmt: str, prefix: str) -> FormatTable:
    return FormatTable([(fmt, prefix)])


def render_format(fmt: str, draw: Draw, prefix: str) -> pl.Series:
    """Fill ``#`` with digits and ``@`` with capital letters, from the streams named
    after ``prefix``."""
    return _single(fmt, prefix).fill(draw)
