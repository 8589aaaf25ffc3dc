"""What changed in a record, as the audit trail keeps it: a plain snapshot of its fields and
the fields that differ between two snapshots.

A snapshot is JSON-ready (dates and times in ISO form, amounts as text, enums by value) and
never holds an identity number in full: ``id_value`` is masked to its first six digits.

>>> import datetime
>>> from dataclasses import dataclass
>>> @dataclass
... class Row:
...     ref: str
...     day: datetime.date | None
...     id_value: str
...     id: int | None = None
>>> before = snapshot(Row("S1", None, "15058612345", id=7))
>>> before
{'ref': 'S1', 'day': None, 'id_value': '150586*****'}
>>> after = snapshot(Row("S1", datetime.date(2026, 3, 1), "15058612345"))
>>> differences(before, after)
{'day': (None, '2026-03-01')}
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from oppgjor.core.redact import mask_national_ids

# fields never kept: the database's own key
SKIPPED = frozenset({"id"})
# fields holding a person's identity number: kept masked
MASKED = frozenset({"id_value"})


_AS_IS = frozenset({type(None), bool, int, str})


def plain(value: Any) -> Any:
    """*value* as JSON can hold it."""
    convert = _BY_TYPE.get(type(value))  # the common types first: an import has many
    if convert is not None:
        return convert(value)
    if isinstance(value, enum.Enum):
        _BY_TYPE[type(value)] = _value_of
        return plain(value.value)
    if type(value) in _AS_IS or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _names(type(value))
        _BY_TYPE[type(value)] = lambda v: _fields(v, names)
        return _fields(value, names)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def _items(values: Any) -> list[Any]:
    return [plain(v) for v in values]


def _value_of(member: enum.Enum) -> Any:
    return plain(member.value)


def _fields(value: Any, names: tuple[str, ...]) -> dict[str, Any]:
    found = {name: getattr(value, name) for name in names}
    return {k: v if type(v) in _AS_IS else plain(v) for k, v in found.items()}


_BY_TYPE: dict[type, Any] = {
    str: lambda v: v,
    type(None): lambda v: v,
    datetime.datetime: datetime.datetime.isoformat,
    datetime.date: datetime.date.isoformat,
    Decimal: str,
    tuple: _items,
    list: _items,
}


@functools.cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def snapshot(record: Any) -> dict[str, Any]:
    """The fields of a record (a dataclass) as the audit trail keeps them."""
    values: dict[str, Any] = {}
    cls: Any = type(record)
    for name in _names(cls):
        if name in SKIPPED:
            continue
        value = getattr(record, name)
        if type(value) not in _AS_IS:  # most fields are text: no call for them (an import)
            value = plain(value)
        if name in MASKED and isinstance(value, str):
            value = mask_national_ids(value)
        values[name] = value
    return values


@functools.cache
def _kept(cls: type) -> tuple[str, ...]:
    return tuple(name for name in _names(cls) if name not in SKIPPED)


def fields_of(record: Any) -> dict[str, Any]:
    """The fields :func:`snapshot` keeps, with their values as they are (dates, amounts,
    enums, nested records; the identity number masked): quicker for many records at once (an
    import), for an encoder that turns what JSON cannot hold into text with :func:`plain`.

    >>> import json
    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class Row:
    ...     day: datetime.date
    ...     id_value: str
    >>> json.dumps(fields_of(Row(datetime.date(2026, 3, 1), "15058612345")), default=plain)
    '{"day": "2026-03-01", "id_value": "150586*****"}'
    """
    cls: Any = type(record)
    values = {name: getattr(record, name) for name in _kept(cls)}
    for name in MASKED.intersection(values):
        if isinstance(values[name], str):
            values[name] = mask_national_ids(values[name])
    return values


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose value differs, as ``{field: (before, after)}``, in *after*'s order."""
    names = [*after, *(k for k in before if k not in after)]
    return {
        name: (before.get(name), after.get(name))
        for name in names
        if before.get(name) != after.get(name)
    }


def record_differences(before: Any, after: Any) -> dict[str, tuple[Any, Any]]:
    """:func:`differences` of two versions of a record (dataclasses), and a masked field
    whose value changed where the mask hides it (a national id changed in its last five
    digits): it is named too, shown masked on both sides, so the change is never lost."""
    found = differences(snapshot(before), snapshot(after))
    for name in sorted(MASKED):
        if name not in found and getattr(before, name, None) != getattr(after, name, None):
            masked = snapshot(after).get(name)
            found[name] = (snapshot(before).get(name), masked)
    return found
