"""Oppgjør: the three tabs of the FBV manual's BKM module (Til behandling, Innsendt, Bokført),
a new draft, and a draft as the manual's chapter 2 works it: tick claims one by one, all or
none, or by period (the total and count follow each tick), Kontrollér with the findings per
claim and a link to the record that fixes each, «Flytt feilede ut», Send inn, Lås opp and
Slett. A settlement that is no longer a draft opens its status page."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from oppgjor.access.domain.roles import Permission
from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import drafts
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain.model import Settlement, SettlementState, SettlementType
from oppgjor.web import settlement_links as links
from oppgjor.web.deps import Page, page
from oppgjor.web.render import is_htmx, redirect, render
from oppgjor.web.settlement_links import MAX_ID, Number, checked_period

router = APIRouter()
WRITE = Permission.SETTLEMENTS_WRITE

Version = Annotated[int | None, Form(ge=1, le=MAX_ID)]
Numbers = Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Form(max_length=10_000)]
Action = Literal["oppdater", "alle", "ingen", "periode"]
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
    versjon: Version = None,
    ctx: Page = page(Permission.SETTLEMENTS_SUBMIT),
) -> Response:
    """Lås opp (Markér som ikke innsendt): a submitted settlement not yet sent goes back to
    Til behandling."""
    st.unlock(ctx.db, number, expected=versjon, actor=ctx.actor, now=ctx.now)
    return redirect(ctx.request, f"/oppgjor/{number}",
                    f"Oppgjør {number} er låst opp og ligger under Til behandling.")  # fmt: skip


@router.get("/oppgjor/{number}")
def settlement(
    number: Number,
    sorter: Annotated[links.Sort, Query()] = "dato",
    pasient: Annotated[str, Query(max_length=100)] = "",
    ctx: Page = page(Permission.SETTLEMENTS_READ),
) -> Response:
    """A draft's work page; a submitted or booked settlement's status page."""
    s = st.load_settlement(ctx.db, number)
    if s.state is not SettlementState.DRAFT:
        return RedirectResponse(f"/oppgjor/{number}/status", status_code=303)
    draft = drafts.draft(ctx.db, number, ctx.now)
    back = f"/oppgjor/{number}"
    return render(ctx, "settlements/draft.html", section="oppgjor", d=draft, s=draft.settlement,
                  rows=links.arranged(draft.rows, sorter, pasient), sorter=sorter,
                  pasient=pasient, sorts=links.SORTS, back=back, links=links,
                  may_write=ctx.may(WRITE),
                  may_submit=ctx.may(Permission.SETTLEMENTS_SUBMIT))  # fmt: skip


def _totals(ctx: Page, s: Settlement, message: str, back: str) -> Response:
    """After a change: the count and total (htmx), or the page (*back*) with *message*."""
    if is_htmx(ctx.request):
        return render(ctx, "settlements/_sum.html", s=s, oob=True)
    return redirect(ctx.request, back, message)


@router.post("/oppgjor/{number}/marker")
def mark(
    number: Number,
    valgt: Numbers = [],  # noqa: B006 - FastAPI copies defaults
    vist: Numbers = [],  # noqa: B006
    handling: Annotated[Action, Form()] = "oppdater",
    fra: Annotated[datetime.date | None, Form()] = None,
    til: Annotated[datetime.date | None, Form()] = None,
    versjon: Version = None,
    sorter: Annotated[links.Sort, Form()] = "dato",
    pasient: Annotated[str, Form(max_length=100)] = "",
    ctx: Page = page(WRITE),
) -> Response:
    """Markér: the ticks of the claims shown (*vist*: the ticked ones are *valgt*), all or
    none of them, or a period; back to the list as it was sorted and filtered."""
    selection = _selection(ctx, number, handling, set(valgt), set(vist), fra, til)
    back = links.draft_address(number, sorter, pasient)
    if selection is None:
        s = st.load_settlement(ctx.db, number)
        return _totals(ctx, s, "Ingen endringer å lagre.", back)
    s = st.mark(ctx.db, number, selection, expected=versjon, actor=ctx.actor, now=ctx.now)
    return _totals(ctx, s, f"Lagret: {s.count} regninger i oppgjøret.", back)


def _selection(
    ctx: Page,
    number: int,
    action: Action,
    ticked: set[int],
    shown: set[int],
    first: datetime.date | None,
    last: datetime.date | None,
) -> st.Selection | None:
    """What to mark: all or none of the claims shown (of all, when none are named), a
    period, or the ticks of the claims shown as they differ from the draft."""
    if action in ("alle", "ingen") and not shown:
        return st.Selection(add_all=action == "alle", remove_all=action == "ingen")
    if action in ("alle", "ingen"):
        ticked = set(shown) if action == "alle" else set()
    if action == "periode":
        period = checked_period(first, last)
        if period is None:
            raise UseCaseError("Oppgi fra- og til-dato for perioden; ingenting ble endret.")
        return st.Selection(period=period)
    members = set(drafts.members(ctx.db, number))
    add = sorted((ticked & shown) - members)
    remove = sorted((shown & members) - ticked)
    return st.Selection(add=add, remove=remove) if add or remove else None


@router.post("/oppgjor/{number}/kontroll")
def control(number: Number, versjon: Version = None, ctx: Page = page(WRITE)) -> Response:
    """Kontrollér: every control on the claims as the records are now."""
    report = st.control(ctx.db, number, expected=versjon, actor=ctx.actor, now=ctx.now)
    text = _control_text(report.blocking, report.warnings)
    return redirect(ctx.request, f"/oppgjor/{number}#funn", text)


def _control_text(blocking: int, warnings: int) -> str:
    if blocking or warnings:
        warned = "1 advarsel" if warnings == 1 else f"{warnings} advarsler"
        return (f"Kontrollen er ferdig: {blocking} feil og {warned}. "
                "Se funnene under regningene.")  # fmt: skip
    return "Kontrollen er ferdig: ingen funn. Oppgjøret kan sendes inn."


@router.post("/oppgjor/{number}/flytt-ut")
def move_out(number: Number, versjon: Version = None, ctx: Page = page(WRITE)) -> Response:
    """Flytt feilede ut: the claims with errors in the last control wait for the next one."""
    _, moved = st.move_blocked_out(ctx.db, number, expected=versjon, actor=ctx.actor,
                                   now=ctx.now)  # fmt: skip
    if not moved:
        return redirect(ctx.request, f"/oppgjor/{number}", "Ingen regninger hadde feil.")
    listed = ", ".join(map(str, moved))
    counted = "1 regning" if len(moved) == 1 else f"{len(moved)} regninger"
    text = f"{counted} med feil er flyttet ut og venter: {listed}."
    # what is left is controlled again at once, so «Send inn» can follow (as the manual does)
    report = st.control(ctx.db, number, actor=ctx.actor, now=ctx.now)
    text += " " + _control_text(report.blocking, report.warnings)
    return redirect(ctx.request, f"/oppgjor/{number}", text)


@router.post("/oppgjor/{number}/send-inn")
def submit(
    number: Number, versjon: Version = None, ctx: Page = page(Permission.SETTLEMENTS_SUBMIT)
) -> Response:
    """Send inn: the controls run once more; without errors the settlement is locked."""
    s = st.submit(ctx.db, number, expected=versjon, actor=ctx.actor, now=ctx.now)
    return redirect(ctx.request, f"/oppgjor/{number}/status",
                    f"Oppgjør {s.id} er sendt inn og ligger under Innsendt.")  # fmt: skip


@router.get("/oppgjor/{number}/slett")
def confirm_delete(number: Number, ctx: Page = page(WRITE)) -> Response:
    s = st.load_settlement(ctx.db, number)
    if s.state is not SettlementState.DRAFT:  # only a draft can be deleted
        return RedirectResponse(f"/oppgjor/{number}/status", status_code=303)
    return render(ctx, "settlements/delete.html", section="oppgjor", s=s)


@router.post("/oppgjor/{number}/slett")
def delete(
    number: Number,
    bekreft: Annotated[str, Form(max_length=10)] = "",
    versjon: Version = None,
    ctx: Page = page(WRITE),
) -> Response:
    """Slett: only when confirmed (a dialog, or the box on the confirmation page)."""
    if bekreft != "ja":
        return redirect(ctx.request, f"/oppgjor/{number}/slett")
    st.delete(ctx.db, number, expected=versjon, actor=ctx.actor, now=ctx.now)
    return redirect(ctx.request, "/oppgjor",
                    f"Utkastet {number} er slettet; regningene venter igjen.")  # fmt: skip


@router.post("/oppgjor/{number}/dato")
def change_date(
    number: Number,
    dato: Annotated[datetime.date, Form()],
    versjon: Version = None,
    ctx: Page = page(WRITE),
) -> Response:
    """Endre dato: e.g. a dummy draft set apart two weeks ahead (the manual's 2.3)."""
    st.change_date(ctx.db, number, dato, expected=versjon, actor=ctx.actor, now=ctx.now)
    return redirect(ctx.request, f"/oppgjor/{number}", f"Oppgjørsdatoen er nå {dato:%d.%m.%Y}.")
