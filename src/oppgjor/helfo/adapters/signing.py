"""Signing with the enterprise certificate (virksomhetssertifikat), as Helfo's sample does.

Enveloped XMLDSig: inclusive C14N 1.0, RSA-SHA256, one ``Reference URI=""`` with the
enveloped-signature transform and a SHA-256 digest, the certificate in
``KeyInfo/X509Data``, the signature as the document's last child. The only module that
imports signxml and cryptography (import-linter).
"""

from __future__ import annotations

import base64
import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.exceptions import SignXMLException
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, XMLVerifier

from oppgjor.helfo.adapters.messages import xml

C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
DSIG = "http://www.w3.org/2000/09/xmldsig#"
WARN_DAYS = 30
Certificate = x509.Certificate  # for callers that must not import cryptography


class CertificateError(ValueError):
    """The certificate file cannot be used (wrong password, expired, no key)."""


class PasswordNeeded(CertificateError):
    """The file is neither a PEM nor a DER certificate: a PKCS#12 file needs its password."""


class SignatureError(ValueError):
    """The signature does not verify or does not cover the whole document."""


def org_nr_of(cert: x509.Certificate) -> str | None:
    """The organisation number of an enterprise certificate: its organizationIdentifier
    (``NTRNO-974760673``, SEID 2), else a subject serialNumber of nine digits (SEID 1; in
    SEID 2 the serialNumber may be another identifier, so it is not taken blindly)."""
    for attribute in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER):
        value = str(attribute.value)
        if value.startswith("NTRNO-"):
            return value.removeprefix("NTRNO-")
    for attribute in cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        value = str(attribute.value)
        if re.fullmatch(r"\d{9}", value):
            return value
    return None


# a test CA names itself so: Buypass «Class 3 Test4 CA», Commfides «... TEST ...», «oppgjor TEST CA»
_TEST_MARK = re.compile(r"(?<![a-z])test(?![a-z])", re.IGNORECASE)
_NAMES = (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME, NameOID.ORGANIZATIONAL_UNIT_NAME)


def is_test_certificate(cert: x509.Certificate) -> bool:
    """Issued by a test CA (the issuer's names say TEST, as every Norwegian test CA's do)."""
    return any(_TEST_MARK.search(str(a.value)) for a in cert.issuer if a.oid in _NAMES)


def issuer_name(cert: x509.Certificate) -> str:
    names = cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.issuer.rfc4514_string()


@dataclass(frozen=True)
class Signer:
    """Who a certificate says it belongs to, as a user reads it."""

    org_nr: str | None
    name: str
    subject: str
    not_after: datetime.datetime

    @classmethod
    def of(cls, cert: x509.Certificate) -> Signer:
        names = cert.subject.get_attributes_for_oid(
            NameOID.ORGANIZATION_NAME
        ) or cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        name = str(names[0].value) if names else cert.subject.rfc4514_string()
        return cls(org_nr_of(cert), name, cert.subject.rfc4514_string(), cert.not_valid_after_utc)


@dataclass(frozen=True)
class Credentials:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def not_after(self) -> datetime.datetime:
        return self.certificate.not_valid_after_utc

    def org_nr(self) -> str | None:
        """The organisation number in the subject (Norwegian enterprise certs)."""
        return org_nr_of(self.certificate)


def load_pkcs12(path: Path, password: bytes) -> Credentials:
    """The key and certificate of a PKCS#12 file. The password is used, never kept."""
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(path.read_bytes(), password)
    except ValueError:
        raise CertificateError(
            f"Kunne ikke åpne sertifikatfilen {path.name}: feil passord eller ødelagt fil."
        ) from None
    if key is None or cert is None or not isinstance(key, rsa.RSAPrivateKey):
        raise CertificateError(f"{path.name} mangler en RSA-nøkkel med sertifikat.")
    return Credentials(key, cert, tuple(chain or ()))


