"""One safe publisher for every producer of output.

``publish(sink, tables, verify=..., manifest_extra=...)`` stages the tables, digests
them, verifies them, builds the manifest and publishes atomically, or publishes nothing
and keeps the failed data aside. See ``publisher`` for the cycle, ``area`` for the
atomic swap and crash recovery, ``trust`` for what may be replaced.
"""

from fauxdata.publish.publisher import (
    Progress,
    Publication,
    Publisher,
    StagedTable,
    TableResult,
    Verifier,
    publish,
)
from fauxdata.publish.signals import Interrupted

__all__ = [
    "Interrupted",
    "Progress",
    "Publication",
    "Publisher",
    "StagedTable",
    "TableResult",
    "Verifier",
    "publish",
]
