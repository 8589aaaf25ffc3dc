"""Roles, permissions and token scopes: one explicit table each (ADR 0019).

A user has one role; what the role grants is :data:`GRANTS`. A bearer token carries scopes; a
user's token may do what both the user's role and the token's scopes allow. A booking client
(an insurer's system) has no role: its tokens carry the ``booking`` scope and nothing else.

>>> Permission.SETTLEMENTS_SUBMIT in GRANTS[Role.SETTLEMENT_OFFICE]
True
>>> Permission.SETTLEMENTS_SUBMIT in GRANTS[Role.PRACTITIONER]
False
>>> sorted(allowed(Role.READ_ONLY, {"read", "write"})) == sorted(GRANTS[Role.READ_ONLY])
True
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    SETTLEMENT_OFFICE = "settlement-office"
    PRACTITIONER = "practitioner"
    READ_ONLY = "read-only"


ROLE_WORDS: dict[Role, str] = {
    Role.ADMINISTRATOR: "administrator",
    Role.SETTLEMENT_OFFICE: "oppgjørskontor",
    Role.PRACTITIONER: "behandler",
    Role.READ_ONLY: "kun lesetilgang",
}


class Permission(StrEnum):
    RECORDS_READ = "records.read"  # the clinic's records, appointments, history
    RECORDS_WRITE = "records.write"  # create, update, import records
    APPOINTMENTS_WRITE = "appointments.write"  # the planner (a practitioner: own ones)
    CLAIMS_READ = "claims.read"  # claims and the Helfo reports
    CLAIMS_WRITE = "claims.write"  # credit a claim, co-payments
    SETTLEMENTS_READ = "settlements.read"
    SETTLEMENTS_WRITE = "settlements.write"  # draft: new, mark, date, control, move, delete
    SETTLEMENTS_SUBMIT = "settlements.submit"  # submit, unlock, send, receipts, correct
    SETTLEMENTS_PAY = "settlements.pay"  # register the payout, book, the accounting file
    ISF_READ = "isf.read"
    ISF_RUN = "isf.run"
    SCHEDULE_READ = "schedule.read"  # working hours, bookable services, bookings
    SCHEDULE_WRITE = "schedule.write"
    BOOKING = "booking.book"  # an insurer's system: free slots, book, move, cancel its own
    ADMIN = "admin"  # users, tokens, booking clients, settings


_READ = frozenset(
    {
        Permission.RECORDS_READ, Permission.CLAIMS_READ, Permission.SETTLEMENTS_READ,
        Permission.ISF_READ, Permission.SCHEDULE_READ,
    }
)  # fmt: skip

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(Permission) - {Permission.BOOKING},
    Role.SETTLEMENT_OFFICE: frozenset(Permission) - {Permission.BOOKING, Permission.ADMIN},
    Role.PRACTITIONER: frozenset(
        {
            Permission.RECORDS_READ, Permission.APPOINTMENTS_WRITE, Permission.CLAIMS_READ,
            Permission.SCHEDULE_READ,
        }
    ),
    Role.READ_ONLY: _READ,
}  # fmt: skip


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"  # records, planner, draft settlements, claims, ISF runs, schedule
    SETTLEMENT = "settlement"  # submit, send, receipts, pay, book
    ADMIN = "admin"
    BOOKING = "booking"


SCOPES: dict[Scope, frozenset[Permission]] = {
    Scope.READ: _READ,
    Scope.WRITE: frozenset(
        {
            Permission.RECORDS_WRITE, Permission.APPOINTMENTS_WRITE, Permission.CLAIMS_WRITE,
            Permission.SETTLEMENTS_WRITE, Permission.ISF_RUN, Permission.SCHEDULE_WRITE,
        }
    ),
    Scope.SETTLEMENT: frozenset({Permission.SETTLEMENTS_SUBMIT, Permission.SETTLEMENTS_PAY}),
    Scope.ADMIN: frozenset({Permission.ADMIN}),
    Scope.BOOKING: frozenset({Permission.BOOKING}),
}  # fmt: skip

CLIENT_SCOPES = frozenset({Scope.BOOKING})  # the only scope a booking client's token may hold


def scopes_of(text: Iterable[str]) -> frozenset[Scope]:
    """The scopes named (``read``, ``write``, …); ValueError names one that does not exist."""
    found = set()
    for name in text:
        try:
            found.add(Scope(name.strip()))
        except ValueError:
            known = ", ".join(s.value for s in Scope)
            raise ValueError(f"Ukjent omfang «{name}»; bruk {known}.") from None
    return frozenset(found)


def allowed(role: Role, scopes: Iterable[str] | None = None) -> frozenset[Permission]:
    """What a user with *role* may do; through a token, only what its *scopes* allow too."""
    granted = GRANTS[role]
    if scopes is None:
        return granted
    within: set[Permission] = set()
    for scope in scopes_of(scopes):
        within |= SCOPES[scope]
    return granted & within


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user (through a session or a token) or a booking client's token."""

    actor: str  # the name in the audit trail: the user name, or ``booking:<client ref>``
    permissions: frozenset[Permission]
    role: Role | None = None
    user_id: int | None = None
    practitioner_ref: str | None = None  # a practitioner's user: whose appointments are own
    client_id: int | None = None
    client_ref: str | None = None
    token_id: int | None = None
    expires_at: datetime.datetime | None = field(default=None, compare=False)

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def own_only(self) -> bool:
        """A practitioner sees and changes only their own appointments and claims."""
        return self.role is Role.PRACTITIONER
