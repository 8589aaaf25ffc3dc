"""Innstillinger for who may come in (administrators only): booking clients, users (create,
change role, deactivate, set a password) and tokens (create: the value is shown this once;
revoke). Each change is the access use cases', audited there."""

from __future__ import annotations

import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Path
from fastapi.responses import Response

from oppgjor.access.domain.roles import ROLE_WORDS, Permission, Role, Scope
from oppgjor.app import access
from oppgjor.app.clinic.records import list_records
from oppgjor.web.deps import Page, page
from oppgjor.web.render import redirect
from oppgjor.web.settings import HOME, tab

router = APIRouter()
ADMIN = Permission.ADMIN
CLIENTS, USERS, TOKENS = f"{HOME}/bookingklienter", f"{HOME}/brukere", f"{HOME}/tokens"
Short = Annotated[str, Form(max_length=200)]
Secret = Annotated[str, Form(max_length=1024)]
Username = Annotated[str, Path(max_length=64)]
SCOPE_WORDS = {
    Scope.READ: "lese", Scope.WRITE: "skrive (registre, planlegger, utkast)",
    Scope.SETTLEMENT: "oppgjør (sende inn, utbetaling, bokføring)", Scope.ADMIN: "administrere",
    Scope.BOOKING: "booking (bare bookingklienter)",
}  # fmt: skip


def _roles() -> list[tuple[str, str]]:
    return [(r.value, ROLE_WORDS[r]) for r in Role]


def _practitioners(ctx: Page) -> list[tuple[str, str]]:
    found = list_records(ctx.db, "practitioners")
    return [("", "(ingen)")] + [(p.ref, f"{p.name} ({p.ref})") for p in found]


# -- booking clients ------------------------------------------------------------------------


@router.get(CLIENTS)
def clients_page(ctx: Page = page(ADMIN)) -> Response:
    return tab(ctx, "clients.html", CLIENTS, clients=access.clients(ctx.db))


@router.post(CLIENTS)
def create_client(
    ref: Annotated[str, Form(max_length=32)] = "", name: Short = "",
    org_nr: Annotated[str, Form(max_length=9)] = "", ctx: Page = page(ADMIN),
) -> Response:  # fmt: skip
    made = access.create_client(ctx.db, ref.strip(), name, org_nr=org_nr.strip() or None,
                                actor=ctx.actor, now=ctx.now)  # fmt: skip
    return redirect(ctx.request, CLIENTS, f"Bookingklienten {made.ref} er laget.")


# -- users ----------------------------------------------------------------------------------


@router.get(USERS)
def users_page(ctx: Page = page(ADMIN)) -> Response:
    return tab(ctx, "users.html", USERS, users=access.users(ctx.db), roles=_roles(),
               role_words={r.value: w for r, w in ROLE_WORDS.items()},
               practitioners=_practitioners(ctx))  # fmt: skip


@router.post(USERS)
def create_user(
    username: Annotated[str, Form(max_length=64)] = "", display_name: Short = "",
    role: Annotated[str, Form(max_length=32)] = "", practitioner: Short = "",
    password: Secret = "", ctx: Page = page(ADMIN),
) -> Response:  # fmt: skip
    made = access.create_user(
        ctx.db, username, role=access.role_of(role), password=password,
        display_name=display_name.strip(), practitioner_ref=practitioner or None,
        actor=ctx.actor, now=ctx.now,
    )  # fmt: skip
    return redirect(ctx.request, USERS, f"Brukeren {made.username} er laget.")


@router.post(USERS + "/{username}/rolle")
def change_role(
    username: Username, role: Annotated[str, Form(max_length=32)] = "",
    practitioner: Short = "", ctx: Page = page(ADMIN),
) -> Response:  # fmt: skip
    changed = access.change_user(ctx.db, username, role=access.role_of(role),
                                 practitioner_ref=practitioner, actor=ctx.actor,
                                 now=ctx.now)  # fmt: skip
    words = ROLE_WORDS[Role(changed.role)]
    return redirect(ctx.request, USERS, f"{changed.username} har nå rollen {words}.")


@router.post(USERS + "/{username}/aktiv")
def set_active(
    username: Username, active: Annotated[bool, Form()] = False, ctx: Page = page(ADMIN)
) -> Response:
    changed = access.change_user(ctx.db, username, active=active, actor=ctx.actor, now=ctx.now)
    what = "aktivert" if changed.active else "deaktivert; øktene er avsluttet"
    return redirect(ctx.request, USERS, f"{changed.username} er {what}.")


@router.post(USERS + "/{username}/passord")
def set_password(username: Username, password: Secret = "", ctx: Page = page(ADMIN)) -> Response:
    changed = access.change_user(ctx.db, username, password=password, actor=ctx.actor,
                                 now=ctx.now)  # fmt: skip
    return redirect(ctx.request, USERS, f"Nytt passord er satt for {changed.username}; "
                                        "øktene er avsluttet.")  # fmt: skip


# -- tokens ---------------------------------------------------------------------------------


def _owners(ctx: Page) -> list[tuple[str, str]]:
    users = [(f"bruker:{u.username}", f"Bruker {u.username}") for u in access.users(ctx.db)
             if u.active]  # fmt: skip
    clients = [(f"klient:{c.ref}", f"Bookingklient {c.ref}") for c in access.clients(ctx.db)]
    return users + clients


def tokens_page(ctx: Page, created: access.NewSecret | None = None) -> Response:
    return tab(ctx, "tokens.html", TOKENS, tokens=access.tokens(ctx.db), owners=_owners(ctx),
               scopes=list(SCOPE_WORDS.items()), created=created)  # fmt: skip


@router.get(TOKENS)
def list_tokens(ctx: Page = page(ADMIN)) -> Response:
    return tokens_page(ctx)


@router.post(TOKENS)
def create_token(
    name: Annotated[str, Form(max_length=100)] = "",
    owner: Annotated[str, Form(max_length=100)] = "",
    scopes: Annotated[list[str] | None, Form(max_length=20)] = None,
    days: Annotated[int, Form(ge=1, le=366)] = 90, ctx: Page = page(ADMIN),
) -> Response:  # fmt: skip
    kind, _, who = owner.partition(":")
    if kind not in ("bruker", "klient") or not who:
        raise access.Invalid("Velg hvem tokenet gjelder (en bruker eller en bookingklient).")
    made = access.create_token(
        ctx.db, name, username=who if kind == "bruker" else None,
        client_ref=who if kind == "klient" else None, scopes=scopes or [],
        lifetime=datetime.timedelta(days=days), actor=ctx.actor, now=ctx.now,
    )  # fmt: skip
    return tokens_page(ctx, made)  # shown here, once: never stored, never in a redirect


@router.post(TOKENS + "/{token_id}/tilbakekall")
def revoke_token(
    token_id: Annotated[int, Path(ge=1, le=2_147_483_647)], ctx: Page = page(ADMIN)
) -> Response:
    revoked = access.revoke_token(ctx.db, token_id, actor=ctx.actor, now=ctx.now)
    return redirect(ctx.request, TOKENS, f"Tokenet «{revoked.name}» er tilbakekalt.")
