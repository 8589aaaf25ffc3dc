"""Use cases of access: users, booking clients and tokens (logging in and who is asking:
:mod:`oppgjor.app.signin`).

A token or a session id is a random value handed out once; only its SHA-256 is stored, so a
copy of the database gives no one a way in. Passwords are Argon2 hashes. Logging in is
throttled (:mod:`oppgjor.app.signin`).
Every change to a user, client or token is an audit event naming its actor; no event holds a
password, a hash or a token.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from oppgjor.access.adapters import passwords
from oppgjor.access.domain.roles import (
    CLIENT_SCOPES,
    ROLE_WORDS,
    Role,
    Scope,
    allowed,
    scopes_of,
)
from oppgjor.app.errors import Conflict, NotFound, UseCaseError
from oppgjor.app.installation import is_test_installation
from oppgjor.store import Database
from oppgjor.store.access import ClientRow, TokenRow, UserRow
from oppgjor.store.audit import AuditEvent
from oppgjor.store.repos import Repos

TOKEN_PREFIX = "opg_"
TOKEN_LIFETIME = datetime.timedelta(days=90)
MAX_TOKEN_LIFETIME = datetime.timedelta(days=366)
_NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")


class Invalid(UseCaseError):
    """A value the caller gave cannot be used (a weak password, an unknown role)."""

    exit_code = 2


class Unauthenticated(UseCaseError):
    """No valid credentials: a wrong password, an unknown, expired or revoked token."""


@dataclass(frozen=True)
class NewSecret:
    """A token or session just made: the value is shown (or set as a cookie) once."""

    id: int
    value: str
    expires_at: datetime.datetime


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def role_of(text: str) -> Role:
    words = {w: r for r, w in ROLE_WORDS.items()}
    try:
        return Role(text) if text in {r.value for r in Role} else words[text]
    except KeyError:
        known = ", ".join(r.value for r in Role)
        raise Invalid(f"Ukjent rolle «{text}»; bruk {known}.") from None


def audit(repos: Repos, at: datetime.datetime, actor: str, kind: str, ref: str,
           action: str, detail: Mapping[str, object]) -> None:  # fmt: skip
    repos.audit.add(AuditEvent(at, actor, kind, ref, action, dict(detail)))


# -- users --------------------------------------------------------------------------------


def _checked_password(password: str) -> str:
    problem = passwords.weakness(password)
    if problem:
        raise Invalid(problem)
    return passwords.hash_password(password)


def _practitioner(repos: Repos, ref: str | None) -> int | None:
    if not ref:
        return None
    found = repos.access.practitioner_id(ref)
    if found is None:
        raise NotFound(f"Behandler {ref} finnes ikke.")
    return found


def create_user(
    db: Database, username: str, *, role: Role, password: str | None, display_name: str = "",
    practitioner_ref: str | None = None, actor: str, now: datetime.datetime,
) -> UserRow:  # fmt: skip
    """A new user. A practitioner's user names the practitioner record it belongs to."""
    username = username.strip().lower()
    if not _NAME.fullmatch(username):
        raise Invalid("Brukernavnet må ha 2–64 tegn: små bokstaver, sifre og . _ @ - (ikke først).")
    if role is Role.PRACTITIONER and not practitioner_ref:
        raise Invalid(
            "En bruker med rollen behandler må knyttes til en behandler (--practitioner)."
        )
    hashed = _checked_password(password) if password is not None else None
    with db.transaction() as repos:
        if repos.access.user(username) is not None:
            raise Conflict(f"Brukeren {username} finnes allerede.")
        repos.access.add_user(
            username=username, display_name=display_name or username, role=role.value,
            password_hash=hashed, practitioner_id=_practitioner(repos, practitioner_ref),
            active=True, created_at=now, updated_at=now,
        )  # fmt: skip
        after = {"role": role.value, "display_name": display_name or username,
                 "practitioner_ref": practitioner_ref}  # fmt: skip
        audit(repos, now, actor, "user", username, "created", {"after": after})
        user = repos.access.user(username)
    assert user is not None
    return user


