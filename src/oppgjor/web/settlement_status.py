"""Oppgjør after Send inn: the status page of a submitted, sent, answered, paid or booked
settlement (Helfo's answer per claim), sending it by the configured channel or as a file for
Helfo's portal, Helfo's receipt (the inbox, or typed in), "rett avviste", and its history.

The certificate password is asked for in the form of each send; it is used for that one send
and never stored, logged or shown again. The payout and booking are in
:mod:`oppgjor.web.settlement_payout`."""

from __future__ import annotations

import os
import re
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query
from fastapi.responses import Response

from oppgjor.access.domain.roles import Permission
from oppgjor.app import history
from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import booking, channels, exchange, inbox, kuhr, status
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain.model import SettlementState
from oppgjor.helfo.domain.transport import ManualTransport
from oppgjor.web.deps import Page, page, safe_target
from oppgjor.web.render import antall_av, redirect, render

router = APIRouter()
READ = page(Permission.SETTLEMENTS_READ)
SUBMIT = page(Permission.SETTLEMENTS_SUBMIT)

Number = Annotated[int, Path(ge=1, le=2_147_483_647)]
Version = Annotated[int | None, Form(ge=1, le=2_147_483_647)]
Secret = Annotated[str, Form(max_length=1024)]
CODE = re.compile(r"^[\w.-]{1,20}$")


def here(number: int) -> str:
    return f"/oppgjor/{number}/status"


def show(ctx: Page, number: int, back: str = "/oppgjor") -> Response:
    view = status.status(ctx.db, number)
    if view.settlement.state is SettlementState.DRAFT:
        return redirect(ctx.request, f"/oppgjor/{number}")
    lines = []
    if view.settlement.state is SettlementState.BOOKED and ctx.may(Permission.SETTLEMENTS_PAY):
        lines = booking.accounting(ctx.db, number)
    return render(ctx, "settlement_status/status.html", section="oppgjor", v=view,
                  s=view.settlement, States=SettlementState, OUTBOX=channels.OUTBOX,
                  lines=lines, decisions=status.DECISION_WORDS, back=back)  # fmt: skip


@router.get("/oppgjor/{number}/status")
def settlement_status(
    number: Number, tilbake: Annotated[str, Query(max_length=2000)] = "", ctx: Page = READ
) -> Response:
    return show(ctx, number, safe_target(tilbake) if tilbake else "/oppgjor")


@router.get("/oppgjor/{number}/historikk")
def settlement_history(number: Number, ctx: Page = READ) -> Response:
    s = st.load_settlement(ctx.db, number)
    entries, _ = history.history(ctx.db, history.SETTLEMENT, str(number))
    return render(ctx, "settlement_status/history.html", section="oppgjor", s=s,
                  entries=entries)  # fmt: skip


def _password_given(ctx: Page, given: str, *, kuhr_too: bool = False) -> None:
    """A file is signed with the certificate: its password typed here, or a password file
    (or the environment) set up; asked in the page's words before anything is made."""
    settings = exchange.get_settings(ctx.db)
    if given or not settings["certificate"] or settings["password_file"]:
        return
    if os.environ.get(exchange.PASSWORD_ENV):
        return
    if not kuhr_too and channels.configured(ctx.db) == channels.KUHR:
        return
    raise UseCaseError(
        "Skriv passordet til virksomhetssertifikatet; det brukes bare til denne sendingen og "
        "lagres ikke. Ingenting ble sendt."
    )


@router.post("/oppgjor/{number}/send")
def send(
    number: Number,
    passord: Secret = "",
    pa_nytt: Annotated[bool, Form()] = False,
    versjon: Version = None,
    ctx: Page = SUBMIT,
) -> Response:
    _password_given(ctx, passord)
    done = channels.send(ctx.db, number, secret=passord or None, resend=pa_nytt,
                         expected=versjon, actor=ctx.actor, now=ctx.now)  # fmt: skip
    where = "til KUHR" if done.channel == channels.KUHR else f"til utboksen ({done.file_name})"
    message = f"Oppgjør {number} er sendt {where}."
    if done.warning:
        message += f" Merk: {done.warning}."
    return redirect(ctx.request, here(number), message)


