"""The character-class kernel behind ``hash``, ``email`` and ``scramble``: its output
equals the per-character definition (each ASCII digit/letter replaced by
``first + mix64(seed + (pos + 1) * GAMMA) >> 11 mod size`` of its class). The in-place
mixing it uses is the engine's, tested in ``test_text_kernels``."""

from __future__ import annotations

import numpy as np
import polars as pl

from fauxdata.engine.rng import mix64
from fauxdata.mask.hashing import keyed_hash, substitute_classes

GAMMA = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1


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
