"""Building and controlling a settlement as it grows (issue 3's figures).

For 1 000, 10 000 and 50 000 claims, each in a fresh process on a fresh database: creating
the claims from attended appointments, building the draft (new + mark all), the control run and
the submit (which controls once more). "Now" is the day after the last appointment.
Every SQL statement sent to the database is counted (an executemany counts once), to show
that the number of statements stays flat as the claims grow (no query per claim).
Targets for 10 000 claims: control <= 1 s, build <= 2 s, peak memory <= 300 MB.
"""

from __future__ import annotations

import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from sqlalchemy import create_engine, event, text

from common import START, seed_clinic
from oppgjor.app.helfo import settlements as st
from oppgjor.clinic.domain.model import (
    Appointment,
    AppointmentStatus,
    DiagnosisSystem,
    Module,
    TariffLine,
    TreatmentSeries,
)
from oppgjor.helfo.domain.model import SettlementType
from oppgjor.store import Database, resolve_url

SIZES = [1_000, 10_000, 50_000]
PRACTITIONERS = 50


def build_world(db: Database, claims: int) -> datetime.datetime:
    """The clinic with *claims* attended appointments; returns when the last one starts."""
    patients = max(100, claims // 10)
    seed_clinic(db, practitioners=PRACTITIONERS, patients=patients)
    with db.transaction() as repos:
        for p in repos.practitioners():
            repos.save_practitioner(
                p.__class__(**{**p.__dict__, "modules": frozenset({Module.SETTLEMENT})})
            )
        for n in range(1, patients + 1):
            repos.save_series(
                TreatmentSeries(
                    f"S{n:04d}", f"P{n:04d}", start_date=START, diagnosis_code="L03",
                    diagnosis_system=DiagnosisSystem.ICPC2, referral_date=START,
                )
            )  # fmt: skip
        appointments = []
        day, n = START, 0
        while n < claims:
            if day.weekday() < 5:
                for p in range(PRACTITIONERS):
                    for slot in range(8):
                        if n < claims:
                            start = datetime.datetime.combine(day, datetime.time(8 + slot))
                            patient = n % patients + 1
                            appointments.append(
                                Appointment(
                                    f"B{p:03d}", f"P{patient:04d}", start,
                                    start + datetime.timedelta(minutes=45), (TariffLine("A2a"),),
                                    "0", f"S{patient:04d}", AppointmentStatus.ATTENDED, f"A{n}",
                                )
                            )  # fmt: skip
                            n += 1
            day += datetime.timedelta(days=1)
        repos.add_appointments(appointments)
    return appointments[-1].start


PG_ENV = "OPPGJOR_BENCH_POSTGRES_URL"


@contextmanager
def database(kind: str) -> Iterator[Database]:
    """A fresh SQLite file, or a fresh schema in $OPPGJOR_BENCH_POSTGRES_URL."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{tmp}/s.db")
            yield db
            db.dispose()
        return
    url = resolve_url(os.environ[PG_ENV])
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    db = Database(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def measure(claims: int, kind: str) -> dict[str, float]:
    with database(kind) as db:
        last = build_world(db, claims)
        statements = {"n": 0}

        @event.listens_for(db.engine, "before_cursor_execute")
        def count(*_args: object) -> None:
            statements["n"] += 1

        # noon the day after the last appointment: every claim is in the past, none near expiry
        now = datetime.datetime.combine(last.date(), datetime.time(12)) + datetime.timedelta(days=1)
        figures: dict[str, float] = {}

        def timed(name: str, action):  # type: ignore[no-untyped-def]
            statements["n"] = 0
            t0 = time.perf_counter()
            result = action()
            figures[name] = time.perf_counter() - t0
            figures[name + "_sql"] = statements["n"]
            return result

        timed("claims", lambda: st.waiting(db, SettlementType.BKM, now=now))

        def build():  # type: ignore[no-untyped-def]
            s = st.new(db, SettlementType.BKM, actor="bench", now=now)
            return st.mark(db, s.id, st.Selection(add_all=True), actor="bench", now=now)

        s = timed("build", build)
        report = timed("control", lambda: st.control(db, s.id, actor="bench", now=now))
        timed("submit", lambda: st.submit(db, s.id, actor="bench", now=now))
        figures["count"] = s.count
        figures["blocking"] = report.blocking
        figures["findings"] = len(report.findings)
        figures["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return figures


def main() -> None:
    if len(sys.argv) == 3:
        print(json.dumps(measure(int(sys.argv[1]), sys.argv[2])))
        return
    kinds = ["sqlite", *(["postgresql"] if os.environ.get(PG_ENV) else [])]
    print("settlement of N claims (fresh process and database each):")
    for kind, n in ((k, n) for k in kinds for n in SIZES):
        done = subprocess.run(
            [sys.executable, __file__, str(n), kind], capture_output=True, text=True, check=True
        )
        f = json.loads(done.stdout)
        print(
            f"  {kind:<10} {int(f['count']):>6} claims:"
            f" create {f['claims']:.2f} s ({f['claims_sql']:.0f} SQL)"
            f" | build {f['build']:.2f} s ({f['build_sql']:.0f} SQL)"
            f" | control {f['control']:.2f} s ({f['control_sql']:.0f} SQL)"
            f" | submit {f['submit']:.2f} s ({f['submit_sql']:.0f} SQL)"
            f" | peak {f['max_rss_mb']:.0f} MB | findings {f['findings']:.0f}"
            f" (blocking {f['blocking']:.0f})"
        )
    print("  targets at 10 000: control <= 1 s, build <= 2 s, peak <= 300 MB; SQL flat")
    if PG_ENV not in os.environ:
        print(f"  (set {PG_ENV} to measure PostgreSQL too)")


if __name__ == "__main__":
    main()
