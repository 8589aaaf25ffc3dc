"""Sending settlements to Helfo through the message server's folders, and reading receipts.

Settings live in the database (never the certificate password): the folders, the PKCS#12
file's location, where its password comes from, the message type and Helfo's ids.
"""

from __future__ import annotations

import datetime
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from oppgjor.app import installation
from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import certificates, delivery
from oppgjor.helfo.adapters import folders as exchange
from oppgjor.helfo.adapters import outbox, signing
from oppgjor.helfo.adapters.messages import msghead, xml
from oppgjor.helfo.domain.model import Settlement
from oppgjor.store import Database
from oppgjor.store.repos import Repos

PASSWORD_ENV = "OPPGJOR_CERT_PASSWORD"
SETTINGS = {
    "folder": "helfo_folder",  # base of outbox/inbox/archive/quarantine unless set one by one
    "outbox": "helfo_outbox",
    "inbox": "helfo_inbox",
    "archive": "helfo_archive",
    "quarantine": "helfo_quarantine",
    "certificate": "helfo_certificate",
    "password_file": "helfo_password_file",
    "message_type": "helfo_message_type",
    "receiver_her": "helfo_receiver_her",
    "receiver_org": "helfo_receiver_org",
}
DEFAULTS = {
    "folder": "var/helfo",
    "message_type": "POM",
    "receiver_her": "79768",  # Helfo's HER-id (shared/reference/helfo/NOTES.md §2)
    "receiver_org": "889640782",  # NAV's electronic id as receiver (FBV manual §3.7)
}


def get_settings(db: Database) -> dict[str, str | None]:
    with db.transaction() as repos:
        return {k: repos.get_setting(v) or DEFAULTS.get(k) for k, v in SETTINGS.items()}


def set_settings(
    db: Database, *, secret: str | None = None, **values: str | None
) -> dict[str, str | None]:
    """Store the settings given; a certificate is checked first (it must carry the practice's
    org.nr; a TEST certificate only in a test installation), with *secret* or the password
    from the settings given or stored."""
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise UseCaseError(f"Ukjent innstilling: {', '.join(sorted(unknown))}.")
    if values.get("message_type") and values["message_type"] not in msghead.MESSAGE_TYPES:
        raise UseCaseError(f"Meldingstype må være {' eller '.join(msghead.MESSAGE_TYPES)}.")
    if values.get("certificate"):
        merged = {**get_settings(db), **{k: v for k, v in values.items() if v is not None}}
        _check_certificate(db, Path(values["certificate"] or ""), merged, secret)
    with db.transaction() as repos:
        for key, value in values.items():
            if value is not None:
                repos.set_setting(SETTINGS[key], value)
    return get_settings(db)


def _is_file(path: str | Path) -> bool:
    """Whether *path* names a file; a name no filesystem can hold (too long, a NUL) does not."""
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


def _check_certificate(
    db: Database, path: Path, settings: dict[str, str | None], secret: str | None
) -> None:
    """Open the certificate being configured and refuse it if it must not sign for the
    practice; a file that is not there yet is left to :func:`missing` to report."""
    if not _is_file(path):
        return
    try:
        try:
            cert = signing.load_certificate(path)
        except signing.PasswordNeeded:
            cert = signing.load_certificate(path, password(settings, secret))
    except signing.CertificateError as exc:
        raise UseCaseError(str(exc)) from None
    except OSError as exc:
        raise UseCaseError(f"Sertifikatet {path} kan ikke leses: {exc.strerror}.") from None
    certificates.check(db, cert)


def folders(settings: dict[str, str | None]) -> exchange.Folders:
    base = exchange.Folders.under(Path(settings["folder"] or DEFAULTS["folder"]))
    return exchange.Folders(
        Path(settings["outbox"]) if settings["outbox"] else base.outbox,
        Path(settings["inbox"]) if settings["inbox"] else base.inbox,
        Path(settings["archive"]) if settings["archive"] else base.archive,
        Path(settings["quarantine"]) if settings["quarantine"] else base.quarantine,
    )


def ready(target: exchange.Folders) -> exchange.Folders:
    """The message folders, made where missing; a folder that cannot be made is the user's
    setting to fix, said as such."""
    try:
        target.ensure()
    except OSError as exc:
        raise UseCaseError(
            f"Meldingsmappene kan ikke lages ({exc.strerror}); sjekk oppgjor helfo settings."
        ) from None
    return target


def missing(db: Database) -> list[str]:
    """Everything that must be filled in before a file can be made, in one list."""
    settings = get_settings(db)
    with db.transaction() as repos:
        practice = repos.get_practice()
    gaps = []
    if practice is None:
        gaps.append("praksisen (oppgjor practice set)")
    else:
        for label, value in (
            ("praksisens org.nr", practice.org_nr),
            ("praksisens HER-id", practice.her_id),
            ("kontaktpersonens e-post for utbetalingsvedtak", practice.contact_email),
        ):
            if not value:
                gaps.append(label)
    if not settings["certificate"]:
        gaps.append("virksomhetssertifikat (oppgjor helfo settings --certificate FIL.p12)")
    elif not _is_file(settings["certificate"]):
        gaps.append(f"virksomhetssertifikatet finnes ikke: {settings['certificate']}")
    return gaps


