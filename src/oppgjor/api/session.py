"""Logging in and out (the web's session cookie) and who the caller is."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from oppgjor.access.domain.roles import ROLE_WORDS, Role
from oppgjor.api.deps import SESSION_COOKIE, Ctx, clock, database, needs
from oppgjor.api.schemas import PROBLEM_RESPONSES, Timestamp
from oppgjor.app import signin

router = APIRouter(tags=["innlogging"], responses=PROBLEM_RESPONSES)


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=64, description="Brukernavnet.")
    password: str = Field(min_length=1, max_length=1024, description="Passordet.")


class Me(BaseModel):
    """Den som spør: brukeren (eller bookingklienten) og hva den har lov til."""

    actor: str = Field(description="Navnet i historikken.")
    role: str | None = Field(description="Rollen (administrator, settlement-office, …).")
    role_text: str | None = Field(description="Rollen på bokmål.")
    practitioner_ref: str | None = Field(description="Behandleren brukeren er knyttet til.")
    client_ref: str | None = Field(description="Bookingklienten tokenet tilhører.")
    permissions: list[str] = Field(description="Tilgangene.")
    expires_at: Timestamp | None = Field(description="Når tokenet utløper.")


class LoggedIn(BaseModel):
    username: str
    display_name: str
    role: str
    expires_at: Timestamp


@router.post(
    "/session", summary="Logg inn", response_model=LoggedIn,
    description="Logg inn med brukernavn og passord; svaret setter øktens informasjonskapsel "
    "(HttpOnly, SameSite=Strict, Secure over TLS). Mislykkede forsøk strupes.",
)  # fmt: skip
def login(body: Credentials, request: Request, response: Response) -> LoggedIn:
    remote = request.client.host if request.client else "-"
    response.headers["Cache-Control"] = "no-store"
    secret, user = signin.login(
        database(request), body.username, body.password, remote=remote,
        now=clock(request).now(),
    )  # fmt: skip
    response.set_cookie(
        SESSION_COOKIE, secret.value, max_age=int(signin.SESSION_LIFETIME.total_seconds()),
        httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/",
    )  # fmt: skip
    return LoggedIn(username=user.username, display_name=user.display_name, role=user.role,
                    expires_at=secret.expires_at)  # fmt: skip


@router.delete("/session", status_code=204, summary="Logg ut",
               description="Avslutt økten og slett informasjonskapselen.")  # fmt: skip
def logout(request: Request, response: Response) -> Response:
    value = request.cookies.get(SESSION_COOKIE)
    if value:
        signin.logout(database(request), value, clock(request).now())
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("/me", response_model=Me, summary="Hvem er jeg",
            description="Den innloggede brukeren eller tokenets eier, og tilgangene.")  # fmt: skip
def me(ctx: Ctx = needs(None)) -> Me:
    p = ctx.principal
    return Me(
        actor=p.actor, role=p.role.value if p.role else None,
        role_text=ROLE_WORDS[Role(p.role)] if p.role else None,
        practitioner_ref=p.practitioner_ref, client_ref=p.client_ref,
        permissions=sorted(x.value for x in p.permissions), expires_at=p.expires_at,
    )  # fmt: skip
