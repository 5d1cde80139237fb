"""Sinks write finished blocks; they never decide a value."""

from fauxdata.sinks.base import Sink
from fauxdata.sinks.duckdb_sink import DuckDBSink
from fauxdata.sinks.files import DirectorySink
from fauxdata.sinks.target import Target, parse_target
from fauxdata.spec.plan import Plan


def open_sink(
    target: Target,
    plan: Plan | None = None,
    *,
    truncate: bool = False,
    atomic: bool = False,
    bronze_source: str | None = None,
) -> Sink:
    """The sink for a target's format; Delta tables are named after ``bronze_source``
    (default: the spec's name)."""
    if target.is_database:
        from fauxdata.sinks.database import DatabaseSink

        assert plan is not None, "a database sink needs the plan"
        return DatabaseSink(target, plan, truncate=truncate, atomic=atomic)
    if target.format == "delta":
        from fauxdata.sinks.delta import DeltaSink

        source = bronze_source or (plan.spec.name if plan is not None else "fauxdata")
        return DeltaSink(target, source)
    if target.format == "duckdb":
        return DuckDBSink(target)
    return DirectorySink(target)


__all__ = ["DirectorySink", "DuckDBSink", "Sink", "Target", "open_sink", "parse_target"]
