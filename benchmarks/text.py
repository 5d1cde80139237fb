"""Free text and JSON: how fast identifiers are found and replaced, and JSON rules applied.

    python benchmarks/run.py --only text

Measured, each in its own process by ``run.py``:
  text-deid   free-text de-identification (``replace``, every entity type) of short notes:
              the evaluation set's 2,100 English and Dutch texts repeated to the row count
              (each distinct text is cleaned once, so this measures repeated notes)
  text-distinct  the same over notes that are all different: half English, half Dutch,
              made by the ``free_text`` generator with every entity type, cleaned on one
              worker process per core
  text-distinct-1  the same in this process alone: the single-core rate
  json-mask   three JSONPath rules (an email, every item's SKU, a recursive descent)
              over order documents made by the ``json`` generator, on one worker
              process per core (the masks themselves run in this process)
  json-mask-1 the same in this process alone: the single-core rate
  json-gen    the ``json`` generator itself: order documents from a JSON Schema, in memory
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
EVALSET = ROOT / "tests" / "data" / "deid_eval.jsonl"
SCHEMA = ROOT / "tests" / "data" / "order_payload.schema.json"


def _texts(rows: int) -> dict[str, pl.Series]:
    by_lang: dict[str, list[str]] = {"en": [], "nl": []}
    for line in EVALSET.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        by_lang[record["lang"]].append(record["text"])
    return {
        lang: pl.Series((texts * (rows // len(texts) + 1))[: rows // 2])
        for lang, texts in by_lang.items()
    }


def _deidentify_timed(columns: dict[str, pl.Series], workers: int | None = None) -> dict[str, Any]:
    """De-identify each language's column after a warm-up (word lists and automata
    built, worker processes started: on other notes, so no cache holds the measured
    ones), timing wall clock and CPU over the columns alone. CPU time counts the worker
    processes too."""
    from fauxdata.text import deidentify
    from fauxdata.text.workers import PARALLEL_MIN

    deidentify(_texts(100)["en"], key=b"bench")
    started = time.perf_counter()
    if workers != 1:
        warm = _distinct_texts(4 * PARALLEL_MIN, seed=2)
        for lang, column in warm.items():
            deidentify(column, key=b"bench", locale="en_US" if lang == "en" else "nl_NL")
    warm_up = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time() + _children_cpu()
    replaced = 0
    for lang, column in columns.items():
        locale = "en_US" if lang == "en" else "nl_NL"
        result = deidentify(column, key=b"bench", locale=locale, workers=workers)
        replaced += result.total
    seconds = time.perf_counter() - started
    cpu = time.process_time() + _children_cpu() - cpu
    n = sum(c.len() for c in columns.values())
    return {
        "rows": n,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "replaced": replaced,
        "warm_up_seconds": warm_up,
    }


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's live children: the text workers.
    ``process_time`` counts this process alone, and ``RUSAGE_CHILDREN`` only children
    that have ended."""
    import os

    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for task in Path("/proc/self/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:  # a thread that ended since the listing
            continue
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def measure_text_deid(rows: int) -> dict[str, Any]:
    return _deidentify_timed(_texts(rows))


def _distinct_texts(rows: int, seed: int = 1) -> dict[str, pl.Series]:
    import fauxdata

    entities = (
        "[person, email, phone, iban, credit_card, national_id, ip, url, address, date_of_birth]"
    )
    columns = "".join(
        f"      {lang}: {{generator: {{kind: free_text, style: mixed, locale: {locale}, "
        f"entities: {entities}}}}}\n"
        for lang, locale in (("en", "en_US"), ("nl", "nl_NL"))
    )
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "notes.yaml"
        spec.write_text(
            f"name: notes\nseed: {seed}\ntables:\n  notes:\n    rows: {rows // 2}\n"
            f"    columns:\n{columns}"
        )
        frame = fauxdata.generate(spec, verify_output=False).frames["notes"]
    return {"en": frame["en"], "nl": frame["nl"]}


def measure_text_distinct(rows: int) -> dict[str, Any]:
    columns = _distinct_texts(rows)
    distinct = sum(c.n_unique() for c in columns.values())
    return {**_deidentify_timed(columns), "distinct": distinct}


def measure_text_distinct_serial(rows: int) -> dict[str, Any]:
    columns = _distinct_texts(rows)
    distinct = sum(c.n_unique() for c in columns.values())
    return {**_deidentify_timed(columns, workers=1), "distinct": distinct}


def _documents(rows: int) -> pl.Series:
    import fauxdata

    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "events.yaml"
        (Path(folder) / "order.schema.json").write_text(SCHEMA.read_text())
        spec.write_text(
            f"name: events\nseed: 1\ntables:\n  events:\n    rows: {rows}\n    columns:\n"
            "      body: {generator: {kind: json, schema_file: order.schema.json}}\n"
        )
        return fauxdata.generate(spec, verify_output=False).frames["events"]["body"]


def _json_mask_timed(rows: int, workers: int | None) -> dict[str, Any]:
    """Mask the documents after a warm-up (workers started, paths compiled); CPU
    time counts the worker processes too."""
    from fauxdata.text.jsonmask import SPREAD_MIN, mask_json, rule

    documents = _documents(rows)
    star = lambda s, rows: pl.Series(["***"] * s.len())  # noqa: E731
    rules = [
        rule("$.customer.email", star),
        rule("$.items[*].sku", star),
        rule("$..ip", star),
    ]
    mask_json(documents.tail(SPREAD_MIN).reverse(), rules, workers=workers)
    _settled(workers)
    started, cpu = time.perf_counter(), time.process_time() + _children_cpu()
    result = mask_json(documents, rules, workers=workers)
    seconds = time.perf_counter() - started
    _settled(workers)  # the workers' own CPU counts in full, after the wall clock
    cpu = time.process_time() + _children_cpu() - cpu
    replaced = sum(result.replaced.values())
    return {"rows": documents.len(), "seconds": seconds, "cpu_seconds": cpu, "replaced": replaced}


def _settled(workers: int | None) -> None:
    """Wait until every worker has done what it left for after its last answer
    (``workers.after_answer``: a masked slice is freed once the caller has it), by
    handing each one a call that does nothing."""
    from fauxdata.text.workers import default_workers, reserved

    count = default_workers() if workers is None else workers
    if count > 1:
        with reserved(count) as crew:
            crew.each(len, [((),)] * count)


def measure_json_mask(rows: int) -> dict[str, Any]:
    return _json_mask_timed(rows, None)


def measure_json_mask_serial(rows: int) -> dict[str, Any]:
    return _json_mask_timed(rows, 1)


def measure_json_gen(rows: int) -> dict[str, Any]:
    _documents(100)  # imports, schema conversion and regex compilation out of the timing
    started, cpu = time.perf_counter(), time.process_time()
    documents = _documents(rows)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"rows": documents.len(), "seconds": seconds, "cpu_seconds": cpu}


MEASURES = {
    "text-deid": measure_text_deid,
    "text-distinct": measure_text_distinct,
    "text-distinct-1": measure_text_distinct_serial,
    "json-mask": measure_json_mask,
    "json-mask-1": measure_json_mask_serial,
    "json-gen": measure_json_gen,
}


def report_text(runs: list[dict[str, Any]]) -> None:
    """Rows per second of wall clock against the issue's targets, and per second of
    the process's CPU time (Polars threads included), which load on a shared machine
    moves less."""
    targets = {
        "text-deid": 50_000,
        "text-distinct": 50_000,
        "text-distinct-1": 50_000,
        "json-mask": 100_000,
        "json-mask-1": 100_000,
        "json-gen": None,
    }
    print("\nfree text and JSON:")
    for run in runs:
        target = targets.get(run["name"])
        goal = f"  (target {target:,}/s: {run['rows_per_s'] / target:.2f}x)" if target else ""
        cpu = run["rows"] / run["cpu_seconds"]  # the process's own CPU time: on a shared
        print(  # machine the wall-clock rate depends on what else runs
            f"  {run['name']:<13} {run['rows_per_s']:>10,.0f} rows/s{goal}; "
            f"per CPU second {cpu:,.0f}"
        )
