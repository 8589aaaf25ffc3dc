"""Repositories of access (users, booking clients, tokens, sessions, login attempts), of the
answers to idempotent requests and of background jobs."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, true, update

from oppgjor.store import tables as t


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    password_hash: str | None
    practitioner_ref: str | None
    active: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime


@dataclass(frozen=True)
class ClientRow:
    id: int
    ref: str
    name: str
    org_nr: str | None
    active: bool
    created_at: datetime.datetime


@dataclass(frozen=True)
class TokenRow:
    id: int
    name: str
    prefix: str
    user_id: int | None
    client_id: int | None
    scopes: tuple[str, ...]
    created_at: datetime.datetime
    expires_at: datetime.datetime
    revoked_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    created_by: str
    owner: str  # the user name or the client's ref


@dataclass(frozen=True)
class SessionRow:
    id: int
    user_id: int
    expires_at: datetime.datetime
    revoked_at: datetime.datetime | None


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _user(row: Any) -> UserRow:
    return UserRow(
        id=row.id, username=row.username, display_name=row.display_name, role=row.role,
        password_hash=row.password_hash, practitioner_ref=row.practitioner_ref,
        active=bool(row.active), created_at=row.created_at, updated_at=row.updated_at,
    )  # fmt: skip


class AccessRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- users ---------------------------------------------------------------------------
    def _users(self) -> Any:
        u, p = t.app_user, t.practitioner
        return select(*u.c, p.c.ref.label("practitioner_ref")).select_from(
            u.outerjoin(p, p.c.id == u.c.practitioner_id)
        )

    def users(self) -> list[UserRow]:
        return [_user(r) for r in self.conn.execute(self._users().order_by(t.app_user.c.id))]

    def user(self, username: str) -> UserRow | None:
        row = self.conn.execute(self._users().where(t.app_user.c.username == username)).first()
        return None if row is None else _user(row)

    def user_by_id(self, user_id: int) -> UserRow | None:
        row = self.conn.execute(self._users().where(t.app_user.c.id == user_id)).first()
        return None if row is None else _user(row)

    def practitioner_id(self, ref: str) -> int | None:
        return self.conn.scalar(select(t.practitioner.c.id).where(t.practitioner.c.ref == ref))

    def add_user(self, **values: Any) -> int:
        return _new_id(self.conn.execute(insert(t.app_user).values(**values)))

    def change_user(self, user_id: int, **values: Any) -> None:
        self.conn.execute(update(t.app_user).where(t.app_user.c.id == user_id).values(**values))

    def count_users(self) -> int:
        return int(self.conn.scalar(select(func.count()).select_from(t.app_user)) or 0)

    # -- booking clients -----------------------------------------------------------------
    def clients(self, client_id: int | None = None) -> list[ClientRow]:
        query = select(t.booking_client).order_by(t.booking_client.c.ref)
        if client_id is not None:  # by its key: each request of a client's token asks
            query = query.where(t.booking_client.c.id == client_id)
        rows = self.conn.execute(query)
        return [
            ClientRow(r.id, r.ref, r.name, r.org_nr, bool(r.active), r.created_at) for r in rows
        ]

    def client(self, ref: str) -> ClientRow | None:
        return next((c for c in self.clients() if c.ref == ref), None)

    def client_by_id(self, client_id: int) -> ClientRow | None:
        return next(iter(self.clients(client_id)), None)

    def add_client(self, **values: Any) -> int:
        result = self.conn.execute(insert(t.booking_client).values(**values))
        return _new_id(result)

    def change_client(self, client_id: int, **values: Any) -> None:
        tb = t.booking_client
        self.conn.execute(update(tb).where(tb.c.id == client_id).values(**values))

    # -- tokens --------------------------------------------------------------------------
    def add_token(self, **values: Any) -> int:
        return _new_id(self.conn.execute(insert(t.api_token).values(**values)))

    def _tokens(self) -> Any:
        tk, u, c = t.api_token, t.app_user, t.booking_client
        owner = func.coalesce(u.c.username, c.c.ref).label("owner")
        return select(*tk.c, owner).select_from(
            tk.outerjoin(u, u.c.id == tk.c.user_id).outerjoin(c, c.c.id == tk.c.client_id)
        )

    @staticmethod
    def _token(r: Any) -> TokenRow:
        return TokenRow(
            id=r.id, name=r.name, prefix=r.prefix, user_id=r.user_id, client_id=r.client_id,
            scopes=tuple(r.scopes.split()), created_at=r.created_at, expires_at=r.expires_at,
            revoked_at=r.revoked_at, last_used_at=r.last_used_at, created_by=r.created_by,
            owner=r.owner or "",
        )  # fmt: skip

    def tokens(self) -> list[TokenRow]:
        return [
            self._token(r) for r in self.conn.execute(self._tokens().order_by(t.api_token.c.id))
        ]

    def token_by_id(self, token_id: int) -> TokenRow | None:
        row = self.conn.execute(self._tokens().where(t.api_token.c.id == token_id)).first()
        return None if row is None else self._token(row)

    def token_by_hash(self, token_hash: str) -> TokenRow | None:
        row = self.conn.execute(
            self._tokens().where(t.api_token.c.token_hash == token_hash)
        ).first()
        return None if row is None else self._token(row)

    def change_token(self, token_id: int, **values: Any) -> None:
        self.conn.execute(update(t.api_token).where(t.api_token.c.id == token_id).values(**values))

    # -- sessions ------------------------------------------------------------------------
    def add_session(self, **values: Any) -> int:
        result = self.conn.execute(insert(t.web_session).values(**values))
        return _new_id(result)

    def session(self, session_hash: str) -> SessionRow | None:
        s = t.web_session
        row = self.conn.execute(select(s).where(s.c.session_hash == session_hash)).first()
        return (
            None if row is None else SessionRow(row.id, row.user_id, row.expires_at, row.revoked_at)
        )

    def change_session(self, session_id: int, **values: Any) -> None:
        s = t.web_session
        self.conn.execute(update(s).where(s.c.id == session_id).values(**values))

    def end_sessions(self, user_id: int, at: datetime.datetime) -> None:
        s = t.web_session
        self.conn.execute(
            update(s).where(s.c.user_id == user_id, s.c.revoked_at.is_(None)).values(revoked_at=at)
        )

    # -- login attempts ------------------------------------------------------------------
    def add_attempt(self, username: str, remote: str, at: datetime.datetime, ok: bool) -> int:
        return _new_id(self.conn.execute(
            insert(t.login_attempt).values(username=username, remote=remote, at=at, success=ok)
        ))  # fmt: skip

    def succeeded(self, attempt_id: int) -> None:
        a = t.login_attempt
        self.conn.execute(update(a).where(a.c.id == attempt_id).values(success=True))

    def hold_user(self, username: str) -> None:
        """Hold the user's row (PostgreSQL; SQLite's writers take turns anyway) while logging
        in, so two attempts at once are counted one after the other."""
        u = t.app_user
        self.conn.execute(select(u.c.id).where(u.c.username == username).with_for_update())

    def failures(
        self, since: datetime.datetime, *, username: str | None = None, remote: str | None = None
    ) -> tuple[int, datetime.datetime | None]:
        """Failed attempts since *since*, and when the first of them was: for one user name,
        those after its last success; for one address, all (a success with one account must
        not open the way to guessing the passwords of others)."""
        a = t.login_attempt
        which = and_(
            true() if username is None else a.c.username == username,
            true() if remote is None else a.c.remote == remote,
        )
        last_ok: Any = datetime.datetime(1970, 1, 1)
        if username is not None:
            last_ok = select(func.max(a.c.at)).where(which, a.c.success.is_(True)).scalar_subquery()
        row = self.conn.execute(
            select(func.count(), func.min(a.c.at)).where(
                which, a.c.success.is_(False), a.c.at >= since,
                a.c.at > func.coalesce(last_ok, datetime.datetime(1970, 1, 1)),
            )
        ).one()  # fmt: skip
        return int(row[0]), row[1]

    def forget_attempts(self, before: datetime.datetime) -> None:
        self.conn.execute(delete(t.login_attempt).where(t.login_attempt.c.at < before))


@dataclass(frozen=True)
class Remembered:
    request_hash: str
    status_code: int | None
    headers: dict[str, str]
    body: str


class IdempotencyRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, caller: str, key: str) -> Remembered | None:
        r = t.idempotent_request
        row = self.conn.execute(select(r).where(r.c.caller == caller, r.c.key == key)).first()
        if row is None:
            return None
        return Remembered(row.request_hash, row.status_code, json.loads(row.headers), row.body)

    def begin(self, caller: str, key: str, request_hash: str, at: datetime.datetime) -> None:
        """Note the request as running (a unique key: a concurrent twin fails to insert)."""
        self.conn.execute(
            insert(t.idempotent_request).values(
                caller=caller, key=key, request_hash=request_hash, created_at=at
            )
        )

    def finish(
        self, caller: str, key: str, status: int, headers: dict[str, str], body: str
    ) -> None:
        r = t.idempotent_request
        self.conn.execute(
            update(r)
            .where(r.c.caller == caller, r.c.key == key)
            .values(status_code=status, headers=json.dumps(headers), body=body)
        )

    def forget(self, caller: str, key: str) -> None:
        r = t.idempotent_request
        self.conn.execute(delete(r).where(r.c.caller == caller, r.c.key == key))

    def forget_before(self, at: datetime.datetime) -> None:
        r = t.idempotent_request
        self.conn.execute(delete(r).where(r.c.created_at < at))
