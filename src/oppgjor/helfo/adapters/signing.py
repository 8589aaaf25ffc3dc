"""Signing with the enterprise certificate (virksomhetssertifikat), as Helfo's sample does.

Enveloped XMLDSig: inclusive C14N 1.0, RSA-SHA256, one ``Reference URI=""`` with the
enveloped-signature transform and a SHA-256 digest, the certificate in
``KeyInfo/X509Data``, the signature as the document's last child. The only module that
imports signxml and cryptography (import-linter).
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidInput, InvalidSignature
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, XMLVerifier

C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
DSIG = "http://www.w3.org/2000/09/xmldsig#"
WARN_DAYS = 30


class CertificateError(ValueError):
    """The certificate file cannot be used (wrong password, expired, no key)."""


class SignatureError(ValueError):
    """The signature does not verify or does not cover the whole document."""


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
        """The organisation number in the subject's serialNumber (Norwegian enterprise certs)."""
        found = self.certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
        return str(found[0].value) if found else None


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
    return x509.load_der_x509_certificate(base64.b64decode("".join(found.text.split())))


def verify(
    root: etree._Element,
    *,
    trusted: x509.Certificate | None = None,
    at: datetime.datetime | None = None,
) -> x509.Certificate:
    """Verify the enveloped signature of *root*; return the signing certificate.

    *trusted*: the certificate the signer must have (our own, or one pinned by the
    operator); without it, the embedded certificate is used, which proves integrity but not
    who signed. The signature must be the root's last child and its one reference must be
    ``URI=""`` over the whole document, so a wrapped (moved or duplicated) element fails."""
    signature = root[-1] if len(root) else None
    if signature is None or signature.tag != f"{{{DSIG}}}Signature":
        raise SignatureError("Signaturen må være siste element i meldingen.")
    refs = signature.findall(f"{{{DSIG}}}SignedInfo/{{{DSIG}}}Reference")
    if len(refs) != 1 or refs[0].get("URI") != "":
        raise SignatureError('Signaturen må ha én referanse, URI="", som dekker hele meldingen.')
    if len(root.findall(f".//{{{DSIG}}}Signature")) != 1:
        raise SignatureError("Meldingen har mer enn én signatur.")
    cert = trusted or embedded_certificate(root)
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
    except (InvalidSignature, InvalidInput) as exc:
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
