"""Checks for relational rules: cardinality, hierarchies, temporal order, lookups, aggregates.

Each is SQL over the output that counts violating rows and shows a few examples, like
the integrity checks; the generators satisfy these by construction, so a failure here
means the data was changed after generation or fauxdata has a bug.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import duckdb

from fauxdata.sinks.duckdb_types import quote
from fauxdata.spec import generators as g
from fauxdata.spec.plan import Plan, ResolvedPer, ResolvedTable
from fauxdata.spec.relations import FixedCount, RangeCount, duration_seconds, split_dotted
from fauxdata.verify.chunks import CHUNK, Chunk, Counter, Pass, Unordered, chunked_sum, counted_by
from fauxdata.verify.context import Context, Relation, declared_keys
from fauxdata.verify.parents import (
    PARENTS,
    MergedAggregates,
    beside,
    merged_aggregates,
    merged_cardinality,
    merged_parents,
)
from fauxdata.verify.result import Check, queried, violations
from fauxdata.verify.twins import Twin, after, same


def relation_passes(ctx: Context) -> dict[str, Pass]:
    """The relational checks of the context's table that read its file chunk by chunk
    (rules through a parent, aggregates over a child), for ``chunks.shared_passes`` to
    run in the same read as the table's key checks."""
    passes = {}
    for join, rules in _rule_groups(ctx).items():
        if join is not None:
            passes[_rules_pass(join)] = _chunked_rules(ctx, join, rules)
    for group in _aggregate_groups(ctx):
        passes[_aggregates_pass(group)] = _chunked_aggregates(ctx, group)
    passes.update(_cardinality_pass(ctx))
    return passes


_CARDINALITY = "cardinality beside parents"


def _cardinality_pass(ctx: Context) -> dict[str, Pass]:
    """The table's cardinality counted in its own read, beside its parents' rows (the
    foreign key and the rules through it merge the same rows), unless the parent's
    aggregates counted it already: the parent file is not read again with this
    table's keys beside it (on TPC-H SF1 a sixth of the checks' time)."""
    table, per = ctx.table, ctx.table.per
    if per is None or (table.name, ctx.rel, "cardinality") in ctx.counted:
        return {}
    parent_rel = ctx.relation(per.parent)
    key = table.columns[per.column].parent
    if parent_rel is None or key is None:
        return {}
    parents = beside(ctx.besides, parent_rel, key[1], per.column)
    if parents is None:
        return {}
    count, rest = merged_cardinality(parents, _bounds(per))

    def done() -> None:
        found = rest()
        if found is not None:
            ctx.counted[(table.name, ctx.rel, "cardinality rest")] = [found]

    return {_CARDINALITY: Pass(per.column, (per.column,), strict=True, count=count, done=done)}


def same_row_passes(ctx: Context, key: str | None) -> dict[str, Pass]:
    """The rules between two columns of one row (a receipt date after the ship date),
    counted in the chunks of a read ordered by ``key`` that other checks of the table
    make anyway (any order serves: each row is in one chunk); none without such a read,
    and the rules' whole-table SQL counts them."""
    group = _rule_groups(ctx).get(None)
    if group is None or key is None:
        return {}
    fallback = counted_by(f"SELECT {group.counted} FROM {CHUNK} c")
    twins = _twins(group)

    def count(cursor: duckdb.DuckDBPyConnection, chunk: Chunk) -> Sequence[int]:
        if twins is not None:
            data = chunk.data
            found = [twin(data[r.column], data[r.base], None) for r, twin in twins]
            if all(n is not None for n in found):
                return found  # type: ignore[return-value]
        return fallback(cursor, chunk)

    columns = tuple(dict.fromkeys(c for r in group.rules for c in (r.column, r.base)))
    return {
        _rules_pass(None): Pass(key, columns, strict=False, count=count, width=len(group.rules))
    }


def relation_checks(ctx: Context, found: Mapping[str, list[int] | None]) -> Iterator[Check]:
    """The relational checks of the context's table; ``found``: the counts of
    ``relation_passes``, None where the file's order did not allow them."""
    table, con, rel = ctx.table, ctx.con, ctx.rel
    out = table.output_name
    if table.per is not None:
        yield from _cardinality(ctx, found.get(_CARDINALITY))
    row_rules = _row_rules(ctx, found) | _aggregates(ctx, found)
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


