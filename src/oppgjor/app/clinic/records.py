"""Save, import, list and export the clinic's records. Every call is one transaction; a call
with BLOCKING findings writes nothing and raises :class:`Rejected` with all of them."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from oppgjor.app.clinic import tabular
from oppgjor.app.clinic.validation import SERIES_STRUCTURAL, validate
from oppgjor.app.errors import Conflict, NotFound, Rejected
from oppgjor.app.installation import TEST_INSTALLATION
from oppgjor.clinic.domain.tariffs import TariffPlate
from oppgjor.core.findings import Finding, Severity
from oppgjor.store import Database, tables
from oppgjor.store.repos import Repos

Mode = Literal["create", "update", "upsert"]

WRITERS: dict[str, Callable[[Repos, Any], bool]] = {
    "departments": Repos.save_department,
    "practitioners": Repos.save_practitioner,
    "patients": Repos.save_patient,
    "referrers": Repos.save_referrer,
    "series": Repos.save_series,
}
READERS: dict[str, Callable[[Repos], Sequence[Any]]] = {
    "departments": Repos.departments,
    "practitioners": Repos.practitioners,
    "patients": Repos.patients,
    "referrers": Repos.referrers,
    "series": Repos.series,
    "tariffs": Repos.tariffs,
    "appointments": lambda repos: repos.appointments(),
}
TABLES = {
    "departments": tables.department,
    "practitioners": tables.practitioner,
    "patients": tables.patient,
    "referrers": tables.referrer,
    "series": tables.treatment_series,
}


@dataclass
class Report:
    """What a save or import did (or would have done), and its findings."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    findings: list[Finding] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "findings": [f.as_dict() for f in self.findings],
        }


def blocks(kind: str, finding: Finding) -> bool:
    """Whether *finding* stops the write. A series may be saved incomplete."""
    if finding.severity is not Severity.BLOCKING:
        return False
    if kind == "series":
        return finding.code in SERIES_STRUCTURAL or finding.code.startswith("IMPORT_")
    return True


def apply(
    db: Database,
    kind: str,
    items: Sequence[tuple[str, Any]],
    *,
    mode: Mode = "upsert",
    parse_findings: Sequence[Finding] = (),
    today: datetime.date | None = None,
) -> Report:
    """Validate *items* and write them in one transaction, or raise Rejected."""
    with db.transaction() as repos:
        return apply_in(repos, kind, items, mode=mode, parse_findings=parse_findings, today=today)


def apply_in(
    repos: Repos,
    kind: str,
    items: Sequence[tuple[str, Any]],
    *,
    mode: Mode = "upsert",
    parse_findings: Sequence[Finding] = (),
    today: datetime.date | None = None,
) -> Report:
    """:func:`apply` inside a transaction the caller holds (for actions that write several
    kinds of records at once)."""
    today = today or datetime.date.today()
    report = Report(kind, rows=len(items) + _rows_in(parse_findings))
    allow = repos.get_setting(TEST_INSTALLATION) == "true"
    checked, findings = validate(repos, kind, items, allow_synthetic=allow, today=today)
    report.findings = [*parse_findings, *findings]
    if any(blocks(kind, f) for f in report.findings):
        raise Rejected(report.findings, f"Ingenting ble lagret ({len(items)} rader sjekket).")
    _check_mode(repos, kind, checked, mode)
    _write(repos, kind, checked, report)
    return report


def _rows_in(findings: Sequence[Finding]) -> int:
    return len({f.where.row for f in findings if f.where.row is not None})


def _check_mode(repos: Repos, kind: str, records: Sequence[Any], mode: Mode) -> None:
    if mode == "upsert" or kind not in TABLES:
        return
    for record in records:
        exists = repos.exists(TABLES[kind], record.ref)
        if mode == "create" and exists:
            raise Conflict(f"«{record.ref}» finnes allerede; bruk en annen nøkkel eller oppdater.")
        if mode == "update" and not exists:
            raise NotFound(f"«{record.ref}» finnes ikke.")