def users(db: Database) -> list[UserRow]:
    with db.reading() as repos:
        return repos.access.users()


def _user(repos: Repos, username: str) -> UserRow:
    found = repos.access.user(username.strip().lower())
    if found is None:
        raise NotFound(f"Brukeren {username} finnes ikke.")
    return found


def change_user(
    db: Database, username: str, *, role: Role | None = None, display_name: str | None = None,
    practitioner_ref: str | None = None, active: bool | None = None, password: str | None = None,
    actor: str, now: datetime.datetime,
) -> UserRow:  # fmt: skip
    """Change a user; a new password or deactivation ends the user's sessions. A user may
    not deactivate themselves or give up their own administrator role (no one could undo it
    from the pages)."""
    hashed = _checked_password(password) if password is not None else None
    with db.transaction() as repos:
        user = _user(repos, username)
        if user.username == actor and (
            active is False
            or (user.role == Role.ADMINISTRATOR.value and role not in (None, Role.ADMINISTRATOR))
        ):
            raise Invalid("Du kan ikke deaktivere deg selv eller ta fra deg administratorrollen; "
                          "be en annen administrator. Ingenting ble endret.")  # fmt: skip
        values: dict[str, object] = {}
        before: dict[str, object] = {}
        after: dict[str, object] = {}

        def note(name: str, old: object, new: object) -> None:
            before[name], after[name] = old, new

        if role is not None and role.value != user.role:
            values["role"] = role.value
            note("role", user.role, role.value)
        if display_name is not None and display_name != user.display_name:
            values["display_name"] = display_name
            note("display_name", user.display_name, display_name)
        if practitioner_ref is not None and practitioner_ref != (user.practitioner_ref or ""):
            values["practitioner_id"] = _practitioner(repos, practitioner_ref or None)
            note("practitioner_ref", user.practitioner_ref, practitioner_ref or None)
        if active is not None and active != user.active:
            values["active"] = active
            note("active", user.active, active)
        if hashed is not None:
            values["password_hash"] = hashed
            note("password", "", "endret")  # that it changed; never a value or a hash
        final_role = Role(str(values.get("role", user.role)))
        linked = values.get("practitioner_id", user.practitioner_ref)
        if final_role is Role.PRACTITIONER and not linked:
            raise Invalid("En bruker med rollen behandler må knyttes til en behandler.")
        if values:
            repos.access.change_user(user.id, updated_at=now, **values)
            if hashed is not None or active is False:
                repos.access.end_sessions(user.id, now)
            audit(repos, now, actor, "user", user.username, "updated",
                   {"before": before, "after": after})  # fmt: skip
        changed = repos.access.user(user.username)
    assert changed is not None
    return changed


# -- booking clients ------------------------------------------------------------------------


def create_client(
    db: Database, ref: str, name: str, *, org_nr: str | None = None, actor: str,
    now: datetime.datetime,
) -> ClientRow:  # fmt: skip
    """A booking client: an insurer's (or another outside) system that books over the API."""
    if not _REF.fullmatch(ref):
        raise Invalid("Kortnavnet må ha 1–32 tegn: bokstaver, sifre, _ og -.")
    if not name.strip():
        raise Invalid("Navnet kan ikke være tomt.")
    if org_nr is not None and not re.fullmatch(r"\d{9}", org_nr):
        raise Invalid("Organisasjonsnummeret må ha 9 sifre.")
    with db.transaction() as repos:
        if repos.access.client(ref) is not None:
            raise Conflict(f"Bookingklienten {ref} finnes allerede.")
        repos.access.add_client(ref=ref, name=name.strip(), org_nr=org_nr, active=True,
                                created_at=now)  # fmt: skip
        after = {"name": name.strip(), "org_nr": org_nr}
        audit(repos, now, actor, "booking-client", ref, "created", {"after": after})
        client = repos.access.client(ref)
    assert client is not None
    return client


def clients(db: Database) -> list[ClientRow]:
    with db.reading() as repos:
        return repos.access.clients()


# -- tokens ---------------------------------------------------------------------------------


