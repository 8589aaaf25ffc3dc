"""The planner over HTTP: appointments listed with filters, shown, created, changed (only the
fields sent; a moved start keeps the length), marked attended / no-show / cancelled / planned,
deleted; the claim follows (the app does it). A practitioner sees and changes only their own."""

import datetime
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field

from oppgjor.access.domain.roles import Permission
from oppgjor.api import records as generic
from oppgjor.api.deps import Ctx, if_match, needs
from oppgjor.api.problems import ApiError
from oppgjor.api.record_files import EXPORT_RESPONSES, IMPORT_BODY, Upload, export, upload
from oppgjor.api.record_shapes import (
    FORBID,
    SHAPES,
    Change,
    HistoryEntry,
    ImportReport,
    Text,
    changes_out,
)
from oppgjor.api.schemas import PROBLEM_RESPONSES, FindingOut, Page, findings_out
from oppgjor.app.clinic import appointments, records
from oppgjor.app.clinic.appointments import Changed, Guard
from oppgjor.clinic.adapters.record_files import Format
from oppgjor.clinic.domain.model import STATUS_WORDS, AppointmentStatus
from oppgjor.store.appointments import AppointmentFilter

KIND = "appointments"
FIRST_DAY, LAST_DAY = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)
STATUSES = "bruk planned, attended, no_show, cancelled (eller planlagt, møtt, ikke-møtt, avlyst)"
TAG = "avtaler"
SHAPES_ = SHAPES[KIND]
Record = SHAPES_.out
READ = needs(Permission.RECORDS_READ)
PLAN = needs(Permission.APPOINTMENTS_WRITE)
router = APIRouter(prefix=f"/{KIND}", tags=[TAG], responses=PROBLEM_RESPONSES)
Key = Path(min_length=1, max_length=64, description="Avtalens ref, eller #id (URL-kodet: %23).")


class AppointmentChanges(BaseModel):
    """Bare feltene som sendes, endres; tom tekst eller null tømmer et valgfritt felt."""

    model_config = FORBID
    start: Text | None = Field(None, description="Ny start (ÅÅÅÅ-MM-DD TT:MM); lengden beholdes.")
    end: Text | None = Field(None, description="Ny slutt (ÅÅÅÅ-MM-DD TT:MM).")
    duration: Text | None = Field(None, description="Varighet i minutter (i stedet for end).")
    practitioner_ref: Text | None = Field(None, description="Behandler.")
    patient_ref: Text | None = Field(None, description="Pasient.")
    lines: Text | None = Field(None, description="Takster, f.eks. «FBV01» eller «A2a*2;LE2».")
    series_ref: Text | None = Field(None, description="Serie (tom: ingen serie).")
    refund_type: Text | None = Field(None, description="Refusjonstype (tom: ingen).")


class AppointmentChanged(BaseModel):
    """Hva en endring gjorde: avtalen nå (null når slettet), feltene, funn og regningen."""

    appointment: Record | None  # type: ignore[valid-type]
    changes: dict[str, Change]
    findings: list[FindingOut]
    claims: list[str] = Field(description="Hva som skjedde med regningen (bokmål).")


def owner_of(ctx: Ctx) -> str | None:
    """Whose appointments the caller may see (a practitioner: their own; others: all)."""
    if not ctx.principal.own_only:
        return None
    return ctx.principal.practitioner_ref or "-"


def _refuse_other(ctx: Ctx, practitioner_ref: Any) -> None:
    owner = owner_of(ctx)
    if owner is not None and practitioner_ref is not None and practitioner_ref != owner:
        raise ApiError(403, "Som behandler kan du bare planlegge dine egne avtaler.")


def _changed(response: Response, done: Changed) -> AppointmentChanged:
    a = done.appointment
    if a is not None:
        generic.written(response, SHAPES_, a)
    return AppointmentChanged(
        appointment=None if a is None else SHAPES_.row(a), changes=changes_out(done.changes),
        findings=findings_out(done.findings), claims=done.claims,
    )  # fmt: skip


