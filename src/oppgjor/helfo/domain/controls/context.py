"""What the settlement controls read (``ControlContext``) and how their findings are located:
a claim is ``regning[number]``, the settlement ``oppgjør[id]``."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from oppgjor.clinic.domain.model import Patient, Practitioner, TreatmentSeries
from oppgjor.clinic.domain.series import SeriesContext
from oppgjor.clinic.domain.tariffs import TariffPlate
from oppgjor.core import parameters
from oppgjor.core.findings import Finding, Location
from oppgjor.core.parameters import Parameter
from oppgjor.helfo.domain.model import Claim, Settlement

CLAIM = "regning"  # Location.kind of a claim; its ref is the claim number
SETTLEMENT = "oppgjør"  # Location.kind of a settlement; its ref is the settlement id


@dataclass
class ControlContext:
    """Everything the controls read. ``others`` are the same patients' claims already locked
    in other settlements and not rejected, for the daily limit and duplicates."""

    settlement: Settlement
    now: datetime.datetime
    params: Mapping[str, Parameter]
    series: Mapping[str, TreatmentSeries]
    patients: Mapping[str, Patient]
    practitioners: Mapping[str, Practitioner]
    plate: TariffPlate
    series_context: SeriesContext
    allow_synthetic: bool
    others: Sequence[Claim] = ()
    registrations: int = 0  # unsent co-payment registrations that will go with it
    _cache: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)

    @property
    def today(self) -> datetime.date:
        return self.now.date()

    def cached(
        self, kind: str, ref: str, compute: Callable[[], Iterable[Finding]]
    ) -> list[Finding]:
        """The findings of a record shared by many claims, computed once per run."""
        key = (kind, ref)
        if key not in self._cache:
            self._cache[key] = list(compute())
        return self._cache[key]

    def rule(self, *used: tuple[str, datetime.date]) -> str:
        """The ``rule`` of a finding that read dated parameters (name, day read for): the
        versions used, ``name@YYYY-MM-DD`` joined by ``;`` (see core.parameters.versions)."""
        return parameters.versions(*((self.params[name], day) for name, day in used))


def claim_at(claim: Claim, path: str = "") -> Location:
    """A claim, or a field of it: ``regning[1042].takst[0]``."""
    return Location(CLAIM, str(claim.number), path)


def settlement_at(settlement: Settlement, path: str = "") -> Location:
    """The settlement, or a field of it: ``oppgjør[7].total``."""
    return Location(SETTLEMENT, str(settlement.id), path)


def appointment_link(claim: Claim) -> str:
    """Where a claim's content is fixed: its appointment in the planner."""
    return f"avtale/{claim.appointment_ref}" if claim.appointment_ref else ""
