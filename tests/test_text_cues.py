"""The order-word and id-word cues are read backwards from a candidate for speed; they
must say exactly what the forward patterns they replaced say, on every prefix."""

from __future__ import annotations

import json
import random
import re

from fauxdata.text.detect import _ID_CUE_BACKWARDS, _NOT_A_PHONE_BACKWARDS
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
