"""Evaluate tables as columns of arrays, for any set of row indices.

``TableGenerator.columns_at(rows)`` is the single entry point: a block is
``arange(start, stop)``, a foreign key is the parent rows a child picked. Every column
is a pure function of (seed, table, column, row), so blocks can run in any order, on
any worker, and give the same data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from functools import cached_property
from types import MappingProxyType

import numpy as np
import polars as pl

from fauxdata.engine.cardinality import PerIndex
from fauxdata.engine.cast import cast_column
from fauxdata.engine.fits import check_divisors, check_fits
from fauxdata.engine.keys import JointKey, WithinParent
from fauxdata.engine.permute import Permutation
from fauxdata.engine.rng import Stream, stable_key
from fauxdata.errors import FauxdataError, GenerationError, Problem, SpecError
from fauxdata.generators import ColumnContext, Generator, implementation
from fauxdata.generators.base import Rows
from fauxdata.generators.reference import ForeignKeyGenerator
from fauxdata.generators.relational import HierarchyGenerator
from fauxdata.spec import generators as g
from fauxdata.spec.limits import MAX_PARENTS
from fauxdata.spec.relations import split_dotted
from fauxdata.spec.resolve import Plan, ResolvedColumn, ResolvedTable

DEFAULT_BLOCK_SIZE = 65_536
"""Rows per block. Up to ``workers + 1`` blocks are in flight beside the ones being
digested and written, so peak memory follows the block size: at TPC-H SF1, 262,144 rows
took 854 MB, 131,072 rows 585 MB and 65,536 rows 469-485 MB, each at the same CPU time
(11.2-11.7 s; 32,768 rows cost 11% more CPU for 419 MB)."""


class ColumnGenerator:
    """A generator plus what the column adds: uniqueness, nulls and the declared type."""

    def __init__(
        self,
        table: ResolvedTable,
        column: ResolvedColumn,
        generator: Generator,
        joint: JointKey | WithinParent | None = None,
    ) -> None:
        self.table = table
        self.column = column
        self.generator = generator
        self.joint = joint
        self.path = f"tables.{table.name}.columns.{column.name}"
        in_key = table.primary_key == (column.name,)
        self.keyed = generator.ctx.keyed
        check_fits(generator, column.type, column.spec.type is not None, self.path, self.keyed)
        self.unique = (
            (column.spec.unique or in_key) and not generator.inherently_unique and joint is None
        )
        self.permutation: Permutation | None = None
        if self.unique and table.rows > 0:
            size = generator.domain_size()
            if size is None:
                raise GenerationError(
                    f"generator '{column.generator.kind}' cannot guarantee unique values",
                    path=self.path,
                    hint="use a key generator (sequence, formatted_id, uuid, unique_int) or one with a finite domain",
                )
            if size < table.rows:
                raise _too_few(column.generator, size, table.name, table.rows, self.path)
            self.permutation = Permutation(
                size, stable_key(generator.ctx.seed, table.name, column.name, "unique")
            )
        self.null_rate = column.spec.null_rate
        self.null_stream = generator.ctx.stream("null")

    def domain_index(self, rows: Rows) -> Rows | None:
        """Where unique or joint-key columns sit in their generator's domain."""
        if self.joint is not None:
            return self.joint.component(rows, self.column.name)
        if self.permutation is not None:
            return self.permutation(rows)
        return None

    def _calculated(self, values: pl.Series) -> pl.Series:
        """Division by zero (inf, NaN) becomes NULL, as SQL's NULLIF(divisor, 0) would
        make it; in a NOT NULL column any NULL is an error naming the column."""
        if values.dtype.is_float():
            values = pl.select(pl.when(pl.lit(values).is_finite()).then(pl.lit(values))).to_series()
        if not self.column.nullable and (nulls := values.null_count()):
            raise GenerationError(
                f"the calculation gave NULL in {nulls:,} of {values.len():,} rows (a division "
                "by zero, or a NULL input) but the column is NOT NULL",
                path=self.path,
                hint="declare it nullable: true, or guard the divisor "
                "(IF([d] = 0, ..., [n] / [d]); in SQL, CASE WHEN d = 0 THEN ... END)",
            )
        return values

    def null_mask(self, rows: Rows) -> np.ndarray | None:
        if self.null_rate <= 0:
            return None
        return self.null_stream.uniform(rows) < self.null_rate

    def parent_rows(self, rows: Rows) -> tuple[str, Rows, np.ndarray]:
        """For a foreign key or hierarchy: parent table, parent rows, rows that have one."""
        gen = self.generator
        parent_table = self.column.parent[0] if self.column.parent else ""
        index = self.domain_index(rows)
        valid = np.ones(rows.shape[0], dtype=bool)
        if index is not None:
            parents = index
        elif isinstance(gen, HierarchyGenerator):
            parents, valid = gen.parent_rows_for(rows)
        elif isinstance(gen, ForeignKeyGenerator):
            parents = gen.parent_rows_for(rows)
        else:
            raise GenerationError(f"'{self.column.name}' is not a foreign key", path=self.path)
        mask = self.null_mask(rows)
        if mask is not None:
            valid = valid & ~mask
        return parent_table, parents, valid

    def evaluate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        index = self.domain_index(rows)
        try:
            if index is not None:
                values = self.generator.at_domain(index, inputs)
            else:
                values = self.generator.generate(rows, inputs)
        except pl.exceptions.ComputeError as exc:  # e.g. a calculation Polars cannot do
            reason = str(exc).strip().splitlines()[0]
            raise GenerationError(f"cannot compute the values: {reason}", path=self.path) from None
        if values.len() != rows.shape[0]:
            raise GenerationError(
                f"generator returned {values.len()} values for {rows.shape[0]} rows", path=self.path
            )
        if isinstance(self.column.generator, g.Formula | g.SqlExpression):
            values = self._calculated(values)
        if self.null_rate > 0:
            mask = pl.Series(self.null_stream.uniform(rows) < self.null_rate)
            values = pl.select(
                pl.when(pl.lit(mask)).then(None).otherwise(pl.lit(values))
            ).to_series()
        return cast_column(
            values, self.column.type, self.path, words=not self.unique, key=self.keyed
        ).alias(self.column.name)


