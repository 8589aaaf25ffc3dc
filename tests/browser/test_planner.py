"""Planlegger in a real browser, on the demo clinic: the week, a new appointment, the planner's
rule messages appearing as one types (FBV twice a day for a patient, an overlap), and an
appointment moved and cancelled. Each test plans its own days in 2027 (the demo's
appointments end in 2026) with patients no other test uses."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from browser.accessibility import assert_accessible
from browser.conftest import DESKTOP, PHONE, log_in
from oppgjor.app.clinic import single
from oppgjor.store import Database

RULES = "#planregler"


def fill_new(page: Page, practitioner: str, patient: str, day: str, start: str, end: str,
             lines: str) -> None:  # fmt: skip
    page.get_by_label("Behandler").select_option(practitioner)
    page.get_by_label("Søk etter pasient").fill(patient)
    patients = page.get_by_label("Pasient", exact=True)
    expect(patients.locator("option")).to_have_count(2)  # the prompt and the one found
    patients.select_option(patient)
    page.get_by_label("Dato").fill(day)
    page.get_by_label("Fra").fill(start)
    page.get_by_label("Til").fill(end)
    page.get_by_label("Takster").fill(lines)


def test_week_view_create_and_the_rule_messages_as_one_types(page: Page) -> None:
    log_in(page, "settlementoffice", "/planlegger?behandler=B01&dato=2027-03-03")
    expect(page.get_by_role("heading", level=1)).to_have_text("Planlegger: Dr. Demo Rehab")
    expect(page.locator(".plandag")).to_have_count(7)
    assert_accessible(page)
    page.get_by_role("link", name="Ny avtale", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny avtale")
    fill_new(page, "B01", "P0001", "2027-03-01", "09:00", "10:00", "FBV01")
    expect(page.locator(RULES)).to_contain_text("Ingen merknader fra planleggeren.")
    assert_accessible(page)
    page.get_by_role("button", name="Lagre avtalen").click()
    expect(page.locator("#meldinger")).to_contain_text("er lagt inn 01.03.2027 kl. 09:00")
    expect(page.locator(".avtale").filter(has_text="Erik Larsen")).to_contain_text("FBV01")

    page.goto("/planlegger/ny?behandler=B02&dato=2027-03-01")
    fill_new(page, "B02", "P0001", "2027-03-01", "13:00", "14:00", "FBV01")
    expect(page.locator(RULES)).to_contain_text("kan brukes 1 gang per pasient per dag")
    assert "/planlegger/ny" in page.url  # nothing was submitted
    page.get_by_label("Behandler").select_option("B01")
    page.get_by_label("Takster").fill("LE2")
    page.get_by_label("Fra").fill("09:30")
    expect(page.locator(RULES)).to_contain_text("overlapper 01.03.2027 09:30")
    assert_accessible(page)


def test_move_and_cancel_an_appointment(page: Page, site_db: Database) -> None:
    single.create(site_db, "appointments", {
        "ref": "WEBPLAN1", "practitioner_ref": "B03", "patient_ref": "P0002",
        "start": "2027-03-08 10:00", "end": "2027-03-08 10:45", "lines": "201b"})  # fmt: skip
    log_in(page, "settlementoffice", "/planlegger/avtale/WEBPLAN1?tilbake=/planlegger")
    expect(page.get_by_role("heading", level=1)).to_have_text("Avtale WEBPLAN1")
    assert_accessible(page)
    page.get_by_label("Fra").fill("12:00")
    page.get_by_label("Til").fill("12:45")
    expect(page.locator(RULES)).to_contain_text("Ingen merknader fra planleggeren.")
    page.get_by_role("button", name="Lagre endringene").click()
    expect(page.locator("#meldinger")).to_contain_text("endret: 08.03.2027 kl. 12:00–12:45")
    page.once("dialog", lambda dialog: dialog.accept())  # it asks first
    page.get_by_role("button", name="Avlys").click()
    expect(page.locator("#meldinger")).to_contain_text("er avlyst")
    page.set_viewport_size(PHONE)  # the appointment's page (its history too) on a phone
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the appointment is {width}px wide on a 390px phone"
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="Tilbake").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planlegger")


def test_the_week_on_a_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, "practitioner", "/planlegger?dato=2026-12-07")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planlegger")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a 390px phone"
    assert_accessible(page)
