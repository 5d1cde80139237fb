"""Self-references named like one: ``manager_id``, ``parent_id``, ``reports_to``.

A column that points at another row of its own table forms a tree. Databases often
declare it (a foreign key to the table itself) and REST APIs never do, so a column
named for a superior or a parent, whose type matches the table's single-column key, is
read as a self-reference in both paths and generated as a ``hierarchy``: every
non-NULL value is the key of a row of the same table, and the roots are NULL.
"""

from __future__ import annotations

import re

from fauxdata.introspect.model import SourceTable

SELF_REFERENCE = re.compile(
    r"^(?P<word>manager|parent|reports_to|supervisor|superior|boss|line_manager|"
    r"parent_(?P<stem>[a-z0-9_]+?))(_(id|uuid|key|code))?$"
)
_FAMILIES = ({"smallint", "integer", "bigint"}, {"varchar", "text", "uuid"})


def self_reference(table: SourceTable, column: str) -> str | None:
    """The table's key column when ``column`` is named like a pointer to its own table."""
    found = SELF_REFERENCE.match(column.lower())
    if found is None or len(table.primary_key) != 1:
        return None
    name = table.name.lower().rsplit(".", 1)[-1]
    if found["stem"] and not name.startswith(found["stem"]):
        return None  # parent_category_id points at a category, wherever it is
    key = table.columns[table.primary_key[0]]
    own = table.columns.get(column)
    if own is None or own.name == key.name:
        return None
    if any(column in fk.columns for fk in table.foreign_keys):
        return None  # declared: the foreign key says where it points
    if not any(own.type in f and key.type in f for f in _FAMILIES):
        return None
    return key.name
