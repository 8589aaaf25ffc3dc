"""Read-only queries for the settlement pages of the web UI: the tabs with each settlement's
period, and a draft as the settlement office works on it (its claims and the waiting ones of
its type, with the patients' names and the last control's findings per claim)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from oppgjor.app.helfo import pool, views
from oppgjor.app.helfo import settlements as st
from oppgjor.core.findings import Finding
from oppgjor.helfo.domain.model import TABS, Claim, Settlement, SettlementState
from oppgjor.store import Database

MAX_WAITING = 10_000  # waiting claims shown on a draft's page


@dataclass(frozen=True)
class SettlementRow:
    settlement: Settlement
    first: datetime.date | None  # the earliest and latest service date of its claims
    last: datetime.date | None


def tab(db: Database, name: str) -> list[SettlementRow]:
    """The settlements of a tab (draft / submitted / booked), newest first, with the period
    their claims were treated in (counted by the database)."""
    found = views.settlements(db, name)
    with db.reading() as repos:
        periods = repos.helfo.dashboard.periods(list(TABS[name]))
    return [SettlementRow(s, *periods.get(s.id, (None, None))) for s in found]


@dataclass(frozen=True)
class DraftRow:
    claim: Claim
    patient: str  # the patient's name
    ticked: bool  # in the draft (else: waiting, can be added)
    findings: list[Finding] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return any(f.blocking for f in self.findings)


@dataclass(frozen=True)
class Draft:
    settlement: Settlement
    rows: list[DraftRow]  # the draft's claims and the waiting ones, by service time
    settlement_findings: list[Finding]
    findings_current: bool  # the findings are of this version (nothing changed since)
    controlled: bool  # a control has been run

    @property
    def with_findings(self) -> list[DraftRow]:
        return [r for r in self.rows if r.ticked and r.findings]

    @property
    def blocking(self) -> int:
        return sum(1 for r in self.rows if r.ticked and r.blocking)


def draft(db: Database, settlement_id: int, now: datetime.datetime) -> Draft:
    """The draft, its claims with their findings, and the claims of its type still waiting."""
    shown = views.detail(db, settlement_id)
    s = shown.settlement
    waiting: list[Claim] = []
    if s.state is SettlementState.DRAFT:  # the waiting claims, refreshed only when stale
        waiting = pool.waiting_page(db, s.type, None, None, 0, MAX_WAITING, now)[1]
    names = patient_names(db, (c.content.patient_ref for c in [*shown.claims, *waiting]))
    rows = [
        DraftRow(c, names.get(c.content.patient_ref, ""), True, shown.findings.get(c.id, []))
        for c in shown.claims
    ] + [DraftRow(c, names.get(c.content.patient_ref, ""), False) for c in waiting]
    rows.sort(key=lambda r: (r.claim.content.service_time, r.claim.number))
    return Draft(
        s,
        rows,
        shown.findings.get(None, []),
        shown.findings_current,
        shown.findings_version is not None,
    )


def patient_names(db: Database, refs: Iterable[str]) -> dict[str, str]:
    """Patient ref -> «Fornavn Etternavn»."""
    wanted = sorted(set(refs))
    if not wanted:
        return {}
    with db.reading() as repos:
        return {p.ref: f"{p.first_name} {p.last_name}".strip() for p in repos.patients(wanted)}


def members(db: Database, settlement_id: int) -> Sequence[int]:
    """The claim numbers in a settlement now."""
    return [c.number for c in st.claims_in(db, settlement_id)]
