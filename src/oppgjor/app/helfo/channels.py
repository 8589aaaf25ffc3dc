"""Sending a submitted settlement by the channel the practice has configured: the KUHR Krav
API when its address is set, otherwise a signed file in the message server's outbox."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import exchange, kuhr
from oppgjor.helfo.domain.model import Settlement
from oppgjor.store import Database

OUTBOX = "utboks"
KUHR = "kuhr"


@dataclass(frozen=True)
class Sending:
    settlement: Settlement
    channel: str  # OUTBOX or KUHR
    reference: str | None  # the message id, or KUHR's id
    file_name: str | None  # the file in the outbox
    warning: str | None = None  # e.g. the certificate expires soon


def configured(db: Database) -> str:
    """The channel settlements are sent by."""
    return KUHR if kuhr.get_settings(db)["url"] else OUTBOX


def send(
    db: Database,
    settlement_id: int,
    *,
    secret: str | None = None,
    resend: bool = False,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> Sending:
    """Send by the configured channel; *secret* is the certificate's password for this one
    send (never stored), *expected* the version the user saw."""
    if configured(db) == KUHR:
        if resend:
            raise UseCaseError(
                "Et oppgjør sendt til KUHR sendes ikke på nytt; KUHR svarer på det som er sendt."
            )
        s = kuhr.send(db, settlement_id, kuhr.client(db), expected=expected, actor=actor, now=now)
        return Sending(s, KUHR, s.transport_ref, None)
    made = exchange.create_file(
        db, settlement_id, secret=secret, resend=resend, expected=expected, actor=actor, now=now
    )
    return Sending(made.settlement, OUTBOX, made.msg_id, Path(made.path).name, made.warning)
