"""The demo clinic's people and registers: the practice, departments, practitioners,
patients, referrers and the tariff plate (synthetic; see :mod:`oppgjor.app.clinic.demo`)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from decimal import Decimal

from oppgjor.clinic.domain.model import (
    Department,
    IdType,
    Module,
    Patient,
    Practice,
    Practitioner,
    Referrer,
    ReferrerKind,
    Tariff,
)
from oppgjor.core.ids import account, national_id, orgnr
from oppgjor.core.money import nok

DEMO_SOURCE = "DEMO: syntetisk takstplakat i oppgjor, ikke offisielle beløp"
FIRST = [
    "Ola", "Kari", "Per", "Anne", "Nils", "Ingrid", "Lars", "Sigrid", "Jon", "Marit", "Erik",
    "Hilde", "Knut", "Liv", "Arne", "Tone", "Odd", "Randi", "Geir", "Berit",
]  # fmt: skip
LAST = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
]  # fmt: skip
# (ref, name, profession, hpr, modules, department, tariff codes used)
PRACTITIONERS = [
    ("B01", "Dr. Demo Rehab", "LE", True, "settlement planner", "D1", ["FBV01", "LE2"]),
    ("B02", "Fysio Demo", "FY", True, "settlement planner", "D1", ["FBV01", "A2a"]),
    ("B03", "Psykolog Demo", "PS", True, "settlement planner", "D2", ["201b"]),
    ("B04", "Kiropraktor Demo", "KI", True, "settlement planner", "D2", ["K1"]),
    ("B05", "Sykepleier Demo", "SP", True, "settlement planner", "D1", ["FBV01"]),
    ("B06", "Naprapat Demo", "NA", False, "planner", "D2", []),
]
# (code, specialty, text, fee, refund, copayment, max per patient per day)
PLATE = [
    ("FBV01", "FBV", "Dagbehandling rehabilitering", "2850", "2850", "0", 1),
    ("LE2", "LE", "Konsultasjon hos spesialist", "455", "212", "243", None),
    ("A2a", "FY", "Individuell behandling", "420", "230", "190", None),
    ("201b", "PS", "Psykologkonsultasjon", "1090", "690", "400", None),
    ("K1", "KI", "Kiropraktorbehandling", "395", "180", "215", None),
]


def _number(rng: random.Random, digits: int, lead: str, valid: Callable[[str], bool]) -> str:
    while True:
        candidate = lead + "".join(str(rng.randrange(10)) for _ in range(digits - len(lead)))
        if valid(candidate):
            return candidate


def build_plate(start: datetime.date) -> list[Tariff]:
    """Two periods per code: one from a year before the demo starts, one (about 3 % higher)
    from the demo's middle month, to show that the plate answers by date."""
    first = datetime.date(start.year - 1, 1, 1)
    second = (start + datetime.timedelta(days=40)).replace(day=1)
    tariffs = []
    for code, specialty, text, fee, refund, copay, limit in PLATE:
        for valid_from, factor in ((first, Decimal("1")), (second, Decimal("1.03"))):
            tariffs.append(
                Tariff(
                    code,
                    specialty,
                    f"{text} (DEMO-beløp)",
                    nok(Decimal(fee) * factor),
                    nok(Decimal(refund) * factor),
                    nok(Decimal(copay) * factor),
                    valid_from,
                    None,
                    limit,
                    DEMO_SOURCE,
                )
            )
    return tariffs


def build_patients(rng: random.Random, count: int, today: datetime.date) -> list[Patient]:
    patients: list[Patient] = []
    used: set[str] = set()
    while len(patients) < count:
        born = today - datetime.timedelta(days=rng.randrange(18 * 365, 85 * 365))
        number = national_id.make(born, rng.randrange(0, 500), synthetic=True)
        if number is None or number in used:
            continue
        used.add(number)
        sex = "1" if int(number[8]) % 2 else "2"
        patients.append(
            Patient(
                f"P{len(patients) + 1:04d}",
                IdType.FNR,
                number,
                rng.choice(FIRST),
                rng.choice(LAST),
                born,
                sex,
            )
        )
    return patients


def build_referrers(rng: random.Random) -> list[Referrer]:
    def org() -> str:
        return _number(rng, 9, "9", orgnr.is_valid)

    referrers = [
        Referrer(f"K{n:02d}", f"{name} (DEMO)", ReferrerKind.ORGANISATION, org(), None, None, cat)
        for n, (name, cat) in enumerate(
            [
                ("Fjellby legesenter", "Fastlege"),
                ("Sjøvik legekontor", "Fastlege"),
                ("Dalen helsesenter", "Fastlege"),
                ("Fjellby sykehus, ortopedisk avd.", "Sykehus"),
                ("Sjøvik sykehus, nevrologisk avd.", "Sykehus"),
                ("Regional vurderingsenhet FBV", "Rettighetsvurdering"),
                ("Helseforetaket Vest, vurderingsenhet", "Rettighetsvurdering"),
            ],
            start=1,
        )
    ]
    referrers.append(
        Referrer("K08", "Dr. Henvis Demo", ReferrerKind.PERSON, org(), "7012345", None, "Lege")
    )
    referrers.append(Referrer("K09", "Privat henviser uten org.nr (DEMO)", category="Annet"))
    return referrers


def build_clinic(rng: random.Random) -> tuple[Practice, list[Department], list[Practitioner]]:
    practice = Practice(
        name="Demoklinikken Rehab AS (DEMO)",
        org_nr=_number(rng, 9, "9", orgnr.is_valid),
        her_id=str(rng.randrange(100000, 9999999)),
        resh_id=str(rng.randrange(100000, 999999)),
        account_number=_number(rng, 11, "1", account.is_valid),
        practice_type="FRBE",
        helfo_practice_id=str(rng.randrange(1000000, 9999999)),
        contact_email="oppgjor@demoklinikken.example",
    )
    departments = [
        Department(
            "D1",
            "Dagrehabilitering (DEMO)",
            practice.org_nr,
            practice.her_id,
            practice.resh_id,
            True,
            practice.contact_email,
        ),
        Department("D2", "Poliklinikk (DEMO)", practice.org_nr, None, None, False, None),
    ]
    practitioners = [
        Practitioner(
            ref,
            name,
            prof,
            str(rng.randrange(1000000, 9999999)) if hpr else None,
            frozenset(Module(m) for m in modules.split()),
            dept,
        )
        for ref, name, prof, hpr, modules, dept, _ in PRACTITIONERS
    ]
    return practice, departments, practitioners
