"""One record of a register: shown with its findings beside the fields, checked as the user
types (nothing saved), changed (only the fields the user changed, refused when someone else
changed the record since it was shown), created; a patient's national id revealed (audited);
a series template applied to a series (filling only the empty fields)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from oppgjor.access.domain.roles import Permission
from oppgjor.app.clinic import checking, records, schedule, single, updates
from oppgjor.app.clinic.kinds import RecordKind
from oppgjor.app.errors import Conflict, Rejected, Stale
from oppgjor.core.clock import FixedClock
from oppgjor.core.findings import Finding
from oppgjor.web.deps import Page, page
from oppgjor.web.register_forms import (
    BACK,
    EDITABLE,
    LISTED,
    TAG,
    back,
    back_text,
    changes,
    columns,
    form_data,
    form_text,
    kind_of,
    posted,
    record_url,
    with_back,
)
from oppgjor.web.render import WEEKDAYS, redirect, render

router = APIRouter()
READ = Permission.RECORDS_READ
WRITE = Permission.RECORDS_WRITE
KEPT = "TEMPLATE_VALUE_KEPT"  # a template value not used: the field was set
SAVED_WITH_FINDINGS = "Lagret, men posten har funn som må rettes før oppgjør."


def _extras(ctx: Page, entry: RecordKind, ref: str) -> dict[str, Any]:
    """What a kind's page shows beside the form."""
    if entry.key == "practitioners":
        return {"hours": schedule.hours(ctx.db, ref), "weekdays": WEEKDAYS}
    if entry.key == "series":
        return {"templates": checking.template_names(ctx.db)}
    return {}


def _record_page(ctx: Page, entry: RecordKind, ref: str, tag: str, values: Mapping[str, str],
                 findings: Sequence[Finding], *, target: str, status: int = 200,
                 problem: str = "", revealed: str = "") -> Response:  # fmt: skip
    return render(
        ctx, "registers/record.html", status=status, section="registre",
        **form_data(entry, values, findings, ref=ref, tag=tag, target=target,
                    back_label=back_text(target), problem=problem, revealed=revealed,
                    url=record_url(entry.key, ref), **_extras(ctx, entry, ref)),
    )  # fmt: skip


def _fields(ctx: Page, entry: RecordKind, values: Mapping[str, str], findings: Sequence[Finding],
            ref: str | None) -> Response:  # fmt: skip
    return render(ctx, "registers/_fields.html", section="registre",
                  **form_data(entry, values, findings, ref=ref))  # fmt: skip


@router.get("/registre/ny/{kind}")
def new_form(kind: str, ctx: Page = page(WRITE)) -> Response:
    entry = kind_of(kind, LISTED)
    return _new_page(ctx, entry, {}, [])


def _new_page(ctx: Page, entry: RecordKind, values: Mapping[str, str],
              findings: Sequence[Finding], status: int = 200,
              problem: str = "") -> Response:  # fmt: skip
    templates = checking.template_names(ctx.db) if entry.templated else []
    return render(ctx, "registers/new.html", status=status, section="registre", problem=problem,
                  templates=templates, **form_data(entry, values, findings, ref=None))  # fmt: skip


@router.post("/registre/ny/{kind}/sjekk")
async def check_new(kind: str, ctx: Page = page(WRITE)) -> Response:
    entry = kind_of(kind, LISTED)
    values = await posted(ctx.request, columns(entry))
    given = {k: v for k, v in values.items() if v}
    findings = checking.check(ctx.db, kind, None, given, today=ctx.now.date())
    return _fields(ctx, entry, values, findings, None)


@router.post("/registre/ny/{kind}")
async def create(kind: str, ctx: Page = page(WRITE)) -> Response:
    entry = kind_of(kind, LISTED)
    values = await posted(ctx.request, columns(entry))
    given = {k: v for k, v in values.items() if v}
    template = await form_text(ctx.request, "mal") if entry.templated else ""
    try:
        made = single.create(ctx.db, kind, given, actor=ctx.actor, clock=FixedClock(ctx.now),
                             label=entry.noun, template=template or None)  # fmt: skip
    except (Rejected, Conflict) as refused:
        found = list(refused.findings) if isinstance(refused, Rejected) else []
        return _new_page(ctx, entry, values, found, 422 if found else 409,
                         f"{refused} Ingenting ble lagret.")  # fmt: skip
    message = f"{entry.noun.capitalize()} «{made.key}» er registrert."
    if kind not in EDITABLE:  # a tariff period: shown in the list, never changed
        return redirect(ctx.request, f"/registre/{kind}?q={quote(made.key.split('/')[0])}", message)
    return redirect(ctx.request, record_url(kind, made.key), message)


