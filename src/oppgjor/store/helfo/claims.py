"""Claims, their answers from Helfo and co-payment registrations (BetaltEgenandel)."""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Numeric,
    Select,
    and_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)

from oppgjor.helfo.domain.model import (
    Claim,
    ClaimContent,
    ClaimKind,
    ClaimLine,
    Outcome,
    SettlementState,
    SettlementType,
)
from oppgjor.store import tables as t
from oppgjor.store.helfo.registrations import RegistrationRecords
from oppgjor.store.inlist import CHUNK, one_of


def _lines_json(lines: Sequence[ClaimLine]) -> str:
    return json.dumps(
        [
            [
                x.code,
                x.quantity,
                *(None if v is None else str(v) for v in (x.fee, x.refund, x.copayment)),
            ]
            for x in lines
        ]
    )


@functools.lru_cache(maxsize=4096)
def _lines(text: str) -> tuple[ClaimLine, ...]:
    """The lines of a stored claim; many claims share the same text, and the lines are
    immutable, so each text is parsed once."""

    def dec(v: str | None) -> Decimal | None:
        return None if v is None else Decimal(v)

    return tuple(ClaimLine(c, q, dec(f), dec(r), dec(p)) for c, q, f, r, p in json.loads(text))


def content_row(content: ClaimContent) -> dict[str, Any]:
    return {
        "type": content.type.value,
        "patient_ref": content.patient_ref,
        "practitioner_ref": content.practitioner_ref,
        "series_ref": content.series_ref,
        "service_time": content.service_time,
        "lines_json": _lines_json(content.lines),
        "diagnosis_system": content.diagnosis_system,
        "diagnosis_code": content.diagnosis_code,
        "referral_date": content.referral_date,
        "referrer_ref": content.referrer_ref,
        "copayment_reason": content.copayment_reason,
        "refund": content.refund,
        "copayment": content.copayment,
    }


def _claim(row: Any) -> Claim:
    content = ClaimContent(
        type=SettlementType(row["type"]),
        patient_ref=row["patient_ref"],
        practitioner_ref=row["practitioner_ref"],
        series_ref=row["series_ref"],
        service_time=row["service_time"],
        lines=_lines(row["lines_json"]),
        diagnosis_system=row["diagnosis_system"],
        diagnosis_code=row["diagnosis_code"],
        referral_date=row["referral_date"],
        referrer_ref=row["referrer_ref"],
        copayment_reason=row["copayment_reason"],
        refund=row["refund"],
        copayment=row["copayment"],
    )
    state = row["settlement_state"]
    return Claim(
        id=row["id"],
        number=row["number"],
        guid=row["guid"],
        kind=ClaimKind(row["kind"]),
        appointment_ref=row["appointment_ref"],
        content=content,
        appointment_id=row["appointment_id"],
        frozen=row["frozen"],
        credit_of=row["credit_of"],
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        outcome_code=row["outcome_code"],
        outcome_text=row["outcome_text"],
        credited=row["credited"],
        copayment_paid=row["copayment_paid"],
        settlement_id=row["settlement_id"],
        settlement_state=SettlementState(state) if state else None,
        sent_on=row["sent_on"],
    )


@dataclass(frozen=True)
class PoolFilter:
    """Which waiting claims a page is taken from: of a type, a practitioner's, treated from
    *first* to *last* (days, both included); None: any."""

    type_: SettlementType | None = None
    practitioner_ref: str | None = None
    first: datetime.date | None = None
    last: datetime.date | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        c = t.claim
        found: list[ColumnElement[bool]] = []
        if self.type_ is not None:
            found.append(c.c.type == self.type_.value)
        if self.practitioner_ref is not None:
            found.append(c.c.practitioner_ref == self.practitioner_ref)
        if self.first is not None and self.first > datetime.date.min:
            found.append(c.c.service_time >= datetime.datetime.combine(self.first, _MIDNIGHT))
        if self.last is not None and self.last < datetime.date.max:
            after = datetime.datetime.combine(self.last + datetime.timedelta(days=1), _MIDNIGHT)
            found.append(c.c.service_time < after)
        return found


_MIDNIGHT = datetime.time()


def _pool_conditions() -> list[ColumnElement[bool]]:
    """Waiting for a settlement, apart from being in none: not credited, not accepted, and
    not a pure co-payment (no refund, only co-payment: reported as BetaltEgenandel), which a
    credit may be."""
    c = t.claim
    refund, copayment = cast(c.c.refund, Numeric(12, 2)), cast(c.c.copayment, Numeric(12, 2))
    return [
        not_(c.c.credited),
        or_(c.c.outcome.is_(None), c.c.outcome != Outcome.ACCEPTED.value),
        or_(c.c.kind == ClaimKind.CREDIT.value, not_(and_(refund == 0, copayment > 0))),
    ]


