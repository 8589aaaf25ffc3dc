"""Issue 12 §3: a certificate that must not sign for the practice is refused, when it is
configured and again when a message is signed: one carrying another organisation number, and a
TEST certificate in a production installation. The practice's own certificate still signs."""

import os

from cli_helpers import DEMO_ORG_NR, controlled, js
from oppgjor.helfo.adapters import signing

OTHER_ORG_NR = "983974899"


def certificate(tmp_path, org_nr, name="virk.p12"):
    cert = tmp_path / name
    cert.write_bytes(signing.make_test_certificate(org_nr, "Demo", b"s3cret"))
    secret = tmp_path / "virk.passord"
    secret.write_text("s3cret")
    os.chmod(secret, 0o600)
    return cert, secret


def submitted(cli):
    sid = str(js(cli("settlement", "new", "--type", "bkm", "--json"))["id"])
    js(cli("settlement", "mark", sid, "--all", "--json"))
    if controlled(cli("settlement", "control", sid, "--json"))["blocking"]:
        js(cli("settlement", "move-blocked", sid, "--json"))
        controlled(cli("settlement", "control", sid, "--json"))
    js(cli("settlement", "submit", sid, "--json"))
    return sid


def outbox_files(folder):
    outbox = folder / "outbox"
    return sorted(outbox.iterdir()) if outbox.exists() else []


def settings(cli, folder, cert, secret):
    return cli("helfo", "settings", "--folder", str(folder), "--certificate", str(cert),
               "--password-file", str(secret))  # fmt: skip


def test_a_certificate_of_another_organisation_is_refused_when_configured(cli, tmp_path):
    cert, secret = certificate(tmp_path, OTHER_ORG_NR)
    refused = settings(cli, tmp_path / "meldinger", cert, secret)
    assert refused.exit_code == 1
    assert f"org.nr {OTHER_ORG_NR}" in refused.output and f"org.nr {DEMO_ORG_NR}" in refused.output
    assert js(cli("helfo", "settings", "--json"))["settings"]["certificate"] is None


def test_a_test_certificate_is_refused_in_a_production_installation(cli, tmp_path):
    cli("config", "--production")
    cert, secret = certificate(tmp_path, DEMO_ORG_NR)
    refused = settings(cli, tmp_path / "meldinger", cert, secret)
    assert refused.exit_code == 1
    assert "TEST-sertifikat" in refused.output and "produksjon" in refused.output
    assert js(cli("helfo", "settings", "--json"))["settings"]["certificate"] is None


def test_signing_refuses_what_changed_since_configuration(cli, tmp_path):
    folder = tmp_path / "meldinger"
    cert, secret = certificate(tmp_path, DEMO_ORG_NR)
    assert settings(cli, folder, cert, secret).exit_code == 0
    sid = submitted(cli)
    cli("config", "--production")  # the installation went live with the TEST certificate
    refused = cli("helfo", "send", sid)
    assert refused.exit_code == 1 and "TEST-sertifikat" in refused.output
    cli("config", "--test-installation")
    cert.write_bytes(signing.make_test_certificate(OTHER_ORG_NR, "Annen", b"s3cret"))
    refused = cli("helfo", "send", sid)  # the file was replaced by another organisation's
    assert refused.exit_code == 1 and f"org.nr {OTHER_ORG_NR}" in refused.output
    assert outbox_files(folder) == []
    assert js(cli("settlement", "show", sid, "--json"))["status"] == "Innsendt"
    cert.write_bytes(signing.make_test_certificate(DEMO_ORG_NR, "Demo", b"s3cret"))
    sent = cli("helfo", "send", sid, "--json")
    assert sent.exit_code == 0, sent.output
    assert len(outbox_files(folder)) == 1


def test_test_issuers_are_recognised_by_their_names(tmp_path):
    cert, _ = certificate(tmp_path, DEMO_ORG_NR)
    ours = signing.load_pkcs12(cert, b"s3cret").certificate
    assert signing.is_test_certificate(ours)
    assert signing.org_nr_of(ours) == DEMO_ORG_NR


def _issued_by(issuer):
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Klinikk AS")])
    return (
        x509.CertificateBuilder().subject_name(name)
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key()).serial_number(1).not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256())
    )  # fmt: skip


def test_norwegian_test_cas_are_test_and_production_cas_are_not():
    for issuer in (
        "Buypass Class 3 Test4 CA G2 ST Business",
        "Commfides CPN Enterprise-Norwegian SHA256 CA - TEST2",
    ):
        assert signing.is_test_certificate(_issued_by(issuer)), issuer
    for issuer in (
        "Buypass Class 3 CA G2 ST Business",
        "Commfides CPN Enterprise-Norwegian SHA256 CA",
        "Testesen Sertifikat AS",
    ):
        assert not signing.is_test_certificate(_issued_by(issuer)), issuer
