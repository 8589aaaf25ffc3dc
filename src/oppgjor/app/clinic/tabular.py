"""Reading and writing the clinic's records as CSV/JSON rows: one spec per kind of record.

Reading collects every bad field of every row as a finding (``rad N.kolonne``), so an import
report lists all bad rows, not just the first.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from oppgjor.clinic.domain.model import (
    Appointment,
    AppointmentStatus,
    Department,
    DiagnosisSystem,
    IdType,
    Module,
    Patient,
    Practitioner,
    Referrer,
    ReferrerKind,
    Tariff,
    TariffLine,
    TreatmentSeries,
)
from oppgjor.core.findings import Finding, FindingCode, Severity
from oppgjor.core.ids import national_id
from oppgjor.core.money import InvalidAmount, nok

T = TypeVar("T")

FIELD_INVALID = FindingCode(
    "IMPORT_FIELD_INVALID", Severity.BLOCKING, "Et felt i importfilen kan ikke leses."
)
FILE_INVALID = FindingCode(
    "IMPORT_FILE_INVALID", Severity.BLOCKING, "Importfilen kan ikke leses (format eller kolonner)."
)
DUPLICATE_ROW = FindingCode(
    "IMPORT_DUPLICATE", Severity.BLOCKING, "Samme nøkkel forekommer flere ganger i filen."
)
CODES = (FIELD_INVALID, FILE_INVALID, DUPLICATE_ROW)

_TRUE = {"1", "ja", "j", "yes", "y", "true", "sann"}
_FALSE = {"0", "nei", "n", "no", "false", "usann"}
_SECRET_COLUMNS = {"id_value"}


class RowReader:
    """Typed access to one row's fields; bad values become findings, not exceptions."""

    def __init__(self, row: dict[str, str], location: str) -> None:
        self.row = row
        self.location = location
        self.findings: list[Finding] = []

    def _bad(self, name: str, value: str, why: str) -> None:
        shown = national_id.mask(value) if name in _SECRET_COLUMNS else value
        self.findings.append(
            FIELD_INVALID(f"{self.location}, {name} = «{shown}»: {why}", f"{self.location}.{name}")
        )

    def text(self, name: str, required: bool = False) -> str | None:
        value = (self.row.get(name) or "").strip()
        if not value:
            if required:
                self._bad(name, value, "må fylles ut")
            return None
        return value

    def req(self, name: str) -> str:
        return self.text(name, required=True) or ""

    def _convert(
        self, name: str, required: bool, convert: Callable[[str], T], why: str
    ) -> T | None:
        value = self.text(name, required)
        if value is None:
            return None
        try:
            return convert(value)
        except (ValueError, InvalidAmount):
            self._bad(name, value, why)
            return None

    def date(self, name: str, required: bool = False) -> datetime.date | None:
        return self._convert(name, required, parse_date, "ugyldig dato (bruk ÅÅÅÅ-MM-DD)")

    def datetime(self, name: str) -> datetime.datetime | None:
        return self._convert(
            name, True, parse_datetime, "ugyldig tidspunkt (bruk ÅÅÅÅ-MM-DD TT:MM)"
        )

    def money(self, name: str) -> Decimal | None:
        return self._convert(name, True, nok, "ugyldig beløp (f.eks. 1234,50)")

    def integer(self, name: str) -> int | None:
        return self._convert(name, False, int, "må være et heltall")

    def boolean(self, name: str) -> bool | None:
        return self._convert(name, False, parse_bool, "bruk ja eller nei")

    def choice(self, name: str, enum: Any, default: Any = None) -> Any:
        value = self.text(name)
        if value is None:
            return default
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            self._bad(name, value, f"må være en av {allowed}")
            return default


def parse_date(value: str) -> datetime.date:
    if len(value) == 10 and value[4] == "-":
        return datetime.date.fromisoformat(value)
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def parse_datetime(value: str) -> datetime.datetime:
    value = value.replace("T", " ")
    if len(value) in (16, 19) and value[4] == "-":
        return datetime.datetime.fromisoformat(value)
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M"):
        try:
            return datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise ValueError(value)


def parse_bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(value)


def parse_lines(value: str) -> tuple[TariffLine, ...]:
    """``"FBV1 A2*2"`` → two lines; quantity after ``*``."""
    lines = []
    for token in value.split():
        code, _, qty = token.partition("*")
        lines.append(TariffLine(code, int(qty) if qty else 1))
    return tuple(lines)


