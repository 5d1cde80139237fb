"""Free-text de-identification: measured on the labelled evaluation set, and its fakes."""

from __future__ import annotations

import ipaddress
import json
import random
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fauxdata.generators.mock import mod97
from fauxdata.generators.national_id import bsn_valid
from fauxdata.pii.patterns import luhn, ssn
from fauxdata.text import deidentify, find_spans
from fauxdata.text.detect import _is_ip
from tests.support.deid_evalset import OUT, build, build_held_out

STRUCTURED = ("email", "phone", "iban", "credit_card", "national_id", "ip")
TARGET_STRUCTURED_RECALL = 0.98
TARGET_PERSON_RECALL = 0.90
TARGET_PRECISION = 0.90


def _rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines()]


def evaluate(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Recall per type (a planted entity counts when a span of its type covers it) and
    precision per type (a span counts when it overlaps a planted entity of its type;
    spans on distractors and elsewhere are false positives)."""
    found: dict[int, list[Any]] = defaultdict(list)
    for lang, locale in (("en", "en_US"), ("nl", "nl_NL")):
        subset = [r for r in rows if r["lang"] == lang]
        for span in find_spans([r["text"] for r in subset], locale=locale):
            found[subset[span.row]["id"]].append(span)
    hits, planted, correct, detected = Counter(), Counter(), Counter(), Counter()
    for r in rows:
        spans = found[r["id"]]
        for e in r["entities"]:
            planted[e["type"]] += 1
            hits[e["type"]] += any(
                s.entity == e["type"] and s.start <= e["start"] and s.end >= e["end"] for s in spans
            )
        for s in spans:
            detected[s.entity] += 1
            correct[s.entity] += any(
                s.entity == e["type"] and s.start < e["end"] and e["start"] < s.end
                for e in r["entities"]
            )
    figures = {
        t: {
            "recall": hits[t] / planted[t],
            "precision": correct[t] / detected[t] if detected[t] else 1.0,
            "planted": planted[t],
        }
        for t in planted
    }
    figures["overall"] = {
        "recall": sum(hits.values()) / sum(planted.values()),
        "precision": sum(correct.values()) / sum(detected.values()),
        "planted": sum(planted.values()),
    }
    return figures


def test_the_evaluation_set_is_large_labelled_and_reproducible() -> None:
    rows = _rows()
    assert len(rows) >= 2000
    assert {r["lang"] for r in rows} == {"en", "nl"}
    assert {r["kind"] for r in rows} == {"note", "ticket", "email"}
    kinds = Counter(e["type"] for r in rows for e in r["entities"])
    assert set(kinds) == {*STRUCTURED, "person", "url", "address", "date_of_birth"}
    assert sum(len(r["distractors"]) for r in rows) > 1000
    for r in rows[:200]:
        for e in r["entities"]:
            assert r["text"][e["start"] : e["end"]].strip()
    # The file is what the documented builder makes (Faker is pinned).
    assert build() == rows


def test_detection_meets_its_targets_on_the_evaluation_set() -> None:
    figures = evaluate(_rows())
    for entity in STRUCTURED:
        assert figures[entity]["recall"] >= TARGET_STRUCTURED_RECALL, (entity, figures[entity])
    assert figures["person"]["recall"] >= TARGET_PERSON_RECALL, figures["person"]
    assert figures["overall"]["precision"] >= TARGET_PRECISION, figures["overall"]


def test_detection_meets_its_targets_on_held_out_templates() -> None:
    """Templates written after the detector was tuned, never tuned on."""
    figures = evaluate(build_held_out())
    for entity in STRUCTURED:
        assert figures[entity]["recall"] >= TARGET_STRUCTURED_RECALL, (entity, figures[entity])
    assert figures["person"]["recall"] >= TARGET_PERSON_RECALL, figures["person"]
    assert figures["overall"]["precision"] >= TARGET_PRECISION, figures["overall"]


def test_distractors_are_left_alone() -> None:
    text = [
        "Order #555-201-7788 shipped. Invoice 123456782 is paid. Version 10.2.3.4 is out.",
        "Will the refund arrive? May we close this? Mark it done. Hope this helps.",
        "Bestelling 0612345678 verzonden; versie 1.4.1.39 werkt niet op toestel PN 0483-9622.",
    ]
    assert find_spans(text[:2], locale="en_US") == []
    assert find_spans(text[2:], locale="nl_NL") == []


def test_replace_is_consistent_keyed_and_keeps_the_rest_of_the_text() -> None:
    texts = [
        "Mail jan.jansen@gmail.com or call +31 6 12345678.",
        "Second note: jan.jansen@gmail.com again.",
        None,
    ]
    one = deidentify(texts, key=b"k1", locale="nl_NL")
    again = deidentify(texts, key=b"k1", locale="nl_NL")
    other = deidentify(texts, key=b"k2", locale="nl_NL")
    assert one.texts.to_list() == again.texts.to_list()
    assert one.texts.to_list() != other.texts.to_list()
    first, second, missing = one.texts.to_list()
    assert missing is None
    fake = re.search(r"\S+@\S+\.\w+", first).group(0)  # type: ignore[union-attr]
    assert fake in second and "jan.jansen" not in first + second
    assert first.startswith("Mail ") and second.startswith("Second note: ")
    assert one.counts == Counter({"email": 2, "phone": 1})


def test_annotate_and_redact() -> None:
    text = ["Dear Mr. Jansen, your IBAN NL91 ABNA 0417 1643 00 is on file."]
    assert deidentify(text, action="annotate").texts[0] == (
        "Dear Mr. [PERSON], your IBAN [IBAN] is on file."
    )
    assert deidentify(text, action="redact").texts[0] == (
        "Dear Mr. [REDACTED], your IBAN [REDACTED] is on file."
    )


def test_every_planted_identifier_is_gone_after_replace() -> None:
    rows = _rows()[:600]
    for lang, locale in (("en", "en_US"), ("nl", "nl_NL")):
        subset = [r for r in rows if r["lang"] == lang]
        masked = deidentify([r["text"] for r in subset], key=b"secret", locale=locale)
        leaked = []
        for r, out in zip(subset, masked.texts.to_list(), strict=True):
            for e in r["entities"]:
                if e["type"] in STRUCTURED and r["text"][e["start"] : e["end"]] in out:
                    leaked.append(r["text"][e["start"] : e["end"]])
        planted = sum(1 for r in subset for e in r["entities"] if e["type"] in STRUCTURED)
        assert len(leaked) <= 0.02 * planted, leaked[:10]


def test_fakes_keep_the_format_and_validity_of_what_they_replace() -> None:
    text = [
        "IBAN NL91ABNA0417164300, card 4111 1111 1111 1111, BSN 111222333, "
        "SSN 123-45-6789, phone +31 20 123 4567, ip 192.168.1.20."
    ]
    spans = {s.entity: s.text for s in find_spans(text)}
    out = deidentify(text, key=b"k").texts[0]
    fakes = {s.entity: s.text for s in find_spans([out])}
    iban = fakes["iban"]
    assert iban[:2] == "NL" and len(iban) == len(spans["iban"])
    assert mod97(pl.Series([iban[4:] + iban[:4]]))[0] == 1
    card = fakes["credit_card"]
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", card) and card[0] == "4"
    assert luhn(pl.Series([card.replace(" ", "")]))[0]
    national = [s.text for s in find_spans([out]) if s.entity == "national_id"]
    assert any(bsn_valid(pl.Series([n]))[0] for n in national)
    assert any(ssn(pl.Series([n]))[0] for n in national if "-" in n)
    assert fakes["phone"].startswith("+31 ") and len(fakes["phone"]) == len(spans["phone"])
    assert fakes["ip"] != spans["ip"]


def test_unknown_entity_or_action_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown entity types: passport"):
        find_spans(["x"], entities=["passport"])
    with pytest.raises(ValueError, match="unknown action"):
        deidentify(["x"], action="shred")  # type: ignore[arg-type]


def test_readme_reports_the_measured_figures() -> None:
    """README's table is the evaluation's output (rounded), so it cannot drift."""
    figures = evaluate(_rows())
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for entity in (*STRUCTURED, "person"):
        line = next(row for row in readme.splitlines() if row.startswith(f"| {entity} |"))
        assert f"{figures[entity]['recall']:.3f}" in line, (entity, line)


def test_the_ip_check_is_ipaddress() -> None:
    """Dotted quads read without ``ipaddress`` get its answer: octets past 255, leading
    zeros, too many digits, other scripts' digits, IPv6."""
    rng = random.Random(3)
    octets = ["0", "00", "01", "7", "10", "99", "100", "199", "255", "256", "300", "999", "1000"]
    texts = [
        ".".join(rng.choice(octets) for _ in range(rng.choice([3, 4, 4, 4, 5])))
        for _ in range(5000)
    ]
    texts += ["١.٢.٣.٤", "1.2.3.4/8", "::1", "2001:db8::7", "1.2.3.", ".1.2.3", "1..2.3"]
    for text in texts:
        try:
            ipaddress.ip_address(text)
            expected = True
        except ValueError:
            expected = False
        assert _is_ip(text) == expected, text
    assert sum(map(_is_ip, texts)) > 200
