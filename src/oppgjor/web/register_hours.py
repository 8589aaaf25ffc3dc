"""A practitioner's working hours on the practitioner's page: a line of the weekly pattern
added or removed (the planner's rule: SCHEDULE_WRITE; the version shown must be current)."""

from __future__ import annotations

import datetime

from fastapi import APIRouter, Form
from fastapi.responses import Response

from oppgjor.access.domain.roles import Permission
from oppgjor.app.access import Invalid
from oppgjor.app.clinic import schedule
from oppgjor.clinic.domain.schedule import WeeklyHours
from oppgjor.web.deps import Page, page
from oppgjor.web.register_forms import record_url
from oppgjor.web.render import redirect

router = APIRouter()
WRITE = Permission.SCHEDULE_WRITE


def _back(ref: str) -> str:
    return record_url("practitioners", ref) + "#timer-tittel"


@router.post("/registre/practitioners/{ref}/arbeidstid")
def add_hours(
    ref: str,
    ukedag: int = Form(ge=0, le=6),
    fra: datetime.time = Form(),
    til: datetime.time = Form(),
    gyldig_fra: datetime.date = Form(),
    gyldig_til: str = Form("", max_length=10),
    ctx: Page = page(WRITE),
) -> Response:
    try:
        until = datetime.date.fromisoformat(gyldig_til) if gyldig_til else None
    except ValueError:
        raise Invalid(
            f"«{gyldig_til}» er ikke en dato (ÅÅÅÅ-MM-DD); ingenting ble lagret."
        ) from None
    new = WeeklyHours(ref, ukedag, fra, til, gyldig_fra, until)
    schedule.add_hours(ctx.db, new, actor=ctx.actor, now=ctx.now)
    return redirect(ctx.request, _back(ref), "Arbeidstiden er lagt til.")


@router.post("/registre/practitioners/{ref}/arbeidstid/{hours_id}/slett")
def remove_hours(
    ref: str,
    hours_id: int,
    versjon: int = Form(ge=1),
    ctx: Page = page(WRITE),
) -> Response:
    schedule.remove_hours(ctx.db, hours_id, expected=versjon, actor=ctx.actor, now=ctx.now)
    return redirect(ctx.request, _back(ref), "Arbeidstiden er fjernet.")
