"""The FBV manual's chapter 2 after Send inn, in a real browser: from a submitted settlement
(made with the use cases on the shared demo clinic, signed with a TEST certificate whose
password is typed into the form), send it, register Helfo's receipt with one rejected claim,
"rett avviste", register the payout, book, and download the accounting file. A role that may
not act sees no button and is refused when it posts anyway."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browser.accessibility import assert_accessible
from browser.conftest import PHONE, log_in
from browser.settlement_data import SECRET, book_and_download, certificate
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain.model import Outcome, Settlement, SettlementType
from oppgjor.store import Database

WHO = "nettlesertest"


def _submitted(db: Database, now: datetime.datetime) -> Settlement:
    """A BKM settlement of a few waiting claims, controlled and submitted; claims with a
    blocking finding are moved out, as the manual says."""
    waiting = st.waiting(db, SettlementType.BKM, now=now)
    s = st.new(db, SettlementType.BKM, actor=WHO, now=now)
    st.mark(db, s.id, st.Selection(add=[c.number for c in waiting[:12]]), actor=WHO, now=now)
    if st.control(db, s.id, actor=WHO, now=now).blocking:
        st.move_blocked_out(db, s.id, actor=WHO, now=now)
        st.control(db, s.id, actor=WHO, now=now)
    s = st.submit(db, s.id, actor=WHO, now=now)
    assert s.count >= 2, "the demo clinic should have at least two claims without findings"
    return s


@pytest.fixture
def submitted(site_db: Database, tmp_path: Path) -> Settlement:
    now = datetime.datetime.now()
    certificate(site_db, tmp_path, now)
    return _submitted(site_db, now)


def test_from_submitted_to_booked_in_the_browser(page: Page, site_db: Database,
                                                  submitted: Settlement) -> None:  # fmt: skip
    sid = submitted.id
    log_in(page, "settlementoffice", f"/oppgjor/{sid}/status")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Oppgjør {sid}: innsendt")
    assert_accessible(page)

    # send to the outbox, the certificate password typed for this one send
    page.get_by_label("Sertifikatpassord", exact=True).fill(SECRET)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#meldinger")).to_contain_text("er sendt til utboksen")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Oppgjør {sid}: sendt")
    assert SECRET not in page.content()

    # Helfo's receipt: the first claim rejected, the rest approved
    first = st.claims_in(site_db, sid)[0].number
    page.get_by_text("Registrer kvitteringen for hånd").click()
    page.get_by_label(f"Regning {first} avvist", exact=True).check()
    page.get_by_label(f"Avvisningskode for regning {first}", exact=True).fill("07")
    page.get_by_label(f"Helfos tekst for regning {first}", exact=True).fill("Feil i henvisning")
    assert_accessible(page)
    page.get_by_role("button", name="Registrer kvittering").click()
    expect(page.locator("#meldinger")).to_contain_text("1 avvist, resten godkjent")
    row = page.get_by_role("row").filter(has_text="Feil i henvisning")
    expect(row).to_contain_text(str(first))
    expect(row).to_contain_text("avvist")

    # rett avviste: a new draft with the rejected claim, linked from here
    page.get_by_role("button", name="Rett avviste").click()
    expect(page.locator("#meldinger")).to_contain_text("nytt utkast")
    draft = page.get_by_role("link", name="oppgjør", exact=False).filter(has_text="oppgjør")
    expect(draft.last).to_be_visible()

    # the payout: as approved, the difference told as one types
    claims = st.claims_in(site_db, sid)
    approved = sum((c.amount for c in claims if c.outcome is Outcome.ACCEPTED), Decimal(0))
    page.get_by_label("Utbetalt beløp (kr)").fill("1")
    expect(page.locator("#avvik")).to_contain_text("mindre enn godkjent")
    page.get_by_label("Utbetalt beløp (kr)").fill(str(approved).replace(".", ","))
    expect(page.locator("#avvik")).to_contain_text("Lik summen Helfo godkjente")
    page.get_by_label("Referanse (vedtak, KID)").fill("Vedtak 2026-1")
    page.get_by_role("button", name="Registrer utbetaling").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Oppgjør {sid}: utbetalt")

    # book, and the accounting file
    download = book_and_download(page, sid)
    assert download.suggested_filename == f"bokforing-{sid}.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("dato;konto;belop")
    assert_accessible(page)

    # the history, and the page on a phone
    page.get_by_role("link", name="Historikk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Historikk for oppgjør {sid}")
    expect(page.get_by_role("cell", name="bokført", exact=True)).to_be_visible()
    assert_accessible(page)
    page.goto(f"/oppgjor/{sid}/status")
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a 390px phone"
    assert_accessible(page)


def test_a_reader_sees_no_button_and_is_refused(page: Page, submitted: Settlement) -> None:
    log_in(page, "readonly", f"/oppgjor/{submitted.id}/status")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Oppgjør {submitted.id}")
    expect(page.get_by_role("button", name="Send", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Last ned fil til portalen")).to_have_count(0)
    answer = page.request.post(f"/oppgjor/{submitted.id}/send", form={"passord": SECRET})
    assert answer.status == 403
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a 390px phone"
    assert_accessible(page)
