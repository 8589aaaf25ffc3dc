"""Kontrollér: the controls run on a draft settlement before it may be submitted.

Two ordered registries: ``CLAIM_CONTROLS`` (``controls.claim``) look at one claim at a time,
and ``SETTLEMENT_CONTROLS`` (``controls.settlement``) look at the claims together; both read a
``ControlContext`` (``controls.context``). :func:`control` runs them in order and keeps, with
each finding, the id of the claim it is about, read from the finding's location.

A control that reads a dated parameter names the version it used in the finding's ``rule``:
``name@YYYY-MM-DD`` (the value's start date), several joined by ``;``, e.g.
``claim_expiry_months@1997-05-01``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from oppgjor.core.findings import Finding, Location, run_controls
from oppgjor.helfo.domain.controls.claim import (
    BEFORE_REFERRAL,
    BEFORE_RIGHTS_ASSESSMENT,
    CLAIM_CONTROLS,
    CLAIM_TYPE,
    EXPIRED,
    EXPIRING,
    FUTURE,
    NO_AMOUNT,
    PATIENT_MISSING,
    PRACTITIONER_ACCESS,
    PRACTITIONER_MISSING,
    SERIES_MISSING,
    SERIES_MISSING_BKM,
    TARIFF_AMOUNT,
    TARIFF_NOT_VALID,
)
from oppgjor.helfo.domain.controls.context import (
    CLAIM,
    SETTLEMENT,
    ControlContext,
    claim_at,
)
from oppgjor.helfo.domain.controls.settlement import (
    DAILY_LIMIT,
    DUPLICATE,
    EMPTY,
    FBV_ENDED,
    SETTLEMENT_CONTROLS,
    TOTALS,
)
from oppgjor.helfo.domain.model import Claim, ClaimKind

__all__ = [
    "CLAIM_CONTROLS", "CODES", "SETTLEMENT_CONTROLS", "ControlContext", "ControlResult",
    "claim_at", "control",
]  # fmt: skip

CODES = (
    CLAIM_TYPE, SERIES_MISSING, SERIES_MISSING_BKM, PATIENT_MISSING, PRACTITIONER_MISSING,
    PRACTITIONER_ACCESS, TARIFF_NOT_VALID, TARIFF_AMOUNT, EXPIRED, EXPIRING, FUTURE, FBV_ENDED,
    NO_AMOUNT, BEFORE_REFERRAL, BEFORE_RIGHTS_ASSESSMENT, DAILY_LIMIT, DUPLICATE, TOTALS, EMPTY,
)  # fmt: skip


@dataclass(frozen=True)
class ControlResult:
    findings: list[tuple[int | None, Finding]]  # (claim id, finding)

    @property
    def blocking(self) -> int:
        return sum(1 for _, f in self.findings if f.blocking)

    def blocked_claims(self) -> set[int]:
        return {cid for cid, f in self.findings if f.blocking and cid is not None}


def control(claims: Sequence[Claim], ctx: ControlContext) -> ControlResult:
    """Run every control; findings keep the id of the claim they are about."""
    found: list[tuple[int | None, Finding]] = []
    for claim in claims:
        for finding in run_controls(CLAIM_CONTROLS, claim, ctx, claim_at(claim)):
            found.append((claim.id, finding))
    ids = _claim_ids(claims)
    for finding in run_controls(SETTLEMENT_CONTROLS, list(claims), ctx, Location(SETTLEMENT)):
        number = finding.where.key(CLAIM)
        found.append((ids.get(number) if number is not None else None, finding))
    return ControlResult(found)


def _claim_ids(claims: Sequence[Claim]) -> dict[str, int | None]:
    """Claim number (the ref of a claim's location) -> claim id; a claim rather than a
    credit of the same number."""
    ids = {str(c.number): c.id for c in claims if c.kind is ClaimKind.CREDIT}
    ids.update({str(c.number): c.id for c in claims if c.kind is ClaimKind.CLAIM})
    return ids
