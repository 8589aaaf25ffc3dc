"""The FBV manual's chapter 2 end to end over HTTP: a new draft, marking a period, control with
findings, a fixed series and a claim moved out, submission, a signed file in the outbox (the
certificate's password given with the request only), Helfo's receipt with a rejection,
correcting the rejected claim in a new draft, the payout, booking and the accounting CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from oppgjor.helfo.adapters import signing
from oppgjor.helfo.adapters.messages import xml
from tests.api.conftest import World
from tests.api.settlement_world import (
    BROKEN,
    SECRET,
    S,
    certificate,
    clinic,
    numbers_by_appointment,
)


def _codes(report: dict) -> dict[int | None, set[str]]:  # type: ignore[type-arg]
    found: dict[int | None, set[str]] = {}
    for f in report["control_findings"]:
        if f["severity"] == "BLOCKING":
            found.setdefault(f["claim"], set()).add(f["code"])
    return found


def test_the_fbv_manuals_chapter_2_over_http(api: World, tmp_path: Path) -> None:
    clinic(api, BROKEN)
    office, admin = api.as_("settlementoffice"), api.as_("administrator")
    folder = tmp_path / "meldinger"
    settings = admin.put(
        "/api/v1/helfo/settings",
        json={"folder": str(folder), "certificate": str(certificate(tmp_path)),
              "certificate_password": SECRET},
    )  # fmt: skip
    assert settings.status_code == 200, settings.text
    assert settings.json()["missing"] == [] and SECRET not in settings.text

    # 2.1: a new FBV settlement (Idempotency-Key: a retry makes no second one)
    made = office.post(S, json={"type": "fbv"}, headers={"Idempotency-Key": "ny-fbv-1"})
    assert made.status_code == 201 and made.headers["etag"] == '"1"'
    sid = made.json()["id"]
    assert made.headers["location"] == f"{S}/{sid}"
    again = office.post(S, json={"type": "fbv"}, headers={"Idempotency-Key": "ny-fbv-1"})
    assert again.json()["id"] == sid
    assert [s["id"] for s in office.get(S, params={"tab": "draft"}).json()] == [sid]

    # mark February; the BKM claim (A3) is not of this type and keeps waiting
    marked = office.post(f"{S}/{sid}/mark", json={"from": "2026-02-01", "to": "2026-02-28"},
                         headers={"If-Match": made.headers["etag"]})  # fmt: skip
    assert marked.status_code == 200, marked.text
    assert marked.json()["count"] == 3 and marked.json()["total"] == "8550.00"
    numbers = numbers_by_appointment(office, sid)
    assert set(numbers) == {"A1", "A2", "A4"}

    # control: findings per claim; submitting is refused with them
    control = office.post(f"{S}/{sid}/control", headers={"If-Match": marked.headers["etag"]})
    assert control.status_code == 200, control.text
    found = _codes(control.json())
    assert "SERIES_DEBTOR" in found[numbers["A1"]] and "SERIES_DEBTOR" in found[numbers["A2"]]
    assert "NATIONAL_ID_INVALID" in found[numbers["A4"]]
    assert "15916400185" not in control.text  # national ids masked in the findings
    refused = office.post(f"{S}/{sid}/submit")
    assert refused.status_code == 422 and refused.json()["findings"]
    assert office.get(f"{S}/{sid}").json()["status"] == "Til behandling"

    # fix the series (Personalia/Serier), control again: only P3's claim is blocked
    fixed = office.patch("/api/v1/series/S1", json={"npr_debtor": "90"})
    assert fixed.status_code == 200, fixed.text
    control = office.post(f"{S}/{sid}/control").json()
    assert _codes(control) == {numbers["A4"]: {"NATIONAL_ID_INVALID"}}
    shown = office.get(f"{S}/{sid}").json()
    assert shown["findings_current"] is True
    assert [c["findings"] != [] for c in shown["claims"]].count(True) >= 1

    # move the blocked claim out; it waits for the next settlement
    moved = office.post(f"{S}/{sid}/move-blocked", headers={"If-Match": f'"{control["version"]}"'})
    assert moved.status_code == 200 and moved.json()["moved"] == [numbers["A4"]]
    waiting = office.get("/api/v1/claims/waiting", params={"type": "fbv"}).json()
    assert [c["number"] for c in waiting["items"]] == [numbers["A4"]]
    control = office.post(f"{S}/{sid}/control").json()
    assert control["blocking"] == 0 and control["controlled"] is True

    # submit, and send to the outbox with the certificate's password in the request
    submitted = office.post(f"{S}/{sid}/submit", headers={"If-Match": f'"{control["version"]}"'})
    assert submitted.status_code == 200 and submitted.json()["status"] == "Innsendt"
    sent = office.post(f"{S}/{sid}/send", json={"certificate_password": SECRET},
                       headers={"If-Match": submitted.headers["etag"]})  # fmt: skip
    assert sent.status_code == 200, sent.text
    body = sent.json()
    assert body["status"] == "Sendt" and body["channel"] == "utboks" and SECRET not in sent.text
    path = folder / "outbox" / body["file_name"]
    signing.verify(xml.parse(path.read_bytes()))
    assert office.post(f"{S}/{sid}/send", json={"certificate_password": SECRET}).status_code == 409
    assert len(list((folder / "outbox").iterdir())) == 1  # once, unless resend

    # 2.2: Helfo's receipt rejects A1's claim
    receipt = office.post(
        f"{S}/{sid}/receipt",
        json={"rejected": [{"claim": numbers["A1"], "code": "07", "text": "Feil i henvisning"}]},
    )
    assert receipt.status_code == 200 and receipt.json()["status"] == "Kvittert"

    # 2.3: correct the rejected claim: a new draft with the same claim number
    corrected = office.post(f"{S}/{sid}/correct", json={})
    assert corrected.status_code == 201, corrected.text
    old, new = corrected.json()["old"], corrected.json()["new"]
    assert corrected.headers["location"] == f"{S}/{new['id']}"
    assert old["count"] == 1 and new["count"] == 1 and new["corrects"] == sid
    assert numbers_by_appointment(office, new["id"]) == {"A1": numbers["A1"]}
    rates = office.get("/api/v1/claims/rejections").json()
    assert [(r["code"], r["count"]) for r in rates["reasons"]] == [("07", 1)]

    # the payout decision, booking, and the accounting file
    paid = office.post(f"{S}/{sid}/pay", json={"amount": old["total"], "date": "2026-03-02"})
    assert paid.status_code == 200 and paid.json()["status"] == "Utbetalt"
    assert paid.json()["findings"] == []  # paid as approved
    booked = office.post(f"{S}/{sid}/book", json={})
    assert booked.status_code == 200 and booked.json()["status"] == "Bokført"
    lines = booked.json()["lines"]
    assert sum(Decimal(x["amount"]) for x in lines) == 0
    assert [x["account"] for x in lines] == ["1920", "3100"]
    csv_file = office.get(f"{S}/{sid}/accounting.csv")
    assert csv_file.status_code == 200 and csv_file.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_file.text), delimiter=";"))
    assert [(r["konto"], r["belop"]) for r in rows] == [(x["account"], x["amount"]) for x in lines]
    assert office.get(f"{S}/{sid}/accounting").json() == lines

    # the history names who did each step
    history = office.get(f"{S}/{sid}/history").json()
    steps = ["create"] + ["edit"] * 5 + ["submit", "send", "receipt", "correct", "pay", "book"]
    assert [e["action"] for e in history] == steps  # mark, 3 controls, move
    assert {e["actor"] for e in history} == {"settlementoffice"}
    report = office.get("/api/v1/payouts").json()
    assert [(r["settlement"], r["expected"], r["paid"]) for r in report] == [
        (sid, "2850.00", "2850.00")
    ]
