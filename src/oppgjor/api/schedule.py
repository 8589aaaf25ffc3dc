"""The clinic's side of online booking: working hours, exceptions, bookable services, and the
insurers' bookings (``schedule.read`` / ``schedule.write``)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from oppgjor.access.domain.roles import Permission
from oppgjor.api.deps import Ctx, etag, expected_version, needs
from oppgjor.api.problems import ApiError
from oppgjor.api.schemas import PROBLEM_RESPONSES, Strict
from oppgjor.api.timing import Day, LocalTime
from oppgjor.app.clinic import schedule
from oppgjor.clinic.domain.schedule import (
    WEEKDAYS,
    Booking,
    BookingState,
    HoursException,
    Service,
    WeeklyHours,
)

router = APIRouter(prefix="/schedule", tags=["arbeidstid og timebestilling"],
                   responses=PROBLEM_RESPONSES,
                   generate_unique_id_function=lambda route: route.name)  # fmt: skip
READ = needs(Permission.SCHEDULE_READ)
WRITE = needs(Permission.SCHEDULE_WRITE)

Id = Annotated[int, Path(ge=1, le=2_147_483_647, description="Id-en.")]
Ref = Annotated[str, Path(min_length=1, max_length=32, description="Tjenestens nøkkel.")]
PractitionerRef = Annotated[str, Field(min_length=1, max_length=32, description="Behandleren.")]
RefList = Annotated[list[Annotated[str, Field(min_length=1, max_length=32)]],
                    Field(max_length=200)]  # fmt: skip
Weekday = Annotated[int, Field(ge=1, le=7, description="1 = mandag … 7 = søndag.")]
Minutes = Annotated[int, Field(ge=5, le=720, description="Varighet i minutter.")]
Price = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2,
                                 description="Prisen i kroner, som tekst («850.00»).")]  # fmt: skip


def _hhmm(t: datetime.time) -> str:
    """A time as the clinic writes it, ``08:00`` (no zone: working hours are local)."""
    return t.isoformat(timespec="minutes" if not (t.second or t.microsecond) else "auto")


class HoursIn(Strict):
    practitioner_ref: PractitionerRef
    weekday: Weekday
    start: LocalTime
    end: LocalTime
    valid_from: Day
    valid_to: Day | None = None


class HoursChange(Strict):
    weekday: Weekday | None = None
    start: LocalTime | None = None
    end: LocalTime | None = None
    valid_from: Day | None = None
    valid_to: Day | None = None


class HoursOut(BaseModel):
    id: int
    practitioner_ref: str
    weekday: int = Field(description="1 = mandag … 7 = søndag.")
    weekday_name: str
    start: str = Field(description="TT:MM")
    end: str = Field(description="TT:MM")
    valid_from: datetime.date
    valid_to: datetime.date | None
    version: int

    @classmethod
    def of(cls, h: WeeklyHours) -> HoursOut:
        return cls(id=h.id or 0, practitioner_ref=h.practitioner_ref, weekday=h.weekday + 1,
                   weekday_name=WEEKDAYS[h.weekday], start=_hhmm(h.start), end=_hhmm(h.end),
                   valid_from=h.valid_from, valid_to=h.valid_to, version=h.version)  # fmt: skip


class ExceptionIn(Strict):
    practitioner_ref: PractitionerRef
    day: Day
    start: LocalTime | None = Field(None, description="Uten start og slutt: stengt hele dagen.")
    end: LocalTime | None = None
    note: str = Field("", max_length=200)


class ExceptionOut(BaseModel):
    id: int
    practitioner_ref: str
    day: datetime.date
    closed: bool
    start: str | None = Field(description="TT:MM; tom når stengt.")
    end: str | None = Field(description="TT:MM")
    note: str
    version: int

    @classmethod
    def of(cls, x: HoursException) -> ExceptionOut:
        start = None if x.start is None else _hhmm(x.start)
        end = None if x.end is None else _hhmm(x.end)
        return cls(id=x.id or 0, practitioner_ref=x.practitioner_ref, day=x.day,
                   closed=x.closed, start=start, end=end, note=x.note,
                   version=x.version)  # fmt: skip


class ServiceIn(Strict):
    ref: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200, description="Navnet insurere ser.")
    duration_minutes: Minutes
    tariff_code: str | None = Field(None, min_length=1, max_length=32)
    price: Price | None = None
    practitioner_refs: RefList = Field(default_factory=list, description="Hvem gir den.")
    client_refs: RefList = Field(default_factory=list, description="Hvem kan booke den.")
    active: bool = True


class ServiceChange(Strict):
    name: str | None = Field(None, min_length=1, max_length=200)
    duration_minutes: Minutes | None = None
    tariff_code: str | None = Field(None, min_length=1, max_length=32)
    price: Price | None = None
    practitioner_refs: RefList | None = None
    client_refs: RefList | None = None
    active: bool | None = None


class ServiceOut(BaseModel):
    ref: str
    name: str
    duration_minutes: int
    tariff_code: str | None
    price: str | None = Field(description="Kroner, som tekst.")
    practitioner_refs: list[str]
    client_refs: list[str]
    active: bool
    version: int

    @classmethod
    def of(cls, s: Service) -> ServiceOut:
        return cls(ref=s.ref, name=s.name, duration_minutes=s.duration_minutes,
                   tariff_code=s.tariff_code, price=None if s.price is None else str(s.price),
                   practitioner_refs=sorted(s.practitioner_refs),
                   client_refs=sorted(s.client_refs), active=s.active,
                   version=s.version)  # fmt: skip


class ClinicBookingOut(BaseModel):
    """En forsikringsbestilling slik klinikken ser den."""

    id: int
    status: BookingState
    client_ref: str
    service_ref: str
    practitioner_ref: str
    patient_ref: str
    appointment_ref: str | None
    start: datetime.datetime
    end: datetime.datetime
    case_ref: str = Field(description="Forsikringsselskapets SakID.")
    version: int

    @classmethod
    def of(cls, b: Booking) -> ClinicBookingOut:
        return cls(id=b.id, status=b.state, client_ref=b.client_ref, service_ref=b.service_ref,
                   practitioner_ref=b.practitioner_ref, patient_ref=b.patient_ref,
                   appointment_ref=b.appointment_ref, start=b.start, end=b.end,
                   case_ref=b.case_ref, version=b.version)  # fmt: skip


def _tagged(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def _set(body: BaseModel, nullable: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields the caller sent; 422 for an empty value of a field that must have one."""
    sent = body.model_dump(exclude_unset=True)
    empty = sorted(k for k, v in sent.items() if v is None and k not in nullable)
    if empty:
        raise ApiError(422, f"Disse feltene kan ikke være tomme: {', '.join(empty)}.")
    return sent


