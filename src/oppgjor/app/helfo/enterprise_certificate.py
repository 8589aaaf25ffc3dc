"""Uploading the enterprise certificate (a PKCS#12 file) from the web page: opened with the
password the user typed, refused as :mod:`oppgjor.app.helfo.certificates` refuses it (another
organisation number, a TEST certificate in production), expired or without its key. Only an
accepted file is kept, private to oppgjor's user, and its expiry date is noted to warn before
it runs out. The password is used to open the file, never stored, logged or returned."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import certificates, exchange
from oppgjor.helfo.adapters import signing
from oppgjor.store import Database
from oppgjor.store.audit import AuditEvent

EXPIRES = "helfo_certificate_expires"  # the uploaded certificate's last day (ISO date)
MAX_SIZE = 256 * 1024  # a PKCS#12 with its chain is a few kilobytes
WARN_DAYS = 30


@dataclass(frozen=True)
class CertificateStatus:
    path: str | None
    expires: datetime.date | None  # None: not known (set up before, from the command line)
    days_left: int | None

    @property
    def expiring(self) -> bool:
        return self.days_left is not None and self.days_left <= WARN_DAYS


def status(db: Database, today: datetime.date) -> CertificateStatus:
    settings = exchange.get_settings(db)
    with db.reading() as repos:
        noted = repos.get_setting(EXPIRES)
    expires = datetime.date.fromisoformat(noted) if noted else None
    left = (expires - today).days if expires else None
    return CertificateStatus(settings["certificate"], expires, left)


def _folder(db: Database) -> Path:
    base = Path(exchange.get_settings(db)["folder"] or exchange.DEFAULTS["folder"])
    folder = base.resolve() / "sertifikat"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise UseCaseError(
            f"Mappen for sertifikatet kan ikke lages ({exc.strerror}); sjekk meldingsmappen."
        ) from None
    return folder


def _write_private(path: Path, data: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as out:
        out.write(data)


def _opened(path: Path, password: str, now: datetime.datetime) -> signing.Credentials:
    try:
        creds = signing.load_pkcs12(path, password.encode())
        signing.expiry_warning(creds, now)  # refuses an expired or not yet valid one
    except signing.CertificateError as exc:
        raise UseCaseError(f"{exc} Ingenting ble lagret.") from None
    return creds


def install(
    db: Database, data: bytes, password: str, *, actor: str, now: datetime.datetime
) -> CertificateStatus:
    """Keep the uploaded certificate and set it as the one Helfo's messages are signed with,
    if it may sign for the practice; otherwise nothing is kept (:class:`UseCaseError`)."""
    if not data:
        raise UseCaseError("Velg sertifikatfilen (.p12 eller .pfx).")
    if len(data) > MAX_SIZE:
        raise UseCaseError("Filen er for stor til å være et virksomhetssertifikat (PKCS#12).")
    if not password:
        raise UseCaseError("Skriv inn passordet til sertifikatet.")
    path = _folder(db) / f"virksomhetssertifikat-{now:%Y%m%d-%H%M%S-%f}.p12"
    _write_private(path, data)
    try:
        creds = _opened(path, password, now)
        certificates.check(db, creds.certificate)
        exchange.set_settings(db, secret=password, certificate=str(path))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    expires = creds.not_after.date()
    with db.transaction() as repos:
        repos.set_setting(EXPIRES, expires.isoformat())
        detail = {"file": path.name, "org_nr": creds.org_nr(), "expires": expires.isoformat()}
        repos.audit.add(AuditEvent(now, actor, "helfo-settings", "certificate", "installed",
                                   detail))  # fmt: skip
    return status(db, now.date())
