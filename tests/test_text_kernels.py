"""The byte-level and one-pass kernels behind templates, phone numbers and draws give
exactly what their per-row definitions give: Unicode case rules, accent folding,
one stream per format, splitmix64 mixing and draws."""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np
import polars as pl
import pytest

import fauxdata
from fauxdata.engine.rng import Stream, below_each, mix64, mix64_in_place
from fauxdata.generators.draws import RandomDraw
from fauxdata.generators.formats import FormatTable
from fauxdata.generators.lexicon import dataset_code, lexicon
from fauxdata.generators.text import has_byte, is_ascii, large_strings

FIRST = ["Anne Marie", "Élodie", "Zoë", "ΣΟΦΙΑΣ", "Straße", "Bob", "Ǆemal", "Ｗｉｄｅ"]
LAST = ["Müller", "van der Berg", "O'Neil", "Ñúñez", "Smith"]
ASCII_FIRST = ["Anne Marie", "Bob", "Eve", "Mary-Jo"]
ASCII_LAST = ["Smith", "van der Berg", "O'Neil"]


def _spec(first: list[str], last: list[str], options: dict[str, bool], rows: int) -> dict[str, Any]:
    template = {"kind": "template", "template": "{first}.{last}#{n}@Example.COM", **options}
    return {
        "name": "t",
        "seed": 3,
        "tables": {
            "p": {
                "rows": rows,
                "columns": {
                    "first": {"generator": {"kind": "choice", "values": first}, "null_rate": 0.1},
                    "last": {"generator": {"kind": "choice", "values": last}},
                    "n": {"generator": {"kind": "uniform_int", "min": 0, "max": 99}},
                    "out": {"generator": template},
                },
            }
        },
    }


def _fold(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii())


def _expected(row: dict[str, Any], options: dict[str, bool]) -> str | None:
    if row["first"] is None:
        return None  # a NULL inserted value makes the whole text NULL
    fields = []
    for name in ("first", "last", "n"):
        text = str(row[name])
        if options.get("strip_spaces"):
            text = text.replace(" ", "")
        if options.get("ascii"):
            text = _fold(text)
        fields.append(text)
    text = f"{fields[0]}.{fields[1]}#{fields[2]}@Example.COM"
    if options.get("lower"):
        text = text.lower()
    if options.get("upper"):
        text = text.upper()
    return text


OPTIONS = [
    {},
    {"lower": True},
    {"upper": True},
    {"ascii": True, "strip_spaces": True},
    {"lower": True, "ascii": True, "strip_spaces": True},
    {"upper": True, "strip_spaces": True},
]


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize(("first", "last"), [(FIRST, LAST), (ASCII_FIRST, ASCII_LAST)])
def test_template_equals_its_per_row_definition(
    first: list[str], last: list[str], options: dict[str, bool]
) -> None:
    frame = fauxdata.generate(_spec(first, last, options, 3000)).frames["p"]
    expected = [_expected(row, options) for row in frame.iter_rows(named=True)]
    assert frame["out"].to_list() == expected
    assert frame["out"].null_count() > 0  # the NULL rule was exercised


def test_a_template_without_fields_fills_every_row() -> None:
    spec = {
        "name": "t",
        "tables": {
            "p": {
                "rows": 7,
                "columns": {
                    "c": {"generator": {"kind": "template", "template": "Ok", "upper": True}}
                },
            }
        },
    }
    assert fauxdata.generate(spec).frames["p"]["c"].to_list() == ["OK"] * 7


def test_byte_scans_read_only_a_slice_own_values() -> None:
    whole = large_strings(pl.Series(["ä b", "plain", "also"]))
    tail = whole.slice(1)
    assert not is_ascii(whole) and has_byte(whole, 0x20)
    assert is_ascii(tail) and not has_byte(tail, 0x20)


def test_a_varchar_counts_characters_not_bytes() -> None:
    spec = {
        "name": "t",
        "tables": {
            "p": {
                "rows": 5,
                "columns": {
                    "c": {"type": "varchar(3)", "generator": {"kind": "choice", "values": ["äöü"]}}
                },
            }
        },
    }
    assert fauxdata.generate(spec).frames["p"]["c"].to_list() == ["äöü"] * 5


