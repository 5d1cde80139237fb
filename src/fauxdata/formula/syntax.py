"""Spreadsheet formulas: tokens, syntax tree and a Pratt parser.

The grammar is the one spreadsheet users already write: ``[column]`` references,
strings in double quotes (``""`` escapes a quote), numbers, ``TRUE``/``FALSE``, date
literals ``#2024-01-31#``, function calls, and the operators below with Excel's
precedence (unary minus binds tighter than ``^``, so ``-2^2`` is 4). A leading ``=`` is
allowed. Every node keeps its span, so errors can point at it with a caret.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from fauxdata.errors import FauxdataError


class FormulaError(FauxdataError):
    """A formula problem at a span of the formula text."""

    code = "formula"

    def __init__(self, message: str, start: int, end: int, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.start = start
        self.end = max(end, start + 1)

    def caret(self, text: str) -> str:
        """The formula with a caret line under the offending span."""
        return f"    {text}\n    {' ' * self.start}{'^' * (self.end - self.start)}"


@dataclass(frozen=True)
class Token:
    kind: str
    """number, string, date, column, name, op, lparen, rparen, comma, end."""
    text: str
    start: int
    end: int


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"]|"")*")
  | (?P<date>\#\d{4}-\d{2}-\d{2}(?:[T\ ]\d{2}:\d{2}(?::\d{2})?)?\#)
  | (?P<column>\[[^\[\]]+\])
  | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<op><>|<=|>=|[-+*/^&=<>%])
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
    """,
    re.VERBOSE,
)


def tokenize(text: str) -> list[Token]:
    """Tokens of a formula (spaces dropped, an ``end`` token last).

    Raises:
        FormulaError: a character that starts no token, or an unterminated string.
    """
    tokens: list[Token] = []
    pos = 1 if text.startswith("=") else 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            if text[pos] == '"':
                raise FormulaError("unterminated string", pos, len(text), 'close it with "')
            if text[pos] == "[":
                raise FormulaError(
                    "unterminated column reference", pos, len(text), "close it with ]"
                )
            raise FormulaError(f"unexpected character '{text[pos]}'", pos, pos + 1)
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group(), match.start(), match.end()))
        pos = match.end()
    tokens.append(Token("end", "", len(text), len(text)))
    return tokens


@dataclass(frozen=True)
class Node:
    start: int
    end: int


@dataclass(frozen=True)
class Literal(Node):
    value: str | float | bool | dt.date | dt.datetime


@dataclass(frozen=True)
class Column(Node):
    name: str


@dataclass(frozen=True)
class Name(Node):
    """A bare identifier: a LET variable or a constant such as MOCK_FREE_EMAIL_DOMAIN."""

    name: str


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Unary(Node):
    op: str
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str
    left: Node
    right: Node


_INFIX = {
    "=": 1, "<>": 1, "<": 1, "<=": 1, ">": 1, ">=": 1,
    "&": 2,
    "+": 3, "-": 3,
    "*": 4, "/": 4,
    "^": 5,
}  # fmt: skip
_PREFIX = 6
_POSTFIX = 7


MAX_DEPTH = 200
"""Operations a formula may nest: its tree is compiled and walked recursively, and no
spreadsheet formula a person writes comes near this (Excel allows 64 nested functions)."""


def parse(text: str) -> Node:
    """The syntax tree of a formula.

    Raises:
        FormulaError: a syntax error, at its position, or nesting deeper than ``MAX_DEPTH``.
    """
    parser = _Parser(text, tokenize(text))
    if parser.peek.kind == "end":
        raise FormulaError("empty formula", 0, max(1, len(text)))
    node = parser.expression(0)
    if parser.peek.kind != "end":
        token = parser.peek
        raise FormulaError(
            f"unexpected '{token.text}' after a complete expression",
            token.start,
            token.end,
            "a missing operator or comma?",
        )
    _check_depth(node)
    return node