def _statuses(words: list[str]) -> tuple[AppointmentStatus, ...]:
    found = []
    for word in words:
        for part in (w.strip().lower() for w in word.split(",")):
            if part not in STATUS_WORDS:
                raise ApiError(422, f"Ukjent status «{part[:40]}»; {STATUSES}.")
            found.append(STATUS_WORDS[part])
    return tuple(found)


def _day(day: datetime.date | None, after: int = 0) -> datetime.datetime | None:
    if day is None:
        return None
    return datetime.datetime.combine(day + datetime.timedelta(days=after), datetime.time())


@router.get("", response_model=Page[Record], summary="List avtaler",  # type: ignore[valid-type]
            operation_id="list_appointments",
            description="Avtalene etter starttid, filtrert og en side om gangen. En behandler "
            "ser bare sine egne.")  # fmt: skip
def list_(
    patient: str | None = Query(None, min_length=1, max_length=64, description="Pasienten."),
    practitioner: str | None = Query(None, min_length=1, max_length=64, description="Behandleren."),
    from_: datetime.date | None = Query(None, alias="from", description="Fra og med dato."),
    to: datetime.date | None = Query(None, description="Til og med dato."),
    status: list[str] = Query(
        [], max_length=8, description="planned, attended, no_show, cancelled."
    ),
    offset: int = generic.Offset,
    limit: int = generic.Limit,
    ctx: Ctx = READ,
) -> dict[str, Any]:
    for day in (from_, to):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise ApiError(422, f"Datoen {day} er utenfor {FIRST_DAY.year}–{LAST_DAY.year}.")
    if from_ and to and from_ > to:
        raise ApiError(422, f"from {from_:%d.%m.%Y} er etter to {to:%d.%m.%Y}.")
    _refuse_other(ctx, practitioner)
    where = AppointmentFilter(
        patient_ref=patient, practitioner_ref=owner_of(ctx) or practitioner, start=_day(from_),
        end=_day(to, 1), statuses=_statuses(status),
    )  # fmt: skip
    page = appointments.page(ctx.db, where, limit=limit, offset=offset)
    items = [SHAPES_.row(a) for a in page.appointments]
    return {"items": items, "total": page.total, "offset": offset, "limit": limit}


@router.post("/import", response_model=ImportReport, summary="Importer avtaler",
             operation_id="import_appointments", openapi_extra=IMPORT_BODY,
             description="En CSV- eller JSON-fil (som i «oppgjor appointment import»). Alt "
             "eller ingenting: funn som stopper importen gir 422.")  # fmt: skip
def import_(
    ctx: Ctx = needs(Permission.RECORDS_WRITE), file: Upload = Depends(upload)
) -> ImportReport:
    report = records.import_file(ctx.db, KIND, file.data, file.fmt, clock=generic.clock_of(ctx),
                                 actor=ctx.actor)  # fmt: skip
    return ImportReport.of(report)


@router.get("/export", response_class=Response, responses=EXPORT_RESPONSES,
            summary="Eksporter avtaler", operation_id="export_appointments",
            description="Alle avtalene som CSV eller JSON (ikke for behandlere: de ser bare "
            "sine egne).")  # fmt: skip
def export_(
    format: Format = Query("csv", description="csv eller json."), ctx: Ctx = READ
) -> Response:
    if ctx.principal.own_only:
        raise ApiError(403, "Som behandler ser du bare dine egne avtaler; bruk listen.")
    return export(KIND, records.export_text(ctx.db, KIND, format, mask=True), format)


@router.get("/{key}", response_model=Record, summary="Vis en avtale",
            operation_id="show_appointment",
            description="Avtalen, med `ETag` til bruk i `If-Match`.")  # fmt: skip
def show(response: Response, key: str = Key, ctx: Ctx = READ) -> BaseModel:
    found = appointments.get(ctx.db, key, owner=owner_of(ctx))
    generic.written(response, SHAPES_, found)
    return SHAPES_.shown(found)


