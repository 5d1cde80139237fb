"""The character-class kernel behind ``hash``, ``email`` and ``scramble``: its in-place
mixing equals the engine's ``mix64``, and its output equals the per-character
definition (each ASCII digit/letter replaced by ``first + mix64(seed + (pos + 1) *
GAMMA) >> 11 mod size`` of its class)."""

from __future__ import annotations

import numpy as np
import polars as pl

from fauxdata.engine.rng import mix64
from fauxdata.mask.hashing import _mix64_in_place, keyed_hash, substitute_classes

GAMMA = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1


def test_in_place_mixing_equals_mix64() -> None:
    z = np.random.default_rng(7).integers(0, 2**64, 10_000, dtype=np.uint64, endpoint=False)
    expected = mix64(z.copy())
    _mix64_in_place(z)
    assert np.array_equal(z, expected)


def _one(text: str, seed: int, keep_first_digit: bool) -> str:
    out = []
    for pos, ch in enumerate(text.encode()):
        first, size = (48, 10) if 48 <= ch <= 57 else (65, 26) if 65 <= ch <= 90 else (97, 26)
        if not (48 <= ch <= 57 or 65 <= ch <= 90 or 97 <= ch <= 122):
            out.append(ch)
            continue
        z = np.array([(seed + (pos + 1) * GAMMA) & MASK], dtype=np.uint64)
        draw = int(mix64(z)[0]) >> 11
        if keep_first_digit and size == 10 and pos == 0:
            out.append(49 + draw % 9)
        else:
            out.append(first + draw % size)
    return bytes(out).decode()


def test_substitution_equals_its_per_character_definition() -> None:
    values = pl.Series(
        "v", ["+31 6 1234 5678", "Jan.Jansen99@x", "", None, "0042-ab", "€ 12,50 Zoë", "9"]
    )
    seeds = keyed_hash(values.fill_null(""), 99)
    for keep in (False, True):
        got = substitute_classes(values, seeds, keep_first_digit=keep).to_list()
        want = [
            None if v is None else _one(v, int(s), keep)
            for v, s in zip(values.to_list(), seeds.tolist(), strict=True)
        ]
        assert got == want
