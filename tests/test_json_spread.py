"""JSON rule masking on worker processes: the same documents, counts and fallbacks as
in one process, values back in their own rows, and workers that survive a failing
mask and a free-text mask that wants them too."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest

import fauxdata
from fauxdata.text import deidentify
from fauxdata.text.jsonmask import SPREAD_MIN, JsonMaskResult, mask_json, rule
from fauxdata.text.workers import PARALLEL_MIN

SCHEMA = Path(__file__).parent / "data" / "order_payload.schema.json"


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> pl.Series:
    """Order documents from the JSON Schema, a few of them NULL, not JSON, written
    with spaces (as PostgreSQL prints jsonb), or holding a number or an object where
    the others hold a string."""
    folder = tmp_path_factory.mktemp("orders")
    (folder / "order.schema.json").write_text(SCHEMA.read_text())
    spec = folder / "events.yaml"
    spec.write_text(
        f"name: events\nseed: 5\ntables:\n  events:\n    rows: {SPREAD_MIN + 3_000}\n"
        "    columns:\n      body: {generator: {kind: json, schema_file: order.schema.json}}\n"
    )
    texts: list[str | None] = (
        fauxdata.generate(spec, verify_output=False).frames["events"]["body"].to_list()
    )
    for i in range(0, len(texts), 97):
        document = json.loads(texts[i] or "{}")
        shape = (i // 97) % 5
        if shape == 0:
            texts[i] = None
        elif shape == 1:
            texts[i] = "{not json"
        elif shape == 2:
            texts[i] = json.dumps(document)
        else:
            document.setdefault("customer", {})["email"] = (
                12345 if shape == 3 else {"ip": "10.0.0.1", "email": "a@b.nl"}
            )
            texts[i] = json.dumps(document, separators=(",", ":"))
    return pl.Series("body", texts)


def _tagged(values: pl.Series, rows: npt.NDArray[np.int64]) -> pl.Series:
    """Each value with the row it came from: a value put back in another row shows."""
    return pl.Series([f"{v}#{r}" for v, r in zip(values.cast(pl.String), rows, strict=True)])


RULES = [
    rule("$.customer.email", _tagged, ["string", "number", "object"]),
    rule("$.items[*].sku", _tagged),
    rule("$..ip", _tagged),
    rule("$..*", _tagged, ["number"]),
]


def _same(a: JsonMaskResult, b: JsonMaskResult) -> None:
    assert a.values.to_list() == b.values.to_list()
    assert a.replaced == b.replaced and a.invalid == b.invalid


def test_workers_give_the_same_documents_as_one_process(documents: pl.Series) -> None:
    for fallback in ("passthrough", "redact"):
        alone = mask_json(documents, RULES, fallback=fallback, workers=1)
        spread = mask_json(documents, RULES, fallback=fallback, workers=2)
        _same(alone, spread)
        assert spread.values.name == "body"
        assert spread.invalid == documents.str.starts_with("{not").sum() > 0
    masked = spread.values.to_list()
    emails = 0
    for row, text in enumerate(masked):
        if text is None or not text.startswith("{"):
            continue
        email = json.loads(text).get("customer", {}).get("email")
        if isinstance(email, str):
            assert email.endswith(f"#{row}")  # the mask's answer came back to its row
            emails += 1
    assert emails > SPREAD_MIN
    assert spread.replaced["$.items[*].sku"] > documents.len()


def test_a_failing_mask_leaves_the_workers_usable(documents: pl.Series) -> None:
    def broken(values: pl.Series, rows: npt.NDArray[np.int64]) -> pl.Series:
        raise ValueError("this mask refuses")

    with pytest.raises(ValueError, match="this mask refuses"):
        mask_json(documents, [RULES[0], rule("$.items[*].sku", broken)], workers=2)
    _same(mask_json(documents, RULES[:2], workers=1), mask_json(documents, RULES[:2], workers=2))


def test_a_free_text_mask_inside_a_rule_runs_while_the_workers_are_held(
    documents: pl.Series,
) -> None:
    """The rule's mask cleans its values with ``deidentify``, which would use the
    workers this call holds: it must run in this process instead of waiting."""

    def cleaned(values: pl.Series, rows: npt.NDArray[np.int64]) -> pl.Series:
        assert values.n_unique() >= PARALLEL_MIN  # enough to go to the workers
        return deidentify(values, key=b"k", workers=2).texts

    emails = [rule("$.customer.email", cleaned, ["string"])]
    done: list[JsonMaskResult] = []
    thread = threading.Thread(target=lambda: done.append(mask_json(documents, emails, workers=2)))
    thread.start()
    thread.join(timeout=300)
    assert not thread.is_alive(), "masking waited for the workers it holds"
    _same(done[0], mask_json(documents, emails, workers=1))
    assert done[0].replaced["$.customer.email"] > SPREAD_MIN
