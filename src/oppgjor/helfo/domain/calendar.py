"""The Helfo calendar: payout decision days, recommended submission days, claim expiry.

All numbers come from the dated parameters in ``data/parameters/helfo.yaml``; a change of
Helfo's practice is a new dated value there.

>>> import datetime
>>> next_decision_date(datetime.date(2026, 3, 10))   # FBV manual: sent on the 10th -> the 16th
datetime.date(2026, 3, 16)
>>> next_decision_date(datetime.date(2026, 3, 31))
datetime.date(2026, 4, 1)
>>> claim_expiry(datetime.date(2026, 1, 20))          # 6 months after the end of January
datetime.date(2026, 7, 31)
>>> recommended_submissions(datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
[datetime.date(2026, 5, 15), datetime.date(2026, 5, 29)]
"""

from __future__ import annotations

import calendar as _calendar
import datetime
from collections.abc import Mapping

from oppgjor.core import parameters, workdays
from oppgjor.core.parameters import Parameter

Params = Mapping[str, Parameter]


def helfo_parameters() -> Params:
    return parameters.load("helfo")


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, _calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def claim_expiry(service_date: datetime.date, params: Params | None = None) -> datetime.date:
    """The last day Helfo must receive the claim: N months after the end of the service month."""
    p = params or helfo_parameters()
    months = int(p["claim_expiry_months"].at(service_date))
    year, month = _add_months(service_date.year, service_date.month, months)
    return _last_day(year, month)


def days_to_expiry(
    service_date: datetime.date, today: datetime.date, params: Params | None = None
) -> int:
    """Days left (negative once expired)."""
    return (claim_expiry(service_date, params) - today).days


def _month_days(year: int, month: int, days: list[int]) -> list[datetime.date]:
    last = _last_day(year, month)
    return sorted({last if d == 0 else datetime.date(year, month, min(d, last.day)) for d in days})


def next_decision_date(submitted: datetime.date, params: Params | None = None) -> datetime.date:
    """The first payout decision day after *submitted* (Helfo decides on the 1st and 16th)."""
    p = params or helfo_parameters()
    year, month = submitted.year, submitted.month
    for _ in range(3):
        days = [int(d) for d in p["decision_days"].at(datetime.date(year, month, 1))]
        for day in _month_days(year, month, days):
            if day > submitted:
                return day
        year, month = _add_months(year, month, 1)
    raise parameters.ParameterError("decision_days gir ingen vedtaksdag")


def recommended_submissions(
    start: datetime.date, end: datetime.date, params: Params | None = None
) -> list[datetime.date]:
    """Recommended submission days in [start, end]: the 15th and the month's last day, moved
    back to the previous working day when they fall on a weekend or holiday."""
    p = params or helfo_parameters()
    result: list[datetime.date] = []
    year, month = start.year, start.month
    while datetime.date(year, month, 1) <= end:
        days = [int(d) for d in p["submission_days"].at(datetime.date(year, month, 1))]
        for day in _month_days(year, month, days):
            moved = workdays.previous_working_day(day)
            if start <= moved <= end:
                result.append(moved)
        year, month = _add_months(year, month, 1)
    return result


def next_submission(today: datetime.date, params: Params | None = None) -> datetime.date:
    """The next recommended submission day on or after *today*."""
    found = recommended_submissions(today, today + datetime.timedelta(days=40), params)
    return found[0]


def copayment_overdue(
    paid_on: datetime.date, today: datetime.date, params: Params | None = None
) -> bool:
    """A paid co-payment not yet reported after the reporting interval (14 days)."""
    p = params or helfo_parameters()
    return (today - paid_on).days > int(p["copayment_report_days"].at(today))


def credit_allowed(
    original: datetime.date, today: datetime.date, params: Params | None = None
) -> bool:
    """An approved claim may be credited while it is younger than N years (3)."""
    p = params or helfo_parameters()
    years = int(p["credit_max_age_years"].at(today))
    try:
        limit = original.replace(year=original.year + years)
    except ValueError:  # 29 February
        limit = original.replace(year=original.year + years, day=28)
    return today < limit
