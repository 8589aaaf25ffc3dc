"""Innstillinger (administrators only): Helfo's message settings and the enterprise
certificate (uploaded with its password, which is used once and kept nowhere), and the KUHR
Krav API's settings. Users, tokens and booking clients: :mod:`oppgjor.web.settings_access`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from oppgjor.access.domain.roles import Permission
from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import booking, enterprise_certificate, exchange, kuhr
from oppgjor.store import Database
from oppgjor.web.deps import Page, page
from oppgjor.web.render import redirect, render

router = APIRouter()
ADMIN = Permission.ADMIN
HOME = "/innstillinger"
TABS = (
    (HOME, "Helfo"), (f"{HOME}/kuhr", "KUHR"), (f"{HOME}/kontoer", "Kontoer"),
    (f"{HOME}/bookingklienter", "Bookingklienter"),
    (f"{HOME}/brukere", "Brukere"), (f"{HOME}/tokens", "Tokens"),
)  # fmt: skip
MAX_TEXT = 500

# the Helfo settings the form shows: (name, label, a path on the server)
HELFO_FIELDS = (
    ("folder", "Felles meldingsmappe", True), ("outbox", "Utboks", True),
    ("inbox", "Innboks", True), ("archive", "Arkiv", True), ("quarantine", "Karantene", True),
    ("password_file", "Passordfil (chmod 600)", True),
    ("receiver_her", "Helfos HER-id (mottaker)", False),
    ("receiver_org", "Helfos organisasjonsnummer (mottaker)", False),
)  # fmt: skip
KUHR_FIELDS = (
    ("url", "KUHR Krav API-ets adresse (dev, prod eller https-adresse)"),
    ("maskinporten_token_url", "Maskinporten: tokenadresse"),
    ("maskinporten_audience", "Maskinporten: audience"),
    ("maskinporten_client_id", "Maskinporten: klient-id"),
    ("maskinporten_key", "Maskinporten: fil med klientens private nøkkel"),
)

ACCOUNT_FIELDS = (
    ("bank", "Bankkonto (utbetalingen fra Helfo)"), ("income", "Inntektskonto"),
    ("receivable", "Fordring på Helfo (avvik som avventes)"),
    ("write_off", "Tap (avvik som avskrives)"),
)  # fmt: skip


def tab(ctx: Page, template: str, href: str, **data: Any) -> Response:
    return render(ctx, f"settings/{template}", section="innstillinger", tabs=TABS, current=href,
                  **data)  # fmt: skip


async def given(ctx: Page, names: Iterable[str]) -> dict[str, str | None]:
    """The form's value of each field named; an empty field is None: it leaves the setting as
    it is."""
    form = await ctx.request.form()
    values: dict[str, str | None] = {}
    for name in names:
        value = form.get(name)
        text = value.strip() if isinstance(value, str) else ""
        if len(text) > MAX_TEXT:
            raise UseCaseError(f"Verdien i «{name}» er for lang. Ingenting ble lagret.")
        values[name] = text or None
    return values


@router.get(HOME)
def helfo_page(ctx: Page = page(ADMIN)) -> Response:
    return tab(ctx, "helfo.html", HOME, settings=exchange.get_settings(ctx.db),
               missing=exchange.missing(ctx.db), fields=HELFO_FIELDS,
               certificate=enterprise_certificate.status(ctx.db, ctx.now.date()))  # fmt: skip


@router.post(f"{HOME}/helfo")
async def save_helfo(ctx: Page = page(ADMIN)) -> Response:
    values = await given(ctx, [*(name for name, _, _ in HELFO_FIELDS), "message_type"])
    for name, label, path in HELFO_FIELDS:
        if path and not (values[name] or "/").startswith("/"):
            raise UseCaseError(
                f"«{label}» må være en full sti på tjeneren (begynner med /). Ingenting ble lagret."
            )
    exchange.set_settings(ctx.db, **values)
    return redirect(ctx.request, HOME, "Helfo-innstillingene er lagret.")


@router.post(f"{HOME}/sertifikat")
async def upload_certificate(
    sertifikat: Annotated[UploadFile | None, File()] = None,
    passord: Annotated[str, Form(max_length=1024)] = "",
    ctx: Page = page(ADMIN),
) -> Response:
    data = await sertifikat.read(enterprise_certificate.MAX_SIZE + 1) if sertifikat else b""
    shown = enterprise_certificate.install(ctx.db, data, passord, actor=ctx.actor, now=ctx.now)
    when = shown.expires.strftime("%d.%m.%Y") if shown.expires else "ukjent"
    return redirect(ctx.request, HOME, f"Virksomhetssertifikatet er lagret; det gjelder til "
                                       f"{when}. Passordet ble ikke lagret.")  # fmt: skip


@dataclass(frozen=True)
class FormTab:
    """A tab that is one form of settings: read them, show them, save what is filled in."""

    slug: str
    heading: str
    intro: str
    fields: tuple[tuple[str, str], ...]
    read: Callable[[Database], Mapping[str, str | None]]
    write: Callable[..., object]
    saved: str


def add_form_tab(form: FormTab) -> None:
    href = f"{HOME}/{form.slug}"

    def show(ctx: Page = page(ADMIN)) -> Response:
        return tab(ctx, "form.html", href, form=form, settings=form.read(ctx.db))

    async def save(ctx: Page = page(ADMIN)) -> Response:
        form.write(ctx.db, **await given(ctx, [name for name, _ in form.fields]))
        return redirect(ctx.request, href, form.saved)

    router.add_api_route(href, show, methods=["GET"])
    router.add_api_route(href, save, methods=["POST"])


add_form_tab(FormTab("kuhr", "KUHR Krav API", "Adressen og Maskinporten-klienten oppgjør sendes "
                     "til KUHR med.", KUHR_FIELDS, kuhr.get_settings, kuhr.set_settings,
                     "KUHR-innstillingene er lagret."))  # fmt: skip
add_form_tab(FormTab("kontoer", "Kontoer for bokføring", "Kontoene bokføringsfilen bruker når et "
                     "utbetalt oppgjør bokføres.", ACCOUNT_FIELDS, booking.booking_accounts,
                     booking.booking_accounts, "Kontoene for bokføring er lagret."))  # fmt: skip
