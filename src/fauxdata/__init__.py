"""fauxdata: safe, realistic, relational mock data from a declarative spec."""

from fauxdata.errors import FauxdataError, GenerationError, SpecError, TargetError
from fauxdata.run import RunResult, check, generate, replay
from fauxdata.spec import Spec, load_spec
from fauxdata.spec.resolve import Plan, resolve

__version__ = "0.1.0"

__all__ = [
    "FauxdataError",
    "GenerationError",
    "Plan",
    "RunResult",
    "Spec",
    "SpecError",
    "TargetError",
    "check",
    "generate",
    "load_spec",
    "replay",
    "resolve",
]
