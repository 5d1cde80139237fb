"""Sinks write finished blocks; they never decide a value."""

from fauxdata.sinks.base import Sink
from fauxdata.sinks.duckdb_sink import DuckDBSink
from fauxdata.sinks.files import DirectorySink
from fauxdata.sinks.target import Target, parse_target


def open_sink(target: Target) -> Sink:
    """The sink for a target's format."""
    if target.format == "duckdb":
        return DuckDBSink(target)
    return DirectorySink(target)


__all__ = ["DirectorySink", "DuckDBSink", "Sink", "Target", "open_sink", "parse_target"]
