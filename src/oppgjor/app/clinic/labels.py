"""The words a clinic user reads for record fields, coded values and severities (bokmål),
shared by the command line and the web pages; JSON keeps the English names."""

from __future__ import annotations

# the severities as a person reads them (JSON keeps the English codes)
SEVERITY_LABELS = {"BLOCKING": "BLOKKERENDE", "WARNING": "ADVARSEL", "INFO": "INFO"}

# Norwegian labels of record fields in human output (JSON keeps the English field names)
FIELD_LABELS: dict[str, str] = {
    "ref": "nøkkel",
    "name": "navn",
    "org_nr": "org.nr",
    "her_id": "HER-id",
    "resh_id": "RESH-id",
    "reports_npr_bkm": "NPR BKM",
    "contact_email": "e-post",
    "account_number": "kontonummer",
    "practice_type": "praksistype",
    "helfo_practice_id": "Helfo-praksis-id",
    "profession": "profesjon",
    "hpr_number": "HPR-nr",
    "modules": "moduler",
    "department_ref": "avdeling",
    "active": "aktiv",
    "id_type": "ID-type",
    "id_value": "ID-nummer",
    "first_name": "fornavn",
    "last_name": "etternavn",
    "birth_date": "født",
    "sex": "kjønn",
    "nationality": "nasjonalitet",
    "kind": "type",
    "category": "kategori",
    "code": "takst",
    "specialty": "fag",
    "text": "tekst",
    "fee": "honorar",
    "refund": "refusjon",
    "copayment": "egenandel",
    "valid_from": "gyldig fra",
    "valid_to": "gyldig til",
    "max_per_patient_day": "maks per dag",
    "source": "kilde",
    "patient_ref": "pasient",
    "practitioner_ref": "behandler",
    "title": "tittel",
    "start_date": "startdato",
    "end_date": "sluttdato",
    "referral_date": "henvist dato",
    "referred_from_ref": "henvist fra",
    "referrer_category": "henviserkategori",
    "diagnosis_system": "diagnosesystem",
    "diagnosis_code": "diagnose",
    "stay_type": "oppholdstype",
    "npr_debtor": "NPR-debitor",
    "npr_specialty": "NPR-fagområde",
    "fbv": "FBV",
    "fbv_tariff": "FBV-takst",
    "rights_assessment_date": "rettighetsvurdert",
    "assessed_by_ref": "vurdert av",
    "refund_type": "refusjonstype",
    "start": "start",
    "end": "slutt",
    "lines": "takster",
    "series_ref": "serie",
    "status": "status",
    "values": "verdier",
}

# how a field's value is shown to a person: a date as 31.12.2026, an amount as 2 935,50
DATE_FIELDS = frozenset(
    {"birth_date", "valid_from", "valid_to", "start_date", "end_date", "referral_date",
     "rights_assessment_date"}
)  # fmt: skip
TIME_FIELDS = frozenset({"start", "end"})
AMOUNT_FIELDS = frozenset({"fee", "refund", "copayment"})
# the fields whose values may be long running text: these wrap, the others never do
PROSE_FIELDS = frozenset(
    {"name", "text", "title", "first_name", "last_name", "contact_email", "modules", "source",
     "category", "lines"}
)  # fmt: skip
# coded values shown in words
VALUE_LABELS: dict[str, dict[str, str]] = {
    "status": {"planned": "planlagt", "attended": "møtt", "no_show": "ikke møtt",
               "cancelled": "avlyst"},
    "kind": {"organisation": "organisasjon", "person": "person"},
}  # fmt: skip
