"""Oversikt and Innstillinger in a real browser: the start page's cards and chart for the
settlement office (also on a phone), and an administrator who reaches Innstillinger with the
keyboard only, creates a user and a token (shown once)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from browser.accessibility import assert_accessible
from browser.conftest import PHONE, log_in

CARDS = ("Regninger som snart foreldes", "Egenandeler på overtid", "Avviste regninger til retting",
         "Sendt, ikke besvart", "Utbetaling med avvik")  # fmt: skip


def test_the_start_page_shows_the_cards_and_the_chart(page: Page) -> None:
    log_in(page, "settlementoffice")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversikt")
    expect(page.get_by_role("heading", name="Neste anbefalte innsendingsdag")).to_be_visible()
    expect(page.get_by_role("heading", name="Neste utbetalingsvedtak")).to_be_visible()
    for title in CARDS:
        card = page.locator(".kort", has=page.get_by_role("heading", name=title, exact=True))
        expect(card).to_have_count(1)
        expect(card.locator(".stort")).to_have_text(re.compile(r"^\d[\d\s]*$"))
    chart = page.get_by_role("img", name=re.compile("Godkjent og utbetalt"))
    expect(chart).to_be_visible()
    expect(page.locator("svg.diagram rect")).to_have_count(12)
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the start page is {width}px wide on a 390px phone"
    assert_accessible(page)


def test_a_practitioner_sees_no_settlement_cards(page: Page) -> None:
    log_in(page, "practitioner")
    expect(page.get_by_role("heading", name="Regninger som snart foreldes")).to_be_visible()
    expect(page.get_by_role("heading", name="Sendt, ikke besvart")).to_have_count(0)
    expect(page.locator("svg.diagram")).to_have_count(0)
    assert_accessible(page)


def tab_to(page: Page, name: str, limit: int = 40) -> None:
    """Press Tab until the link or button called *name* has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.textContent")
        if focused and focused.strip() == name:
            return
    raise AssertionError(f"{name} was not reached with Tab")


def test_the_administrator_reaches_settings_with_the_keyboard_and_adds_a_user_and_a_token(
    page: Page,
) -> None:
    log_in(page, "administrator")
    tab_to(page, "Innstillinger")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/innstillinger$"))
    expect(page.get_by_role("heading", level=2, name="Helfo")).to_be_visible()
    assert_accessible(page)
    tab_to(page, "Brukere")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/innstillinger/brukere$"))
    assert_accessible(page)

    form = page.locator("form[action='/innstillinger/brukere']")
    form.get_by_label("Brukernavn").fill("nettleser-kari")
    form.get_by_label("Navn som vises").fill("Kari Nettleser")
    form.get_by_label("Rolle", exact=True).select_option("settlement-office")
    form.get_by_label("Passord (minst 10 tegn)").fill("kari-sitt-passord-1")
    form.get_by_role("button", name="Lag brukeren").click()
    expect(page.locator("#meldinger")).to_contain_text("Brukeren nettleser-kari er laget.")
    expect(page.locator("#bruker-nettleser-kari")).to_contain_text("oppgjørskontor")

    page.get_by_role("navigation", name="Innstillinger").get_by_role("link", name="Tokens").click()
    page.get_by_label("Navn på tokenet").fill("nettleser-rapport")
    page.get_by_label("Gjelder", exact=True).select_option("bruker:nettleser-kari")
    page.get_by_role("button", name="Lag tokenet").click()
    token = page.locator("#token-verdi")
    expect(token).to_have_text(re.compile(r"^opg_\S{20,}$"))
    value = token.text_content() or ""
    assert_accessible(page)
    page.goto("/innstillinger/tokens")  # shown once: the list shows only its start
    expect(page.locator("#token-verdi")).to_have_count(0)
    expect(page.get_by_role("cell", name="nettleser-rapport", exact=True)).to_be_visible()
    assert value not in page.content()


SETTINGS = ["/innstillinger"] + [
    f"/innstillinger/{tab}" for tab in ("kuhr", "kontoer", "bookingklienter", "brukere", "tokens")
]


def test_every_settings_tab_is_accessible_and_fits_a_phone(page: Page) -> None:
    log_in(page, "administrator")
    for path in SETTINGS:
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text("Innstillinger")
        assert_accessible(page)
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide on a 390px phone"


def test_a_wrong_certificate_password_is_said_in_norwegian(page: Page) -> None:
    log_in(page, "administrator", "/innstillinger")
    page.get_by_label("Sertifikatfil").set_input_files(
        files=[{"name": "virk.p12", "mimeType": "application/x-pkcs12", "buffer": b"not a p12"}]
    )
    page.get_by_label("Passordet til sertifikatet").fill("hemmelig-i-nettleseren")
    page.get_by_role("button", name="Last opp sertifikatet").click()
    expect(page.locator("main")).to_contain_text("feil passord")
    assert "hemmelig-i-nettleseren" not in page.content()
    assert_accessible(page)