def _new_value() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def create_token(
    db: Database, name: str, *, username: str | None = None, client_ref: str | None = None,
    scopes: Iterable[str], lifetime: datetime.timedelta = TOKEN_LIFETIME, actor: str,
    now: datetime.datetime,
) -> NewSecret:  # fmt: skip
    """A bearer token for a user or a booking client, valid for *lifetime*."""
    if (username is None) == (client_ref is None):
        raise Invalid("Et token tilhører enten en bruker eller en bookingklient.")
    try:
        wanted = scopes_of(scopes)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    if not wanted:
        raise Invalid("Et token må ha minst ett omfang (f.eks. read).")
    if client_ref is not None and not wanted <= CLIENT_SCOPES:
        raise Invalid("En bookingklients token kan bare ha omfanget booking.")
    if username is not None and Scope.BOOKING in wanted:
        raise Invalid("Omfanget booking er for bookingklienter (oppgjor token create --client).")
    if not datetime.timedelta(minutes=1) <= lifetime <= MAX_TOKEN_LIFETIME:
        raise Invalid("Et token må gjelde fra ett minutt til ett år.")
    if not name.strip() or len(name) > 100:
        raise Invalid("Gi tokenet et navn (høyst 100 tegn).")
    value = _new_value()
    with db.transaction() as repos:
        owner: dict[str, int | None] = {"user_id": None, "client_id": None}
        if username is not None:
            user = _user(repos, username)
            owner["user_id"] = user.id
            useless = sorted(s.value for s in wanted if not allowed(Role(user.role), [s.value]))
            if useless:
                raise Invalid(
                    f"Rollen til {user.username} ({ROLE_WORDS[Role(user.role)]}) kan ikke bruke "
                    f"omfanget {', '.join(useless)}; velg et omfang rollen har."
                )
        else:
            client = repos.access.client(client_ref or "")
            if client is None:
                raise NotFound(f"Bookingklienten {client_ref} finnes ikke.")
            owner["client_id"] = client.id
        expires = now + lifetime
        token_id = repos.access.add_token(
            name=name.strip(), token_hash=digest(value), prefix=value[:10],
            scopes=" ".join(sorted(s.value for s in wanted)), created_at=now,
            expires_at=expires, created_by=actor, **owner,
        )  # fmt: skip
        detail = {
            "name": name.strip(), "owner": username or client_ref,
            "scopes": sorted(s.value for s in wanted), "expires_at": expires.isoformat(),
        }  # fmt: skip
        audit(repos, now, actor, "token", str(token_id), "created", detail)
    return NewSecret(token_id, value, expires)


def tokens(db: Database) -> list[TokenRow]:
    with db.reading() as repos:
        return repos.access.tokens()


def revoke_token(db: Database, token_id: int, *, actor: str, now: datetime.datetime) -> TokenRow:
    with db.transaction() as repos:
        token = repos.access.token_by_id(token_id)
        if token is None:
            raise NotFound(f"Token {token_id} finnes ikke.")
        if token.revoked_at is None:
            repos.access.change_token(token_id, revoked_at=now)
            audit(repos, now, actor, "token", str(token_id), "revoked", {"name": token.name})
        revoked = repos.access.token_by_id(token_id)
    assert revoked is not None
    return revoked


# -- the demo's login ---------------------------------------------------------------------

DEMO_USER = "demo"


def demo_login(db: Database, *, now: datetime.datetime) -> tuple[str, str]:
    """The demo clinic's administrator with a new random password (returned once, never
    stored in clear): ``make run`` prints it. Only in a test installation."""
    if not is_test_installation(db):
        raise Conflict("Demobrukeren lages bare i en testinstallasjon (oppgjor demo seed).")
    password = secrets.token_urlsafe(12)
    with db.reading() as repos:
        exists = repos.access.user(DEMO_USER) is not None
    if exists:
        change_user(db, DEMO_USER, role=Role.ADMINISTRATOR, active=True, password=password,
                    actor="demo", now=now)  # fmt: skip
    else:
        create_user(db, DEMO_USER, role=Role.ADMINISTRATOR, password=password,
                    display_name="Demobruker", actor="demo", now=now)  # fmt: skip
    return DEMO_USER, password
