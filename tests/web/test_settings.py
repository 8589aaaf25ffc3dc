"""Innstillinger: administrators only; the forms change the settings, users, clients and
tokens through the use cases; the certificate's password is used and kept nowhere; a token's
value is shown once."""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

import pytest
from sqlalchemy import text

from oppgjor.app import access, installation
from oppgjor.app.helfo import booking, exchange, kuhr
from oppgjor.store import Database
from tests.web.conftest import NOW, PASSWORD, Site, htmx
from tests.web.home_world import SECRET, certificate, clinic

T = "/innstillinger"
PAGES = (T, f"{T}/kuhr", f"{T}/kontoer", f"{T}/bookingklienter", f"{T}/brukere", f"{T}/tokens")
POSTS = (f"{T}/helfo", f"{T}/sertifikat", f"{T}/kuhr", f"{T}/kontoer", f"{T}/bookingklienter",
         f"{T}/brukere", f"{T}/brukere/x1/rolle", f"{T}/brukere/x1/aktiv",
         f"{T}/brukere/x1/passord", f"{T}/tokens", f"{T}/tokens/1/tilbakekall")  # fmt: skip


def dump(db: Database) -> str:
    """Every row of every table, as text: to look for what must never be stored."""
    with db.engine.connect() as conn:
        names = [
            r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
        ]
        return "\n".join(
            str(row) for n in names for row in conn.execute(text(f'SELECT * FROM "{n}"'))
        )


@pytest.mark.parametrize("path", PAGES)
def test_every_tab_renders_for_the_administrator(site: Site, path: str) -> None:
    page = site.as_("administrator").get(path)
    assert page.status_code == 200
    assert page.text.count("<h1>") == 1 and "Innstillinger – oppgjor</title>" in page.text
    assert 'aria-current="page">' in page.text


@pytest.mark.parametrize("role", ["settlement-office", "read-only"])
def test_no_one_else_may_see_or_post(site: Site, role: str) -> None:
    browser = site.as_(role)
    for path in PAGES:
        assert browser.get(path).status_code == 403, path
    for path in POSTS:
        assert browser.post(path, data={"role": "administrator"}).status_code == 403, path
    assert 'href="/innstillinger"' not in browser.get("/").text
    assert access.users(site.db)[0].role == role  # nothing changed


def test_helfo_and_kuhr_settings_are_saved(site: Site, tmp_path: Path) -> None:
    admin = site.as_("administrator")
    folder = str(tmp_path / "meldinger")
    saved = admin.post("/innstillinger/helfo", data={"folder": folder, "message_type": "LOM",
                                                      "receiver_her": ""})  # fmt: skip
    assert saved.status_code == 303 and saved.headers["location"] == "/innstillinger"
    settings = exchange.get_settings(site.db)
    assert settings["folder"] == folder and settings["message_type"] == "LOM"
    assert settings["receiver_her"] == "79768"  # empty: left as it was
    shown = admin.get("/innstillinger").text
    assert "Helfo-innstillingene er lagret." in shown and f'value="{folder}"' in shown
    kuhr_saved = admin.post(
        "/innstillinger/kuhr",
        data={"url": "https://kuhr.test/api", "maskinporten_client_id": "klient-1"},
    )
    assert kuhr_saved.status_code == 303
    assert kuhr.get_settings(site.db)["url"] == "https://kuhr.test/api"
    assert kuhr.get_settings(site.db)["maskinporten_client_id"] == "klient-1"


def test_bad_settings_are_refused_in_norwegian_and_nothing_is_saved(site: Site) -> None:
    admin = site.as_("administrator")
    relative = admin.post("/innstillinger/helfo", data={"outbox": "relativ/sti"})
    assert relative.status_code == 400 and "full sti" in relative.text
    wrong_type = admin.post("/innstillinger/helfo", data={"message_type": "XYZ"}, headers=htmx())
    assert wrong_type.status_code == 400 and "Meldingstype må være" in wrong_type.text
    assert wrong_type.headers["hx-retarget"] == "#meldinger"
    plain = admin.post("/innstillinger/kuhr", data={"url": "http://kuhr.example"})
    assert plain.status_code == 400 and "https" in plain.text
    assert exchange.get_settings(site.db)["outbox"] is None
    assert exchange.get_settings(site.db)["message_type"] == "POM"
    assert kuhr.get_settings(site.db)["url"] is None