def load_certificate(path: Path, password: bytes | None = None) -> x509.Certificate:
    """A certificate to verify against (to pin): PEM, DER, or the certificate of a PKCS#12
    file, which usually needs its *password* (:class:`PasswordNeeded` without it)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CertificateError(
            f"Kunne ikke lese sertifikatfilen {path} ({exc.strerror})."
        ) from None
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        pass
    try:
        _, cert, _ = pkcs12.load_key_and_certificates(data, password)
    except ValueError:  # a wrong or missing password, or not a certificate file at all
        if password is None:
            raise PasswordNeeded(
                f"{path.name} er ikke et PEM- eller DER-sertifikat; er det en PKCS#12-fil, "
                "trengs passordet."
            ) from None
        raise CertificateError(
            f"Kunne ikke åpne sertifikatfilen {path.name}: feil passord eller ikke et sertifikat."
        ) from None
    if cert is None:
        raise CertificateError(f"{path.name} har ikke noe sertifikat.")
    return cert


def expiry_warning(creds: Credentials, now: datetime.datetime) -> str | None:
    """Refuse an expired (or not yet valid) certificate; a warning text in its last 30 days."""
    now = now if now.tzinfo else now.replace(tzinfo=datetime.UTC)
    if now >= creds.not_after:
        raise CertificateError(
            f"Virksomhetssertifikatet gikk ut {creds.not_after:%d.%m.%Y}; skaff et nytt."
        )
    if now < creds.certificate.not_valid_before_utc:
        raise CertificateError("Virksomhetssertifikatet er ikke gyldig ennå.")
    left = (creds.not_after - now).days
    if left <= WARN_DAYS:
        return f"Virksomhetssertifikatet går ut {creds.not_after:%d.%m.%Y} ({left} dager igjen)."
    return None


def sign(root: etree._Element, creds: Credentials) -> etree._Element:
    """The document with an enveloped signature appended as its last child."""
    signer = XMLSigner(
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=C14N_10,
    )
    key = creds.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signed: etree._Element = signer.sign(
        root,
        key=key,
        cert=[creds.certificate],
        exclude_c14n_transform_element=True,
    )
    return signed


def embedded_certificate(root: etree._Element) -> x509.Certificate:
    found = root.find(
        f"{{{DSIG}}}Signature/{{{DSIG}}}KeyInfo/{{{DSIG}}}X509Data/{{{DSIG}}}X509Certificate"
    )
    if found is None or not (found.text or "").strip():
        raise SignatureError("Meldingen har ingen signatur med sertifikat.")
    try:
        return x509.load_der_x509_certificate(base64.b64decode("".join(found.text.split())))
    except ValueError:
        raise SignatureError("Sertifikatet i signaturen kan ikke leses.") from None


def claimed_signer(document: bytes) -> Signer | None:
    """Who the certificate embedded in *document* names, without verifying anything (to say
    who a message claims to be from when its signature fails); None if it names no one."""
    try:
        return Signer.of(embedded_certificate(xml.parse(document, comments=False)))
    except (xml.XmlError, SignatureError):
        return None


def _same_reading(as_read: etree._Element, signed: etree._Element) -> None:
    """The document read with its comments says what the signed (comment-free) one says: a
    comment inside a value (``1<!-- x -->0``: signed as ``10``, read as ``1``) fails."""
    read = [e for e in as_read.iter() if isinstance(e.tag, str)]
    kept = [e for e in signed.iter() if isinstance(e.tag, str)]
    for a, b in zip(read, kept, strict=True):
        if (a.text or "").strip() != (b.text or "").strip() or (a.tail or "").strip() != (
            b.tail or ""
        ).strip():
            raise SignatureError(
                f"Meldingen har en kommentar inne i en verdi ({etree.QName(a).localname}): det"
                " som leses, er ikke det som er signert."
            )


def _signing_certificate(
    root: etree._Element, trusted: x509.Certificate | None
) -> x509.Certificate:
    """The certificate the signature must verify with: *trusted* when given, and then the
    embedded one (if any) must be that very certificate."""
    if trusted is None:
        return embedded_certificate(root)
    try:
        embedded = embedded_certificate(root)
    except SignatureError:
        return trusted
    if embedded != trusted:
        raise SignatureError(
            f"Meldingen er signert med et annet sertifikat ({Signer.of(embedded).subject}) enn"
            f" det forventede ({Signer.of(trusted).subject})."
        )
    return trusted


def verify(
    document: bytes | etree._Element,
    *,
    trusted: x509.Certificate | None = None,
    at: datetime.datetime | None = None,
) -> x509.Certificate:
    """Verify the enveloped signature of *document* as a receiver would; return the signing
    certificate. :class:`SignatureError` when it does not hold; ``xml.XmlError`` when the
    bytes are not safe, well-formed XML.

    *document* is the signed bytes (an element is serialised first). They are parsed without
    comments and entities, as the canonicalisation reads them, and must read the same as with
    their comments, so a comment cannot change what a reader sees without breaking the
    signature. *trusted*: the certificate the signer must have (the practice's own, pinned);
    without it, the embedded certificate is used, which proves integrity but not who signed.
    The signature must be the root's last child and its one reference must be ``URI=""`` over
    the whole document, so a wrapped (moved or duplicated) element fails."""
    data = document if isinstance(document, bytes) else etree.tostring(document)
    root = xml.parse(data, comments=False)
    _same_reading(xml.parse(data), root)
    signature = root[-1] if len(root) else None
    if signature is None or signature.tag != f"{{{DSIG}}}Signature":
        raise SignatureError("Signaturen må være siste element i meldingen.")
    refs = signature.findall(f"{{{DSIG}}}SignedInfo/{{{DSIG}}}Reference")
    if len(refs) != 1 or refs[0].get("URI") != "":
        raise SignatureError('Signaturen må ha én referanse, URI="", som dekker hele meldingen.')
    if len(root.findall(f".//{{{DSIG}}}Signature")) != 1:
        raise SignatureError("Meldingen har mer enn én signatur.")
    cert = _signing_certificate(root, trusted)
    if at is not None and at.tzinfo is None:
        at = at.astimezone()  # local wall time
    config = SignatureConfiguration(
        location="./",
        expect_references=1,
        signature_methods=frozenset({SignatureMethod.RSA_SHA256}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
        verification_time=at,
        default_reference_c14n_method=CanonicalizationMethod.CANONICAL_XML_1_0,
    )
    try:
        result = XMLVerifier().verify(
            etree.tostring(root), x509_cert=cert, expect_config=config, validate_schema=True
        )
    except (SignXMLException, ValueError) as exc:
        raise SignatureError(f"Signaturen er ikke gyldig: {exc}") from None
    signed = result.signed_xml  # type: ignore[union-attr]
    if signed is None or etree.QName(signed).localname != etree.QName(root).localname:
        raise SignatureError("Signaturen dekker ikke hele meldingen.")
    return cert


def make_test_certificate(
    org_nr: str,
    name: str,
    password: bytes,
    *,
    now: datetime.datetime | None = None,
    days: int = 365,
) -> bytes:
    """A PKCS#12 with a test CA-issued enterprise certificate, for tests and the demo only.
    It is marked TEST in its subject and is worth nothing outside oppgjor's test runs."""
    now = now or datetime.datetime.now(datetime.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "oppgjor TEST CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days + 1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NO"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"{name} (TEST)"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{name} TEST"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, org_nr),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        f"{name} TEST".encode(),
        key,
        cert,
        [ca],
        serialization.BestAvailableEncryption(password),
    )
