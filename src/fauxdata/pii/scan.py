"""Scan a source schema or a data frame: one finding per column that holds PII.

The name says what a column is meant to hold, the values what it holds. Each column
gets one verdict from both:

* name and values agree: a ``name+value`` finding, more confident than either;
* the values show a PII shape by themselves (IBANs under ``ref``): a ``value`` finding,
  whatever the name said;
* the values contradict the name: a weak name hit is dropped (``state`` holding
  ``ACTIVE``), a strong one is kept with a low confidence (the values may be masked);
* no values, or values that neither confirm nor contradict: the name's finding.

A name hit is also dropped when the column's type cannot hold the category (a boolean
``email_verified`` never reaches the values).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import polars as pl

from fauxdata.introspect.model import SourceColumn, SourceSchema
from fauxdata.pii.categories import Basis, Finding, related, type_allows
from fauxdata.pii.names import STRONG, NameHit, match_name
from fauxdata.pii.values import Sample, ValueHit, confirm, detect, prepare

MIN_CONFIDENCE = 0.3
"""Findings below this are not reported."""
IMPERSONAL = 0.6
"""At most this confident about a column of a table about things (an office's city)."""
FRAME_SAMPLE = 10_000
"""Rows of a file the value checks read (a seeded random sample of larger files)."""


def _both(a: float, b: float) -> float:
    """Two independent pieces of evidence: 1 - (1 - a)(1 - b), never certainty."""
    return min(0.99, 1 - (1 - a) * (1 - b))


def _finding(
    table: str,
    column: str,
    category: str,
    evidence: str,
    confidence: float,
    basis: Basis,
    variant: str | None,
) -> Finding | None:
    if confidence < MIN_CONFIDENCE:
        return None
    return Finding(table, column, category, evidence, round(confidence, 3), basis, variant)


def judge(
    table: str,
    column: str,
    column_type: str | None = None,
    values: Sequence[Any] | pl.Series | None = None,
    *,
    source: str = "sampled values",
) -> Finding | None:
    """The finding for one column from its name, its type and (optionally) its values.

    ``source`` names where the values came from in the evidence (sampled values, or an
    enum's labels); the values themselves never appear in it.
    """
    named: NameHit | None = match_name(table, column)
    if named is not None and not type_allows(named.category, column_type):
        named = None
    cached = _labels(values) if isinstance(values, tuple) else None
    sample = cached[0] if cached else (prepare(values) if values is not None else None)
    if sample is None:
        if named is None:
            return None
        return _finding(
            table, column, named.category, named.evidence, named.confidence, "name", named.variant
        )

    checked: ValueHit | None = confirm(named.category, sample, named.variant) if named else None
    if named and checked and checked.agrees() and related(checked.category, named.category):
        evidence = f"{named.evidence}; {_source(checked.evidence, source)}"
        confidence = _both(named.confidence, checked.confidence)
        if named.impersonal:
            confidence = min(confidence, IMPERSONAL)
        variant = checked.variant or named.variant
        return _finding(
            table, column, checked.category, evidence, confidence, "name+value", variant
        )

    shown = cached[1] if cached else detect(sample)
    if shown is not None and type_allows(shown.category, column_type):
        evidence = _source(shown.evidence, source)
        if named is not None:
            evidence += f"; the name suggested {named.category}"
        return _finding(
            table, column, shown.category, evidence, shown.confidence, "value", shown.variant
        )

    if named is None:
        return None
    if checked is None or not checked.disagrees():
        return _finding(
            table, column, named.category, named.evidence, named.confidence, "name", named.variant
        )
    if named.confidence >= STRONG:  # masked or placeholder values under a clear name
        evidence = f"{named.evidence}; {_source('sampled values', source)} do not confirm it"
        return _finding(table, column, named.category, evidence, 0.5, "name", named.variant)
    return None


@lru_cache(maxsize=1024)
def _labels(labels: tuple[str, ...]) -> tuple[Sample | None, ValueHit | None]:
    """An enum's labels prepared and read once: a schema shares an enum over many columns."""
    sample = prepare(list(labels))
    return sample, (detect(sample) if sample is not None else None)


def _source(evidence: str, source: str) -> str:
    return evidence.replace("sampled values", source)


def _type(column: SourceColumn) -> str:
    if column.length is not None:
        return f"{column.type}({column.length})"
    return column.type


def scan_schema(
    schema: SourceSchema,
    samples: Mapping[str, Mapping[str, Sequence[Any]]] | None = None,
) -> list[Finding]:
    """Findings for every column of an introspected source, in schema order.

    Names are always checked. Values only where ``samples[table][column]`` is given;
    they are read in memory and never stored or repeated in a finding. Without a sample,
    an enum column's labels serve as its values (they are part of the schema, not data).
    """
    findings: list[Finding] = []
    for table_name, table in schema.tables.items():
        table_samples = (samples or {}).get(table_name, {})
        for column_name, column in table.columns.items():
            values: Sequence[Any] | None = table_samples.get(column_name)
            source = "sampled values"
            if values is None and column.labels:
                values, source = tuple(column.labels), "enum labels"
            found = judge(table_name, column_name, _type(column), values, source=source)
            if found is not None:
                findings.append(found)
    return findings


def scan_frame(frame: pl.DataFrame, table: str) -> list[Finding]:
    """Findings for the columns of a data frame read from a file (CSV, Parquet, ...).

    Names and values both count; files larger than ``FRAME_SAMPLE`` rows are checked
    on a seeded random sample of that many rows, so a scan is repeatable.
    """
    if frame.height > FRAME_SAMPLE:
        frame = frame.sample(FRAME_SAMPLE, seed=0)
    findings: list[Finding] = []
    for name, dtype in frame.schema.items():
        found = judge(table, name, str(dtype), frame.get_column(name))
        if found is not None:
            findings.append(found)
    return findings