def upload(site: Site, admin, data: bytes, password: str):  # type: ignore[no-untyped-def]
    return admin.post("/innstillinger/sertifikat", data={"passord": password},
                      files={"sertifikat": ("virk.p12", data, "application/x-pkcs12")})  # fmt: skip


def test_a_certificate_is_uploaded_with_its_password_which_is_kept_nowhere(
    site: Site, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    clinic(site.db, NOW, tmp_path)
    admin = site.as_("administrator")
    made = certificate(tmp_path, password="et-annet-passord-77", now=NOW, days=20)
    answer = upload(site, admin, made, "et-annet-passord-77")
    assert answer.status_code == 303, answer.text
    stored = Path(exchange.get_settings(site.db)["certificate"] or "")
    assert stored.read_bytes() == made and stored.stat().st_mode & 0o077 == 0
    page = admin.get("/innstillinger").text
    assert "Virksomhetssertifikatet er lagret; det gjelder til 22.03.2026" in page
    assert 'id="sertifikat-varsel"' in page and "om 20 dager" in page  # expires within 30
    assert "et-annet-passord-77" not in answer.text + page
    assert "et-annet-passord-77" not in dump(site.db) and "et-annet-passord-77" not in caplog.text
    with site.db.reading() as repos:
        events = [e for e in repos.audit.find() if e.kind == "helfo-settings"]
    assert [(e.action, e.detail["expires"]) for e in events] == [("installed", "2026-03-22")]


def test_a_wrong_password_or_another_practice_stores_nothing(site: Site, tmp_path: Path) -> None:
    clinic(site.db, NOW, tmp_path)
    before = exchange.get_settings(site.db)["certificate"]
    admin = site.as_("administrator")
    wrong = upload(site, admin, certificate(tmp_path, now=NOW), "feil-passord-123")
    assert wrong.status_code == 400 and "feil passord" in wrong.text
    assert "Ingenting ble lagret" in wrong.text and "feil-passord-123" not in wrong.text
    other = upload(site, admin, certificate(tmp_path, org_nr="123456785", now=NOW), SECRET)
    assert other.status_code == 400 and "org.nr 974760673" in other.text
    expired = certificate(tmp_path, now=NOW - datetime.timedelta(days=400), days=365)
    assert "gikk ut" in upload(site, admin, expired, SECRET).text
    with site.db.transaction() as repos:
        repos.set_setting(installation.TEST_INSTALLATION, "false")
    production = upload(site, admin, certificate(tmp_path, now=NOW), SECRET)
    assert production.status_code == 400 and "TEST-sertifikat" in production.text
    empty = upload(site, admin, b"", SECRET)
    assert empty.status_code == 400 and "Velg sertifikatfilen" in empty.text
    assert exchange.get_settings(site.db)["certificate"] == before
    kept = list((tmp_path / "meldinger" / "sertifikat").glob("*.p12"))
    assert kept == []  # the refused files were removed


def test_booking_clients_are_listed_and_created(site: Site) -> None:
    admin = site.as_("administrator")
    made = admin.post(
        "/innstillinger/bookingklienter",
        data={"ref": "IF", "name": "If Skadeforsikring", "org_nr": "981290666"},
    )
    assert made.status_code == 303
    assert [c.ref for c in access.clients(site.db)] == ["IF"]
    assert "If Skadeforsikring" in admin.get("/innstillinger/bookingklienter").text
    bad = admin.post(
        "/innstillinger/bookingklienter", data={"ref": "X", "name": "Y", "org_nr": "12"}
    )
    assert bad.status_code == 422 and "9 sifre" in bad.text
    assert len(access.clients(site.db)) == 1


def test_users_are_created_changed_deactivated_and_given_a_password(site: Site) -> None:
    admin = site.as_("administrator")
    made = admin.post("/innstillinger/brukere", data={
        "username": "kari", "display_name": "Kari Kontor", "role": "settlement-office",
        "password": "kari-sitt-passord-1"})  # fmt: skip
    assert made.status_code == 303
    page = admin.get("/innstillinger/brukere").text
    assert 'id="bruker-kari"' in page and "kari-sitt-passord-1" not in page
    changed = admin.post(
        "/innstillinger/brukere/kari/rolle", data={"role": "read-only", "practitioner": ""}
    )
    assert changed.status_code == 303
    assert next(u for u in access.users(site.db) if u.username == "kari").role == "read-only"
    new_password = admin.post(
        "/innstillinger/brukere/kari/passord", data={"password": "et-nytt-passord-99"}
    )
    assert new_password.status_code == 303
    browser = site.client()
    login = browser.post("/logg-inn", data={"username": "kari", "password": "et-nytt-passord-99"})
    assert login.status_code == 303
    off = admin.post("/innstillinger/brukere/kari/aktiv", data={"active": "false"})
    assert off.status_code == 303
    assert next(u for u in access.users(site.db) if u.username == "kari").active is False
    assert browser.get("/").status_code == 303  # the session ended
    assert "kari-sitt-passord-1" not in dump(site.db) and "et-nytt-passord-99" not in dump(site.db)


def test_bad_users_are_refused_and_nothing_changes(site: Site) -> None:
    admin = site.as_("administrator")
    weak = admin.post(
        "/innstillinger/brukere", data={"username": "ola", "role": "read-only", "password": "kort"}
    )
    assert weak.status_code == 422
    practitioner = admin.post("/innstillinger/brukere", data={
        "username": "ola", "role": "practitioner", "password": PASSWORD})  # fmt: skip
    assert practitioner.status_code == 422 and "behandler" in practitioner.text
    role = admin.post(
        "/innstillinger/brukere", data={"username": "ola", "role": "sjef", "password": PASSWORD}
    )
    assert role.status_code == 422 and "Ukjent rolle" in role.text
    me = access.users(site.db)[0].username
    myself = admin.post(f"/innstillinger/brukere/{me}/aktiv", data={"active": "false"})
    assert myself.status_code == 422 and "deg selv" in myself.text
    assert [u.username for u in access.users(site.db)] == [me]
    assert (
        admin.post("/innstillinger/brukere/ingen/rolle", data={"role": "read-only"}).status_code
        == 404
    )


def test_a_token_is_shown_once_and_can_be_revoked(site: Site) -> None:
    admin = site.as_("administrator")
    site.user("read-only", "lesa")
    made = admin.post(
        "/innstillinger/tokens",
        data={"name": "rapporter", "owner": "bruker:lesa", "scopes": ["read"], "days": "30"},
    )
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    token = access.tokens(site.db)[0]
    value = made.text.split('id="token-verdi" class="engangs">')[1].split("<")[0]
    assert value.startswith(token.prefix) and len(value) > 20
    assert access.digest(value) not in made.text
    again = admin.get("/innstillinger/tokens").text
    assert value not in again and "rapporter" in again and value not in dump(site.db)
    bearer = {"Authorization": f"Bearer {value}"}
    assert site.client().get("/api/v1/helfo/calendar", headers=bearer).status_code == 200
    revoked = admin.post(f"/innstillinger/tokens/{token.id}/tilbakekall")
    assert revoked.status_code == 303 and access.tokens(site.db)[0].revoked_at == NOW
    assert "tilbakekalt" in admin.get("/innstillinger/tokens").text
    assert site.client().get("/api/v1/helfo/calendar", headers=bearer).status_code == 401


def test_bad_tokens_are_refused(site: Site) -> None:
    admin = site.as_("administrator")
    nobody = admin.post(
        "/innstillinger/tokens", data={"name": "x", "owner": "", "scopes": ["read"]}
    )
    assert nobody.status_code == 422 and "Velg hvem" in nobody.text
    no_scope = admin.post("/innstillinger/tokens", data={"name": "x", "owner": "bruker:ingen"})
    assert no_scope.status_code == 422 and "omfang" in no_scope.text
    too_long = admin.post(
        "/innstillinger/tokens",
        data={"name": "x", "owner": "bruker:x", "scopes": ["read"], "days": "999"},
    )
    assert too_long.status_code == 422
    assert admin.post("/innstillinger/tokens/999/tilbakekall").status_code == 404
    assert access.tokens(site.db) == []


def test_the_accounts_for_booking_are_saved_and_bad_ones_refused(site: Site) -> None:
    admin = site.as_("administrator")
    assert 'value="1920"' in admin.get("/innstillinger/kontoer").text  # the default
    saved = admin.post("/innstillinger/kontoer", data={"bank": "1930", "income": ""})
    assert saved.status_code == 303
    assert booking.booking_accounts(site.db)["bank"] == "1930"
    assert booking.booking_accounts(site.db)["income"] == "3100"
    bad = admin.post("/innstillinger/kontoer", data={"bank": "19", "income": "3200"})
    assert bad.status_code == 400 and "4–8 siffer" in bad.text
    assert booking.booking_accounts(site.db)["income"] == "3100"
