"""Validation of the clinic's master records. Each check returns the record with its
identifiers normalised, and the findings; BLOCKING findings mean the record is not saved."""

from __future__ import annotations

import dataclasses
import datetime

from oppgjor.clinic.domain import findings as F
from oppgjor.clinic.domain.checks import Checker
from oppgjor.clinic.domain.model import (
    Department,
    IdType,
    Patient,
    Practice,
    Practitioner,
    Referrer,
    ReferrerKind,
)
from oppgjor.core import codes
from oppgjor.core.findings import Finding
from oppgjor.core.ids import InvalidIdentifier, account, herid, hpr, national_id, orgnr, resh


def check_practice(practice: Practice) -> tuple[Practice, list[Finding]]:
    c = Checker("praksis")
    c.required("name", practice.name, "Navn")
    if c.required("org_nr", practice.org_nr, "Organisasjonsnummer"):
        org = c.ident("org_nr", practice.org_nr, orgnr.validate, F.ORGNR_INVALID)
    else:
        org = practice.org_nr
    c.code("practice_type", practice.practice_type, "kuhr_praksistyper.csv", "Praksistype")
    checked = dataclasses.replace(
        practice,
        org_nr=org or "",
        her_id=c.ident("her_id", practice.her_id, herid.validate, F.HER_ID_INVALID),
        resh_id=c.ident("resh_id", practice.resh_id, resh.validate, F.RESH_ID_INVALID),
        account_number=c.ident(
            "account_number", practice.account_number, account.validate, F.ACCOUNT_INVALID
        ),
        contact_email=c.email("contact_email", practice.contact_email),
    )
    return checked, c.findings


def check_department(department: Department) -> tuple[Department, list[Finding]]:
    c = Checker("avdeling", department.ref)
    c.required("ref", department.ref, "Avdelingsnummer")
    c.required("name", department.name, "Navn")
    checked = dataclasses.replace(
        department,
        org_nr=c.ident("org_nr", department.org_nr, orgnr.validate, F.ORGNR_INVALID),
        her_id=c.ident("her_id", department.her_id, herid.validate, F.HER_ID_INVALID),
        resh_id=c.ident("resh_id", department.resh_id, resh.validate, F.RESH_ID_INVALID),
        contact_email=c.email("contact_email", department.contact_email),
    )
    return checked, c.findings


def hpr_required(profession: str) -> bool:
    row = codes.professions().get(profession)
    return row is None or row["hpr_required"] == "yes"


def check_practitioner(practitioner: Practitioner) -> tuple[Practitioner, list[Finding]]:
    c = Checker("behandler", practitioner.ref)
    c.required("ref", practitioner.ref, "Behandlernummer")
    c.required("name", practitioner.name, "Navn")
    if c.required("profession", practitioner.profession, "Profesjon"):
        c.code("profession", practitioner.profession, "professions.csv", "Profesjon")
    number = c.ident("hpr_number", practitioner.hpr_number, hpr.validate, F.HPR_INVALID)
    if number is None and practitioner.profession and hpr_required(practitioner.profession):
        label = codes.text_of("professions.csv", practitioner.profession) or "Profesjonen"
        c.add(
            F.HPR_REQUIRED,
            "hpr_number",
            f"{label} er en autorisert profesjon; fyll ut HPR-nummeret.",
        )
    return dataclasses.replace(practitioner, hpr_number=number), c.findings


def check_patient(
    patient: Patient, *, allow_synthetic: bool, today: datetime.date | None = None
) -> tuple[Patient, list[Finding]]:
    c = Checker("pasient", patient.ref)
    c.required("ref", patient.ref, "Pasientnummer")
    c.required("first_name", patient.first_name, "Fornavn")
    c.required("last_name", patient.last_name, "Etternavn")
    c.code("sex", patient.sex, "sex_3101.csv", "Kjønn")
    if not c.required("id_value", patient.id_value, "ID-nummer"):
        return patient, c.findings
    if patient.id_type.checked:
        return _check_national_id(c, patient, allow_synthetic, today)
    c.required("birth_date", patient.birth_date, "Fødselsdato (påkrevd uten norsk ID-nummer)")
    c.required("sex", patient.sex, "Kjønn (påkrevd uten norsk ID-nummer)")
    if patient.id_type in (IdType.PNR, IdType.UID) and not patient.nationality:
        c.add(F.NATIONALITY_MISSING, "nationality", "Fyll ut nasjonalitet (landkode, f.eks. SE).")
    return dataclasses.replace(patient, id_value=patient.id_value.strip()), c.findings


def _check_national_id(
    c: Checker, patient: Patient, allow_synthetic: bool, today: datetime.date | None
) -> tuple[Patient, list[Finding]]:
    try:
        value = national_id.validate(patient.id_value, allow_synthetic=allow_synthetic, today=today)
    except InvalidIdentifier as exc:
        c.add(F.NATIONAL_ID_INVALID, "id_value", f"{exc}.")
        return patient, c.findings
    kind = national_id.kind(value)
    if kind.value != patient.id_type.value:
        c.add(
            F.NATIONAL_ID_TYPE_MISMATCH,
            "id_type",
            f"{national_id.mask(value)} er et {national_id.LABELS[kind]}, men ID-typen er "
            f"{patient.id_type.value}. Velg {kind.value}.",
        )
    born = national_id.birth_date(value)
    if patient.birth_date and patient.birth_date != born:
        c.add(
            F.BIRTH_DATE_MISMATCH,
            "birth_date",
            f"Fødselsdato {patient.birth_date:%d.%m.%Y} stemmer ikke med ID-nummeret; "
            f"bruker {born:%d.%m.%Y}.",
        )
    return dataclasses.replace(patient, id_value=value, birth_date=born), c.findings


def check_referrer(referrer: Referrer) -> tuple[Referrer, list[Finding]]:
    c = Checker("kontakt", referrer.ref)
    c.required("ref", referrer.ref, "Kontaktnummer")
    c.required("name", referrer.name, "Navn")
    org = c.ident("org_nr", referrer.org_nr, orgnr.validate, F.ORGNR_INVALID)
    if org is None:
        c.add(
            F.REFERRER_ORGNR_MISSING,
            "org_nr",
            f"{referrer.name or referrer.ref} mangler org.nr; fyll det ut for å kunne bruke "
            "kontakten som henviser.",
        )
    number = c.ident("hpr_number", referrer.hpr_number, hpr.validate, F.HPR_INVALID)
    if referrer.kind is ReferrerKind.PERSON and number is None:
        c.add(F.REFERRER_HPR_MISSING, "hpr_number", "Fyll ut HPR-nummeret til personen.")
    checked = dataclasses.replace(
        referrer,
        org_nr=org,
        hpr_number=number,
        her_id=c.ident("her_id", referrer.her_id, herid.validate, F.HER_ID_INVALID),
    )
    return checked, c.findings
