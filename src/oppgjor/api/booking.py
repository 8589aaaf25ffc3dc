"""The insurers' online booking (``booking.book``: a booking client's token).

A client lists what it may book, asks for free slots, books, moves and cancels its own
bookings and reads their status. It never sees another client's bookings (404) nor any
patient but those it booked for (the national id masked)."""

from __future__ import annotations

import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from oppgjor.access.domain.roles import Permission
from oppgjor.api.deps import Ctx, etag, expected_version, needs
from oppgjor.api.schemas import PROBLEM_RESPONSES, Strict
from oppgjor.api.timing import Day, Moment
from oppgjor.app.clinic import booking
from oppgjor.app.clinic.booking import BookingView, PatientIdentity
from oppgjor.clinic.domain.model import Practitioner
from oppgjor.clinic.domain.schedule import BookingState, Service, Slot

router = APIRouter(prefix="/booking", tags=["timebestilling for forsikringsselskaper"],
                   responses=PROBLEM_RESPONSES,
                   generate_unique_id_function=lambda route: route.name)  # fmt: skip
BOOK = needs(Permission.BOOKING)

BookingId = Annotated[int, Path(ge=1, le=2_147_483_647, description="Bestillingens id.")]
Ref = Annotated[str, Field(min_length=1, max_length=32)]


class PractitionerOut(BaseModel):
    ref: str
    name: str
    profession: str

    @classmethod
    def of(cls, p: Practitioner) -> PractitionerOut:
        return cls(ref=p.ref, name=p.name, profession=p.profession)


class BookableServiceOut(BaseModel):
    ref: str
    name: str
    duration_minutes: int
    tariff_code: str | None
    price: str | None = Field(description="Kroner, som tekst.")
    practitioner_refs: list[str] = Field(description="Behandlerne som gir tjenesten.")

    @classmethod
    def of(cls, s: Service) -> BookableServiceOut:
        return cls(ref=s.ref, name=s.name, duration_minutes=s.duration_minutes,
                   tariff_code=s.tariff_code, price=None if s.price is None else str(s.price),
                   practitioner_refs=sorted(s.practitioner_refs))  # fmt: skip


class SlotOut(BaseModel):
    practitioner_ref: str
    start: datetime.datetime
    end: datetime.datetime

    @classmethod
    def of(cls, s: Slot) -> SlotOut:
        return cls(practitioner_ref=s.practitioner_ref, start=s.start, end=s.end)


class PatientIn(Strict):
    national_id: str = Field(min_length=1, max_length=20, description="Fødselsnummer/D-nummer.")
    first_name: str = Field(min_length=1, max_length=200)
    last_name: str = Field(min_length=1, max_length=200)
    birth_date: Day


class PatientOut(BaseModel):
    """Pasienten slik du sendte den (fødselsnummeret maskert)."""

    national_id: str = Field(description="Maskert: de seks første sifrene.")
    first_name: str
    last_name: str
    birth_date: datetime.date | None


class NewBooking(Strict):
    service_ref: Ref
    practitioner_ref: Ref
    start: Moment = Field(description="Starten på en ledig time (lokal tid).")
    case_ref: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$",
                          description="Forsikringsselskapets SakID, f.eks. 6QPTR.")  # fmt: skip
    patient: PatientIn


class BookingMove(Strict):
    start: Moment = Field(description="Den nye starten (en ledig time).")
    practitioner_ref: Ref | None = Field(None, description="En annen behandler, om ønsket.")


class BookingOut(BaseModel):
    """En bestilling slik forsikringsselskapet ser den."""

    id: int
    status: BookingState = Field(description="booked, attended, no_show eller cancelled.")
    service_ref: str
    practitioner_ref: str
    start: datetime.datetime
    end: datetime.datetime
    case_ref: str = Field(description="SakID.")
    patient: PatientOut
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @classmethod
    def of(cls, view: BookingView) -> BookingOut:
        b = view.booking
        patient = PatientOut(national_id=view.national_id, first_name=b.first_name,
                             last_name=b.last_name, birth_date=b.birth_date)  # fmt: skip
        return cls(id=b.id, status=b.state, service_ref=b.service_ref,
                   practitioner_ref=b.practitioner_ref, start=b.start, end=b.end,
                   case_ref=b.case_ref, patient=patient, version=b.version,
                   created_at=b.created_at, updated_at=b.updated_at)  # fmt: skip


def _client(ctx: Ctx) -> str:
    return ctx.principal.client_ref or ""


def _answer(response: Response, view: BookingView) -> BookingOut:
    response.headers["ETag"] = etag(view.booking.version)
    return BookingOut.of(view)


