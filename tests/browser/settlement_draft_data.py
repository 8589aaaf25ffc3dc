"""This module's own records in the shared demo clinic: two patients of the demo's first
practitioner, each with one attended FBV day, one of them with an invalid national id and a
series without its NPR debtor (two blocking findings), the other clean."""

from __future__ import annotations

import dataclasses
import datetime

from oppgjor.app.helfo import settlements as st
from oppgjor.clinic.domain.model import Appointment, AppointmentStatus, IdType, Patient, TariffLine
from oppgjor.core.ids import national_id
from oppgjor.helfo.domain.model import SettlementType
from oppgjor.store import Database

BROKEN, CLEAN = "Nettleser Feilsen", "Nettleser Riktigsen"


def seed(db: Database) -> None:
    """The two patients, series and appointments (a week ago), once per database."""
    day = datetime.datetime.combine(datetime.date.today(), datetime.time(16, 0))
    day -= datetime.timedelta(days=7)
    with db.transaction() as repos:
        if repos.patients(["PWD1"]):
            return
        template = repos.series()[0]
        good = national_id.make(datetime.date(1979, 5, 17), 212, synthetic=True) or ""
        for n, (first, last), id_value in (
            (1, BROKEN.split(), "15916400185"),  # the check digits are wrong
            (2, CLEAN.split(), good),
        ):
            repos.save_patient(Patient(f"PWD{n}", IdType.FNR, id_value, first, last))
            series = dataclasses.replace(template, ref=f"SWD{n}", patient_ref=f"PWD{n}")
            if n == 1:
                series = dataclasses.replace(series, npr_debtor=None)
            repos.save_series(series)
        repos.add_appointments(
            [
                Appointment(
                    template.practitioner_ref,
                    f"PWD{n}",
                    day,
                    day + datetime.timedelta(minutes=45),
                    (TariffLine("FBV01", 1),),
                    "1",
                    f"SWD{n}",
                    AppointmentStatus.ATTENDED,
                    f"AWD{n}",
                )
                for n in (1, 2)
            ]
        )


def draft(db: Database) -> int:
    """A new, empty FBV draft (for the tests of what a role may see)."""
    return st.new(db, SettlementType.FBV, actor="test", now=datetime.datetime.now()).id
