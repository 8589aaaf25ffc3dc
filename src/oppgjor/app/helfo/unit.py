"""The unit of work of one settlement action: load, let the aggregate decide, save."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

from oppgjor.app.errors import Conflict, NotFound, UseCaseError
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
    (a stale version or an impossible transition is a conflict), and nothing is written."""
    with refusals(), db.transaction() as repos:
        yield repos, load(repos, settlement_id)


@contextmanager
def refusals() -> Iterator[None]:
    try:
        yield
    except (aggregate.StaleVersion, InvalidTransition) as exc:
        raise Conflict(str(exc)) from None
    except aggregate.NotReady as exc:
        raise UseCaseError(str(exc)) from None


def save(repos: Repositories, before: Settlement, change: Change) -> Settlement:
    """Write what the aggregate decided, if nobody else changed the settlement meanwhile."""
    store = repos.helfo.settlements
    if change.settlement is None:
        if not store.remove(before):
            raise Conflict(aggregate.changed_by_others(before))
        store.add_event(change.event)
        return before
    if not store.save(change.settlement, before.version):
        raise Conflict(aggregate.changed_by_others(before))
    store.add_event(change.event)
    return change.settlement


def create(repos: Repositories, change: Change) -> Settlement:
    """Store a new draft decided by :func:`aggregate.draft` (``new`` and corrections)."""
    s = repos.helfo.settlements.add(change.after)
    repos.helfo.settlements.add_event(dataclasses.replace(change.event, settlement_id=s.id))
    return s
