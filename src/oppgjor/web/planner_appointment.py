"""Planlegger: one appointment's page: its fields and history, move it (the planner's rules
shown as the new times are typed), cancel it, mark it attended or not attended (ADR 0016: the
claim follows). ``tilbake`` (a page on this site) is kept, so a settlement's finding can link
here and the user come back."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Path, Query
from fastapi.responses import Response

from oppgjor.access.domain.roles import Permission
from oppgjor.app.clinic import appointments, planning
from oppgjor.app.clinic.appointments import Guard
from oppgjor.app.errors import Rejected
from oppgjor.clinic.domain.model import AppointmentStatus
from oppgjor.core.findings import Finding
from oppgjor.web.deps import Page, page, safe_target
from oppgjor.web.planner import WithLines, moved, owner_of, planner_url, warnings
from oppgjor.web.render import redirect, render

router = APIRouter(prefix="/planlegger/avtale")
Key = Path(min_length=1, max_length=64)
Back = Query("", max_length=500)
Version = Form("", max_length=64)  # the version the page showed (Stale if changed since)
DONE = {
    AppointmentStatus.ATTENDED: "merket som møtt",
    AppointmentStatus.NO_SHOW: "merket som ikke møtt",
    AppointmentStatus.CANCELLED: "avlyst",
    AppointmentStatus.PLANNED: "satt tilbake til planlagt",
}


def appointment_url(key: str, back: str = "") -> str:
    url = f"/planlegger/avtale/{quote(key, safe='')}"
    return url + (f"?{urlencode({'tilbake': back})}" if back else "")


def _back(target: str) -> str:
    """The page to return to: one on this site, else none."""
    return "" if safe_target(target) == "/" else safe_target(target)


def _page(ctx: Page, key: str, back: str, findings: list[Finding] | None = None,
          status: int = 200) -> Response:  # fmt: skip
    owner = owner_of(ctx)
    shown = planning.entry(ctx.db, key, owner=owner)
    found = shown.appointment
    history = appointments.history(ctx.db, key, owner=owner)
    planner = planner_url(found.practitioner_ref, found.day, "dag")
    series = planning.series_of(ctx.db, found.patient_ref)
    return render(ctx, "planner/appointment.html", status=status, section="planlegger",
                  a=found, key=shown.key, entry=shown, history=history, back=back,
                  series=series, planner=planner, findings=findings or [],
                  statuses=[s for s in AppointmentStatus if s is not found.status],
                  may_write=ctx.may(Permission.APPOINTMENTS_WRITE))  # fmt: skip


@router.get("/{key}")
def show(key: str = Key, tilbake: str = Back,
         ctx: Page = page(Permission.RECORDS_READ)) -> Response:  # fmt: skip
    return _page(ctx, key, _back(tilbake))


@router.post("/{key}/flytt")
def move(
    key: str = Key, dato: str = Form(..., max_length=10), fra: str = Form(..., max_length=5),
    til: str = Form(..., max_length=5), lines: str = Form("", max_length=200),
    series_ref: str = Form("", max_length=64), med_takster: str = WithLines,
    tilbake: str = Form("", max_length=500), versjon: str = Version,
    ctx: Page = page(Permission.APPOINTMENTS_WRITE),
) -> Response:  # fmt: skip
    """New times; the tariffs and the series too when the form has them (empty: none)."""
    back = _back(tilbake)
    form = {"dato": dato, "fra": fra, "til": til, "lines": lines, "series_ref": series_ref}
    changes = moved(form, with_lines=bool(med_takster))
    guard = Guard(expected=versjon or None, owner=owner_of(ctx))
    try:
        done = appointments.update(ctx.db, key, changes, actor=ctx.actor, now=ctx.now,
                                   guard=guard)  # fmt: skip
    except Rejected as refused:
        return _page(ctx, key, back, list(refused.findings), status=422)
    a = done.appointment
    when = "" if a is None else f"{a.start:%d.%m.%Y kl. %H:%M}–{a.end:%H:%M}"
    message = f"Avtale {key} er endret: {when}." if done.changes else "Ingenting ble endret."
    message += warnings(done.findings)
    return redirect(ctx.request, appointment_url(key, back), message)


@router.post("/{key}/status")
def mark(
    key: str = Key, status: Literal["planned", "attended", "no_show", "cancelled"] = Form(...),
    tilbake: str = Form("", max_length=500), versjon: str = Version,
    ctx: Page = page(Permission.APPOINTMENTS_WRITE),
) -> Response:  # fmt: skip
    back = _back(tilbake)
    new = AppointmentStatus(status)
    guard = Guard(expected=versjon or None, owner=owner_of(ctx))
    done = appointments.mark(ctx.db, key, new, actor=ctx.actor, now=ctx.now, guard=guard)
    notes = " ".join(done.claims)
    message = f"Avtale {key} er {DONE[new]}." + (f" {notes}" if notes else "")
    return redirect(ctx.request, appointment_url(key, back), message)
