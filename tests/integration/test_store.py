"""The database layer on SQLite and PostgreSQL: migrations, writes in one transaction,
imports that write nothing when a row is bad."""

import dataclasses
import datetime
import os
import random
import stat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event

from oppgjor.app import installation
from oppgjor.app.clinic import actions as clinic_actions
from oppgjor.app.clinic import demo, records
from oppgjor.app.errors import Conflict, Rejected
from oppgjor.app.helfo import views
from oppgjor.clinic.domain.model import Department, IdType, Patient, Practice
from oppgjor.store import Database, tables

PRACTITIONERS_CSV = """ref;name;profession;hpr_number;modules
B1;Lege Demo;LE;1234567;planner settlement
B2;Fysio Demo;FY;;planner
B3;Naprapat;NA;;planner
B4;Ukjent;XX;12a;planner
"""


def test_migrations_match_the_table_definitions(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    assert [d for d in diff if d[0] != "modify_type"] == []


def test_records_round_trip_and_create_conflicts(db):
    clinic_actions.save_practice(db, Practice("Klinikk", "889640782", account_number="86011117947"))
    assert clinic_actions.get_practice(db).org_nr == "889640782"
    records.save(db, "departments", Department("D1", "Avdeling", her_id="79768"))
    with pytest.raises(Conflict):
        records.save(db, "departments", Department("D1", "Igjen"))
    records.save(db, "departments", Department("D1", "Nytt navn"), mode="update")
    assert [d.name for d in records.list_records(db, "departments")] == ["Nytt navn"]


def test_import_with_bad_rows_lists_all_and_writes_nothing(db):
    with pytest.raises(Rejected) as exc:
        records.import_text(db, "practitioners", PRACTITIONERS_CSV)
    locations = sorted({f.location.split(".")[0] for f in exc.value.findings})
    assert locations == ["rad 3", "rad 5"]
    assert {f.code for f in exc.value.findings} == {
        "HPR_REQUIRED", "CODE_UNKNOWN", "HPR_INVALID", "PRACTITIONER_NO_SETTLEMENT"
    }  # fmt: skip
    assert records.list_records(db, "practitioners") == []
    good = "\n".join(
        line for line in PRACTITIONERS_CSV.splitlines() if line[:2] not in ("B2", "B4")
    )
    report = records.import_text(db, "practitioners", good + "\n")
    assert report.created == 2
    assert {p.ref for p in records.list_records(db, "practitioners")} == {"B1", "B3"}


def test_tariff_reimport_adds_a_year_and_keeps_history(db):
    plate = (
        "code,specialty,text,fee,refund,copayment,valid_from\nA2a,FY,Beh,420,230,190,2025-01-01\n"
    )
    assert records.import_text(db, "tariffs", plate).created == 1
    again = records.import_text(db, "tariffs", plate + "A2a,FY,Beh,440,240,200,2026-01-01\n")
    assert (again.created, again.unchanged) == (1, 1)
    with pytest.raises(Rejected):
        records.import_text(db, "tariffs", plate.replace("420", "999"))
    fees = [t.fee for t in records.list_records(db, "tariffs")]
    assert [str(f) for f in fees] == ["420.00", "440.00"]


def test_helfo_open_data_json_import(db):
    text = (
        '[{"takst_id": 1, "takstkode": "201b", "fagomraade": "PS",'
        ' "fradato": "2024-07-01T00:00:00", "tildato": null, "honorar": 1090.50,'
        ' "refusjon": 690, "egenandel": 400.5,'
        ' "beskrivelse": "Konsultasjon"}]'
    )
    assert records.import_text(db, "tariffs", text, "json").created == 1
    (t,) = records.list_records(db, "tariffs")
    assert (t.code, str(t.fee), str(t.copayment), t.valid_from) == (
        "201b", "1090.50", "400.50", datetime.date(2024, 7, 1))  # fmt: skip
    with pytest.raises(Rejected):
        records.import_text(db, "tariffs", "{not json", "json")


def test_demo_seed_is_complete_and_deterministic(db):
    start = datetime.date(2026, 8, 1)
    now = datetime.datetime(2026, 9, 15, 12, 0)
    summary = demo.seed(db, 7, start, now)
    counts = clinic_actions.counts(db)
    assert counts["pasienter"] == 300 and counts["serier"] == 80 and counts["behandlere"] == 6
    assert 2800 <= counts["avtaler"] <= 3200
    assert installation.is_test_installation(db)
    # the one deliberate defect: series S005 lacks its rights assessment date
    blocking = [f for r in summary.reports for f in r.findings if f.blocking]
    assert [(f.code, "S005" in f.location) for f in blocking] == [("SERIES_FBV_FIELD", True)]
    tabs = {tab: views.settlements(db, tab) for tab in ("draft", "submitted", "booked")}
    assert [s.type.value for s in tabs["booked"]] == ["NPR BKM FBV"]
    assert sorted(s.type.value for s in tabs["draft"]) == ["BKM", "NPR BKM FBV"]
    booked = tabs["booked"][0]
    assert booked.payout_amount == booked.total and booked.count > 100
    series, appointments = clinic_actions.patient_overview(db, series_patient(db))
    assert series and all(a.patient_ref == series[0].patient_ref for a in appointments)
    first = demo.build_patients(random.Random(7), 5, start)
    assert first == demo.build_patients(random.Random(7), 5, start)
    assert first != demo.build_patients(random.Random(8), 5, start)


def series_patient(db):
    return records.list_records(db, "series")[0].patient_ref


def test_appointment_entry_rules_reject_and_write_nothing(db):
    demo.seed(db, 3, datetime.date(2026, 8, 1), datetime.datetime(2026, 9, 1))
    fbv = next(s for s in records.list_records(db, "series") if s.fbv)
    day = datetime.date(2026, 12, 7)
    rows = (
        "practitioner_ref,patient_ref,start,end,lines,series_ref\n"
        f"B01,{fbv.patient_ref},{day} 18:00,{day} 18:30,FBV01,{fbv.ref}\n"
        f"B02,{fbv.patient_ref},{day} 19:00,{day} 19:30,FBV01,{fbv.ref}\n"
    )
    before = clinic_actions.counts(db)["avtaler"]
    with pytest.raises(Rejected) as exc:
        records.import_text(db, "appointments", rows)
    assert [f.code for f in exc.value.findings] == ["PLANNER_DAILY_LIMIT"]
    assert clinic_actions.counts(db)["avtaler"] == before
    first_only = "\n".join(rows.splitlines()[:2]) + "\n"
    assert records.import_text(db, "appointments", first_only).created == 1


def test_a_national_id_held_by_another_patient_is_refused_in_one_query(db):
    installation.set_test_installation(db, True)
    kari = Patient("P1", IdType.FNR, "15916400184", "Kari", "Nordmann")
    records.save(db, "patients", kari)
    records.save(db, "patients", dataclasses.replace(kari, last_name="Hansen"), mode="update")
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    twins = [(f"rad {n}", dataclasses.replace(kari, ref=f"P{n}")) for n in range(2, 40)]
    with pytest.raises(Rejected) as exc:
        records.apply(db, "patients", twins)
    codes = {(f.code, f.location.split(".")[0]) for f in exc.value.findings}
    assert ("PATIENT_DUPLICATE_IDENTITY", "rad 2") in codes
    assert ("PATIENT_DUPLICATE_IDENTITY", "rad 39") in codes
    assert sum("id_value" in s and "patient" in s for s in statements) == 1
    assert [p.ref for p in records.list_records(db, "patients")] == ["P1"]


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path):

    old = os.umask(0o022)  # the usual umask: files world-readable by default
    try:
        path = tmp_path / "ny" / "oppgjor.db"
        db = Database(f"sqlite:///{path}")
        with db.transaction() as repos:
            repos.set_setting("x", "y")
        db.dispose()
    finally:
        os.umask(old)
    for made in path.parent.iterdir():
        assert stat.S_IMODE(made.stat().st_mode) & 0o077 == 0, made.name
