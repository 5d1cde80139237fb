"""Cross-reference checks for columns that read other columns, parents or children."""

from __future__ import annotations

from fauxdata.errors import Problem, did_you_mean
from fauxdata.spec import generators as g
from fauxdata.spec.models import Spec, Table
from fauxdata.spec.relations import WeightedPick, split_dotted

KEY_KINDS = (g.Sequence, g.FormattedId, g.Uuid, g.UniqueInt)


def is_key(table: Table, columns: list[str]) -> bool:
    """True when the columns are the primary key, a unique constraint or a unique column."""
    if table.primary_key_columns == columns or columns in table.unique_constraints:
        return True
    if len(columns) == 1:
        column = table.columns.get(columns[0])
        return column is not None and (column.unique or isinstance(column.generator, KEY_KINDS))
    return False


def column_relations(
    spec: Spec, tname: str, table: Table, cname: str, problems: list[Problem]
) -> tuple[tuple[str, ...], tuple[str, str] | None]:
    """The same-row columns a column reads, and the (table, column) its values come from."""
    path = f"tables.{tname}.columns.{cname}.generator"
    gen = table.columns[cname].generator
    names = list(table.columns)
    match gen:
        case g.Template():
            for dep in gen.fields():
                if dep not in table.columns:
                    hint = did_you_mean(dep, names) or f"columns of {tname}: {', '.join(names)}"
                    problems.append(
                        Problem(f"{path}.template", f"unknown column '{{{dep}}}' in template", hint)
                    )
            return tuple(gen.fields()), None
        case g.SqlExpression():
            fields = tuple(gen.fields())
            for dep in fields:
                if dep not in table.columns:
                    hint = did_you_mean(dep, names) or f"columns of {tname}: {', '.join(names)}"
                    problems.append(
                        Problem(
                            f"{path}.expression", f"unknown column '{dep}' in SQL expression", hint
                        )
                    )
            return fields, None
        case g.Formula():
            # unknown columns are reported by the formula compiler, with a caret
            return tuple(f for f in gen.fields() if f in table.columns), None
        case g.ForeignKeyRef():
            if not _anchors_composite(table, cname, gen):
                _check_key_reference(spec, f"{path}.references", gen.table, gen.column, problems)
            else:
                _check_key_reference(spec, f"{path}.references", gen.table, gen.column, [])
            if isinstance(gen.distribution, WeightedPick):
                parent = spec.tables.get(gen.table)
                if parent is not None and gen.distribution.column not in parent.columns:
                    problems.append(
                        Problem(
                            f"{path}.distribution.column",
                            f"unknown column '{gen.distribution.column}' in table '{gen.table}'",
                            did_you_mean(gen.distribution.column, parent.columns),
                        )
                    )
            if gen.distinct_from is None:
                return (), (gen.table, gen.column)
            if gen.distinct_from not in table.columns or gen.distinct_from == cname:
                problems.append(
                    Problem(
                        f"{path}.distinct_from",
                        f"'{gen.distinct_from}' is not another column of '{tname}'",
                        did_you_mean(gen.distinct_from, names),
                    )
                )
                return (), (gen.table, gen.column)
            return (gen.distinct_from,), (gen.table, gen.column)
        case g.Hierarchy():
            if gen.table != tname:
                problems.append(
                    Problem(
                        f"{path}.references",
                        f"a hierarchy references its own table '{tname}', found '{gen.table}'",
                        "use kind: foreign_key for other tables",
                    )
                )
            else:
                _check_key_reference(spec, f"{path}.references", gen.table, gen.column, problems)
            return (), (gen.table, gen.column)
        case g.Lookup():
            via, _ = split_dotted(gen.column)
            _check_via(spec, table, path, via, gen.column, problems)
            return (via,), None
        case g.After():
            if "." in gen.column:
                via, _ = split_dotted(gen.column)
                _check_via(spec, table, path, via, gen.column, problems)
                return (via,), None
            if gen.column not in table.columns:
                problems.append(
                    Problem(
                        f"{path}.column",
                        f"unknown column '{gen.column}'",
                        did_you_mean(gen.column, names),
                    )
                )
                return (), None
            return (gen.column,), None
        case g.Aggregate():
            child_name, child_column = split_dotted(gen.of)
            child = spec.tables.get(child_name)
            if child is None:
                problems.append(
                    Problem(
                        f"{path}.of",
                        f"unknown table '{child_name}'",
                        did_you_mean(child_name, spec.tables),
                    )
                )
            elif child_column not in child.columns:
                problems.append(
                    Problem(
                        f"{path}.of",
                        f"unknown column '{child_column}' in table '{child_name}'",
                        did_you_mean(child_column, child.columns),
                    )
                )
            elif child.per is None or child.per.table != tname:
                problems.append(
                    Problem(
                        f"{path}.of",
                        f"table '{child_name}' is not generated per {tname}",
                        f"give {child_name} 'per: {{table: {tname}, count: ...}}'",
                    )
                )
            return (), None
        case g.ChildNumber():
            if table.per is None:
                problems.append(
                    Problem(
                        path,
                        "child_number needs a table generated per parent",
                        "add 'per: {table: ..., count: ...}' to the table",
                    )
                )
            return (), None
    return (), None


