"""Bulk import of appointments: what the fast paths (driver-level insert on SQLite, one pass
over the stored refs, remembered tariff look-ups) store and find is what the plain paths do."""

import datetime

import pytest

from oppgjor.app.clinic import records
from oppgjor.app.errors import Rejected
from oppgjor.clinic.domain.model import AppointmentStatus, TariffLine

HEADER = "ref,practitioner_ref,patient_ref,start,end,lines,status\n"
START = datetime.datetime(2026, 1, 5, 8)


@pytest.fixture
def clinic(db):
    records.import_text(db, "practitioners", "ref,name,profession,hpr_number\nB1,Fysio,FY,1001\n")
    records.import_text(db, "patients", "ref,id_type,id_value,first_name,last_name,birth_date,sex\n"
                        "P1,DUF,198001011234,Kari,Nordmann,1980-01-01,2\n")  # fmt: skip
    plate = "code,specialty,text,fee,refund,copayment,valid_from,max_per_patient_day\n"
    plate += "A2a,FY,Beh,420,230,190,2025-01-01,\nA3,FY,Beh,420,230,190,2025-01-01,2\n"
    records.import_text(db, "tariffs", plate)
    return db


def _rows(count, first=0):
    lines = []
    for n in range(first, first + count):
        start = START + datetime.timedelta(hours=n)
        end = start + datetime.timedelta(minutes=45, seconds=n % 2)
        lines.append(
            f"A{n},B1,P1,{start:%Y-%m-%d %H:%M},{end:%Y-%m-%d %H:%M:%S},A2a*2 A2a,attended"
        )
    return HEADER + "\n".join(lines) + "\n"


def test_imported_appointments_read_back_as_written(clinic):
    assert records.import_text(clinic, "appointments", _rows(30)).created == 30
    stored = records.list_records(clinic, "appointments")
    assert [a.ref for a in stored] == [f"A{n}" for n in range(30)]
    last = stored[-1]
    assert last.start == START + datetime.timedelta(hours=29)
    assert last.end == last.start + datetime.timedelta(minutes=45, seconds=1)
    assert last.lines == (TariffLine("A2a", 2), TariffLine("A2a", 1))
    assert last.status is AppointmentStatus.ATTENDED
    with clinic.transaction() as repos:
        window = repos.appointments(start=START, end=START + datetime.timedelta(hours=2))
    assert [a.ref for a in window] == ["A0", "A1"]


def test_stored_refs_are_found_with_few_or_many_stored(clinic):
    records.import_text(clinic, "appointments", _rows(30))
    with clinic.transaction() as repos:
        assert repos.appointment_refs({"A1", "A29", "X"}) == {"A1", "A29"}  # bound parameters
        asked = {f"A{n}" for n in range(25, 40)}
        assert repos.appointment_refs(asked) == {f"A{n}" for n in range(25, 30)}  # one pass
    with pytest.raises(Rejected) as exc:
        records.import_text(clinic, "appointments", _rows(3, first=28))
    found = [(f.code, f.location) for f in exc.value.findings if f.blocking]
    assert found == [("IMPORT_DUPLICATE", "rad 2.ref"), ("IMPORT_DUPLICATE", "rad 3.ref")]


def test_daily_limit_counts_every_line_with_the_remembered_tariff(clinic):
    day = "2026-02-02"
    text = HEADER + f"X1,B1,P1,{day} 08:00,{day} 08:45,A3,attended\n"
    text += f"X2,B1,P1,{day} 09:00,{day} 09:45,A3 A2a,attended\n"
    text += f"X3,B1,P1,{day} 10:00,{day} 10:45,A3,attended\n"
    with pytest.raises(Rejected) as exc:
        records.import_text(clinic, "appointments", text)
    assert [(f.code, f.location) for f in exc.value.findings] == [
        ("PLANNER_DAILY_LIMIT", "rad 4.linje.A3")
    ]
