"""Checks for relational rules: cardinality, hierarchies, temporal order, lookups, aggregates.

Each is SQL over the output that counts violating rows and shows a few examples, like
the integrity checks; the generators satisfy these by construction, so a failure here
means the data was changed after generation or fauxdata has a bug.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import duckdb

from fauxdata.sinks.duckdb_types import quote
from fauxdata.spec import generators as g
from fauxdata.spec.plan import Plan, ResolvedPer, ResolvedTable
from fauxdata.spec.relations import FixedCount, RangeCount, duration_seconds, split_dotted
from fauxdata.verify.chunks import CHUNK, chunked_sum, counted_by
from fauxdata.verify.context import Context, Relation
from fauxdata.verify.parents import PARENTS, merged_aggregates, merged_parents
from fauxdata.verify.result import Check, queried, violations


def relation_checks(ctx: Context) -> Iterator[Check]:
    """The relational checks of the context's table."""
    table, con, rel = ctx.table, ctx.con, ctx.rel
    out = table.output_name
    if table.per is not None:
        yield from _cardinality(ctx)
    row_rules = _row_rules(ctx) | _aggregates(ctx)
    for column in table.columns.values():
        gen = column.generator
        col = quote(column.name)
        where = f"{out}.{column.name}"
        match gen:
            case g.Hierarchy():
                count, examples, roots = _cycles(con, rel, quote(gen.column), col, table.rows)
                detail = (
                    f"{count} rows in or above a cycle"
                    if count
                    else (f"{roots} roots" if roots else "no root")
                )
                failed = bool(count) or (table.rows > 0 and not roots)
                yield Check(
                    f"Hierarchy {where}: acyclic",
                    "fail" if failed else "pass",
                    table.name,
                    detail,
                    count,
                    examples,
                )
            case g.After() | g.Lookup() | g.Aggregate() if column.name in row_rules:
                yield row_rules[column.name]


def _row_rules(ctx: Context) -> dict[str, Check]:
    """Temporal order ('after') and consistency ('lookup') of each row, per column.

    Rules that reach the same parent column share one scan: every rule's violations
    are counted side by side (``count(*) FILTER``) over one join, and only a failed
    rule runs again for its examples. On TPC-H lineitem the ship and commit dates
    joined orders once each; together they take one join instead of two.
    """
    plan, table, con, rel, relation = ctx.plan, ctx.table, ctx.con, ctx.rel, ctx.relation
    rules: dict[_Join | None, list[tuple[str, str, str, str]]] = {}  # (column, label, bad, what)
    reads: dict[_Join | None, set[str]] = {}  # the parent columns the rules compare with
    out = table.output_name
    for column in table.columns.values():
        gen = column.generator
        col = quote(column.name)
        where = f"{out}.{column.name}"
        if isinstance(gen, g.After):
            base, join = _base(plan, table, gen.column, relation)
            if base is None:
                continue
            low, high = duration_seconds(gen.min_delay), duration_seconds(gen.max_delay)
            bad = (
                f"c.{col} IS NOT NULL AND {base} IS NOT NULL AND "
                f"(epoch(c.{col}) < epoch({base}) + {low} - 86400 * {int(column.type.name == 'date')} OR epoch(c.{col}) > epoch({base}) + {high})"
            )
            label = f"Temporal order: {where} within [{gen.min_delay}, {gen.max_delay}] after {gen.column}"
            rules.setdefault(join, []).append((column.name, label, bad, "rows out of order"))
            reads.setdefault(join, set()).add(split_dotted(gen.column)[1])
        elif isinstance(gen, g.Lookup):
            base, join = _base(plan, table, gen.column, relation)
            if base is None:
                continue
            label = f"Consistency: {where} = {gen.column}"
            rules.setdefault(join, []).append(
                (column.name, label, f"c.{col} IS DISTINCT FROM {base}", "rows differ")
            )
            reads.setdefault(join, set()).add(split_dotted(gen.column)[1])
    checks: dict[str, Check] = {}
    for join, group in rules.items():
        joins = join.sql(join.parent) if join is not None else ""
        counted = ", ".join(f"count(*) FILTER (WHERE {bad})" for _, _, bad, _ in group)
        counts = _chunked_rules(con, rel, join, group, counted, sorted(reads.get(join, ())))
        if counts is None:
            counts = list(con.execute(f"SELECT {counted} FROM {rel} c {joins}").fetchone() or ())
        for (name, label, bad, what), count in zip(group, counts, strict=True):
            examples: list[object] = []
            if count:
                sql = f"SELECT c.{quote(name)} AS v FROM {rel} c {joins} WHERE {bad}"
                examples = violations(con, sql, "v")[1]
            checks[name] = Check.counted(label, table.name, int(count), examples, what)
    return checks