def _splitmix64_finaliser(z: int) -> int:
    mask = (1 << 64) - 1
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return z ^ (z >> 31)


def test_mixing_equals_splitmix64_and_the_allocating_form_leaves_its_input() -> None:
    z = np.random.default_rng(7).integers(0, 2**64, 2_000, dtype=np.uint64, endpoint=False)
    expected = np.array([_splitmix64_finaliser(int(v)) for v in z], dtype=np.uint64)
    before = z.copy()
    assert np.array_equal(mix64(z), expected)
    assert np.array_equal(z, before)
    mix64_in_place(z)
    assert np.array_equal(z, expected)


def test_below_each_equals_one_stream_at_a_time() -> None:
    rows = np.arange(30_000, dtype=np.int64) * 13 + 5
    spans = np.array([1, 7, 10**7, 2**32, 2**32 + 3, 10**15, 2**62], dtype=np.int64)
    streams = [Stream.of(9, "t", "c", i) for i in range(spans.size)]
    which = (rows // 3) % spans.size
    keys = np.array([s.key for s in streams], dtype=np.uint64)
    got = below_each(keys[which], rows, spans[which])
    for i, stream in enumerate(streams):
        picked = which == i
        assert np.array_equal(got[picked], stream.below(rows[picked], int(spans[i])))


def _render_one(fmt: str, prefix: str, row: int, stream: Any) -> str:
    """The per-row definition: one number over the format's value space (halves, each
    with its own stream, past 2^62), split into positions, first position first."""
    total = 1
    for c in fmt:
        total *= 10 if c == "#" else 26 if c == "@" else 1
    if total >= 1 << 62:
        cut = len(fmt) // 2
        return _render_one(fmt[:cut], f"{prefix}a", row, stream) + _render_one(
            fmt[cut:], f"{prefix}b", row, stream
        )
    value = int(stream(f"{prefix}-all").below(np.array([row]), total)[0])
    out = []
    for c in fmt:
        if c in "#@":
            radix = 10 if c == "#" else 26
            out.append(chr((48 if c == "#" else 65) + value % radix))
            value //= radix
        else:
            out.append(c)
    return "".join(out)


@pytest.mark.parametrize(
    "formats",
    [
        ("+44 ## #### ####", "01#### #####", "02# #### ####", "055 #### ####"),
        ("(0####) #######", "+49-##-###-#####", "@@-##", "#" * 25, "no digits"),
        ("#" * 30,),
    ],
)
def test_rows_in_several_formats_equal_each_format_alone(formats: tuple[str, ...]) -> None:
    def stream(name: str) -> Stream:
        return Stream.of(5, "t", "phone", name)

    rows = np.arange(1000, 3000, dtype=np.int64)
    draw = RandomDraw(stream, rows)
    which = draw("pick", len(formats))
    prefixes = [f"f{i}" for i in range(len(formats))]
    got = FormatTable(list(zip(formats, prefixes, strict=True))).fill(draw, which).to_list()
    expected = [
        _render_one(formats[w], prefixes[w], int(r), stream)
        for r, w in zip(rows, which, strict=True)
    ]
    assert got == expected


def test_no_rows_give_no_values() -> None:
    draw = RandomDraw(lambda name: Stream.of(1, name), np.arange(0, dtype=np.int64))
    table = FormatTable([("##-#", "a"), ("+@ ###", "b")])
    assert table.fill(draw, draw("pick", 2)).to_list() == []
    assert FormatTable([("@#", "c")]).fill(draw).to_list() == []


def _shape(text: str) -> str:
    return "".join("#" if c.isdigit() or c == "#" else c for c in text)


@pytest.mark.parametrize("locale", ["en_US", "en_GB", "de_DE", "nl_BE", "pt_BR", "cs_CZ"])
def test_phones_take_every_format_of_their_locale(locale: str) -> None:
    spec = {
        "name": "p",
        "tables": {
            "t": {
                "rows": 3000,
                "columns": {"v": {"generator": {"kind": "phone", "locale": locale}}},
            }
        },
    }
    phones = fauxdata.generate(spec).frames["t"]["v"].to_list()
    formats = lexicon(str(dataset_code(locale))).phone_formats
    assert {_shape(p) for p in phones} == {_shape(f) for f in formats}
