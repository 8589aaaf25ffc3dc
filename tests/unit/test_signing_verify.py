"""Signatures checked as a receiver would (issue 11 §5): a signed document is read without
comments, as the canonicalisation reads it, so a comment inside a value cannot change what a
reader sees; and a pinned certificate means the signature must be made by that certificate."""

from __future__ import annotations

import base64
import datetime

import pytest
from cryptography.hazmat.primitives import serialization
from lxml import etree

from oppgjor.helfo.adapters import signing
from oppgjor.helfo.adapters.messages import xml

NS = "urn:test:melding"
DOCUMENT = f"""<Melding xmlns="{NS}"><RegningNr>10</RegningNr><Belop V="375.00"/>
  <Tekst>Behandling</Tekst></Melding>""".encode()


def credentials(tmp_path_factory, org_nr, name):
    path = tmp_path_factory.mktemp("cert") / f"{org_nr}.p12"
    path.write_bytes(signing.make_test_certificate(org_nr, name, b"pw"))
    return path, signing.load_pkcs12(path, b"pw")


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    return credentials(tmp_path_factory, "974760673", "Testklinikk")


@pytest.fixture(scope="module")
def theirs(tmp_path_factory):
    return credentials(tmp_path_factory, "983974899", "Annen klinikk")


@pytest.fixture(scope="module")
def signed(ours):
    return xml.serialise(signing.sign(etree.fromstring(DOCUMENT), ours[1]))


def test_a_valid_signature_holds_with_and_without_a_pinned_certificate(ours, signed):
    creds = ours[1]
    assert signing.verify(signed) == creds.certificate
    assert signing.verify(signed, trusted=creds.certificate) == creds.certificate
    assert signing.verify(xml.parse(signed), trusted=creds.certificate) == creds.certificate
    signer = signing.Signer.of(creds.certificate)
    assert signer.org_nr == "974760673" and signer.name == "Testklinikk (TEST)"


def test_a_comment_inside_a_value_fails_verification(ours, signed):
    tampered = signed.replace(b"<RegningNr>10</RegningNr>", b"<RegningNr>1<!-- x -->0</RegningNr>")
    assert tampered != signed
    assert xml.parse(tampered).findtext(f"{{{NS}}}RegningNr") == "1"  # what a reader sees
    for document in (tampered, xml.parse(tampered)):
        with pytest.raises(signing.SignatureError, match="kommentar inne i en verdi"):
            signing.verify(document, trusted=ours[1].certificate)
    split = signed.replace(b">Behandling<", b">Beh<!---->andling<")
    assert split != signed
    with pytest.raises(signing.SignatureError, match="kommentar"):
        signing.verify(split)


def test_a_comment_between_elements_changes_nothing_and_still_verifies(ours, signed):
    harmless = signed.replace(b"<Tekst>", b"<!-- merknad --><Tekst>")
    assert harmless != signed
    assert signing.verify(harmless, trusted=ours[1].certificate) == ours[1].certificate


@pytest.mark.parametrize(
    ("old", "new"),
    [(b"<RegningNr>10<", b"<RegningNr>19<"), (b'V="375.00"', b'V="975.00"')],
    ids=["text", "attribute"],
)
def test_a_changed_digit_fails_verification(ours, signed, old, new):
    assert old in signed
    with pytest.raises(signing.SignatureError, match="ikke gyldig"):
        signing.verify(signed.replace(old, new), trusted=ours[1].certificate)
    with pytest.raises(signing.SignatureError, match="ikke gyldig"):
        signing.verify(signed.replace(old, new))


def test_a_signature_by_another_certificate_than_the_pinned_one_fails(ours, theirs, signed):
    with pytest.raises(signing.SignatureError, match="annet sertifikat"):
        signing.verify(signed, trusted=theirs[1].certificate)
    # their own valid signature, re-signed with their key and certificate, is not ours
    other = xml.serialise(signing.sign(etree.fromstring(DOCUMENT), theirs[1]))
    assert signing.verify(other) == theirs[1].certificate  # valid, but by someone else
    with pytest.raises(signing.SignatureError, match="annet sertifikat"):
        signing.verify(other, trusted=ours[1].certificate)


def test_a_swapped_embedded_certificate_does_not_pass_as_the_pinned_one(ours, theirs):
    """Signed with their key but carrying our certificate: the key decides, not the label."""
    signed = signing.sign(etree.fromstring(DOCUMENT), theirs[1])
    ds = "{http://www.w3.org/2000/09/xmldsig#}"
    found = signed.find(f"{ds}Signature/{ds}KeyInfo/{ds}X509Data/{ds}X509Certificate")
    ours_der = ours[1].certificate.public_bytes(serialization.Encoding.DER)
    found.text = base64.b64encode(ours_der).decode()
    with pytest.raises(signing.SignatureError, match="ikke gyldig"):
        signing.verify(xml.serialise(signed), trusted=ours[1].certificate)


def test_the_pinned_certificate_loads_from_pem_der_and_pkcs12(ours, tmp_path):
    path, creds = ours
    pem = tmp_path / "virk.pem"
    pem.write_bytes(creds.certificate.public_bytes(serialization.Encoding.PEM))
    der = tmp_path / "virk.cer"
    der.write_bytes(creds.certificate.public_bytes(serialization.Encoding.DER))
    assert signing.load_certificate(pem) == creds.certificate
    assert signing.load_certificate(der) == creds.certificate
    assert signing.load_certificate(path, b"pw") == creds.certificate
    with pytest.raises(signing.PasswordNeeded):
        signing.load_certificate(path)
    with pytest.raises(signing.CertificateError, match="feil passord"):
        signing.load_certificate(path, b"galt")
    with pytest.raises(signing.CertificateError, match="Kunne ikke lese"):
        signing.load_certificate(tmp_path / "finnes-ikke.pem")


def test_no_signature_or_not_xml(signed):
    with pytest.raises(signing.SignatureError, match="siste element"):
        signing.verify(DOCUMENT)
    with pytest.raises(xml.XmlError):
        signing.verify(b"<Melding>")
    assert signing.claimed_signer(b"<Melding>") is None
    assert signing.claimed_signer(signed).org_nr == "974760673"


def test_an_expired_pinned_certificate_fails_at_a_later_time(ours, signed):
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=400)
    with pytest.raises(signing.SignatureError):
        signing.verify(signed, trusted=ours[1].certificate, at=later)


def _certificate(*attributes):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(list(attributes))
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )  # fmt: skip


def test_the_organisation_number_of_seid_1_and_seid_2_certificates():
    from cryptography.x509 import NameAttribute as A
    from cryptography.x509.oid import NameOID as N

    seid1 = _certificate(A(N.SERIAL_NUMBER, "974760673"), A(N.COMMON_NAME, "Klinikk"))
    assert signing.org_nr_of(seid1) == "974760673"
    # SEID 2: the number is the organizationIdentifier; a serialNumber may be something else
    seid2 = _certificate(A(N.ORGANIZATION_IDENTIFIER, "NTRNO-889640782"),
                         A(N.SERIAL_NUMBER, "UN:NO-9578-4050-127091783"))  # fmt: skip
    assert signing.org_nr_of(seid2) == "889640782"
    assert signing.org_nr_of(_certificate(A(N.SERIAL_NUMBER, "ABC-1"))) is None