def _chunked_rules(
    con: duckdb.DuckDBPyConnection,
    rel: str,
    join: _Join | None,
    group: list[tuple[str, str, str, str]],
    counted: str,
    reads: list[str],
) -> list[int] | None:
    """Rules through a parent counted chunk by chunk of the child, each chunk beside its
    parent rows found by merging the parent's file (``reads``: the parent columns the
    rules use), else joined to the parent rows in its key range; None when neither
    applies (see ``chunks``)."""
    if join is None:
        return None
    first = join.pairs[0]
    parent = f"(SELECT * FROM {join.parent} WHERE {quote(first[1])} BETWEEN $low AND $high)"
    columns = [name for name, _, _, _ in group] + [child for child, _ in join.pairs]
    count = counted_by(f"SELECT {counted} FROM {CHUNK} c {join.sql(parent)}")
    if len(join.pairs) == 1:
        beside = f"SELECT {counted} FROM {CHUNK} c POSITIONAL JOIN {PARENTS} p"
        count = merged_parents(join.parent, first[1], first[0], reads, beside, count)
    return chunked_sum(con, rel, first[0], columns, count, strict=False)


@dataclass(frozen=True)
class _Join:
    """The join from a child row to its parent row: the parent's relation and the
    (child column, parent column) pairs of the foreign key."""

    parent: str
    pairs: tuple[tuple[str, str], ...]

    def sql(self, parent: str) -> str:
        on = " AND ".join(f"p.{quote(pc)} = c.{quote(cc)}" for cc, pc in self.pairs)
        return f"LEFT JOIN {parent} p ON {on}"


