"""`oppgjor helfo verify FILE`: a user checks any message in the outbox as its receiver would.
Exit 0 when the signature holds (made by the practice's own certificate), 1 when it does not
(a clear message, no traceback), 2 when the file or the certificate cannot be read."""

import json
import os
import re

import pytest
from cryptography.hazmat.primitives import serialization
from lxml import etree

from cli_helpers import DEMO_ORG_NR, controlled, js
from oppgjor.helfo.adapters import signing
from oppgjor.helfo.adapters.messages import xml

ORG_NR = DEMO_ORG_NR  # the demo practice's: its certificate must carry it


def p12(tmp_path, name, org_nr, password=b"s3cret"):
    path = tmp_path / name
    path.write_bytes(signing.make_test_certificate(org_nr, "Demo", password))
    return path


@pytest.fixture
def outbox_message(cli, tmp_path):
    """A settlement signed into the outbox with the practice's configured certificate."""
    folder = tmp_path / "meldinger"
    cert = p12(tmp_path, "virk.p12", ORG_NR)
    secret = tmp_path / "virk.passord"
    secret.write_text("s3cret")
    os.chmod(secret, 0o600)
    cli("helfo", "settings", "--folder", str(folder), "--certificate", str(cert),
        "--password-file", str(secret))  # fmt: skip
    sid = str(js(cli("settlement", "new", "--type", "bkm", "--json"))["id"])
    js(cli("settlement", "mark", sid, "--all", "--json"))
    if controlled(cli("settlement", "control", sid, "--json"))["blocking"]:
        js(cli("settlement", "move-blocked", sid, "--json"))
        controlled(cli("settlement", "control", sid, "--json"))
    js(cli("settlement", "submit", sid, "--json"))
    sent = js(cli("helfo", "send", sid, "--json"))
    return folder / "outbox" / os.path.basename(sent["file"]), cert


def test_a_message_in_the_outbox_verifies_against_the_practices_certificate(cli, outbox_message):
    path, _ = outbox_message
    shown = cli("helfo", "verify", str(path))
    assert shown.exit_code == 0, shown.output
    assert "Signaturen holder" in shown.output and f"org.nr {ORG_NR}" in shown.output
    assert "praksisens virksomhetssertifikat (virk.p12)" in shown.output
    data = js(cli("helfo", "verify", str(path), "--json"))
    assert data["valid"] is True and data["signer"]["org_nr"] == ORG_NR
    assert data["checked_against"].startswith("praksisens")


def test_a_comment_tampered_or_changed_message_fails_with_exit_1(cli, outbox_message, tmp_path):
    path, _ = outbox_message
    signed = path.read_bytes()
    found = re.search(rb"<(\w+)>(\d{2,})</\1>", signed)  # a number of several digits
    assert found is not None
    tag, number = found.groups()
    before = b"<%s>%s<" % (tag, number)
    comment = signed.replace(before, b"<%s>%s<!-- x -->%s<" % (tag, number[:1], number[1:]), 1)
    other = number[:-1] + (b"1" if number[-1:] == b"0" else b"0")
    digit = signed.replace(before, b"<%s>%s<" % (tag, other), 1)
    for name, data, expected in (
        ("kommentar.xml", comment, "kommentar"),
        ("siffer.xml", digit, ""),
    ):
        assert data != signed
        target = tmp_path / name
        target.write_bytes(data)
        shown = cli("helfo", "verify", str(target))
        assert shown.exit_code == 1, shown.output
        assert "Signaturen holder ikke" in shown.output and expected in shown.output
        assert isinstance(shown.exception, SystemExit)  # an exit code, not a crash
        assert js_error(cli("helfo", "verify", str(target), "--json"))["valid"] is False


def js_error(result):
    assert result.exit_code == 1, result.output
    return json.loads(result.output)


def test_another_certificate_than_the_given_one_fails(cli, outbox_message, tmp_path):
    path, cert = outbox_message
    other = signing.load_pkcs12(p12(tmp_path, "annen.p12", "983974899"), b"s3cret")
    pem = tmp_path / "annen.pem"
    pem.write_bytes(other.certificate.public_bytes(serialization.Encoding.PEM))
    shown = cli("helfo", "verify", str(path), "--certificate", str(pem))
    assert shown.exit_code == 1 and "annet sertifikat" in shown.output
    ours = signing.load_pkcs12(cert, b"s3cret").certificate
    der = tmp_path / "var.cer"
    der.write_bytes(ours.public_bytes(serialization.Encoding.DER))
    shown = cli("helfo", "verify", str(path), "--certificate", str(der))
    assert shown.exit_code == 0 and "sertifikatet i var.cer" in shown.output


def test_unreadable_files_exit_2(cli, outbox_message, tmp_path):
    path, _ = outbox_message
    broken = tmp_path / "brutt.xml"
    broken.write_bytes(path.read_bytes()[:200])
    for args in (
        [str(tmp_path / "finnes-ikke.xml")],
        [str(broken)],
        [str(tmp_path)],
        [str(path), "--certificate", str(tmp_path / "finnes-ikke.pem")],
    ):
        shown = cli("helfo", "verify", *args)
        assert shown.exit_code == 2, (args, shown.output)
        assert isinstance(shown.exception, SystemExit)  # an exit code, not a crash


def test_without_a_configured_certificate_it_says_who_signed_is_not_proven(cli, tmp_path):
    cert = signing.load_pkcs12(p12(tmp_path, "virk.p12", ORG_NR), b"s3cret")
    path = tmp_path / "melding.xml"
    path.write_bytes(xml.serialise(signing.sign(etree.fromstring(b"<M><A>1</A></M>"), cert)))
    shown = cli("helfo", "verify", str(path))
    assert shown.exit_code == 0, shown.output
    assert "Ikke sjekket mot praksisens sertifikat" in shown.output
