"""Claims over HTTP: waiting (filters and paging), one claim, credits, co-payments and the
reports; a practitioner sees only their own claims."""

from __future__ import annotations

import yaml

from tests.api.conftest import World
from tests.api.settlement_world import S, clinic, new_draft, numbers_by_appointment

W = "/api/v1/claims/waiting"
B2_CLAIM = yaml.safe_load("""
appointments:
  A5: {practitioner_ref: B2, patient_ref: P2, start: 2026-02-05T10:00, lines: [LE2],
       series_ref: S2}
""")


def test_a_practitioner_sees_only_own_claims(api: World) -> None:
    clinic(api, B2_CLAIM)
    api.user("practitioner", username="b2", practitioner="B2")
    office, b2 = api.as_("settlementoffice"), api.as_("b2")
    everyone = office.get(W).json()
    assert everyone["total"] == 4
    numbers = {c["appointment"]: c["number"] for c in everyone["items"]}
    own = b2.get(W).json()
    assert [c["appointment"] for c in own["items"]] == ["A5"] and own["total"] == 1
    asked = b2.get(W, params={"practitioner": "B1"}).json()  # asking for another's: still own
    assert [c["appointment"] for c in asked["items"]] == ["A5"]
    assert b2.get(f"/api/v1/claims/{numbers['A5']}").status_code == 200
    other = b2.get(f"/api/v1/claims/{numbers['A1']}")
    assert other.status_code == 404 and "A1" not in other.text
    assert {c["practitioner"] for c in b2.get("/api/v1/claims/expiring?days=400").json()} == {"B2"}
    assert b2.get("/api/v1/claims/rejections").status_code == 403
    assert b2.get(S).status_code == 403
    assert b2.post(f"/api/v1/claims/{numbers['A5']}/copayment-paid", json={}).status_code == 403


def test_waiting_filters_and_pages(api: World) -> None:
    clinic(api, B2_CLAIM)
    office = api.as_("settlementoffice")
    page = office.get(W, params={"limit": 2, "offset": 1}).json()
    assert page["total"] == 4 and page["offset"] == 1 and len(page["items"]) == 2
    fbv = office.get(W, params={"type": "fbv"}).json()
    assert {c["type"] for c in fbv["items"]} == {"NPR BKM FBV"} and fbv["total"] == 2
    b2 = office.get(W, params={"practitioner": "B2"}).json()
    assert [c["appointment"] for c in b2["items"]] == ["A5"]
    period = office.get(W, params={"from": "2026-02-03", "to": "2026-02-04"}).json()
    assert [c["appointment"] for c in period["items"]] == ["A2"]
    for bad in ({"limit": 0}, {"limit": 100000}, {"offset": -1}, {"from": "igår"},
                {"type": "isf"}):  # fmt: skip
        assert office.get(W, params=bad).status_code == 422
    claim = fbv["items"][0]
    assert claim["refund"] == "2850.00" and claim["patient"] == "P1"
    assert "15916400184" not in office.get(W).text


def test_credit_an_accepted_claim_and_the_reports(api: World) -> None:
    clinic(api)
    office = api.as_("settlementoffice")
    sid, _ = new_draft(office, "bkm")
    office.post(f"{S}/{sid}/mark", json={"all": True})
    office.post(f"{S}/{sid}/control")
    office.post(f"{S}/{sid}/submit")
    number = numbers_by_appointment(office, sid)["A3"]
    early = office.post(f"/api/v1/claims/{number}/credit")
    assert early.status_code == 400 and "ikke godkjent" in early.json()["detail"]
    office.post(f"{S}/{sid}/sent", json={"reference": "MSG-3"})
    ages = office.get("/api/v1/claims/outstanding").json()
    assert ages[0] == {"age": "0–14 dager", "count": 1, "amount": "212.00"}
    office.post(f"{S}/{sid}/receipt", json={})
    credit = office.post(f"/api/v1/claims/{number}/credit")
    assert credit.status_code == 201, credit.text
    assert credit.json()["kind"] == "credit" and credit.json()["refund"] == "-212.00"
    assert credit.headers["location"] == f"/api/v1/claims/{number}"
    assert office.post(f"/api/v1/claims/{number}/credit").status_code == 409
    assert _claim_history(api, number) == [("settlementoffice", "credited")]
    both = office.get(f"/api/v1/claims/{number}").json()
    assert sorted(c["kind"] for c in both) == ["claim", "credit"]
    assert office.post("/api/v1/claims/999999/credit").status_code == 404
    rates = office.get("/api/v1/claims/rejections").json()
    assert rates == {"answered": 1, "reasons": []}


def test_copayment_paid_and_those_not_reported(api: World) -> None:
    clinic(api)
    office = api.as_("settlementoffice")
    number = next(c["number"] for c in office.get(W).json()["items"] if c["appointment"] == "A3")
    future = office.post(f"/api/v1/claims/{number}/copayment-paid", json={"date": "2026-04-01"})
    assert future.status_code == 400 and "fram i tid" in future.json()["detail"]
    paid = office.post(f"/api/v1/claims/{number}/copayment-paid", json={"date": "2026-02-10"})
    assert paid.status_code == 200 and "følger regningen" in paid.json()["message"]
    assert _claim_history(api, number) == [("settlementoffice", "copayment_paid")]
    again = office.post(f"/api/v1/claims/{number}/copayment-paid", json={})
    assert again.status_code == 409
    assert office.get("/api/v1/claims/copayments").json() == []  # travels on the claim
    bad = office.post(f"/api/v1/claims/{number}/copayment-paid", json={"date": "10.02.2026"})
    assert bad.status_code == 422
    assert api.as_("readonly").get("/api/v1/claims/copayments").status_code == 200


def _claim_history(api: World, number: int) -> list[tuple[str, str]]:
    """Who did what to claim *number*, as ``oppgjor history claim N`` shows it."""
    from oppgjor.app import history

    entries, _ = history.history(api.db, "claim", str(number))
    return [(e.actor, e.action) for e in entries]
