"""Imports reject bad files with findings, never tracebacks (issue 11 §3): each defect found by
feeding malformed files to the imports is refused with a finding naming the row, the field and
the value (national ids masked), and nothing is written. On SQLite and PostgreSQL."""

import datetime
import json

import pytest

from integration.test_record_kinds import FNR, SAMPLES
from oppgjor.app import installation
from oppgjor.app.clinic import records
from oppgjor.app.clinic.kinds import KINDS
from oppgjor.app.errors import Rejected
from oppgjor.core.findings import Location
from oppgjor.core.ids import national_id
from oppgjor.store.limits import field_limits

PATIENT_HEADER = "ref,id_type,id_value,first_name,last_name\n"
TARIFF_HEADER = "code,specialty,text,fee,refund,copayment,valid_from,max_per_patient_day\n"
APPOINTMENT_HEADER = "ref,practitioner_ref,patient_ref,start,end,lines,status\n"
# fields read as a choice from a list: a long value is refused as not one of them
CHOICES = {"id_type", "kind", "status", "diagnosis_system", "modules"}


def _csv(kind, row=None):
    return ",".join(KINDS[kind].rows.columns) + "\n" + (row or SAMPLES[kind]) + "\n"


@pytest.fixture
def clinic(db):
    """One record of every kind (the round-trip samples), on a test installation."""
    installation.set_test_installation(db, True)
    for kind in SAMPLES:
        assert records.import_text(db, kind, _csv(kind)).created == 1, kind
    return db


def snapshot(db):
    return {kind: records.export_text(db, kind, "json") for kind in SAMPLES}


def rejected(db, kind, data, fmt="csv", **options):
    """Import *data* (text or bytes), which must be refused without writing anything; the
    findings."""
    before = snapshot(db)
    with pytest.raises(Rejected) as caught:
        if isinstance(data, bytes):
            records.import_file(db, kind, data, fmt, **options)
        else:
            records.import_text(db, kind, data, fmt)
    assert snapshot(db) == before
    assert caught.value.findings
    return caught.value.findings


def at(findings, location, code=None):
    """The blocking findings at *location* (``rad N.field``, also found inside the record:
    ``rad N.takst[..].field``), with *code* if given."""
    where = Location.parse(location)
    return [
        f
        for f in findings
        if f.blocking
        and (code is None or f.code == code)
        and (f.location == location or (f.where.row, f.where.field) == (where.row, where.field))
    ]


# -- encodings -----------------------------------------------------------------------------


def test_excel_windows_1252_file_is_read_and_the_guess_is_said(db):
    installation.set_test_installation(db, True)
    text = PATIENT_HEADER + f"P1;FNR;{FNR};Kjærsti;Ødegård Åsen\n".replace(";", ",")
    report = records.import_file(db, "patients", text.encode("cp1252"))
    assert report.created == 1
    patient = records.get_record(db, "patients", "P1")
    assert (patient.first_name, patient.last_name) == ("Kjærsti", "Ødegård Åsen")
    [said] = [f for f in report.findings if f.code == "IMPORT_ENCODING_GUESSED"]
    assert "Windows-1252" in said.message and not said.blocking


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_unicode_files_are_read_without_a_guess(db, encoding):
    installation.set_test_installation(db, True)
    text = PATIENT_HEADER + f"P1,FNR,{FNR},Kjærsti,Ødegård\n"
    report = records.import_file(db, "patients", text.encode(encoding))
    assert report.created == 1 and report.findings == []
    assert records.get_record(db, "patients", "P1").last_name == "Ødegård"


def test_a_given_encoding_is_used(db):
    installation.set_test_installation(db, True)
    data = (PATIENT_HEADER + f"P1,FNR,{FNR},Kjærsti,Ødegård\n").encode("latin-1")
    report = records.import_file(db, "patients", data, encoding="latin-1")
    assert report.findings == []
    assert records.get_record(db, "patients", "P1").first_name == "Kjærsti"


def test_a_file_undecodable_in_the_given_encoding_names_line_column_and_value(db):
    data = (PATIENT_HEADER + f"P1,FNR,{FNR},Kjærsti,Ødegård\n").encode("cp1252")
    findings = rejected(db, "patients", data, encoding="utf-8")
    [finding] = at(findings, "rad 2.first_name", "IMPORT_ENCODING_INVALID")
    assert "0xE6" in finding.message and "Kj\ufffdrsti" in finding.message
    assert "--encoding" in finding.message


def test_a_byte_windows_1252_does_not_have_is_refused(db):
    data = (PATIENT_HEADER + f"P1,FNR,{FNR},Kari,Nordmann\n").encode() + b"P2,FNR,1\x81,A,B\n"
    findings = rejected(db, "patients", data)
    [finding] = at(findings, "rad 3.id_value", "IMPORT_ENCODING_INVALID")
    assert "0x81" in finding.message


