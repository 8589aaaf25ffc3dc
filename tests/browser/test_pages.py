"""The frame every page shares, in a real browser: logging in, the menu by role, the keyboard,
a phone's width, and the accessibility pass on each page a role can open."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from browser.accessibility import assert_accessible
from browser.conftest import PHONE, log_in


def test_login_with_the_keyboard_and_the_menu_of_a_role(page: Page) -> None:
    page.goto("/")
    assert "/logg-inn" in page.url
    assert_accessible(page)
    expect(page.get_by_label("Brukernavn")).to_be_focused()
    page.keyboard.type("readonly")
    page.keyboard.press("Tab")
    page.keyboard.type("nettleser-passord-1")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversikt")
    page.keyboard.press("Tab")  # the first stop on every page skips the menu
    expect(page.locator(".hopp")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    menu = page.get_by_role("navigation", name="Hovedmeny")
    expect(menu.get_by_role("link", name="Oppgjør")).to_be_visible()
    expect(menu.get_by_role("link", name="Innstillinger")).to_have_count(0)
    assert_accessible(page)


def test_wrong_password_is_said_in_norwegian(page: Page) -> None:
    page.goto("/logg-inn")
    page.get_by_label("Brukernavn").fill("settlementoffice")
    page.get_by_label("Passord").fill("ikke-passordet")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("alert")).to_contain_text("Feil brukernavn eller passord.")


def test_a_phone_sees_the_whole_menu_without_scrolling_sideways(page: Page) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, "administrator")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a 390px phone"
    expect(
        page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="ISF")
    ).to_be_visible()
    assert_accessible(page)