def _check_depth(root: Node) -> None:
    """Refuse a tree deeper than ``MAX_DEPTH`` (measured without recursion: a sum of 5,000
    terms is a left-leaning tree 5,000 deep)."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _too_deep(node.start, node.end)
        stack.extend((child, depth + 1) for child in _children(node))


def _too_deep(start: int, end: int) -> FormulaError:
    return FormulaError(
        f"the formula nests more than {MAX_DEPTH} operations deep",
        start,
        end,
        "split it over helper columns",
    )


def _children(node: Node) -> tuple[Node, ...]:
    match node:
        case Call():
            return node.args
        case Unary():
            return (node.operand,)
        case Binary():
            return (node.left, node.right)
    return ()


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    @property
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, kind: str, what: str) -> Token:
        token = self.peek
        if token.kind != kind:
            found = "the end of the formula" if token.kind == "end" else f"'{token.text}'"
            raise FormulaError(f"expected {what}, found {found}", token.start, token.end)
        return self.take()

    def expression(self, min_power: int) -> Node:
        self.depth += 1  # parentheses, signs and calls recurse here
        if self.depth > MAX_DEPTH:
            raise _too_deep(self.peek.start, self.peek.end)
        try:
            return self._expression(min_power)
        finally:
            self.depth -= 1

    def _expression(self, min_power: int) -> Node:
        left = self.prefix()
        while True:
            token = self.peek
            if token.kind == "op" and token.text == "%":
                if min_power > _POSTFIX:
                    break
                self.take()
                left = Unary(left.start, token.end, "%", left)
                continue
            if token.kind != "op" or token.text not in _INFIX:
                break
            power = _INFIX[token.text]
            if power < min_power:
                break
            self.take()
            right = self.expression(power + 1)  # all of Excel's binary operators are left-assoc
            left = Binary(left.start, right.end, token.text, left, right)
        return left

    def prefix(self) -> Node:
        token = self.take()
        match token.kind:
            case "number":
                return Literal(token.start, token.end, float(token.text))
            case "string":
                return Literal(token.start, token.end, token.text[1:-1].replace('""', '"'))
            case "date":
                return Literal(token.start, token.end, _date(token))
            case "column":
                name = token.text[1:-1].strip()
                return Column(token.start, token.end, name)
            case "name":
                upper = token.text.upper()
                if self.peek.kind == "lparen":
                    return self.call(token)
                if upper in ("TRUE", "FALSE"):
                    return Literal(token.start, token.end, upper == "TRUE")
                return Name(token.start, token.end, token.text)
            case "op" if token.text in ("-", "+"):
                operand = self.expression(_PREFIX)
                return Unary(token.start, operand.end, token.text, operand)
            case "lparen":
                inner = self.expression(0)
                close = self.expect("rparen", "')'")
                return _spanned(inner, token.start, close.end)
            case "end":
                raise FormulaError("the formula ends too early", token.start, token.end)
        raise FormulaError(f"unexpected '{token.text}'", token.start, token.end)

    def call(self, name: Token) -> Node:
        self.expect("lparen", "'('")
        args: list[Node] = []
        if self.peek.kind != "rparen":
            while True:
                args.append(self.expression(0))
                if self.peek.kind == "comma":
                    self.take()
                    continue
                break
        close = self.expect("rparen", f"',' or ')' to close {name.text.upper()}(")
        return Call(name.start, close.end, name.text.upper(), tuple(args))


def _spanned(node: Node, start: int, end: int) -> Node:
    """The node with its parentheses included in its span."""
    fields = {k: getattr(node, k) for k in node.__dataclass_fields__}
    fields.update(start=start, end=end)
    return type(node)(**fields)


def _date(token: Token) -> dt.date | dt.datetime:
    text = token.text.strip("#")
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise FormulaError(f"not a date: {token.text}", token.start, token.end) from None


def walk(node: Node) -> list[Node]:
    """The node and every node under it, depth first."""
    out = [node]
    for child in _children(node):
        out.extend(walk(child))
    return out
