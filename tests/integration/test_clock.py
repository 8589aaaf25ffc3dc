"""The time of a clinic action comes from the clock it is given, not from the machine."""

import datetime

from clinic_world import WORLD, load_world
from oppgjor.app.clinic import actions, demo
from oppgjor.core.clock import FixedClock

NOW = datetime.datetime(2026, 3, 10, 12)


def test_a_series_is_checked_against_the_clocks_day(db):
    load_world(db, WORLD, NOW)
    before_referral = FixedClock(datetime.datetime(2025, 12, 1, 9))
    _, early = actions.get_series(db, "S1", clock=before_referral)
    _, later = actions.get_series(db, "S1", clock=FixedClock(NOW))
    assert "SERIES_REFERRAL_DATE_LATE" in {f.code for f in early}
    assert "SERIES_REFERRAL_DATE_LATE" not in {f.code for f in later}


def test_the_demo_clinic_starts_from_the_clocks_month(sqlite_db):
    summary = demo.seed(sqlite_db, 5, clock=FixedClock(datetime.datetime(2026, 11, 20, 8)))
    assert summary.start == datetime.date(2026, 9, 1)