class TableGenerator:
    """Builds one table's column generators and evaluates them at row indices."""

    def __init__(self, engine: Engine, table: ResolvedTable) -> None:
        self.engine = engine
        self.table = table

    @cached_property
    def columns(self) -> dict[str, ColumnGenerator]:
        plan = self.engine.plan
        built: dict[str, ColumnGenerator] = {}
        generators: dict[str, Generator] = {}
        problems: list[FauxdataError] = []  # every column's problem, not just the first
        for name in self.table.evaluation_order:
            column = self.table.columns[name]
            ctx = ColumnContext(
                seed=plan.seed,
                table=self.table.name,
                column=name,
                n_rows=self.table.rows,
                type=column.type,
                locale=plan.spec.locale,
                base_dir=plan.base_dir,
                lookup=self.engine.lookup,
                table_rows=self.engine.row_count,
                relations=self.engine,
                reference_date=plan.reference_date,
                keyed=column.spec.unique
                or name in self.table.primary_key
                or any(name in u for u in self.table.unique),
            )
            try:
                generators[name] = implementation(column.generator.kind)(column.generator, ctx)
            except FauxdataError as exc:
                problems.append(exc)
        joints: dict[str, JointKey | WithinParent] = {}
        if not problems:
            try:
                joints = composite_keys(self.engine, self.table, generators)
            except FauxdataError as exc:
                problems.append(exc)
        for name, generator in generators.items():
            try:
                built[name] = ColumnGenerator(
                    self.table, self.table.columns[name], generator, joints.get(name)
                )
                check_divisors(self.table.columns[name], generators, built[name].path)
            except FauxdataError as exc:
                problems.append(exc)
        if len(problems) == 1:
            problems[0].exit_code = 2  # a spec no generator can honour: a spec error
            raise problems[0]
        if problems:
            raise combine(problems)
        return built

    def _needed(self, names: list[str]) -> list[str]:
        wanted: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name not in wanted:
                wanted.add(name)
                stack.extend(self.columns[name].generator.dependencies())
        return [n for n in self.table.evaluation_order if n in wanted]

    def columns_at(self, rows: Rows, names: list[str] | None = None) -> dict[str, pl.Series]:
        """Values of the named columns (default: all) at the given row indices."""
        order = self.table.evaluation_order if names is None else self._needed(names)
        values: dict[str, pl.Series] = {}
        for name in order:
            column = self.columns[name]
            inputs = {dep: values[dep] for dep in column.generator.dependencies()}
            values[name] = column.evaluate(rows, inputs)
        return values

    def block(self, start: int, stop: int) -> pl.DataFrame:
        """Rows [start, stop) as a DataFrame with the columns in spec order."""
        values = self.columns_at(np.arange(start, stop, dtype=np.int64))
        return pl.DataFrame([values[name] for name in self.table.columns])