def _write(repos: Repos, kind: str, records: Sequence[Any], report: Report) -> None:
    if kind == "tariffs":
        new, unchanged, conflicts = TariffPlate(repos.tariffs()).plan_import(records)
        if conflicts:
            raise Rejected([*report.findings, *conflicts], "Takstplakaten ble ikke endret.")
        repos.add_tariffs(new, datetime.datetime.now())
        report.created, report.unchanged = len(new), unchanged
        return
    if kind == "appointments":
        report.created = len(repos.add_appointments(records))
        return
    for record in records:
        if WRITERS[kind](repos, record):
            report.created += 1
        else:
            report.updated += 1


def save(db: Database, kind: str, record: Any, *, mode: Mode = "create") -> Report:
    label = f"{tabular.SPECS[kind].label}[{tabular.SPECS[kind].key(record)}]"
    return apply(db, kind, [(label, record)], mode=mode)


def import_text(db: Database, kind: str, text: str, fmt: str = "csv") -> Report:
    """Import a CSV (or JSON) file's text: validated whole, applied in one transaction."""
    spec = tabular.SPECS[kind]
    if fmt == "csv":
        parsed, findings = tabular.read_csv(spec, text)
    else:
        parsed, findings = _read_json(kind, text)
    if any(f.code == tabular.FILE_INVALID.code for f in findings):
        raise Rejected(findings, "Filen ble ikke importert.")
    items = [(f"rad {line}", record) for line, record in parsed]
    return apply(db, kind, items, mode="upsert", parse_findings=findings)


def _read_json(kind: str, text: str) -> tuple[list[tuple[int, Any]], list[Finding]]:
    spec = tabular.SPECS[kind]
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        bad = tabular.FILE_INVALID(f"Ugyldig JSON på linje {exc.lineno}: {exc.msg}.", "fil")
        return [], [bad]
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        return [], [tabular.FILE_INVALID("JSON-filen må være en liste av objekter.", "fil")]
    if kind == "tariffs" and data and "takstkode" in data[0]:
        data = [helfo_tariff_row(r) for r in data]
    return tabular.read_json_rows(spec, data)


def helfo_tariff_row(row: dict[str, Any]) -> dict[str, Any]:
    """One object of Helfo's open ``takstkoder`` data (navikt/Helserefusjon-apne-data) as a
    tariff row. Dates may carry a time part; amounts may be numbers or text."""

    def day(value: Any) -> str:
        return str(value)[:10] if value not in (None, "") else ""

    def amount(key: str) -> Any:
        return 0 if row.get(key) in (None, "") else row[key]

    return {
        "code": row.get("takstkode"),
        "specialty": row.get("fagomraade"),
        "text": row.get("beskrivelse") or "",
        "fee": amount("honorar"),
        "refund": amount("refusjon"),
        "copayment": amount("egenandel"),
        "valid_from": day(row.get("fradato")),
        "valid_to": day(row.get("tildato")),
        "source": f"Helfo åpne data takst_id {row.get('takst_id', '')}".strip(),
    }


def list_records(db: Database, kind: str) -> list[Any]:
    with db.transaction() as repos:
        return list(READERS[kind](repos))


def export_text(db: Database, kind: str, fmt: str = "csv") -> str:
    spec = tabular.SPECS[kind]
    records = list_records(db, kind)
    if fmt == "csv":
        return tabular.write_csv(spec, records)
    return json.dumps([spec.row_of(r) for r in records], ensure_ascii=False, indent=2) + "\n"


def get_record(db: Database, kind: str, ref: str) -> Any:
    spec = tabular.SPECS[kind]
    for record in list_records(db, kind):
        if spec.key(record) == ref:
            return record
    raise NotFound(f"Fant ikke {spec.label} «{ref}».")