def format_lines(lines: Iterable[TariffLine]) -> str:
    return " ".join(f"{x.code}*{x.quantity}" if x.quantity != 1 else x.code for x in lines)


def _s(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


@dataclass(frozen=True)
class Spec:
    kind: str
    label: str
    columns: tuple[str, ...]
    build: Callable[[RowReader], Any]
    key: Callable[[Any], str]

    def row_of(self, record: Any) -> dict[str, str]:
        values = {c: getattr(record, c, None) for c in self.columns}
        if isinstance(record, Practitioner):
            values["modules"] = " ".join(sorted(m.value for m in record.modules))
        if isinstance(record, Appointment):
            values["lines"] = format_lines(record.lines)
        return {c: _s(v) for c, v in values.items()}


def _department(r: RowReader) -> Department:
    return Department(
        ref=r.req("ref"),
        name=r.req("name"),
        org_nr=r.text("org_nr"),
        her_id=r.text("her_id"),
        resh_id=r.text("resh_id"),
        reports_npr_bkm=bool(r.boolean("reports_npr_bkm")),
        contact_email=r.text("contact_email"),
    )


def _modules(r: RowReader) -> frozenset[Module]:
    value = r.text("modules")
    if value is None:
        return frozenset({Module.PLANNER})
    found = set()
    for token in value.replace(",", " ").split():
        try:
            found.add(Module(token))
        except ValueError:
            r._bad("modules", token, "ukjent modul (" + ", ".join(m.value for m in Module) + ")")
    return frozenset(found)


def _practitioner(r: RowReader) -> Practitioner:
    active = r.boolean("active")
    return Practitioner(
        ref=r.req("ref"),
        name=r.req("name"),
        profession=r.req("profession"),
        hpr_number=r.text("hpr_number"),
        modules=_modules(r),
        department_ref=r.text("department_ref"),
        active=True if active is None else active,
    )


def _patient(r: RowReader) -> Patient:
    return Patient(
        ref=r.req("ref"),
        id_type=r.choice("id_type", IdType, IdType.FNR),
        id_value=r.req("id_value"),
        first_name=r.req("first_name"),
        last_name=r.req("last_name"),
        birth_date=r.date("birth_date"),
        sex=r.text("sex"),
        nationality=r.text("nationality"),
    )


def _referrer(r: RowReader) -> Referrer:
    return Referrer(
        ref=r.req("ref"),
        name=r.req("name"),
        kind=r.choice("kind", ReferrerKind, ReferrerKind.ORGANISATION),
        org_nr=r.text("org_nr"),
        hpr_number=r.text("hpr_number"),
        her_id=r.text("her_id"),
        category=r.text("category"),
    )


def _tariff(r: RowReader) -> Tariff:
    return Tariff(
        code=r.req("code"),
        specialty=r.req("specialty"),
        text=r.text("text") or "",
        fee=_zero_if_none(r.money("fee")),
        refund=_zero_if_none(r.money("refund")),
        copayment=_zero_if_none(r.money("copayment")),
        valid_from=r.date("valid_from", required=True) or datetime.date.min,
        valid_to=r.date("valid_to"),
        max_per_patient_day=r.integer("max_per_patient_day"),
        source=r.text("source") or "",
    )


def _zero_if_none(amount: Decimal | None) -> Decimal:
    return nok(0) if amount is None else amount


def _series(r: RowReader) -> TreatmentSeries:
    return TreatmentSeries(
        ref=r.req("ref"),
        patient_ref=r.req("patient_ref"),
        department_ref=r.text("department_ref"),
        practitioner_ref=r.text("practitioner_ref"),
        title=r.text("title"),
        start_date=r.date("start_date"),
        end_date=r.date("end_date"),
        referral_date=r.date("referral_date"),
        referred_from_ref=r.text("referred_from_ref"),
        referrer_category=r.text("referrer_category"),
        diagnosis_system=r.choice("diagnosis_system", DiagnosisSystem),
        diagnosis_code=r.text("diagnosis_code"),
        stay_type=r.text("stay_type"),
        npr_debtor=r.text("npr_debtor"),
        npr_specialty=r.text("npr_specialty"),
        fbv=r.boolean("fbv"),
        fbv_tariff=r.text("fbv_tariff"),
        rights_assessment_date=r.date("rights_assessment_date"),
        assessed_by_ref=r.text("assessed_by_ref"),
        refund_type=r.text("refund_type"),
    )


def _appointment(r: RowReader) -> Appointment:
    start, end = r.datetime("start"), r.datetime("end")
    lines: tuple[TariffLine, ...] = ()
    raw = r.text("lines")
    if raw:
        try:
            lines = parse_lines(raw)
        except ValueError:
            r._bad(
                "lines", raw, "skriv takstene som «KODE» eller «KODE*antall», adskilt med mellomrom"
            )
    return Appointment(
        ref=r.text("ref"),
        practitioner_ref=r.req("practitioner_ref"),
        patient_ref=r.req("patient_ref"),
        start=start or datetime.datetime.min,
        end=end or datetime.datetime.min,
        lines=lines,
        refund_type=r.text("refund_type"),
        series_ref=r.text("series_ref"),
        status=r.choice("status", AppointmentStatus, AppointmentStatus.PLANNED),
    )


SPECS: dict[str, Spec] = {
    s.kind: s
    for s in (
        Spec("departments", "avdeling", ("ref", "name", "org_nr", "her_id", "resh_id",
             "reports_npr_bkm", "contact_email"), _department, lambda x: x.ref),
        Spec("practitioners", "behandler", ("ref", "name", "profession", "hpr_number", "modules",
             "department_ref", "active"), _practitioner, lambda x: x.ref),
        Spec("patients", "pasient", ("ref", "id_type", "id_value", "first_name", "last_name",
             "birth_date", "sex", "nationality"), _patient, lambda x: x.ref),
        Spec("referrers", "kontakt", ("ref", "name", "kind", "org_nr", "hpr_number", "her_id",
             "category"), _referrer, lambda x: x.ref),
        Spec("tariffs", "takst", ("code", "specialty", "text", "fee", "refund", "copayment",
             "valid_from", "valid_to", "max_per_patient_day", "source"), _tariff,
             lambda x: f"{x.code}/{x.specialty}/{x.valid_from}"),
        Spec("series", "serie", ("ref", "patient_ref", "department_ref", "practitioner_ref",
             "title", "start_date", "end_date", "referral_date", "referred_from_ref",
             "referrer_category", "diagnosis_system", "diagnosis_code", "stay_type",
             "npr_debtor", "npr_specialty", "fbv", "fbv_tariff", "rights_assessment_date",
             "assessed_by_ref", "refund_type"), _series, lambda x: x.ref),
        Spec("appointments", "avtale", ("ref", "practitioner_ref", "patient_ref", "start", "end",
             "lines", "refund_type", "series_ref", "status"), _appointment,
             lambda x: x.ref or ""),
    )
}  # fmt: skip


def read_csv(spec: Spec, text: str) -> tuple[list[tuple[int, Any]], list[Finding]]:
    """Parse *text* (``,`` or ``;`` separated, header row first) into (line no., record)."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    unknown = [h for h in header if h not in spec.columns]
    if not header or unknown:
        message = (
            f"Ukjente kolonner: {', '.join(unknown)}."
            if unknown
            else "Filen har ingen overskriftsrad."
        )
        return [], [FILE_INVALID(f"{message} Gyldige kolonner: {', '.join(spec.columns)}.", "fil")]
    return _build_rows(spec, ((n, row) for n, row in enumerate(reader, start=2)))


def read_json_rows(
    spec: Spec, rows: list[dict[str, Any]]
) -> tuple[list[tuple[int, Any]], list[Finding]]:
    as_text = ({k: _s(v) for k, v in row.items()} for row in rows)
    return _build_rows(spec, enumerate(as_text, start=1))


def _build_rows(
    spec: Spec, rows: Iterable[tuple[int, dict[str, str]]]
) -> tuple[list[tuple[int, Any]], list[Finding]]:
    records: list[tuple[int, Any]] = []
    findings: list[Finding] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        reader = RowReader(row, f"rad {line}")
        record = spec.build(reader)
        if reader.findings:
            findings.extend(reader.findings)
            continue
        key = spec.key(record)
        if key and key in seen:
            findings.append(
                DUPLICATE_ROW(f"rad {line}: «{key}» står også på rad {seen[key]}.", f"rad {line}")
            )
            continue
        if key:
            seen[key] = line
        records.append((line, record))
    return records, findings


def write_csv(spec: Spec, records: Iterable[Any]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(spec.columns), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(spec.row_of(record))
    return buf.getvalue()
