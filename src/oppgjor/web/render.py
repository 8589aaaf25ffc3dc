"""Rendering pages: one Jinja2 environment (autoescaped), Norwegian number and date filters,
the menu the user's role allows, messages carried over a redirect, and htmx fragments.

A page is rendered with :func:`render`; after a form that changed something the route answers
:func:`redirect` (303, so a reload does not post again) with a message the next page shows.
An htmx request (``HX-Request``) gets the fragment it asked for; :func:`is_htmx` tells.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from oppgjor import __version__
from oppgjor.access.domain.roles import ROLE_WORDS, Permission, Principal, Role
from oppgjor.app.clinic.labels import FIELD_LABELS, SEVERITY_LABELS, VALUE_LABELS
from oppgjor.core.ids.national_id import mask
from oppgjor.core.money import format_nok
from oppgjor.web.deps import Page

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
MESSAGE_COOKIE = "oppgjor_melding"

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
          "oktober", "november", "desember")  # fmt: skip
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


@dataclass(frozen=True)
class MenuItem:
    href: str
    text: str
    permission: Permission | None
    section: str  # the page's menu key: the menu marks the current one


MENU: tuple[MenuItem, ...] = (
    MenuItem("/", "Oversikt", None, "oversikt"),
    MenuItem("/oppgjor", "Oppgjør", Permission.SETTLEMENTS_READ, "oppgjor"),
    MenuItem("/registre", "Registre", Permission.RECORDS_READ, "registre"),
    MenuItem("/planlegger", "Planlegger", Permission.SCHEDULE_READ, "planlegger"),
    MenuItem("/isf", "ISF", Permission.ISF_READ, "isf"),
    MenuItem("/innstillinger", "Innstillinger", Permission.ADMIN, "innstillinger"),
)


def menu(principal: Principal) -> list[MenuItem]:
    """The pages this user's role may open."""
    return [m for m in MENU if m.permission is None or principal.may(m.permission)]


# -- filters: how values read in Norwegian ----------------------------------------------------


def kroner(value: Decimal | int | str | None) -> str:
    """``1 234,50``; empty for None."""
    if value is None or value == "":
        return ""
    return format_nok(Decimal(str(value)))


def dato(value: datetime.date | datetime.datetime | str | None) -> str:
    """``31.12.2026``; a time of day is not shown."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    return value.strftime("%d.%m.%Y")


def tidspunkt(value: datetime.datetime | str | None) -> str:
    """``31.12.2026 kl. 14:05``."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value.strftime("%d.%m.%Y kl. %H:%M")


def klokke(value: datetime.datetime | datetime.time | str | None) -> str:
    """``14:05``."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value.strftime("%H:%M")


def maaned(value: datetime.date | str) -> str:
    """``mars 2026``."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:7] + "-01")
    return f"{MONTHS[value.month - 1]} {value.year}"


def ukedag(value: datetime.date) -> str:
    return WEEKDAYS[value.weekday()]


def antall(value: int) -> str:
    """``12 345``: thousands apart with a (non-breaking) space."""
    return f"{value:,}".replace(",", "\u00a0")


def antall_av(number: int, one: str, many: str) -> str:
    """``1 regning``, ``2 regninger``: the count with the word in the right number.

    >>> antall_av(1, "regning", "regninger"), antall_av(1200, "rad", "rader")
    ('1 regning', '1\xa0200 rader')
    """
    return f"{antall(number)} {one if number == 1 else many}"


def felt(name: str) -> str:
    """A record field's Norwegian label."""
    return FIELD_LABELS.get(name, name.replace("_", " "))


def verdi(value: Any, field: str = "") -> str:
    """A coded value in words (``planned`` → ``planlagt``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    return VALUE_LABELS.get(field, {}).get(str(value), str(value))


def alvor(severity: Any) -> str:
    text = getattr(severity, "value", severity)
    return SEVERITY_LABELS.get(str(text), str(text))


def maskert(number: str | None) -> str:
    """A national id as ``150586*****``."""
    return mask(number) if number else ""


env = TEMPLATES.env
env.filters.update(kroner=kroner, dato=dato, tidspunkt=tidspunkt, klokke=klokke, maaned=maaned,
                   ukedag=ukedag, antall=antall, antall_av=antall_av, felt=felt, verdi=verdi,
                   alvor=alvor, maskert=maskert)  # fmt: skip
env.globals.update(version=__version__, htmx="htmx-2.0.11.min.js")


# -- pages, fragments, redirects --------------------------------------------------------------


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def role_text(principal: Principal) -> str:
    return ROLE_WORDS[Role(principal.role)] if principal.role else ""


def render(ctx: Page | Request, template: str, status: int = 200, section: str = "",
           headers: dict[str, str] | None = None, **data: Any) -> HTMLResponse:  # fmt: skip
    """The page (or fragment) *template* with *data*; the menu and the user when logged in.
    Pages are never cached: what they show is personal."""
    request = ctx.request if isinstance(ctx, Page) else ctx
    message = request.cookies.get(MESSAGE_COOKIE)
    context: dict[str, Any] = {
        "section": section, "message": unquote(message) if message else None, **data,
    }  # fmt: skip
    if isinstance(ctx, Page):
        context.update(me=ctx.principal, menu=menu(ctx.principal), role=role_text(ctx.principal),
                       now=ctx.now, Permission=Permission)  # fmt: skip
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status,
                                          headers=headers)  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    if message:
        response.delete_cookie(MESSAGE_COOKIE, path="/")
    return response


def _same_document(request: Request, url: str) -> bool:
    """Whether *url* is the page htmx is on, but for its fragment (``/oppgjor/4#funn``)."""
    current = urlsplit(request.headers.get("hx-current-url", ""))
    target = urlsplit(url)
    same_path = (current.path, current.query) == (target.path, target.query)
    return same_path and not target.netloc and current.path != ""


def redirect(request: Request, url: str, message: str | None = None) -> Response:
    """After a change: to *url* (303), with *message* shown there. An htmx request is told
    by ``HX-Redirect`` (htmx does not follow a 303 to a full page)."""
    response: Response
    if is_htmx(request) and _same_document(request, url):
        # the browser would only scroll to the fragment, not load the page (nor the message)
        response = Response(status_code=204, headers={"HX-Refresh": "true"})
    elif is_htmx(request):
        response = Response(status_code=204, headers={"HX-Redirect": url})
    else:
        response = RedirectResponse(url, status_code=303)
    if message:
        response.set_cookie(MESSAGE_COOKIE, quote(message), max_age=60, httponly=True,
                            samesite="strict", path="/")  # fmt: skip
    return response
