"""The FBV manual's chapter 2 through the CLI with real files: a signed BKM in the outbox, an
AppRec with two rejected claims in the inbox, correction with the same numbers, acceptance,
payout, booking. Bad receipts end in quarantine and change no claim."""

import datetime
import os
import uuid

from cli_helpers import DEMO_ORG_NR, controlled, js
from oppgjor.helfo.adapters import signing
from oppgjor.helfo.adapters.messages import apprec, bkm, msghead, xml


def certificate(tmp_path):
    cert = tmp_path / "virk.p12"
    cert.write_bytes(signing.make_test_certificate(DEMO_ORG_NR, "Demo", b"s3cret"))
    secret = tmp_path / "virk.passord"
    secret.write_text("s3cret")
    os.chmod(secret, 0o600)
    return cert, secret


def drop_receipt(folder, msg_id, rejected):
    errors = tuple(apprec.AppRecError(c, t, str(n)) for n, (c, t) in rejected.items())
    status = "3" if rejected else "1"
    receipt = apprec.AppRec(str(uuid.uuid4()), datetime.datetime.now(), status, errors, msg_id)
    path = folder / "inbox" / f"svar-{receipt.id}.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(xml.serialise(apprec.build(receipt)))
    return path


def claims_in_file(path):
    _, content = msghead.unwrap(xml.parse(path.read_bytes()))
    return [(c.number, c.guid) for c in bkm.parse(content).claims]


def test_missing_settings_are_listed_before_anything_is_written(cli, tmp_path):
    folder = tmp_path / "meldinger"
    js(cli("helfo", "settings", "--folder", str(folder), "--json"))
    sid = str(js(cli("settlement", "new", "--type", "bkm", "--json"))["id"])
    result = cli("helfo", "send", sid)
    assert result.exit_code == 1 and "Fyll ut" in result.output and "sertifikat" in result.output
    assert not (folder / "outbox").exists() or not list((folder / "outbox").iterdir())


def test_chapter_2_with_files_end_to_end(cli, tmp_path):
    folder = tmp_path / "meldinger"
    cert, secret = certificate(tmp_path)
    shown = js(cli("helfo", "settings", "--folder", str(folder), "--certificate", str(cert),
                   "--password-file", str(secret), "--json"))  # fmt: skip
    assert shown["missing"] == []
    sid = str(js(cli("settlement", "new", "--type", "fbv", "--json"))["id"])
    js(cli("settlement", "mark", sid, "--all", "--json"))
    if controlled(cli("settlement", "control", sid, "--json"))["blocking"]:
        js(cli("settlement", "move-blocked", sid, "--json"))
        assert controlled(cli("settlement", "control", sid, "--json"))["blocking"] == 0
    js(cli("settlement", "submit", sid, "--json"))
    waiting = js(cli("settlement", "list", "--state", "submitted", "--json"))
    assert [str(s["id"]) for s in waiting] == [sid]  # submitted, not yet signed and sent
    sent = js(cli("helfo", "send", sid, "--json"))
    path = folder / "outbox" / os.path.basename(sent["file"])
    assert path.is_file() and sent["status"] == "Sendt"
    assert str(uuid.UUID(sent["msg_id"])) == sent["msg_id"]
    assert cli("helfo", "send", sid).exit_code == 5  # once, unless --resend
    assert len(list((folder / "outbox").iterdir())) == 1
    signing.verify(xml.parse(path.read_bytes()))
    numbers = [int(n) for n, _ in claims_in_file(path)]
    rejected = {numbers[0]: ("07", "Feil i henvisning"), numbers[1]: ("16", "Gammel takst")}
    drop_receipt(folder, sent["msg_id"], rejected)
    read = js(cli("helfo", "inbox", "--json"))
    assert [(int(s), st) for _, s, st in read["applied"]] == [(int(sid), "3")]
    assert len(list((folder / "archive").iterdir())) == 1
    corrected = js(cli("settlement", "correct", sid, "--json"))
    new = str(corrected["new"]["id"])
    assert corrected["new"]["count"] == 2
    controlled(cli("settlement", "control", new, "--json"))
    js(cli("settlement", "submit", new, "--json"))
    resent = js(cli("helfo", "send", new, "--json"))
    again = claims_in_file(folder / "outbox" / os.path.basename(resent["file"]))
    original = dict(claims_in_file(path))
    assert sorted(int(n) for n, _ in again) == sorted(rejected)
    assert all(original[n] == guid for n, guid in again)  # same numbers and GUIDs
    drop_receipt(folder, resent["msg_id"], {})
    js(cli("helfo", "inbox", "--json"))
    for settlement in (sid, new):
        total = js(cli("settlement", "show", settlement, "--json"))["total"]
        js(
            cli(
                "settlement", "pay", settlement, "--amount", total, "--date", "2026-12-01", "--json"
            )
        )
        assert cli("settlement", "book", settlement).exit_code == 0
    shown = js(cli("settlement", "show", new, "--json"))
    assert shown["status"] == "Bokført" and all(c["status"] == "utbetalt" for c in shown["claims"])
    rows = {str(r["id"]): r for r in js(cli("settlement", "payouts", "--json"))}
    assert rows[sid]["rejected"] == 2 and rows[sid]["difference"] == "0.00"
    assert rows[sid]["expected"] == rows[sid]["paid"]


