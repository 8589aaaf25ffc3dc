"""The FBV manual's chapter 2 in a real browser, from logging in to a booked settlement: a
new FBV settlement, the claims ticked, the control's finding fixed through its link in the
series and back, the claim that cannot be fixed moved out, Send inn, sent to the outbox with
the certificate's password typed for that send, Helfo's receipt with a rejection, the rejected
claim corrected in a new draft, the payout, booking and the accounting file."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browser.accessibility import assert_accessible
from browser.conftest import log_in
from browser.settlement_data import SECRET, book_and_download, certificate, seed
from oppgjor.app.helfo import settlements as st
from oppgjor.store import Database

# the series of «Kapittel Serieløs» lacks its NPR debtor (fixed in the series), «Kapittel
# Ugyldig»'s national id is not valid (moved out), «Kapittel Frisk» is clean
PEOPLE = (
    ("Kapittel Serieløs", frozenset({"debtor"})),
    ("Kapittel Ugyldig", frozenset({"id"})),
    ("Kapittel Frisk", frozenset()),
)


@pytest.fixture
def folder(site_db: Database, tmp_path: Path) -> Path:
    seed(site_db, "CH", PEOPLE)
    return certificate(site_db, tmp_path, datetime.datetime.now())


def _tick(page: Page, name: str) -> None:
    page.get_by_role("row").filter(has_text=name).get_by_role("checkbox").check()


def _section(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator("section.regning-funn").filter(has_text=name)


def test_the_fbv_manuals_chapter_2_in_the_browser(page: Page, site_db: Database,
                                                  folder: Path) -> None:  # fmt: skip
    log_in(page, "settlementoffice")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Oppgjør").click()
    expect(page.get_by_role("tab", name="Til behandling").or_(
        page.get_by_role("link", name="Til behandling"))).to_be_visible()  # fmt: skip

    # 2.1: a new FBV settlement; the claims of our three patients ticked
    page.get_by_label("Oppgjørstype").select_option("fbv")
    page.get_by_role("button", name="Nytt oppgjør").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("til behandling")
    sid = int(re.search(r"/oppgjor/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    page.get_by_label("Filtrér på pasient").fill("Kapittel")
    page.get_by_role("button", name="Vis").click()
    expect(page.locator("table.regninger tbody tr")).to_have_count(3)
    for name, _ in PEOPLE:
        _tick(page, name)
    expect(page.locator("#sum .antall-valgt")).to_have_text("3")

    # control: findings under the list, per claim
    page.get_by_role("button", name="Kontrollér").click()
    expect(page.locator("#meldinger")).to_contain_text("Kontrollen er ferdig")
    expect(_section(page, "Serieløs")).to_contain_text("SERIES_DEBTOR")
    expect(_section(page, "Ugyldig")).to_contain_text("NATIONAL_ID_INVALID")
    expect(_section(page, "Frisk")).to_have_count(0)
    with site_db.reading() as repos:
        invalid = repos.patients(["PCH2"])[0].id_value
    assert invalid not in page.content()  # national ids masked
    assert_accessible(page)

    # the finding's link opens the series; it is fixed there, and «tilbake» returns
    finding = _section(page, "Serieløs").locator(".funn li").filter(has_text="SERIES_DEBTOR")
    finding.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/registre/series/SCH1\?"))
    page.get_by_label("NPR-debitor", exact=True).fill("90")
    page.get_by_role("button", name="Lagre og gå tilbake").click()
    page.wait_for_url(re.compile(rf"/oppgjor/{sid}$"))
    expect(page.locator("#meldinger")).to_contain_text("Endringene er lagret.")

    # control again: only the invalid national id is left; move it out (it waits)
    page.get_by_role("button", name="Kontrollér").click()
    expect(page.locator("#meldinger")).to_contain_text("Kontrollen er ferdig")
    expect(_section(page, "Serieløs")).to_have_count(0)
    expect(_section(page, "Ugyldig")).to_contain_text("NATIONAL_ID_INVALID")
    page.get_by_role("button", name=re.compile("Flytt feilede ut")).click()
    expect(page.locator("#sum .antall-valgt")).to_have_text("2")
    expect(page.locator("#meldinger")).to_contain_text("Kontrollen er ferdig: 0 feil")
    expect(_section(page, "Ugyldig")).to_have_count(0)

    # Send inn, then send to the outbox with the certificate's password for this send only
    page.get_by_role("button", name="Send inn").click()
    page.wait_for_url(re.compile(rf"/oppgjor/{sid}/status"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Oppgjør {sid}: innsendt")
    page.get_by_label("Sertifikatpassord", exact=True).fill(SECRET)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Oppgjør {sid}: sendt")
    assert SECRET not in page.content()
    assert len(list((folder / "outbox").iterdir())) == 1

    # 2.2: Helfo's receipt rejects the claim of the series that was fixed
    claims = {c.appointment_ref: c.number for c in st.claims_in(site_db, sid)}
    assert set(claims) == {"ACH1", "ACH3"}
    rejected = claims["ACH1"]
    page.get_by_text("Registrer kvitteringen for hånd").click()
    page.get_by_label(f"Regning {rejected} avvist", exact=True).check()
    page.get_by_label(f"Avvisningskode for regning {rejected}", exact=True).fill("07")
    page.get_by_label(f"Helfos tekst for regning {rejected}", exact=True).fill("Feil i henvisning")
    page.get_by_role("button", name="Registrer kvittering").click()
    expect(page.get_by_role("row").filter(has_text="Feil i henvisning")).to_contain_text(
        str(rejected)
    )

    # 2.3: correct the rejected claim: a new draft holds it, with the same claim number
    page.get_by_role("button", name="Rett avviste").click()
    told = page.locator("#meldinger")
    expect(told).to_contain_text("nytt utkast")
    new = int(re.search(r"oppgjør (\d+)", told.inner_text()).group(1))  # type: ignore[union-attr]
    assert st.load_settlement(site_db, new).corrects_id == sid
    assert [c.number for c in st.claims_in(site_db, new)] == [rejected]

    # the payout as approved, booking, and the accounting file
    approved = st.claims_in(site_db, sid)
    amount = sum(c.amount for c in approved if c.number != rejected)
    page.get_by_label("Utbetalt beløp (kr)").fill(str(amount).replace(".", ","))
    expect(page.locator("#avvik")).to_contain_text("Lik summen Helfo godkjente")
    page.get_by_role("button", name="Registrer utbetaling").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Oppgjør {sid}: utbetalt")
    download = book_and_download(page, sid)
    rows = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("dato;konto;belop") and len(rows) > 1
    assert_accessible(page)

    # the history names every step and who did it
    page.get_by_role("link", name="Historikk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Historikk for oppgjør {sid}")
    expect(page.get_by_role("cell", name="settlementoffice").first).to_be_visible()
