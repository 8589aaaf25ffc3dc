"""Logging in and who is asking: a bearer token's or a session's principal, and the
throttling of failed logins (ADR 0019).

After :data:`MAX_FAILURES` failures for one user name from one address (or
:data:`MAX_FROM_ADDRESS` from one address, :data:`MAX_FOR_USER` for one user name from
everywhere) within :data:`WINDOW`, the next try waits until the window has passed. The attempt
is noted as failed before the password is checked, holding the user's row, so attempts at the
same moment count against each other."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from oppgjor.access.adapters import passwords
from oppgjor.access.domain.roles import (
    CLIENT_SCOPES,
    SCOPES,
    Permission,
    Principal,
    Role,
    allowed,
    scopes_of,
)
from oppgjor.app.access import TOKEN_PREFIX, NewSecret, Unauthenticated, audit, digest
from oppgjor.app.errors import UseCaseError
from oppgjor.store import Database
from oppgjor.store.access import UserRow
from oppgjor.store.repos import Repos

SESSION_LIFETIME = datetime.timedelta(hours=12)
WINDOW = datetime.timedelta(minutes=15)
MAX_FAILURES = 5
MAX_FROM_ADDRESS = 30
MAX_FOR_USER = 100  # from every address together


class Throttled(UseCaseError):
    """Too many failed logins; try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# -- who is asking ----------------------------------------------------------------------------


def _user_principal(user: UserRow, scopes: Iterable[str] | None = None,
                    token_id: int | None = None,
                    expires: datetime.datetime | None = None) -> Principal:  # fmt: skip
    role = Role(user.role)
    return Principal(
        actor=user.username, permissions=allowed(role, scopes), role=role, user_id=user.id,
        practitioner_ref=user.practitioner_ref, token_id=token_id, expires_at=expires,
    )  # fmt: skip


def from_token(db: Database, value: str, now: datetime.datetime) -> Principal:
    """The principal a bearer token stands for; :class:`Unauthenticated` if none."""
    refused = Unauthenticated("Ugyldig, utløpt eller tilbakekalt token.")
    if not value.startswith(TOKEN_PREFIX) or len(value) > 200:
        raise refused
    with db.reading() as repos:
        token = repos.access.token_by_hash(digest(value))
        if token is None or token.revoked_at is not None or token.expires_at <= now:
            raise refused
        if token.user_id is not None:
            user = repos.access.user_by_id(token.user_id)
            if user is None or not user.active:
                raise refused
            return _user_principal(user, token.scopes, token.id, token.expires_at)
        client = repos.access.client_by_id(token.client_id or 0)
        if client is None or not client.active:
            raise refused
        permissions: set[Permission] = set()
        for scope in scopes_of(token.scopes):
            permissions |= SCOPES[scope] if scope in CLIENT_SCOPES else set()
        return Principal(
            actor=f"booking:{client.ref}", permissions=frozenset(permissions),
            client_id=client.id, client_ref=client.ref, token_id=token.id,
            expires_at=token.expires_at,
        )  # fmt: skip


def from_session(db: Database, value: str, now: datetime.datetime) -> Principal:
    refused = Unauthenticated("Økten er utløpt; logg inn på nytt.")
    if len(value) > 200:
        raise refused
    with db.reading() as repos:
        session = repos.access.session(digest(value))
        if session is None or session.revoked_at is not None or session.expires_at <= now:
            raise refused
        user = repos.access.user_by_id(session.user_id)
        if user is None or not user.active:
            raise refused
        return _user_principal(user)


def _throttle(repos: Repos, username: str, remote: str, now: datetime.datetime) -> None:
    """Too many failures for this user name from this address, from this address in all, or
    for this user name from everywhere (a higher bar: one address alone cannot lock a user
    out for everyone) refuse the attempt until the window has passed."""
    since = now - WINDOW
    for count, first, limit in (
        (*repos.access.failures(since, username=username, remote=remote), MAX_FAILURES),
        (*repos.access.failures(since, remote=remote), MAX_FROM_ADDRESS),
        (*repos.access.failures(since, username=username), MAX_FOR_USER),
    ):
        if count >= limit and first is not None:
            wait = max(1, int((first + WINDOW - now).total_seconds()))
            raise Throttled(
                f"For mange mislykkede innlogginger; prøv igjen om {wait // 60 + 1} minutter.",
                wait,
            )


def login(
    db: Database, username: str, password: str, *, remote: str, now: datetime.datetime
) -> tuple[NewSecret, UserRow]:
    """Check the password and open a session. The attempt is noted as failed before the
    password is checked (in the transaction that counted the failures, holding the user's
    row), so attempts at the same moment count against each other; a success is noted after."""
    username = username.strip().lower()[:64]
    remote = remote[:64]
    with db.transaction() as repos:
        repos.access.hold_user(username)
        _throttle(repos, username, remote, now)
        user = repos.access.user(username)
        attempt = repos.access.add_attempt(username, remote, now, False)
    ok = passwords.verify(password, user.password_hash if user is not None else None)
    if not ok or user is None or not user.active:
        with db.transaction() as repos:
            repos.access.forget_attempts(now - 4 * WINDOW)
        raise Unauthenticated("Feil brukernavn eller passord.")
    with db.transaction() as repos:
        repos.access.succeeded(attempt)
        value = secrets.token_urlsafe(32)
        expires = now + SESSION_LIFETIME
        session_id = repos.access.add_session(
            session_hash=digest(value), user_id=user.id, created_at=now,
            expires_at=expires, last_seen_at=now,
        )  # fmt: skip
        audit(repos, now, user.username, "user", user.username, "login", {})
    return NewSecret(session_id, value, expires), user


def logout(db: Database, value: str, now: datetime.datetime) -> None:
    with db.transaction() as repos:
        session = repos.access.session(digest(value))
        if session is not None and session.revoked_at is None:
            repos.access.change_session(session.id, revoked_at=now)