def test_bad_receipts_go_to_quarantine_and_change_nothing(cli, tmp_path):
    folder = tmp_path / "meldinger"
    cert, secret = certificate(tmp_path)
    cli("helfo", "settings", "--folder", str(folder), "--certificate", str(cert),
        "--password-file", str(secret))  # fmt: skip
    sid = str(js(cli("settlement", "new", "--type", "bkm", "--json"))["id"])
    js(cli("settlement", "mark", sid, "--all", "--json"))
    if controlled(cli("settlement", "control", sid, "--json"))["blocking"]:
        js(cli("settlement", "move-blocked", sid, "--json"))
        controlled(cli("settlement", "control", sid, "--json"))
    js(cli("settlement", "submit", sid, "--json"))
    sent = js(cli("helfo", "send", sid, "--json"))
    inbox = folder / "inbox"
    drop_receipt(folder, "unknown-message-id", {})
    (inbox / "bomb.xml").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><l>&b;</l>'
    )
    (inbox / "xxe.xml").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    )
    (inbox / "cut.xml").write_bytes(b"<AppRec xmlns='http://www.kith.no/xmlstds/apprec/2004-11-21'")
    (inbox / "wrongns.xml").write_bytes(
        (folder / "outbox" / os.path.basename(sent["file"])).read_bytes()
    )
    before = js(cli("settlement", "show", sid, "--json"))
    result = js(cli("helfo", "inbox", "--json"))
    assert result["applied"] == [] and len(result["quarantined"]) == 5
    assert js(cli("settlement", "show", sid, "--json"))["claims"] == before["claims"]
    reasons = sorted(p.read_text().split(":")[0] for p in (folder / "quarantine").glob("*.txt"))
    assert reasons == ["INBOX_INVALID", "INBOX_UNKNOWN_MESSAGE", "INBOX_UNREADABLE",
                       "INBOX_UNREADABLE", "INBOX_UNREADABLE"]  # fmt: skip
    first = drop_receipt(folder, sent["msg_id"], {})
    copy = first.read_bytes()
    assert js(cli("helfo", "inbox", "--json"))["applied"]
    (inbox / "again.xml").write_bytes(copy)  # the same receipt once more
    again = js(cli("helfo", "inbox", "--json"))
    assert again["applied"] == [] and "allerede lest" in again["quarantined"][0][1]


def prepared(cli, tmp_path, type_="bkm"):
    folder = tmp_path / "meldinger"
    cert, secret = certificate(tmp_path)
    cli("helfo", "settings", "--folder", str(folder), "--certificate", str(cert),
        "--password-file", str(secret))  # fmt: skip
    sid = str(js(cli("settlement", "new", "--type", type_, "--json"))["id"])
    js(cli("settlement", "mark", sid, "--all", "--json"))
    if controlled(cli("settlement", "control", sid, "--json"))["blocking"]:
        js(cli("settlement", "move-blocked", sid, "--json"))
        controlled(cli("settlement", "control", sid, "--json"))
    js(cli("settlement", "submit", sid, "--json"))
    return folder, sid


def test_resend_writes_a_second_file_with_a_new_message_id(cli, tmp_path):
    folder, sid = prepared(cli, tmp_path)
    first = js(cli("helfo", "send", sid, "--json"))
    second = js(cli("helfo", "send", sid, "--resend", "--json"))
    assert first["msg_id"] != second["msg_id"]
    assert len(list((folder / "outbox").iterdir())) == 2
    drop_receipt(folder, first["msg_id"], {})  # a late answer to the first still matches
    assert js(cli("helfo", "inbox", "--json"))["applied"]


def test_a_whole_message_rejection_rejects_every_claim(cli, tmp_path):
    folder, sid = prepared(cli, tmp_path)
    sent = js(cli("helfo", "send", sid, "--json"))
    error = apprec.AppRecError("S01", "Ugyldig signatur", None)
    receipt = apprec.AppRec(
        str(uuid.uuid4()), datetime.datetime.now(), "2", (error,), sent["msg_id"]
    )
    (folder / "inbox").mkdir(parents=True, exist_ok=True)
    (folder / "inbox" / "avvist.xml").write_bytes(xml.serialise(apprec.build(receipt)))
    js(cli("helfo", "inbox", "--json"))
    claims = js(cli("settlement", "show", sid, "--json"))["claims"]
    assert claims and all(c["status"] == "avvist" and c["outcome_code"] == "S01" for c in claims)


def test_portal_file_without_norsk_helsenett(cli, tmp_path):
    _, sid = prepared(cli, tmp_path)
    target = tmp_path / "til-portal.xml"
    shown = js(cli("helfo", "portal-file", sid, "--output", str(target), "--json"))
    assert shown["status"] == "Sendt" and target.is_file()
    root = xml.parse(target.read_bytes())
    xml.validate(root, "msghead+bkm")
    signing.verify(root)
    assert js(cli("settlement", "show", sid, "--json"))["events"][-1]["detail"].startswith(
        "sendt via portal"
    )
