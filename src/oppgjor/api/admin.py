"""Users, tokens and booking clients (administrators only)."""

from __future__ import annotations

import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from oppgjor.access.domain.roles import Permission, Role, Scope
from oppgjor.api.deps import Ctx, needs
from oppgjor.api.schemas import PROBLEM_RESPONSES, Timestamp
from oppgjor.app import access
from oppgjor.store.access import ClientRow, TokenRow, UserRow

router = APIRouter(tags=["brukere og tokens"], responses=PROBLEM_RESPONSES)
ADMIN = needs(Permission.ADMIN)


class UserOut(BaseModel):
    username: str
    display_name: str
    role: Role
    practitioner_ref: str | None
    active: bool
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, u: UserRow) -> UserOut:
        return cls(username=u.username, display_name=u.display_name, role=Role(u.role),
                   practitioner_ref=u.practitioner_ref, active=u.active,
                   created_at=u.created_at, updated_at=u.updated_at)  # fmt: skip


class NewUser(BaseModel):
    username: str = Field(min_length=2, max_length=64, description="Små bokstaver og sifre.")
    role: Role = Field(description="administrator, settlement-office, practitioner, read-only.")
    password: str = Field(min_length=1, max_length=1024, description="Minst 10 tegn.")
    display_name: str = Field("", max_length=200)
    practitioner_ref: str | None = Field(
        None, max_length=32, description="Behandleren (rollen practitioner)."
    )


class UserChange(BaseModel):
    role: Role | None = None
    display_name: str | None = Field(None, max_length=200)
    practitioner_ref: str | None = Field(None, max_length=32)
    active: bool | None = None
    password: str | None = Field(None, min_length=1, max_length=1024)


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="Starten av tokenet, for å kjenne det igjen.")
    owner: str = Field(description="Brukeren eller bookingklienten.")
    scopes: list[str]
    created_at: Timestamp
    expires_at: Timestamp
    revoked_at: Timestamp | None
    created_by: str

    @classmethod
    def of(cls, t: TokenRow) -> TokenOut:
        return cls(id=t.id, name=t.name, prefix=t.prefix, owner=t.owner, scopes=list(t.scopes),
                   created_at=t.created_at, expires_at=t.expires_at, revoked_at=t.revoked_at,
                   created_by=t.created_by)  # fmt: skip


class NewToken(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    username: str | None = Field(None, max_length=64, description="Brukeren tokenet gjelder.")
    client_ref: str | None = Field(None, max_length=32, description="Eller bookingklienten.")
    scopes: list[Scope] = Field(
        min_length=1, description="read, write, settlement, admin, booking."
    )
    days: int = Field(90, ge=1, le=366, description="Hvor mange dager tokenet gjelder.")


class CreatedToken(TokenOut):
    token: str = Field(description="Tokenet; vises bare denne ene gangen.")


class ClientOut(BaseModel):
    ref: str
    name: str
    org_nr: str | None
    active: bool

    @classmethod
    def of(cls, c: ClientRow) -> ClientOut:
        return cls(ref=c.ref, name=c.name, org_nr=c.org_nr, active=c.active)


class NewClient(BaseModel):
    ref: str = Field(min_length=1, max_length=32, description="Kortnavn, f.eks. IF.")
    name: str = Field(min_length=1, max_length=200)
    org_nr: str | None = Field(None, min_length=9, max_length=9)


@router.get("/users", response_model=list[UserOut], summary="Brukere")
def list_users(ctx: Ctx = ADMIN) -> list[UserOut]:
    return [UserOut.of(u) for u in access.users(ctx.db)]


@router.post("/users", status_code=201, response_model=UserOut, summary="Ny bruker")
def create_user(body: NewUser, ctx: Ctx = ADMIN) -> UserOut:
    user = access.create_user(
        ctx.db, body.username, role=body.role, password=body.password,
        display_name=body.display_name, practitioner_ref=body.practitioner_ref,
        actor=ctx.actor, now=ctx.now,
    )  # fmt: skip
    return UserOut.of(user)


@router.patch("/users/{username}", response_model=UserOut, summary="Endre en bruker",
              description="Bare feltene som sendes, endres. Nytt passord eller deaktivering "
              "avslutter brukerens økter.")  # fmt: skip
def change_user(
    username: Annotated[str, Path(max_length=64)], body: UserChange, ctx: Ctx = ADMIN
) -> UserOut:
    user = access.change_user(
        ctx.db, username, role=body.role, display_name=body.display_name,
        practitioner_ref=body.practitioner_ref, active=body.active, password=body.password,
        actor=ctx.actor, now=ctx.now,
    )  # fmt: skip
    return UserOut.of(user)


@router.get("/tokens", response_model=list[TokenOut], summary="Tokens")
def list_tokens(ctx: Ctx = ADMIN) -> list[TokenOut]:
    return [TokenOut.of(t) for t in access.tokens(ctx.db)]


@router.post("/tokens", status_code=201, response_model=CreatedToken, summary="Nytt token",
             description="Lag et token for en bruker eller en bookingklient. Selve tokenet vises "
             "bare i dette svaret; bare en hash lagres.")  # fmt: skip
def create_token(body: NewToken, response: Response, ctx: Ctx = ADMIN) -> CreatedToken:
    response.headers["Cache-Control"] = "no-store"  # the token: shown once, kept nowhere
    made = access.create_token(
        ctx.db, body.name, username=body.username, client_ref=body.client_ref,
        scopes=[s.value for s in body.scopes], lifetime=datetime.timedelta(days=body.days),
        actor=ctx.actor, now=ctx.now,
    )  # fmt: skip
    token = next(t for t in access.tokens(ctx.db) if t.id == made.id)
    return CreatedToken(**TokenOut.of(token).model_dump(), token=made.value)


@router.delete("/tokens/{token_id}", status_code=204, summary="Tilbakekall et token")
def revoke_token(
    token_id: Annotated[int, Path(ge=1, le=2_147_483_647)], ctx: Ctx = ADMIN
) -> Response:
    access.revoke_token(ctx.db, token_id, actor=ctx.actor, now=ctx.now)
    return Response(status_code=204)


@router.get("/booking-clients", response_model=list[ClientOut], summary="Bookingklienter")
def list_clients(ctx: Ctx = ADMIN) -> list[ClientOut]:
    return [ClientOut.of(c) for c in access.clients(ctx.db)]


@router.post("/booking-clients", status_code=201, response_model=ClientOut,
             summary="Ny bookingklient", description="Et forsikringsselskaps (eller annet) "
             "system som booker timer over API-et.")  # fmt: skip
def create_client(body: NewClient, ctx: Ctx = ADMIN) -> ClientOut:
    return ClientOut.of(
        access.create_client(
            ctx.db, body.ref, body.name, org_nr=body.org_nr, actor=ctx.actor, now=ctx.now
        )
    )
