"""The FBV manual's chapter 2 with real files, on the demo clinic: a generated TEST
certificate signs the BKM in the outbox, a simulated AppRec rejects two claims, they are
corrected and resent with the same numbers, accepted, paid and booked."""

from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path

from oppgjor.app import installation
from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import booking, inbox
from oppgjor.app.helfo import exchange as hx
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.adapters import signing
from oppgjor.helfo.domain.model import SettlementState, SettlementType
from oppgjor.store import Database

DONE = "demo_helfo_flow"
WHO = "demo"


def _certificate(db: Database, folder: Path, now: datetime.datetime) -> None:
    """A TEST enterprise certificate with its password in a 0600 file beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    with db.transaction() as repos:
        practice = repos.get_practice()
    assert practice is not None
    password = secrets.token_urlsafe(16)
    cert = folder / "demo-virksomhetssertifikat-TEST.p12"
    secret = folder / "demo-virksomhetssertifikat-TEST.passord"
    cert.write_bytes(
        signing.make_test_certificate(practice.org_nr, practice.name, password.encode(), now=now)
    )
    secret.touch(mode=0o600)
    os.chmod(secret, 0o600)
    secret.write_text(password, encoding="utf-8")
    hx.set_settings(db, certificate=str(cert), password_file=str(secret))


def _draft(db: Database, now: datetime.datetime) -> int:
    drafts = _drafts(db)
    if not drafts:
        s = st.new(db, SettlementType.BKM, actor=WHO, now=now)
        st.mark(db, s.id, st.Selection(add_all=True), actor=WHO, now=now)
        return s.id
    return drafts[0]


def _drafts(db: Database) -> list[int]:
    with db.transaction() as repos:
        found = repos.helfo.settlements.find([SettlementState.DRAFT], SettlementType.BKM)
    return [s.id for s in found if s.count]


def _control_and_submit(db: Database, sid: int, now: datetime.datetime) -> None:
    if st.control(db, sid, actor=WHO, now=now).blocking:
        st.move_blocked_out(db, sid, actor=WHO, now=now)
        if st.control(db, sid, actor=WHO, now=now).blocking:
            raise UseCaseError(f"Oppgjør {sid} har fortsatt blokkerende funn.")
    st.submit(db, sid, actor=WHO, now=now)


def run(db: Database, now: datetime.datetime, base: Path | None = None) -> list[str]:
    """Run the flow once (a test installation only); say where the files went."""
    if not installation.is_test_installation(db):
        raise UseCaseError("Demo-flyten kjøres bare i en testinstallasjon.")
    with db.transaction() as repos:
        done = repos.get_setting(DONE)
    settings = hx.get_settings(db)
    if base is not None and not done:
        hx.set_settings(db, folder=str(base))
        settings = hx.get_settings(db)
    folders = hx.folders(settings)
    if done:
        return [f"Helfo-demo er kjørt før ({done}); filene ligger i {folders.outbox.parent}."]
    _certificate(db, folders.outbox.parent / "sertifikat", now)
    sid = _draft(db, now)
    _control_and_submit(db, sid, now)
    first = hx.create_file(db, sid, actor=WHO, now=now)
    claims = st.claims_in(db, sid)
    rejected = {c.number: ("07", "Feil i henvisning (simulert)") for c in claims[:2]}
    inbox.simulate_receipt(db, sid, rejected, now=now)
    inbox.read_inbox(db, actor=WHO, now=now)
    old, fix = st.correct_rejected(db, sid, actor=WHO, now=now)
    _control_and_submit(db, fix.id, now)
    second = hx.create_file(db, fix.id, actor=WHO, now=now)
    inbox.simulate_receipt(db, fix.id, {}, now=now)
    inbox.read_inbox(db, actor=WHO, now=now)
    today = now.date()
    for s in (old, fix):
        fresh = st.load_settlement(db, s.id)
        st.pay(db, s.id, fresh.total, today, actor=WHO, now=now)
        booking.book(db, s.id, actor=WHO, now=now)
    with db.transaction() as repos:
        repos.set_setting(DONE, now.isoformat())
    numbers = ", ".join(str(n) for n in rejected)
    return [
        f"Oppgjør {sid}: signert BKM i utboksen: {first.path}",
        f"Simulert kvittering avviste regning {numbers}; rettet i oppgjør {fix.id} med samme "
        "regningsnumre og GUID-er",
        f"Oppgjør {fix.id}: signert BKM i utboksen: {second.path}",
        f"Kvitteringer lest og arkivert i {folders.archive}; begge oppgjørene er utbetalt og "
        "bokført (oppgjor settlement export ID)",
        f"Testsertifikat og passordfil (chmod 600): {folders.outbox.parent / 'sertifikat'}",
    ]
