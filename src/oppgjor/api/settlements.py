"""Settlements up to submission (the FBV manual's chapter 2): new, list, show, history, mark,
date, control, move blocked out, submit, unlock, delete. Every write takes ``If-Match`` (the
version as the ETag) and answers with the settlement's new ETag."""

from __future__ import annotations

import datetime
from typing import Annotated, TypedDict

from fastapi import APIRouter, Path, Request, Response
from pydantic import Field

from oppgjor.access.domain.roles import Permission
from oppgjor.api.deps import Ctx, etag, expected_version, needs
from oppgjor.api.helfo_models import (
    MAX_ID,
    Day,
    EventOut,
    RegistrationOut,
    SettlementDetailOut,
    SettlementOut,
    Strict,
    Tab,
    TypeName,
    safe,
    with_findings,
)
from oppgjor.api.problems import ApiError
from oppgjor.api.schemas import PROBLEM_RESPONSES, FindingOut
from oppgjor.app.helfo import settlements as st
from oppgjor.app.helfo import views
from oppgjor.helfo.domain.model import Settlement, SettlementState, SettlementType

router = APIRouter(tags=["oppgjør"], responses=PROBLEM_RESPONSES)
READ = needs(Permission.SETTLEMENTS_READ)
WRITE = needs(Permission.SETTLEMENTS_WRITE)
SUBMIT = needs(Permission.SETTLEMENTS_SUBMIT)

SettlementId = Annotated[int, Path(ge=1, le=MAX_ID, description="Oppgjørsnummeret.")]
ClaimNumbers = Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(max_length=10_000)]
TYPES = {TypeName.FBV: SettlementType.FBV, TypeName.BKM: SettlementType.BKM}
IF_MATCH = (
    "Send ETag-en du fikk i `If-Match`; er oppgjøret endret av noen andre siden, blir svaret 412 "
    "og ingenting endres."
)


class Write(TypedDict):
    """What every settlement action is given: the version the caller saw (``If-Match``),
    who acts, and when."""

    expected: int | None
    actor: str
    now: datetime.datetime


def write(ctx: Ctx, request: Request) -> Write:
    return Write(expected=expected_version(request), actor=ctx.actor, now=ctx.now)


def tagged(response: Response, s: Settlement) -> SettlementOut:
    response.headers["ETag"] = etag(s.version)
    return SettlementOut.of(s)


class NewSettlement(Strict):
    type: TypeName = Field(description="fbv (NPR BKM FBV) eller bkm.")
    date: Day | None = Field(None, description="Oppgjørsdato (standard i dag).")


class Marking(Strict):
    all: bool = Field(False, description="Alle regninger som venter.")
    none: bool = Field(False, description="Fjern alle regninger.")
    from_: Day | None = Field(None, alias="from", description="Periode fra.")
    to: Day | None = Field(None, description="Periode til.")
    add: ClaimNumbers = Field(default_factory=list, description="Regningsnumre å ta med.")
    remove: ClaimNumbers = Field(default_factory=list, description="Regningsnumre å ta ut.")


class NewDate(Strict):
    date: Day = Field(description="Ny oppgjørsdato.")


class ControlFinding(FindingOut):
    claim: int | None = Field(description="Regningsnummeret (tomt: oppgjøret som helhet).")


class ControlOut(SettlementOut):
    blocking: int = Field(description="Antall blokkerende funn.")
    warnings: int = Field(description="Antall advarsler.")
    control_findings: list[ControlFinding] = Field(description="Funnene, per regning.")


class MovedOut(SettlementOut):
    moved: list[int] = Field(description="Regningene som ble flyttet ut; de venter igjen.")


@router.post(
    "/settlements",
    status_code=201,
    response_model=SettlementOut,
    summary="Nytt oppgjør",
    description="Et tomt utkast (Til behandling) av en oppgjørstype. Utførte timer siden sist "
    "blir regninger. Kan sendes med `Idempotency-Key`.",
)
def create_settlement(body: NewSettlement, response: Response, ctx: Ctx = WRITE) -> SettlementOut:
    s = st.new(ctx.db, TYPES[body.type], date=body.date, actor=ctx.actor, now=ctx.now)
    response.headers["Location"] = f"/api/v1/settlements/{s.id}"
    return tagged(response, s)


@router.get(
    "/settlements",
    response_model=list[SettlementOut],
    summary="Oppgjør",
    description="Oppgjør per fane (draft = Til behandling, submitted = Innsendt, booked = "
    "Bokført), nyeste først; eller bare én tilstand.",
)
def list_settlements(
    tab: Tab | None = None, state: SettlementState | None = None, ctx: Ctx = READ
) -> list[SettlementOut]:
    found = views.settlements(ctx.db, tab.value if tab else None)
    return [SettlementOut.of(s) for s in found if state is None or s.state is state]


