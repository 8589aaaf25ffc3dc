"""NPR reporting deadlines: the 2nd working day of the month after each tertial; the final
file three weeks later for tertials 1 and 2, and on the 2nd working day of the month after
that for tertial 3 (shared/seeds/003). Data periods are cumulative from 1 January.

>>> [(d.tertial, d.first, d.final) for d in deadlines(2022)][0]
(1, datetime.date(2022, 5, 3), datetime.date(2022, 5, 24))
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from oppgjor.core import parameters, workdays

TERTIAL_END_MONTH = {1: 4, 2: 8, 3: 12}


@dataclass(frozen=True)
class Deadline:
    year: int
    tertial: int
    period_start: datetime.date
    period_end: datetime.date
    first: datetime.date  # første dataleveranse
    final: datetime.date  # andre og siste dataleveranse
    rule: str


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def deadlines(year: int) -> list[Deadline]:
    shipped = parameters.load("isf")
    day = datetime.date(year, 1, 1)
    nth = int(shipped["npr_first_delivery_working_day"].at(day))
    later = int(shipped["npr_final_delivery_days"].at(day))
    rule = ", ".join(
        shipped[k].version(day)
        for k in ("npr_first_delivery_working_day", "npr_final_delivery_days")
    )
    result = []
    for tertial, month in TERTIAL_END_MONTH.items():
        end = datetime.date(*_month_after(year, month), 1) - datetime.timedelta(days=1)
        first = workdays.nth_working_day(*_month_after(year, month), nth)
        if tertial < 3:
            final = first + datetime.timedelta(days=later)
        else:
            final = workdays.nth_working_day(*_month_after(first.year, first.month), nth)
        result.append(Deadline(year, tertial, datetime.date(year, 1, 1), end, first, final, rule))
    return result
