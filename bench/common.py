"""Shared set-up for the benchmarks: a clinic with many practitioners and patients."""

from __future__ import annotations

import datetime
import random

from oppgjor.app import installation
from oppgjor.app.clinic import records
from oppgjor.app.clinic.demo_records import build_patients
from oppgjor.clinic.domain.model import Practitioner
from oppgjor.store import Database

START = datetime.date(2026, 1, 5)


def seed_clinic(db: Database, practitioners: int, patients: int) -> None:
    installation.set_test_installation(db, True)
    staff = [(f"p{n}", Practitioner(f"B{n:03d}", f"Behandler {n}", "FY", str(1000000 + n)))
             for n in range(practitioners)]  # fmt: skip
    records.apply(db, "practitioners", staff)
    people = build_patients(random.Random(1), patients, START)
    records.apply(db, "patients", [(p.ref, p) for p in people])
    plate = (
        "code,specialty,text,fee,refund,copayment,valid_from\nA2a,FY,Beh,420,230,190,2025-01-01\n"
    )
    records.import_text(db, "tariffs", plate)


def appointment_rows(count: int, practitioners: int, patients: int) -> list[str]:
    """*count* non-overlapping appointments: 8 a day per practitioner, workdays only."""
    rows = []
    rng = random.Random(2)
    day, n = START, 0
    while n < count:
        if day.weekday() < 5:
            for p in range(practitioners):
                for slot in range(8):
                    if n == count:
                        break
                    start = datetime.datetime.combine(day, datetime.time(8 + slot))
                    end = start + datetime.timedelta(minutes=45)
                    patient = f"P{rng.randrange(1, patients + 1):04d}"
                    rows.append(f"A{n},B{p:03d},{patient},{start:%Y-%m-%d %H:%M},"
                                f"{end:%Y-%m-%d %H:%M},A2a,attended")  # fmt: skip
                    n += 1
        day += datetime.timedelta(days=1)
    return rows


HEADER = "ref,practitioner_ref,patient_ref,start,end,lines,status"
