"""The row spec of each kind of record: its columns (with the Norwegian help the CLI shows),
how a row is read into a record, and the record's key in a file."""

from __future__ import annotations

import datetime
from decimal import Decimal

from oppgjor.clinic.adapters.helfo_tariffs import as_tariff_rows
from oppgjor.clinic.adapters.record_files import RowSpec
from oppgjor.clinic.adapters.rows import MAX_QUANTITY, RowReader, format_lines, parse_lines
from oppgjor.clinic.domain.model import (
    STATUS_WORDS,
    Appointment,
    AppointmentStatus,
    Department,
    DiagnosisSystem,
    IdType,
    Module,
    Patient,
    Practitioner,
    Referrer,
    ReferrerKind,
    Tariff,
    TariffLine,
    TreatmentSeries,
)
from oppgjor.core.money import nok


def _department(r: RowReader) -> Department:
    return Department(
        ref=r.req("ref"),
        name=r.req("name"),
        org_nr=r.text("org_nr"),
        her_id=r.text("her_id"),
        resh_id=r.text("resh_id"),
        reports_npr_bkm=bool(r.boolean("reports_npr_bkm")),
        contact_email=r.text("contact_email"),
    )


DEPARTMENTS = RowSpec(
    columns={
        "ref": "Avdelingens nøkkel",
        "name": "Navn",
        "org_nr": "Org.nr",
        "her_id": "HER-id",
        "resh_id": "RESH-id",
        "reports_npr_bkm": "Rapporterer NPR BKM (ja/nei)",
        "contact_email": "E-post for utbetalingsvedtak",
    },
    build=_department,
    key=lambda x: x.ref,
)


def _modules(r: RowReader) -> frozenset[Module]:
    value = r.text("modules")
    if value is None:
        return frozenset({Module.PLANNER})
    found = set()
    for token in value.replace(",", " ").split():
        try:
            found.add(Module(token))
        except ValueError:
            r.bad("modules", token, "ukjent modul (" + ", ".join(m.value for m in Module) + ")")
    return frozenset(found)


def _practitioner(r: RowReader) -> Practitioner:
    active = r.boolean("active")
    return Practitioner(
        ref=r.req("ref"),
        name=r.req("name"),
        profession=r.req("profession"),
        hpr_number=r.text("hpr_number"),
        modules=_modules(r),
        department_ref=r.text("department_ref"),
        active=True if active is None else active,
    )


def _module_names(modules: frozenset[Module]) -> str:
    return " ".join(sorted(m.value for m in modules))


PRACTITIONERS = RowSpec(
    columns={
        "ref": "Behandlerens nøkkel",
        "name": "Navn",
        "profession": "Profesjon (LE, PS, FY, KI, NA, …)",
        "hpr_number": "HPR-nummer",
        "modules": "Moduler: planner settlement isf admin",
        "department_ref": "Avdeling",
        "active": "Aktiv (ja/nei)",
    },
    build=_practitioner,
    key=lambda x: x.ref,
    cells={"modules": _module_names},
)


def _patient(r: RowReader) -> Patient:
    return Patient(
        ref=r.req("ref"),
        id_type=r.choice("id_type", IdType, IdType.FNR),
        id_value=r.req("id_value"),
        first_name=r.req("first_name"),
        last_name=r.req("last_name"),
        birth_date=r.date("birth_date"),
        sex=r.text("sex"),
        nationality=r.text("nationality"),
    )


PATIENTS = RowSpec(
    columns={
        "ref": "Pasientnummer",
        "id_type": "ID-type: FNR DNR HNR PNR UID DUF",
        "id_value": "ID-nummer",
        "first_name": "Fornavn",
        "last_name": "Etternavn",
        "birth_date": "Fødselsdato (ÅÅÅÅ-MM-DD)",
        "sex": "Kjønn: 1 mann, 2 kvinne, 9",
        "nationality": "Nasjonalitet (landkode)",
    },
    build=_patient,
    key=lambda x: x.ref,
)


def _referrer(r: RowReader) -> Referrer:
    return Referrer(
        ref=r.req("ref"),
        name=r.req("name"),
        kind=r.choice("kind", ReferrerKind, ReferrerKind.ORGANISATION),
        org_nr=r.text("org_nr"),
        hpr_number=r.text("hpr_number"),
        her_id=r.text("her_id"),
        category=r.text("category"),
    )


REFERRERS = RowSpec(
    columns={
        "ref": "Kontaktens nøkkel",
        "name": "Navn",
        "kind": "organisation eller person",
        "org_nr": "Org.nr (påkrevd for henvisere i FBV)",
        "hpr_number": "HPR-nummer",
        "her_id": "HER-id",
        "category": "Kategori",
    },
    build=_referrer,
    key=lambda x: x.ref,
)


def _tariff(r: RowReader) -> Tariff:
    return Tariff(
        code=r.req("code"),
        specialty=r.req("specialty"),
        text=r.text("text") or "",
        fee=_zero_if_none(r.money("fee")),
        refund=_zero_if_none(r.money("refund")),
        copayment=_zero_if_none(r.money("copayment")),
        valid_from=r.date("valid_from", required=True) or datetime.date.min,
        valid_to=r.date("valid_to"),
        max_per_patient_day=r.integer("max_per_patient_day"),
        source=r.text("source") or "",
    )


