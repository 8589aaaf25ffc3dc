"""The kinds of clinic record, each said once.

Every use case, file format and command that works "per kind" (save, import, export, list,
show, create, the overview counts) reads this registry, so a new kind of record is its own
modules (model and checks in the domain, a row spec in the adapters, a table and repository
methods in the store, a validator) plus one entry here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from oppgjor.app.clinic import validation
from oppgjor.app.clinic.validation import Validator
from oppgjor.app.errors import Rejected
from oppgjor.clinic.adapters import record_rows
from oppgjor.clinic.adapters.record_files import RowSpec
from oppgjor.clinic.domain.model import (
    Appointment,
    Department,
    Patient,
    Practitioner,
    Referrer,
    SeriesTemplate,
    Tariff,
    TreatmentSeries,
)
from oppgjor.clinic.domain.tariffs import TariffPlate
from oppgjor.core.findings import Finding
from oppgjor.store.repos import Repos


class Written(NamedTuple):
    """What a writer did: counts; the records it added when it skipped some (``None``: it
    wrote every record given); the new ids of appointments, in order."""

    created: int
    updated: int
    unchanged: int
    added: Sequence[Any] | None = None
    ids: Sequence[int] = ()


# writes checked records: (repos, records, findings so far, the time of the action)
Writer = Callable[[Repos, Sequence[Any], Sequence[Finding], datetime.datetime], Written]


@dataclass(frozen=True)
class RecordKind:
    """One kind of record: its names, where it is stored and how it is checked and shown.

    ``name`` is the CLI group (English, singular); ``key`` the plural the use cases, files and
    store use; ``noun`` and ``title`` the Norwegian singular (in locations and messages) and
    plural (in lists and counts). A kind without ``rows`` has no generic commands or files.
    """

    name: str
    key: str
    noun: str
    title: str
    help: str
    model: type
    read: Callable[[Repos], Sequence[Any]]
    rows: RowSpec | None = None
    validate: Validator | None = None
    write: Writer | None = None
    list_columns: tuple[str, ...] = ()
    # keyed by ref: "create" refuses an existing record and "update" a missing one
    updatable: bool = False
    # saved with BLOCKING findings, except these codes and unreadable fields (ADR 0003)
    structural: frozenset[str] | None = None
    # "create" can fill empty fields from a series template
    templated: bool = False
    create_verb: str = "create"
    label_of: Callable[[Any], str] | None = None

    @property
    def importable(self) -> bool:
        return self.rows is not None and self.validate is not None and self.write is not None

    def label(self, record: Any) -> str:
        """Where a record saved on its own is reported, e.g. ``avdeling[D1]``."""
        if self.label_of is not None:
            return self.label_of(record)
        assert self.rows is not None, f"{self.key} has no key"
        return f"{self.noun}[{self.rows.key(record)}]"


def _save_each(save: Callable[[Repos, Any], bool]) -> Writer:
    def write(
        repos: Repos, records: Sequence[Any], _: Sequence[Finding], __: datetime.datetime
    ) -> Written:
        created = sum(1 for record in records if save(repos, record))
        return Written(created, len(records) - created, 0)

    return write


def _write_tariffs(
    repos: Repos, records: Sequence[Any], findings: Sequence[Finding], now: datetime.datetime
) -> Written:
    """Add the new periods to the plate; refuse all if one would rewrite history."""
    new, unchanged, conflicts = TariffPlate(repos.tariffs()).plan_import(records)
    if conflicts:
        raise Rejected([*findings, *conflicts], "Takstplakaten ble ikke endret.")
    repos.add_tariffs(new, now)
    return Written(len(new), 0, unchanged, added=new)


def _write_appointments(
    repos: Repos, records: Sequence[Any], _: Sequence[Finding], __: datetime.datetime
) -> Written:
    ids = repos.add_appointments(records)
    return Written(len(ids), 0, 0, ids=ids)


def _appointment_label(a: Appointment) -> str:
    return f"avtale[{a.ref}]" if a.ref else f"avtale[{a.start:%Y-%m-%d %H:%M}]"


KINDS: dict[str, RecordKind] = {
    kind.key: kind
    for kind in (
        RecordKind(
            name="department", key="departments", noun="avdeling", title="avdelinger",
            help="Avdelinger i praksisen.", model=Department, read=Repos.departments,
            rows=record_rows.DEPARTMENTS, validate=validation.departments,
            write=_save_each(Repos.save_department), updatable=True,
            list_columns=("ref", "name", "org_nr", "her_id", "reports_npr_bkm"),
        ),
        RecordKind(
            name="practitioner", key="practitioners", noun="behandler", title="behandlere",
            help="Behandlere (HPR, profesjon, tilganger).", model=Practitioner,
            read=Repos.practitioners, rows=record_rows.PRACTITIONERS,
            validate=validation.practitioners, write=_save_each(Repos.save_practitioner),
            updatable=True,
            list_columns=("ref", "name", "profession", "hpr_number", "modules", "department_ref"),
        ),
        RecordKind(
            name="patient", key="patients", noun="pasient", title="pasienter",
            help="Pasienter (fødselsnummer, D-nummer m.m.).", model=Patient,
            read=Repos.patients, rows=record_rows.PATIENTS, validate=validation.patients,
            write=_save_each(Repos.save_patient), updatable=True,
            list_columns=("ref", "id_type", "id_value", "first_name", "last_name", "birth_date"),
        ),
        RecordKind(
            name="referrer", key="referrers", noun="kontakt", title="kontakter",
            help="Adresseregisteret: henvisere og vurderere.", model=Referrer,
            read=Repos.referrers, rows=record_rows.REFERRERS, validate=validation.referrers,
            write=_save_each(Repos.save_referrer), updatable=True,
            list_columns=("ref", "name", "kind", "org_nr", "hpr_number", "category"),
        ),
        RecordKind(
            name="tariff", key="tariffs", noun="takst", title="takstperioder",
            help="Takstplakaten: hva en takst koster på en dato.", model=Tariff,
            read=Repos.tariffs, rows=record_rows.TARIFFS, validate=validation.tariffs,
            write=_write_tariffs, create_verb="add",
            list_columns=("code", "specialty", "text", "fee", "refund", "copayment",
                          "valid_from", "valid_to"),
        ),
        RecordKind(
            name="series", key="series", noun="serie", title="serier",
            help="Behandlingsserier (FBV-felter, diagnose, NPR-koder).", model=TreatmentSeries,
            read=Repos.series, rows=record_rows.SERIES, validate=validation.treatment_series,
            write=_save_each(Repos.save_series), updatable=True, templated=True,
            structural=validation.SERIES_STRUCTURAL,
            list_columns=("ref", "patient_ref", "department_ref", "diagnosis_code", "fbv",
                          "start_date"),
        ),
        RecordKind(
            name="template", key="templates", noun="seriemal", title="seriemaler",
            help="Seriemaler: lagre og bruk standardverdier for serier.", model=SeriesTemplate,
            read=Repos.templates,
        ),
        RecordKind(
            name="appointment", key="appointments", noun="avtale", title="avtaler",
            help="Avtaler i planleggeren.", model=Appointment,
            read=lambda repos: repos.appointments(), rows=record_rows.APPOINTMENTS,
            validate=validation.appointments, write=_write_appointments,
            label_of=_appointment_label,
            list_columns=("ref", "practitioner_ref", "patient_ref", "start", "lines", "status"),
        ),
    )
}  # fmt: skip


def with_files() -> Iterator[RecordKind]:
    """The kinds that have rows: generic commands, import and export."""
    return (k for k in KINDS.values() if k.rows is not None)


def named(name: str) -> RecordKind | None:
    """The kind called *name*: its CLI name (``series``, ``patient``) or its key."""
    return next((k for k in KINDS.values() if name in (k.name, k.key)), None)
