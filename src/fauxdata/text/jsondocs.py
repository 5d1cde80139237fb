"""Parsed JSON documents of a batch, and the places a rule names in them.

``Documents`` is the part of JSON rule masking that works document by document:
parse, walk a path, hand out the values found one column per JSON kind, put masked
values back, write the touched documents again. The mask itself runs over a whole
column elsewhere (``jsonmask``), so the same object serves a batch in this process and
a slice of one in a worker process (``jsonspread``).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from fauxdata.text.jsonpath import JSONPath, Slot

_KINDS = {
    str: "string",
    int: "integer",
    float: "float",
    bool: "boolean",
    dict: "object",
    list: "array",
}
_GROUP = {"integer": "number", "float": "number"}
CONTAINERS = ("object", "array")


class Documents:
    """``texts`` parsed (``None`` where a text is NULL or not JSON, its index then in
    ``invalid``), with the current rule's places grouped by kind."""

    def __init__(self, texts: list[str | None]) -> None:
        self.invalid: list[int] = []
        try:  # every row JSON orjson reads, the common case: one loop in C (a NULL raises)
            self.documents: list[Any] = list(map(orjson.loads, texts))  # type: ignore[arg-type]
        except (orjson.JSONDecodeError, TypeError):
            self.documents = []
            for i, text in enumerate(texts):
                if text is None:
                    self.documents.append(None)
                    continue
                try:
                    self.documents.append(_load(text))
                except ValueError:
                    self.documents.append(None)
                    self.invalid.append(i)
        self.touched = np.zeros(len(texts), dtype=bool)
        """Rows a rule put a value into."""
        self._groups: dict[str, tuple[list[Slot], list[Any], npt.NDArray[np.int64]]] = {}

    def gather(self, path: JSONPath, types: frozenset[str], rows: list[int]) -> list[str]:
        """Find the places ``path`` names in ``rows``; returns the kinds of value found
        that ``types`` asks for, in the order first seen. With ``$..*`` an object
        masked before or after its members gives different documents, so the order is
        part of the output."""
        places: list[Slot] = []
        slots = path.slots_into
        documents = self.documents
        # the places found so far after each row (a visitor returns None and finds
        # nothing in None, a row that is not JSON): one comprehension, no per-row count
        ends = np.asarray(
            [slots(documents[row], places) or len(places) for row in rows], dtype=np.int64
        )
        counts = ends - np.concatenate([[0], ends[:-1]])
        owners = np.repeat(np.asarray(rows, dtype=np.int64), counts)
        values = [c[k] for c, k in places]
        distinct = set(map(type, values))
        kinds = [type(v) for v in values] if len(distinct) > 1 else []
        present = [_KINDS.get(t) for t in (dict.fromkeys(kinds) if kinds else distinct)]
        wanted = [k for k in present if k is not None and _GROUP.get(k, k) in types]
        self._groups = {}
        for kind in wanted:
            if len(present) == 1:
                self._groups[kind] = (places, values, owners)
            else:
                index = [i for i, t in enumerate(kinds) if _KINDS.get(t) == kind]
                self._groups[kind] = (
                    [places[i] for i in index],
                    [values[i] for i in index],
                    owners[index],
                )
        return wanted

    def values(self, kind: str) -> tuple[list[Any], npt.NDArray[np.int64]]:
        """The values of one kind the last ``gather`` found, and the row of each.
        Objects and arrays are written as JSON text now, so that they show what
        earlier kinds' masks put into them."""
        _, values, owners = self._groups.get(kind, ([], [], _NO_ROWS))
        if kind in CONTAINERS:
            values = [json.dumps(v, ensure_ascii=False) for v in values]
        return values, owners

    def put(self, kind: str, masked: list[Any]) -> None:
        """Put the masked values of one kind back in their places."""
        places, _, owners = self._groups.get(kind, ([], [], _NO_ROWS))
        for (container, key), new in zip(places, masked, strict=True):
            container[key] = new
        self.touched[owners] = True

    def dump(self, spaced: list[bool]) -> dict[int, str]:
        """Every touched document written again, by row; ``spaced[row]`` says it was
        written with a space after colons and commas."""
        documents = self.documents
        return {i: _dump(documents[i], spaced[i]) for i in np.flatnonzero(self.touched).tolist()}


_NO_ROWS: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)


def _load(text: str) -> Any:
    """orjson, several times faster than the standard library; the standard library
    where orjson refuses valid JSON (integers beyond 64 bits)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _dump(document: Any, spaced: bool) -> str:
    if spaced:
        return json.dumps(document, ensure_ascii=False, separators=(", ", ": "))
    try:
        return orjson.dumps(document).decode()
    except TypeError:  # a mask returned something orjson does not write (a big integer)
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
