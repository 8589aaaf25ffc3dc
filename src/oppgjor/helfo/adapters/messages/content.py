"""What a BehandlerKrav says, independent of XML (built by :mod:`bkm`, read back by it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

OID_PERSON_ID = "2.16.578.1.12.4.1.1.8116"  # FNR, DNR, HNR, HPR ...
OID_ICD10 = "2.16.578.1.12.4.1.1.7110"
OID_ICPC2 = "2.16.578.1.12.4.1.1.7170"
OID_ORG_ID = "2.16.578.1.12.4.1.1.9051"  # HER, ENH
ID_NAMES = {"FNR": "Fødselsnummer", "DNR": "D-nummer", "HNR": "H-nummer"}


@dataclass(frozen=True)
class Coded:
    code: str
    system: str
    text: str | None = None


@dataclass(frozen=True)
class BkmPatient:
    id_value: str | None = None
    id_type: str | None = None  # FNR, DNR, HNR (kodeverk 8116)
    family_name: str | None = None
    given_name: str | None = None
    birth_date: datetime.date | None = None
    sex: str | None = None


@dataclass(frozen=True)
class BkmTariff:
    code: str
    amount: Decimal  # the value of one occurrence on the treatment date
    count: int


@dataclass(frozen=True)
class BkmTreatment:
    tariffs: tuple[BkmTariff, ...]
    refund: Decimal  # SumKrav/Refusjon; negative on a credit
    copayment: Decimal | None = None  # SumKrav/EgenandelHonorar
    copayment_reason: Coded | None = None  # KodeEgenandel (7461), e.g. F Frikort
    diagnoses: tuple[Coded, ...] = ()
    referral_date: datetime.date | None = None
    referral_id: str | None = None
    referral_diagnoses: tuple[Coded, ...] = ()
    related_practitioner: str | None = None  # RelatertBehandler: HPR number


@dataclass(frozen=True)
class BkmClaim:
    number: str
    time: datetime.datetime
    guid: str | None = None
    copayment_paid: bool | None = None  # BetaltEgenandel/@erBetalt
    copayment_correction: bool = False  # BetaltEgenandel/@korrigering
    credit: bool | None = None  # Kreditering
    note: str | None = None
    patient: BkmPatient | None = None
    treatment: BkmTreatment | None = None

    @property
    def refund(self) -> Decimal:
        return self.treatment.refund if self.treatment else Decimal("0.00")


@dataclass(frozen=True)
class BkmMessage:
    claims: tuple[BkmClaim, ...]
    epj_name: str | None = None
    epj_version: str | None = None
    account: str | None = None
    department: str | None = None
    resh: str | None = None

    @property
    def count(self) -> int:
        return len(self.claims)

    @property
    def total(self) -> Decimal:
        return sum((c.refund for c in self.claims), Decimal("0.00"))
