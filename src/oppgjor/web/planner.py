"""Planlegger: a practitioner's day or week (working hours, exceptions, appointments and the
insurers' bookings), a new appointment with the planner's rules shown as it is typed, and the
patient search the form uses. A practitioner's user sees and plans only their own."""

from __future__ import annotations

import datetime
from typing import Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import Response

from oppgjor.access.domain.roles import Permission
from oppgjor.api.records import clock_of
from oppgjor.app.clinic import planning, single
from oppgjor.app.errors import Forbidden, Rejected
from oppgjor.core.findings import Finding, Severity
from oppgjor.web.deps import Page, page
from oppgjor.web.render import redirect, render

router = APIRouter(prefix="/planlegger")
Ref = Query(None, min_length=1, max_length=64)
DAY = datetime.timedelta(days=1)
FIELDS = ("practitioner_ref", "patient_ref", "series_ref", "dato", "fra", "til", "lines")


def owner_of(ctx: Page) -> str | None:
    """Whose appointments the user may see and plan (a practitioner: their own)."""
    if not ctx.principal.own_only:
        return None
    return ctx.principal.practitioner_ref or "-"


def planner_url(practitioner: str | None, day: datetime.date, view: str = "uke") -> str:
    query = {"behandler": practitioner or "", "dato": day.isoformat(), "visning": view}
    return "/planlegger?" + urlencode({k: v for k, v in query.items() if v})


@router.get("")
def week(
    behandler: str | None = Ref, dato: datetime.date | None = None,
    visning: Literal["dag", "uke"] = "uke", ctx: Page = page(Permission.SCHEDULE_READ),
) -> Response:  # fmt: skip
    day = dato or ctx.now.date()
    first, count, step = (day, 1, DAY) if visning == "dag" else (
        day - day.weekday() * DAY, 7, 7 * DAY)  # fmt: skip
    shown = planning.plan(ctx.db, behandler, first, count, owner=owner_of(ctx))
    ref = shown.practitioner.ref if shown.practitioner else None
    links = {
        "forrige": planner_url(ref, day - step, visning),
        "neste": planner_url(ref, day + step, visning),
        "idag": planner_url(ref, ctx.now.date(), visning),
        "dag": planner_url(ref, day, "dag"), "uke": planner_url(ref, day, "uke"),
    }  # fmt: skip
    here = planner_url(ref, day, visning)
    return render(ctx, "planner/week.html", section="planlegger", plan=shown, view=visning,
                  day=day, links=links, here=here, today=ctx.now.date(),
                  may_write=ctx.may(Permission.APPOINTMENTS_WRITE))  # fmt: skip


@router.get("/pasienter")
def patients(
    q: str = Query("", max_length=80), patient_ref: str = Query("", max_length=64),
    ctx: Page = page(Permission.RECORDS_READ),
) -> Response:  # fmt: skip
    """The patient choices matching *q* (the form's search narrows its list)."""
    found = planning.choices(ctx.db, owner=owner_of(ctx), search=q).patients
    return render(ctx, "planner/_patients.html", patients=found, selected=patient_ref)


@router.get("/serier")
def series(
    patient_ref: str = Query("", max_length=64), ctx: Page = page(Permission.RECORDS_READ)
) -> Response:
    """The patient's series to link the appointment to (the only one is chosen)."""
    found = planning.series_of(ctx.db, patient_ref)
    chosen = found[0].ref if len(found) == 1 else ""
    return render(ctx, "planner/_series.html", series=found, selected=chosen)


def _values(form: dict[str, str]) -> dict[str, str]:
    """The appointment's fields as the use cases read them, from the form's date and times."""
    day, start, end = form.get("dato", ""), form.get("fra", ""), form.get("til", "")
    values = {k: form[k] for k in ("practitioner_ref", "patient_ref", "series_ref", "lines")
              if form.get(k)}  # fmt: skip
    values["start"] = f"{day} {start}".strip()
    values["end"] = f"{day} {end}".strip()
    return values


def moved(form: dict[str, str], *, with_lines: bool) -> dict[str, str]:
    """What the appointment's page changes: the times, and *with_lines* the tariffs and the
    series as well (empty: none)."""
    times = _values(form)
    changes = {"start": times["start"], "end": times["end"]}
    if with_lines:
        changes |= {"lines": form["lines"].strip(), "series_ref": form["series_ref"].strip()}
    return changes


