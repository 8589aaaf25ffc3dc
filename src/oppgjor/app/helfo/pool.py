"""The claims waiting for a settlement, a page at a time (the API's claim list).

:func:`oppgjor.app.helfo.settlements.waiting` creates the missing claims and refreshes every
waiting claim from the records on each call, under the write lock. Here that full pass runs
only when something may have changed since the last one: when the audit trail has moved on
(every record created or changed through the use cases, appointments included, appends an
event: ADR 0015) or a new appointment was stored. The pass stores what it re-derived, so the
stored type, practitioner and service time, which the database filters, orders and pages on,
are those of the refreshed claims. Otherwise the page is read without the write lock, and
only its claims are refreshed, from only their appointments, series and tariffs: the same
claims, with the same content, as ``waiting`` gives for that page. (A record written past the
use cases, without an event, is seen at the next pass only; ``waiting`` stays exhaustive.)
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from oppgjor.app.helfo.claims import open_claims, rederived, refresh, sources, sync_claims
from oppgjor.clinic.domain.model import Appointment
from oppgjor.clinic.domain.tariffs import TariffPlate
from oppgjor.helfo.domain.claims import ClaimSources
from oppgjor.helfo.domain.model import Claim, SettlementType
from oppgjor.store import Database
from oppgjor.store.helfo.claims import PoolFilter
from oppgjor.store.repos import Repos

# where the records stood (:func:`_mark`) when every waiting claim was last refreshed and stored
FRESH_AT = "helfo.claims_fresh_at"


def waiting_page(
    db: Database,
    type_: SettlementType | None,
    practitioner: str | None,
    period: tuple[datetime.date, datetime.date] | None,
    offset: int,
    limit: int,
    now: datetime.datetime,
) -> tuple[int, list[Claim]]:
    """How many claims wait for a settlement (of *type_*, *practitioner*'s, treated in
    *period*, when given), and those from *offset* to *offset* + *limit*, in the order of
    ``waiting`` (treatment time, number), refreshed as ``waiting`` refreshes them."""
    bring_up_to_date(db, now)
    first, last = period or (None, None)
    wanted = PoolFilter(type_, practitioner, first, last)
    with db.reading() as repos:
        total, page = repos.helfo.claims.pool_page(wanted, offset, limit)
        return total, _refreshed(repos, page)


def bring_up_to_date(db: Database, now: datetime.datetime) -> bool:
    """Create the missing claims and refresh every waiting one if anything may have changed
    since the last time; a cheap read decides, the write lock is taken only then. Returns
    whether it ran."""
    with db.reading() as repos:
        if not _stale(repos):
            return False
    with db.transaction() as repos:
        if not _stale(repos):  # another caller did it while this one waited
            return False
        refresh_all(repos, now)
        return True


def refresh_all(repos: Repos, now: datetime.datetime) -> list[Claim]:
    """Create the missing claims, refresh (and store) every waiting claim, and note when:
    the waiting claims as they now are."""
    src = sources(repos)
    sync_claims(repos, now, src)
    found = refresh(repos, repos.helfo.claims.find(pool=True), src)
    repos.set_setting(FRESH_AT, _mark(repos))
    return found


def _stale(repos: Repos) -> bool:
    return repos.get_setting(FRESH_AT) != _mark(repos)


def _mark(repos: Repos) -> str:
    """Where the records stand: the newest audit event and the newest appointment (each
    one indexed lookup). An appointment attended, moved or changed, a series, tariff or
    practitioner changed: each adds an audit event; a new appointment also a new id."""
    return f"{repos.audit.last_id()}/{repos.last_appointment_id()}"


def _refreshed(repos: Repos, claims: Sequence[Claim]) -> list[Claim]:
    """The claims re-derived from their appointments, series and tariffs as stored now
    (nothing written: after :func:`bring_up_to_date` nothing should differ)."""
    ids = [c.appointment_id for c in open_claims(claims) if c.appointment_id]
    if not ids:
        return list(claims)
    appointments = repos.appointments(ids=ids)
    found, _ = rederived(
        claims, {a.id or 0: a for a in appointments}, _sources(repos, appointments)
    )
    return found


def _sources(repos: Repos, appointments: Sequence[Appointment]) -> ClaimSources:
    """What the claims of *appointments* are derived from: their series, the practitioners
    and the periods of their tariff codes (a tariff is looked up by its code only)."""
    series = {a.series_ref for a in appointments if a.series_ref}
    codes = {line.code for a in appointments for line in a.lines}
    return ClaimSources(
        series={s.ref: s for s in repos.series(refs=series)} if series else {},
        practitioners={p.ref: p for p in repos.practitioners()},
        plate=TariffPlate(repos.tariffs(codes=codes)),
    )
