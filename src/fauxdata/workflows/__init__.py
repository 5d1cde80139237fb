"""The workflows, as library functions with typed options and results.

The CLI (``fauxdata.cli``) and the REST service (``fauxdata.service``) are two thin faces
over these: they parse options, ask through a ``Dialogue`` and show what comes back.
Progress is a stream of ``ProgressEvent`` each face renders (Rich bars, job progress).

    from fauxdata.workflows import InitOptions, init
    made = init(InitOptions(Path("specs/hr.yaml"), source="env:HR_URL"))
"""

from fauxdata.workflows.events import Dialogue, ProgressEvent, TableView
from fauxdata.workflows.generation import GenerateOptions, ScenarioReplay, generate
from fauxdata.workflows.initialise import InitOptions, InitResult, init
from fauxdata.workflows.mocking import MockOptions, MockResult, mock
from fauxdata.workflows.previewing import PreviewResult, preview
from fauxdata.workflows.scanning import ScanOptions, ScanResult, list_templates, scan
from fauxdata.workflows.synthesis import (
    FitSeedOptions,
    FitSeedResult,
    SynthesizeOptions,
    SynthesizeResult,
    fit_seed,
    synthesize,
)

__all__ = [
    "Dialogue",
    "FitSeedOptions",
    "FitSeedResult",
    "GenerateOptions",
    "InitOptions",
    "InitResult",
    "MockOptions",
    "MockResult",
    "PreviewResult",
    "ProgressEvent",
    "ScanOptions",
    "ScanResult",
    "ScenarioReplay",
    "SynthesizeOptions",
    "SynthesizeResult",
    "TableView",
    "fit_seed",
    "generate",
    "init",
    "list_templates",
    "mock",
    "preview",
    "scan",
    "synthesize",
]
