"""Claims: those waiting for a settlement, one claim, credits and co-payments, and the reports
(expiring, outstanding by age, rejections by reason). A practitioner sees only their own
claims: the lists are narrowed to them, and another's claim is not found."""

from __future__ import annotations

import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from oppgjor.access.domain.roles import Permission
from oppgjor.api.deps import Ctx, needs
from oppgjor.api.helfo_models import MAX_ID, ClaimOut, Day, Strict, TypeName
from oppgjor.api.problems import ApiError
from oppgjor.api.schemas import PROBLEM_RESPONSES, Page
from oppgjor.api.settlements import TYPES
from oppgjor.app.helfo import claims as claim_actions
from oppgjor.app.helfo import pool, views

router = APIRouter(tags=["regninger"], responses=PROBLEM_RESPONSES)
READ = needs(Permission.CLAIMS_READ)
WRITE = needs(Permission.CLAIMS_WRITE)

Number = Annotated[int, Path(ge=1, le=MAX_ID, description="Regningsnummeret.")]
Ref = Annotated[str | None, Query(min_length=1, max_length=32)]


def _whose(ctx: Ctx, asked: str | None = None) -> str | None:
    """Whose claims the caller sees: a practitioner's own only; others what they ask for."""
    if ctx.principal.own_only:
        return ctx.principal.practitioner_ref or ""  # a user not linked to one sees none
    return asked


class ExpiringOut(ClaimOut):
    days_left: int = Field(description="Dager til fristen (negativt: foreldet).")
    expired: bool


class AgeOut(BaseModel):
    age: str = Field(description="Dager siden sending.")
    count: int
    amount: str


class ReasonOut(BaseModel):
    code: str
    text: str
    count: int
    share: float = Field(description="Andel av alle besvarte regninger.")


class RejectionsOut(BaseModel):
    answered: int = Field(description="Svar Helfo har gitt på regninger.")
    reasons: list[ReasonOut]


class CopaymentOut(BaseModel):
    claim: int
    paid_on: datetime.date
    correction: bool = Field(description="Retter en regning som alt er sendt.")
    overdue: bool = Field(description="Over 14 dager siden betalingen.")


class CopaymentPaid(Strict):
    date: Day | None = Field(None, description="Betalingsdato (standard i dag).")


class Done(BaseModel):
    message: str = Field(description="Hva som ble gjort.")


@router.get(
    "/claims/waiting",
    response_model=Page[ClaimOut],
    summary="Regninger som venter",
    description="Regninger som venter på et oppgjør, slik de vil bli sendt (oppdatert fra "
    "serier, timer og takster nå). Filtre: type, behandler, behandlingsperiode; sider med "
    "offset og limit. En behandler ser bare sine egne.",
)
def waiting(
    type: TypeName | None = None,
    practitioner: Ref = None,
    from_: Annotated[Day | None, Query(alias="from", description="Behandlet fra.")] = None,
    to: Annotated[Day | None, Query(description="Behandlet til.")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ctx: Ctx = READ,
) -> Page[ClaimOut]:
    period = (from_ or datetime.date.min, to or datetime.date.max) if from_ or to else None
    kind = TYPES[type] if type else None
    total, found = pool.waiting_page(
        ctx.db, kind, _whose(ctx, practitioner), period, offset, limit, ctx.now
    )
    items = [ClaimOut.of(c) for c in found]
    return Page[ClaimOut](items=items, total=total, offset=offset, limit=limit)


@router.get(
    "/claims/expiring",
    response_model=list[ExpiringOut],
    summary="Regninger som foreldes",
    description="Regninger som ikke er sendt inn og foreldes innen så mange dager (6 måneder "
    "etter behandlingsmåneden), og de som alt er foreldet.",
)
def expiring(days: Annotated[int, Query(ge=0, le=3660)] = 30, ctx: Ctx = READ) -> list[ExpiringOut]:
    found = views.expiring(ctx.db, ctx.now.date(), days, now=ctx.now, practitioner=_whose(ctx))
    return [
        ExpiringOut(
            **ClaimOut.of(x.claim).model_dump(), days_left=x.days_left, expired=x.days_left < 0
        )
        for x in found
    ]


@router.get(
    "/claims/outstanding",
    response_model=list[AgeOut],
    summary="Utestående hos Helfo",
    description="Sendte regninger som ikke er utbetalt, etter alder.",
)
def outstanding(ctx: Ctx = READ) -> list[AgeOut]:
    buckets = views.outstanding(ctx.db, ctx.now.date(), _whose(ctx))
    return [AgeOut(age=b.label, count=b.count, amount=str(b.amount)) for b in buckets]


@router.get(
    "/claims/rejections",
    response_model=RejectionsOut,
    summary="Avvisninger per årsak",
    description="Avvisningsraten per årsak for hele klinikken (ikke for en behandlers bruker).",
)
def rejections(ctx: Ctx = READ) -> RejectionsOut:
    if ctx.principal.own_only:
        raise ApiError(
            403, "Avvisningsraten gjelder hele klinikken; den vises ikke for én behandler."
        )
    answered, reasons = views.rejections(ctx.db)
    return RejectionsOut(
        answered=answered,
        reasons=[
            ReasonOut(code=r.code, text=r.text, count=r.count, share=r.share) for r in reasons
        ],
    )


@router.get(
    "/claims/copayments",
    response_model=list[CopaymentOut],
    summary="Egenandeler som ikke er meldt",
    description="Betalte egenandeler som ikke er meldt til Helfo ennå.",
)
def copayments(ctx: Ctx = READ) -> list[CopaymentOut]:
    found = views.unsent_registrations(ctx.db, ctx.now.date(), _whose(ctx))
    return [
        CopaymentOut(
            claim=v.registration.claim_number,
            paid_on=v.registration.paid_on,
            correction=v.registration.correction,
            overdue=v.overdue,
        )
        for v in found
    ]


@router.get(
    "/claims/{number}",
    response_model=list[ClaimOut],
    summary="Én regning",
    description="Regningen med nummeret (og en kreditering av den, som har samme nummer).",
)
def show_claim(number: Number, ctx: Ctx = READ) -> list[ClaimOut]:
    found = views.claims_of(ctx.db, [number], _whose(ctx))
    if not found:
        raise ApiError(404, f"Regning {number} finnes ikke.")
    return [ClaimOut.of(c) for c in found]


@router.post(
    "/claims/{number}/credit",
    status_code=201,
    response_model=ClaimOut,
    summary="Krediter en regning",
    description="Kreditering av en godkjent regning (hele regningen, negativt beløp); den "
    "venter på neste oppgjør.",
)
def credit(number: Number, response: Response, ctx: Ctx = WRITE) -> ClaimOut:
    made = claim_actions.credit(ctx.db, number, ctx.now, actor=ctx.actor)
    response.headers["Location"] = f"/api/v1/claims/{number}"
    return ClaimOut.of(made)


@router.post(
    "/claims/{number}/copayment-paid",
    response_model=Done,
    summary="Egenandelen er betalt",
    description="Pasienten har betalt egenandelen; før innsending følger den regningen, etter "
    "sendes en registrering med neste oppgjør.",
)
def copayment_paid(number: Number, body: CopaymentPaid, ctx: Ctx = WRITE) -> Done:
    message = claim_actions.copayment_paid(
        ctx.db, number, body.date or ctx.now.date(), ctx.now, actor=ctx.actor
    )
    return Done(message=message)