class Engine:
    """Holds one TableGenerator per table of a plan; they look each other up for keys."""

    def __init__(self, plan: Plan) -> None:
        self.layouts: dict[str, PerIndex] = {}
        self.plan = self._derive_row_counts(plan)
        self.tables = {
            name: TableGenerator(self, table) for name, table in self.plan.tables.items()
        }

    def _derive_row_counts(self, plan: Plan) -> Plan:
        """Tables generated per parent get the sum of their parents' child counts.

        Only for the tables this run reads: a child's layout costs a pass over its
        parent's rows, wasted when the child is not generated nor referenced.
        """
        tables = dict(plan.tables)
        needed = tables_needed(plan)
        for name, table in tables.items():  # parents come first in plan order
            if table.per is not None and name in needed:
                parent_rows = tables[table.per.parent].rows
                if parent_rows > MAX_PARENTS:
                    raise GenerationError(
                        f"found {parent_rows:,} rows of {table.per.parent} to lay children out "
                        f"over; expected at most {MAX_PARENTS:,} (2^28: the layout counts every "
                        "parent's children before the first block, about 8 s at that size)",
                        path=f"tables.{name}.per",
                        hint=f"lower the row count of {table.per.parent}, or give {name} "
                        "'rows' and a foreign_key column instead of 'per'",
                    )
                layout = PerIndex(plan.seed, name, table.per.spec, parent_rows, table.per.column)
                self.layouts[name] = layout
                tables[name] = replace(table, rows=layout.total)
        return replace(plan, tables=MappingProxyType(tables))

    def release(self) -> None:
        """Drop the generators and per-parent layouts once every table is written: the
        checks that follow read the files, not these (at 2M shop customers the layouts
        alone hold 32 MB, and grow with the parents)."""
        self.tables = {}
        self.layouts = {}

    def few_values(self, table: str, limit: int = 1 << 16) -> frozenset[str]:
        """Columns whose generator has at most ``limit`` distinct values (worth a
        dictionary). Text in a key, unique constraint or foreign key is left out: Parquet
        writes few-value text without min/max statistics, and those of a key plan
        verification's chunked reads (``verify.chunks``)."""
        resolved = self.plan.tables[table]
        keyed = {*resolved.primary_key, *(c for u in resolved.unique for c in u)}
        keyed |= {c for fk in resolved.foreign_keys for c in fk.columns}
        few = set()
        for name, column in self.tables[table].columns.items():
            size = column.generator.domain_size()
            if size is None or size > limit or column.generator.inherently_unique:
                continue
            if not (column.column.type.is_text and (name in keyed or column.column.spec.unique)):
                few.add(name)
        return frozenset(few)

    def per_index(self, table: str) -> PerIndex | None:
        return self.layouts.get(table)

    def parent_rows(self, table: str, column: str, rows: Rows) -> tuple[str, Rows, np.ndarray]:
        return self.tables[table].columns[column].parent_rows(rows)

    def column_values(self, table: str, column: str) -> pl.Series:
        n = self.plan.tables[table].rows
        parts = [
            self.lookup(table, column, np.arange(s, min(s + DEFAULT_BLOCK_SIZE, n), dtype=np.int64))
            for s in range(0, n, DEFAULT_BLOCK_SIZE)
        ]
        return pl.concat(parts) if parts else pl.Series(column, [])

    def build(self) -> None:
        """Construct every generator now, so configuration errors surface before writing."""
        problems: list[FauxdataError] = []
        needed = tables_needed(self.plan)
        for name, table in self.tables.items():
            if name not in needed:
                continue
            try:
                _ = table.columns
            except FauxdataError as exc:
                problems.append(exc)
        if len(problems) == 1:
            problems[0].exit_code = 2  # a spec no generator can honour: a spec error
            raise problems[0]
        if problems:
            raise combine(problems)

    def row_count(self, table: str) -> int:
        return self.plan.tables[table].rows

    def lookup(self, table: str, column: str, rows: Rows) -> pl.Series:
        return self.tables[table].columns_at(rows, [column])[column]

    def blocks(
        self, table: str, block_size: int = DEFAULT_BLOCK_SIZE, workers: int = 1
    ) -> Iterator[pl.DataFrame]:
        """The table's rows block by block, in order; ``workers`` blocks are computed at once."""
        generator = self.tables[table]
        n = self.plan.tables[table].rows
        if block_size < 1:
            raise GenerationError(
                f"block size must be at least 1 row; found {block_size}", path="--block-size"
            )
        ranges = ((start, min(start + block_size, n)) for start in range(0, n, block_size))
        if workers <= 1 or n <= block_size:
            for start, stop in ranges:
                yield generator.block(start, stop)
            return
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fauxdata") as pool:
            pending: list[Future[pl.DataFrame]] = []
            queue = iter(ranges)
            for start, stop in queue:
                pending.append(pool.submit(generator.block, start, stop))
                if len(pending) >= workers + 1:
                    break
            while pending:
                frame = pending.pop(0).result()
                following = next(queue, None)
                if following is not None:
                    pending.append(pool.submit(generator.block, *following))
                yield frame

    def frame(self, table: str) -> pl.DataFrame:
        """A whole table in memory."""
        n = self.plan.tables[table].rows
        return self.tables[table].block(0, n)