@dataclass(frozen=True)
class _Rule:
    """One temporal or lookup rule: its column, label, SQL true where a row breaks it
    (over the row ``c`` and its parent ``p``), and what a failing row is called."""

    column: str
    label: str
    bad: str
    what: str
    base: str
    """The column the rule compares with: the parent's, or the row's own."""
    twin: Twin | None
    """The rule counted in NumPy where it can be (``twins``)."""


@dataclass(frozen=True)
class _Rules:
    """The rules that reach the same parent (or none), and the parent columns they read."""

    rules: tuple[_Rule, ...]
    reads: tuple[str, ...]

    @property
    def counted(self) -> str:
        """SQL counting each rule's violations side by side."""
        return ", ".join(f"count(*) FILTER (WHERE {r.bad})" for r in self.rules)


def _rule_groups(ctx: Context) -> dict[_Join | None, _Rules]:
    """Temporal order ('after') and consistency ('lookup') rules of each row, grouped
    by the join that reaches the column they compare with.

    Rules that reach the same parent column share one scan: every rule's violations
    are counted side by side (``count(*) FILTER``) over one join, and only a failed
    rule runs again for its examples. On TPC-H lineitem the ship and commit dates
    joined orders once each; together they take one join instead of two.
    """
    plan, table, relation = ctx.plan, ctx.table, ctx.relation
    rules: dict[_Join | None, list[_Rule]] = {}
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
            twin = after(low, high, 86400 * int(column.type.name == "date"))
            rule = _Rule(column.name, label, bad, "rows out of order", _read(gen.column), twin)
            rules.setdefault(join, []).append(rule)
            reads.setdefault(join, set()).add(split_dotted(gen.column)[1])
        elif isinstance(gen, g.Lookup):
            base, join = _base(plan, table, gen.column, relation)
            if base is None:
                continue
            label = f"Consistency: {where} = {gen.column}"
            bad = f"c.{col} IS DISTINCT FROM {base}"
            rule = _Rule(column.name, label, bad, "rows differ", _read(gen.column), same)
            rules.setdefault(join, []).append(rule)
            reads.setdefault(join, set()).add(split_dotted(gen.column)[1])
    return {
        join: _Rules(tuple(group), tuple(sorted(reads.get(join, ()))))
        for join, group in rules.items()
    }


def _row_rules(ctx: Context, found: Mapping[str, list[int] | None]) -> dict[str, Check]:
    """Each rule's check, from its group's chunked counts where the shared read found
    them, else from one whole-table query per group."""
    table, con, rel = ctx.table, ctx.con, ctx.rel
    checks: dict[str, Check] = {}
    for join, group in _rule_groups(ctx).items():
        joins = join.sql(join.parent) if join is not None else ""
        counts = found.get(_rules_pass(join))
        if counts is None:
            counts = list(
                con.execute(f"SELECT {group.counted} FROM {rel} c {joins}").fetchone() or ()
            )
        for rule, count in zip(group.rules, counts, strict=True):
            examples: list[object] = []
            if count:
                sql = f"SELECT c.{quote(rule.column)} AS v FROM {rel} c {joins} WHERE {rule.bad}"
                examples = violations(con, sql, "v")[1]
            checks[rule.column] = Check.counted(
                rule.label, table.name, int(count), examples, rule.what
            )
    return checks


def _rules_pass(join: _Join | None) -> str:
    return "rules of a row" if join is None else f"rules {join.parent} {join.pairs}"


def _read(dotted: str) -> str:
    """The column a rule's ``column`` names: the parent's after the dot, else the row's."""
    return split_dotted(dotted)[1] if "." in dotted else dotted


def _twins(group: _Rules) -> list[tuple[_Rule, Twin]] | None:
    """Each rule of the group with its twin, or None where one has none."""
    twins = [(rule, rule.twin) for rule in group.rules if rule.twin is not None]
    return twins if len(twins) == len(group.rules) else None


