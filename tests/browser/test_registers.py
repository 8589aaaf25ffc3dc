"""Registre in a real browser: a series opened from a settlement's finding, an invalid value
flagged beside its field as the user types, fixed, saved, and the way back to the settlement;
the register pages pass the accessibility check, and fit a phone."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browser.accessibility import assert_accessible
from browser.conftest import PHONE, log_in
from oppgjor.app.clinic import records
from oppgjor.store import Database


@pytest.fixture
def own_series(site_db: Database) -> str:
    """A series of this test's own (a copy of the demo's first, under a new ref)."""
    first = records.list_records(site_db, "series")[0]
    ref = "WEBREG1"
    if ref not in {s.ref for s in records.list_records(site_db, "series")}:
        records.save(site_db, "series", dataclasses.replace(first, ref=ref), actor="test")
    return ref


def test_a_finding_is_fixed_in_the_series_and_the_user_returns(
    page: Page, own_series: str, site_db: Database
) -> None:
    log_in(page, "settlementoffice", f"/registre/series/{own_series}?tilbake=/oppgjor/12")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Serie {own_series}")
    assert_accessible(page)
    diagnosis = page.get_by_label("Diagnose", exact=True)
    good = diagnosis.input_value()
    diagnosis.fill("")
    diagnosis.press_sequentially("XYZ", delay=60)  # checked as the user types; nothing saved
    diagnosis = page.get_by_label("Diagnose", exact=True)
    expect(diagnosis).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-diagnosis_code-feil")).to_contain_text("«XYZ» finnes ikke i ICD-10")
    assert_accessible(page)
    diagnosis.fill(good)
    expect(page.locator("#f-diagnosis_code-feil")).to_have_count(0)
    expect(page.get_by_label("Diagnose", exact=True)).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Diagnose", exact=True)).to_have_value(good)
    title = page.get_by_label("Tittel")
    title.fill("")
    title.press_sequentially("ABCDE", delay=520)  # checks answer while the user types on
    expect(page.get_by_label("Tittel")).to_have_value("ABCDE")  # no keystroke lost
    page.get_by_label("Tittel").fill("Rettet fra nettleseren")
    page.get_by_label("Tittel").press("Tab")
    expect(page.get_by_label("Tittel")).to_have_value("Rettet fra nettleseren")
    page.get_by_role("button", name="Lagre", exact=True).click()
    expect(page.locator("#meldinger")).to_contain_text("Endringene er lagret.")
    saved = records.get_record(site_db, "series", own_series)
    assert (saved.title, saved.diagnosis_code) == ("Rettet fra nettleseren", good)
    page.get_by_role("link", name="Tilbake til oppgjøret").click()
    page.wait_for_url("**/oppgjor/12")


def test_the_register_pages_are_accessible_and_fit_a_phone(page: Page, own_series: str) -> None:
    log_in(page, "settlementoffice", "/registre")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registre")
    assert_accessible(page)
    for url in ("/registre/praksis", "/registre/patients", "/registre/tariffs",
                "/registre/templates", "/registre/practitioners/B01", "/registre/patients/P0001",
                f"/registre/series/{own_series}/historikk", "/registre/ny/referrers"):  # fmt: skip
        page.goto(url)
        assert_accessible(page)
    page.set_viewport_size(PHONE)
    for url in ("/registre", "/registre/series", f"/registre/series/{own_series}"):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url} is {width}px wide on a 390px phone"


def test_a_search_updates_the_list_as_the_user_types(page: Page) -> None:
    log_in(page, "readonly", "/registre/patients")
    page.get_by_label("Søk").fill("zzz-ingen")
    expect(page.locator("#treff")).to_contain_text("0 treff på «zzz-ingen»")
    expect(page.get_by_role("link", name="Ny pasient")).to_have_count(0)


def test_helfos_tariff_data_is_imported_from_the_page(page: Page, tmp_path: Path) -> None:
    rows = [{"takst_id": 9, "takstkode": "WEBREG9", "fagomraade": "LE", "beskrivelse": "Test",
             "honorar": 100, "refusjon": 60, "egenandel": 40, "fradato": "2026-01-01",
             "tildato": None}]  # fmt: skip
    path = tmp_path / "takstkoder.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    log_in(page, "settlementoffice", "/registre/tariffs")
    page.get_by_label("Takstfil").set_input_files(str(path))
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("#import-resultat")).to_contain_text("Importen er ferdig")
    expect(page.locator("#import-resultat")).to_contain_text("1 rad lest")
    page.get_by_label("Søk").fill("WEBREG9")
    expect(page.locator("#treff")).to_contain_text("WEBREG9")
    assert_accessible(page)