class ClaimRepository(RegistrationRecords):
    """The claim tables of one transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- claim numbers ---------------------------------------------------------------------
    def next_numbers(self, count: int) -> list[int]:
        """*count* new claim numbers, ascending; the counter row lock serialises writers."""
        if count <= 0:
            return []
        c = t.counter
        stmt = (
            update(c)
            .where(c.c.name == "claim_number")
            .values(value=c.c.value + count)
            .returning(c.c.value)
        )
        last = int(self.conn.execute(stmt).scalar_one())
        return list(range(last - count + 1, last + 1))

    # -- claims ----------------------------------------------------------------------------
    def unclaimed_appointment_ids(self) -> list[int]:
        """Attended appointments with tariffs that have no live claim yet, not an insurer's
        booking (the insurer pays it). After a credit, the replacement claim waits until
        Helfo has approved the credit."""
        a, al, c = t.appointment, t.appointment_line, t.claim
        taken = select(c.c.appointment_id).where(
            c.c.appointment_id.is_not(None),
            or_(
                and_(c.c.kind == ClaimKind.CLAIM.value, not_(c.c.credited)),
                and_(
                    c.c.kind == ClaimKind.CREDIT.value,
                    or_(c.c.outcome.is_(None), c.c.outcome != Outcome.ACCEPTED.value),
                ),
            ),
        )
        # an insurer's booking is paid by the insurer: never a Helfo claim
        booked = select(t.booking.c.appointment_id).where(t.booking.c.appointment_id.is_not(None))
        query = (
            select(a.c.id)
            .where(a.c.status == "attended")
            .where(a.c.id.in_(select(al.c.appointment_id)))
            .where(a.c.id.not_in(taken))
            .where(a.c.id.not_in(booked))
            .order_by(a.c.start_at, a.c.id)
        )
        return list(self.conn.scalars(query))

    def insert(self, claims: Sequence[Claim], at: datetime.datetime) -> None:
        rows = [
            {
                "number": c.number,
                "guid": c.guid,
                "kind": c.kind.value,
                "appointment_id": c.appointment_id,
                "appointment_ref": c.appointment_ref,
                "credit_of": c.credit_of,
                "frozen": c.frozen,
                "credited": c.credited,
                "copayment_paid": c.copayment_paid,
                "outcome": c.outcome.value if c.outcome else None,
                "sent_on": c.sent_on,
                "created_at": at,
                **content_row(c.content),
            }
            for c in claims
        ]
        for i in range(0, len(rows), CHUNK):
            self.conn.execute(insert(t.claim), rows[i : i + CHUNK])

    def update_contents(self, changes: Sequence[tuple[int, ClaimContent]]) -> None:
        if not changes:
            return
        c = t.claim
        stmt = update(c).where(c.c.id == bindparam("cid"))
        rows = [{"cid": cid, **content_row(content)} for cid, content in changes]
        self.conn.execute(stmt, rows)

    def remove_unsent(self, ids: Sequence[int]) -> None:
        """Delete claims that were never submitted (their appointment no longer yields one),
        with their links to drafts, findings and unsent co-payment registrations. Their
        numbers are not given again: the counter only moves on. A registration in a
        submitted settlement is never deleted (the claim then stays: the database refuses)."""
        c, r = t.claim, t.copayment_registration
        for table, column, only in (
            (t.settlement_claim, t.settlement_claim.c.claim_id, None),
            (t.control_finding, t.control_finding.c.claim_id, None),
            (r, r.c.claim_id, r.c.settlement_id.is_(None)),
            (c, c.c.id, None),
        ):
            for condition in one_of(self.conn, column, ids):
                where = condition if only is None else and_(condition, only)
                self.conn.execute(delete(table).where(where))

    def reported_registrations(self, ids: Sequence[int]) -> dict[int, int]:
        """Of claims *ids*, those with a co-payment registration in a submitted settlement
        (Helfo has it, or gets it): claim id -> that settlement's id."""
        r = t.copayment_registration
        found: dict[int, int] = {}
        query = select(r.c.claim_id, r.c.settlement_id).where(r.c.settlement_id.is_not(None))
        for condition in one_of(self.conn, r.c.claim_id, list(ids)):
            for claim_id, settlement_id in self.conn.execute(query.where(condition)):
                found[claim_id] = settlement_id
        return found

    def _claims_query(self) -> Select[Any]:
        c, sc, s = t.claim, t.settlement_claim, t.settlement
        return (
            select(c, sc.c.settlement_id, s.c.state.label("settlement_state"))
            .select_from(c)
            .outerjoin(sc, and_(sc.c.claim_id == c.c.id, sc.c.active))
            .outerjoin(s, s.c.id == sc.c.settlement_id)
        )

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
    ) -> list[Claim]:
        """Claims matching every filter. ``pool``: waiting for a settlement (in none, not
        credited, not accepted, not pure co-payment, which is reported as BetaltEgenandel)."""
        c, sc, s = t.claim, t.settlement_claim, t.settlement
        query = self._claims_query()
        if settlement_id is not None:
            query = query.where(sc.c.settlement_id == settlement_id)
        if pool:
            query = query.where(
                sc.c.id.is_(None),
                not_(c.c.credited),
                or_(c.c.outcome.is_(None), c.c.outcome != Outcome.ACCEPTED.value),
            )
        if kind is not None:
            query = query.where(c.c.kind == kind.value)
        if states is not None:
            query = query.where(s.c.state.in_([x.value for x in states]))
        query = query.order_by(c.c.service_time, c.c.number)
        if numbers is not None:
            found = self._chunked(query, c.c.number, list(numbers))
        elif ids is not None:
            found = self._chunked(query, c.c.id, list(ids))
        elif patient_refs is not None:
            found = self._chunked(query, c.c.patient_ref, list(patient_refs))
        else:
            found = [_claim(r) for r in self.conn.execute(query).mappings()]
        if pool:
            found = [x for x in found if x.kind is ClaimKind.CREDIT or not x.content.pure_copayment]
        return found

    def pool_page(
        self,
        wanted: PoolFilter,
        offset: int,
        limit: int,
    ) -> tuple[int, list[Claim]]:
        """One page of the claims waiting for a settlement (as ``find(pool=True)`` orders and
        filters them), filtered by their stored type, practitioner and service date, and how
        many there are in all: counted and paged by the database."""
        c, sc = t.claim, t.settlement_claim
        where = [sc.c.id.is_(None), *_pool_conditions(), *wanted.conditions()]
        counted = (
            select(func.count())
            .select_from(c)
            .outerjoin(sc, and_(sc.c.claim_id == c.c.id, sc.c.active))
            .where(*where)
        )
        total = int(self.conn.scalar(counted) or 0)
        if total <= offset:
            return total, []
        query = (
            self._claims_query()
            .where(*where)
            .order_by(c.c.service_time, c.c.number, c.c.kind, c.c.id)
            .offset(offset)
            .limit(limit)
        )
        return total, [_claim(r) for r in self.conn.execute(query).mappings()]

    def _chunked(self, query: Select[Any], column: Any, values: list[Any]) -> list[Claim]:
        result: list[Claim] = []
        for condition in one_of(self.conn, column, values):
            result.extend(_claim(r) for r in self.conn.execute(query.where(condition)).mappings())
        return sorted(result, key=lambda x: (x.content.service_time, x.number, x.kind.value))

    def _set(self, ids: Sequence[int], values: dict[str, Any]) -> None:
        c = t.claim
        for condition in one_of(self.conn, c.c.id, ids):
            self.conn.execute(update(c).where(condition).values(**values))

    def freeze(self, ids: Sequence[int]) -> None:
        """Submitted: the content no longer follows the records; an earlier answer is void."""
        self._set(
            ids, {"frozen": True, "outcome": None, "outcome_code": None, "outcome_text": None}
        )

    def mark_sent(self, ids: Sequence[int], on: datetime.date) -> None:
        self._set(ids, {"sent_on": on})

    def mark_credited(self, claim_id: int) -> bool:
        """Mark the claim credited, if nobody else has (False: someone did meanwhile)."""
        return self._set_once(claim_id, t.claim.c.credited)

    def mark_copayment_paid(self, claim_id: int) -> bool:
        """Mark the co-payment paid, if nobody else has (False: someone did meanwhile)."""
        return self._set_once(claim_id, t.claim.c.copayment_paid)

    def _set_once(self, claim_id: int, flag: Any) -> bool:
        stmt = update(t.claim).where(t.claim.c.id == claim_id, flag.is_(False)).values({flag: True})
        return self.conn.execute(stmt).rowcount == 1
