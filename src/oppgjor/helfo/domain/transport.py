"""The seam between the settlement workflow and the ways a settlement reaches Helfo.

The next issue implements it: a signed BKM file in the message server's outbox, the KUHR Krav
API, a file for the portal. Here is the interface and the manual transport: the user sent
the settlement by other means and records the reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from oppgjor.clinic.domain.model import Patient, Practice, Practitioner, Referrer, TreatmentSeries
from oppgjor.helfo.domain.model import Claim, CopaymentRegistration, Settlement


@dataclass(frozen=True)
class Records:
    """The clinic's records a message needs besides the claims."""

    practice: Practice | None = None
    patients: Mapping[str, Patient] = field(default_factory=dict)
    practitioners: Mapping[str, Practitioner] = field(default_factory=dict)
    referrers: Mapping[str, Referrer] = field(default_factory=dict)
    series: Mapping[str, TreatmentSeries] = field(default_factory=dict)
    registration_claims: Mapping[int, Claim] = field(default_factory=dict)  # by claim id


@dataclass(frozen=True)
class Submission:
    """What is sent: the locked settlement, its claims and co-payment registrations."""

    settlement: Settlement
    claims: Sequence[Claim]
    registrations: Sequence[CopaymentRegistration]
    records: Records = field(default_factory=Records)


@dataclass(frozen=True)
class SendResult:
    reference: str  # message id, file name or API id
    detail: str = ""  # what the user should know, e.g. where the file went


class Transport(Protocol):
    @property
    def name(self) -> str: ...

    def send(self, submission: Submission) -> SendResult:
        """Deliver the submission; raise on failure (nothing is then recorded as sent)."""
        ...


@dataclass(frozen=True)
class ManualTransport:
    """Sent outside oppgjor (e.g. uploaded in Helfo's portal); *reference* says where."""

    reference: str
    name: str = "manuell"

    def send(self, submission: Submission) -> SendResult:
        if not self.reference.strip():
            raise ValueError("reference is required for a manual submission")
        return SendResult(self.reference.strip())
