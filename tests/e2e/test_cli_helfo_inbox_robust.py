"""`oppgjor helfo inbox` through the CLI: a file name too long for its reason file, a receipt
Id longer than its column and an error code outside kodeverk 8221 end the run with exit 0,
the bad files in quarantine and the warning printed (was exit 2 and a stopped inbox)."""

import datetime
import os
import uuid

from cli_helpers import DEMO_ORG_NR, controlled, js
from oppgjor.helfo.adapters import signing
from oppgjor.helfo.adapters.messages import apprec, xml


def sent_settlement(cli, tmp_path):
    folder = tmp_path / "meldinger"
    cert = tmp_path / "virk.p12"
    cert.write_bytes(signing.make_test_certificate(DEMO_ORG_NR, "Demo", b"s3cret"))
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
    return folder, sid, js(cli("helfo", "send", sid, "--json"))["msg_id"]


def receipt(folder, name, msg_id, *, receipt_id=None, status="1", errors=()):
    r = apprec.AppRec(receipt_id or str(uuid.uuid4()), datetime.datetime.now(), status, errors,
                      msg_id)  # fmt: skip
    (folder / "inbox" / name).write_bytes(xml.serialise(apprec.build(r)))


def test_bad_files_never_stop_the_inbox_and_warnings_are_shown(cli, tmp_path):
    folder, sid, msg_id = sent_settlement(cli, tmp_path)
    (folder / "inbox").mkdir(parents=True, exist_ok=True)
    long_name = "a" * 246 + ".xml"
    (folder / "inbox" / long_name).write_bytes(b"ikke xml")
    receipt(folder, "b-lang-id.xml", msg_id, receipt_id="R" * 100)
    unknown = apprec.AppRecError("E77", "Ukjent", None, apprec.OID_ERRORS)
    receipt(folder, "c-avvist.xml", msg_id, status="2", errors=(unknown,))
    result = cli("helfo", "inbox")
    assert result.exit_code == 0, result.output
    assert "Advarsel" in result.output and "«E77»" in result.output
    assert "Karantene" in result.output and "oppgjør " + sid in result.output
    quarantined = sorted(p.name for p in (folder / "quarantine").iterdir())
    assert len(quarantined) == 4 and all(len(n.encode()) <= 255 for n in quarantined)
    assert js(cli("settlement", "show", sid, "--json"))["status"] != "Sendt"  # receipted
    assert js(cli("helfo", "inbox", "--json")) == {
        "applied": [], "quarantined": [], "already_applied": [], "findings": []
    }  # fmt: skip
