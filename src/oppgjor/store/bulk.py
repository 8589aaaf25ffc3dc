"""Inserting many rows at once, given as tuples in a stated column order.

On SQLite the rows go to the driver's ``executemany`` as they are, after the columns' own
bind processors (so values are stored exactly as through SQLAlchemy Core): Core's work per
row and parameter costs more than SQLite's insert (bench/bench_import.py). Elsewhere they go
through Core.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select

Row = tuple[Any, ...]


def insert_many(conn: Connection, table: Table, columns: Sequence[str], rows: list[Row]) -> None:
    """Insert *rows* (tuples in *columns* order) into *table*."""
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name != "sqlite":
        conn.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])
        return
    names = list(columns)
    compiled = insert(table).compile(dialect=dialect, column_keys=names)
    values = list(zip(*rows, strict=True))
    for n, name in enumerate(names):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            values[n] = _processed(process, values[n])
    ordered = (values[names.index(name)] for name in compiled.positiontup or ())
    conn.exec_driver_sql(compiled.string, list(zip(*ordered, strict=True)))


def insert_with_ids(
    conn: Connection, table: Table, columns: Sequence[str], rows: list[Row]
) -> list[int]:
    """Insert *rows* and return their new ids in order. PostgreSQL batches RETURNING; SQLite
    would insert row by row, so there the ids are assigned from max(id) inside this
    transaction (a concurrent writer then fails on the primary key and rolls back), above
    every id the table ever had when it is AUTOINCREMENT."""
    if conn.dialect.name == "postgresql":
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(conn.scalars(stmt, [dict(zip(columns, r, strict=True)) for r in rows]))
    first = (
        max(int(conn.scalar(select(func.max(table.c.id))) or 0), _highest_given(conn, table)) + 1
    )
    ids = list(range(first, first + len(rows)))
    insert_many(conn, table, ("id", *columns), [(i, *r) for i, r in zip(ids, rows, strict=True)])
    return ids


def _highest_given(conn: Connection, table: Table) -> int:
    """The highest id SQLite has handed out for an AUTOINCREMENT table (also of rows since
    deleted, so their ids are not given again), else 0."""
    if not table.kwargs.get("sqlite_autoincrement"):
        return 0
    seq = conn.exec_driver_sql(
        "SELECT seq FROM sqlite_sequence WHERE name = ?", (table.name,)
    ).scalar()
    return int(seq or 0)


def _processed(process: Callable[[Any], Any], values: Sequence[Any]) -> Row:
    """*values* through a bind processor, each distinct value once (many share a time)."""
    done: dict[Any, Any] = {}
    out = []
    for value in values:
        try:
            out.append(done[value])
        except KeyError:
            done[value] = converted = process(value)
            out.append(converted)
    return tuple(out)
