"""Data for the start page's tests, made through the use cases: the scenario clinic with a
claim about to expire (September 2025), an FBV settlement answered with one rejection and
paid less than approved, a BKM settlement sent and not answered, and a co-payment paid after
its claim was sent and not yet reported."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from oppgjor.app.helfo import answers, exchange, views
from oppgjor.app.helfo import claims as claim_app
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.adapters import signing
from oppgjor.helfo.domain.model import SettlementType
from oppgjor.helfo.domain.settlement import Selection
from oppgjor.store import Database
from tests.clinic_world import WORLD, _merge, load_world

ORG_NR = "974760673"
SECRET = "hemmelig-passord-42"
FEBRUARY = (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
OLD = {"A9": {"practitioner_ref": "B1", "patient_ref": "P1", "start": "2025-09-10T09:00",
              "lines": ["FBV01"], "series_ref": "S1"}}  # fmt: skip


@dataclass(frozen=True)
class Month:
    answered: int  # FBV: A1 rejected, A2 accepted, paid 2000 of 2850
    unanswered: int  # BKM: A3 sent


def certificate(folder: Path, password: str = SECRET, org_nr: str = ORG_NR,
                days: int = 365, now: datetime.datetime | None = None) -> bytes:  # fmt: skip
    return signing.make_test_certificate(org_nr, "Scenarioklinikken", password.encode(),
                                         now=now, days=days)  # fmt: skip


def clinic(db: Database, now: datetime.datetime, folder: Path) -> None:
    world = _merge(WORLD, {"appointments": OLD})
    world["practice"] = {**world["practice"], "contact_email": "oppgjor@klinikken.test"}
    load_world(db, world, now)
    path = folder / "virk.p12"
    path.write_bytes(certificate(folder, now=now - datetime.timedelta(days=30)))
    exchange.set_settings(db, secret=SECRET, folder=str(folder / "meldinger"),
                          certificate=str(path))  # fmt: skip


def sent(db: Database, kind: SettlementType, now: datetime.datetime,
         period: tuple[datetime.date, datetime.date] = FEBRUARY) -> int:  # fmt: skip
    """A settlement of the claims treated in *period*, sent to the outbox."""
    me = {"actor": "kontoret", "now": now}
    sid = st.new(db, kind, **me).id
    st.mark(db, sid, Selection(period=period), **me)
    st.control(db, sid, **me)
    st.submit(db, sid, **me)
    exchange.create_file(db, sid, secret=SECRET, **me)
    return sid


def number_of(db: Database, sid: int, appointment: str) -> int:
    return next(c.number for c in views.detail(db, sid).claims if c.appointment_ref == appointment)


def month(db: Database, now: datetime.datetime, folder: Path) -> Month:
    """The clinic and its settlements as described above."""
    clinic(db, now, folder)
    me = {"actor": "kontoret", "now": now}
    fbv = sent(db, SettlementType.FBV, now)
    answers.receipt(db, fbv, {number_of(db, fbv, "A1"): ("07", "Feil i henvisning")}, **me)
    answers.pay(db, fbv, Decimal("2000.00"), now.date(), **me)
    bkm = sent(db, SettlementType.BKM, now)
    claim_app.copayment_paid(db, number_of(db, bkm, "A3"), datetime.date(2026, 2, 10), now)
    return Month(fbv, bkm)