# -- weekly hours ------------------------------------------------------------------------


@router.get("/hours", response_model=list[HoursOut], summary="Arbeidstid (ukemønster)")
def list_working_hours(
    practitioner: Annotated[str | None, Query(max_length=32, description="Bare denne.")] = None,
    ctx: Ctx = READ,
) -> list[HoursOut]:
    return [HoursOut.of(h) for h in schedule.hours(ctx.db, practitioner)]


@router.post("/hours", status_code=201, response_model=HoursOut, summary="Ny arbeidstid",
             description="En linje i behandlerens ukemønster: ukedag, fra–til, gyldig fra "
             "(og til) en dato.")  # fmt: skip
def create_working_hours(body: HoursIn, response: Response, ctx: Ctx = WRITE) -> HoursOut:
    new = WeeklyHours(body.practitioner_ref, body.weekday - 1, body.start, body.end,
                      body.valid_from, body.valid_to)  # fmt: skip
    made = schedule.add_hours(ctx.db, new, actor=ctx.actor, now=ctx.now)
    response.headers["Location"] = f"/api/v1/schedule/hours/{made.id}"
    _tagged(response, made.version)
    return HoursOut.of(made)


@router.get("/hours/{hours_id}", response_model=HoursOut, summary="Én arbeidstid")
def show_working_hours(hours_id: Id, response: Response, ctx: Ctx = READ) -> HoursOut:
    found = schedule.one_hours(ctx.db, hours_id)
    _tagged(response, found.version)
    return HoursOut.of(found)


@router.patch("/hours/{hours_id}", response_model=HoursOut, summary="Endre en arbeidstid",
              description="Bare feltene som sendes, endres. Send ETag-en i If-Match.")  # fmt: skip
def update_working_hours(hours_id: Id, body: HoursChange, request: Request, response: Response,
                 ctx: Ctx = WRITE) -> HoursOut:  # fmt: skip
    changes = _set(body, nullable=("valid_to",))
    if "weekday" in changes:
        changes["weekday"] -= 1
    changed = schedule.change_hours(ctx.db, hours_id, changes, expected=expected_version(request),
                                    actor=ctx.actor, now=ctx.now)  # fmt: skip
    _tagged(response, changed.version)
    return HoursOut.of(changed)


