"""Parquet footers joined at the byte level, to lay row groups that were encoded apart
end to end in one file.

pyarrow's writer encodes a file's columns one after another on one thread. Row groups
are independent (each column chunk has its own pages and dictionary), so separate
writers can encode consecutive row groups at once into memory, and their bytes can be
laid end to end behind one ``PAR1``: only the footer must change, to list every row
group with its offsets moved to where its bytes landed.

The footer is Thrift's compact protocol. It is scanned, not decoded: the scan notes
where each row group's bytes lie and where each absolute offset's varint sits in them,
and a joined footer is the first part's bytes with the row-group list and the row count
replaced, each row group copied with only those varints rewritten. Nothing else is
touched, so a joined file is byte for byte the file one writer would have written; and
no Python object per field is made (decoding every footer into objects had cost a
tenth of a TPC-H run in allocations and garbage collection).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

MAGIC = b"PAR1"

# Compact protocol type codes.
_TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY = 1, 2, 3, 4, 5, 6, 7, 8
_LIST, _SET, _MAP, _STRUCT = 9, 10, 11, 12
_INTEGERS = (_I16, _I32, _I64)

# FileMetaData: 3 num_rows, 4 row_groups. RowGroup: 1 columns, 5 file_offset, 7 ordinal.
# ColumnChunk: 2 file_offset (pyarrow writes 0), 3 meta_data, 4 and 6 page index offsets.
# ColumnMetaData: 9 data_page_offset, 10 index_page_offset, 11 dictionary_page_offset,
# 14 bloom_filter_offset.
_NUM_ROWS, _ROW_GROUPS = 3, 4
_GROUP_COLUMNS, _GROUP_OFFSET, _GROUP_ORDINAL = 1, 5, 7
_CHUNK_OFFSET, _CHUNK_META, _CHUNK_INDEXES = 2, 3, (4, 6)
_META_OFFSETS = (9, 10, 11, 14)


class FooterError(ValueError):
    """Bytes that are not a footer this module can join (a bug, never user input: the
    footers come from pyarrow's own writer)."""


@dataclass
class RowGroup:
    """One row group's bytes in its footer and the varints to rewrite in them:
    ``(start, end, value)`` spans relative to the group's own bytes."""

    data: bytes
    offsets: list[tuple[int, int, int]] = field(default_factory=list)
    ordinal: tuple[int, int, int] | None = None

    def moved(self, by: int, ordinal: int) -> bytes:
        """The row group's bytes with every absolute offset moved by ``by`` bytes and
        its ordinal (when it has one) set."""
        spans = [(s, e, _zigzag(v + by)) for s, e, v in self.offsets]
        if self.ordinal is not None:
            spans.append((self.ordinal[0], self.ordinal[1], _zigzag(ordinal)))
        spans.sort()
        out, at = bytearray(), 0
        for start, end, value in spans:
            out += self.data[at:start]
            out += value
            at = end
        out += self.data[at:]
        return bytes(out)


@dataclass
class Footer:
    """A scanned FileMetaData: its bytes, where the row count's varint and the
    row-group list lie, and the row groups."""

    data: bytes
    rows: int
    rows_span: tuple[int, int]
    groups_span: tuple[int, int]
    """From the list's header byte to the end of its last row group."""
    groups: list[RowGroup]


def _zigzag(n: int) -> bytes:
    return _varint((n << 1) ^ (n >> 63))


def _varint(n: int) -> bytes:
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


class _Scanner:
    """Reads compact-protocol values by skipping over them; only the fields the join
    rewrites are noted."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def byte(self) -> int:
        try:
            value = self.data[self.at]
        except IndexError:
            raise FooterError("the footer ends inside a value") from None
        self.at += 1
        return value

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def header(self, last: int) -> tuple[int, int]:
        """A field header: ``(id, type)``, id 0 and type 0 at the struct's end."""
        b = self.byte()
        if b == 0:
            return 0, 0
        delta, kind = b >> 4, b & 0x0F
        return (last + delta if delta else self.zigzag()), kind

    def skip(self, kind: int) -> None:
        if kind in (_TRUE, _FALSE):
            return
        if kind in _INTEGERS:
            self.varint()
        elif kind == _BINARY:
            n = self.varint()
            self.at += n
        elif kind == _STRUCT:
            last = 0
            while True:
                last, inner = self.header(last)
                if inner == 0:
                    return
                self.skip(inner)
        elif kind in (_LIST, _SET):
            size, element = self.list_header()
            if element in (_TRUE, _FALSE):
                self.at += size  # booleans in a list are one byte each
            else:
                for _ in range(size):
                    self.skip(element)
        elif kind == _MAP:
            size = self.varint()
            if size:
                types = self.byte()
                for _ in range(size):
                    self.skip(types >> 4)
                    self.skip(types & 0x0F)
        elif kind == _BYTE:
            self.at += 1
        elif kind == _DOUBLE:
            self.at += 8
        else:
            raise FooterError(f"compact type {kind} is not expected in a Parquet footer")

    def list_header(self) -> tuple[int, int]:
        header = self.byte()
        size, element = header >> 4, header & 0x0F
        if size == 15:
            size = self.varint()
        return size, element

    def integer(self, kind: int) -> tuple[int, int, int]:
        """An integer field's value and the span of its varint."""
        if kind not in _INTEGERS:
            raise FooterError(f"an offset of compact type {kind}, expected an integer")
        start = self.at
        value = self.zigzag()
        return start, self.at, value


def scan(data: bytes) -> Footer:
    """Scan a FileMetaData's compact-protocol bytes."""
    s = _Scanner(data)
    rows, rows_span, groups_span = 0, (0, 0), (0, 0)
    groups: list[RowGroup] = []
    last = 0
    while True:
        last, kind = s.header(last)
        if kind == 0:
            break
        if last == _NUM_ROWS:
            start, end, rows = s.integer(kind)
            rows_span = (start, end)
        elif last == _ROW_GROUPS:
            list_start = s.at
            size, element = s.list_header()
            if element != _STRUCT:
                raise FooterError("the row groups are not a list of structs")
            groups = [_row_group(s) for _ in range(size)]
            groups_span = (list_start, s.at)
        else:
            s.skip(kind)
    if s.at != len(data):
        raise FooterError(f"{len(data) - s.at} bytes after the footer's end")
    if rows_span == (0, 0) or groups_span == (0, 0):
        raise FooterError("the footer has no row count or no row-group list")
    return Footer(data, rows, rows_span, groups_span, groups)


def _row_group(s: _Scanner) -> RowGroup:
    begin = s.at
    offsets: list[tuple[int, int, int]] = []
    ordinal = None
    last = 0
    while True:
        last, kind = s.header(last)
        if kind == 0:
            break
        if last == _GROUP_OFFSET:
            offsets.append(s.integer(kind))
        elif last == _GROUP_ORDINAL:
            ordinal = s.integer(kind)
        elif last == _GROUP_COLUMNS:
            size, _ = s.list_header()
            for _ in range(size):
                _column_chunk(s, offsets)
        else:
            s.skip(kind)
    rebased = [(a - begin, b - begin, v) for a, b, v in offsets]
    if ordinal is not None:
        ordinal = (ordinal[0] - begin, ordinal[1] - begin, ordinal[2])
    return RowGroup(s.data[begin : s.at], rebased, ordinal)


def _column_chunk(s: _Scanner, offsets: list[tuple[int, int, int]]) -> None:
    last = 0
    while True:
        last, kind = s.header(last)
        if kind == 0:
            return
        if last in _CHUNK_INDEXES:
            # A page index lists absolute page offsets in pages of its own: not joinable.
            raise FooterError("column chunks with a page index cannot be joined")
        if last == _CHUNK_OFFSET:
            span = s.integer(kind)
            if span[2]:  # pyarrow writes this deprecated offset as 0: it stays 0
                offsets.append(span)
        elif last == _CHUNK_META:
            meta_last = 0
            while True:
                meta_last, inner = s.header(meta_last)
                if inner == 0:
                    break
                if meta_last in _META_OFFSETS:
                    offsets.append(s.integer(inner))
                else:
                    s.skip(inner)
        else:
            s.skip(kind)


def footer_of(file: bytes | memoryview) -> tuple[bytes, int]:
    """The footer's bytes of a whole Parquet file and where they start."""
    if file[:4] != MAGIC or file[-4:] != MAGIC:
        raise FooterError("not a Parquet file: no PAR1 at both ends")
    (length,) = struct.unpack("<I", file[-8:-4])
    start = len(file) - 8 - length
    return bytes(file[start : len(file) - 8]), start


def joined(first: Footer, groups: list[bytes], rows: int) -> bytes:
    """``first``'s footer listing ``groups`` (row-group bytes, already moved) and
    ``rows`` rows."""
    data = first.data
    (rows_start, rows_end), (list_start, list_end) = first.rows_span, first.groups_span
    if rows_end > list_start:
        raise FooterError("the row count comes after the row groups")
    size = len(groups)
    header = bytes([size << 4 | _STRUCT]) if size < 15 else bytes([0xF0 | _STRUCT]) + _varint(size)
    return b"".join(
        [
            data[:rows_start],
            _zigzag(rows),
            data[rows_end:list_start],
            header,
            *groups,
            data[list_end:],
        ]
    )
