"""The clinic manages working hours, their exceptions and the services insurers may book.

Every change is one transaction with an audit event naming the actor; findings that block
write nothing. A change names the version the caller saw (``expected``): another version is
:class:`Stale` (over HTTP: 412)."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from typing import Any

from oppgjor.app.clinic.validation import UNKNOWN_REFERENCE
from oppgjor.app.errors import Conflict, NotFound, Rejected, Stale, UseCaseError
from oppgjor.clinic.domain import schedule as domain
from oppgjor.clinic.domain.schedule import Booking, HoursException, Service, WeeklyHours
from oppgjor.core.changes import snapshot
from oppgjor.core.findings import Finding
from oppgjor.core.money import nok
from oppgjor.store import Database
from oppgjor.store.audit import record_change
from oppgjor.store.repos import Repos

HOURS_FIELDS = ("weekday", "start", "end", "valid_from", "valid_to")
SERVICE_FIELDS = ("name", "duration_minutes", "tariff_code", "price", "practitioner_refs",
                  "client_refs", "active")  # fmt: skip


def audit(repos: Repos, now: datetime.datetime, actor: str, kind: str, ref: str,
           before: Any, after: Any, action: str | None = None) -> None:  # fmt: skip
    event = record_change(
        now, actor, kind, ref, None if before is None else snapshot(before),
        None if after is None else snapshot(after), action,
    )  # fmt: skip
    if event is not None:
        repos.audit.add(event)


def _fresh(version: int, expected: int | None, what: str) -> None:
    if expected is not None and expected != version:
        raise Stale(f"{what} er endret av noen andre (versjon {version}, du så {expected}); "
                    "hent på nytt.")  # fmt: skip


def _practitioner(repos: Repos, ref: str, label: str) -> list[Finding]:
    if repos.schedule.practitioner_id(ref) is None:
        return [UNKNOWN_REFERENCE(f"Behandler «{ref}» finnes ikke.", f"{label}.practitioner_ref")]
    return []


def _refused(findings: list[Finding]) -> None:
    if any(f.blocking for f in findings):
        raise Rejected(findings)


def hours_label(h: WeeklyHours) -> str:
    return f"{h.practitioner_ref}:{h.id}"


# -- weekly hours ----------------------------------------------------------------------


def hours(db: Database, practitioner_ref: str | None = None) -> list[WeeklyHours]:
    with db.reading() as repos:
        return repos.schedule.hours(practitioner_ref)


def one_hours(db: Database, hours_id: int) -> WeeklyHours:
    with db.reading() as repos:
        return _hours(repos, hours_id)


def _hours(repos: Repos, hours_id: int, hold: bool = False) -> WeeklyHours:
    found = repos.schedule.one_hours(hours_id, hold=hold)
    if found is None:
        raise NotFound(f"Fant ikke arbeidstid {hours_id}.")
    return found


def add_hours(db: Database, new: WeeklyHours, *, actor: str, now: datetime.datetime
              ) -> WeeklyHours:  # fmt: skip
    """A weekly pattern's line for a practitioner (weekday 0 = Monday)."""
    label = f"arbeidstid[{new.practitioner_ref}]"
    with db.transaction() as repos:
        _refused([*_practitioner(repos, new.practitioner_ref, label),
                  *domain.check_hours(new, label)])  # fmt: skip
        made = _hours(repos, repos.schedule.add_hours(dataclasses.replace(new, version=1)))
        audit(repos, now, actor, "working_hours", hours_label(made), None, made)
        return made


def change_hours(
    db: Database, hours_id: int, changes: Mapping[str, Any], *, expected: int | None,
    actor: str, now: datetime.datetime,
) -> WeeklyHours:  # fmt: skip
    """Change the given fields (:data:`HOURS_FIELDS`) of a line of the weekly pattern."""
    unknown = set(changes) - set(HOURS_FIELDS)
    if unknown:
        raise UseCaseError(f"Ukjent felt: {', '.join(sorted(unknown))}.")
    with db.transaction() as repos:
        before = _hours(repos, hours_id, hold=True)
        _fresh(before.version, expected, f"Arbeidstid {hours_id}")
        after = dataclasses.replace(before, **changes, version=before.version + 1)
        _refused(domain.check_hours(after, f"arbeidstid[{hours_label(before)}]"))
        if snapshot(dataclasses.replace(after, version=before.version)) == snapshot(before):
            return before
        repos.schedule.replace_hours(after)
        audit(repos, now, actor, "working_hours", hours_label(after), before, after)
        return after


def remove_hours(db: Database, hours_id: int, *, expected: int | None, actor: str,
                 now: datetime.datetime) -> None:  # fmt: skip
    with db.transaction() as repos:
        before = _hours(repos, hours_id, hold=True)
        _fresh(before.version, expected, f"Arbeidstid {hours_id}")
        repos.schedule.delete_hours(hours_id)
        audit(repos, now, actor, "working_hours", hours_label(before), before, None)


# -- exceptions ------------------------------------------------------------------------


