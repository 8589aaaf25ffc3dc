"""Series templates (seriemal): save a series' values under a name and apply them later.

Unlike the system the FBV manual describes (§1.1.1, "NPR-kode blir ikke lagt inn fra mal"), a
template here also carries the NPR codes. Applying a template only fills fields that are
empty; a value the user already set is kept and reported.
"""

from __future__ import annotations

import dataclasses

from oppgjor.clinic.domain.model import DiagnosisSystem, SeriesTemplate, TreatmentSeries
from oppgjor.core.findings import Finding, FindingCode, Location, Severity

TEMPLATE_FIELDS: tuple[str, ...] = (
    "department_ref",
    "practitioner_ref",
    "title",
    "referred_from_ref",
    "referrer_category",
    "diagnosis_system",
    "diagnosis_code",
    "stay_type",
    "npr_debtor",
    "npr_specialty",
    "fbv",
    "fbv_tariff",
    "assessed_by_ref",
    "refund_type",
)

VALUE_KEPT = FindingCode(
    "TEMPLATE_VALUE_KEPT",
    Severity.INFO,
    "Feltet hadde allerede en verdi; verdien fra malen ble ikke brukt.",
)
TEMPLATE_NAME = FindingCode("TEMPLATE_NAME", Severity.BLOCKING, "Malen må ha et navn.")
CODES = (VALUE_KEPT, TEMPLATE_NAME)


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def template_from_series(name: str, series: TreatmentSeries) -> SeriesTemplate:
    """The non-empty template fields of *series*, as plain JSON-able values."""
    values: dict[str, object] = {}
    for field in TEMPLATE_FIELDS:
        value = getattr(series, field)
        if not _empty(value):
            values[field] = value.value if isinstance(value, DiagnosisSystem) else value
    return SeriesTemplate(name=name.strip(), values=values)


def check_template(template: SeriesTemplate) -> list[Finding]:
    if _empty(template.name):
        return [TEMPLATE_NAME("Gi malen et navn.", Location("seriemal", field="name"))]
    return []


def apply_template(
    series: TreatmentSeries, template: SeriesTemplate
) -> tuple[TreatmentSeries, list[Finding]]:
    """Fill *series*' empty fields from *template*; never overwrite a value already set."""
    changes: dict[str, object] = {}
    findings: list[Finding] = []
    for field in TEMPLATE_FIELDS:
        if field not in template.values:
            continue
        value = template.values[field]
        if field == "diagnosis_system" and value is not None:
            value = DiagnosisSystem(str(value))
        current = getattr(series, field)
        if _empty(current):
            changes[field] = value
        elif current != value:
            findings.append(
                VALUE_KEPT(
                    f"{field}: beholdt «{current}», malen «{template.name}» har «{value}».",
                    Location("serie", series.ref, field),
                )
            )
    return dataclasses.replace(series, **changes), findings  # type: ignore[arg-type]
