"""A small synthetic clinic for tests, described in ``scenarios/world.yaml``, written
straight through the repositories (no validation), so tests can also describe broken data."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from oppgjor.app import installation
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
    Tariff,
    TariffLine,
    TreatmentSeries,
)
from oppgjor.store import Database

WORLD = yaml.safe_load(
    (Path(__file__).parent / "scenarios" / "world.yaml").read_text(encoding="utf-8")
)


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    world = copy.deepcopy(base)
    for kind, records in (changes or {}).items():
        if kind == "tariffs":
            world[kind] = world.get(kind, []) + records
        elif isinstance(records, dict) and isinstance(world.get(kind), dict):
            for ref, fields in records.items():
                if fields is None:
                    world[kind].pop(ref, None)
                else:
                    world[kind][ref] = {**world[kind].get(ref, {}), **fields}
        else:
            world[kind] = records
    return world


def _dt(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time(12))
    return datetime.datetime.fromisoformat(str(value))


def build(kind: str, ref: str, f: dict[str, Any]) -> Any:
    f = dict(f)
    if kind == "departments":
        return Department(ref, **f)
    if kind == "practitioners":
        f["modules"] = frozenset(Module(m) for m in f.get("modules", ["planner"]))
        f["hpr_number"] = str(f["hpr_number"]) if f.get("hpr_number") else None
        return Practitioner(ref, **f)
    if kind == "patients":
        return Patient(ref, IdType(f.pop("id_type")), str(f.pop("id_value")), **f)
    if kind == "referrers":
        return Referrer(ref, kind=ReferrerKind(f.pop("kind", "organisation")), **f)
    if kind == "series":
        if f.get("diagnosis_system"):
            f["diagnosis_system"] = DiagnosisSystem(f["diagnosis_system"])
        return TreatmentSeries(ref, **f)
    if kind == "appointments":
        start = _dt(f.pop("start"))
        return Appointment(
            f.pop("practitioner_ref"),
            f.pop("patient_ref"),
            start,
            start + datetime.timedelta(minutes=45),
            tuple(_line(c) for c in f.pop("lines", [])),
            f.pop("refund_type", None),
            f.pop("series_ref", None),
            AppointmentStatus(f.pop("status", "attended")),
            ref,
        )
    raise ValueError(kind)


def tariff(f: dict[str, Any]) -> Tariff:
    money = {k: Decimal(str(f[k])) for k in ("fee", "refund", "copayment")}
    return Tariff(**{**f, **money, "source": "scenario"})


def load_world(db: Database, world: dict[str, Any], now: datetime.datetime) -> None:
    with db.transaction() as repos:
        repos.save_practice(Practice(**world["practice"]))
        repos.set_setting(installation.TEST_INSTALLATION, str(world["test_installation"]).lower())
        for ref, f in world["departments"].items():
            repos.save_department(build("departments", ref, f))
        for ref, f in world["practitioners"].items():
            repos.save_practitioner(build("practitioners", ref, f))
        for ref, f in world["patients"].items():
            repos.save_patient(build("patients", ref, f))
        for ref, f in world["referrers"].items():
            repos.save_referrer(build("referrers", ref, f))
        repos.add_tariffs([tariff(x) for x in world["tariffs"]], now)
        for ref, f in world["series"].items():
            repos.save_series(build("series", ref, f))
        repos.add_appointments(
            [build("appointments", ref, f) for ref, f in world["appointments"].items()]
        )


def _line(text):
    """A tariff line as the planner writes it: ``FBV01`` or ``FBV01*2``."""
    code, _, quantity = text.partition("*")
    return TariffLine(code, int(quantity or 1))
