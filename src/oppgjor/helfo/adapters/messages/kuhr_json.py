"""The KUHR Krav API's JSON: the behandlerkravmelding we send, and the status we read back.

Built exactly from the documented fields (Helfo rejects unknown ones with ``UKJENT_FELT``);
read leniently where the documentation's own examples disagree (NOTES.md §3.5).
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from oppgjor.helfo.adapters.messages.content import BkmClaim, BkmMessage

OSLO = ZoneInfo("Europe/Oslo")


def _amount(value: Decimal) -> float:
    """A JSON number. The API takes numbers; two-decimal kroner survive the conversion
    exactly (the shortest float repr round-trips), which a test checks."""
    return float(value.quantize(Decimal("0.01")))


def _time(value: datetime.datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=OSLO)
    return aware.replace(microsecond=0).isoformat()


def _claim(c: BkmClaim) -> dict[str, Any]:
    out: dict[str, Any] = {"guid": (c.guid or "").strip("{}")}
    if c.copayment_paid is not None:
        out["korrigeringBetaltEgenandel"] = c.copayment_correction
        out["betaltEgenandel"] = c.copayment_paid
    if c.credit is not None:
        out["kreditering"] = c.credit
    out["regningsnummer"] = c.number
    out["tidspunkt"] = _time(c.time)
    if c.note:
        out["merknad"] = c.note
    if c.patient:
        p = c.patient
        patient: dict[str, Any] = {}
        if p.family_name:
            patient["etternavn"] = p.family_name
        if p.given_name:
            patient["fornavn"] = p.given_name
        if p.sex:
            patient["kjonn"] = p.sex
        if p.id_value and p.id_type:
            patient["identifikasjon"] = {"id": p.id_value, "type": p.id_type}
        if p.birth_date:
            patient["fodselsdato"] = p.birth_date.isoformat()
        out["pasient"] = patient
    t = c.treatment
    if t is not None:
        if t.copayment_reason:
            out["arsakFriEgenandel"] = t.copayment_reason.code
        if t.diagnoses:
            out["diagnoser"] = [{"kodeverk": d.system, "kode": d.code} for d in t.diagnoses]
        if t.referral_date or t.related_practitioner:
            referral: dict[str, Any] = {}
            if t.referral_date:
                referral["dato"] = t.referral_date.isoformat()
            if t.referral_id:
                referral["id"] = t.referral_id
            if t.related_practitioner:
                referral["henvistFra"] = {"id": t.related_practitioner, "type": "HPR"}
            out["henvisning"] = referral
        out["takster"] = [
            {"belop": _amount(x.amount), "kode": x.code, "antall": x.count} for x in t.tariffs
        ]
    out["belop"] = _amount(c.refund)
    return out


def build(message: BkmMessage, practice_id: str) -> dict[str, Any]:
    """The request body (before JWE encryption)."""
    krav: dict[str, Any] = {}
    if message.department:
        krav["avdeling"] = message.department
    if message.epj_name:
        krav["navnEPJ"] = f"{message.epj_name} {message.epj_version or ''}".strip()
    if message.resh:
        krav["reshId"] = message.resh
    krav["regninger"] = [_claim(c) for c in message.claims]
    krav["antallRegninger"] = message.count
    krav["belop"] = _amount(message.total)
    return {"praksisId": practice_id, "behandlerkrav": krav}


# -- status ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Remark:
    number: str
    text: str


@dataclass(frozen=True)
class ClaimStatus:
    guid: str
    number: str
    status: str  # behandles, godkjent, avvist
    remarks: tuple[Remark, ...]


@dataclass(frozen=True)
class Payout:
    amount: Decimal | None
    date: datetime.date | None
    account: str | None
    kid: str | None


@dataclass(frozen=True)
class KuhrStatus:
    message_id: str
    message_status: str
    control_status: str
    payout_status: str
    decision_id: str | None
    received: datetime.datetime | None
    claimed: Decimal | None
    paid: Decimal | None
    claims: tuple[ClaimStatus, ...]
    payout: Payout | None
    reprocessing: bool = False

    @property
    def controlled(self) -> bool:
        return self.control_status == "ferdig_kontrollert"

    @property
    def paid_out(self) -> bool:
        return self.payout_status == "utbetalt"


def _dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def parse_time(value: Any) -> datetime.datetime | None:
    """ISO 8601, also the documented example without the 'T' (``2026-01-0615:30:29+01:00``)."""
    if not value:
        return None
    text = str(value)
    fixed = re.sub(r"^(\d{4}-\d{2}-\d{2})(\d{2}:)", r"\1T\2", text)
    return datetime.datetime.fromisoformat(fixed)


def _date(value: Any) -> datetime.date | None:
    parsed = parse_time(value) if value and len(str(value)) > 10 else None
    if parsed:
        return parsed.date()
    return datetime.date.fromisoformat(str(value)) if value else None


def _remarks(items: Any) -> tuple[Remark, ...]:
    return tuple(Remark(str(m.get("nummer", "")), str(m.get("tekst", ""))) for m in items or [])


def _one(row: dict[str, Any]) -> KuhrStatus:
    sending = row.get("innsending") or {}
    payout = (row.get("vedtak") or {}).get("utbetaling")
    return KuhrStatus(
        message_id=str(row.get("behandlerkravmeldingId", "")),
        message_status=str(row.get("meldingsstatus", "")),
        control_status=str(row.get("kontrollstatus", "")),
        payout_status=str(row.get("utbetalingsstatus", "")),
        decision_id=row.get("vedtakId"),
        received=parse_time(row.get("mottattidspunkt")),
        claimed=_dec(row.get("sumKravbelop", sending.get("sumKravbelop"))),
        paid=_dec(row.get("sumUtbetaltbelop", sending.get("sumUtbetaltbelop"))),
        claims=tuple(
            ClaimStatus(
                str(c.get("guid", "")),
                str(c.get("regningsnummer", "")),
                str(c.get("status", "")),
                _remarks(c.get("merknader")),
            )
            for c in sending.get("regninger") or []
        ),
        payout=None
        if not payout
        else Payout(
            _dec(payout.get("belop")),
            _date(payout.get("utbetaltdato")),
            payout.get("kontonr"),
            payout.get("kid"),
        ),
        reprocessing=bool(row.get("rebehandling", False)),
    )


def loads(data: bytes | str) -> Any:
    """JSON from KUHR; anything that is not JSON (also nesting too deep for the parser) is a
    ValueError, as every other refusal of this module."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("Svaret fra KUHR er for dypt nøstet til å leses.") from None


def parse_status(body: Any) -> list[KuhrStatus]:
    """The status rows of a response: ``{behandlerkravmeldinger: [...]}`` or a bare object.
    A row of another shape than KUHR's is a ValueError."""
    if isinstance(body, dict) and "behandlerkravmeldinger" in body:
        rows = body["behandlerkravmeldinger"] or []
    elif isinstance(body, list):
        rows = body
    elif isinstance(body, dict):
        rows = [body]
    else:
        raise ValueError("Ukjent statussvar fra KUHR")
    if not isinstance(rows, list):
        raise ValueError("Ukjent statussvar fra KUHR")
    try:
        return [_one(r) for r in rows if isinstance(r, dict)]
    except (AttributeError, TypeError) as exc:  # a field of another shape than documented
        raise ValueError(f"Statussvaret fra KUHR har et felt av feil slag ({exc}).") from None


def latest(rows: list[KuhrStatus]) -> KuhrStatus:
    """The row that counts: a reprocessing (rebehandling) row overrides the first one."""
    if not rows:
        raise ValueError("KUHR svarte uten status for meldingen")
    reprocessed = [r for r in rows if r.reprocessing]
    return (reprocessed or rows)[-1]
