"""The Helfo calendar, the message and KUHR settings (administrators only; secrets never
returned), reading the inbox, and sending through the KUHR Krav API when it is configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from oppgjor.clinic.domain.model import Practice
from tests.api.conftest import World
from tests.api.settlement_world import SECRET, S, certificate, clinic, new_draft

H = "/api/v1/helfo"


def test_the_calendar(api: World) -> None:
    cal = api.as_("readonly").get(f"{H}/calendar", params={"date": "2026-11-23"}).json()
    assert cal["next_submission"] == "2026-11-30" and cal["next_decision"] == "2026-12-01"
    assert all(d >= "2026-11-23" for d in cal["submissions"])
    today = api.as_("settlementoffice").get(f"{H}/calendar").json()
    assert today["today"] == "2026-03-02"
    assert api.as_("readonly").get(f"{H}/calendar", params={"date": "31.02"}).status_code == 422
    before = api.as_("readonly").get(f"{H}/calendar", params={"date": "2001-01-01"})
    assert before.status_code == 400 and "ikke kjent" in before.json()["detail"]


def test_settings_are_for_administrators_and_the_password_is_never_kept(
    api: World, tmp_path: Path
) -> None:
    clinic(api)
    admin = api.as_("administrator")
    assert api.as_("settlementoffice").get(f"{H}/settings").status_code == 403
    assert "virksomhetssertifikat" in " ".join(admin.get(f"{H}/settings").json()["missing"])
    cert = certificate(tmp_path)
    wrong = admin.put(f"{H}/settings", json={"certificate": str(cert),
                                             "certificate_password": "galt-passord-9"})  # fmt: skip
    assert wrong.status_code == 400 and "galt-passord-9" not in wrong.text
    assert admin.get(f"{H}/settings").json()["certificate"] is None  # nothing stored
    assert admin.put(f"{H}/settings", json={"message_type": "XYZ"}).status_code == 400
    assert admin.put(f"{H}/settings", json={"colour": "blå"}).status_code == 422
    long_name = admin.put(f"{H}/settings", json={"certificate": "/" + "x" * 400})
    assert long_name.status_code == 200 and "finnes ikke" in " ".join(long_name.json()["missing"])
    ok = admin.put(f"{H}/settings", json={"certificate": str(cert), "certificate_password": SECRET,
                                          "message_type": "LOM"})  # fmt: skip
    assert ok.status_code == 200 and ok.json()["message_type"] == "LOM"
    assert ok.json()["missing"] == [] and SECRET not in ok.text
    assert SECRET not in admin.get(f"{H}/settings").text
    with api.db.transaction() as repos:
        stored = [repos.get_setting(k) for k in ("helfo_certificate", "helfo_password_file")]
    assert stored == [str(cert), None]


def test_kuhr_settings(api: World) -> None:
    admin = api.as_("administrator")
    assert admin.put(f"{H}/kuhr-settings", json={"url": "ftp://kuhr.test"}).status_code == 400
    r = admin.put(f"{H}/kuhr-settings", json={"url": "dev", "maskinporten_client_id": "abc"})
    assert r.status_code == 200 and r.json()["url"].startswith("https://")
    assert admin.get(f"{H}/kuhr-settings").json()["maskinporten_client_id"] == "abc"
    assert api.as_("settlementoffice").put(f"{H}/kuhr-settings", json={}).status_code == 403


def test_reading_an_empty_inbox(api: World, tmp_path: Path) -> None:
    api.as_("administrator").put(f"{H}/settings", json={"folder": str(tmp_path / "m")})
    r = api.as_("settlementoffice").post(f"{H}/inbox")
    assert r.status_code == 200
    assert r.json() == {"applied": [], "already_applied": [], "quarantined": [], "findings": []}


def test_sending_through_kuhr_when_it_is_configured(
    api: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_kuhr = pytest.importorskip("fake_kuhr")
    clinic(api)
    with api.db.transaction() as repos:
        practice = repos.get_practice()
        assert practice is not None
        repos.save_practice(Practice(**{**practice.__dict__, "helfo_practice_id": "1004326178"}))
    admin, office = api.as_("administrator"), api.as_("settlementoffice")
    admin.put(f"{H}/settings", json={"folder": str(tmp_path / "helfo")})
    with fake_kuhr.FakeKuhr() as fake:
        monkeypatch.setenv("OPPGJOR_KUHR_TOKEN", fake.token)
        assert admin.put(f"{H}/kuhr-settings", json={"url": fake.url}).status_code == 200
        sid, _ = new_draft(office)
        office.post(f"{S}/{sid}/mark", json={"all": True})
        office.post(f"{S}/{sid}/control")
        etag = office.post(f"{S}/{sid}/submit").headers["etag"]
        stale = office.post(f"{S}/{sid}/send", json={}, headers={"If-Match": '"1"'})
        assert stale.status_code == 412 and fake.messages == {}
        sent = office.post(f"{S}/{sid}/send", json={}, headers={"If-Match": etag})
        assert sent.status_code == 200, sent.text
        assert sent.json()["channel"] == "kuhr" and sent.json()["reference"] in fake.messages
        polled = office.post(f"{S}/{sid}/kuhr-status")
        assert polled.status_code == 200, polled.text
        assert polled.json()["status"] == "Kvittert" and polled.json()["applied"]


def test_a_relative_folder_is_refused_it_would_be_read_from_where_the_server_started(
    api: World,
) -> None:
    admin = api.as_("administrator")
    before = admin.get("/api/v1/helfo/settings").json()
    for folder in ("meldinger", "../../tmp/x"):
        r = admin.put("/api/v1/helfo/settings", json={"folder": folder})
        assert r.status_code == 422, r.text
        assert r.json()["findings"][0]["where"]["field"] == "folder"
    assert admin.get("/api/v1/helfo/settings").json() == before
