"""The clinic's records as plain, immutable values.

``ref`` is the clinic's own key for a record (the EPJ's number): unique per kind, used in
imports, exports, the CLI and links. National identity numbers are never used as keys.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Module(StrEnum):
    """What a practitioner's user account may use."""

    PLANNER = "planner"
    SETTLEMENT = "settlement"
    ISF = "isf"
    ADMIN = "admin"


@dataclass(frozen=True)
class Practice:
    name: str
    org_nr: str
    her_id: str | None = None
    resh_id: str | None = None
    account_number: str | None = None
    practice_type: str | None = None
    helfo_practice_id: str | None = None
    contact_email: str | None = None


@dataclass(frozen=True)
class Department:
    ref: str
    name: str
    org_nr: str | None = None
    her_id: str | None = None
    resh_id: str | None = None
    reports_npr_bkm: bool = False
    contact_email: str | None = None


@dataclass(frozen=True)
class Practitioner:
    ref: str
    name: str
    profession: str
    hpr_number: str | None = None
    modules: frozenset[Module] = frozenset({Module.PLANNER})
    department_ref: str | None = None
    active: bool = True

    @property
    def may_settle(self) -> bool:
        return Module.SETTLEMENT in self.modules


class IdType(StrEnum):
    FNR = "FNR"
    DNR = "DNR"
    HNR = "HNR"
    PNR = "PNR"
    UID = "UID"
    DUF = "DUF"

    @property
    def checked(self) -> bool:
        return self in (IdType.FNR, IdType.DNR, IdType.HNR)


@dataclass(frozen=True)
class Patient:
    ref: str
    id_type: IdType
    id_value: str
    first_name: str
    last_name: str
    birth_date: datetime.date | None = None
    sex: str | None = None
    nationality: str | None = None


class ReferrerKind(StrEnum):
    ORGANISATION = "organisation"
    PERSON = "person"


@dataclass(frozen=True)
class Referrer:
    ref: str
    name: str
    kind: ReferrerKind = ReferrerKind.ORGANISATION
    org_nr: str | None = None
    hpr_number: str | None = None
    her_id: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class Tariff:
    """One validity period of a tariff code on the plate."""

    code: str
    specialty: str
    text: str
    fee: Decimal
    refund: Decimal
    copayment: Decimal
    valid_from: datetime.date
    valid_to: datetime.date | None = None
    max_per_patient_day: int | None = None
    source: str = ""

    def valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class DiagnosisSystem(StrEnum):
    ICD10 = "ICD10"
    ICPC2 = "ICPC2"


@dataclass(frozen=True)
class TreatmentSeries:
    ref: str
    patient_ref: str
    department_ref: str | None = None
    practitioner_ref: str | None = None
    title: str | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    referral_date: datetime.date | None = None
    referred_from_ref: str | None = None
    referrer_category: str | None = None
    diagnosis_system: DiagnosisSystem | None = None
    diagnosis_code: str | None = None
    stay_type: str | None = None
    npr_debtor: str | None = None
    npr_specialty: str | None = None
    fbv: bool | None = None
    fbv_tariff: str | None = None
    rights_assessment_date: datetime.date | None = None
    assessed_by_ref: str | None = None
    refund_type: str | None = None


@dataclass(frozen=True)
class SeriesTemplate:
    name: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class TariffLine:
    code: str
    quantity: int = 1


class AppointmentStatus(StrEnum):
    PLANNED = "planned"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


# the words a status may be given with, in files and commands: English and Norwegian
STATUS_WORDS: dict[str, AppointmentStatus] = {
    **{s.value: s for s in AppointmentStatus},
    "no-show": AppointmentStatus.NO_SHOW,
    "møtt": AppointmentStatus.ATTENDED,
    "ikke-møtt": AppointmentStatus.NO_SHOW,
    "ikke møtt": AppointmentStatus.NO_SHOW,
    "avlyst": AppointmentStatus.CANCELLED,
    "planlagt": AppointmentStatus.PLANNED,
}


@dataclass(frozen=True)
class Appointment:
    practitioner_ref: str
    patient_ref: str
    start: datetime.datetime
    end: datetime.datetime
    lines: tuple[TariffLine, ...] = ()
    refund_type: str | None = None
    series_ref: str | None = None
    status: AppointmentStatus = AppointmentStatus.PLANNED
    ref: str | None = None
    id: int | None = None

    @property
    def day(self) -> datetime.date:
        return self.start.date()
