"""Shared parts of the Helfo CLI: the command groups, option types, JSON shapes, tables."""

from __future__ import annotations

import datetime
import getpass
from typing import Annotated, Any

import typer
from rich.table import Table

from oppgjor.app.errors import UseCaseError
from oppgjor.cli.layout import AMOUNT, FIXED, TEXT, say, table
from oppgjor.cli.render import format_count, out, print_json
from oppgjor.clinic.adapters.rows import parse_date
from oppgjor.core.money import format_nok
from oppgjor.helfo.domain import calendar, payouts
from oppgjor.helfo.domain.model import (
    STATE_LABELS,
    Claim,
    Settlement,
    SettlementState,
    SettlementType,
)

settlement_app = typer.Typer(
    help="Oppgjør med Helfo: lag, kontrollér, send inn, rett, bokfør.", no_args_is_help=True
)
claim_app = typer.Typer(
    help="Regninger til Helfo: venter, foreldes, avvist, krediter.", no_args_is_help=True
)
helfo_app = typer.Typer(help="Helfo-kalenderen og innstillinger.", no_args_is_help=True)

TYPES = {"fbv": SettlementType.FBV, "bkm": SettlementType.BKM}
Id = Annotated[int, typer.Argument(help="Oppgjørsnummer.")]
Version = Annotated[
    int | None,
    typer.Option("--version", help="Versjonen du så; feiler hvis noen andre har endret oppgjøret."),
]
User = Annotated[
    str | None, typer.Option("--user", envvar="OPPGJOR_USER", help="Hvem som gjør endringen.")
]


# a settlement's history as a person reads it: what was done, and the states in words
EVENT_LABELS = {
    "create": "opprettet", "edit": "endret", "submit": "sendt inn", "unlock": "låst opp",
    "delete": "slettet", "send": "sendt", "resend": "sendt på nytt", "receipt": "kvittering",
    "correct": "rettet", "pay": "utbetalt", "book": "bokført",
}  # fmt: skip


def state_label(value: str | None) -> str:
    """A settlement state's name as the FBV manual says it (``Til behandling``)."""
    if not value:
        return ""
    try:
        return STATE_LABELS[SettlementState(value)]
    except ValueError:
        return value


def actor_name(user: str | None) -> str:
    if user:
        return user
    try:
        return getpass.getuser()
    except OSError:
        return "ukjent"