def combine(problems: list[FauxdataError]) -> SpecError:
    """Several errors as one SpecError, each problem kept with its path."""
    flat = [
        p
        for exc in problems
        for p in (
            exc.problems
            if isinstance(exc, SpecError)
            else [Problem(exc.path, exc.message, exc.hint, exc.code)]
        )
    ]
    return SpecError(flat)


def tables_needed(plan: Plan) -> set[str]:
    """The selected tables and every table their values are computed from."""
    needed: set[str] = set()
    stack = list(plan.selected)
    while stack:
        name = stack.pop()
        if name in needed:
            continue
        needed.add(name)
        table = plan.tables[name]
        stack.extend(fk.parent for fk in table.foreign_keys)
        if table.per is not None:
            stack.append(table.per.parent)
        for column in table.columns.values():
            gen = column.generator
            if isinstance(gen, g.Aggregate):
                stack.append(split_dotted(gen.of)[0])
            elif isinstance(gen, g.ForeignKeyRef | g.Hierarchy):
                stack.append(gen.table)
    return needed


_STRUCTURAL = (g.ChildNumber, g.Hierarchy, g.Lookup, g.After, g.Aggregate, g.Template)


def composite_keys(
    engine: Engine, table: ResolvedTable, generators: dict[str, Generator]
) -> dict[str, JointKey | WithinParent]:
    """Plan joint generation for composite primary keys and unique constraints.

    Raises:
        GenerationError: the combined domain is smaller than the row count.
    """
    joints: dict[str, JointKey | WithinParent] = {}
    constraints = ([table.primary_key] if len(table.primary_key) > 1 else []) + [
        u for u in table.unique if len(u) > 1
    ]
    seed = engine.plan.seed
    for columns in constraints:
        if any(c in joints for c in columns) or any(
            generators[c].inherently_unique or table.is_unique_key((c,)) for c in columns
        ):
            continue  # a column unique on its own makes every set containing it unique
        per = table.per
        free = [
            c
            for c in columns
            if not (per is not None and c == per.column)
            and not isinstance(table.columns[c].generator, _STRUCTURAL)
        ]
        if per is not None and per.column in columns:
            if (
                any(isinstance(table.columns[c].generator, g.ChildNumber) for c in columns)
                or len(free) != 1
            ):
                continue  # (parent, child_number) is unique by layout; more free columns: verified only
            column = free[0]
            size = generators[column].domain_size()
            layout = engine.layouts[table.name]
            if size is None:
                continue
            if layout.max_count > size:
                raise GenerationError(
                    f"a parent may get {layout.max_count} children but '{column}' has only {size} distinct values, so ({', '.join(columns)}) cannot stay unique",
                    path=f"tables.{table.name}.per",
                    hint=f"set per.max to at most {size}",
                )
            joints[column] = WithinParent(
                layout, size, Stream.of(seed, table.name, column, "within")
            )
            continue
        # A composite foreign key's other columns (lookups through its first) follow the
        # parent row it picks: the parent row stands for them all in the joint key.
        followers = {c for c in columns if _follows(table, c, columns)}
        chosen = [c for c in columns if c not in followers]
        if len(free) != len(chosen) or any(c in joints for c in chosen):
            continue
        domains = [generators[c].domain_size() for c in chosen]
        sizes = tuple(s for s in domains if s is not None)
        if len(sizes) != len(domains):  # some column has no finite domain
            continue
        key = JointKey(tuple(chosen), sizes, Stream.of(seed, table.name, "+".join(chosen), "joint"))
        if key.total < table.rows:
            parents = [
                f"{c} takes {size} {split_dotted(ref.references)[0]} rows"
                for c, size in zip(columns, sizes, strict=True)
                if isinstance(ref := table.columns[c].generator, g.ForeignKeyRef)
            ]
            raise GenerationError(
                f"({', '.join(columns)}) has only {key.total} distinct combinations but table '{table.name}' has {table.rows} rows"
                + (f" ({'; '.join(parents)})" if parents else ""),
                path=f"tables.{table.name}.primary_key"
                if tuple(columns) == table.primary_key
                else f"tables.{table.name}.unique",
                hint="lower the row count or widen the columns' domains",
            )
        for column in chosen:
            joints[column] = key
    return joints


