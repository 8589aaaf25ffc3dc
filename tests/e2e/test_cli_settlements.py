"""The settlement workflow through the CLI: JSON output, exit codes, accounting export."""

import csv
from decimal import Decimal

from cli_helpers import controlled, js


def test_demo_history_in_tabs(cli):
    booked = js(cli("settlement", "list", "--tab", "booked", "--json"))
    drafts = js(cli("settlement", "list", "--tab", "draft", "--json"))
    assert [s["status"] for s in booked] == ["Bokført"]
    assert {s["type"] for s in drafts} == {"BKM", "NPR BKM FBV"}
    shown = js(cli("settlement", "show", str(booked[0]["id"]), "--json"))
    assert shown["count"] == len(shown["claims"]) > 0
    assert [e["action"] for e in shown["events"]][-4:] == ["receipt", "correct", "pay", "book"]
    assert cli("settlement", "list", "--tab", "nope").exit_code == 2


def test_bkm_workflow_end_to_end(cli, tmp_path):
    assert cli("config", "--booking-bank", "19x").exit_code == 1
    assert "bank 1921" in cli("config", "--booking-bank", "1921").output
    new = js(cli("settlement", "new", "--type", "bkm", "--json"))
    sid = str(new["id"])
    marked = js(cli("settlement", "mark", sid, "--all", "--json"))
    assert marked["count"] > 0 and Decimal(marked["total"]) > 0
    assert cli("settlement", "submit", sid).exit_code == 1  # not controlled
    stale = cli("settlement", "control", sid, "--version", "1")
    assert stale.exit_code == 5 and "endret av noen andre" in stale.output
    report = controlled(cli("settlement", "control", sid, "--json"))
    if report["blocking"]:
        js(cli("settlement", "move-blocked", sid, "--json"))
        assert controlled(cli("settlement", "control", sid, "--json"))["blocking"] == 0
    assert js(cli("settlement", "submit", sid, "--json"))["status"] == "Innsendt"
    assert js(cli("settlement", "unlock", sid, "--json"))["status"] == "Til behandling"
    controlled(cli("settlement", "control", sid, "--json"))
    js(cli("settlement", "submit", sid, "--json"))
    sent = js(cli("settlement", "sent", sid, "--ref", "MSG-42", "--json"))
    assert sent["transport_ref"] == "MSG-42"
    claims = js(cli("settlement", "show", sid, "--json"))["claims"]
    first = claims[0]["number"]
    js(cli("settlement", "receipt", sid, "--rejected", f"{first}:07:Feil takst", "--json"))
    corrected = js(cli("settlement", "correct", sid, "--json"))
    assert corrected["old"]["count"] == len(claims) - 1
    assert corrected["new"]["count"] == 1 and corrected["new"]["corrects"] == int(sid)
    rates = js(cli("claim", "rejections", "--json"))
    assert any(r["code"] == "07" for r in rates["reasons"])
    approved = corrected["old"]["total"]
    js(cli("settlement", "pay", sid, "--amount", approved, "--date", "2026-12-01", "--json"))
    out = tmp_path / "bok.csv"
    assert cli("settlement", "book", sid, "--output", str(out)).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8"), delimiter=";"))
    assert sum(Decimal(r["belop"]) for r in rows) == 0
    assert len(rows) == len(claims)  # bank line + one line per approved claim
    assert rows[0]["konto"] == "1921" and {r["konto"] for r in rows[1:]} == {"3100"}
    assert js(cli("settlement", "show", sid, "--json"))["status"] == "Bokført"
    assert cli("settlement", "export", sid).output == out.read_text(encoding="utf-8")


def test_errors_and_calendar(cli):
    assert cli("settlement", "show", "999").exit_code == 3
    assert cli("settlement", "new", "--type", "xyz").exit_code == 1
    assert cli("settlement", "new", "--type", "fbv", "--date", "31.02.2026").exit_code == 1
    assert cli("settlement", "receipt", "1", "--rejected", "abc").exit_code == 1
    assert cli("claim", "credit", "999999").exit_code == 3
    cal = js(cli("helfo", "calendar", "--date", "2026-11-23", "--json"))
    assert cal["next_submission"] == "2026-11-30" and cal["next_decision"] == "2026-12-01"
    assert js(cli("claim", "outstanding", "--json"))[0]["age"] == "0–14 dager"
    assert isinstance(js(cli("claim", "expiring", "--json")), list)
    assert isinstance(js(cli("claim", "copayments", "--json")), list)
    waiting = js(cli("claim", "waiting", "--type", "fbv", "--json"))
    assert all(c["type"] == "NPR BKM FBV" for c in waiting)
    assert all(c["expires"] > c["time"][:10] for c in waiting)
