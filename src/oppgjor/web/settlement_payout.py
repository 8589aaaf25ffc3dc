"""Oppgjør after Helfo's answer: registering the payout (amount, date, reference) with the
difference against what Helfo approved shown as one types (ADR 0017), booking (with the
decision a difference needs) and the accounting file to download."""

from __future__ import annotations

import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import Response

from oppgjor.access.domain.roles import Permission
from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import booking, status
from oppgjor.app.helfo import settlements as st
from oppgjor.core.money import format_nok
from oppgjor.helfo.domain import payouts
from oppgjor.web.deps import Page, page
from oppgjor.web.render import redirect, render
from oppgjor.web.settlement_status import READ, Number, Version, here

router = APIRouter()
PAY = page(Permission.SETTLEMENTS_PAY)


def parse_day(text: str) -> datetime.date:
    """``2026-03-02`` (the date field) or ``02.03.2026`` (typed)."""
    value = text.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise UseCaseError(
        f"«{value[:20]}» er ikke en dato; skriv f.eks. 02.03.2026. Ingenting ble lagret."
    )


@router.get("/oppgjor/{number}/avvik")
def difference(
    number: Number, belop: Annotated[str, Query(max_length=40)] = "", ctx: Page = READ
) -> Response:
    """The payout typed so far against the approved total (an htmx fragment)."""
    view = status.status(ctx.db, number)
    try:
        text = status.payout_preview(view, status.parse_amount(belop)) if belop.strip() else ""
    except UseCaseError as exc:
        text = str(exc).removesuffix(" Ingenting ble lagret.")
    return render(ctx, "settlement_status/_difference.html", text=text)


@router.post("/oppgjor/{number}/utbetaling")
def pay(
    number: Number,
    belop: Annotated[str, Form(max_length=40)],
    dato: Annotated[str, Form(max_length=20)],
    referanse: Annotated[str, Form(max_length=200)] = "",
    versjon: Version = None,
    ctx: Page = PAY,
) -> Response:
    amount, day = status.parse_amount(belop), parse_day(dato)
    s = st.pay(ctx.db, number, amount, day, reference=referanse.strip(), expected=versjon,
               actor=ctx.actor, now=ctx.now)  # fmt: skip
    message = f"Utbetalingen på {format_nok(amount)} kr er registrert."
    view = status.status(ctx.db, s.id)
    if view.difference:
        message += f" Den avviker fra godkjent sum ({view.difference_text}); avgjør før bokføring."
    return redirect(ctx.request, here(number), message)


def _decided(ctx: Page, number: int, decision: str, reason: str) -> None:
    """The decision a differing payout needs, asked in the page's words (the use case asks
    again, in the command line's)."""
    view = status.status(ctx.db, number)
    paid = view.settlement.payout_amount
    if paid is None or decision not in ("", *status.DECISION_WORDS):
        return  # the use case says what is wrong
    diff = view.totals.accepted - paid
    if diff and not decision:
        raise UseCaseError(
            f"Utbetalingen avviker fra godkjent sum ({payouts.describe(diff)}). Velg hvordan "
            "avviket føres før du bokfører. Ingenting ble bokført."
        )
    if decision == payouts.Decision.WRITE_OFF.value and not reason.strip():
        raise UseCaseError("Avskriving trenger en begrunnelse. Ingenting ble bokført.")


@router.post("/oppgjor/{number}/bokfor")
def book(
    number: Number,
    avvik: Annotated[str, Form(max_length=20)] = "",
    begrunnelse: Annotated[str, Form(max_length=500)] = "",
    versjon: Version = None,
    ctx: Page = PAY,
) -> Response:
    _decided(ctx, number, avvik, begrunnelse)
    booking.book(ctx.db, number, difference=avvik or None, reason=begrunnelse or None,
                 expected=versjon, actor=ctx.actor, now=ctx.now)  # fmt: skip
    return redirect(ctx.request, here(number), f"Oppgjør {number} er bokført.")


@router.get("/oppgjor/{number}/bokforing.csv")
def accounting_file(number: Number, ctx: Page = PAY) -> Response:
    text = booking.csv_text(booking.accounting(ctx.db, number))
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="bokforing-{number}.csv"',
            "Cache-Control": "no-store",
        },
    )