@router.delete("/hours/{hours_id}", status_code=204, summary="Slett en arbeidstid")
def delete_working_hours(hours_id: Id, request: Request, ctx: Ctx = WRITE) -> Response:
    schedule.remove_hours(ctx.db, hours_id, expected=expected_version(request), actor=ctx.actor,
                          now=ctx.now)  # fmt: skip
    return Response(status_code=204)


# -- exceptions --------------------------------------------------------------------------


@router.get("/exceptions", response_model=list[ExceptionOut], summary="Unntak fra arbeidstiden")
def list_hours_exceptions(
    practitioner: Annotated[str | None, Query(max_length=32)] = None,
    from_: Annotated[Day | None, Query(alias="from", description="Fra og med dato.")] = None,
    to: Annotated[Day | None, Query(description="Til og med dato.")] = None,
    ctx: Ctx = READ,
) -> list[ExceptionOut]:
    return [ExceptionOut.of(x) for x in schedule.exceptions(ctx.db, practitioner, from_, to)]


@router.post("/exceptions", status_code=201, response_model=ExceptionOut, summary="Nytt unntak",
             description="Andre tider én dato, eller stengt (uten start og slutt). Flere unntak "
             "samme dato legges sammen.")  # fmt: skip
def create_hours_exception(body: ExceptionIn, response: Response, ctx: Ctx = WRITE) -> ExceptionOut:
    new = HoursException(body.practitioner_ref, body.day, body.start, body.end, body.note)
    made = schedule.add_exception(ctx.db, new, actor=ctx.actor, now=ctx.now)
    response.headers["Location"] = f"/api/v1/schedule/exceptions/{made.id}"
    _tagged(response, made.version)
    return ExceptionOut.of(made)


@router.delete("/exceptions/{exception_id}", status_code=204, summary="Slett et unntak")
def delete_hours_exception(exception_id: Id, request: Request, ctx: Ctx = WRITE) -> Response:
    schedule.remove_exception(ctx.db, exception_id, expected=expected_version(request),
                              actor=ctx.actor, now=ctx.now)  # fmt: skip
    return Response(status_code=204)


# -- services ----------------------------------------------------------------------------


@router.get("/services", response_model=list[ServiceOut], summary="Tjenester som kan bookes")
def list_bookable_services(ctx: Ctx = READ) -> list[ServiceOut]:
    return [ServiceOut.of(s) for s in schedule.services(ctx.db)]


@router.post("/services", status_code=201, response_model=ServiceOut, summary="Ny tjeneste",
             description="En behandling forsikringsselskaper kan booke: varighet, takst eller "
             "pris, hvem som gir den og hvilke bookingklienter som kan booke den.")  # fmt: skip
def create_bookable_service(body: ServiceIn, response: Response, ctx: Ctx = WRITE) -> ServiceOut:
    new = Service(body.ref, body.name, body.duration_minutes, body.tariff_code, body.price,
                  frozenset(body.practitioner_refs), frozenset(body.client_refs),
                  body.active)  # fmt: skip
    made = schedule.add_service(ctx.db, new, actor=ctx.actor, now=ctx.now)
    response.headers["Location"] = f"/api/v1/schedule/services/{made.ref}"
    _tagged(response, made.version)
    return ServiceOut.of(made)


@router.get("/services/{ref}", response_model=ServiceOut, summary="Én tjeneste")
def show_bookable_service(ref: Ref, response: Response, ctx: Ctx = READ) -> ServiceOut:
    found = schedule.service(ctx.db, ref)
    _tagged(response, found.version)
    return ServiceOut.of(found)


@router.patch("/services/{ref}", response_model=ServiceOut, summary="Endre en tjeneste",
              description="Bare feltene som sendes, endres; «active»: false stopper nye "
              "bestillinger. Send ETag-en i If-Match.")  # fmt: skip
def update_bookable_service(ref: Ref, body: ServiceChange, request: Request, response: Response,
                   ctx: Ctx = WRITE) -> ServiceOut:  # fmt: skip
    changes = _set(body, ("tariff_code", "price"))
    changed = schedule.change_service(ctx.db, ref, changes, expected=expected_version(request),
                                      actor=ctx.actor, now=ctx.now)  # fmt: skip
    _tagged(response, changed.version)
    return ServiceOut.of(changed)


@router.get("/bookings", response_model=list[ClinicBookingOut],
            summary="Forsikringsselskapenes bestillinger")  # fmt: skip
def list_insurer_bookings(
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ctx: Ctx = READ,
) -> list[ClinicBookingOut]:
    owner = ctx.principal.practitioner_ref if ctx.principal.own_only else None
    found = schedule.bookings(ctx.db, owner=owner, limit=limit, offset=offset)
    return [ClinicBookingOut.of(b) for b in found]