def _chunked_rules(ctx: Context, join: _Join, group: _Rules) -> Pass:
    """Rules through a parent counted chunk by chunk of the child, each chunk beside its
    parent rows found by merging the parent's file (``group.reads``: the parent columns
    the rules use), else joined to the parent rows in its key range (see ``chunks``)."""
    first = join.pairs[0]
    parent = f"(SELECT * FROM {join.parent} WHERE {quote(first[1])} BETWEEN $low AND $high)"
    columns = [r.column for r in group.rules] + [child for child, _ in join.pairs]
    count = counted_by(f"SELECT {group.counted} FROM {CHUNK} c {join.sql(parent)}")
    if len(join.pairs) == 1:
        sql = f"SELECT {group.counted} FROM {CHUNK} c POSITIONAL JOIN {PARENTS} p"
        twins = _twins(group)
        twinned = [(r.column, r.base, t) for r, t in twins] if twins is not None else None
        parents = beside(ctx.besides, join.parent, first[1], first[0])
        count = merged_parents(parents, group.reads, sql, count, twinned)
    return Pass(first[0], tuple(columns), strict=False, count=count, width=len(group.rules))


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


def _cardinality(ctx: Context, chunked: list[int] | None) -> Iterator[Check]:
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
    found = ctx.counted.pop((table.name, rel, "cardinality"), None)  # by the parent's aggregates
    rest = ctx.counted.pop((table.name, rel, "cardinality rest"), None)
    if found is None and chunked is not None and rest is not None:  # by this table's read
        found = [chunked[0] + rest[0]]
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


@dataclass(frozen=True)
class _Aggregates:
    """The aggregate columns of a table over one child table, and how they are checked."""

    child_name: str
    child_rel: str
    child: ResolvedTable
    key: str
    """The table's key column the child's foreign key references."""
    group: tuple[tuple[str, g.Aggregate], ...]


def _aggregate_groups(ctx: Context) -> list[_Aggregates]:
    """Aggregate columns grouped by the child table they aggregate.

    Aggregates over the same child table share one grouping: the children are joined
    and grouped once, every aggregate computed side by side, and the mismatches of
    each column counted in the same scan (the shop's order total and line count each
    joined and grouped order items on their own before).
    """
    by_child: dict[str, list[tuple[str, g.Aggregate]]] = {}
    for column in ctx.table.columns.values():
        if isinstance(column.generator, g.Aggregate):
            child_name = split_dotted(column.generator.of)[0]
            by_child.setdefault(child_name, []).append((column.name, column.generator))
    groups = []
    for child_name, group in by_child.items():
        child = ctx.plan.tables[child_name]
        child_rel = ctx.relation(child_name)
        if child_rel is None or child.per is None:
            continue
        key = child.columns[child.per.column].parent
        assert key is not None
        groups.append(_Aggregates(child_name, child_rel, child, key[1], tuple(group)))
    return groups


def _aggregates_pass(group: _Aggregates) -> str:
    return f"aggregates over {group.child_name}"


def _chunked_aggregates(ctx: Context, agg: _Aggregates) -> Pass:
    """Each aggregate's mismatches and the child's cardinality, chunk by chunk of this
    table: merged with the child's file where both are ordered (no join, no hashing of
    the order-id strings: 3.8 CPU-seconds down to 2.1 on the 26M-row shop, and no longer
    growing with the file: 35.6 at three times the rows), else, from the first chunk
    that cannot be merged on, its children in the chunk's key range aggregated per
    parent by DuckDB before the join (each parent key once in a chunk). The same pass
    counts the children per parent for the child's cardinality check, which then reads
    no data (on the shop: 3.8 of 17 CPU-seconds)."""
    per = agg.child.per
    assert per is not None
    k, fk = quote(agg.key), quote(per.column)
    grouped = ", ".join(
        _GROUPED[gen.fn].format(c=quote(split_dotted(gen.of)[1])) + f" AS e{i}"
        for i, (_, gen) in enumerate(agg.group)
    )
    per_parent = f"(SELECT x.{fk} AS k, count(x.{fk}) AS n, {grouped} FROM {agg.child_rel} x WHERE x.{fk} BETWEEN $low AND $high GROUP BY ALL)"
    chunk_counted = ", ".join(
        f"count(*) FILTER (WHERE {_differs(name, _NO_CHILD[gen.fn].format(e=f'g.e{i}'))})"
        for i, (name, gen) in enumerate(agg.group)
    )
    cardinality = _out_of_bounds("coalesce(g.n, 0)", *_bounds(per))
    sql = f"SELECT {chunk_counted}, count(*) FILTER (WHERE {cardinality}) FROM {CHUNK} c LEFT JOIN {per_parent} g ON g.k = c.{k}"
    count = counted_by(sql, unique=agg.key)
    merged = merged_aggregates(
        agg.child_rel,
        per.column,
        agg.key,
        [(name, gen.fn, split_dotted(gen.of)[1]) for name, gen in agg.group],
        _bounds(per),
        [columns for _, columns in declared_keys(agg.child) if columns[0] == per.column],
    )
    done = None
    if merged is not None:
        count = _until_unordered(merged, count)
        done = partial(_hand_over_orphans, ctx, agg, merged)
    columns = (agg.key, *(name for name, _ in agg.group))
    return Pass(agg.key, columns, strict=True, count=count, width=len(agg.group) + 1, done=done)