WithLines = Form("", max_length=3)  # the form has the tariffs and the series (a marker)


def _form_of(
    practitioner_ref: str = Form("", max_length=64), patient_ref: str = Form("", max_length=64),
    series_ref: str = Form("", max_length=64), dato: str = Form("", max_length=10),
    fra: str = Form("", max_length=5), til: str = Form("", max_length=5),
    lines: str = Form("", max_length=200),
) -> dict[str, str]:  # fmt: skip
    return {"practitioner_ref": practitioner_ref.strip(), "patient_ref": patient_ref.strip(),
            "series_ref": series_ref.strip(), "dato": dato.strip(), "fra": fra.strip(),
            "til": til.strip(), "lines": lines.strip()}  # fmt: skip


Fields = Depends(_form_of)


@router.post("/sjekk")
def check(
    avtale: str = Form("", max_length=64), med_takster: str = WithLines,
    form: dict[str, str] = Fields,
    ctx: Page = page(Permission.APPOINTMENTS_WRITE),
) -> Response:  # fmt: skip
    """The planner's messages on the form as typed (nothing is saved)."""
    values = moved(form, with_lines=bool(med_takster)) if avtale else _values(form)
    found = planning.check(ctx.db, values, key=avtale or None, owner=owner_of(ctx))
    return render(ctx, "planner/_check.html", findings=found)


def _new_form(ctx: Page, form: dict[str, str], findings: list[Finding],
              status: int = 200) -> Response:  # fmt: skip
    choices = planning.choices(ctx.db, owner=owner_of(ctx))
    return render(ctx, "planner/new.html", status=status, section="planlegger", form=form,
                  choices=choices, findings=findings)  # fmt: skip


@router.get("/ny")
def new(
    behandler: str | None = Ref, dato: datetime.date | None = None,
    fra: str = Query("", max_length=5), ctx: Page = page(Permission.APPOINTMENTS_WRITE),
) -> Response:  # fmt: skip
    """The form; the start is the first free half hour of the day unless *fra* is given."""
    day = dato or ctx.now.date()
    start = _start(ctx, behandler, day, fra)
    form = dict.fromkeys(FIELDS, "") | {
        "practitioner_ref": owner_of(ctx) or behandler or "", "dato": day.isoformat(),
        "fra": f"{start:%H:%M}", "til": f"{start + datetime.timedelta(minutes=30):%H:%M}",
    }  # fmt: skip
    return _new_form(ctx, form, [])


def _start(ctx: Page, practitioner: str | None, day: datetime.date, given: str
           ) -> datetime.datetime:  # fmt: skip
    try:
        return datetime.datetime.combine(day, datetime.time.fromisoformat(given))
    except ValueError:
        pass
    shown = planning.plan(ctx.db, practitioner, day, 1, owner=owner_of(ctx))
    if not shown.days:
        return datetime.datetime.combine(day, planning.DAY_START)
    return planning.first_free(shown.days[0])


@router.post("/ny")
def create(form: dict[str, str] = Fields,
           ctx: Page = page(Permission.APPOINTMENTS_WRITE)) -> Response:  # fmt: skip
    owner = owner_of(ctx)
    if owner is not None and form["practitioner_ref"] != owner:
        raise Forbidden("Som behandler kan du bare planlegge dine egne avtaler.")
    try:
        made = single.create(ctx.db, "appointments", _values(form), actor=ctx.actor,
                             clock=clock_of(ctx), label="avtale")  # fmt: skip
    except Rejected as refused:
        return _new_form(ctx, form, list(refused.findings), status=422)
    day = made.record.start.date()
    url = planner_url(made.record.practitioner_ref, day, "dag")
    said = f"Avtale {made.key} er lagt inn {made.record.start:%d.%m.%Y kl. %H:%M}."
    return redirect(ctx.request, url, said + warnings(made.report.findings))


def warnings(findings: list[Finding]) -> str:
    """The warnings a saved change still has, to say after it (``" Merk: …"``)."""
    said = [f.message for f in findings if f.severity is Severity.WARNING]
    return f" Merk: {' '.join(said)}" if said else ""