def _anchors_composite(table: Table, cname: str, gen: g.ForeignKeyRef) -> bool:
    """True when the column picks the parent row for a declared composite foreign key."""
    for fk in table.foreign_keys:
        columns = fk.column_list
        if len(columns) > 1 and cname in columns and fk.references.table == gen.table:
            return fk.references.column_list[columns.index(cname)] == gen.column
    return False


def _check_key_reference(
    spec: Spec, where: str, tname: str, column: str, problems: list[Problem]
) -> None:
    parent = spec.tables.get(tname)
    if parent is None:
        problems.append(
            Problem(
                where, f"unknown table '{tname}'", did_you_mean(tname, spec.tables), "unknown_table"
            )
        )
    elif column not in parent.columns:
        problems.append(
            Problem(
                where,
                f"unknown column '{column}' in table '{tname}'",
                did_you_mean(column, parent.columns),
                "unknown_column",
            )
        )
    elif not is_key(parent, [column]):
        problems.append(
            Problem(
                where,
                f"'{tname}.{column}' is neither a primary key nor unique",
                "a foreign key must reference a primary key or a unique column",
                "not_a_key",
            )
        )


def _check_via(
    spec: Spec, table: Table, path: str, via: str, dotted: str, problems: list[Problem]
) -> None:
    """``via.column``: via must be a foreign key of this table and column a column of its parent."""
    column = split_dotted(dotted)[1]
    source = table.columns.get(via)
    if source is None:
        problems.append(
            Problem(
                f"{path}.column",
                f"unknown column '{via}' in '{dotted}'",
                did_you_mean(via, table.columns),
            )
        )
        return
    if not isinstance(source.generator, g.ForeignKeyRef | g.Hierarchy):
        problems.append(
            Problem(
                f"{path}.column",
                f"'{via}' in '{dotted}' is not a foreign key",
                "the part before the dot names a foreign-key column of this table",
            )
        )
        return
    parent = spec.tables.get(source.generator.table)
    if parent is not None and column not in parent.columns:
        problems.append(
            Problem(
                f"{path}.column",
                f"unknown column '{column}' in table '{source.generator.table}'",
                did_you_mean(column, parent.columns),
            )
        )


def per_column(spec: Spec, tname: str, table: Table, problems: list[Problem]) -> str | None:
    """The foreign-key column that follows a ``per`` table's parent layout."""
    per = table.per
    if per is None:
        return None
    if per.table not in spec.tables:
        problems.append(
            Problem(
                f"tables.{tname}.per.table",
                f"unknown table '{per.table}'",
                did_you_mean(per.table, spec.tables),
            )
        )
        return None
    if per.table == tname:
        problems.append(
            Problem(
                f"tables.{tname}.per.table",
                "a table cannot be generated per its own rows",
                "use kind: hierarchy for self-references",
            )
        )
        return None
    for cname, column in table.columns.items():
        if isinstance(column.generator, g.ForeignKeyRef) and column.generator.table == per.table:
            return cname
    problems.append(
        Problem(
            f"tables.{tname}.per",
            f"no column references {per.table}",
            f"add a column with {{kind: foreign_key, references: {per.table}.<key>}}",
        )
    )
    return None