def _hand_over_orphans(ctx: Context, agg: _Aggregates, merged: MergedAggregates) -> None:
    """The child's foreign-key orphans and whether its keys led by the parent's key
    repeat, as the merge of the whole parent file found them, for the child's checks
    (``checks._table_checks``)."""
    per = agg.child.per
    assert per is not None
    if per.parent != ctx.table.name:
        return
    for columns, repeats in (merged.repeats() or {}).items():
        ctx.counted[(agg.child_name, agg.child_rel, f"key {columns}")] = [int(repeats)]
    orphans = merged.orphans()
    if orphans is None:
        return
    for fk in agg.child.foreign_keys:
        if fk.parent == ctx.table.name and (fk.columns, fk.parent_columns) == (
            (per.column,),
            (agg.key,),
        ):
            ctx.counted[(agg.child_name, agg.child_rel, f"fk {fk.columns}")] = [orphans]


def _until_unordered(first: Counter, then: Counter) -> Counter:
    """``first`` for each chunk until it raises ``Unordered``; ``then`` from that chunk
    on (each chunk is counted whole by one of them, so the sum is exact)."""
    current = first

    def count(cursor: duckdb.DuckDBPyConnection, chunk: Chunk) -> Sequence[int]:
        nonlocal current
        if current is first:
            try:
                return first(cursor, chunk)
            except Unordered:
                current = then
        return then(cursor, chunk)

    return count


def _aggregates(ctx: Context, found: Mapping[str, list[int] | None]) -> dict[str, Check]:
    """Each aggregate column against its children, recomputed from the output: from the
    shared read's counts where it found them, else by one whole-table query per child."""
    table, con, rel = ctx.table, ctx.con, ctx.rel
    checks: dict[str, Check] = {}
    for agg in _aggregate_groups(ctx):
        per = agg.child.per
        assert per is not None
        k, fk = quote(agg.key), quote(per.column)
        computed = ", ".join(
            _NO_CHILD[gen.fn].format(e=_GROUPED[gen.fn].format(c=quote(split_dotted(gen.of)[1])))
            + f" AS e{i}"
            for i, (_, gen) in enumerate(agg.group)
        )
        differs = [_differs(name, f"a.e{i}") for i, (name, _) in enumerate(agg.group)]
        whole = ", ".join(f"count(*) FILTER (WHERE {d})" for d in differs)
        counts = found.get(_aggregates_pass(agg))
        if counts is not None:
            if per.parent == table.name:
                ctx.counted[(agg.child_name, agg.child_rel, "cardinality")] = counts[-1:]
            counts = counts[:-1]
        else:
            recomputed = _recomputed(rel, agg.child_rel, k, fk, computed)
            counts = list(con.execute(f"SELECT {whole} FROM {recomputed}").fetchone() or ())
        for (name, gen), bad, count in zip(agg.group, differs, counts, strict=True):
            examples: list[object] = []
            if count:
                rows = f"SELECT c.{k} AS k FROM {_recomputed(rel, agg.child_rel, k, fk, computed)} WHERE {bad}"
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
