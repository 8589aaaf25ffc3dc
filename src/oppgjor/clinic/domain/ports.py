"""What use cases read of the clinic's records, as an interface the store implements on a
database and tests implement in memory."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from oppgjor.clinic.domain.model import (
    Appointment,
    Department,
    Patient,
    Practice,
    Practitioner,
    Referrer,
    Tariff,
    TreatmentSeries,
)


class ClinicRecords(Protocol):
    def get_setting(self, key: str) -> str | None: ...
    def get_practice(self) -> Practice | None: ...
    def departments(self) -> list[Department]: ...
    def series(self, *, refs: Iterable[str] | None = None) -> list[TreatmentSeries]: ...
    def practitioners(self) -> list[Practitioner]: ...
    def patients(self, refs: Iterable[str] | None = None) -> list[Patient]: ...
    def referrers(self) -> list[Referrer]: ...
    def tariffs(self) -> list[Tariff]: ...
    def appointments(self, *, ids: Iterable[int] | None = None) -> list[Appointment]: ...
