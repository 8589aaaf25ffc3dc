"""A synthetic demo clinic, created deterministically from a seed.

Everything here is invented: identities are synthetic test numbers (month + 80), org.nr and
account numbers are generated with valid check digits but belong to no one, and the tariff
plate carries demo amounts (marked «DEMO») because real FBV amounts are not public here.
The same seed and start date always give the same clinic.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from oppgjor.app import installation
from oppgjor.app.clinic.actions import save_practice
from oppgjor.app.clinic.records import Report, apply_in
from oppgjor.clinic.domain.model import (
    Appointment,
    AppointmentStatus,
    Department,
    DiagnosisSystem,
    IdType,
    Module,
    Patient,
    Practice,
    Practitioner,
    Referrer,
    ReferrerKind,
    SeriesTemplate,
    Tariff,
    TariffLine,
    TreatmentSeries,
)
from oppgjor.clinic.domain.templates import template_from_series
from oppgjor.core.ids import account, national_id, orgnr
from oppgjor.core.money import nok
from oppgjor.store import Database

DEMO_SOURCE = "DEMO: syntetisk takstplakat i oppgjor, ikke offisielle beløp"
FIRST = [
    "Ola",
    "Kari",
    "Per",
    "Anne",
    "Nils",
    "Ingrid",
    "Lars",
    "Sigrid",
    "Jon",
    "Marit",
    "Erik",
    "Hilde",
    "Knut",
    "Liv",
    "Arne",
    "Tone",
    "Odd",
    "Randi",
    "Geir",
    "Berit",
]
LAST = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
]
FBV_DIAGNOSES = ["M545", "M511", "G35", "I639", "S720", "M170", "G809", "M797", "T931"]
ICD_DIAGNOSES = ["F321", "F411", "F431", "M542", "M751", "G439"]
ICPC_DIAGNOSES = ["L03", "L02", "L84", "L86", "L92", "N01", "L08"]

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


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    start: datetime.date
    reports: list[Report]


def _number(rng: random.Random, digits: int, lead: str, valid: Callable[[str], bool]) -> str:
    while True:
        candidate = lead + "".join(str(rng.randrange(10)) for _ in range(digits - len(lead)))
        if valid(candidate):
            return candidate


def default_start(today: datetime.date | None = None) -> datetime.date:
    """The first day of the month two months before *today*: about three months of data."""
    today = today or datetime.date.today()
    month = today.month - 2
    year = today.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1)


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


def build_series(
    rng: random.Random, patients: list[Patient], start: datetime.date
) -> list[TreatmentSeries]:
    chosen = patients[:80]  # P0001–P0080 have a series; the rest are in the register only
    plan = [("FBV", None)] * 30 + [("B01", "LE")] * 8 + [("B02", "FY")] * 12
    plan += [("B03", "PS")] * 12 + [("B04", "KI")] * 10 + [("B06", "NA")] * 8
    result = []
    for n, (patient, (who, profession)) in enumerate(zip(chosen, plan, strict=True), start=1):
        begun = start - datetime.timedelta(days=rng.randrange(0, 60))
        referred = begun - datetime.timedelta(days=rng.randrange(7, 45))
        common: dict[str, Any] = dict(
            ref=f"S{n:03d}",
            patient_ref=patient.ref,
            start_date=begun,
            referral_date=referred,
            referred_from_ref=f"K{rng.randrange(1, 6):02d}",
            referrer_category="Henvisning",
        )
        if who == "FBV":
            result.append(
                TreatmentSeries(
                    **common,
                    department_ref="D1",
                    practitioner_ref="B01",
                    title="FBV dagrehabilitering",
                    diagnosis_system=DiagnosisSystem.ICD10,
                    diagnosis_code=rng.choice(FBV_DIAGNOSES),
                    stay_type="2",
                    npr_debtor="90",
                    npr_specialty="010",
                    fbv=True,
                    fbv_tariff="FBV01",
                    # S005 lacks the assessment date: its claims show a blocking finding
                    rights_assessment_date=(
                        None if n == 5 else referred + datetime.timedelta(days=5)
                    ),
                    assessed_by_ref=rng.choice(["K06", "K07"]),
                    refund_type="1",
                )
            )
            continue
        icpc = profession in ("FY", "KI")
        system = DiagnosisSystem.ICPC2 if icpc else DiagnosisSystem.ICD10
        result.append(
            TreatmentSeries(
                **common,
                department_ref="D1" if who in ("B01", "B02") else "D2",
                practitioner_ref=who,
                title="Behandlingsserie",
                diagnosis_system=system,
                diagnosis_code=rng.choice(ICPC_DIAGNOSES if icpc else ICD_DIAGNOSES),
                stay_type="3",
                refund_type="0",
            )
        )
    return result


def _workdays(start: datetime.date, weeks: int) -> list[datetime.date]:
    days = (start + datetime.timedelta(days=n) for n in range(weeks * 7))
    return [d for d in days if d.weekday() < 5]


def build_appointments(
    rng: random.Random, series: list[TreatmentSeries], start: datetime.date, now: datetime.datetime
) -> list[Appointment]:
    fbv = [s for s in series if s.fbv]
    own = {
        p[0]: [s for s in series if s.practitioner_ref == p[0] and not s.fbv] for p in PRACTITIONERS
    }
    fbv_used: set[tuple[str, datetime.date]] = set()
    result: list[Appointment] = []
    for day in _workdays(start, 13):
        for ref, _, _, _, _, _, codes_ in PRACTITIONERS:
            pool = own[ref] + (fbv if "FBV01" in codes_ else [])
            for slot in range(rng.choice((7, 8, 8))):
                s = rng.choice(pool)
                begin = datetime.datetime.combine(day, datetime.time(8 + slot, 0))
                lines: tuple[TariffLine, ...] = ()
                if s.fbv and (s.patient_ref, day) not in fbv_used:
                    fbv_used.add((s.patient_ref, day))
                    lines = (TariffLine("FBV01"),)
                elif not s.fbv and codes_:
                    lines = (TariffLine(codes_[-1]),)
                status = AppointmentStatus.PLANNED
                if begin < now:
                    roll = rng.random()
                    status = (
                        AppointmentStatus.CANCELLED
                        if roll < 0.02
                        else AppointmentStatus.NO_SHOW
                        if roll < 0.05
                        else AppointmentStatus.ATTENDED
                    )
                result.append(
                    Appointment(
                        ref,
                        s.patient_ref,
                        begin,
                        begin + datetime.timedelta(minutes=45),
                        lines,
                        s.refund_type,
                        s.ref,
                        status,
                        f"A{len(result) + 1:05d}",
                    )
                )
    return result


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


def seed(
    db: Database,
    seed_value: int = 2026,
    start: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> DemoSummary:
    """Create the demo clinic in *db* in one transaction (marks it a test installation)."""
    rng = random.Random(seed_value)
    start = start or default_start()
    now = now or datetime.datetime.now()
    practice, departments, practitioners = build_clinic(rng)
    patients = build_patients(rng, 300, start)
    referrers = build_referrers(rng)
    series = build_series(rng, patients, start)
    appointments = build_appointments(rng, series, start, now)
    save_practice(db, practice)
    reports = []
    with db.transaction() as repos:
        repos.set_setting(installation.TEST_INSTALLATION, "true")
        for kind, records in (
            ("departments", departments),
            ("practitioners", practitioners),
            ("patients", patients),
            ("referrers", referrers),
            ("tariffs", build_plate(start)),
            ("series", series),
            ("appointments", appointments),
        ):
            items = [(f"demo.{kind}[{n}]", r) for n, r in enumerate(records)]
            reports.append(apply_in(repos, kind, items, today=now.date()))
        fbv_template = template_from_series("FBV dagbehandling", series[0])
        values = {k: v for k, v in fbv_template.values.items() if k != "diagnosis_code"}
        repos.save_template(SeriesTemplate(fbv_template.name, values), now)
    settlement_history(db, start, now)
    return DemoSummary(seed_value, start, reports)


def settlement_history(db: Database, start: datetime.date, now: datetime.datetime) -> None:
    """The FBV manual's procedure on the demo data: the first month settled, two claims
    rejected and moved to a correction draft, the rest paid and booked; the second month
    in a draft for the user to control."""
    from oppgjor.app.helfo import booking
    from oppgjor.app.helfo import settlements as st
    from oppgjor.helfo.domain.model import SettlementType
    from oppgjor.helfo.domain.transport import ManualTransport

    who = "demo"
    month_end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    when = datetime.datetime.combine(month_end, datetime.time(15))
    if when >= now:
        return
    s = st.new(db, SettlementType.FBV, date=month_end, actor=who, now=when)
    st.mark(db, s.id, st.Selection(period=(start, month_end)), actor=who, now=when)
    st.control(db, s.id, actor=who, now=when)
    st.move_blocked_out(db, s.id, actor=who, now=when)
    if st.control(db, s.id, actor=who, now=when).blocking:
        return  # leave it as a draft for the user
    st.submit(db, s.id, actor=who, now=when)
    st.send(db, s.id, ManualTransport("DEMO-MSG-1"), actor=who, now=when)
    claims = st.claims_in(db, s.id)
    rejected = {c.number: ("07", "Feil i henvisning (DEMO)") for c in claims[:2]}
    st.receipt(db, s.id, rejected, actor=who, now=when + datetime.timedelta(days=1))
    old, _ = st.correct_rejected(db, s.id, actor=who, now=when + datetime.timedelta(days=1))
    paid_on = month_end + datetime.timedelta(days=3)
    st.pay(db, s.id, old.total, paid_on, actor=who, now=when + datetime.timedelta(days=3))
    booking.book(db, s.id, actor=who, now=when + datetime.timedelta(days=4))
    second = (month_end + datetime.timedelta(days=1), month_end + datetime.timedelta(days=15))
    b = st.new(db, SettlementType.BKM, date=second[1], actor=who, now=now)
    st.mark(db, b.id, st.Selection(period=second), actor=who, now=now)
