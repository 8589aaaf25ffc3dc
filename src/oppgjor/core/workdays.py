"""Norwegian working days: Monday to Friday, except public holidays (the ``holidays`` package).

>>> import datetime
>>> is_working_day(datetime.date(2026, 5, 17))  # Grunnlovsdag
False
>>> next_working_day(datetime.date(2026, 4, 2))  # Skjærtorsdag -> after Easter Monday
datetime.date(2026, 4, 7)
>>> previous_working_day(datetime.date(2026, 8, 15))  # a Saturday
datetime.date(2026, 8, 14)
>>> add_working_days(datetime.date(2026, 12, 23), 2)  # 24th (not a holiday), then Mon 28th
datetime.date(2026, 12, 28)
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays

ONE_DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[datetime.date]:
    """Norway's public holidays in *year* (not ordinary Sundays)."""
    return frozenset(holidays.country_holidays("NO", years=year).keys())


def holiday_name(day: datetime.date) -> str | None:
    """The holiday's Norwegian name, or None when *day* is not a public holiday.

    >>> holiday_name(datetime.date(2026, 5, 17)), holiday_name(datetime.date(2026, 5, 18))
    ('Grunnlovsdag', None)
    """
    return _names(day.year).get(day)


@lru_cache(maxsize=64)
def _names(year: int) -> dict[datetime.date, str]:
    found = holidays.country_holidays("NO", years=year, language="no")
    return {day: str(name) for day, name in found.items()}


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    """*day* itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def previous_working_day(day: datetime.date) -> datetime.date:
    """*day* itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= ONE_DAY
    return day


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The *count*-th working day after *day* (``count`` >= 0; 0 gives *day* if working)."""
    if count < 0:
        raise ValueError("count must be zero or more")
    if count == 0:
        return next_working_day(day)
    while count:
        day += ONE_DAY
        if is_working_day(day):
            count -= 1
    return day


def nth_working_day(year: int, month: int, n: int) -> datetime.date:
    """The *n*-th working day of a month (1-based)."""
    day = next_working_day(datetime.date(year, month, 1))
    return add_working_days(day, n - 1) if n > 1 else day
