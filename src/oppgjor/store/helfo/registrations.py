"""Helfo's answers on claims (table ``claim_outcome``) and the co-payment registrations
(``copayment_registration``: a co-payment paid after its claim was sent travels with the next
settlement): part of the claims' repository."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, func, insert, select, update

from oppgjor.helfo.domain.model import CopaymentRegistration, Outcome
from oppgjor.store import tables as t
from oppgjor.store.inlist import one_of


class RegistrationRecords:
    conn: Connection

    def set_outcomes(
        self,
        outcomes: Sequence[tuple[int, Outcome, str | None, str | None]],
        settlement_id: int,
        at: datetime.datetime,
    ) -> None:
        """Set each claim's current answer from Helfo and keep it in the claim's history."""
        if outcomes:
            c = t.claim
            stmt = update(c).where(c.c.id == bindparam("cid"))
            self.conn.execute(
                stmt,
                [
                    {"cid": i, "outcome": o.value, "outcome_code": code, "outcome_text": text}
                    for i, o, code, text in outcomes
                ],
            )
            rows = [
                {"claim_id": i, "settlement_id": settlement_id, "outcome": o.value,
                 "code": code, "text": text, "at": at}
                for i, o, code, text in outcomes
            ]  # fmt: skip
            self.conn.execute(insert(t.claim_outcome), rows)

    def outcome_history(self) -> list[tuple[Outcome, str | None, str | None]]:
        """Every answer Helfo has given on a claim: (outcome, code, text)."""
        o = t.claim_outcome
        rows = self.conn.execute(select(o.c.outcome, o.c.code, o.c.text).order_by(o.c.id))
        return [(Outcome(x), code, text) for x, code, text in rows]

    def rejected_in(self, settlement_id: int) -> int:
        """How many claims Helfo rejected in this settlement (also those moved out since)."""
        o = t.claim_outcome
        query = select(func.count(func.distinct(o.c.claim_id))).where(
            o.c.settlement_id == settlement_id, o.c.outcome == Outcome.REJECTED.value
        )
        return int(self.conn.scalar(query) or 0)

    def add_registration(
        self, claim_id: int, paid_on: datetime.date, correction: bool, at: datetime.datetime
    ) -> None:
        self.conn.execute(
            insert(t.copayment_registration).values(
                claim_id=claim_id, paid_on=paid_on, correction=correction, created_at=at
            )
        )

    def registrations(
        self, *, unsent: bool = False, settlement_id: int | None = None
    ) -> list[CopaymentRegistration]:
        r, c = t.copayment_registration, t.claim
        query = (
            select(r, c.c.number, c.c.guid)
            .join(c, c.c.id == r.c.claim_id)
            .order_by(r.c.paid_on, r.c.id)
        )
        if unsent:
            query = query.where(r.c.settlement_id.is_(None))
        if settlement_id is not None:
            query = query.where(r.c.settlement_id == settlement_id)
        return [
            CopaymentRegistration(
                x["id"], x["claim_id"], x["number"], x["guid"], x["paid_on"], x["correction"],
                x["settlement_id"], x["created_at"],
            )
            for x in self.conn.execute(query).mappings()
        ]  # fmt: skip

    def attach_registrations(self, ids: Sequence[int], settlement_id: int | None) -> None:
        r = t.copayment_registration
        for condition in one_of(self.conn, r.c.id, ids):
            self.conn.execute(update(r).where(condition).values(settlement_id=settlement_id))
