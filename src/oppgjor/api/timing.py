"""Dates and times as the booking API takes them: local (no time zone), in a sane range, so a
value a client sends can never overflow a calculation (a 500)."""

from __future__ import annotations

import datetime
from typing import Annotated

from pydantic import AfterValidator

FIRST, LAST = datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)


def _day(value: datetime.date) -> datetime.date:
    if not FIRST <= value <= LAST:
        raise ValueError("datoen må være mellom 1900 og 2099")
    return value


def _moment(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is not None:
        raise ValueError("oppgi lokal tid uten tidssone (ÅÅÅÅ-MM-DDTTT:MM)")
    _day(value.date())
    return value


def _time(value: datetime.time) -> datetime.time:
    if value.tzinfo is not None:
        raise ValueError("oppgi lokal tid uten tidssone (TT:MM)")
    return value


Day = Annotated[datetime.date, AfterValidator(_day)]
Moment = Annotated[datetime.datetime, AfterValidator(_moment)]
LocalTime = Annotated[datetime.time, AfterValidator(_time)]