def test_an_undecodable_national_id_is_shown_masked(db):
    data = PATIENT_HEADER.encode() + f"P1,FNR,{FNR}".encode() + b"\x9d,Kari,Nordmann\n"
    findings = rejected(db, "patients", data)
    assert at(findings, "rad 2.id_value", "IMPORT_ENCODING_INVALID")
    assert all(FNR not in f.message and FNR not in f.location for f in findings)
    assert national_id.mask(FNR) in findings[0].message


def test_an_unknown_encoding_is_a_finding(db):
    findings = rejected(db, "patients", b"ref\nP1\n", encoding="no-such-encoding")
    assert findings[0].code == "IMPORT_ENCODING_INVALID"


# -- what the csv and json modules refuse ----------------------------------------------------


def test_deeply_nested_json_is_a_file_finding(db):
    findings = rejected(db, "patients", "[" * 100_000 + "]" * 100_000, "json")
    assert findings[0].code == "IMPORT_FILE_INVALID" and "nestet" in findings[0].message


def test_a_json_integer_over_4300_digits_is_a_field_finding(clinic):
    row = {"code": "A3", "specialty": "FY", "fee": 420, "valid_from": "2025-01-01"}
    text = json.dumps([row]).replace("420", "9" * 5000)
    findings = rejected(clinic, "tariffs", text, "json")
    [finding] = at(findings, "rad 1.fee", "IMPORT_FIELD_INVALID")
    assert len(finding.message) < 200  # the value is shortened, not repeated whole


def test_a_json_value_that_is_a_list_or_an_object_is_a_field_finding(clinic):
    nested = "[" * 900 + "]" * 900
    text = f'[{{"ref": "K2", "name": {nested}, "category": {{"a": 1}}}}]'
    findings = rejected(clinic, "referrers", text, "json")
    assert at(findings, "rad 1.name", "IMPORT_FIELD_INVALID")
    assert at(findings, "rad 1.category", "IMPORT_FIELD_INVALID")


def test_a_csv_field_over_the_csv_modules_limit_is_a_finding(clinic):
    text = TARIFF_HEADER + "A3,FY," + "x" * 200_000 + ",420,230,190,2025-01-01,\n"
    findings = rejected(clinic, "tariffs", text)
    [finding] = at(findings, "rad 2.text")
    assert "131072" in finding.message and len(finding.message) < 300


@pytest.mark.parametrize(
    "fee", ["1e30", "1E+9999999999", "NaN", "Infinity", "-Infinity", "sNaN", "1.2.3"]
)
def test_amounts_that_are_not_amounts_are_field_findings(clinic, fee):
    findings = rejected(clinic, "tariffs", TARIFF_HEADER + f"A3,FY,x,{fee},0,0,2025-01-01,\n")
    assert at(findings, "rad 2.fee", "IMPORT_FIELD_INVALID")


@pytest.mark.parametrize("literal", ["1e30", "NaN", "Infinity", "-Infinity", "1e9999999999"])
def test_json_numbers_that_are_not_amounts_are_field_findings(clinic, literal):
    text = f'[{{"code": "A3", "specialty": "FY", "fee": {literal}, "valid_from": "2025-01-01"}}]'
    findings = rejected(clinic, "tariffs", text, "json")
    assert at(findings, "rad 1.fee", "IMPORT_FIELD_INVALID")


def test_an_amount_too_large_for_its_column_is_a_finding(clinic):
    findings = rejected(clinic, "tariffs", TARIFF_HEADER + "A3,FY,x,1e20,0,0,2025-01-01,\n")
    [finding] = at(findings, "rad 2.fee", "IMPORT_NUMBER_OUT_OF_RANGE")
    assert "9999999999.99" in finding.message


@pytest.mark.parametrize("limit", ["2147483648", "99999999999999", "0", "-1", "1_0", "٣", "1.5"])
def test_a_daily_maximum_that_does_not_fit_or_is_not_positive_is_a_finding(clinic, limit):
    text = TARIFF_HEADER + f"A3,FY,x,420,230,190,2025-01-01,{limit}\n"
    findings = rejected(clinic, "tariffs", text)
    assert at(findings, "rad 2.max_per_patient_day")


@pytest.mark.parametrize(
    "lines",
    ["A2a*99999999999", "A2a*2147483648", "A2a*1000", "A2a*0", "A2a*-1", "A2a*" + "9" * 5000,
     "A2a*١", "A2a*", "*2"],
)  # fmt: skip
@pytest.mark.parametrize("status", ["attended", "cancelled"])
def test_appointment_quantities_out_of_range_are_findings(clinic, lines, status):
    row = f"A2,B1,P1,2026-01-06 08:00,2026-01-06 08:45,{lines},{status}"
    findings = rejected(clinic, "appointments", APPOINTMENT_HEADER + row + "\n")
    [finding] = at(findings, "rad 2.lines", "IMPORT_FIELD_INVALID")
    assert "antall 1–999" in finding.message