@router.post("", status_code=201, response_model=SHAPES_.written, summary="Ny avtale",
             operation_id="create_appointment",
             description="Feltene leses som i en import og sjekkes med planleggerens regler. En "
             "behandler kan bare lage sine egne. Send gjerne `Idempotency-Key`.")  # fmt: skip
def create(
    body: SHAPES_.new,  # type: ignore[name-defined]
    response: Response,
    ctx: Ctx = PLAN,
) -> BaseModel:
    values = body.model_dump(exclude_none=True)
    _refuse_other(ctx, values.get("practitioner_ref"))
    return generic.create_record(SHAPES_, values, response, ctx)


@router.patch("/{key}", response_model=AppointmentChanged, summary="Endre en avtale",
              operation_id="update_appointment",
              description="Bare feltene som sendes, endres; flyttes starten, beholdes lengden. "
              "Er regningen sendt inn, nektes endringen (409). `If-Match`: 412 hvis avtalen er "
              "endret av noen andre.")  # fmt: skip
def update(
    body: AppointmentChanges, request: Request, response: Response, key: str = Key,
    ctx: Ctx = PLAN,
) -> AppointmentChanged:  # fmt: skip
    given = {k: "" if v is None else v for k, v in body.model_dump(exclude_unset=True).items()}
    if not given:
        raise ApiError(422, "Oppgi minst ett felt som skal endres.")
    _refuse_other(ctx, given.get("practitioner_ref"))
    guard = Guard(expected=if_match(request), owner=owner_of(ctx))
    done = appointments.update(ctx.db, key, given, actor=ctx.actor, now=ctx.now, guard=guard)
    return _changed(response, done)


def _add_mark(name: str, status: AppointmentStatus, summary: str) -> None:
    @router.post(f"/{{key}}/{name}", response_model=AppointmentChanged, summary=summary,
                 operation_id=f"mark_appointment_{status.value}",
                 description="Regningen følger avtalen. `If-Match`: 412 hvis avtalen er endret "
                 "av noen andre.")  # fmt: skip
    def mark(request: Request, response: Response, key: str = Key, ctx: Ctx = PLAN) -> Any:
        guard = Guard(expected=if_match(request), owner=owner_of(ctx))
        done = appointments.mark(ctx.db, key, status, actor=ctx.actor, now=ctx.now, guard=guard)
        return _changed(response, done)


for _name, _status, _summary in (
    ("attended", AppointmentStatus.ATTENDED, "Merk avtalen som møtt (regningen lages)"),
    ("no-show", AppointmentStatus.NO_SHOW, "Merk avtalen som ikke møtt"),
    ("cancel", AppointmentStatus.CANCELLED, "Avlys avtalen"),
    ("planned", AppointmentStatus.PLANNED, "Sett avtalen tilbake til planlagt"),
):
    _add_mark(_name, _status, _summary)


@router.delete("/{key}", response_model=AppointmentChanged, summary="Slett en avtale",
               operation_id="delete_appointment",
               description="Nektes (409) hvis regningen er sendt inn til Helfo; en regning som "
               "ikke er sendt, slettes med avtalen.")  # fmt: skip
def delete(request: Request, response: Response, key: str = Key, ctx: Ctx = PLAN) -> Any:
    guard = Guard(expected=if_match(request), owner=owner_of(ctx))
    return _changed(response, appointments.delete(ctx.db, key, actor=ctx.actor, now=ctx.now,
                                                  guard=guard))  # fmt: skip


@router.get("/{key}/history", response_model=list[HistoryEntry],
            summary="Historikken til en avtale", operation_id="history_appointment",
            description="Hver endring: når, hvem, hva.")  # fmt: skip
def history_(key: str = Key, ctx: Ctx = READ) -> list[HistoryEntry]:
    entries = appointments.history(ctx.db, key, owner=owner_of(ctx))
    return [HistoryEntry.of(e) for e in entries]
