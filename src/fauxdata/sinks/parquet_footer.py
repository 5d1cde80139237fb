"""Parquet footers read and written as Thrift's compact protocol, to join row groups
that were encoded apart into one file.

pyarrow's writer encodes a file's columns one after another on one thread. Row groups
are independent (each column chunk has its own pages and dictionary), so separate
writers can encode consecutive row groups at once into memory, and their bytes can be
laid end to end behind one ``PAR1``: only the footer must change, to list every row
group with its offsets moved to where its bytes landed. The footer is decoded into a
tree that keeps every field's id, type and order, so encoding it again gives back the
same bytes; a joined file is byte for byte the file one writer would have written.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

MAGIC = b"PAR1"

# Compact protocol type codes.
_TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY = 1, 2, 3, 4, 5, 6, 7, 8
_LIST, _SET, _MAP, _STRUCT = 9, 10, 11, 12
_INTEGERS = (_I16, _I32, _I64)


@dataclass
class Field:
    """One field of a struct: its id, its compact type and its value (an int, bytes, a
    bool, a ``Struct``, or a ``Sequence`` for lists and sets)."""

    id: int
    kind: int
    value: Any


@dataclass
class Sequence:
    kind: int  # _LIST or _SET
    element: int
    items: list[Any]


Struct = list[Field]


class FooterError(ValueError):
    """Bytes that are not a footer this module can join (a bug, never user input: the
    footers come from pyarrow's own writer)."""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def byte(self) -> int:
        value = self.data[self.at]
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

    def take(self, n: int) -> bytes:
        chunk = self.data[self.at : self.at + n]
        if len(chunk) != n:
            raise FooterError("the footer ends inside a value")
        self.at += n
        return chunk

    def value(self, kind: int) -> Any:
        if kind in _INTEGERS:
            return self.zigzag()
        if kind == _BINARY:
            return self.take(self.varint())
        if kind == _STRUCT:
            return self.struct()
        if kind in (_LIST, _SET):
            header = self.byte()
            size, element = header >> 4, header & 0x0F
            if size == 15:
                size = self.varint()
            if element in (_TRUE, _FALSE):  # booleans in a list are one byte each
                return Sequence(kind, element, [self.byte() for _ in range(size)])
            return Sequence(kind, element, [self.value(element) for _ in range(size)])
        if kind == _BYTE:
            return self.byte()
        if kind == _DOUBLE:
            return self.take(8)
        raise FooterError(f"compact type {kind} is not expected in a Parquet footer")

    def struct(self) -> Struct:
        fields: Struct = []
        last = 0
        while True:
            header = self.byte()
            if header == 0:
                return fields
            delta, kind = header >> 4, header & 0x0F
            field_id = last + delta if delta else self.zigzag()
            if kind in (_TRUE, _FALSE):
                fields.append(Field(field_id, kind, kind == _TRUE))
            else:
                fields.append(Field(field_id, kind, self.value(kind)))
            last = field_id


class _Writer:
    def __init__(self) -> None:
        self.out = bytearray()

    def varint(self, n: int) -> None:
        while n > 0x7F:
            self.out.append((n & 0x7F) | 0x80)
            n >>= 7
        self.out.append(n)

    def zigzag(self, n: int) -> None:
        self.varint((n << 1) ^ (n >> 63))

    def value(self, kind: int, value: Any) -> None:
        if kind in _INTEGERS:
            self.zigzag(value)
        elif kind == _BINARY:
            self.varint(len(value))
            self.out += value
        elif kind == _STRUCT:
            self.struct(value)
        elif kind in (_LIST, _SET):
            size = len(value.items)
            if size < 15:
                self.out.append(size << 4 | value.element)
            else:
                self.out.append(0xF0 | value.element)
                self.varint(size)
            for item in value.items:
                if value.element in (_TRUE, _FALSE):
                    self.out.append(item)
                else:
                    self.value(value.element, item)
        elif kind == _BYTE:
            self.out.append(value)
        elif kind == _DOUBLE:
            self.out += value
        else:
            raise FooterError(f"compact type {kind} is not expected in a Parquet footer")

    def struct(self, fields: Struct) -> None:
        last = 0
        for field in fields:
            kind = (
                (_TRUE if field.value else _FALSE) if field.kind in (_TRUE, _FALSE) else field.kind
            )
            delta = field.id - last
            if 0 < delta <= 15:
                self.out.append(delta << 4 | kind)
            else:
                self.out.append(kind)
                self.zigzag(field.id)
            if kind not in (_TRUE, _FALSE):
                self.value(kind, field.value)
            last = field.id
        self.out.append(0)


def decode(footer: bytes) -> Struct:
    """A FileMetaData struct from its compact-protocol bytes."""
    reader = _Reader(footer)
    tree = reader.struct()
    if reader.at != len(footer):
        raise FooterError(f"{len(footer) - reader.at} bytes after the footer's end")
    return tree


def encode(tree: Struct) -> bytes:
    writer = _Writer()
    writer.struct(tree)
    return bytes(writer.out)


def footer_of(file: bytes | memoryview) -> tuple[bytes | memoryview, int]:
    """The footer's bytes of a whole Parquet file and where they start."""
    if file[:4] != MAGIC or file[-4:] != MAGIC:
        raise FooterError("not a Parquet file: no PAR1 at both ends")
    (length,) = struct.unpack("<I", file[-8:-4])
    start = len(file) - 8 - length
    return file[start : len(file) - 8], start


def field(fields: Struct, field_id: int) -> Field | None:
    return next((f for f in fields if f.id == field_id), None)


# FileMetaData: 3 num_rows, 4 row_groups. RowGroup: 1 columns, 5 file_offset, 7 ordinal.
# ColumnChunk: 2 file_offset, 3 meta_data, 4 offset_index_offset, 6 column_index_offset.
# ColumnMetaData: 9 data_page_offset, 10 index_page_offset, 11 dictionary_page_offset,
# 14 bloom_filter_offset.
_ROW_GROUP_OFFSETS = (5,)
_CHUNK_OFFSETS = (2,)
_CHUNK_INDEXES = (4, 6)
_META_OFFSETS = (9, 10, 11, 14)


def row_groups(tree: Struct) -> list[Struct]:
    groups = field(tree, 4)
    return [] if groups is None else list(groups.value.items)


def shift_row_group(group: Struct, by: int, ordinal: int) -> None:
    """Move every absolute offset of one row group by ``by`` bytes and number it."""
    for f in group:
        if f.id in _ROW_GROUP_OFFSETS:
            f.value += by
        elif f.id == 7:
            f.value = ordinal
        elif f.id == 1:
            for chunk in f.value.items:
                _shift_chunk(chunk, by)


def _shift_chunk(chunk: Struct, by: int) -> None:
    for f in chunk:
        if f.id in _CHUNK_INDEXES:
            # A page index lists absolute page offsets in pages of its own: not joinable.
            raise FooterError("column chunks with a page index cannot be joined")
        if f.id in _CHUNK_OFFSETS and f.value:  # pyarrow writes this deprecated one as 0
            f.value += by
        elif f.id == 3:
            for m in f.value:
                if m.id in _META_OFFSETS:
                    m.value += by


def joined_footer(first: Struct, groups: list[Struct], rows: int) -> bytes:
    """``first``'s footer listing ``groups`` (already shifted) and ``rows`` rows."""
    tree = [Field(f.id, f.kind, f.value) for f in first]
    for f in tree:
        if f.id == 3:
            f.value = rows
        elif f.id == 4:
            f.value = Sequence(f.value.kind, f.value.element, groups)
    return encode(tree)
