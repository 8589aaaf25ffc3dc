"""The unit of work of one settlement action: load, let the aggregate decide, save.

Concurrency says what happened (issue 11): an action first notes the settlement's version as
it was last committed (without waiting for another action that is writing), then waits for
its turn to write. If it is then refused (not possible in the state, nothing left to do, gone)
and the settlement changed after it was noted, someone else won the race: that is a
:class:`Conflict` that says so, not a refusal of the user's input."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from oppgjor.app.errors import Conflict, NotFound, Stale, UseCaseError
from oppgjor.helfo.domain import settlement as aggregate
from oppgjor.helfo.domain.model import Settlement
from oppgjor.helfo.domain.ports import Repositories, UnitOfWork
from oppgjor.helfo.domain.settlement import Change
from oppgjor.helfo.domain.workflow import InvalidTransition


def load(repos: Repositories, settlement_id: int) -> Settlement:
    s = repos.helfo.settlements.get(settlement_id)
    if s is None:
        raise NotFound(f"Oppgjør {settlement_id} finnes ikke.")
    return s


@contextmanager
def deciding(db: UnitOfWork, settlement_id: int) -> Iterator[tuple[Repositories, Settlement]]:
    """One unit of work on one settlement; the aggregate's refusals become use-case errors
    (a stale version or an impossible transition is a conflict), and nothing is written. A
    refusal of a settlement changed since the action began is a conflict too. The
    settlement's row is held from the start (PostgreSQL reads each statement anew: without
    it, a concurrent action could change the claims under this one before it saves)."""
    with racing(db, settlement_id), db.transaction() as repos:
        s = load(repos, settlement_id)
        if not repos.helfo.settlements.lock(s.id, s.version):
            raise Stale(aggregate.changed_by_others(s))
        yield repos, s


def noted(db: UnitOfWork, settlement_id: int) -> Settlement | None:
    """The settlement as last committed, read without waiting for a writer."""
    with db.reading() as repos:
        return repos.helfo.settlements.get(settlement_id)


@contextmanager
def racing(db: UnitOfWork, settlement_id: int) -> Iterator[None]:
    """Note the settlement before the action waits for its turn; a refusal after someone else
    changed (or deleted) it meanwhile is a :class:`Conflict` that says so."""
    seen = noted(db, settlement_id)
    if seen is None:  # nothing to race for: the action says it is not found
        with refusals():
            yield
        return
    with refusals(lambda: noted(db, settlement_id), seen):
        try:
            yield
        except NotFound:
            if noted(db, settlement_id) is not None:
                raise  # something else is not found (a claim number)
            raise Conflict(deleted_by_others(seen)) from None


@contextmanager
def refusals(
    current: Callable[[], Settlement | None] | None = None, seen: Settlement | None = None
) -> Iterator[None]:
    """The aggregate's refusals as use-case errors; with *seen* (the settlement before the
    action waited for its turn) and *current* (it now), a refusal after someone else's change
    is a conflict."""
    try:
        yield
    except aggregate.StaleVersion as exc:
        raise Stale(str(exc)) from None
    except (InvalidTransition, aggregate.NotReady) as exc:
        now = current() if current is not None and seen is not None else None
        if seen is not None and now is None:
            raise Conflict(deleted_by_others(seen)) from None
        if seen is not None and now is not None and now.version != seen.version:
            raise Stale(f"{aggregate.changed_by_others(now)} ({exc})") from None
        if isinstance(exc, InvalidTransition):
            raise Conflict(str(exc)) from None
        raise UseCaseError(str(exc)) from None


def deleted_by_others(seen: Settlement) -> str:
    return f"Oppgjør {seen.id} er endret av noen andre i mellomtiden: det er slettet."


def save(repos: Repositories, before: Settlement, change: Change) -> Settlement:
    """Write what the aggregate decided, if nobody else changed the settlement meanwhile."""
    store = repos.helfo.settlements
    if change.settlement is None:
        if not store.remove(before):
            raise Stale(aggregate.changed_by_others(before))
        store.add_event(change.event)
        return before
    if not store.save(change.settlement, before.version):
        raise Stale(aggregate.changed_by_others(before))
    store.add_event(change.event)
    return change.settlement


def create(repos: Repositories, change: Change) -> Settlement:
    """Store a new draft decided by :func:`aggregate.draft` (``new`` and corrections)."""
    s = repos.helfo.settlements.add(change.after)
    repos.helfo.settlements.add_event(dataclasses.replace(change.event, settlement_id=s.id))
    return s
