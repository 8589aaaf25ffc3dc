"""Settlements after Send inn for the status pages' tests: the scenario clinic, message folders
and a TEST certificate, and a submitted FBV settlement made with the use cases."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from oppgjor.app.helfo import channels, exchange
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain.model import Settlement, SettlementType
from oppgjor.store import Database
from tests.api.settlement_world import SECRET, certificate
from tests.clinic_world import WORLD, _merge, load_world

WHO = "kontoret"


def clinic(db: Database, folder: Path, now: datetime.datetime) -> None:
    world = _merge(WORLD, {})
    world["practice"] = {**world["practice"], "contact_email": "oppgjor@klinikken.test"}
    load_world(db, world, now)
    exchange.set_settings(db, folder=str(folder / "meldinger"),
                          certificate=str(certificate(folder)), secret=SECRET)  # fmt: skip


def submitted(db: Database, now: datetime.datetime) -> Settlement:
    """A new FBV settlement with every waiting FBV claim, controlled and submitted."""
    s = st.new(db, SettlementType.FBV, actor=WHO, now=now)
    st.mark(db, s.id, st.Selection(add_all=True), actor=WHO, now=now)
    if st.control(db, s.id, actor=WHO, now=now).blocking:
        st.move_blocked_out(db, s.id, actor=WHO, now=now)
        st.control(db, s.id, actor=WHO, now=now)
    return st.submit(db, s.id, actor=WHO, now=now)


def sent(db: Database, now: datetime.datetime) -> Settlement:
    s = submitted(db, now)
    return channels.send(db, s.id, secret=SECRET, actor=WHO, now=now).settlement


def numbers(db: Database, sid: int) -> list[int]:
    return [c.number for c in st.claims_in(db, sid)]


def answered(db: Database, now: datetime.datetime, reject_first: bool = True) -> Settlement:
    s = sent(db, now)
    first = numbers(db, s.id)[0]
    rejected = {first: ("07", "Feil i henvisning")} if reject_first else {}
    return st.receipt(db, s.id, rejected, actor=WHO, now=now)


def paid(db: Database, now: datetime.datetime, short: Decimal = Decimal(0)) -> Settlement:
    s = answered(db, now, reject_first=False)
    return st.pay(db, s.id, s.total - short, now.date(), actor=WHO, now=now)
