"""Records of the settlement tests' own in the shared demo clinic, and Helfo's sending set up.

:func:`seed` makes patients of the demo's first practitioner, each with one attended FBV day
(a week ago), by prefix: ``("Nettleser", ["Feilsen", "Riktigsen"])`` gives PWD1 with an invalid
national id and a series without its NPR debtor, PWD2 clean. :func:`certificate` gives the demo
practice message folders and a TEST certificate whose password is :data:`SECRET`."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Download, Page, expect

from oppgjor.app.helfo import exchange
from oppgjor.app.helfo import settlements as st
from oppgjor.clinic.domain.model import Appointment, AppointmentStatus, IdType, Patient, TariffLine
from oppgjor.core.ids import national_id
from oppgjor.helfo.adapters import signing
from oppgjor.helfo.domain.model import SettlementType
from oppgjor.store import Database

BROKEN, CLEAN = "Nettleser Feilsen", "Nettleser Riktigsen"
SECRET = "nettleser-sertifikat-7"


# a patient: (name, faults); a fault is "id" (a national id whose check digits are wrong) or
# "debtor" (the series lacks its NPR debtor)
Person = tuple[str, frozenset[str]]
DRAFT_PEOPLE: tuple[Person, ...] = ((BROKEN, frozenset({"id", "debtor"})), (CLEAN, frozenset()))


def seed(db: Database, key: str = "WD", people: tuple[Person, ...] = DRAFT_PEOPLE) -> None:
    """Patients P{key}1…, their series S{key}n and one attended FBV day each (appointments
    A{key}n, a week ago), once per database."""
    day = datetime.datetime.combine(datetime.date.today(), datetime.time(16, 0))
    day -= datetime.timedelta(days=7)
    with db.transaction() as repos:
        if repos.patients([f"P{key}1"]):
            return
        template = repos.series()[0]
        candidates = list(_valid_ids(100))
        taken = {
            v for _, v in repos.patients_by_identity(candidates + [_broken(c) for c in candidates])
        }
        free = iter([c for c in candidates if c not in taken and _broken(c) not in taken])
        for n, (name, faults) in enumerate(people, start=1):
            first, last = name.split()
            id_value = next(free)
            if "id" in faults:
                id_value = _broken(id_value)
            repos.save_patient(Patient(f"P{key}{n}", IdType.FNR, id_value, first, last))
            series = dataclasses.replace(template, ref=f"S{key}{n}", patient_ref=f"P{key}{n}")
            if "debtor" in faults:
                series = dataclasses.replace(series, npr_debtor=None)
            repos.save_series(series)
        repos.add_appointments(
            [
                Appointment(
                    template.practitioner_ref,
                    f"P{key}{n}",
                    day,
                    day + datetime.timedelta(minutes=45),
                    (TariffLine("FBV01", 1),),
                    "1",
                    f"S{key}{n}",
                    AppointmentStatus.ATTENDED,
                    f"A{key}{n}",
                )
                for n in range(1, len(people) + 1)
            ]
        )


def _broken(number: str) -> str:
    """*number* with its last check digit wrong."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def _valid_ids(start: int) -> Iterator[str]:
    """Synthetic national ids born 17.05.1979, individual number *start* and on."""
    for individual in range(start, 500):
        made = national_id.make(datetime.date(1979, 5, 17), individual, synthetic=True)
        if made:
            yield made


def draft(db: Database) -> int:
    """A new, empty FBV draft (for the tests of what a role may see)."""
    return st.new(db, SettlementType.FBV, actor="test", now=datetime.datetime.now()).id


def certificate(db: Database, folder: Path, now: datetime.datetime) -> Path:
    """Message folders under *folder* and a TEST certificate for the demo practice; returns
    the message folder."""
    with db.reading() as repos:
        practice = repos.get_practice()
    assert practice is not None
    path = folder / "virk-test.p12"
    made = signing.make_test_certificate(practice.org_nr, practice.name, SECRET.encode(),
                                         now=now - datetime.timedelta(days=1))  # fmt: skip
    path.write_bytes(made)
    exchange.set_settings(db, folder=str(folder / "meldinger"), certificate=str(path),
                          secret=SECRET)  # fmt: skip
    return folder / "meldinger"


def book_and_download(page: Page, sid: int) -> Download:
    """Bokfør (accepting the question first) and download the accounting file."""
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Bokfør").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Oppgjør {sid}: bokført")
    with page.expect_download() as info:
        page.get_by_role("link", name="Last ned bokføringsfilen (CSV)").click()
    return info.value
