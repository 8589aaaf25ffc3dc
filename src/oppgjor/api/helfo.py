"""The Helfo calendar, the message settings (folders, certificate), the KUHR Krav API's
settings, reading the inbox once, and KUHR's status of a settlement sent there."""

from __future__ import annotations

import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from oppgjor.access.domain.roles import Permission
from oppgjor.api.deps import Ctx, needs
from oppgjor.api.helfo_models import Day, SettlementOut, Strict, safe
from oppgjor.api.schemas import PROBLEM_RESPONSES, FindingOut
from oppgjor.api.settlements import SettlementId, tagged
from oppgjor.app.helfo import exchange, kuhr, views
from oppgjor.app.helfo import inbox as inbox_app
from oppgjor.core.redact import redact

router = APIRouter(tags=["Helfo"], responses=PROBLEM_RESPONSES)
ADMIN = needs(Permission.ADMIN)
SUBMIT = needs(Permission.SETTLEMENTS_SUBMIT)

Setting = Field(None, min_length=1, max_length=500)
PathSetting = Field(
    None, min_length=1, max_length=500, pattern=r"^/",
    description="En full sti på tjeneren (begynner med /): en relativ sti ville blitt lest fra "
    "mappen tjeneren ble startet i.",
)  # fmt: skip


class Holiday(BaseModel):
    date: datetime.date
    name: str


class CalendarOut(BaseModel):
    """Helfo-kalenderen."""

    today: datetime.date
    next_submission: datetime.date = Field(description="Neste anbefalte innsendingsdag.")
    next_decision: datetime.date = Field(description="Dagen Helfo fatter vedtak.")
    submissions: list[datetime.date] = Field(description="Anbefalte innsendingsdager.")
    working_day: bool
    holidays: list[Holiday]


class HelfoSettings(BaseModel):
    folder: str | None = Field(description="Felles mappe for utboks/innboks/arkiv/karantene.")
    outbox: str | None
    inbox: str | None
    archive: str | None
    quarantine: str | None
    certificate: str | None = Field(description="PKCS#12-filen med virksomhetssertifikatet.")
    password_file: str | None = Field(description="Filen (chmod 600) med sertifikatpassordet.")
    message_type: str | None = Field(description="POM eller LOM.")
    receiver_her: str | None
    receiver_org: str | None


class HelfoSettingsOut(HelfoSettings):
    missing: list[str] = Field(description="Det som må fylles ut før en fil kan lages.")


class HelfoSettingsChange(Strict):
    folder: str | None = PathSetting
    outbox: str | None = PathSetting
    inbox: str | None = PathSetting
    archive: str | None = PathSetting
    quarantine: str | None = PathSetting
    certificate: str | None = PathSetting
    password_file: str | None = PathSetting
    message_type: str | None = Field(None, min_length=3, max_length=3)
    certificate_password: str | None = Field(
        None,
        min_length=1,
        max_length=1024,
        description="Bare for å åpne sertifikatet som settes nå; lagres aldri.",
    )


class KuhrSettings(BaseModel):
    url: str | None = Field(description="KUHR Krav API-ets adresse.")
    maskinporten_token_url: str | None
    maskinporten_audience: str | None
    maskinporten_client_id: str | None
    maskinporten_key: str | None = Field(description="Filen med klientens private nøkkel.")


class KuhrSettingsChange(Strict):
    url: str | None = Field(
        None, min_length=1, max_length=500, description="dev, prod eller en https-adresse."
    )
    maskinporten_token_url: str | None = Setting
    maskinporten_audience: str | None = Setting
    maskinporten_client_id: str | None = Setting
    maskinporten_key: str | None = Setting


class Applied(BaseModel):
    file: str
    settlement: int
    status: str = Field(description="AppRec-status (1 godkjent, 2 avvist, 3 delvis avvist).")


class Quarantined(BaseModel):
    file: str
    reason: str


class InboxOut(BaseModel):
    applied: list[Applied]
    already_applied: list[str] = Field(description="Filer brukt før; nå arkivert.")
    quarantined: list[Quarantined]
    findings: list[FindingOut]


class KuhrStatusOut(SettlementOut):
    message_status: str = Field(description="KUHRs meldingsstatus.")
    control_status: str | None
    payout_status: str | None
    applied: list[str] = Field(description="Det som ble registrert nå.")


