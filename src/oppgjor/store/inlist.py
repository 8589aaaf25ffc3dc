"""Filtering a column on many values: one array parameter on PostgreSQL, IN lists elsewhere.

``column.in_(values)`` binds one parameter per value; with thousands of values PostgreSQL's
driver spends longer parsing the statement than the server spends running it. There
``column = ANY(:values)`` binds the whole list as one array. SQLite has no arrays, and IN lists
of up to :data:`CHUNK` values are fast there, so the values are split into several statements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, Select, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY

CHUNK = 5000


def one_of(
    conn: Connection, column: ColumnElement[Any], values: Iterable[Any]
) -> list[ColumnElement[bool]]:
    """Conditions "*column* is one of *values*", one per statement to run; none when there
    are no values (nothing can match, so nothing needs to be asked). A value listed twice is
    asked for once, so no row comes back twice from different chunks."""
    wanted = list(dict.fromkeys(values))
    if not wanted:
        return []
    if conn.dialect.name == "postgresql":
        return [column == any_(bindparam(None, wanted, type_=ARRAY(column.type)))]
    return [column.in_(wanted[i : i + CHUNK]) for i in range(0, len(wanted), CHUNK)]


def rows_one_of(
    conn: Connection,
    query: Select[Any],
    column: ColumnElement[Any],
    values: Iterable[Any],
    order: Callable[[RowMapping], Any],
) -> list[RowMapping]:
    """The rows of *query* whose *column* is one of *values*, in the query's order: rows from
    several statements (SQLite only, which orders text as Python does) are sorted by *order*."""
    parts = one_of(conn, column, values)
    rows = [r for c in parts for r in conn.execute(query.where(c)).mappings()]
    if len(parts) > 1:
        rows.sort(key=order)
    return rows
