"""Oppgjør: the three tabs of the FBV manual's BKM module (Til behandling, Innsendt, Bokført),
a new draft, and the way into one settlement: a draft opens its work page
(:mod:`oppgjor.web.settlement_draft`), any other goes to its status page."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query
from fastapi.responses import Response

from oppgjor.access.domain.roles import Permission
from oppgjor.app.helfo import drafts
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain.model import SettlementType
from oppgjor.web import settlement_draft
from oppgjor.web.deps import Page, page
from oppgjor.web.render import redirect, render
from oppgjor.web.settlement_links import Number, checked_period

router = APIRouter()

TabName = Literal["til-behandling", "innsendt", "bokfort"]
TABS: dict[str, tuple[str, str]] = {  # the address's name -> (the use case's, the words)
    "til-behandling": ("draft", "Til behandling"),
    "innsendt": ("submitted", "Innsendt"),
    "bokfort": ("booked", "Bokført"),
}
TYPES = {"fbv": SettlementType.FBV, "bkm": SettlementType.BKM}
TYPE_OPTIONS = [("fbv", "NPR BKM FBV (dagbehandling)"), ("bkm", "BKM (direkte oppgjør)")]


@router.get("/oppgjor")
def settlement_list(
    fane: Annotated[TabName, Query()] = "til-behandling",
    ctx: Page = page(Permission.SETTLEMENTS_READ),
) -> Response:
    rows = drafts.tab(ctx.db, TABS[fane][0])
    return render(ctx, "settlements/list.html", section="oppgjor", tabs=TABS, tab=fane,
                  rows=rows, types=TYPE_OPTIONS, today=ctx.now.date(),
                  may_write=ctx.may(Permission.SETTLEMENTS_WRITE),
                  may_submit=ctx.may(Permission.SETTLEMENTS_SUBMIT))  # fmt: skip


@router.post("/oppgjor")
def create(
    type_: Annotated[Literal["fbv", "bkm"], Form(alias="type")],
    dato: Annotated[datetime.date | None, Form()] = None,
    fra: Annotated[datetime.date | None, Form()] = None,
    til: Annotated[datetime.date | None, Form()] = None,
    ctx: Page = page(Permission.SETTLEMENTS_WRITE),
) -> Response:
    """Ny: an empty draft, and when a period is given, its claims ticked at once (the
    manual's «Markér» with a manual period)."""
    period = checked_period(fra, til)
    s = st.new(ctx.db, TYPES[type_], date=dato, actor=ctx.actor, now=ctx.now)
    text = f"Oppgjør {s.id} er opprettet."
    if period:
        s = st.mark(ctx.db, s.id, st.Selection(period=period), expected=s.version,
                    actor=ctx.actor, now=ctx.now)  # fmt: skip
        text += f" {s.count} regninger i perioden er tatt med."
    return redirect(ctx.request, f"/oppgjor/{s.id}", text)


@router.post("/oppgjor/{number}/las-opp")
def unlock(
    number: Number,
    versjon: Annotated[int | None, Form(ge=1)] = None,
    ctx: Page = page(Permission.SETTLEMENTS_SUBMIT),
) -> Response:
    """Lås opp (Markér som ikke innsendt): a submitted settlement not yet sent goes back to
    Til behandling."""
    st.unlock(ctx.db, number, expected=versjon, actor=ctx.actor, now=ctx.now)
    return redirect(ctx.request, f"/oppgjor/{number}",
                    f"Oppgjør {number} er låst opp og ligger under Til behandling.")  # fmt: skip


router.include_router(settlement_draft.router)
