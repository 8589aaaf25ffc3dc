"""A synthetic demo clinic, created deterministically from a seed.

Everything here is invented: identities are synthetic test numbers (month + 80), org.nr and
account numbers are generated with valid check digits but belong to no one, and the tariff
plate carries demo amounts (marked «DEMO») because real FBV amounts are not public here.
The same seed and start date always give the same clinic.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from oppgjor.app import installation
from oppgjor.app.clinic.actions import counts, save_practice
from oppgjor.app.clinic.demo_records import (
    build_clinic,
    build_patients,
    build_plate,
    build_referrers,
)
from oppgjor.app.clinic.demo_treatment import build_appointments, build_series
from oppgjor.app.clinic.records import Report, apply_in
from oppgjor.app.errors import Conflict
from oppgjor.clinic.domain.model import SeriesTemplate
from oppgjor.clinic.domain.templates import template_from_series
from oppgjor.core.clock import SYSTEM_CLOCK, Clock
from oppgjor.store import Database

__all__ = [
    "DemoSummary", "build_patients", "default_start", "is_empty", "seed", "settlement_history",
    "wanted",
]  # fmt: skip


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    start: datetime.date
    reports: list[Report]


def default_start(today: datetime.date) -> datetime.date:
    """The first day of the month two months before *today*: about three months of data."""
    month = today.month - 2
    year = today.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1)


def is_empty(db: Database) -> bool:
    """No practice and no record of any kind: nothing the demo could replace or mix with."""
    with db.transaction() as repos:
        practice = repos.get_practice()
    return practice is None and not any(counts(db).values())


def _not_empty(db: Database) -> Conflict:
    kind = (
        "en testinstallasjon"
        if installation.is_test_installation(db)
        else "ikke en testinstallasjon"
    )
    return Conflict(
        f"Databasen har allerede data ({kind}); demoklinikken legges bare inn i en tom "
        "database, og ingenting ble endret. Bruk en ny database, f.eks. "
        "--database sqlite:///demo.db."
    )


def wanted(db: Database, if_empty: bool) -> bool:
    """Whether ``demo seed`` should seed *db*: yes when it is empty; no (quietly) with
    *if_empty* when it already is a test installation with data (a second ``make run``).
    Any other database with data is refused (:class:`Conflict`): the demo never replaces a
    practice, marks a real installation as a test one or adds synthetic patients to it."""
    if is_empty(db):
        return True
    if if_empty and installation.is_test_installation(db):
        return False
    raise _not_empty(db)


def seed(
    db: Database,
    seed_value: int = 2026,
    start: datetime.date | None = None,
    now: datetime.datetime | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> DemoSummary:
    """Create the demo clinic in *db* (marks it a test installation); an empty database only."""
    if not is_empty(db):
        raise _not_empty(db)
    rng = random.Random(seed_value)
    now = now or clock.now()
    start = start or default_start(now.date())
    practice, departments, practitioners = build_clinic(rng)
    patients = build_patients(rng, 300, start)
    referrers = build_referrers(rng)
    series = build_series(rng, patients, start)
    appointments = build_appointments(rng, series, start, now)
    save_practice(db, practice)
    reports = []
    with db.transaction() as repos:
        repos.set_setting(installation.TEST_INSTALLATION, "true")
        for kind, records in (
            ("departments", departments),
            ("practitioners", practitioners),
            ("patients", patients),
            ("referrers", referrers),
            ("tariffs", build_plate(start)),
            ("series", series),
            ("appointments", appointments),
        ):
            items = [(f"demo.{kind}[{n}]", r) for n, r in enumerate(records)]
            reports.append(apply_in(repos, kind, items, today=now.date()))
        fbv_template = template_from_series("FBV dagbehandling", series[0])
        values = {k: v for k, v in fbv_template.values.items() if k != "diagnosis_code"}
        repos.save_template(SeriesTemplate(fbv_template.name, values), now)
    settlement_history(db, start, now)
    return DemoSummary(seed_value, start, reports)


def settlement_history(db: Database, start: datetime.date, now: datetime.datetime) -> None:
    """The FBV manual's procedure on the demo data: the first month settled, two claims
    rejected and moved to a correction draft, the rest paid and booked; the second month
    in a draft for the user to control."""
    from oppgjor.app.helfo import booking
    from oppgjor.app.helfo import settlements as st
    from oppgjor.helfo.domain.model import SettlementType
    from oppgjor.helfo.domain.transport import ManualTransport

    who = "demo"
    month_end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    when = datetime.datetime.combine(month_end, datetime.time(15))
    if when >= now:
        return
    s = st.new(db, SettlementType.FBV, date=month_end, actor=who, now=when)
    st.mark(db, s.id, st.Selection(period=(start, month_end)), actor=who, now=when)
    st.control(db, s.id, actor=who, now=when)
    st.move_blocked_out(db, s.id, actor=who, now=when)
    if st.control(db, s.id, actor=who, now=when).blocking:
        return  # leave it as a draft for the user
    st.submit(db, s.id, actor=who, now=when)
    st.send(db, s.id, ManualTransport("DEMO-MSG-1"), actor=who, now=when)
    claims = st.claims_in(db, s.id)
    rejected = {c.number: ("07", "Feil i henvisning (DEMO)") for c in claims[:2]}
    st.receipt(db, s.id, rejected, actor=who, now=when + datetime.timedelta(days=1))
    old, _ = st.correct_rejected(db, s.id, actor=who, now=when + datetime.timedelta(days=1))
    paid_on = month_end + datetime.timedelta(days=3)
    st.pay(db, s.id, old.total, paid_on, actor=who, now=when + datetime.timedelta(days=3))
    booking.book(db, s.id, actor=who, now=when + datetime.timedelta(days=4))
    second = (month_end + datetime.timedelta(days=1), month_end + datetime.timedelta(days=15))
    b = st.new(db, SettlementType.BKM, date=second[1], actor=who, now=now)
    st.mark(db, b.id, st.Selection(period=second), actor=who, now=now)
