"""Issue 12 §3–4 through the CLI (the demo clinic, SQLite): exit codes as the README promises,
a reversed period, expired claims apart from those about to expire, a payout that differs,
dates in the future, and the daily-limit message for a quantity on one appointment."""

import csv
import datetime
import json
from decimal import Decimal

import pytest

from cli_helpers import controlled, js
from oppgjor.cli import common
from oppgjor.core.clock import FixedClock


@pytest.fixture
def today(monkeypatch):
    """Fix the CLI's clock at a given time."""

    def at(when):
        monkeypatch.setattr(common, "SYSTEM_CLOCK", FixedClock(when))

    return at


def test_control_with_blocking_findings_exits_4_and_a_clean_control_0(cli):
    sid = str(js(cli("settlement", "new", "--type", "fbv", "--json"))["id"])
    js(cli("settlement", "mark", sid, "--all", "--json"))
    text = cli("settlement", "control", sid)
    assert text.exit_code == 4 and "blokkerende" in text.output
    report = json.loads(cli("settlement", "control", sid, "--json").output)
    assert report["blocking"] > 0
    assert cli("settlement", "control", sid, "--json").exit_code == 4
    js(cli("settlement", "move-blocked", sid, "--json"))
    clean = cli("settlement", "control", sid, "--json")
    assert clean.exit_code == 0 and json.loads(clean.output)["blocking"] == 0


def test_mark_refuses_a_reversed_period_and_says_a_missing_claim_is_not_found(cli):
    new = js(cli("settlement", "new", "--type", "bkm", "--json"))
    sid = str(new["id"])
    reversed_ = cli("settlement", "mark", sid, "--from", "31.10.2026", "--to", "01.10.2026")
    assert reversed_.exit_code == 1 and "Perioden er snudd" in " ".join(reversed_.output.split())
    missing = cli("settlement", "mark", sid, "--add", "999999")
    assert missing.exit_code == 3 and "999999 finnes ikke" in missing.output
    after = js(cli("settlement", "show", sid, "--json"))
    assert (after["count"], after["version"]) == (0, new["version"])


def test_expired_claims_are_listed_apart_from_those_about_to_expire(cli, today):
    waiting = js(cli("claim", "waiting", "--json"))
    first = min(datetime.date.fromisoformat(c["time"][:10]) for c in waiting)
    expiry = datetime.date.fromisoformat(min(c["expires"] for c in waiting))
    today(datetime.datetime.combine(expiry + datetime.timedelta(days=10), datetime.time(9)))
    found = js(cli("claim", "expiring", "--json"))
    expired = [c for c in found if c["expired"]]
    soon = [c for c in found if not c["expired"]]
    assert expired and soon, (first, expiry)
    assert all(c["days_left"] < 0 for c in expired)
    assert all(0 <= c["days_left"] <= 30 for c in soon)
    shown = cli("claim", "expiring").output
    assert f"Allerede foreldet ({len(expired)})" in shown
    assert f"Foreldes innen 30 dager ({len(soon)})" in shown
    assert "-10" not in shown  # days since expiry are not shown as negative days left


def _receipted(cli):
    sid = str(js(cli("settlement", "new", "--type", "bkm", "--json"))["id"])
    js(cli("settlement", "mark", sid, "--all", "--json"))
    if controlled(cli("settlement", "control", sid, "--json"))["blocking"]:
        js(cli("settlement", "move-blocked", sid, "--json"))
        controlled(cli("settlement", "control", sid, "--json"))
    js(cli("settlement", "submit", sid, "--json"))
    js(cli("settlement", "sent", sid, "--ref", "MSG-7", "--json"))
    return sid, js(cli("settlement", "receipt", sid, "--json"))