@router.get("/registre/{kind}/{ref}")
def show(kind: str, ref: str, ctx: Page = page(READ)) -> Response:
    entry = kind_of(kind)
    shown = checking.shown(ctx.db, kind, ref)
    findings = checking.check(ctx.db, kind, ref, {}, today=ctx.now.date())
    return _record_page(ctx, entry, ref, shown.tag, shown.row, findings, target=back(ctx.request))


@router.post("/registre/{kind}/{ref}/sjekk")
async def check(kind: str, ref: str, ctx: Page = page(WRITE)) -> Response:
    """The fields again, with the findings the values typed so far would give."""
    entry = kind_of(kind)
    shown = checking.shown(ctx.db, kind, ref)
    values = await posted(ctx.request, columns(entry))
    wanted = changes(values, shown.row)
    findings = checking.check(ctx.db, kind, ref, wanted, today=ctx.now.date())
    return _fields(ctx, entry, {**shown.row, **values}, findings, ref)


@router.post("/registre/{kind}/{ref}")
async def save(kind: str, ref: str, ctx: Page = page(WRITE)) -> Response:
    entry = kind_of(kind)
    shown = checking.shown(ctx.db, kind, ref)
    values = await posted(ctx.request, columns(entry))
    tag = await form_text(ctx.request, TAG)
    target = back(ctx.request, await form_text(ctx.request, BACK))
    shown_values = {**shown.row, **values}
    try:
        done = updates.update(ctx.db, kind, ref, changes(values, shown.row), actor=ctx.actor,
                              clock=FixedClock(ctx.now), expected=tag or None)  # fmt: skip
    except Stale as stale:
        return _record_page(ctx, entry, ref, tag, shown_values, [], target=target, status=409,
                            problem=f"{stale} Ingenting ble lagret.")  # fmt: skip
    except Rejected as refused:
        return _record_page(ctx, entry, ref, tag, shown_values, refused.findings, target=target,
                            status=422, problem="Ingenting ble lagret; rett feltene som er "
                            "merket.")  # fmt: skip
    message = "Endringene er lagret." if done.changes else "Ingen endringer å lagre."
    if done.changes and any(f.severity.value == "BLOCKING" for f in done.findings):
        message = SAVED_WITH_FINDINGS
    elif target and await form_text(ctx.request, "og") == "tilbake":
        return redirect(ctx.request, target, message)  # «Lagre og gå tilbake»
    return redirect(ctx.request, with_back(record_url(kind, ref), target), message)


@router.post("/registre/patients/{ref}/fodselsnummer")
async def reveal(ref: str, ctx: Page = page(WRITE)) -> Response:
    """The page once more, with the national id in full (who saw it, and when, is audited).
    A POST: the number is never in an address, and a reload asks again."""
    entry = kind_of("patients")
    record = records.reveal(ctx.db, "patients", ref, actor=ctx.actor, at=ctx.now)
    shown = checking.shown(ctx.db, "patients", ref)
    findings = checking.check(ctx.db, "patients", ref, {}, today=ctx.now.date())
    target = back(ctx.request, await form_text(ctx.request, BACK))
    return _record_page(ctx, entry, ref, shown.tag, shown.row, findings, target=target,
                        revealed=record.id_value)  # fmt: skip


@router.post("/registre/series/{ref}/mal")
async def apply_template(ref: str, ctx: Page = page(WRITE)) -> Response:
    """Fill the series' empty fields from a template; what is set is kept (and said)."""
    name = await form_text(ctx.request, "mal")
    tag = await form_text(ctx.request, TAG)
    target = back(ctx.request, await form_text(ctx.request, BACK))
    done = updates.update(ctx.db, "series", ref, {}, actor=ctx.actor, clock=FixedClock(ctx.now),
                          template=name, expected=tag or None)  # fmt: skip
    message = (f"Malen «{name}» er brukt: {len(done.changes)} felt fylt, "
               f"{_kept(done.findings)} verdier beholdt.")  # fmt: skip
    return redirect(ctx.request, with_back(record_url("series", ref), target), message)


def _kept(findings: Sequence[Finding]) -> int:
    return sum(1 for f in findings if f.code == KEPT)