def _cycles(
    con: duckdb.DuckDBPyConnection, rel: str, key: str, parent: str, rows: int
) -> tuple[int, list[object], int]:
    """Pointer doubling: after k rounds each row holds its 2^k-th ancestor. Once 2^k
    exceeds the row count only rows in (or below) a cycle still have one. O(n log n)."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE __fauxdata_up AS SELECT {key} AS id, {parent} AS up FROM {rel}"
    )
    for _ in range(max(1, rows).bit_length() + 1):
        con.execute(
            "CREATE OR REPLACE TEMP TABLE __fauxdata_up AS "
            "SELECT x.id, y.up FROM __fauxdata_up x LEFT JOIN __fauxdata_up y ON y.id = x.up"
        )
    count, examples = violations(con, "SELECT id FROM __fauxdata_up WHERE up IS NOT NULL", "id")
    con.execute("DROP TABLE __fauxdata_up")
    roots = int(con.execute(f"SELECT count(*) FROM {rel} WHERE {parent} IS NULL").fetchone()[0])  # type: ignore[index]
    return count, examples, roots


def _base(
    plan: Plan, table: ResolvedTable, dotted: str, relation: Relation
) -> tuple[str | None, _Join | None]:
    """SQL for the column a rule compares with, and the join that reaches it.

    Through a foreign key that is part of a composite key, the join uses every column
    of that key, since the anchor column alone need not be unique in the parent.
    """
    if "." not in dotted:
        return f"c.{quote(dotted)}", None
    via, column = split_dotted(dotted)
    parent = table.columns[via].parent
    if parent is None:
        return None, None
    parent_rel = relation(parent[0])
    if parent_rel is None:
        return None, None
    pairs = [(via, parent[1])]
    for fk in table.foreign_keys:
        if len(fk.columns) > 1 and via in fk.columns and fk.parent == parent[0]:
            pairs = list(zip(fk.columns, fk.parent_columns, strict=True))
    return f"p.{quote(column)}", _Join(parent_rel, tuple(pairs))


def _cardinality(ctx: Context) -> Iterator[Check]:
    plan, table, con, rel, relation = ctx.plan, ctx.table, ctx.con, ctx.rel, ctx.relation
    per = table.per
    assert per is not None
    parent_rel = relation(per.parent)
    parent = plan.tables[per.parent]
    key = table.columns[per.column].parent
    if parent_rel is None or key is None:
        return
    low, high = _bounds(per)
    k, fk = quote(key[1]), quote(per.column)
    condition = _out_of_bounds("n", low, high)
    bounds = f"[{low}, {high if high is not None else 'inf'}]"
    label = f"Cardinality: every {parent.output_name} has {bounds} {table.output_name}"

    # Chunk by chunk of the parent: its children in the chunk's key range, counted
    # per parent before the join (each parent key once in a chunk, or no chunks).
    per_parent = (
        f"(SELECT {fk}, count({fk}) AS n FROM {rel} WHERE {fk} BETWEEN $low AND $high GROUP BY ALL)"
    )
    per_chunk = (
        f"SELECT count(*) FROM (SELECT coalesce(c.n, 0) AS n FROM {CHUNK} p "
        f"LEFT JOIN {per_parent} c ON c.{fk} = p.{k}) WHERE {condition}"
    )
    found = ctx.counted.pop((table.name, rel), None)  # by the parent's aggregates' pass
    merged = merged_aggregates(rel, per.column, key[1], [], (low, high))
    if found is None and merged is not None:  # by merging this file into the parent's
        found = chunked_sum(con, parent_rel, key[1], [key[1]], merged, strict=True)
    if found is None:
        found = chunked_sum(
            con, parent_rel, key[1], [key[1]], counted_by(per_chunk, unique=key[1]), strict=True
        )
    if found == [0]:
        yield Check(label, "pass", table.name)
        return
    counts = f"SELECT p.{k} AS k, count(c.{fk}) AS n FROM {parent_rel} p LEFT JOIN {rel} c ON c.{fk} = p.{k} GROUP BY ALL"
    whole = f"SELECT k, n FROM ({counts}) WHERE {condition}"
    yield queried(con, label, table.name, whole, "k", "parents out of bounds")


def _bounds(per: ResolvedPer) -> tuple[int, int | None]:
    """The children a parent may have: the ``per`` bounds and its count's."""
    low, high = per.spec.min, per.spec.max
    count_spec = per.spec.count
    if isinstance(count_spec, FixedCount):
        low, high = (
            max(low, count_spec.n),
            count_spec.n if high is None else min(high, count_spec.n),
        )
    elif isinstance(count_spec, RangeCount):
        low, high = (
            max(low, count_spec.min),
            count_spec.max if high is None else min(high, count_spec.max),
        )
    return low, high


def _out_of_bounds(n: str, low: int, high: int | None) -> str:
    return f"{n} < {low}" + (f" OR {n} > {high}" if high is not None else "")