def password(settings: dict[str, str | None], given: str | None = None) -> bytes:
    """The certificate password: given (asked for), from $OPPGJOR_CERT_PASSWORD, or from a
    secret file readable by the owner only. Never stored by oppgjor."""
    if given:
        return given.encode()
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV].encode()
    path = settings.get("password_file")
    if path:
        secret = Path(path)
        if not _is_file(secret):
            raise UseCaseError(f"Passordfilen {secret} finnes ikke.")
        if stat.S_IMODE(secret.stat().st_mode) & 0o077:
            raise UseCaseError(
                f"Passordfilen {secret} kan leses av andre; gjør den privat (chmod 600)."
            )
        return secret.read_text(encoding="utf-8").strip().encode()
    raise UseCaseError(
        f"Oppgi sertifikatpassordet (spørsmål, ${PASSWORD_ENV} eller --password-file)."
    )


@dataclass(frozen=True)
class FileResult:
    settlement: Settlement
    path: str
    msg_id: str
    warning: str | None = None


def _addressing(repos: Repos, settings: dict[str, str | None]) -> outbox.Addressing:
    practice = repos.get_practice()
    assert practice is not None
    return outbox.Addressing(
        sender=msghead.Party(practice.name, practice.her_id, practice.org_nr),
        receiver=msghead.Party(
            "Helfo", settings["receiver_her"] or None, settings["receiver_org"] or None
        ),
        msg_type=settings["message_type"] or "POM",
        test=repos.get_setting(installation.TEST_INSTALLATION) == "true",
    )


def _credentials(
    db: Database, settings: dict[str, str | None], secret: bytes, now: datetime.datetime
) -> tuple[signing.Credentials, str | None]:
    """The key to sign with, if its certificate may sign for the practice (checked again here:
    the practice or the installation may have changed since it was configured)."""
    try:
        creds = signing.load_pkcs12(Path(settings["certificate"] or ""), secret)
        warning = signing.expiry_warning(creds, now)
    except signing.CertificateError as exc:
        raise UseCaseError(str(exc)) from None
    except OSError as exc:
        raise UseCaseError(f"Sertifikatet kan ikke leses: {exc.strerror}.") from None
    certificates.check(db, creds.certificate)
    return creds, warning


def locks(settings: dict[str, str | None]) -> Path:
    """Where the settlements' sending locks live: the outbox's staging folder."""
    return delivery.outbox_staging(folders(settings).outbox)


def create_file(
    db: Database,
    settlement_id: int,
    *,
    secret: str | None = None,
    resend: bool = False,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> FileResult:
    """Lag fil til innsending: the signed BKM in the outbox, once per settlement unless the
    user resends; what is missing is said in one list before anything is written. A send a
    crash interrupted is finished instead (ADR 0012), never made twice."""
    gaps = missing(db)
    if gaps:
        raise UseCaseError("Fyll ut før filen kan lages: " + "; ".join(gaps) + ".")
    settings = get_settings(db)
    creds, warning = _credentials(db, settings, password(settings, secret), now)
    target = ready(folders(settings))
    with db.transaction() as repos:
        addressing = _addressing(repos, settings)
    channel = delivery.FileChannel(
        "utboks",
        target.outbox,
        lambda sub: outbox.render(sub, addressing, creds, now),
        lambda sid, msg_id: exchange.message_file_name(sid, msg_id, now),
    )
    return _sent(db, settlement_id, channel, settings, (resend, expected), actor, now, warning)


def portal_file(
    db: Database,
    settlement_id: int,
    path: Path,
    *,
    secret: str | None = None,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> FileResult:
    """Without Norsk Helsenett: the same message as a file for Helfo's portal, signed when a
    certificate is set up; the settlement is recorded as sent that way."""
    settings = get_settings(db)
    gaps = [g for g in missing(db) if "sertifikat" not in g]
    if gaps:
        raise UseCaseError("Fyll ut før filen kan lages: " + "; ".join(gaps) + ".")
    creds, warning = None, None
    if settings["certificate"]:
        creds, warning = _credentials(db, settings, password(settings, secret), now)
    with db.transaction() as repos:
        addressing = _addressing(repos, settings)
    channel = delivery.FileChannel(
        delivery.PORTAL,
        path.parent,
        lambda sub: outbox.render(sub, addressing, creds, now),
        lambda sid, msg_id: path.name,
    )
    return _sent(db, settlement_id, channel, settings, (False, expected), actor, now, warning)


def portal_download(
    db: Database,
    settlement_id: int,
    *,
    secret: str | None = None,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> tuple[FileResult, bytes]:
    """:func:`portal_file` for a caller that takes the file away (the API): made in a private
    temporary folder, returned as bytes, and the folder removed."""
    with tempfile.TemporaryDirectory(prefix="oppgjor-portal-") as folder:
        path = Path(folder) / f"oppgjor-{settlement_id}-helfo.xml"
        result = portal_file(
            db, settlement_id, path, secret=secret, expected=expected, actor=actor, now=now
        )
        return result, path.read_bytes()


def _sent(
    db: Database,
    settlement_id: int,
    channel: delivery.FileChannel,
    settings: dict[str, str | None],
    again: tuple[bool, int | None],  # resend, and the version the user saw
    actor: str,
    now: datetime.datetime,
    warning: str | None,
) -> FileResult:
    try:
        sent = delivery.send_file(
            db, settlement_id, channel, locks=locks(settings), resend=again[0],
            mode=installation.file_mode(db), expected=again[1], actor=actor, now=now,
        )  # fmt: skip
    except xml.XmlError as exc:
        raise UseCaseError(f"Meldingen ble ikke gyldig, ingen fil laget: {exc}") from None
    if sent.recovered:
        note = "fullført fra et avbrutt forsøk; ingen ny melding ble laget"
        warning = f"{warning}; {note}" if warning else note.capitalize()
    return FileResult(sent.settlement, sent.detail, sent.reference, warning)
