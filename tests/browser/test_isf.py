"""ISF in a real browser: upload demo activity (written by the generator ``oppgjor isf demo``
uses), choose the year, run, watch the progress bar reach done, read the summary and its
charts, download a result; a role that may only read sees no form."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browser.accessibility import assert_accessible
from browser.conftest import PHONE, SHOTS, log_in
from oppgjor.app.isf import runs

YEAR = 2020


@pytest.fixture
def activity(tmp_path: Path) -> Path:
    path = tmp_path / "nettleser-aktivitet.csv"
    runs.write_demo_activity(YEAR, 20_000, path)  # a few seconds' run: the page polls
    return path


def test_upload_run_and_read_the_summary(page: Page, activity: Path, tmp_path: Path) -> None:
    log_in(page, "settlementoffice", "/isf")
    expect(page.get_by_role("heading", level=1)).to_have_text("ISF – aktivitetsbasert finansiering")
    assert_accessible(page)
    page.get_by_label("Aktivitet (CSV, Parquet eller NPR-melding XML)").set_input_files(activity)
    page.get_by_role("spinbutton", name="År", exact=True).fill(str(YEAR))
    page.get_by_role("button", name="Start kjøring").click()
    page.wait_for_url("**/isf/kjoring/*")
    expect(page.get_by_role("heading", level=1)).to_contain_text("ISF-kjøring")
    expect(page.locator("#meldinger")).to_contain_text("er startet")
    progress = page.get_by_label("Fremdrift")
    expect(progress).to_be_visible()
    expect(page.locator('#kjoring[hx-trigger="every 1s"]')).to_have_count(1)  # still running
    page.evaluate("document.body.dataset.samme = 'ja'")  # gone if the page were reloaded
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "isf-fremdrift.png"))
    expect(page.get_by_role("heading", name="Status: Ferdig")).to_be_visible(timeout=60_000)
    expect(progress).to_have_attribute("value", "100")
    assert page.evaluate("document.body.dataset.samme") == "ja"  # updated in place by htmx
    expect(page.locator("#kjoring[hx-trigger]")).to_have_count(0)  # polling has stopped
    expect(page.get_by_role("heading", name="Per DRG/STG/TFG")).to_be_visible()
    expect(page.get_by_role("img", name="ISF-poeng per måned og område")).to_be_visible()
    expect(page.get_by_role("img", name="ISF-poeng for kodene med flest poeng")).to_be_visible()
    expect(page.get_by_text("SYNTETISKE demovekter")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "isf-kjoring.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Sammendrag (CSV)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.endswith("-sammendrag.csv")
    assert saved.read_text(encoding="utf-8").startswith("area,month,code")
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the run page is {width}px wide on a 390px phone"
    run_id = page.url.rsplit("/", 1)[-1]
    page.get_by_role("link", name="Se postene").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"Resultat per post, kjøring {run_id}")
    expect(page.get_by_text("Post 1–50 av 20")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the records page is {width}px wide on a 390px phone"
    assert_accessible(page)
    page.get_by_role("link", name="Neste side").click()
    expect(page.get_by_text("Post 51–100 av 20")).to_be_visible()
    page.get_by_role("link", name=f"Tilbake til kjøring {run_id}").click()
    page.get_by_role("link", name="Alle ISF-kjøringer").click()
    expect(page.get_by_role("link", name=f"Kjøring {run_id}", exact=True)).to_be_visible()


def test_the_start_page_on_a_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, "settlementoffice", "/isf")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the ISF page is {width}px wide on a 390px phone"
    expect(page.get_by_role("button", name="Start kjøring")).to_be_visible()
    page.get_by_label("ISF-poeng").fill("155,11")
    page.get_by_role("spinbutton", name="År for prisen").fill("2020")
    page.get_by_role("button", name="Beregn").click()
    expect(page.locator("#prisresultat")).to_contain_text("3 552 639,44 kr")
    assert page.url.endswith("/isf")  # htmx: the page stayed
    assert_accessible(page)


def test_a_reader_sees_runs_but_no_form(page: Page) -> None:
    log_in(page, "readonly", "/isf")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Start kjøring")).to_have_count(0)
    expect(page.get_by_text("kan se kjøringene, men ikke starte nye")).to_be_visible()
    assert_accessible(page)