def _aggregates(ctx: Context) -> dict[str, Check]:
    """Each aggregate column against its children, recomputed from the output.

    Aggregates over the same child table share one grouping: the children are joined
    and grouped once, every aggregate computed side by side, and the mismatches of
    each column counted in the same scan (the shop's order total and line count each
    joined and grouped order items on their own before).
    """
    plan, table, con, rel, relation = ctx.plan, ctx.table, ctx.con, ctx.rel, ctx.relation
    by_child: dict[str, list[tuple[str, g.Aggregate]]] = {}
    for column in table.columns.values():
        if isinstance(column.generator, g.Aggregate):
            child_name = split_dotted(column.generator.of)[0]
            by_child.setdefault(child_name, []).append((column.name, column.generator))
    checks: dict[str, Check] = {}
    for child_name, group in by_child.items():
        child = plan.tables[child_name]
        child_rel = relation(child_name)
        if child_rel is None or child.per is None:
            continue
        key = child.columns[child.per.column].parent
        assert key is not None
        k = quote(key[1])
        computed = ", ".join(
            _NO_CHILD[gen.fn].format(e=_GROUPED[gen.fn].format(c=quote(split_dotted(gen.of)[1])))
            + f" AS e{i}"
            for i, (_, gen) in enumerate(group)
        )
        fk = quote(child.per.column)
        differs = [_differs(name, f"a.e{i}") for i, (name, _) in enumerate(group)]
        whole = ", ".join(f"count(*) FILTER (WHERE {d})" for d in differs)

        # Chunk by chunk of this table: its children in the chunk's key range,
        # aggregated per parent before the join (each parent key once in a chunk).
        grouped = ", ".join(
            _GROUPED[gen.fn].format(c=quote(split_dotted(gen.of)[1])) + f" AS e{i}"
            for i, (_, gen) in enumerate(group)
        )
        # The same pass counts the children per parent for the child's cardinality
        # check, which then reads no data (on the shop: 3.8 of 17 CPU-seconds).
        per_parent = f"(SELECT x.{fk} AS k, count(x.{fk}) AS n, {grouped} FROM {child_rel} x WHERE x.{fk} BETWEEN $low AND $high GROUP BY ALL)"
        chunk_counted = ", ".join(
            f"count(*) FILTER (WHERE {_differs(name, _NO_CHILD[gen.fn].format(e=f'g.e{i}'))})"
            for i, (name, gen) in enumerate(group)
        )
        cardinality = _out_of_bounds("coalesce(g.n, 0)", *_bounds(child.per))
        sql = f"SELECT {chunk_counted}, count(*) FILTER (WHERE {cardinality}) FROM {CHUNK} c LEFT JOIN {per_parent} g ON g.k = c.{k}"
        columns = [key[1], *(name for name, _ in group)]
        # Merged with the children's file where both are ordered: no join, no hashing
        # of the order-id strings (3.8 CPU-seconds down to 2.1 on the 26M-row shop,
        # and no longer growing with the file: 35.6 at three times the rows).
        merged = merged_aggregates(
            child_rel,
            child.per.column,
            key[1],
            [(name, gen.fn, split_dotted(gen.of)[1]) for name, gen in group],
            _bounds(child.per),
        )
        counts = None
        if merged is not None:
            counts = chunked_sum(con, rel, key[1], columns, merged, strict=True)
        if counts is None:
            counts = chunked_sum(
                con, rel, key[1], columns, counted_by(sql, unique=key[1]), strict=True
            )
        if counts is not None:
            if child.per.parent == table.name:
                ctx.counted[(child_name, child_rel)] = counts[-1:]
            counts = counts[:-1]
        else:
            counts = list(
                con.execute(
                    f"SELECT {whole} FROM {_recomputed(rel, child_rel, k, fk, computed)}"
                ).fetchone()
                or ()
            )
        for (name, gen), bad, count in zip(group, differs, counts, strict=True):
            examples: list[object] = []
            if count:
                rows = f"SELECT c.{k} AS k FROM {_recomputed(rel, child_rel, k, fk, computed)} WHERE {bad}"
                examples = violations(con, rows, "k")[1]
            label = f"Aggregate: {table.output_name}.{name} = {gen.fn}({gen.of})"
            checks[name] = Check.counted(label, table.name, int(count), examples, "rows differ")
    return checks


def _recomputed(parents: str, children: str, k: str, fk: str, computed: str) -> str:
    """The parents (as ``c``) beside their aggregates recomputed from the children (``a``)."""
    expected = f"SELECT p.{k} AS k, {computed} FROM {parents} p LEFT JOIN {children} x ON x.{fk} = p.{k} GROUP BY ALL"
    return f"{parents} c JOIN ({expected}) a ON a.k = c.{k}"


_GROUPED = {
    "sum": "sum(x.{c})",
    "count": "count(x.{c})",
    "min": "min(x.{c})",
    "max": "max(x.{c})",
    "mean": "avg(x.{c})",
}
"""Each aggregate over the children ``x`` of one parent."""

_NO_CHILD = {
    "sum": "coalesce({e}, 0)",
    "count": "coalesce({e}, 0)",
    "min": "{e}",
    "max": "{e}",
    "mean": "{e}",
}
"""Each aggregate's value from ``_GROUPED`` as ``{e}``, where a parent with no children
has none (NULL): no children sum to 0 and count 0."""


def _differs(name: str, expected: str) -> str:
    """SQL true where column ``name`` of ``c`` differs from its recomputed value."""
    return f"abs(c.{quote(name)}::DOUBLE - {expected}::DOUBLE) > 1e-6 * (1 + abs({expected}::DOUBLE)) OR (c.{quote(name)} IS NULL) <> ({expected} IS NULL)"
