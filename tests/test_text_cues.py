"""The order-word and id-word cues are read backwards from a candidate for speed; they
must say exactly what the forward patterns they replaced say, on every prefix."""

from __future__ import annotations

import json
import random
import re

from fauxdata.text.detect import _ID_CUE_BACKWARDS, _NOT_A_PHONE_BACKWARDS, _trie
from fauxdata.text.vocabulary import STRONG_CUES, VERB_CUES
from tests.support.deid_evalset import OUT

NOT_A_PHONE = re.compile(
    r"(?i)(?:order|ord|ref|reference|invoice|inv|ticket|case|tracking|track|sku|item|part|"
    r"product|serial|po|pn|account|acct|contract|policy|batch|lot|model|version|build|"
    r"bestelling|bestel|factuur|zending|referentie|dossier|klantnummer|artikel|"
    r"ordernummer|nummer|number|no|nr|id|#|code)[\s.:#\-]*(?:n(?:o|r|umber|ummer)\.?)?[\s.:#\-]*$"
)
ID_CUE = re.compile(
    r"(?i)(?:bsn|burgerservicenummer|sofi(?:nummer)?|ssn|social[ ]security(?:[ ]number)?|"
    r"national[ ]id|id[ ]?number|tin|identificatienummer)\b[\s.:#\-]*(?:number|nr|no)?[\s.:#\-]*$"
)
"""The forward patterns, as they were (``search`` on the 40 characters before)."""


def _befores() -> list[str]:
    texts = [json.loads(line)["text"] for line in OUT.read_text(encoding="utf-8").splitlines()]
    out = [t[max(0, i - 40) : i] for t in texts for i in range(len(t)) if t[i].isdigit()]
    words = [
        "Order",
        "no.",
        "NR",
        "nummer",
        "id",
        "ID number",
        "Social Security Number",
        "#",
        "bsn",
        "sofinummer",
        "paid",
        "tin",
        "x",
        "\n",
        " ",
        ":",
        "-",
        ".",
        "ref",
        "Nr.",
    ]
    rng = random.Random(5)
    out += [
        "".join(rng.choice(words) + rng.choice(["", " ", ": ", "\n"]) for _ in range(4))
        for _ in range(20_000)
    ]
    return out


def test_backward_cues_equal_the_forward_patterns() -> None:
    befores = _befores()
    assert len(befores) > 40_000
    hits = ids = 0
    for before in befores:
        backwards = before[::-1]
        forward = bool(NOT_A_PHONE.search(before))
        assert bool(_NOT_A_PHONE_BACKWARDS.match(backwards)) == forward, before
        assert bool(_ID_CUE_BACKWARDS.match(backwards)) == bool(ID_CUE.search(before)), before
        hits += forward
        ids += bool(ID_CUE.search(before))
    assert hits > 1_000 and ids > 500, (hits, ids)


def test_cue_tries_match_as_the_plain_alternations() -> None:
    """A word list as a trie finds the same matches, with the same groups, as the plain
    alternation, wherever the engine must backtrack into a shorter word (a prefix word
    before, between and after its longer forms; the real cue and month lists)."""
    lists = [
        STRONG_CUES,
        VERB_CUES,
        "january|february|march|may|jan|mar|sep|sept|september|januari|maart",
        "best|beste|bedankt|beste heer|be|b",
        "beste|best|beste heer|b|be",
        "a|ab|abc|abd|ac|abc d|a b",
    ]
    rng = random.Random(11)
    for words in lists:
        pieces = [*words.split("|"), " ", "x", ",", "Anna", "e", "heer", "d", "\n"]
        texts = ["".join(rng.choice(pieces) for _ in range(8)) for _ in range(3_000)]
        for tail in (r"(?P<t>[ ,]?\w{0,3})\b", r"(?P<t>[ ]?[A-Z]\w*)", r"\b"):
            plain = re.compile(rf"(?i:\b(?:{words}){tail})")
            trie = re.compile(rf"(?i:\b(?:{_trie(words)}){tail})")
            for text in texts + [t.upper() for t in texts[:300]]:
                assert [m.span() + m.groups() for m in plain.finditer(text)] == [
                    m.span() + m.groups() for m in trie.finditer(text)
                ], (words, tail, text)
