"""Settlements, their claims (membership), events and the last control's findings."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    insert,
    select,
    update,
)

from oppgjor.core.findings import Finding, Location, Severity
from oppgjor.helfo.domain.model import (
    Event,
    Settlement,
    SettlementState,
    SettlementType,
)
from oppgjor.store import tables as t
from oppgjor.store.inlist import one_of

_SETTLEMENT_FIELDS = [c.name for c in t.settlement.c]


# one statement for every save (bound parameters, so SQLAlchemy compiles it once)
_SAVE = (
    update(t.settlement)
    .where(
        t.settlement.c.id == bindparam("match_id"),
        t.settlement.c.version == bindparam("match_version"),
    )
    .values({k: bindparam(f"new_{k}") for k in _SETTLEMENT_FIELDS if k != "id"})
)


def _row(settlement: Settlement) -> dict[str, Any]:
    row = {k: getattr(settlement, k) for k in _SETTLEMENT_FIELDS}
    row["type"] = settlement.type.value
    row["state"] = settlement.state.value
    return row


def _settlement(row: Any) -> Settlement:
    values = {k: row[k] for k in _SETTLEMENT_FIELDS}
    values["type"] = SettlementType(values["type"])
    values["state"] = SettlementState(values["state"])
    return Settlement(**values)


class SettlementRepository:
    """The settlement tables of one transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- settlements -----------------------------------------------------------------------
    def add(self, settlement: Settlement) -> Settlement:
        """Store a new settlement; returns it with its id (ids are never reused)."""
        row = _row(settlement)
        del row["id"]
        stmt = insert(t.settlement).values(**row).returning(t.settlement.c.id)
        return dataclasses.replace(settlement, id=int(self.conn.execute(stmt).scalar_one()))

    def get(self, settlement_id: int) -> Settlement | None:
        s = t.settlement
        row = self.conn.execute(select(s).where(s.c.id == settlement_id)).mappings().first()
        return _settlement(row) if row else None

    def find(
        self, states: Iterable[SettlementState] | None = None, type_: SettlementType | None = None
    ) -> list[Settlement]:
        s = t.settlement
        query = select(s).order_by(s.c.date.desc(), s.c.id.desc())
        if states is not None:
            query = query.where(s.c.state.in_([x.value for x in states]))
        if type_ is not None:
            query = query.where(s.c.type == type_.value)
        return [_settlement(r) for r in self.conn.execute(query).mappings()]

    def corrections_of(self, settlement_id: int) -> list[Settlement]:
        """The drafts made from *settlement_id*'s rejected claims."""
        s = t.settlement
        query = select(s).where(s.c.corrects_id == settlement_id).order_by(s.c.id)
        return [_settlement(r) for r in self.conn.execute(query).mappings()]

    def save(self, settlement: Settlement, expected_version: int) -> bool:
        """Write the settlement as it now is, only if the stored one still has
        *expected_version* (optimistic lock)."""
        row = _row(settlement)
        params = {f"new_{k}": v for k, v in row.items() if k != "id"}
        params.update(match_id=settlement.id, match_version=expected_version)
        return self.conn.execute(_SAVE, params).rowcount == 1

    def lock(self, settlement_id: int, expected_version: int) -> bool:
        """Hold the settlement's row until commit, if it still has *expected_version*: a
        concurrent writer waits and then finds the version changed (used before anything
        leaves the building, e.g. a file to the outbox)."""
        s = t.settlement
        stmt = (
            update(s)
            .where(and_(s.c.id == settlement_id, s.c.version == expected_version))
            .values(version=expected_version)
        )
        return self.conn.execute(stmt).rowcount == 1

    def remove(self, settlement: Settlement) -> bool:
        """Delete the settlement and its membership, if it still has its version."""
        s = t.settlement
        self.conn.execute(
            delete(t.settlement_claim).where(t.settlement_claim.c.settlement_id == settlement.id)
        )
        stmt = delete(s).where(and_(s.c.id == settlement.id, s.c.version == settlement.version))
        return self.conn.execute(stmt).rowcount == 1

    # -- membership ------------------------------------------------------------------------
    def add_members(
        self, settlement_id: int, claim_ids: Sequence[int], at: datetime.datetime
    ) -> None:
        if claim_ids:
            rows = [
                {"settlement_id": settlement_id, "claim_id": cid, "active": True, "added_at": at}
                for cid in claim_ids
            ]
            self.conn.execute(insert(t.settlement_claim), rows)

    def remove_members(self, settlement_id: int, claim_ids: Sequence[int]) -> None:
        """Take claims out of a draft: the draft was never sent, so no trace is needed."""
        sc = t.settlement_claim
        for condition in one_of(self.conn, sc.c.claim_id, claim_ids):
            self.conn.execute(
                delete(sc).where(and_(sc.c.settlement_id == settlement_id, condition))
            )

    def deactivate_members(
        self, settlement_id: int, claim_ids: Sequence[int], at: datetime.datetime, reason: str
    ) -> None:
        """Take claims out of a sent settlement, keeping the record that they were in it."""
        sc = t.settlement_claim
        for condition in one_of(self.conn, sc.c.claim_id, claim_ids):
            self.conn.execute(
                update(sc)
                .where(and_(sc.c.settlement_id == settlement_id, sc.c.active, condition))
                .values(active=False, removed_at=at, removed_reason=reason)
            )

    # -- events and findings ---------------------------------------------------------------
    def add_event(self, event: Event) -> None:
        self.conn.execute(insert(t.settlement_event), dataclasses.asdict(event))

    def events(self, settlement_id: int) -> list[Event]:
        e = t.settlement_event
        query = select(e).where(e.c.settlement_id == settlement_id).order_by(e.c.at, e.c.id)
        return [
            Event(
                r["settlement_id"],
                r["at"],
                r["actor"],
                r["action"],
                r["before"],
                r["after"],
                r["detail"],
            )
            for r in self.conn.execute(query).mappings()
        ]

    def save_findings(
        self, settlement_id: int, version: int, findings: Sequence[tuple[int | None, Finding]]
    ) -> None:
        cf = t.control_finding
        self.conn.execute(delete(cf).where(cf.c.settlement_id == settlement_id))
        rows = [
            {
                "settlement_id": settlement_id,
                "version": version,
                "claim_id": cid,
                "code": f.code,
                "severity": f.severity.value,
                "message": f.message,
                "location": f.location[:200],
                "location_kind": f.where.kind[:20],
                "location_ref": None if f.where.ref is None else f.where.ref[:64],
                "location_field": f.where.field[:200],
                "location_row": f.where.row,
                "link": f.link,
                "rule": f.rule[:100],
            }
            for cid, f in findings
        ]
        if rows:
            self.conn.execute(insert(cf), rows)

    def findings(self, settlement_id: int) -> list[tuple[int, int | None, Finding]]:
        """(version, claim id, finding) of the settlement's last control."""
        cf = t.control_finding
        query = select(cf).where(cf.c.settlement_id == settlement_id).order_by(cf.c.id)
        return [
            (
                r["version"],
                r["claim_id"],
                Finding(
                    r["code"],
                    Severity(r["severity"]),
                    r["message"],
                    Location(
                        r["location_kind"],
                        r["location_ref"],
                        r["location_field"],
                        r["location_row"],
                    ),
                    r["rule"],
                    r["link"],
                ),
            )
            for r in self.conn.execute(query).mappings()
        ]
