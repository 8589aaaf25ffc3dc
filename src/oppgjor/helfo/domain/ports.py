"""What the settlement workflow needs from storage, as interfaces (cosmicpython's unit of
work): the store implements them on a database; tests implement them in memory.

A use case opens one unit of work (``with uow.transaction() as repos``), loads the settlement,
asks the aggregate (:mod:`oppgjor.helfo.domain.settlement`) and saves what it decided.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from oppgjor.clinic.domain.ports import ClinicRecords
from oppgjor.core.findings import Finding
from oppgjor.helfo.domain.model import (
    Claim,
    ClaimContent,
    ClaimKind,
    CopaymentRegistration,
    Event,
    Outcome,
    Settlement,
    SettlementState,
    SettlementType,
)

ClaimOutcome = tuple[int, Outcome, str | None, str | None]


class SettlementRepository(Protocol):
    def add(self, settlement: Settlement) -> Settlement: ...
    def get(self, settlement_id: int) -> Settlement | None: ...
    def find(
        self, states: Iterable[SettlementState] | None = None, type_: SettlementType | None = None
    ) -> list[Settlement]: ...
    def corrections_of(self, settlement_id: int) -> list[Settlement]: ...
    def save(self, settlement: Settlement, expected_version: int) -> bool: ...
    def lock(self, settlement_id: int, expected_version: int) -> bool: ...
    def remove(self, settlement: Settlement) -> bool: ...
    def add_members(
        self, settlement_id: int, claim_ids: Sequence[int], at: datetime.datetime
    ) -> None: ...
    def remove_members(self, settlement_id: int, claim_ids: Sequence[int]) -> None: ...
    def deactivate_members(
        self, settlement_id: int, claim_ids: Sequence[int], at: datetime.datetime, reason: str
    ) -> None: ...
    def add_event(self, event: Event) -> None: ...
    def events(self, settlement_id: int) -> list[Event]: ...
    def save_findings(
        self, settlement_id: int, version: int, findings: Sequence[tuple[int | None, Finding]]
    ) -> None: ...
    def findings(self, settlement_id: int) -> list[tuple[int, int | None, Finding]]: ...


class ClaimRepository(Protocol):
    def next_numbers(self, count: int) -> list[int]: ...
    def unclaimed_appointment_ids(self) -> list[int]: ...
    def insert(self, claims: Sequence[Claim], at: datetime.datetime) -> None: ...
    def update_contents(self, changes: Sequence[tuple[int, ClaimContent]]) -> None: ...
    def find(
        self,
        *,
        settlement_id: int | None = None,
        pool: bool = False,
        numbers: Iterable[int] | None = None,
        ids: Iterable[int] | None = None,
        patient_refs: Iterable[str] | None = None,
        states: Iterable[SettlementState] | None = None,
        kind: ClaimKind | None = None,
    ) -> list[Claim]: ...
    def freeze(self, ids: Sequence[int]) -> None: ...
    def mark_sent(self, ids: Sequence[int], on: datetime.date) -> None: ...
    def set_outcomes(
        self, outcomes: Sequence[ClaimOutcome], settlement_id: int, at: datetime.datetime
    ) -> None: ...
    def registrations(
        self, *, unsent: bool = False, settlement_id: int | None = None
    ) -> list[CopaymentRegistration]: ...
    def attach_registrations(self, ids: Sequence[int], settlement_id: int | None) -> None: ...


class MessageRepository(Protocol):
    def add_sent(
        self, settlement_id: int, msg_id: str, transport: str, location: str, at: datetime.datetime
    ) -> None: ...
    def sending(self, settlement_id: int) -> bool:
        """A message for the settlement is on its way (an intent not yet finished)."""
        ...


class HelfoRepositories(Protocol):
    @property
    def settlements(self) -> SettlementRepository: ...
    @property
    def claims(self) -> ClaimRepository: ...
    @property
    def messages(self) -> MessageRepository: ...


class Repositories(ClinicRecords, Protocol):
    """The repositories of one unit of work that the settlement workflow reads and writes:
    Helfo's, and the clinic's records the claims are derived from and controlled against."""

    @property
    def helfo(self) -> HelfoRepositories: ...


class UnitOfWork(Protocol):
    """Something that opens one transaction: everything in it is committed, or nothing."""

    def transaction(self) -> AbstractContextManager[Repositories]: ...

    def reading(self) -> AbstractContextManager[Repositories]:
        """Reads only, without waiting for a concurrent writer (what was last committed)."""
        ...
