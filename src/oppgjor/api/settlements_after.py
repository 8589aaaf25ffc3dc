"""Settlements after submission: sending (the configured channel, the portal file, sent by
other means), Helfo's receipt, correcting rejected claims, the payout, booking and the
accounting lines, and payouts against what was approved. The certificate password is given
per request in the body; it is never stored, logged or returned."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from oppgjor.access.domain.roles import Permission
from oppgjor.api.deps import Ctx, etag, needs
from oppgjor.api.helfo_models import MAX_ID, Day, SettlementOut, Strict
from oppgjor.api.schemas import PROBLEM_RESPONSES
from oppgjor.api.settlements import IF_MATCH, ClaimNumbers, SettlementId, tagged, write
from oppgjor.app.helfo import booking, channels, exchange, views
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain.payouts import Decision
from oppgjor.helfo.domain.transport import ManualTransport

router = APIRouter(tags=["oppgjør etter innsending"], responses=PROBLEM_RESPONSES)
READ = needs(Permission.SETTLEMENTS_READ)
SUBMIT = needs(Permission.SETTLEMENTS_SUBMIT)
PAY = needs(Permission.SETTLEMENTS_PAY)

Password = Annotated[
    str | None,
    Field(
        None,
        min_length=1,
        max_length=1024,
        description="Sertifikatpassordet for denne ene sendingen; lagres, logges og vises "
        "aldri. Uten det brukes passordfilen fra innstillingene.",
    ),
]
Code = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[\w.-]+$")]
Text = Annotated[str, Field(max_length=500)]


class SentOutside(Strict):
    reference: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"\S",
        description="Meldings-id, filnavn eller kvittering fra portalen.",
    )


class SendRequest(Strict):
    certificate_password: Password = None
    resend: bool = Field(False, description="Send et sendt oppgjør på nytt (ny meldings-id).")


class SendOut(SettlementOut):
    channel: str = Field(description="utboks (fil til meldingstjeneren) eller kuhr (API).")
    reference: str | None = Field(description="Meldings-id, eller KUHRs id.")
    file_name: str | None = Field(description="Filen i utboksen.")
    warning: str | None = Field(description="F.eks. at sertifikatet snart går ut.")


class PortalRequest(Strict):
    certificate_password: Password = None


class Rejection(Strict):
    claim: int = Field(ge=1, le=MAX_ID, description="Regningsnummeret.")
    code: Code = Field(description="Helfos avvisningskode.")
    text: Text = Field("", description="Helfos forklaring.")


class WholeRejection(Strict):
    code: Code
    text: Text = ""


class ReceiptRequest(Strict):
    rejected: list[Rejection] = Field(
        default_factory=list, max_length=10_000, description="Avviste regninger; resten godkjent."
    )
    all_rejected: WholeRejection | None = Field(None, description="Hele meldingen avvist.")


class CorrectRequest(Strict):
    claims: ClaimNumbers | None = Field(
        None, description="Regningsnumre fra utbetalingsvedtaket (standard: kvitteringens)."
    )


class CorrectedOut(BaseModel):
    old: SettlementOut = Field(description="Det sendte oppgjøret, nå uten de avviste.")
    new: SettlementOut = Field(description="Det nye utkastet med de avviste regningene.")


class PayRequest(Strict):
    amount: Decimal = Field(
        ge=0, max_digits=12, decimal_places=2, description='Utbetalt beløp, f.eks. "12345.50".'
    )
    date: Day = Field(description="Utbetalingsdatoen.")
    reference: str = Field("", max_length=200, description="Vedtak, konto, KID.")


class BookRequest(Strict):
    difference: Decision | None = Field(
        None,
        description="Når utbetalingen avviker fra godkjent sum: awaiting (Helfo skylder "
        "resten, føres som fordring) eller write-off (føres som tap, med reason).",
    )
    reason: str | None = Field(None, max_length=500, description="Begrunnelse for avskriving.")


class LineOut(BaseModel):
    date: datetime.date
    account: str
    amount: str = Field(description="Debet positiv, kredit negativ.")
    settlement: int
    claim: int | None
    text: str

    @classmethod
    def of(cls, x: booking.BookingLine) -> LineOut:
        return cls(
            date=x.date,
            account=x.account,
            amount=str(x.amount),
            settlement=x.settlement_id,
            claim=x.claim_number,
            text=x.text,
        )


class BookedOut(SettlementOut):
    lines: list[LineOut] = Field(description="Posteringene, i ett bilag.")


class PayoutOut(BaseModel):
    settlement: int
    status: str
    expected: str = Field(description="Godkjent av Helfo.")
    rejected: int = Field(description="Avviste regninger.")
    paid: str | None
    difference: str | None


@router.post(
    "/settlements/{settlement_id}/sent",
    response_model=SettlementOut,
    summary="Registrer sendt utenom oppgjor",
    description="Et innsendt oppgjør er sendt på annen måte; referansen lagres. " + IF_MATCH,
)
def sent(
    settlement_id: SettlementId,
    body: SentOutside,
    request: Request,
    response: Response,
    ctx: Ctx = SUBMIT,
) -> SettlementOut:
    s, _ = st.send(
        ctx.db, settlement_id, ManualTransport(body.reference.strip()), **write(ctx, request)
    )
    return tagged(response, s)


@router.post(
    "/settlements/{settlement_id}/send",
    response_model=SendOut,
    summary="Send oppgjøret til Helfo",
    description="Sender et innsendt oppgjør med kanalen som er satt opp: KUHR Krav API når "
    "adressen er satt, ellers en signert fil i utboksen (virksomhetssertifikatet). Et oppgjør "
    "sendes én gang, med mindre resend er satt. " + IF_MATCH,
)
def send(
    settlement_id: SettlementId,
    body: SendRequest,
    request: Request,
    response: Response,
    ctx: Ctx = SUBMIT,
) -> SendOut:
    done = channels.send(
        ctx.db,
        settlement_id,
        secret=body.certificate_password,
        resend=body.resend,
        **write(ctx, request),
    )
    return SendOut(
        **tagged(response, done.settlement).model_dump(),
        channel=done.channel,
        reference=done.reference,
        file_name=done.file_name,
        warning=done.warning,
    )


@router.post(
    "/settlements/{settlement_id}/portal-file",
    summary="Fil til Helfos portal",
    description="Uten Norsk Helsenett: meldingen som fil for opplasting i Helfos portal "
    "(signert når et sertifikat er satt opp). Oppgjøret registreres som sendt. " + IF_MATCH,
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}, "description": "Filen."}},
)
def portal_file(
    settlement_id: SettlementId, body: PortalRequest, request: Request, ctx: Ctx = SUBMIT
) -> Response:
    result, data = exchange.portal_download(
        ctx.db, settlement_id, secret=body.certificate_password, **write(ctx, request)
    )
    return Response(
        data,
        media_type="application/xml",
        headers={
            "ETag": etag(result.settlement.version),
            "Content-Disposition": f'attachment; filename="oppgjor-{settlement_id}.xml"',
        },
    )


@router.post(
    "/settlements/{settlement_id}/receipt",
    response_model=SettlementOut,
    summary="Registrer Helfos svar",
    description="Kvitteringen lagt inn for hånd: avviste regninger med kode og tekst, resten "
    "godkjent; eller hele meldingen avvist. " + IF_MATCH,
)
def receipt(
    settlement_id: SettlementId,
    body: ReceiptRequest,
    request: Request,
    response: Response,
    ctx: Ctx = SUBMIT,
) -> SettlementOut:
    whole = (body.all_rejected.code, body.all_rejected.text) if body.all_rejected else None
    s = st.receipt(
        ctx.db,
        settlement_id,
        {r.claim: (r.code, r.text) for r in body.rejected},
        whole_rejected=whole,
        **write(ctx, request),
    )
    return tagged(response, s)


@router.post(
    "/settlements/{settlement_id}/correct",
    status_code=201,
    response_model=CorrectedOut,
    summary="Rett avviste regninger",
    description="De avviste regningene går ut av det sendte oppgjøret og inn i et nytt utkast "
    "med samme regningsnumre (Location). ETag gjelder det nye utkastet. " + IF_MATCH,
)
def correct(
    settlement_id: SettlementId,
    body: CorrectRequest,
    request: Request,
    response: Response,
    ctx: Ctx = SUBMIT,
) -> CorrectedOut:
    old, new = st.correct_rejected(
        ctx.db, settlement_id, body.claims or None, **write(ctx, request)
    )
    response.headers["Location"] = f"/api/v1/settlements/{new.id}"
    return CorrectedOut(old=SettlementOut.of(old), new=tagged(response, new))


@router.post(
    "/settlements/{settlement_id}/pay",
    response_model=SettlementOut,
    summary="Registrer utbetalingsvedtaket",
    description="Beløp og dato fra utbetalingsvedtaket. Avviker beløpet fra godkjent sum, "
    "vises avviket som funn, og bokføringen krever en beslutning (ADR 0017). " + IF_MATCH,
)
def pay(
    settlement_id: SettlementId,
    body: PayRequest,
    request: Request,
    response: Response,
    ctx: Ctx = PAY,
) -> SettlementOut:
    s = st.pay(
        ctx.db,
        settlement_id,
        body.amount,
        body.date,
        reference=body.reference,
        **write(ctx, request),
    )
    return tagged(response, s)


@router.post(
    "/settlements/{settlement_id}/book",
    response_model=BookedOut,
    summary="Bokfør",
    description="Låser det utbetalte oppgjøret for godt og gir posteringene (bank mot inntekt; "
    "et avvik som fordring eller tap etter beslutningen). " + IF_MATCH,
)
def book(
    settlement_id: SettlementId,
    body: BookRequest,
    request: Request,
    response: Response,
    ctx: Ctx = PAY,
) -> BookedOut:
    s, lines = booking.book(
        ctx.db,
        settlement_id,
        difference=body.difference.value if body.difference else None,
        reason=body.reason,
        **write(ctx, request),
    )
    return BookedOut(**tagged(response, s).model_dump(), lines=[LineOut.of(x) for x in lines])


@router.get(
    "/settlements/{settlement_id}/accounting",
    response_model=list[LineOut],
    summary="Posteringene",
    description="Posteringene til et bokført oppgjør.",
)
def accounting(settlement_id: SettlementId, ctx: Ctx = PAY) -> list[LineOut]:
    return [LineOut.of(x) for x in booking.accounting(ctx.db, settlement_id)]


@router.get(
    "/settlements/{settlement_id}/accounting.csv",
    summary="Posteringene som CSV",
    description="Posteringene til et bokført oppgjør som CSV for regnskapet (semikolon).",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "CSV-filen."}},
)
def accounting_csv(settlement_id: SettlementId, ctx: Ctx = PAY) -> Response:
    text = booking.csv_text(booking.accounting(ctx.db, settlement_id))
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="bokforing-{settlement_id}.csv"'},
    )


@router.get(
    "/payouts",
    response_model=list[PayoutOut],
    summary="Utbetalinger",
    description="Forventet (godkjent) mot utbetalt per besvarte oppgjør.",
)
def payouts(ctx: Ctx = READ) -> list[PayoutOut]:
    return [
        PayoutOut(
            settlement=r.settlement.id,
            status=r.settlement.label,
            expected=str(r.expected),
            rejected=r.rejected,
            paid=None if r.paid is None else str(r.paid),
            difference=None if r.difference is None else str(r.difference),
        )
        for r in views.payouts(ctx.db)
    ]
