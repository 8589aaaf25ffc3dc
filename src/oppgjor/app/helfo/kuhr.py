"""Sending settlements through the KUHR Krav API and applying its status to them."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import delivery, exchange
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.adapters import kuhr
from oppgjor.helfo.adapters.messages import kuhr_json
from oppgjor.helfo.domain.model import Settlement, SettlementState
from oppgjor.store import Database

TOKEN_ENV = "OPPGJOR_KUHR_TOKEN"
SETTINGS = {
    "url": "kuhr_url",
    "maskinporten_token_url": "kuhr_maskinporten_token_url",
    "maskinporten_audience": "kuhr_maskinporten_audience",
    "maskinporten_client_id": "kuhr_maskinporten_client_id",
    "maskinporten_key": "kuhr_maskinporten_key",  # path to the client's private key (PEM)
}


def get_settings(db: Database) -> dict[str, str | None]:
    with db.transaction() as repos:
        return {k: repos.get_setting(v) for k, v in SETTINGS.items()}


def set_settings(db: Database, **values: str | None) -> dict[str, str | None]:
    url = values.get("url")
    if url:
        url = values["url"] = kuhr.ENVIRONMENTS.get(url, url)
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise UseCaseError("KUHR-adressen må være https (eller dev/prod).")
    with db.transaction() as repos:
        for key, value in values.items():
            if value is not None:
                repos.set_setting(SETTINGS[key], value)
    return get_settings(db)


def tokens(settings: dict[str, str | None]) -> kuhr.TokenProvider:
    """$OPPGJOR_KUHR_TOKEN, else a Maskinporten client from the settings."""
    if os.environ.get(TOKEN_ENV):
        return kuhr.StaticToken(os.environ[TOKEN_ENV])
    needed = ["maskinporten_token_url", "maskinporten_audience", "maskinporten_client_id",
              "maskinporten_key"]  # fmt: skip
    gaps = [k for k in needed if not settings.get(k)]
    if gaps:
        raise UseCaseError(
            f"Ingen tilgang til KUHR: sett ${TOKEN_ENV}, eller Maskinporten ({', '.join(gaps)})."
        )
    return kuhr.Maskinporten.from_key_file(
        settings["maskinporten_token_url"] or "", settings["maskinporten_audience"] or "",
        settings["maskinporten_client_id"] or "", Path(settings["maskinporten_key"] or ""),
    )  # fmt: skip


def client(db: Database, provider: kuhr.TokenProvider | None = None) -> kuhr.KuhrClient:
    settings = get_settings(db)
    with db.transaction() as repos:
        practice = repos.get_practice()
    gaps = []
    if not settings["url"]:
        gaps.append("KUHR-adresse (oppgjor helfo kuhr-settings --url dev|prod|URL)")
    if practice is None or not practice.helfo_practice_id:
        gaps.append("praksisens praksisId hos Helfo (oppgjor practice set --helfo-practice-id)")
    if gaps:
        raise UseCaseError("Fyll ut før innsending til KUHR: " + "; ".join(gaps) + ".")
    assert practice is not None and practice.helfo_practice_id
    return kuhr.KuhrClient(
        settings["url"] or "", provider or tokens(settings), practice.helfo_practice_id
    )


def send(
    db: Database, settlement_id: int, api: kuhr.KuhrClient, *, expected: int | None = None,
    actor: str, now: datetime.datetime,
) -> Settlement:  # fmt: skip
    """Post the settlement; a post a crash left unrecorded is posted again and recorded
    (ADR 0012): KUHR answers ``DUPLIKAT_KRAV``, and the claims are never sent twice."""
    locks = exchange.locks(exchange.get_settings(db))
    try:
        sent = delivery.send_api(
            db, settlement_id, api, locks=locks, expected=expected, actor=actor, now=now
        )
    except kuhr.KuhrError as exc:
        raise UseCaseError(str(exc)) from None
    return sent.settlement


@dataclass(frozen=True)
class PollResult:
    settlement: Settlement
    status: kuhr_json.KuhrStatus
    applied: list[str]


def poll(
    db: Database, settlement_id: int, api: kuhr.KuhrClient, *, actor: str,
    now: datetime.datetime,
) -> PollResult:  # fmt: skip
    """Read the message's status; apply the control result per claim once it is final, and
    the payout once it is paid."""
    s = st.load_settlement(db, settlement_id)
    if s.transport != api.name or not s.transport_ref:
        raise UseCaseError(f"Oppgjør {s.id} er ikke sendt via KUHR-API-et.")
    try:
        status = api.status(s.transport_ref)
    except kuhr.KuhrError as exc:
        raise UseCaseError(str(exc)) from None
    applied = []
    if status.message_status == "feil_i_melding" and s.state is SettlementState.SENT:
        st.receipt(db, s.id, {}, whole_rejected=("feil_i_melding", "Teknisk feil i meldingen"),
                   actor=actor, now=now)  # fmt: skip
        applied.append("hele meldingen avvist")
    elif status.controlled and s.state is SettlementState.SENT:
        rejected = {
            int(c.number): (c.remarks[0].number if c.remarks else "", _texts(c))
            for c in status.claims
            if c.status == "avvist" and c.number.isdigit()
        }
        st.receipt(db, s.id, rejected, actor=actor, now=now)
        applied.append(
            f"kontrollert: {len(status.claims) - len(rejected)} godkjent, {len(rejected)} avvist"
        )
    s = st.load_settlement(db, settlement_id)
    if status.paid_out and s.state is SettlementState.RECEIPTED:
        payout = status.payout
        amount = status.paid if status.paid is not None else (payout.amount if payout else None)
        day = (payout.date if payout else None) or now.date()
        if amount is not None:
            parts = [f"vedtak {status.decision_id}" if status.decision_id else ""]
            if payout and payout.account:
                parts.append(f"konto {payout.account}")
            if payout and payout.kid:
                parts.append(f"KID {payout.kid}")
            reference = ", ".join(p for p in parts if p)
            st.pay(db, s.id, amount, day, reference=reference, actor=actor, now=now)
            applied.append(f"utbetalt {amount} {day:%d.%m.%Y}")
    return PollResult(st.load_settlement(db, settlement_id), status, applied)


def _texts(claim: kuhr_json.ClaimStatus) -> str:
    return " | ".join(f"{r.number}: {r.text}" for r in claim.remarks) or "Avvist"
