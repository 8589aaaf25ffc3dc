"""An in-memory unit of work for the settlement workflow (cosmicpython's FakeUnitOfWork): the
Protocols of ``oppgjor.helfo.domain.ports`` on dicts, so the use cases in ``app/helfo`` run in
unit tests without a database. A transaction keeps its changes only if its block ends
without an error."""

from __future__ import annotations

import copy
import dataclasses
import datetime
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from oppgjor.helfo.domain.model import (
    Claim,
    ClaimKind,
    Event,
    Outcome,
    Settlement,
    SettlementState,
)


class FakeSettlements:
    def __init__(self, world: FakeUnitOfWork) -> None:
        self.world = world
        self.rows: dict[int, Settlement] = {}
        self.members: dict[int, list[int]] = {}  # settlement id -> active claim ids
        self.events: list[Event] = []
        self.next_id = 1  # never reused, as in the database

    def add(self, s: Settlement) -> Settlement:
        stored = dataclasses.replace(s, id=self.next_id)
        self.next_id += 1
        self.rows[stored.id] = stored
        self.members[stored.id] = []
        return stored

    def get(self, settlement_id: int) -> Settlement | None:
        return self.rows.get(settlement_id)

    def save(self, s: Settlement, expected_version: int) -> bool:
        if s.id not in self.rows or self.rows[s.id].version != expected_version:
            return False
        self.rows[s.id] = s
        return True

    def lock(self, settlement_id: int, expected_version: int) -> bool:
        return self.rows[settlement_id].version == expected_version

    def remove(self, s: Settlement) -> bool:
        self.members.pop(s.id, None)
        return self.rows.pop(s.id, None) is not None

    def add_members(self, settlement_id: int, ids: Sequence[int], at: datetime.datetime) -> None:
        self.members[settlement_id].extend(ids)

    def remove_members(self, settlement_id: int, ids: Sequence[int]) -> None:
        self.members[settlement_id] = [i for i in self.members[settlement_id] if i not in ids]

    def deactivate_members(
        self, settlement_id: int, ids: Sequence[int], at: datetime.datetime, reason: str
    ) -> None:
        self.remove_members(settlement_id, ids)

    def add_event(self, event: Event) -> None:
        self.events.append(event)

    def findings(self, settlement_id: int) -> list[Any]:
        return []

    def save_findings(self, settlement_id: int, version: int, findings: Any) -> None:
        pass


class FakeClaims:
    def __init__(self, world: FakeUnitOfWork) -> None:
        self.world = world
        self.rows: dict[int, Claim] = {}
        self.answers: list[tuple[int, Outcome, str | None, str | None]] = []

    def _in(self, claim: Claim) -> Claim:
        for sid, ids in self.world.settlements.members.items():
            if claim.id in ids:
                state = self.world.settlements.rows[sid].state
                return dataclasses.replace(claim, settlement_id=sid, settlement_state=state)
        return dataclasses.replace(claim, settlement_id=None, settlement_state=None)

    def find(
        self,
        *,
        settlement_id: int | None = None,
        pool: bool = False,
        numbers: Iterable[int] | None = None,
        ids: Iterable[int] | None = None,
        **_: object,
    ) -> list[Claim]:
        found = [self._in(c) for c in self.rows.values()]
        if settlement_id is not None:
            found = [c for c in found if c.settlement_id == settlement_id]
        if pool:
            found = [c for c in found if c.settlement_id is None and not c.credited
                     and c.outcome is not Outcome.ACCEPTED]  # fmt: skip
        if numbers is not None:
            found = [c for c in found if c.number in set(numbers)]
        if ids is not None:
            found = [c for c in found if c.id in set(ids)]
        return sorted(found, key=lambda c: (c.content.service_time, c.number))

    def set_outcomes(
        self, outcomes: Sequence[tuple[int, Outcome, str | None, str | None]], sid: int, at: Any
    ) -> None:
        for cid, outcome, code, text in outcomes:
            self.rows[cid] = dataclasses.replace(
                self.rows[cid], outcome=outcome, outcome_code=code, outcome_text=text
            )
            self.answers.append((cid, outcome, code, text))

    def freeze(self, ids: Sequence[int]) -> None:
        for cid in ids:
            self.rows[cid] = dataclasses.replace(self.rows[cid], frozen=True, outcome=None)

    def mark_sent(self, ids: Sequence[int], on: datetime.date) -> None:
        for cid in ids:
            self.rows[cid] = dataclasses.replace(self.rows[cid], sent_on=on)

    def registrations(self, **_: object) -> list[Any]:
        return []

    def attach_registrations(self, ids: Sequence[int], settlement_id: int | None) -> None:
        pass

    def unclaimed_appointment_ids(self) -> list[int]:
        return []  # the clinic's appointments are not part of this fake


class FakeMessages:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str, str]] = []

    def add_sent(self, sid: int, msg_id: str, transport: str, location: str, at: Any) -> None:
        self.sent.append((sid, msg_id, transport))

    def sending(self, sid: int) -> bool:
        return False  # the fake sends in one step: nothing is ever half sent


class FakeUnitOfWork:
    """Both the unit of work (``transaction``) and the repositories it yields."""

    def __init__(self) -> None:
        self.settlements = FakeSettlements(self)
        self.claims = FakeClaims(self)
        self.messages = FakeMessages()
        self.commits = 0

    @property
    def helfo(self) -> FakeUnitOfWork:
        return self

    def get_setting(self, key: str) -> str | None:
        return None

    def get_practice(self) -> None:
        return None

    def patients(self, refs: object = None) -> list[Any]:
        return []

    def practitioners(self) -> list[Any]:
        return []

    def referrers(self) -> list[Any]:
        return []

    @contextmanager
    def transaction(self) -> Iterator[FakeUnitOfWork]:
        saved = copy.deepcopy((self.settlements.__dict__, self.claims.__dict__))
        try:
            yield self
        except BaseException:
            self.settlements.__dict__, self.claims.__dict__ = saved
            raise
        self.commits += 1

    @contextmanager
    def reading(self) -> Iterator[FakeUnitOfWork]:
        yield self

    # -- set-up helpers ------------------------------------------------------------------
    def sent_settlement(self, claims: Sequence[Claim], at: datetime.datetime) -> Settlement:
        """A settlement already sent with *claims* (as if the earlier steps ran)."""
        total = sum((c.amount for c in claims), Decimal(0))
        s = self.settlements.add(
            Settlement(
                0,
                claims[0].content.type,
                at.date(),
                SettlementState.SENT,
                4,
                total,
                len(claims),
                at,
                "test",
            )
        )
        for c in claims:
            self.claims.rows[c.id or 0] = dataclasses.replace(c, frozen=True, kind=ClaimKind.CLAIM)
        self.settlements.add_members(s.id, [c.id or 0 for c in claims], at)
        return s