@router.get("/practitioners", response_model=list[PractitionerOut],
            summary="Behandlere som kan bookes")  # fmt: skip
def list_bookable_practitioners(ctx: Ctx = BOOK) -> list[PractitionerOut]:
    return [PractitionerOut.of(p) for p in booking.practitioners(ctx.db, _client(ctx))]


@router.get("/services", response_model=list[BookableServiceOut],
            summary="Tjenester du kan booke")  # fmt: skip
def list_services_to_book(ctx: Ctx = BOOK) -> list[BookableServiceOut]:
    return [BookableServiceOut.of(s) for s in booking.services(ctx.db, _client(ctx))]


@router.get("/slots", response_model=list[SlotOut], summary="Ledige timer",
            description="Ledige timer for en tjeneste i en periode (høyst 31 dager): "
            "arbeidstiden minus unntak og alle avtaler, i tjenestens varighet; aldri "
            "tider som er passert.")  # fmt: skip
def find_free_slots(
    service: Annotated[str, Query(min_length=1, max_length=32, description="Tjenesten.")],
    from_: Annotated[Moment, Query(alias="from", description="Fra (lokal tid).")],
    to: Annotated[Moment, Query(description="Til (lokal tid), høyst 31 dager senere.")],
    practitioner: Annotated[str | None, Query(max_length=32, description="Bare denne.")] = None,
    ctx: Ctx = BOOK,
) -> list[SlotOut]:
    found = booking.free_slots(ctx.db, _client(ctx), service, from_, to, now=ctx.now,
                               practitioner_ref=practitioner)  # fmt: skip
    return [SlotOut.of(s) for s in found]


@router.post("/bookings", status_code=201, response_model=BookingOut, summary="Book en time",
             description="Booker en ledig time for pasienten (fødselsnummer, navn, "
             "fødselsdato) med forsikringsselskapets SakID. Timen blir en avtale i klinikkens "
             "planlegger med en gang. Er timen tatt, er svaret 409. Send Idempotency-Key, så "
             "gir et nytt forsøk aldri to bestillinger.")  # fmt: skip
def book_slot(body: NewBooking, response: Response, ctx: Ctx = BOOK) -> BookingOut:
    p = body.patient
    who = PatientIdentity(p.national_id, p.first_name, p.last_name, p.birth_date)
    made = booking.book(ctx.db, _client(ctx), body.service_ref, body.practitioner_ref,
                        body.start, who, body.case_ref, actor=ctx.actor, now=ctx.now)  # fmt: skip
    response.headers["Location"] = f"/api/v1/booking/bookings/{made.booking.id}"
    return _answer(response, made)


@router.get("/bookings", response_model=list[BookingOut], summary="Dine bestillinger")
def list_own_bookings(
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ctx: Ctx = BOOK,
) -> list[BookingOut]:
    found = booking.own(ctx.db, _client(ctx), limit=limit, offset=offset)
    return [BookingOut.of(v) for v in found]


@router.get("/bookings/{booking_id}", response_model=BookingOut, summary="Én bestilling")
def show_own_booking(booking_id: BookingId, response: Response, ctx: Ctx = BOOK) -> BookingOut:
    return _answer(response, booking.one(ctx.db, _client(ctx), booking_id))


@router.patch("/bookings/{booking_id}", response_model=BookingOut, summary="Flytt en bestilling",
              description="Flytt til en annen ledig time (og ev. en annen behandler som gir "
              "tjenesten). Send ETag-en i If-Match.")  # fmt: skip
def move_own_booking(booking_id: BookingId, body: BookingMove, request: Request,
                 response: Response, ctx: Ctx = BOOK) -> BookingOut:  # fmt: skip
    moved = booking.move(ctx.db, _client(ctx), booking_id, body.start, body.practitioner_ref,
                         expected=expected_version(request), actor=ctx.actor,
                         now=ctx.now)  # fmt: skip
    return _answer(response, moved)


@router.post("/bookings/{booking_id}/cancel", response_model=BookingOut,
             summary="Avbestill", description="Avbestiller timen; avtalen i planleggeren "
             "avlyses. Send ETag-en i If-Match.")  # fmt: skip
def cancel_own_booking(booking_id: BookingId, request: Request, response: Response,
                   ctx: Ctx = BOOK) -> BookingOut:  # fmt: skip
    cancelled = booking.cancel(ctx.db, _client(ctx), booking_id,
                               expected=expected_version(request), actor=ctx.actor,
                               now=ctx.now)  # fmt: skip
    return _answer(response, cancelled)