def _follows(table: ResolvedTable, column: str, key: list[str] | tuple[str, ...]) -> bool:
    """A lookup through another column of the same key (``version`` of a composite
    foreign key whose first column, ``relation_id``, picks the parent row)."""
    generator = table.columns[column].generator
    if not isinstance(generator, g.Lookup):
        return False
    via = generator.column.split(".")[0]
    return via in key and isinstance(table.columns[via].generator, g.ForeignKeyRef)


def _too_few(
    generator: g.GeneratorSpec, size: int, table: str, rows: int, path: str
) -> GenerationError:
    """A unique column whose generator has fewer values than the table has rows; a unique
    foreign key (a 1:1 child) is told in terms of its parent's rows."""
    if isinstance(generator, g.ForeignKeyRef):
        parent = split_dotted(generator.references)[0]
        return GenerationError(
            f"a unique foreign key takes each '{parent}' row at most once: '{parent}' has {size} rows "
            f"but table '{table}' has {rows}",
            path=path,
            hint=f"set tables.{table}.rows to at most {size}, or raise tables.{parent}.rows to at least {rows}",
        )
    return GenerationError(
        f"unique domain too small: '{generator.kind}' has {size} distinct values "
        f"but table '{table}' has {rows} rows",
        path=path,
        hint="widen the generator's domain or lower the row count",
    )