@router.get(
    "/helfo/calendar",
    response_model=CalendarOut,
    summary="Helfo-kalenderen",
    description="Neste anbefalte innsendingsdag, vedtaksdagen og fridagene de neste to månedene.",
)
def helfo_calendar(
    date: Annotated[Day | None, Query(description="Fra dato (standard i dag).")] = None,
    ctx: Ctx = needs(Permission.CLAIMS_READ),
) -> CalendarOut:
    view = views.helfo_calendar(date or ctx.now.date())
    return CalendarOut(
        today=view.today,
        next_submission=view.next_submission,
        next_decision=view.next_decision,
        submissions=view.submissions,
        working_day=view.working_day,
        holidays=[Holiday(date=d, name=n) for d, n in view.holidays],
    )


def _settings_out(ctx: Ctx) -> HelfoSettingsOut:
    return HelfoSettingsOut(**exchange.get_settings(ctx.db), missing=exchange.missing(ctx.db))


@router.get(
    "/helfo/settings",
    response_model=HelfoSettingsOut,
    summary="Meldingsinnstillinger",
    description="Meldingsmapper, virksomhetssertifikat og Helfos id-er.",
)
def get_helfo_settings(ctx: Ctx = ADMIN) -> HelfoSettingsOut:
    return _settings_out(ctx)


@router.put(
    "/helfo/settings",
    response_model=HelfoSettingsOut,
    summary="Endre meldingsinnstillinger",
    description="Bare feltene som sendes, endres. Et sertifikat kontrolleres (praksisens "
    "org.nr) før det lagres; passordet til det lagres aldri.",
)
def put_helfo_settings(body: HelfoSettingsChange, ctx: Ctx = ADMIN) -> HelfoSettingsOut:
    values = body.model_dump(exclude={"certificate_password"})
    exchange.set_settings(ctx.db, secret=body.certificate_password, **values)
    return _settings_out(ctx)


@router.get("/helfo/kuhr-settings", response_model=KuhrSettings, summary="KUHR-innstillinger")
def get_kuhr_settings(ctx: Ctx = ADMIN) -> KuhrSettings:
    return KuhrSettings(**kuhr.get_settings(ctx.db))


@router.put(
    "/helfo/kuhr-settings",
    response_model=KuhrSettings,
    summary="Endre KUHR-innstillinger",
    description="KUHR Krav API: adresse og Maskinporten-klient. Bare feltene som sendes, endres.",
)
def put_kuhr_settings(body: KuhrSettingsChange, ctx: Ctx = ADMIN) -> KuhrSettings:
    return KuhrSettings(**kuhr.set_settings(ctx.db, **body.model_dump()))


@router.post(
    "/helfo/inbox",
    response_model=InboxOut,
    summary="Les innboksen",
    description="Leser kvitteringene (AppRec) i innboksen én gang og bruker dem på oppgjørene; "
    "det som ikke kan brukes, går i karantene med årsaken.",
)
def read_inbox(ctx: Ctx = SUBMIT) -> InboxOut:
    report = inbox_app.read_inbox(ctx.db, actor=ctx.actor, now=ctx.now)
    return InboxOut(
        applied=[Applied(file=f, settlement=s, status=x) for f, s, x in report.applied],
        already_applied=[f for f, _ in report.already_applied],
        quarantined=[Quarantined(file=f, reason=redact(r)) for f, r in report.quarantined],
        findings=safe(report.findings),
    )


@router.post(
    "/settlements/{settlement_id}/kuhr-status",
    response_model=KuhrStatusOut,
    summary="Hent status fra KUHR",
    description="Leser status for et oppgjør sendt til KUHR Krav API og registrerer "
    "kontrollresultatet per regning og utbetalingen når de er klare.",
)
def kuhr_status(
    settlement_id: SettlementId, response: Response, ctx: Ctx = SUBMIT
) -> KuhrStatusOut:
    result = kuhr.poll(ctx.db, settlement_id, kuhr.client(ctx.db), actor=ctx.actor, now=ctx.now)
    x = result.status
    return KuhrStatusOut(
        **tagged(response, result.settlement).model_dump(),
        message_status=x.message_status,
        control_status=x.control_status,
        payout_status=x.payout_status,
        applied=result.applied,
    )
