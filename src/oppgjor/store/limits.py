"""What fits in the columns of each kind of record: the most characters of a text, the largest
number. Read from the table definitions, the one place the sizes are said, so the use cases
can refuse a value with a finding before the database refuses it with an error.

Fields are named as the records name them: a reference to another record (``department_id``)
is the field ``department_ref`` and has the size of the other record's ``ref``; the parts of a
record stored in a table of their own are ``part.column`` (an appointment's ``lines.code``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import BigInteger, Column, Integer, Numeric, SmallInteger, String, Table
from sqlalchemy.types import TypeDecorator

from oppgjor.store import tables as t
from oppgjor.store.repos import KIND_TABLES

# parts of a record kept in a table of their own: kind -> {record field: table}
_PARTS: dict[str, dict[str, Table]] = {"appointments": {"lines": t.appointment_line}}
_NOT_FIELDS = {"position"}  # columns the store fills in itself


@dataclass(frozen=True)
class Limit:
    """``length``: the most characters of a text; ``largest``: the largest absolute value of
    a number (an integer, or an amount with its decimals)."""

    length: int | None = None
    largest: int | Decimal | None = None


@functools.cache
def field_limits(kind: str) -> dict[str, Limit]:
    """The limit of each field of *kind* (a key of the record registry: ``patients``, …) that
    has one.

    >>> field_limits("patients")["first_name"]
    Limit(length=200, largest=None)
    >>> field_limits("practitioners")["department_ref"] == field_limits("departments")["ref"]
    True
    """
    limits = _table_limits(KIND_TABLES[kind], links=True)
    for part, table in _PARTS.get(kind, {}).items():
        limits.update({f"{part}.{name}": v for name, v in _table_limits(table).items()})
    return limits


def _table_limits(table: Table, links: bool = False) -> dict[str, Limit]:
    """The limits of *table*'s columns; with *links*, of its references to other records
    (a part's reference to the record it belongs to is not a field)."""
    limits: dict[str, Limit] = {}
    for column in table.columns:
        if column.primary_key or column.name in _NOT_FIELDS:
            continue
        target = next(iter(column.foreign_keys), None)
        if target is not None:
            other = target.column.table
            if links and column.name.endswith("_id") and "ref" in other.c:
                ref = _limit(other.c.ref)
                if ref is not None:
                    limits[column.name.removesuffix("_id") + "_ref"] = ref
            continue
        limit = _limit(column)
        if limit is not None:
            limits[column.name] = limit
    return limits


def _limit(column: Column[object]) -> Limit | None:
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, String):
        return Limit(length=kind.length) if kind.length else None
    if isinstance(kind, BigInteger):
        return Limit(largest=2**63 - 1)
    if isinstance(kind, SmallInteger):
        return Limit(largest=2**15 - 1)
    if isinstance(kind, Integer):
        return Limit(largest=2**31 - 1)
    if isinstance(kind, Numeric) and kind.precision is not None:
        scale = kind.scale or 0
        return Limit(largest=Decimal(10) ** (kind.precision - scale) - Decimal(10) ** -scale)
    return None
