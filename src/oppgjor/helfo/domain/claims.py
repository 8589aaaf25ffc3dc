"""Deriving a claim's content from an appointment, its series and the tariff plate."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from oppgjor.clinic.domain.model import (
    Appointment,
    AppointmentStatus,
    Practitioner,
    Tariff,
    TariffLine,
    TreatmentSeries,
)
from oppgjor.clinic.domain.planner import specialties_for
from oppgjor.clinic.domain.series import FBV_SPECIALTY, is_fbv
from oppgjor.clinic.domain.tariffs import TariffPlate
from oppgjor.core.money import nok
from oppgjor.helfo.domain.model import ClaimContent, ClaimLine, SettlementType

# refund type on the appointment/series -> KodeEgenandel (kodeverk 7461)
COPAYMENT_REASONS = {"1": "F"}  # 1 Frikort -> F Frikort


@dataclass(frozen=True)
class Priced:
    """An appointment's tariff lines priced from the plate on its day."""

    tariffs: tuple[Tariff | None, ...]
    lines: tuple[ClaimLine, ...]
    refund: Decimal
    copayment: Decimal


# (practitioner, day, the appointment's tariff lines, co-payment reason)
PriceKey = tuple[str, datetime.date, tuple[TariffLine, ...], str | None]


@dataclass(frozen=True)
class ClaimSources:
    """The records a claim is derived from, gathered once per use case and not changed
    after. Many appointments share a practitioner, day and tariffs, so their priced lines
    are worked out once and remembered here."""

    series: Mapping[str, TreatmentSeries]
    practitioners: Mapping[str, Practitioner]
    plate: TariffPlate
    priced: dict[PriceKey, Priced] = field(default_factory=dict, compare=False, repr=False)


def claimable(appointment: Appointment) -> bool:
    """An attended appointment with at least one tariff yields a claim."""
    return appointment.status is AppointmentStatus.ATTENDED and bool(appointment.lines)


def settlement_type(
    series: TreatmentSeries | None, tariffs: tuple[Tariff | None, ...] = ()
) -> SettlementType:
    """FBV when the series is an FBV series or a tariff is from the FBV plate."""
    fbv_tariff = any(t is not None and t.specialty == FBV_SPECIALTY for t in tariffs)
    fbv_series = series is not None and is_fbv(series)
    return SettlementType.FBV if fbv_series or fbv_tariff else SettlementType.BKM


def lookup_tariff(
    plate: TariffPlate, code: str, day: datetime.date, practitioner: Practitioner | None
) -> Tariff | None:
    """The tariff on the plate that day: the practitioner's own plate first, then FBV, then a
    code that exists on only one plate."""
    return plate.lookup(code, day, specialties_for(practitioner)) or plate.lookup(code, day)


def lookup_line(
    plate: TariffPlate, code: str, quantity: int, day: datetime.date, who: Practitioner | None
) -> ClaimLine:
    return _line(code, quantity, lookup_tariff(plate, code, day, who))


def _line(code: str, quantity: int, tariff: Tariff | None) -> ClaimLine:
    if tariff is None:
        return ClaimLine(code, quantity, None, None, None)
    return ClaimLine(code, quantity, tariff.fee, tariff.refund, tariff.copayment)


def price(appointment: Appointment, reason: str | None, src: ClaimSources) -> Priced:
    """The appointment's lines with amounts from the plate valid on its day; with an
    exemption (*reason*, e.g. frikort), Helfo also refunds the co-payment part."""
    key = (appointment.practitioner_ref, appointment.day, appointment.lines, reason)
    found = src.priced.get(key)
    if found is None:
        found = src.priced[key] = _price(appointment, reason, src)
    return found


def _price(appointment: Appointment, reason: str | None, src: ClaimSources) -> Priced:
    practitioner = src.practitioners.get(appointment.practitioner_ref)
    day = appointment.day
    tariffs = tuple(lookup_tariff(src.plate, x.code, day, practitioner) for x in appointment.lines)
    lines = tuple(
        _line(x.code, x.quantity, t) for x, t in zip(appointment.lines, tariffs, strict=True)
    )
    refund = sum(((x.refund or Decimal(0)) * x.quantity for x in lines), Decimal(0))
    copayment = sum(((x.copayment or Decimal(0)) * x.quantity for x in lines), Decimal(0))
    if reason:
        refund, copayment = refund + copayment, Decimal(0)
    return Priced(tariffs, lines, nok(refund), nok(copayment))


def derive(appointment: Appointment, src: ClaimSources) -> ClaimContent:
    """The claim an appointment yields, with amounts from the plate valid on its day."""
    series = src.series.get(appointment.series_ref or "")
    refund_type = appointment.refund_type or (series.refund_type if series else None)
    reason = COPAYMENT_REASONS.get(refund_type or "")
    priced = price(appointment, reason, src)
    return ClaimContent(
        type=settlement_type(series, priced.tariffs),
        patient_ref=appointment.patient_ref,
        practitioner_ref=appointment.practitioner_ref,
        series_ref=appointment.series_ref,
        service_time=appointment.start,
        lines=priced.lines,
        diagnosis_system=(
            series.diagnosis_system.value if series and series.diagnosis_system else None
        ),
        diagnosis_code=series.diagnosis_code if series else None,
        referral_date=series.referral_date if series else None,
        referrer_ref=series.referred_from_ref if series else None,
        copayment_reason=reason,
        refund=priced.refund,
        copayment=priced.copayment,
    )
