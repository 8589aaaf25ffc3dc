"""Listing a patient's series and appointments as the database grows.

Builds two SQLite databases, one with 10× the rows of the other (patients and appointments
both scale, so each patient has about as many appointments), and times the patient
overview (series + appointments). With the indexes on (patient_id, start_at) and
treatment_series.patient_id, the time per lookup should stay nearly flat.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import HEADER, appointment_rows, seed_clinic
from oppgjor.app.clinic import actions as clinic_actions
from oppgjor.app.clinic import records
from oppgjor.store import Database

SIZES = [(10_000, 500), (100_000, 5_000)]  # (appointments, patients)
LOOKUPS = 300


def measure(tmp: str, appointments: int, patients: int) -> float:
    db = Database(f"sqlite:///{tmp}/q{appointments}.db")
    seed_clinic(db, practitioners=50, patients=patients)
    rows = appointment_rows(appointments, 50, patients)
    records.import_text(db, "appointments", HEADER + "\n" + "\n".join(rows) + "\n")
    rng = random.Random(3)
    timings = []
    for _ in range(LOOKUPS):
        ref = f"P{rng.randrange(1, patients + 1):04d}"
        t0 = time.perf_counter()
        clinic_actions.patient_overview(db, ref)
        timings.append(time.perf_counter() - t0)
    db.dispose()
    return statistics.median(timings)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = [(n, p, measure(tmp, n, p)) for n, p in SIZES]
    print("patient overview (series + all appointments), median of", LOOKUPS, "lookups:")
    for n, p, median in results:
        print(f"  {n:>7} appointments, {p:>5} patients: {median * 1000:.2f} ms")
    ratio = results[1][2] / results[0][2]
    print(f"  10x rows -> {ratio:.2f}x time (indexed; a full scan would be ~10x)")


if __name__ == "__main__":
    main()