@router.post("/oppgjor/{number}/portalfil")
def portal_file(
    number: Number, passord: Secret = "", versjon: Version = None, ctx: Page = SUBMIT
) -> Response:
    _password_given(ctx, passord, kuhr_too=True)
    _, data = exchange.portal_download(ctx.db, number, secret=passord or None, expected=versjon,
                                       actor=ctx.actor, now=ctx.now)  # fmt: skip
    return Response(
        data,
        media_type="application/xml",
        headers={
            "Content-Disposition": f'attachment; filename="oppgjor-{number}.xml"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/oppgjor/{number}/sendt-utenom")
def sent_outside(
    number: Number,
    referanse: Annotated[str, Form(max_length=200)] = "",
    versjon: Version = None,
    ctx: Page = SUBMIT,
) -> Response:
    """Sent by other means (Helfo's portal by hand, another program): the reference is kept."""
    if not referanse.strip():
        raise UseCaseError(
            "Skriv referansen (meldings-id, filnavn eller kvittering fra portalen). "
            "Ingenting ble lagret."
        )
    transport = ManualTransport(referanse.strip())
    st.send(ctx.db, number, transport, expected=versjon, actor=ctx.actor, now=ctx.now)
    return redirect(ctx.request, here(number), f"Oppgjør {number} er registrert som sendt.")


@router.post("/oppgjor/{number}/innboks")
def read_inbox(number: Number, ctx: Page = SUBMIT) -> Response:
    report = inbox.read_inbox(ctx.db, actor=ctx.actor, now=ctx.now)
    mine = [x for x in report.applied if x[1] == number]
    parts = [
        f"Innboksen er lest: {antall_av(len(report.applied), 'kvittering', 'kvitteringer')} "
        "lagt inn"
    ]
    parts.append("én av dem for dette oppgjøret" if mine else "ingen for dette oppgjøret")
    message = ", ".join(parts) + "."
    if report.quarantined:
        reasons = "; ".join(f"{name}: {why}" for name, why in report.quarantined[:3])
        files = antall_av(len(report.quarantined), "fil", "filer")
        message += f" {files} lagt i karantene ({reasons})."
    return redirect(ctx.request, here(number), message)


@router.post("/oppgjor/{number}/kuhr-status")
def kuhr_status(number: Number, ctx: Page = SUBMIT) -> Response:
    """Helfo's answer through the KUHR API: the control per claim and the payout when ready."""
    done = kuhr.poll(ctx.db, number, kuhr.client(ctx.db), actor=ctx.actor, now=ctx.now)
    told = "; ".join(done.applied) or "ikke noe nytt ennå"
    return redirect(ctx.request, here(number), f"Status fra KUHR: {told}.")


def _rejections(
    avvist: list[int], regning: list[int], kode: list[str], tekst: list[str]
) -> dict[int, tuple[str, str]]:
    """The ticked claims with Helfo's code and text from the same row of the form."""
    if not (len(regning) == len(kode) == len(tekst)):
        raise UseCaseError("Skjemaet er ufullstendig; last siden på nytt. Ingenting ble lagret.")
    rows = {n: (k.strip(), t.strip()[:500]) for n, k, t in zip(regning, kode, tekst, strict=True)}
    chosen: dict[int, tuple[str, str]] = {}
    for number in avvist:
        code, text = rows.get(number, ("", ""))
        if not CODE.match(code):
            which = f"regning {number}" if number else "hele meldingen"
            raise UseCaseError(
                f"Skriv Helfos avvisningskode (f.eks. 07) for {which}. Ingenting ble lagret."
            )
        chosen[number] = (code, text)
    return chosen


@router.post("/oppgjor/{number}/kvittering")
def receipt(
    number: Number,
    avvist: Annotated[list[int], Form()] = [],  # noqa: B006 - FastAPI copies the default
    regning: Annotated[list[int], Form()] = [],  # noqa: B006
    kode: Annotated[list[str], Form()] = [],  # noqa: B006
    tekst: Annotated[list[str], Form()] = [],  # noqa: B006
    hele: Annotated[bool, Form()] = False,
    hele_kode: Annotated[str, Form(max_length=40)] = "",
    hele_tekst: Annotated[str, Form(max_length=500)] = "",
    versjon: Version = None,
    ctx: Page = SUBMIT,
) -> Response:
    rejected = _rejections(avvist, regning, kode, tekst)
    whole = None
    if hele:
        whole = _rejections([0], [0], [hele_kode], [hele_tekst])[0]
    st.receipt(ctx.db, number, rejected, whole_rejected=whole, expected=versjon,
               actor=ctx.actor, now=ctx.now)  # fmt: skip
    told = f"{len(rejected)} avvist, resten godkjent" if rejected else "alle godkjent"
    if whole:
        told = "hele meldingen avvist"
    return redirect(ctx.request, here(number), f"Kvitteringen er registrert: {told}.")


@router.post("/oppgjor/{number}/rett-avviste")
def correct(number: Number, versjon: Version = None, ctx: Page = SUBMIT) -> Response:
    _, new = st.correct_rejected(ctx.db, number, expected=versjon, actor=ctx.actor, now=ctx.now)
    message = (
        f"De avviste regningene er flyttet til et nytt utkast, oppgjør {new.id}, med samme "
        "regningsnumre. Rett dem der og send inn på nytt."
    )
    return redirect(ctx.request, here(number), message)
