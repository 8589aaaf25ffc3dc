"""The FBV manual's chapter 2, the draft part, in a real browser: the settlement office makes
a draft, ticks its claims (the count and total follow without a reload), controls it, follows
a finding's link to the record and comes back, and moves the failed claim out. A role that
may not submit sees no «Send inn» and is refused when it posts anyway."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from browser.accessibility import assert_accessible
from browser.conftest import PHONE, log_in
from browser.settlement_data import BROKEN, CLEAN, draft, seed
from oppgjor.store import Database


@pytest.fixture
def own(site_db: Database) -> Database:
    seed(site_db)
    return site_db


def _count(page: Page) -> str:
    return page.locator("#sum .antall-valgt").inner_text()


def _tick(page: Page, name: str, expected: str) -> None:
    row = page.get_by_role("row").filter(has_text=name)
    row.get_by_role("checkbox").check()
    expect(page.locator("#sum .antall-valgt")).to_have_text(expected)


def test_the_settlement_office_works_a_draft(page: Page, own: Database) -> None:
    log_in(page, "settlementoffice", "/oppgjor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oppgjør")
    assert_accessible(page)
    page.get_by_role("button", name="Nytt oppgjør").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("til behandling")
    sid = re.search(r"/oppgjor/(\d+)", page.url).group(1)  # type: ignore[union-attr]
    assert _count(page) == "0"

    # filter by patient, as the manual recommends when ticking many
    page.get_by_label("Filtrér på pasient").fill("Nettleser")
    page.get_by_role("button", name="Vis").click()
    expect(page.locator("table.regninger tbody tr")).to_have_count(2)
    page.evaluate("window.ikkeLastetPaaNytt = true")
    _tick(page, BROKEN, "1")
    _tick(page, CLEAN, "2")
    assert page.evaluate("window.ikkeLastetPaaNytt === true"), "the page was reloaded"
    expect(page.locator("#sum .sum-valgt")).not_to_have_text("kr 0,00")

    page.get_by_role("button", name="Kontrollér").click()
    expect(page.locator("#meldinger")).to_contain_text("Kontrollen er ferdig")
    found = page.locator("section.regning-funn").filter(has_text=BROKEN)
    expect(found).to_contain_text("NATIONAL_ID_INVALID")
    expect(found).to_contain_text("SERIES_DEBTOR")
    assert_accessible(page)

    # a finding's link opens the record with the way back, and the draft is there again
    link = found.locator(".funn").get_by_role("link", name="Åpne pasienten").first
    href = link.get_attribute("href") or ""
    assert href.startswith("/registre/patients/PWD1?") and f"tilbake=%2Foppgjor%2F{sid}" in href
    link.click()
    page.wait_for_url(re.compile(r"/registre/patients/PWD1\?"))
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Oppgjør {sid}")

    page.get_by_role("button", name=re.compile("Flytt feilede ut")).click()
    expect(page.locator("#meldinger")).to_contain_text("1 regning med feil er flyttet ut")
    assert _count(page) == "1"
    assert_accessible(page)


def test_the_settlement_list_and_a_draft_on_a_phone(page: Page, own: Database) -> None:
    sid = draft(own)
    page.set_viewport_size(PHONE)
    log_in(page, "settlementoffice", f"/oppgjor/{sid}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Oppgjør {sid}")
    for address in (f"/oppgjor/{sid}", "/oppgjor"):
        page.goto(address)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{address} is {width}px wide on a 390px phone"
        assert_accessible(page)


def test_deleting_a_draft_asks_first(page: Page, own: Database) -> None:
    sid = draft(own)
    log_in(page, "settlementoffice", f"/oppgjor/{sid}")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Slett").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Oppgjør {sid}")
    assert asked and f"Slette utkastet {sid}?" in asked[0]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Slett").click()
    page.wait_for_url(re.compile(r"/oppgjor$"))
    expect(page.locator("#meldinger")).to_contain_text(f"Utkastet {sid} er slettet")
    assert_accessible(page)


@pytest.mark.parametrize("user", ["readonly", "practitioner"])
def test_a_role_that_may_not_submit_sees_no_button_and_is_refused(
    page: Page, own: Database, user: str
) -> None:
    sid = draft(own)
    log_in(page, user)
    shown = page.goto(f"/oppgjor/{sid}")
    assert shown is not None
    if user == "readonly":
        assert shown.status == 200
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Oppgjør {sid}")
        assert_accessible(page)
    else:
        assert shown.status == 403
    expect(page.get_by_role("button", name="Send inn")).to_have_count(0)
    expect(page.get_by_role("button", name="Kontrollér")).to_have_count(0)
    refused = page.request.post(f"/oppgjor/{sid}/send-inn", form={"versjon": "1"})
    assert refused.status == 403
    assert "Rollen din gir ikke tilgang" in refused.text()