def test_a_payout_that_differs_is_a_finding_and_is_never_booked_as_income(cli, tmp_path):
    sid, receipted = _receipted(cli)
    approved = Decimal(receipted["total"])
    paid = approved - Decimal("850.00")
    day = datetime.date.today().isoformat()
    result = js(cli("settlement", "pay", sid, "--amount", str(paid), "--date", day, "--json"))
    assert [f["code"] for f in result["findings"]] == ["HELFO_PAYOUT_DIFFERS"]
    assert result["findings"][0]["severity"] == "WARNING"
    assert result["payout_difference"] == "850.00"
    shown = js(cli("settlement", "show", sid, "--json"))
    assert "HELFO_PAYOUT_DIFFERS" in {f["code"] for f in shown["settlement_findings"]}
    listed = {s["id"]: s for s in js(cli("settlement", "list", "--json"))}
    assert listed[int(sid)]["payout_difference"] == "850.00"
    refused = cli("settlement", "book", sid)
    said = " ".join(refused.output.split())  # as the terminal wraps it
    assert refused.exit_code == 1
    assert "--difference awaiting" in said and "--difference write-off --reason" in said
    assert js(cli("settlement", "show", sid, "--json"))["status"] == "Utbetalt"
    out = tmp_path / "bok.csv"
    # the decision in the user's words (avvent = awaiting)
    booked = cli("settlement", "book", sid, "--difference", "avvent", "--output", str(out))
    assert booked.exit_code == 0, booked.output
    rows = list(csv.DictReader(out.open(encoding="utf-8"), delimiter=";"))
    by_account = {}
    for r in rows:
        by_account[r["konto"]] = by_account.get(r["konto"], Decimal(0)) + Decimal(r["belop"])
    assert by_account == {"1920": paid, "3100": -approved, "1500": Decimal("850.00")}
    final = js(cli("settlement", "show", sid, "--json"))
    assert final["payout_decision"] == "awaiting" and final["payout_difference"] == "850.00"
    assert "850,00 mindre enn godkjent: avventer Helfo" in final["events"][-1]["detail"]


def test_a_claim_moved_out_after_the_payout_is_a_difference_to_decide(cli, tmp_path):
    """Found in review: the payout was registered equal to the approved total, then a claim
    was moved out (correct); booking posted the gap to income without asking."""
    sid, receipted = _receipted(cli)
    day = datetime.date.today().isoformat()
    js(cli("settlement", "pay", sid, "--amount", receipted["total"], "--date", day, "--json"))
    moved = js(cli("settlement", "show", sid, "--json"))["claims"][0]
    assert cli("settlement", "correct", sid, "--claims", str(moved["number"])).exit_code == 0
    refused = cli("settlement", "book", sid)
    said = " ".join(refused.output.split())
    assert refused.exit_code == 1, refused.output
    assert f"{moved['refund'].replace('.', ',')} mer enn godkjent" in said
    out = tmp_path / "bok.csv"
    booked = cli("settlement", "book", sid, "--difference", "write-off", "--reason", "Feil",
                 "--output", str(out))  # fmt: skip
    assert booked.exit_code == 0, booked.output
    rows = list(csv.DictReader(out.open(encoding="utf-8"), delimiter=";"))
    income = sum(Decimal(r["belop"]) for r in rows if r["konto"] == "3100")
    assert income == -(Decimal(receipted["total"]) - Decimal(moved["refund"]))  # only accepted
    assert sum(Decimal(r["belop"]) for r in rows) == 0


def test_payment_and_co_payment_dates_in_the_future_are_refused(cli, today):
    sid, receipted = _receipted(cli)
    today(datetime.datetime(2026, 12, 1, 9))
    future = cli("settlement", "pay", sid, "--amount", receipted["total"], "--date", "2026-12-02")
    assert future.exit_code == 1 and "fram i tid" in future.output
    assert js(cli("settlement", "show", sid, "--json"))["status"] == "Kvittert"
    number = str(js(cli("settlement", "show", sid, "--json"))["claims"][0]["number"])
    copay = cli("claim", "copayment-paid", number, "--date", "2026-12-02")
    assert copay.exit_code == 1 and "fram i tid" in copay.output
    assert js(cli("claim", "copayments", "--json")) == []


def test_a_quantity_over_the_daily_limit_says_so(cli):
    made = cli("appointment", "create", "--practitioner-ref", "B01", "--patient-ref", "P0001",
               "--start", "2026-11-30 07:00", "--end", "2026-11-30 07:30", "--lines", "FBV01*2",
               "--series-ref", "S001", "--json")  # fmt: skip
    assert made.exit_code == 1
    messages = [f["message"] for f in json.loads(made.output)["findings"]]
    limit = [m for m in messages if "FBV01" in m]
    assert limit and "har antall 2" in limit[0] and "allerede" not in limit[0]


def test_the_same_daily_tariff_twice_on_one_appointment_says_so(cli):
    made = cli("appointment", "create", "--practitioner-ref", "B01", "--patient-ref", "P0001",
               "--start", "2026-11-30 07:00", "--end", "2026-11-30 07:30", "--lines",
               "FBV01 FBV01", "--series-ref", "S001", "--json")  # fmt: skip
    assert made.exit_code == 1
    limit = [f["message"] for f in json.loads(made.output)["findings"] if "FBV01" in f["message"]]
    assert limit and "står 2 ganger på avtalen" in limit[0] and "allerede" not in limit[0]
