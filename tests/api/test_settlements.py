"""Settlements over HTTP: optimistic locking (If-Match), who may do what, bad input (a clear
4xx problem, nothing written), the portal file, unlocking and deleting, payout differences."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import Caller, World
from tests.api.settlement_world import (
    SECRET,
    S,
    certificate,
    clinic,
    new_draft,
    numbers_by_appointment,
)


def _submitted(office: Caller, kind: str = "fbv") -> tuple[int, str]:
    """A submitted settlement of every waiting claim of *kind*: its id and ETag."""
    sid, _ = new_draft(office, kind)
    assert office.post(f"{S}/{sid}/mark", json={"all": True}).status_code == 200
    assert office.post(f"{S}/{sid}/control").json()["blocking"] == 0
    r = office.post(f"{S}/{sid}/submit")
    assert r.status_code == 200, r.text
    return sid, r.headers["etag"]


def _outbox(api: World, tmp_path: Path) -> Path:
    folder = tmp_path / "meldinger"
    r = api.as_("administrator").put(
        "/api/v1/helfo/settings",
        json={"folder": str(folder), "certificate": str(certificate(tmp_path)),
              "certificate_password": SECRET},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    return folder


def test_a_stale_if_match_is_412_and_nothing_changes(api: World) -> None:
    clinic(api)
    office = api.as_("settlementoffice")
    sid, first = new_draft(office)
    marked = office.post(f"{S}/{sid}/mark", json={"all": True}, headers={"If-Match": first})
    assert marked.status_code == 200 and marked.headers["etag"] == '"2"'
    for method, path, body in (
        ("POST", f"{S}/{sid}/mark", {"none": True}),
        ("POST", f"{S}/{sid}/date", {"date": "2026-03-15"}),
        ("POST", f"{S}/{sid}/control", None),
        ("POST", f"{S}/{sid}/move-blocked", None),
        ("POST", f"{S}/{sid}/submit", None),
        ("DELETE", f"{S}/{sid}", None),
    ):
        r = office.request(method, path, json=body, headers={"If-Match": first})
        assert r.status_code == 412, (path, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert "endret av noen andre" in r.json()["detail"]
    shown = office.get(f"{S}/{sid}")
    assert shown.headers["etag"] == '"2"'
    assert shown.json()["count"] == 2 and shown.json()["date"] == "2026-03-02"
    assert [e["action"] for e in shown.json()["events"]] == ["create", "edit"]
    garbage = office.post(f"{S}/{sid}/control", headers={"If-Match": "abc"})
    assert garbage.status_code == 412


def test_sending_with_a_stale_version_writes_no_file(api: World, tmp_path: Path) -> None:
    clinic(api)
    folder = _outbox(api, tmp_path)
    office = api.as_("settlementoffice")
    sid, etag = _submitted(office)
    r = office.post(f"{S}/{sid}/send", json={"certificate_password": SECRET},
                    headers={"If-Match": '"1"'})  # fmt: skip
    assert r.status_code == 412 and "endret av noen andre" in r.json()["detail"]
    assert not (folder / "outbox").exists() or list((folder / "outbox").iterdir()) == []
    assert office.get(f"{S}/{sid}").json()["status"] == "Innsendt"
    sent = office.post(f"{S}/{sid}/sent", json={"reference": "MSG-1"}, headers={"If-Match": etag})
    assert sent.status_code == 200 and sent.json()["transport_ref"] == "MSG-1"


def test_a_wrong_certificate_password_is_refused_and_never_echoed(
    api: World, tmp_path: Path
) -> None:
    clinic(api)
    folder = _outbox(api, tmp_path)
    office = api.as_("settlementoffice")
    sid, _ = _submitted(office)
    wrong = "feil-passord-" + "x" * 8
    r = office.post(f"{S}/{sid}/send", json={"certificate_password": wrong})
    assert 400 <= r.status_code < 500 and wrong not in r.text
    assert office.get(f"{S}/{sid}").json()["status"] == "Innsendt"
    assert not (folder / "outbox").exists() or list((folder / "outbox").iterdir()) == []
    no_password = office.post(f"{S}/{sid}/send", json={})
    assert no_password.status_code == 400 and "passord" in no_password.json()["detail"]


def test_only_a_role_with_settlement_submit_may_submit(api: World) -> None:
    clinic(api)
    api.user("practitioner", username="b1", practitioner="B1")
    office = api.as_("settlementoffice")
    sid, _ = new_draft(office)
    office.post(f"{S}/{sid}/mark", json={"all": True})
    office.post(f"{S}/{sid}/control")
    for who in ("readonly", "b1"):
        r = api.as_(who).post(f"{S}/{sid}/submit")
        assert r.status_code == 403 and "settlements.submit" in r.json()["detail"]
    assert api.as_("readonly").post(S, json={"type": "fbv"}).status_code == 403
    assert api.as_("b1").get(S).status_code == 403  # a practitioner sees no settlements
    assert api.as_("readonly").get(f"{S}/{sid}").json()["status"] == "Til behandling"
    assert office.post(f"{S}/{sid}/submit").json()["status"] == "Innsendt"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/mark", {"add": [999999]}),  # a claim number that names no claim: 404
        ("/mark", {"add": ["tre"]}),
        ("/mark", {"from": "2026-02-01"}),  # a period needs both ends
        ("/mark", {"all": True, "colour": "blå"}),  # unknown field
        ("/date", {"date": "31.02.2026"}),
        ("/date", {"date": "2026-02-31"}),
        ("/date", {}),
    ],
)
def test_bad_input_to_a_draft_is_a_4xx_problem_and_writes_nothing(
    api: World, path: str, body: dict[str, object]
) -> None:
    clinic(api)
    office = api.as_("settlementoffice")
    sid, etag = new_draft(office)
    r = office.post(f"{S}/{sid}{path}", json=body)
    assert r.status_code in (404, 422), r.text
    assert r.headers["content-type"] == "application/problem+json" and r.json()["detail"]
    shown = office.get(f"{S}/{sid}")
    assert shown.headers["etag"] == etag and shown.json()["count"] == 0


def test_bad_input_elsewhere_is_a_4xx_problem(api: World) -> None:
    clinic(api)
    office = api.as_("settlementoffice")
    assert office.post(S, json={"type": "fbv", "date": "i morgen"}).status_code == 422
    assert office.post(S, json={"type": "xyz"}).status_code == 422
    assert office.get(S).json() == []  # nothing was made
    assert office.get(f"{S}/999").status_code == 404
    assert office.get(f"{S}/0").status_code == 422
    assert office.get(f"{S}/99999999999").status_code == 422
    assert office.get(S, params={"tab": "nope"}).status_code == 422
    sid, _ = _submitted(office)
    before = office.get(f"{S}/{sid}").json()
    for body in (
        {"amount": "-5", "date": "2026-03-01"},
        {"amount": "mye", "date": "2026-03-01"},
        {"amount": "1.234", "date": "2026-03-01"},
        {"amount": "100", "date": "2026-13-01"},
    ):
        r = office.post(f"{S}/{sid}/pay", json=body)
        assert r.status_code == 422 and r.json()["findings"][0]["code"] == "API_INVALID_INPUT"
    receipt = office.post(f"{S}/{sid}/receipt", json={"rejected": [{"claim": 1, "code": ""}]})
    assert receipt.status_code == 422
    nul = office.post(f"{S}/{sid}/sent", json={"reference": "MSG\u0000-1"})
    assert nul.status_code == 422  # a control character never reaches the database
    assert office.post(S, json={"type": "fbv", "date": "9999-12-31"}).status_code == 422
    assert office.get(f"{S}/{sid}").json() == before


def test_unlock_date_and_delete_a_draft(api: World) -> None:
    clinic(api)
    office = api.as_("settlementoffice")
    sid, etag = _submitted(office, "bkm")
    unlocked = office.post(f"{S}/{sid}/unlock", headers={"If-Match": etag})
    assert unlocked.status_code == 200 and unlocked.json()["status"] == "Til behandling"
    dated = office.post(f"{S}/{sid}/date", json={"date": "2026-03-15"})
    assert dated.json()["date"] == "2026-03-15" and dated.json()["controlled"] is False
    listed = office.get(S, params={"state": "draft"}).json()
    assert [s["id"] for s in listed] == [sid]
    gone = office.delete(f"{S}/{sid}", headers={"If-Match": dated.headers["etag"]})
    assert gone.status_code == 204
    assert office.get(f"{S}/{sid}").status_code == 404
    waiting = office.get("/api/v1/claims/waiting", params={"type": "bkm"}).json()
    assert waiting["total"] == 1


def test_the_portal_file_is_downloaded_and_the_settlement_is_sent(
    api: World, tmp_path: Path
) -> None:
    clinic(api)
    _outbox(api, tmp_path)
    office = api.as_("settlementoffice")
    sid, etag = _submitted(office)
    r = office.post(f"{S}/{sid}/portal-file", json={"certificate_password": SECRET},
                    headers={"If-Match": etag})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/xml")
    assert r.content.startswith(b"<?xml") and b"MsgHead" in r.content
    shown = office.get(f"{S}/{sid}")
    assert shown.json()["status"] == "Sendt" and shown.json()["transport"] == "portal"
    assert r.headers["etag"] == shown.headers["etag"]


def test_a_payout_that_differs_needs_a_decision_before_booking(api: World) -> None:
    clinic(api)
    office = api.as_("settlementoffice")
    sid, _ = _submitted(office)
    office.post(f"{S}/{sid}/sent", json={"reference": "MSG-7"})
    answered = office.post(f"{S}/{sid}/receipt", json={"rejected": []})  # all accepted
    assert answered.json()["status"] == "Kvittert"
    paid = office.post(f"{S}/{sid}/pay", json={"amount": "5000.00", "date": "2026-03-01"})
    assert paid.status_code == 200 and paid.json()["payout_difference"] == "700.00"  # still owed
    assert paid.json()["findings"]  # the difference shows (ADR 0017)
    refused = office.post(f"{S}/{sid}/book", json={})
    assert refused.status_code == 400 and office.get(f"{S}/{sid}").json()["status"] == "Utbetalt"
    assert office.get(f"{S}/{sid}/accounting").status_code == 400  # not booked yet
    booked = office.post(f"{S}/{sid}/book", json={"difference": "awaiting"})
    assert booked.status_code == 200, booked.text
    assert [x["account"] for x in booked.json()["lines"]][-1] == "1500"
    future = office.post(f"{S}/{sid}/pay", json={"amount": "1", "date": "2026-04-01"})
    assert future.status_code == 400


def test_a_whole_message_rejected_and_corrected_by_numbers(api: World) -> None:
    clinic(api)
    office = api.as_("settlementoffice")
    sid, _ = _submitted(office)
    office.post(f"{S}/{sid}/sent", json={"reference": "MSG-8"})
    r = office.post(f"{S}/{sid}/receipt", json={"all_rejected": {"code": "E1", "text": "Feil"}})
    assert r.status_code == 200
    numbers = numbers_by_appointment(office, sid)
    corrected = office.post(f"{S}/{sid}/correct", json={"claims": [numbers["A1"]]})
    assert corrected.status_code == 201
    assert corrected.json()["new"]["count"] == 1 and corrected.json()["old"]["count"] == 1