def exceptions(
    db: Database, practitioner_ref: str | None = None, first: datetime.date | None = None,
    last: datetime.date | None = None,
) -> list[HoursException]:  # fmt: skip
    with db.reading() as repos:
        return repos.schedule.exceptions(practitioner_ref, first=first, last=last)


def add_exception(db: Database, new: HoursException, *, actor: str, now: datetime.datetime
                  ) -> HoursException:  # fmt: skip
    """Other hours (or closed) on one date."""
    label = f"unntak[{new.practitioner_ref} {new.day:%d.%m.%Y}]"
    with db.transaction() as repos:
        _refused([*_practitioner(repos, new.practitioner_ref, label),
                  *domain.check_exception(new, label)])  # fmt: skip
        made = repos.schedule.one_exception(repos.schedule.add_exception(new))
        assert made is not None
        audit(repos, now, actor, "hours_exception", f"{made.practitioner_ref}:{made.id}",
               None, made)  # fmt: skip
        return made


def remove_exception(db: Database, exception_id: int, *, expected: int | None, actor: str,
                     now: datetime.datetime) -> None:  # fmt: skip
    with db.transaction() as repos:
        before = repos.schedule.one_exception(exception_id, hold=True)
        if before is None:
            raise NotFound(f"Fant ikke unntak {exception_id}.")
        _fresh(before.version, expected, f"Unntak {exception_id}")
        repos.schedule.delete_exception(exception_id)
        audit(repos, now, actor, "hours_exception", f"{before.practitioner_ref}:{before.id}",
               before, None)  # fmt: skip


# -- services --------------------------------------------------------------------------


def services(db: Database) -> list[Service]:
    with db.reading() as repos:
        return repos.schedule.services()


def service(db: Database, ref: str) -> Service:
    with db.reading() as repos:
        return _service(repos, ref)


def _service(repos: Repos, ref: str, hold: bool = False) -> Service:
    found = repos.schedule.service(ref, hold=hold)
    if found is None:
        raise NotFound(f"Fant ikke tjeneste «{ref}».")
    return found


def _priced(s: Service) -> Service:
    return s if s.price is None else dataclasses.replace(s, price=nok(s.price))


def _check_service(repos: Repos, s: Service) -> list[Finding]:
    label = f"tjeneste[{s.ref}]"
    found = domain.check_service(s, label)
    known = {p.ref for p in repos.practitioners()}
    found += [UNKNOWN_REFERENCE(f"Behandler «{p}» finnes ikke.", f"{label}.practitioner_refs")
              for p in sorted(s.practitioner_refs - known)]  # fmt: skip
    clients = {c.ref for c in repos.access.clients()}
    found += [UNKNOWN_REFERENCE(f"Bookingklient «{c}» finnes ikke.", f"{label}.client_refs")
              for c in sorted(s.client_refs - clients)]  # fmt: skip
    if s.tariff_code and s.tariff_code not in {x.code for x in repos.tariffs()}:
        found.append(UNKNOWN_REFERENCE(f"Takst «{s.tariff_code}» finnes ikke på takstplakaten.",
                                       f"{label}.tariff_code"))  # fmt: skip
    return found


def add_service(db: Database, new: Service, *, actor: str, now: datetime.datetime) -> Service:
    with db.transaction() as repos:
        if repos.schedule.service(new.ref) is not None:
            raise Conflict(f"Tjeneste «{new.ref}» finnes allerede; endre den i stedet.")
        _refused(_check_service(repos, new))
        repos.schedule.save_service(dataclasses.replace(_priced(new), id=None, version=1))
        made = _service(repos, new.ref)
        audit(repos, now, actor, "service", made.ref, None, made)
        return made


def change_service(
    db: Database, ref: str, changes: Mapping[str, Any], *, expected: int | None, actor: str,
    now: datetime.datetime,
) -> Service:  # fmt: skip
    """Change the given fields (:data:`SERVICE_FIELDS`); ``active=False`` stops new bookings."""
    unknown = set(changes) - set(SERVICE_FIELDS)
    if unknown:
        raise UseCaseError(f"Ukjent felt: {', '.join(sorted(unknown))}.")
    with db.transaction() as repos:
        before = _service(repos, ref, hold=True)
        _fresh(before.version, expected, f"Tjeneste «{ref}»")
        values: dict[str, Any] = {
            k: frozenset(v) if k.endswith("_refs") else v for k, v in changes.items()
        }
        after = _priced(dataclasses.replace(before, **values))
        if snapshot(after) == snapshot(before):
            return before
        after = dataclasses.replace(after, version=before.version + 1)
        _refused(_check_service(repos, after))
        repos.schedule.save_service(after)
        audit(repos, now, actor, "service", ref, before, after)
        return _service(repos, ref)


def bookings(
    db: Database, *, owner: str | None = None, limit: int = 100, offset: int = 0
) -> list[Booking]:
    """Every insurer's bookings (the clinic's view), by start time; with *owner* (a
    practitioner's user), only those with that practitioner."""
    with db.reading() as repos:
        return repos.schedule.bookings(practitioner_ref=owner, limit=limit, offset=offset)
