"""Reading Helfo's receipts (AppRec) from the message server's inbox, and simulating them in
a test installation.

One bad file never stops the run: a file that cannot be used (unreadable, invalid, a value
longer than the database keeps, an unknown message, a duplicate, refused by the database, an
internal error) goes to quarantine with its reason and a finding, and the next file is read.
A receipt applied before whose file was not archived (a crash between the commit and the move)
is archived, never applied twice."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from oppgjor.app import installation, outgoing
from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import delivery
from oppgjor.app.helfo import settlements as st
from oppgjor.app.helfo.exchange import folders, get_settings, locks, ready
from oppgjor.core import codes
from oppgjor.core.findings import Finding, FindingCode, Severity
from oppgjor.helfo.adapters import folders as exchange
from oppgjor.helfo.adapters.messages import apprec, xml
from oppgjor.store import Database, StoreBusy, StoreError
from oppgjor.store.helfo.messages import MessageRepository

B, W = Severity.BLOCKING, Severity.WARNING
UNREADABLE = FindingCode(
    "INBOX_UNREADABLE", B, "Filen i innboksen er ikke trygg, lesbar XML (karantene)."
)
INVALID = FindingCode("INBOX_INVALID", B, "Filen er ikke en gyldig AppRec v1.0 (karantene).")
TOO_LONG = FindingCode(
    "INBOX_VALUE_TOO_LONG",
    B,
    "En verdi i kvitteringen er lengre enn oppgjor kan lagre (karantene).",
)
DUPLICATE = FindingCode("INBOX_DUPLICATE", B, "Kvitteringen er lest før og brukes ikke igjen.")
UNKNOWN_MESSAGE = FindingCode(
    "INBOX_UNKNOWN_MESSAGE", B, "Kvitteringen svarer på en melding oppgjor ikke har sendt."
)
NOT_APPLICABLE = FindingCode(
    "INBOX_NOT_APPLICABLE", B, "Kvitteringen passer ikke til oppgjøret den svarer på."
)
NOT_SAVED = FindingCode(
    "INBOX_NOT_SAVED", B, "Databasen avviste kvitteringen; ingenting er endret (karantene)."
)
INTERNAL = FindingCode(
    "INBOX_INTERNAL",
    B,
    "Intern feil da kvitteringen ble lest; ingenting er endret (karantene). Meld fra til "
    "leverandøren.",
)
UNKNOWN_ERROR_CODE = FindingCode(
    "INBOX_UNKNOWN_ERROR_CODE",
    W,
    "Kvitteringen har en feilkode som ikke finnes i kodeverk 8221; den er brukt, men sjekk koden.",
)
CODES = (
    UNREADABLE, INVALID, TOO_LONG, DUPLICATE, UNKNOWN_MESSAGE, NOT_APPLICABLE, NOT_SAVED,
    INTERNAL, UNKNOWN_ERROR_CODE,
)  # fmt: skip
ERRORS_8221 = "apprec_errors_8221.csv"
BACK = "Legg filen tilbake i innboksen når feilen er rettet."


class Quarantined(Exception):
    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


class AlreadyApplied(Exception):
    """This very file was applied before; only its move to the archive did not happen."""

    def __init__(self, settlement_id: int | None) -> None:
        super().__init__(settlement_id)
        self.settlement_id = settlement_id


@dataclass
class InboxReport:
    applied: list[tuple[str, int, str]] = field(default_factory=list)  # file, settlement, status
    already_applied: list[tuple[str, int | None]] = field(default_factory=list)  # archived now
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # file, reason
    findings: list[Finding] = field(default_factory=list)


def read_inbox(db: Database, *, actor: str, now: datetime.datetime) -> InboxReport:
    """Read every AppRec in the inbox once: apply it to the settlement it answers, archive the
    file; anything unreadable, unknown or already applied goes to quarantine with the reason,
    and no claim changes. One file's trouble never stops the others. A send a crash left
    unrecorded is finished first (ADR 0012), so its receipt is not taken for unknown."""
    settings = get_settings(db)
    target = ready(folders(settings))
    report = InboxReport()
    # one reader at a time: a second `helfo inbox` waits, then finds the files already read
    with outgoing.holding(locks(settings), "inbox", "", wait=True):
        delivery.recover(db, locks=locks(settings), now=now, also=(target.outbox,))
        for path in exchange.incoming(target.inbox):
            if path.name.endswith(exchange.REASON_SUFFIX):
                continue
            _read_one(db, path, target, report, actor, now)
    return report


def _where(path: Path) -> str:
    return f"innboks/{path.name}"


def _read_one(
    db: Database,
    path: Path,
    target: exchange.Folders,
    report: InboxReport,
    actor: str,
    now: datetime.datetime,
) -> None:
    try:
        sid, status, warnings = _apply_receipt(db, path, actor, now)
    except AlreadyApplied as done:
        exchange.move(path, target.archive)
        report.already_applied.append((path.name, done.settlement_id))
        return
    except Quarantined as exc:
        finding = exc.finding
    except StoreBusy:  # nothing wrong with the file: it waits in the inbox for the next run
        raise
    except StoreError:  # its text may quote SQL and values: not shown
        finding = NOT_SAVED(
            f"Databasen avviste kvitteringen; ingenting er endret. {BACK}", _where(path)
        )
    except Exception as exc:  # a bug must not stop the inbox; the file waits in quarantine
        finding = INTERNAL(
            f"Intern feil ({type(exc).__name__}) da kvitteringen ble lest; ingenting er endret."
            f" Meld fra til leverandøren. {BACK}",
            _where(path),
        )
    else:
        exchange.move(path, target.archive)
        report.applied.append((path.name, sid, status))
        report.findings.extend(warnings)
        return
    if path.exists():  # not taken away meanwhile
        exchange.quarantine(path, target, f"{finding.code}: {finding.message}")
    report.quarantined.append((path.name, finding.message))
    report.findings.append(finding)


def _read(path: Path) -> apprec.AppRec:
    where = _where(path)
    try:
        root = xml.parse(path.read_bytes())
    except OSError as exc:
        raise Quarantined(UNREADABLE(f"Filen kan ikke leses ({exc.strerror}).", where)) from None
    except xml.XmlError as exc:
        raise Quarantined(UNREADABLE(str(exc), where)) from None
    try:
        xml.validate(root, "apprec")
        receipt = apprec.parse(root)
    except (xml.XmlError, ValueError) as exc:
        raise Quarantined(INVALID(str(exc), where)) from None
    if not receipt.id.strip() or not receipt.original_msg_id.strip():
        raise Quarantined(INVALID("Kvitteringen mangler Id eller OriginalMsgId/Id.", where))
    return receipt


def _check_fits(receipt: apprec.AppRec, limits: dict[str, int], where: str) -> None:
    """Every value the database keeps fits its column, or the file goes to quarantine."""
    values = [
        ("Id", receipt.id, limits["msg_id"]),
        ("OriginalMsgId/Id", receipt.original_msg_id, limits["original_msg_id"]),
        ("Status", receipt.status, limits["status"]),
    ]
    values += [
        (f"Error[{i}]/@V", e.code, limits["error_code"]) for i, e in enumerate(receipt.errors, 1)
    ]
    for name, value, limit in values:
        if len(value) > limit:
            shown = value if len(value) <= 24 else value[:24] + "…"
            raise Quarantined(
                TOO_LONG(
                    f"{name} i kvitteringen er {len(value)} tegn («{shown}»); oppgjor lagrer"
                    f" høyst {limit}. Ingenting er endret; be avsenderen om en rettet kvittering.",
                    where,
                )
            )


def _check_new(messages: MessageRepository, receipt: apprec.AppRec, path: Path) -> None:
    """A receipt id is used once: the same file again was applied before its move to the
    archive (archive it); any other file with that id is a duplicate."""
    seen = messages.receipt_file(receipt.id)
    if seen is None:
        return
    if seen == path.name[:300]:
        raise AlreadyApplied(messages.receipt_settlement(receipt.id))
    raise Quarantined(
        DUPLICATE(
            f"Kvittering {receipt.id} er allerede lest (fra filen {seen}); den brukes ikke to"
            " ganger.",
            _where(path),
        )
    )


def _apply_receipt(
    db: Database, path: Path, actor: str, now: datetime.datetime
) -> tuple[int, str, list[Finding]]:
    """Apply one AppRec file in one transaction: all of it, or (on any error) nothing.
    Returns the settlement, the receipt's status and its warnings."""
    receipt = _read(path)
    where = _where(path)
    with db.transaction() as repos:
        messages = repos.helfo.messages
        _check_fits(receipt, messages.receipt_limits(), where)
        _check_new(messages, receipt, path)
        try:
            rejected, whole = _reasons(receipt)
        except UseCaseError as exc:
            raise Quarantined(NOT_APPLICABLE(str(exc), where)) from None
        sid = messages.settlement_of(receipt.original_msg_id)
        if sid is None:
            raise Quarantined(
                UNKNOWN_MESSAGE(
                    f"Kvitteringen svarer på en ukjent melding ({receipt.original_msg_id}).", where
                )
            )
        try:
            st.receipt_in(
                repos, sid, rejected, whole_rejected=whole, expected=None, actor=actor, now=now
            )
        except UseCaseError as exc:  # Conflict (state) or claim numbers not in the settlement
            raise Quarantined(
                NOT_APPLICABLE(f"Kvitteringen kan ikke brukes på oppgjør {sid}: {exc}", where)
            ) from None
        messages.add_received(
            receipt.id, receipt.original_msg_id, sid, receipt.status, path.name, now
        )
    return sid, receipt.status, _unknown_codes(receipt, where)


