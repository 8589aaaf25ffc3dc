"""The clinic the settlement tests work on over HTTP: the scenario world (tests/clinic_world)
with a contact e-mail for Helfo's decisions, and a test certificate for the practice."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import yaml

from oppgjor.helfo.adapters import signing
from tests.api.conftest import NOW, Caller, World
from tests.clinic_world import WORLD, _merge, load_world

ORG_NR = "974760673"  # the scenario practice's
SECRET = "hemmelig-passord-42"
S = "/api/v1/settlements"


def clinic(api: World, changes: dict[str, Any] | None = None) -> None:
    world = _merge(WORLD, changes or {})
    world["practice"] = {**world["practice"], "contact_email": "oppgjor@klinikken.test"}
    load_world(api.db, world, NOW)


def certificate(folder: Path) -> Path:
    path = folder / "virk.p12"
    made = signing.make_test_certificate(
        ORG_NR, "Scenarioklinikken", SECRET.encode(), now=NOW - datetime.timedelta(days=30)
    )
    path.write_bytes(made)
    return path


def new_draft(office: Caller, kind: str = "fbv") -> tuple[int, str]:
    """A new draft: its id and ETag."""
    r = office.post(S, json={"type": kind})
    assert r.status_code == 201, r.text
    return r.json()["id"], r.headers["etag"]


def numbers_by_appointment(caller: Caller, sid: int) -> dict[str, int]:
    shown = caller.get(f"{S}/{sid}").json()
    return {c["appointment"]: c["number"] for c in shown["claims"]}


# the FBV manual's chapter 2 (API and pages): S1 lacks its NPR debtor (fixed during the
# test); P3's national id is not valid (moved out)
BROKEN = yaml.safe_load("""
series:
  S1: {npr_debtor: null}
  S3: {patient_ref: P3, department_ref: D1, practitioner_ref: B1, start_date: 2026-01-05,
       referral_date: 2025-12-15, referred_from_ref: K1, diagnosis_system: ICD10,
       diagnosis_code: M545, stay_type: "2", npr_debtor: "90", fbv: true, fbv_tariff: FBV01,
       rights_assessment_date: 2025-12-20, assessed_by_ref: K2, refund_type: "1"}
patients:
  P3: {id_type: FNR, id_value: "15916400185", first_name: Per, last_name: Feil}
appointments:
  A4: {practitioner_ref: B1, patient_ref: P3, start: 2026-02-04T09:00, lines: [FBV01],
       series_ref: S3}
""")
