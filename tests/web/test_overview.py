"""Oversikt: the cards count what the database holds, link to where it is handled, and a
role sees only what it may read. On SQLite and PostgreSQL: the figures are the database's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from oppgjor.app.helfo import answers, exchange, views
from oppgjor.app.helfo import settlements as st
from oppgjor.store import Database
from oppgjor.web.render import kroner
from tests.web.conftest import NOW, Site, htmx, opened
from tests.web.home_world import SECRET, clinic, month


@pytest.fixture
def site(db: Database) -> Iterator[Site]:
    """The pages on both databases (the cards and the tabs' periods are SQL of their own)."""
    yield from opened(db)


def card(html: str, key: str) -> str:
    found = re.search(rf'<li class="kort" id="kort-{key}">(.*?)</li>', html, re.S)
    assert found, f"no card {key}"
    return found.group(1)


def count(html: str, key: str) -> int:
    found = re.search(r'<p class="stort">([\d\u00a0]+)</p>', card(html, key))
    assert found
    return int(found.group(1).replace("\u00a0", ""))


def test_an_empty_clinic_shows_the_calendar_zeros_and_an_empty_chart(site: Site) -> None:
    page = site.as_("settlement-office").get("/")
    assert page.status_code == 200
    html = page.text
    assert html.count("<h1>") == 1 and "<title>Oversikt – oppgjor</title>" in html
    assert "Neste anbefalte innsendingsdag" in html and "Neste utbetalingsvedtak" in html
    shown = views.helfo_calendar(NOW.date())
    assert f'<time datetime="{shown.next_submission.isoformat()}">' in html
    assert f'<time datetime="{shown.next_decision.isoformat()}">' in html
    for key in ("utloper", "egenandeler", "avviste", "ubesvart", "avvik"):
        assert count(html, key) == 0
        assert "<a " not in card(html, key)  # nothing to handle: no link
    assert '<svg class="diagram"' in html and "Godkjent og utbetalt per måned" in html


def test_the_cards_count_the_settlement_month(site: Site, tmp_path: Path) -> None:
    made = month(site.db, NOW, tmp_path)
    html = site.as_("settlement-office").get("/").text
    assert count(html, "utloper") == 1  # A9, treated September 2025: deadline 31.03.2026
    assert count(html, "egenandeler") == 1  # A3's co-payment, paid 10.02, not reported
    assert count(html, "avviste") == 1
    assert f'href="/oppgjor/{made.answered}"' in card(html, "avviste")
    assert count(html, "ubesvart") == 1
    assert f'href="/oppgjor/{made.unanswered}"' in card(html, "ubesvart")
    assert count(html, "avvik") == 1 and f'href="/oppgjor/{made.answered}"' in card(html, "avvik")
    assert 'href="/oppgjor"' in card(html, "utloper")
    # the chart: March has 2 850 approved (A2) and 2 000 paid; six months, two bars each
    assert html.count('<rect class="serie-') == 12
    assert "Godkjent mar: 2,9 k kr" in html and "Utbetalt mar: 2 k kr" in html
    assert "mars 2026" in html and kroner("2850") in html and kroner("2000") in html


def test_a_corrected_rejection_leaves_and_two_sent_link_to_the_tab(
    site: Site, tmp_path: Path
) -> None:
    made = month(site.db, NOW, tmp_path)
    me = {"actor": "kontoret", "now": NOW}
    _, correction = answers.correct_rejected(site.db, made.answered, **me)
    # in the correction draft they still wait (until it is submitted), and the card goes there
    waiting = site.as_("settlement-office").get("/").text
    assert count(waiting, "avviste") == 1
    assert f'href="/oppgjor/{correction.id}"' in card(waiting, "avviste")
    st.control(site.db, correction.id, **me)
    st.submit(site.db, correction.id, **me)
    exchange.create_file(site.db, correction.id, secret=SECRET, **me)
    html = site.as_("settlement-office").get("/").text
    assert count(html, "avviste") == 0 and count(html, "ubesvart") == 2
    assert 'href="/oppgjor?fane=innsendt"' in card(html, "ubesvart")


def test_a_practitioner_sees_own_claims_and_no_settlements(site: Site, tmp_path: Path) -> None:
    month(site.db, NOW, tmp_path)
    own = site.as_("practitioner", practitioner="B1").get("/").text
    assert count(own, "utloper") == 1 and count(own, "egenandeler") == 1
    assert "<a " not in card(own, "utloper")  # may not open the settlements
    assert 'id="kort-avviste"' not in own and '<svg class="diagram"' not in own
    other = site.as_("practitioner", practitioner="B2").get("/").text
    assert count(other, "utloper") == 0 and count(other, "egenandeler") == 0


def test_read_only_sees_figures_but_the_administrator_too(site: Site, tmp_path: Path) -> None:
    month(site.db, NOW, tmp_path)
    for role in ("read-only", "administrator"):
        html = site.as_(role).get("/").text
        assert count(html, "avviste") == 1 and '<svg class="diagram"' in html


def test_the_start_page_needs_a_login(site: Site) -> None:
    answer = site.client().get("/")
    assert answer.status_code == 303 and answer.headers["location"] == "/logg-inn"
    assert (
        site.client()
        .get("/", headers=htmx())
        .headers.get("hx-redirect", "")
        .startswith("/logg-inn")
    )


def test_an_attended_appointment_without_a_claim_yet_is_counted(site: Site, tmp_path: Path) -> None:
    clinic(site.db, NOW, tmp_path)  # appointments only: no claim is made yet
    html = site.as_("read-only").get("/").text
    assert count(html, "utloper") == 1  # A9's claim is made, then counted
    assert count(site.as_("read-only").get("/").text, "utloper") == 1  # and only once


def test_the_tabs_show_each_settlements_period(site: Site, tmp_path: Path) -> None:
    """The first and last service date of each settlement's claims, counted by the database."""
    made = month(site.db, NOW, tmp_path)
    office = site.as_("settlement-office")
    for s_id in (made.answered, made.unanswered):
        claims = st.claims_in(site.db, s_id)
        first = min(c.content.service_date for c in claims).strftime("%d.%m.%Y")
        last = max(c.content.service_date for c in claims).strftime("%d.%m.%Y")
        tab = office.get("/oppgjor?fane=innsendt").text
        row = re.search(rf'<tr[^>]*>(?:(?!</tr>).)*?href="/oppgjor/{s_id}".*?</tr>', tab, re.S)
        assert row, s_id
        assert first in row.group(0) and last in row.group(0)
