"""Sinks write finished blocks; they never decide a value."""

from fauxdata.sinks.base import Sink
from fauxdata.sinks.duckdb_sink import DuckDBSink
from fauxdata.sinks.files import DirectorySink
from fauxdata.sinks.target import Target, as_target, parse_target
from fauxdata.spec.plan import Plan


def open_sink(
    target: Target,
    plan: Plan | None = None,
    *,
    truncate: bool = False,
    atomic: bool = False,
    bronze_source: str | None = None,
    lineage: dict[str, str] | None = None,
    since: dict[str, tuple[str, int]] | None = None,
    create_tables: bool = False,
) -> Sink:
    """The sink for a target's format; Delta tables are named after ``bronze_source``
    (default: the spec's name). ``since`` appends to database tables (``sinks.append``);
    ``create_tables`` creates the ones a database lacks.
    ``lineage`` marks (default: a generate run of the plan's
    spec) go into the output where its format keeps them."""
    sink = _sink(target, plan, truncate, atomic, bronze_source, since, create_tables)
    if lineage is None and plan is not None:
        from fauxdata.lineage import marks
        from fauxdata.manifest import spec_digest

        lineage = marks(
            spec_name=plan.spec.name, spec_digest=spec_digest(plan.spec), seed=plan.seed
        )
    sink.lineage = dict(lineage or {})
    return sink


def _sink(
    target: Target,
    plan: Plan | None,
    truncate: bool,
    atomic: bool,
    bronze_source: str | None,
    since: dict[str, tuple[str, int]] | None,
    create_tables: bool,
) -> Sink:
    if target.is_database:
        from fauxdata.sinks.database import DatabaseSink

        assert plan is not None, "a database sink needs the plan"
        return DatabaseSink(
            target, plan, truncate=truncate, atomic=atomic, since=since, create_tables=create_tables
        )
    if target.format == "delta":
        from fauxdata.sinks.delta import DeltaSink

        source = bronze_source or (plan.spec.name if plan is not None else "fauxdata")
        return DeltaSink(target, source)
    if target.format == "duckdb":
        return DuckDBSink(target)
    return DirectorySink(target)


__all__ = [
    "DirectorySink",
    "DuckDBSink",
    "Sink",
    "Target",
    "as_target",
    "open_sink",
    "parse_target",
]
