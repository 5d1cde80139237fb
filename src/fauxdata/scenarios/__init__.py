"""Scenario packs: a seeded, vectorized retail simulation (customers, orders, touches,
loyalty, attribution) under named parameter sets, with a statistical QA suite.

    from fauxdata.scenarios import load_scenario, simulate, run_qa
    scenario = load_scenario("heavy-promotion-month", sets=["promo.lift=3"])
    tables = simulate(scenario)
    assert run_qa(scenario, tables).passed
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fauxdata.scenarios.params import PACKS, Scenario, load_scenario
from fauxdata.scenarios.qa import Report, Result, run_qa
from fauxdata.scenarios.simulate import Tables, simulate


def run_scenario(
    name: str,
    to: str,
    *,
    sets: list[str] | None = None,
    files: list[Path] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Load a pack with its overrides, simulate it and write it; returns the manifest.

    Raises:
        FauxdataError: unknown pack, invalid overrides or an unwritable target.
    """
    from fauxdata.scenarios.output import write_scenario

    scenario = load_scenario(name, sets=sets, files=files, extra=extra)
    return write_scenario(scenario, to)


def qa_output(
    data: str, *, expectations_from: str | None = None, report: Path | None = None
) -> tuple[Report, Path | None]:
    """QA written output against the parameters in its manifest; optionally an HTML report.

    ``expectations_from`` swaps in another pack's expectations (the data's parameters stay
    as recorded), e.g. to show baseline data fails the heavy-promotion checks.
    """
    from fauxdata.scenarios.output import open_output
    from fauxdata.scenarios.params import pack_document, validate

    out = open_output(data)
    try:
        scenario = out.scenario
        if expectations_from is not None and expectations_from != scenario.name:
            doc = scenario.model_dump(mode="json")
            qa = dict(pack_document("baseline")["qa"])
            if expectations_from != "baseline":
                qa.update(pack_document(expectations_from).get("qa") or {})
            scenario = validate({**doc, "qa": qa, "name": expectations_from})
        tables = out.tables()
    finally:
        out.close()
    result = run_qa(scenario, tables)
    written = None
    if report is not None:
        from fauxdata.scenarios.report import write_report

        written = write_report(report, scenario, tables, result)
    return result, written


__all__ = [
    "PACKS",
    "Report",
    "Result",
    "Scenario",
    "Tables",
    "load_scenario",
    "qa_output",
    "run_qa",
    "run_scenario",
    "simulate",
]