def _zero_if_none(amount: Decimal | None) -> Decimal:
    return nok(0) if amount is None else amount


TARIFFS = RowSpec(
    columns={
        "code": "Takstkode",
        "specialty": "Fagområde (FBV, FY, PS, …)",
        "text": "Tekst",
        "fee": "Honorar",
        "refund": "Refusjon",
        "copayment": "Egenandel",
        "valid_from": "Gyldig fra",
        "valid_to": "Gyldig til",
        "max_per_patient_day": "Maks antall per pasient per dag",
        "source": "Kilde",
    },
    build=_tariff,
    key=lambda x: f"{x.code}/{x.specialty}/{x.valid_from}",
    adapt_json=as_tariff_rows,
)


def _series(r: RowReader) -> TreatmentSeries:
    return TreatmentSeries(
        ref=r.req("ref"),
        patient_ref=r.req("patient_ref"),
        department_ref=r.text("department_ref"),
        practitioner_ref=r.text("practitioner_ref"),
        title=r.text("title"),
        start_date=r.date("start_date"),
        end_date=r.date("end_date"),
        referral_date=r.date("referral_date"),
        referred_from_ref=r.text("referred_from_ref"),
        referrer_category=r.text("referrer_category"),
        diagnosis_system=r.choice("diagnosis_system", DiagnosisSystem),
        diagnosis_code=r.text("diagnosis_code"),
        stay_type=r.text("stay_type"),
        npr_debtor=r.text("npr_debtor"),
        npr_specialty=r.text("npr_specialty"),
        fbv=r.boolean("fbv"),
        fbv_tariff=r.text("fbv_tariff"),
        rights_assessment_date=r.date("rights_assessment_date"),
        assessed_by_ref=r.text("assessed_by_ref"),
        refund_type=r.text("refund_type"),
    )


SERIES = RowSpec(
    columns={
        "ref": "Seriens nøkkel",
        "patient_ref": "Pasient",
        "department_ref": "Avdeling",
        "practitioner_ref": "Ansvarlig behandler",
        "title": "Tittel",
        "start_date": "Startdato",
        "end_date": "Sluttdato",
        "referral_date": "Henvist dato",
        "referred_from_ref": "Henvist fra (kontakt)",
        "referrer_category": "Kategori",
        "diagnosis_system": "ICD10 eller ICPC2",
        "diagnosis_code": "Diagnose",
        "stay_type": "Oppholdstype (2 = dagbehandling)",
        "npr_debtor": "NPR debitor (90 = FBV)",
        "npr_specialty": "NPR fagområde",
        "fbv": "Fritt behandlingsvalg (ja/nei)",
        "fbv_tariff": "FBV-takst",
        "rights_assessment_date": "Dato for rettighetsvurdering",
        "assessed_by_ref": "Vurdert av (kontakt)",
        "refund_type": "Refusjonstype (0 ordinær, 1 frikort)",
    },
    build=_series,
    key=lambda x: x.ref,
)


def _local_time(r: RowReader, name: str) -> datetime.datetime | None:
    """A time of day as the clinic's clock shows it: a time with a zone offset
    (``09:00+01``) is refused, it cannot be compared with the planner's times."""
    value = r.datetime(name)
    if value is not None and value.tzinfo is not None:
        r.bad(name, r.row.get(name) or "", "skriv lokal tid uten tidssone (ÅÅÅÅ-MM-DD TT:MM)")
        return None
    return value


def _appointment(r: RowReader) -> Appointment:
    start, end = _local_time(r, "start"), _local_time(r, "end")
    lines: tuple[TariffLine, ...] = ()
    raw = r.text("lines")
    if raw:
        try:
            lines = parse_lines(raw.replace(";", " "))
        except ValueError:
            r.bad(
                "lines",
                raw,
                f"skriv takstene som «KODE» eller «KODE*antall» (antall 1–{MAX_QUANTITY}), "
                "adskilt med mellomrom eller semikolon",
            )
    return Appointment(
        ref=r.text("ref"),
        practitioner_ref=r.req("practitioner_ref"),
        patient_ref=r.req("patient_ref"),
        start=start or datetime.datetime.min,
        end=end or datetime.datetime.min,
        lines=lines,
        refund_type=r.text("refund_type"),
        series_ref=r.text("series_ref"),
        status=r.choice("status", AppointmentStatus, AppointmentStatus.PLANNED, STATUS_WORDS),
    )


APPOINTMENTS = RowSpec(
    columns={
        "ref": "Avtalens nøkkel (tom: oppgjor gir den en, f.eks. A000123)",
        "practitioner_ref": "Behandler",
        "patient_ref": "Pasient",
        "start": "Start (ÅÅÅÅ-MM-DD TT:MM)",
        "end": "Slutt (ÅÅÅÅ-MM-DD TT:MM)",
        "lines": "Takster, f.eks. «FBV01» eller «A2a*2 LE2» (eller «A2a*2;LE2»)",
        "refund_type": "Refusjonstype",
        "series_ref": "Serie",
        "status": "planlagt, møtt, ikke-møtt, avlyst (eller planned, attended, no_show, cancelled)",
    },
    build=_appointment,
    key=lambda x: x.ref or "",
    cells={"lines": format_lines},
)
