"""From a settlement's claims and the clinic's records to the content of a BKM.

Pure mapping (no XML): which fields a claim fills, as the KUHR JSON↔XML mapping describes
(shared/reference/helfo/NOTES.md §3.2 and §6). Personal data is kept to what Helfo needs: the
national id, and names and birth date only for a patient without one.
"""

from __future__ import annotations

from decimal import Decimal

from oppgjor.core import codes
from oppgjor.helfo.adapters.messages.content import (
    OID_ICD10,
    OID_ICPC2,
    BkmClaim,
    BkmMessage,
    BkmPatient,
    BkmTariff,
    BkmTreatment,
    Coded,
)
from oppgjor.helfo.domain.model import Claim, ClaimKind, CopaymentRegistration
from oppgjor.helfo.domain.transport import Records, Submission

EPJ_NAME = "oppgjor"
NATIONAL_IDS = ("FNR", "DNR", "HNR")
COPAYMENT_REASONS = {"F": "Frikort"}  # kodeverk 7461 (shared/reference/helfo/kodeverk)


def _patient(claim: Claim, records: Records) -> BkmPatient | None:
    p = records.patients.get(claim.content.patient_ref)
    if p is None:
        return None
    if p.id_type.value in NATIONAL_IDS:
        return BkmPatient(id_value=p.id_value, id_type=p.id_type.value)
    return BkmPatient(
        family_name=p.last_name, given_name=p.first_name, birth_date=p.birth_date, sex=p.sex
    )


def _diagnoses(claim: Claim) -> tuple[Coded, ...]:
    code = claim.content.diagnosis_code
    if not code:
        return ()
    value = codes.normalise_diagnosis(code)
    if claim.content.diagnosis_system == "ICPC2":
        return (Coded(value, OID_ICPC2),)
    return (Coded(value, OID_ICD10, codes.icd10_text(value)),)


def _related(claim: Claim, records: Records) -> str | None:
    referrer = records.referrers.get(claim.content.referrer_ref or "")
    return referrer.hpr_number if referrer and referrer.hpr_number else None


def _treatment(claim: Claim, records: Records) -> BkmTreatment:
    x = claim.content
    sign = Decimal(-1) if claim.kind is ClaimKind.CREDIT else Decimal(1)
    reason = x.copayment_reason
    return BkmTreatment(
        tariffs=tuple(BkmTariff(t.code, t.refund or Decimal(0), t.quantity) for t in x.lines),
        refund=sign * x.refund,
        copayment=sign * x.copayment if x.copayment > 0 else None,
        copayment_reason=Coded(reason, "", COPAYMENT_REASONS.get(reason)) if reason else None,
        diagnoses=_diagnoses(claim),
        referral_date=x.referral_date,
        related_practitioner=_related(claim, records),
    )


def bkm_claim(claim: Claim, records: Records) -> BkmClaim:
    """One Enkeltregning: a claim, or a credit (same number and GUID, negative amount)."""
    paid = claim.copayment_paid if claim.content.copayment > 0 else None
    return BkmClaim(
        number=str(claim.number),
        time=claim.content.service_time,
        guid=claim.guid,
        copayment_paid=paid,
        copayment_correction=False,
        credit=claim.kind is ClaimKind.CREDIT,
        patient=_patient(claim, records),
        treatment=_treatment(claim, records),
    )


def registration_claim(reg: CopaymentRegistration, records: Records) -> BkmClaim:
    """BetaltEgenandel for a claim: a correction of a sent claim refers to it by GUID only; a
    pure co-payment tariff, never sent, goes with its content (refund 0)."""
    claim = records.registration_claims[reg.claim_id]
    if reg.correction:
        return BkmClaim(
            number=str(claim.number),
            time=claim.content.service_time,
            guid=claim.guid,
            copayment_paid=True,
            copayment_correction=True,
        )
    full = bkm_claim(claim, records)
    return BkmClaim(
        number=full.number,
        time=full.time,
        guid=full.guid,
        copayment_paid=True,
        copayment_correction=False,
        credit=False,
        patient=full.patient,
        treatment=full.treatment,
    )


def bkm_message(submission: Submission, epj_version: str = "") -> BkmMessage:
    records = submission.records
    claims = [bkm_claim(c, records) for c in submission.claims]
    claims += [registration_claim(r, records) for r in submission.registrations]
    practice = records.practice
    return BkmMessage(
        tuple(claims),
        epj_name=EPJ_NAME,
        epj_version=epj_version or None,
        resh=practice.resh_id if practice and practice.resh_id else None,
    )
