"""Strings that match a regular expression, generated column-wise.

The pattern is parsed by Python's own regex parser into a small tree (characters,
sequences, alternatives, repeats). Each node produces a whole column: runs of character
classes become byte matrices turned into strings in one step, alternatives are rendered
per branch for the rows that chose it, repeats draw a length per row. Every draw comes
from a stream named by the node's position in the tree, so any row can be computed alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from fauxdata.generators.base import ColumnContext, Generator, Rows
from fauxdata.generators.text import fixed_width
from fauxdata.spec import generators as g

try:
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse as parser  # type: ignore[no-redef]

PRINTABLE = tuple(chr(c) for c in range(32, 127))
_CATEGORY = {
    sre.CATEGORY_DIGIT: tuple("0123456789"),
    sre.CATEGORY_WORD: tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"),
    sre.CATEGORY_SPACE: (" ",),
}
_NEGATED = {
    sre.CATEGORY_NOT_DIGIT: sre.CATEGORY_DIGIT,
    sre.CATEGORY_NOT_WORD: sre.CATEGORY_WORD,
    sre.CATEGORY_NOT_SPACE: sre.CATEGORY_SPACE,
}


@dataclass(frozen=True)
class Chars:
    options: tuple[str, ...]

    @property
    def ascii(self) -> bool:
        return all(len(c) == 1 and ord(c) < 128 for c in self.options)


@dataclass(frozen=True)
class Seq:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Alt:
    options: tuple[Node, ...]


@dataclass(frozen=True)
class Repeat:
    item: Node
    low: int
    high: int


Node = Chars | Seq | Alt | Repeat


class UnsupportedPatternError(ValueError):
    pass


@lru_cache(maxsize=4096)
def parse(pattern: str, max_repeat: int) -> Node:
    """Parse a pattern into the tree (once per pattern: the tree is never changed).
    Raises UnsupportedPatternError naming the construct."""
    return _seq(parser.parse(pattern), max_repeat)


def _seq(sub: object, max_repeat: int) -> Node:
    items = [node for op, av in sub for node in _node(op, av, max_repeat)]  # type: ignore[attr-defined]
    return items[0] if len(items) == 1 else Seq(tuple(items))


def _node(op: object, av: object, max_repeat: int) -> list[Node]:
    if op is sre.LITERAL:
        return [Chars((chr(av),))]  # type: ignore[arg-type]
    if op is sre.NOT_LITERAL:
        return [Chars(tuple(c for c in PRINTABLE if c != chr(av)))]  # type: ignore[arg-type]
    if op is sre.ANY:
        return [Chars(PRINTABLE)]
    if op is sre.IN:
        return [Chars(_charset(av))]  # type: ignore[arg-type]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
        # The parser gives a repeat as (min, max, subpattern); max may be MAXREPEAT, an int.
        low, high, sub = cast("tuple[int, int, object]", av)
        if high is sre.MAXREPEAT:
            high = low + max_repeat
        return [Repeat(_seq(sub, max_repeat), low, high)]
    if op is sre.SUBPATTERN:
        return [_seq(av[-1], max_repeat)]  # type: ignore[index]
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return [_seq(av, max_repeat)]
    if op is sre.BRANCH:
        return [Alt(tuple(_seq(branch, max_repeat) for branch in av[1]))]  # type: ignore[index]
    if op is sre.AT:
        return []
    names = {
        sre.GROUPREF: "backreferences",
        sre.ASSERT: "lookahead/lookbehind",
        sre.ASSERT_NOT: "negative lookahead/lookbehind",
        sre.GROUPREF_EXISTS: "conditional groups",
    }
    raise UnsupportedPatternError(
        f"regex feature {names.get(op, str(op).lower())} is not supported"
    )  # type: ignore[call-overload]


def _charset(items: list[tuple[object, object]]) -> tuple[str, ...]:
    chosen: list[str] = []
    negate = False
    for op, av in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            chosen.append(chr(av))  # type: ignore[arg-type]
        elif op is sre.RANGE:
            chosen.extend(chr(c) for c in range(av[0], av[1] + 1))  # type: ignore[index]
        elif op is sre.CATEGORY:
            if av in _NEGATED:
                excluded = set(_CATEGORY[_NEGATED[av]])
                chosen.extend(c for c in PRINTABLE if c not in excluded)
            else:
                chosen.extend(_CATEGORY[av])  # type: ignore[index]
        else:
            raise UnsupportedPatternError(
                f"regex feature {str(op).lower()} inside [...] is not supported"
            )
    unique = tuple(dict.fromkeys(chosen))
    if negate:
        unique = tuple(c for c in PRINTABLE if c not in set(unique))
    if not unique:
        raise UnsupportedPatternError("character class matches nothing printable")
    return unique


def _slots(node: Node) -> list[tuple[str, ...]] | None:
    """The character choices of a fixed-shape pattern, position by position, else None."""
    match node:
        case Chars():
            return [node.options]
        case Seq():
            out: list[tuple[str, ...]] = []
            for item in node.items:
                part = _slots(item)
                if part is None:
                    return None
                out.extend(part)
            return out
        case Repeat() if node.low == node.high:
            part = _slots(node.item)
            return None if part is None else part * node.low
    return None


def _from_slots(slots: list[tuple[str, ...]], digits: list[npt.NDArray[np.int64]]) -> pl.Series:
    n = digits[0].shape[0] if digits else 0
    if all(all(len(c) == 1 and ord(c) < 128 for c in slot) for slot in slots):
        matrix = np.empty((n, len(slots)), dtype=np.uint8)
        for j, (slot, d) in enumerate(zip(slots, digits, strict=True)):
            matrix[:, j] = np.frombuffer("".join(slot).encode("ascii"), dtype=np.uint8)[d]
        return fixed_width(matrix)
    columns = [
        pl.Series(list(slot), dtype=pl.String).gather(d)
        for slot, d in zip(slots, digits, strict=True)
    ]
    return pl.select(pl.concat_str([pl.lit(c) for c in columns])).to_series()


def _variable(
    chars: Chars, lengths: npt.NDArray[np.int64], draws: npt.NDArray[np.int64]
) -> pl.Series:
    """Strings of per-row length from an ASCII class: a (rows, max) matrix, masked."""
    table = np.frombuffer("".join(chars.options).encode("ascii"), dtype=np.uint8)
    matrix = table[draws]
    mask = np.arange(matrix.shape[1])[None, :] < lengths[:, None]
    data = matrix[mask].tobytes()
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    array = pa.LargeStringArray.from_buffers(
        lengths.shape[0], pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)
    )
    return pl.Series(pl.from_arrow(array)).cast(pl.String)


def _longest(node: Node) -> int:
    """The most characters a pattern can make."""
    match node:
        case Chars():
            return max((len(c) for c in node.options), default=0)
        case Seq():
            return sum(_longest(item) for item in node.items)
        case Alt():
            return max((_longest(option) for option in node.options), default=0)
        case Repeat():
            return node.high * _longest(node.item)
    raise AssertionError(node)


class RegexGenerator(Generator):
    kinds = ("regex",)
    spec: g.Regex

    def __init__(self, spec: g.Regex, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        try:
            self.tree = parse(spec.pattern, spec.max_repeat)
        except UnsupportedPatternError as exc:
            raise ctx.error(
                f"{exc} (in pattern '{spec.pattern}')",
                "use character classes, groups, alternatives and repeats",
            ) from None
        self.slots = _slots(self.tree)

    def _render(self, node: Node, rows: Rows, path: str) -> pl.Series:
        n = rows.shape[0]
        match node:
            case Chars() if len(node.options) == 1:
                return pl.repeat(node.options[0], n, dtype=pl.String, eager=True)
            case Chars():
                index = self.ctx.stream("re", path).below(rows, len(node.options))
                return _from_slots([node.options], [index])
            case Seq():
                slots = _slots(node)
                if slots is not None:
                    return _from_slots(
                        slots,
                        [
                            self.ctx.stream("re", path, j).below(rows, len(s))
                            for j, s in enumerate(slots)
                        ],
                    )
                parts = [
                    self._render(item, rows, f"{path}.{i}") for i, item in enumerate(node.items)
                ]
                return pl.select(pl.concat_str([pl.lit(p) for p in parts])).to_series()
            case Alt():
                branch = self.ctx.stream("re", path, "alt").below(rows, len(node.options))
                positions, pieces = [], []
                for b, option in enumerate(node.options):
                    picked = np.flatnonzero(branch == b)
                    if picked.size:
                        positions.append(picked)
                        pieces.append(self._render(option, rows[picked], f"{path}|{b}"))
                if not pieces:  # no rows
                    return pl.Series([], dtype=pl.String)
                order = np.argsort(np.concatenate(positions), kind="stable")
                return pl.concat(pieces).gather(order)
            case Repeat():
                lengths = self.ctx.stream("re", path, "len").integers(rows, node.low, node.high)
                if isinstance(node.item, Chars) and node.item.ascii and node.high > 0:
                    draws = np.stack(
                        [
                            self.ctx.stream("re", path, k).below(rows, len(node.item.options))
                            for k in range(node.high)
                        ],
                        axis=1,
                    )
                    return _variable(node.item, lengths, draws)
                parts = []
                for k in range(node.high):
                    piece = self._render(node.item, rows, f"{path}*{k}")
                    parts.append(
                        pl.select(
                            pl.when(pl.lit(pl.Series(lengths > k)))
                            .then(pl.lit(piece))
                            .otherwise(pl.lit(""))
                        ).to_series()
                    )
                if not parts:
                    return pl.repeat("", n, dtype=pl.String, eager=True)
                return pl.select(pl.concat_str([pl.lit(p) for p in parts])).to_series()
        raise AssertionError(node)

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return self._render(self.tree, rows, "r")

    def max_width(self) -> int:
        return _longest(self.tree)

    def domain_size(self) -> int | None:
        if self.slots is None:
            return None
        return min(math.prod(len(s) for s in self.slots), 1 << 62)

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        if self.slots is None:
            return super().at_domain(index, inputs)
        remaining = index.copy()
        digits = []
        for slot in self.slots:
            digits.append(remaining % len(slot))
            remaining = remaining // len(slot)
        return _from_slots(self.slots, digits)