def day_option(value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise UseCaseError(f"«{value}» er ikke en dato (ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ).") from None


def settlement_type_of(value: str) -> SettlementType:
    try:
        return TYPES[value.lower()]
    except KeyError:
        raise UseCaseError(f"Ukjent oppgjørstype «{value}»; velg fbv eller bkm.") from None


# the settlement tabs as the user may say them: the FBV manual's Norwegian names, or English
TAB_NAMES = {
    "draft": "draft", "til-behandling": "draft", "til behandling": "draft", "utkast": "draft",
    "submitted": "submitted", "innsendt": "submitted",
    "booked": "booked", "bokført": "booked", "bokfort": "booked",
}  # fmt: skip


def tab_of(value: str | None) -> str | None:
    """The tab *value* names (any case), e.g. ``Innsendt`` -> ``submitted``; a usage error
    (exit 2) listing the names accepted for any other value."""
    if value is None:
        return None
    try:
        return TAB_NAMES[value.strip().lower()]
    except KeyError:
        accepted = "til-behandling (utkast, draft), innsendt (submitted), bokført (booked)"
        raise typer.BadParameter(
            f"ukjent fane «{value}»; velg {accepted}", param_hint="--tab"
        ) from None


def state_of(value: str | None) -> SettlementState | None:
    """The state *value* names: its English name or the status shown (``sendt``,
    ``Utbetalt``, ``til behandling``), any case; a usage error (exit 2) listing them."""
    if value is None:
        return None
    said = value.strip().lower().replace("-", " ")
    for state in SettlementState:
        if said in (state.value, STATE_LABELS[state].lower()):
            return state
    accepted = ", ".join(f"{STATE_LABELS[s].lower()} ({s.value})" for s in SettlementState)
    raise typer.BadParameter(f"ukjent tilstand «{value}»; velg {accepted}", param_hint="--state")


def claim_numbers(values: list[str] | None) -> list[int]:
    result = []
    for value in values or []:
        for part in value.replace(",", " ").split():
            if not part.isdigit():
                raise UseCaseError(f"«{part}» er ikke et regningsnummer.")
            result.append(int(part))
    return result


def settlement_dict(s: Settlement) -> dict[str, Any]:
    return {
        "id": s.id,
        "type": s.type.value,
        "date": s.date.isoformat(),
        "state": s.state.value,
        "status": s.label,
        "version": s.version,
        "total": str(s.total),
        "count": s.count,
        "control_blocking": s.control_blocking,
        "controlled": s.control_version == s.version,
        "payout_amount": None if s.payout_amount is None else str(s.payout_amount),
        "payout_approved": None if s.payout_approved is None else str(s.payout_approved),
        "payout_difference": str(payouts.difference(s)) if payouts.difference(s) else None,
        "payout_decision": s.payout_decision,
        "payout_decision_reason": s.payout_decision_reason,
        "transport_ref": s.transport_ref,
        "corrects": s.corrects_id,
    }


def claim_dict(c: Claim) -> dict[str, Any]:
    x = c.content
    return {
        "number": c.number,
        "guid": c.guid,
        "kind": c.kind.value,
        "status": c.status,
        "type": x.type.value,
        "patient": x.patient_ref,
        "practitioner": x.practitioner_ref,
        "series": x.series_ref,
        "appointment": c.appointment_ref,
        "time": x.service_time.isoformat(),
        "expires": calendar.claim_expiry(x.service_date).isoformat(),
        "tariffs": [f"{line.code}x{line.quantity}" for line in x.lines],
        "diagnosis": x.diagnosis_code,
        "copayment_reason": x.copayment_reason,
        "refund": str(c.amount),
        "copayment": str(x.copayment),
        "outcome_code": c.outcome_code,
        "outcome_text": c.outcome_text,
        "settlement": c.settlement_id,
    }


def print_settlement(s: Settlement, as_json: bool) -> None:
    if as_json:
        print_json(settlement_dict(s))
        return
    controlled = ""
    if s.state is SettlementState.DRAFT:
        ok = s.control_version == s.version
        controlled = ", kontrollert" if ok else ", ikke kontrollert"
    say(
        out,
        f"Oppgjør [bold]{s.id}[/] {s.type.value} {s.date:%d.%m.%Y}: [bold]{s.label}[/], "
        f"{s.count} regninger, {format_nok(s.total)} kr (versjon {s.version}{controlled})",
    )
    for finding in payouts.findings(s):  # a payout that differs stays visible (ADR 0017)
        out.print(f"[yellow]{finding.message}[/]")


def claims_table(claims: list[Claim], title: str, total: int | None = None) -> Table:
    """The claims as a table that fits 80 columns; *total* the number there are, when only
    some are shown (the title says ``50 av 301``)."""
    count = (
        f"{format_count(len(claims))} av {format_count(total)}"
        if total is not None and total != len(claims)
        else ""
    )
    result = table(
        f"{title} ({count or len(claims)})",
        ("nr", FIXED), ("status", TEXT), ("tid", FIXED), ("pasient", FIXED),
        ("behandler", FIXED), ("serie", FIXED), ("takster", TEXT), ("refusjon", AMOUNT),
    )  # fmt: skip
    for c in claims:
        x = c.content
        result.add_row(
            str(c.number),
            c.status + (" (kreditering)" if c.kind.value == "credit" else ""),
            f"{x.service_time:%d.%m.%Y %H:%M}",
            x.patient_ref,
            x.practitioner_ref,
            x.series_ref or "",
            " ".join(line.code for line in x.lines),
            format_nok(c.amount),
        )
    return result


def rejection_reasons(values: list[str] | None) -> dict[int, tuple[str, str]]:
    result = {}
    for value in values or []:
        number, _, rest = value.partition(":")
        code, _, text = rest.partition(":")
        if not number.strip().isdigit() or not code:
            raise UseCaseError(f"«{value}» må ha formen REGNINGSNR:KODE[:TEKST].")
        result[int(number)] = (code.strip(), text.strip())
    return result