def _unknown_codes(receipt: apprec.AppRec, where: str) -> list[Finding]:
    """A WARNING for each general error (kodeverk 8221, or no code list named on an error
    about the whole message) whose code is not in the list."""
    known = codes.table(ERRORS_8221)
    found = []
    for error in receipt.errors:
        general = error.system == apprec.OID_ERRORS or (not error.system and not error.reference)
        if general and error.code not in known:
            found.append(
                UNKNOWN_ERROR_CODE(
                    f"Feilkoden «{error.code}» finnes ikke i kodeverk 8221 (Helfos feilkoder for"
                    " kvitteringer). Kvitteringen er brukt; sjekk koden med Helfo.",
                    where,
                )
            )
    return found


def _reasons(receipt: apprec.AppRec) -> tuple[dict[int, tuple[str, str]], tuple[str, str] | None]:
    """(rejected claim numbers, whole-message rejection) from an AppRec's status and errors."""
    if receipt.status == "1":
        return {}, None
    if receipt.status == "2":
        first = receipt.errors[0] if receipt.errors else apprec.AppRecError("X99", "Avvist", None)
        return {}, (first.code, first.text)
    if receipt.status != "3":
        raise UseCaseError(f"Ukjent kvitteringsstatus «{receipt.status}».")
    rejected = {}
    for number, reason in receipt.rejected_claims.items():
        if not (number.isascii() and number.isdigit()):
            raise UseCaseError(f"Feil i delmelding peker på «{number}», ikke et regningsnummer.")
        rejected[int(number)] = reason
    return rejected, None


def simulate_receipt(
    db: Database,
    settlement_id: int,
    rejected: dict[int, tuple[str, str]],
    *,
    now: datetime.datetime,
) -> Path:
    """A Helfo-shaped AppRec for the settlement's last message, dropped into the inbox: for
    the demo and tests of a test installation only."""
    if not installation.is_test_installation(db):
        raise UseCaseError("Simulerte kvitteringer lages bare i en testinstallasjon.")
    with db.transaction() as repos:
        sent = repos.helfo.messages.sent(settlement_id)
        practice = repos.get_practice()
    if not sent:
        raise UseCaseError(f"Oppgjør {settlement_id} er ikke sendt.")
    status = "3" if rejected else "1"
    errors = tuple(
        apprec.AppRecError(code, text, str(number), apprec.OID_CLAIM_ERRORS)
        for number, (code, text) in rejected.items()
    )
    receipt = apprec.AppRec(str(uuid.uuid4()), now, status, errors, sent[-1][0])
    element = apprec.build(receipt, receiver_org=practice.org_nr if practice else "000000000")
    target = folders(get_settings(db))
    return exchange.write_atomic(target.inbox, f"apprec-{receipt.id}.xml", xml.serialise(element))
