"""Checking a signed message as its receiver would (`oppgjor helfo verify FILE`): the
signature holds over the whole document as it reads, and it was made with the practice's own
certificate (the one in `helfo settings --certificate`, or one given), not merely with any
certificate the message carries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo.exchange import get_settings, password
from oppgjor.helfo.adapters import signing
from oppgjor.helfo.adapters.messages import xml
from oppgjor.store import Database


class Unusable(UseCaseError):
    """The message or the certificate to check against cannot be read (a file error)."""

    exit_code = 2


@dataclass(frozen=True)
class Verification:
    file: str
    valid: bool
    problem: str | None  # why the signature does not hold
    checked_against: str | None  # the pinned certificate; None: only the embedded one
    signer: signing.Signer | None  # who signed (valid), or who the message claims (invalid)


def verify_file(
    db: Database,
    path: Path,
    *,
    certificate: Path | None = None,
    secret: str | None = None,
    now: datetime.datetime,
) -> Verification:
    """Verify the signature of the message in *path* against *certificate* (PEM, DER or
    PKCS#12), or else the practice's configured certificate, or else (said so in the result)
    only the certificate the message carries."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Unusable(f"Kunne ikke lese {path} ({exc.strerror}).") from None
    pinned, against = _pinned(db, certificate, secret)
    try:
        cert = signing.verify(data, trusted=pinned, at=now)
    except xml.XmlError as exc:
        raise Unusable(f"{path.name} er ikke lesbar, trygg XML: {exc}") from None
    except signing.SignatureError as exc:
        return Verification(path.name, False, str(exc), against, signing.claimed_signer(data))
    return Verification(path.name, True, None, against, signing.Signer.of(cert))


def _pinned(
    db: Database, certificate: Path | None, secret: str | None
) -> tuple[signing.Certificate | None, str | None]:
    """(the certificate to check against, what it is) or (None, None) when none is set up."""
    if certificate is not None:
        path, against = certificate, f"sertifikatet i {certificate.name}"
    else:
        configured = get_settings(db)["certificate"]
        if not configured:
            return None, None
        path = Path(configured)
        against = f"praksisens virksomhetssertifikat ({path.name})"
    try:
        try:
            return signing.load_certificate(path), against
        except signing.PasswordNeeded:
            return signing.load_certificate(path, password(get_settings(db), secret)), against
    except signing.CertificateError as exc:
        raise Unusable(str(exc)) from None
    except UseCaseError as exc:  # no password to open the PKCS#12 file with
        raise Unusable(str(exc)) from None
