"""Innstillinger (administrators only): Helfo's message settings and the enterprise
certificate (uploaded with its password, which is used once and kept nowhere), and the KUHR
Krav API's settings. Users, tokens and booking clients: :mod:`oppgjor.web.settings_access`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from oppgjor.access.domain.roles import Permission
from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import enterprise_certificate, exchange, kuhr
from oppgjor.web.deps import Page, page
from oppgjor.web.render import redirect, render

router = APIRouter()
ADMIN = Permission.ADMIN
HOME = "/innstillinger"
TABS = (
    (HOME, "Helfo"), (f"{HOME}/kuhr", "KUHR"), (f"{HOME}/bookingklienter", "Bookingklienter"),
    (f"{HOME}/brukere", "Brukere"), (f"{HOME}/tokens", "Tokens"),
)  # fmt: skip
Text = Annotated[str, Form(max_length=500)]

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


def tab(ctx: Page, template: str, href: str, **data: Any) -> Response:
    return render(ctx, f"settings/{template}", section="innstillinger", tabs=TABS, current=href,
                  **data)  # fmt: skip


def _given(value: str) -> str | None:
    """An empty field leaves the setting as it is."""
    return value.strip() or None


@router.get(HOME)
def helfo_page(ctx: Page = page(ADMIN)) -> Response:
    return tab(ctx, "helfo.html", HOME, settings=exchange.get_settings(ctx.db),
               missing=exchange.missing(ctx.db), fields=HELFO_FIELDS,
               certificate=enterprise_certificate.status(ctx.db, ctx.now.date()))  # fmt: skip


@router.post(f"{HOME}/helfo")
def save_helfo(
    folder: Text = "", outbox: Text = "", inbox: Text = "", archive: Text = "",
    quarantine: Text = "", password_file: Text = "", receiver_her: Text = "",
    receiver_org: Text = "", message_type: Text = "", ctx: Page = page(ADMIN),
) -> Response:  # fmt: skip
    given = {"folder": folder, "outbox": outbox, "inbox": inbox, "archive": archive,
             "quarantine": quarantine, "password_file": password_file,
             "receiver_her": receiver_her, "receiver_org": receiver_org,
             "message_type": message_type}  # fmt: skip
    values = {k: _given(v) for k, v in given.items()}
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


@router.get(f"{HOME}/kuhr")
def kuhr_page(ctx: Page = page(ADMIN)) -> Response:
    return tab(ctx, "kuhr.html", f"{HOME}/kuhr", settings=kuhr.get_settings(ctx.db),
               fields=KUHR_FIELDS)  # fmt: skip


@router.post(f"{HOME}/kuhr")
def save_kuhr(
    url: Text = "", maskinporten_token_url: Text = "", maskinporten_audience: Text = "",
    maskinporten_client_id: Text = "", maskinporten_key: Text = "", ctx: Page = page(ADMIN),
) -> Response:  # fmt: skip
    kuhr.set_settings(ctx.db, url=_given(url),
                      maskinporten_token_url=_given(maskinporten_token_url),
                      maskinporten_audience=_given(maskinporten_audience),
                      maskinporten_client_id=_given(maskinporten_client_id),
                      maskinporten_key=_given(maskinporten_key))  # fmt: skip
    return redirect(ctx.request, f"{HOME}/kuhr", "KUHR-innstillingene er lagret.")