@pytest.mark.parametrize("start", ["0001-01-01 08:00", "9999-12-31 23:00", "1799-12-31 08:00"])
def test_appointment_times_in_impossible_years_are_findings(clinic, start):
    row = f"A2,B1,P1,{start},2026-01-06 08:45,A2a,attended"
    findings = rejected(clinic, "appointments", APPOINTMENT_HEADER + row + "\n")
    assert at(findings, "rad 2.start", "IMPORT_FIELD_INVALID")


# -- values the database would refuse -------------------------------------------------------


def test_every_field_longer_than_its_column_is_a_finding(clinic):
    """The sizes come from the table definitions: each field of each kind, one character
    longer than its column, is refused at that field (a choice as not one of the choices)."""
    checked = 0
    for kind in SAMPLES:
        limits = field_limits(kind)
        columns = list(KINDS[kind].rows.columns)
        for n, column in enumerate(columns):
            limit = limits.get(column) or limits.get(f"{column}.code")
            if limit is None or limit.length is None:
                continue
            cells = SAMPLES[kind].split(",")
            cells[n] = "X" * (limit.length + 1)
            findings = rejected(clinic, kind, _csv(kind, ",".join(cells)))
            code = "IMPORT_FIELD_INVALID" if column in CHOICES else "IMPORT_FIELD_TOO_LONG"
            assert at(findings, f"rad 2.{column}", code), (kind, column, findings)
            checked += 1
    assert checked >= 40  # the walk found the columns


def test_long_values_of_a_single_save_are_findings_too(clinic):
    from oppgjor.clinic.domain.model import Department

    with pytest.raises(Rejected) as caught:
        records.save(clinic, "departments", Department("D9", "N" * 201), mode="create")
    assert at(caught.value.findings, "avdeling[D9].name", "IMPORT_FIELD_TOO_LONG")


@pytest.mark.parametrize("bad", ["\x00", "\x1b[2J", "\x07", "\x7f"])
def test_characters_that_cannot_be_stored_are_findings(clinic, bad):
    findings = rejected(clinic, "patients", PATIENT_HEADER + f"P2,DUF,198001019999,A{bad}B,C\n")
    [finding] = at(findings, "rad 2.first_name", "IMPORT_FIELD_INVALID")
    assert bad not in finding.message


def test_half_a_surrogate_pair_in_json_is_a_finding(clinic):
    text = '[{"ref": "K2", "name": "Fjell\\ud800by"}]'
    findings = rejected(clinic, "referrers", text, "json")
    assert at(findings, "rad 1.name", "IMPORT_FIELD_INVALID")


def test_the_same_national_id_twice_in_a_file_names_the_first_row(db):
    installation.set_test_installation(db, True)
    spaced = f"{FNR[:6]} {FNR[6:]}"  # the same number, written another way
    text = PATIENT_HEADER + f"P1,FNR,{FNR},Kari,Nordmann\nP2,FNR,{spaced},Ola,Nordmann\n"
    findings = rejected(db, "patients", text)
    [finding] = at(findings, "rad 3.id_value", "IMPORT_DUPLICATE")
    assert "rad 2" in finding.message and "P1" in finding.message
    assert national_id.mask(FNR) in finding.message and FNR not in finding.message


def test_the_same_number_under_two_id_types_is_not_a_duplicate(db):
    text = PATIENT_HEADER.replace("\n", ",birth_date,sex,nationality\n")
    text += "P1,DUF,198001011234,Kari,N,1980-01-01,2,\nP2,UID,198001011234,Ola,N,1980-01-01,1,SE\n"
    assert records.import_text(db, "patients", text).created == 2


def test_helfo_open_data_with_values_of_the_wrong_shape_is_refused(clinic):
    row = {"takstkode": "A9", "fagomraade": "FY", "honorar": "__", "fradato": {"dag": 1},
           "takst_id": [1], "beskrivelse": "x"}  # fmt: skip
    text = json.dumps([row]).replace('"__"', "1" + "0" * 5000)
    findings = rejected(clinic, "tariffs", text, "json")
    assert at(findings, "rad 1.valid_from", "IMPORT_FIELD_INVALID")


def test_a_good_file_after_the_fixes_still_imports(clinic):
    """The protections refuse the bad values only: the limits themselves are accepted."""
    start = datetime.datetime(2026, 1, 7, 8)
    row = f"A3,B1,P1,{start:%Y-%m-%d %H:%M},{start:%Y-%m-%d} 08:45,A2a*999,attended"
    limits = field_limits("patients")
    name = "Å" * limits["first_name"].length
    report = records.import_text(clinic, "appointments", APPOINTMENT_HEADER + row + "\n")
    assert report.created == 1
    patient = f"P3,DUF,198001011235,{name},N,1980-01-01,2\n"
    header = PATIENT_HEADER.replace("\n", ",birth_date,sex\n")
    assert records.import_text(clinic, "patients", header + patient).created == 1