@router.get(
    "/settlements/{settlement_id}",
    response_model=SettlementDetailOut,
    summary="Ett oppgjør",
    description="Oppgjøret med regninger og funn, betalte egenandler og historikk; ETag er "
    "versjonen.",
)
def show_settlement(
    settlement_id: SettlementId, response: Response, ctx: Ctx = READ
) -> SettlementDetailOut:
    d = views.detail(ctx.db, settlement_id)
    response.headers["ETag"] = etag(d.settlement.version)
    return SettlementDetailOut(
        **SettlementOut.of(d.settlement).model_dump(),
        claims=with_findings(d.claims, d.findings),
        settlement_findings=safe(d.findings.get(None, [])),
        findings_current=d.findings_current,
        copayment_registrations=[
            RegistrationOut(claim=r.claim_number, paid_on=r.paid_on, correction=r.correction)
            for r in d.registrations
        ],
        events=[EventOut.of(e) for e in d.events],
    )


@router.get(
    "/settlements/{settlement_id}/history",
    response_model=list[EventOut],
    summary="Oppgjørets historikk",
    description="Hvem gjorde hva og når, eldste først.",
)
def settlement_history(settlement_id: SettlementId, ctx: Ctx = READ) -> list[EventOut]:
    return [EventOut.of(e) for e in views.detail(ctx.db, settlement_id).events]


@router.post(
    "/settlements/{settlement_id}/mark",
    response_model=SettlementOut,
    summary="Markér regninger",
    description="Ta med regninger i utkastet: en periode (from og to), alle, ingen, eller "
    "enkeltregninger (add/remove). " + IF_MATCH,
)
def mark(
    settlement_id: SettlementId,
    body: Marking,
    request: Request,
    response: Response,
    ctx: Ctx = WRITE,
) -> SettlementOut:
    if (body.from_ is None) != (body.to is None):
        raise ApiError(422, "Oppgi både from og to for en periode.")
    period = (body.from_, body.to) if body.from_ and body.to else None
    selection = st.Selection(body.all, body.none, period, body.add, body.remove)
    s = st.mark(ctx.db, settlement_id, selection, **write(ctx, request))
    return tagged(response, s)


@router.post(
    "/settlements/{settlement_id}/date",
    response_model=SettlementOut,
    summary="Endre oppgjørsdato",
    description=IF_MATCH,
)
def change_date(
    settlement_id: SettlementId,
    body: NewDate,
    request: Request,
    response: Response,
    ctx: Ctx = WRITE,
) -> SettlementOut:
    s = st.change_date(ctx.db, settlement_id, body.date, **write(ctx, request))
    return tagged(response, s)


@router.post(
    "/settlements/{settlement_id}/control",
    response_model=ControlOut,
    summary="Kontrollér utkastet",
    description="Kjører alle kontroller på regningene slik postene er nå; funnene lagres med "
    "den nye versjonen og står i svaret per regning. " + IF_MATCH,
)
def control(
    settlement_id: SettlementId, request: Request, response: Response, ctx: Ctx = WRITE
) -> ControlOut:
    report = st.control(ctx.db, settlement_id, **write(ctx, request))
    numbers = report.numbers
    found = [
        ControlFinding(**safe([f])[0].model_dump(), claim=numbers.get(cid))
        for cid, f in report.findings
    ]
    return ControlOut(
        **tagged(response, report.settlement).model_dump(),
        blocking=report.blocking,
        warnings=report.warnings,
        control_findings=found,
    )


@router.post(
    "/settlements/{settlement_id}/move-blocked",
    response_model=MovedOut,
    summary="Flytt ut blokkerte regninger",
    description="Regninger med blokkerende funn i siste kontroll går ut av utkastet og venter "
    "på neste oppgjør. " + IF_MATCH,
)
def move_blocked(
    settlement_id: SettlementId, request: Request, response: Response, ctx: Ctx = WRITE
) -> MovedOut:
    s, moved = st.move_blocked_out(ctx.db, settlement_id, **write(ctx, request))
    return MovedOut(**tagged(response, s).model_dump(), moved=moved)


@router.post(
    "/settlements/{settlement_id}/submit",
    response_model=SettlementOut,
    summary="Send inn",
    description="Lås et kontrollert utkast uten blokkerende funn (Innsendt). Kontrollene "
    "kjøres på nytt; blokkerende funn gir 422 med funnene. " + IF_MATCH,
)
def submit(
    settlement_id: SettlementId, request: Request, response: Response, ctx: Ctx = SUBMIT
) -> SettlementOut:
    s = st.submit(ctx.db, settlement_id, **write(ctx, request))
    return tagged(response, s)


@router.post(
    "/settlements/{settlement_id}/unlock",
    response_model=SettlementOut,
    summary="Lås opp",
    description="Markér som ikke innsendt: tilbake til utkast, mulig til oppgjøret er sendt. "
    + IF_MATCH,
)
def unlock(
    settlement_id: SettlementId, request: Request, response: Response, ctx: Ctx = SUBMIT
) -> SettlementOut:
    s = st.unlock(ctx.db, settlement_id, **write(ctx, request))
    return tagged(response, s)


@router.delete(
    "/settlements/{settlement_id}",
    status_code=204,
    summary="Slett et utkast",
    description="Bare et utkast; regningene venter igjen, urørt. " + IF_MATCH,
)
def delete_settlement(settlement_id: SettlementId, request: Request, ctx: Ctx = WRITE) -> Response:
    st.delete(ctx.db, settlement_id, **write(ctx, request))
    return Response(status_code=204)
