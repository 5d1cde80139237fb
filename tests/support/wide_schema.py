"""A reproducible schema of N tables shaped like a large application's, for timing `init`.

Every table has a serial key and a unique code; most point at one or two earlier tables
(a tree of foreign keys, some of them composite-key link tables); columns vary over the
types real schemas use (integers, decimals, text of several widths, dates, timestamps,
booleans, uuid, jsonb, inet, an enum) and carry the CHECK shapes init reads (ranges, IN
lists, lengths, ``a IS NULL OR a > b``). Used by ``tests/test_init_wide.py`` and
``benchmarks/run.py --only init``.
"""

from __future__ import annotations

_TYPES = [
    "integer CHECK ({c} BETWEEN 0 AND 5000)",
    "bigint",
    "numeric(12,2) CHECK ({c} >= 0)",
    "varchar(40)",
    "char(8)",
    "text",
    "date",
    "timestamptz",
    "boolean NOT NULL DEFAULT false",
    "uuid",
    "jsonb",
    "inet",
    "status_kind",
    "varchar(10) CHECK ({c} IN ('open', 'closed', 'held'))",
    "smallint CHECK ({c} > 0 AND {c} < 100)",
    "varchar(30) CHECK (length({c}) >= 3)",
]


def wide_schema_ddl(tables: int) -> str:
    """CREATE statements for ``tables`` tables (PostgreSQL)."""
    ddl = ["CREATE TYPE status_kind AS ENUM ('new', 'active', 'suspended', 'closed');"]
    for i in range(tables):
        name = f"t{i:04d}"
        columns = [
            "id serial PRIMARY KEY",
            "code varchar(12) NOT NULL UNIQUE",
            "created_at timestamptz NOT NULL",
            "closed_at timestamptz",
        ]
        for k in range(6):
            kind = _TYPES[(i * 7 + k * 3) % len(_TYPES)]
            columns.append(f"c{k} " + kind.format(c=f"c{k}"))
        checks = ["CHECK (closed_at IS NULL OR closed_at > created_at)"]
        if i % 10:
            columns.append(f"parent_id integer NOT NULL REFERENCES t{i - 1:04d}(id)")
        if i % 10 > 1 and i % 3 == 0:
            columns.append(f"other_id integer REFERENCES t{i - 2:04d}(id)")
        ddl.append(f"CREATE TABLE {name} ({', '.join(columns + checks)});")
        if i % 20 == 19:
            ddl.append(
                f"CREATE TABLE {name}_link (a_id integer NOT NULL REFERENCES {name}(id), "
                f"b_id integer NOT NULL REFERENCES t{i - 1:04d}(id), "
                "weight numeric(5,2) CHECK (weight BETWEEN 0 AND 100), PRIMARY KEY (a_id, b_id));"
            )
    return "\n".join(ddl)


def table_count(tables: int) -> int:
    """How many tables ``wide_schema_ddl(tables)`` creates (link tables included)."""
    return tables + tables // 20


def tables_for(total: int) -> int:
    """The ``tables`` argument giving ``total`` tables in all (953 gives 1,000)."""
    return next(n for n in range(total, 0, -1) if table_count(n) <= total)
