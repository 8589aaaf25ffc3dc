"""Oppgjør in the web UI without a browser: the tabs, a new draft, ticking claims (one by
one with htmx, the no-JS form, all/none, a period), the control with its findings and their
links, moving failed claims out, submitting, unlocking and deleting; refusals and bad input."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from oppgjor.app.helfo import settlements as st
from oppgjor.app.helfo import views
from oppgjor.helfo.domain.model import SettlementState, SettlementType
from oppgjor.web.settlement_links import record_link
from tests.api.settlement_world import BROKEN
from tests.clinic_world import WORLD, _merge, load_world
from tests.web.conftest import NOW, Site, htmx


@pytest.fixture
def clinic(site: Site) -> Site:
    load_world(site.db, _merge(WORLD, BROKEN), NOW)
    return site


@pytest.fixture
def clean(site: Site) -> Site:
    """The scenario clinic without the broken records: its claims pass the control."""
    load_world(site.db, WORLD, NOW)
    return site


def new_draft(office: TestClient, **period: str) -> int:
    made = office.post("/oppgjor", data={"type": "fbv", "dato": "2026-03-02", **period})
    assert made.status_code == 303, made.text
    return int(made.headers["location"].rsplit("/", 1)[1])


def version(site: Site, sid: int) -> int:
    return st.load_settlement(site.db, sid).version


def numbers(site: Site, sid: int) -> list[int]:
    return sorted(c.number for c in st.claims_in(site.db, sid))


def waiting(site: Site) -> list[int]:
    return sorted(c.number for c in st.waiting(site.db, SettlementType.FBV, now=NOW))


def test_the_tabs_list_settlements_and_the_new_form_is_for_writers(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    sid = new_draft(office, fra="2026-02-01", til="2026-02-28")
    page = office.get("/oppgjor")
    assert page.status_code == 200
    assert page.text.count("<h1>") == 1 and "<h1>Oppgjør</h1>" in page.text
    assert f'href="/oppgjor/{sid}"' in page.text and "02.02.2026–04.02.2026" in page.text
    assert 'aria-current="page">Til behandling' in page.text
    assert "Nytt oppgjør" in page.text
    submitted = office.get("/oppgjor?fane=innsendt")
    assert submitted.status_code == 200 and f'href="/oppgjor/{sid}"' not in submitted.text
    assert office.get("/oppgjor?fane=bokfort").status_code == 200
    reader = clinic.as_("read-only").get("/oppgjor")
    assert reader.status_code == 200 and f'href="/oppgjor/{sid}"' in reader.text
    assert 'action="/oppgjor"' not in reader.text


def test_a_tab_that_does_not_exist_is_refused_in_norwegian(clinic: Site) -> None:
    answer = clinic.as_("settlement-office").get("/oppgjor?fane=slettet")
    assert answer.status_code == 422 and "fane" in answer.text


def test_a_practitioner_may_not_open_settlements(clinic: Site) -> None:
    assert clinic.as_("practitioner", "B1").get("/oppgjor").status_code == 403


def test_a_new_draft_with_a_period_ticks_its_claims(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    sid = new_draft(office, fra="2026-02-01", til="2026-02-28")
    s = st.load_settlement(clinic.db, sid)
    assert s.state is SettlementState.DRAFT and s.count == 3
    page = office.get(f"/oppgjor/{sid}")
    assert page.status_code == 200
    assert f"Oppgjør {sid} – til behandling" in page.text
    assert "3 regninger i perioden er tatt med" in page.text  # the message of the redirect
    assert "Kari" in page.text or "Per Feil" in page.text


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"type": "fbv", "fra": "2026-02-28", "til": "2026-02-01"}, "Perioden er snudd"),
        ({"type": "fbv", "fra": "2026-02-01"}, "både fra- og til-dato"),
        ({"type": "fbv", "dato": "i morgen"}, "dato"),
        ({"type": "isf"}, "type"),
    ],
)
def test_a_new_draft_with_bad_input_changes_nothing(
    clinic: Site, data: dict[str, str], words: str
) -> None:
    answer = clinic.as_("settlement-office").post("/oppgjor", data=data)
    assert answer.status_code in (400, 422) and words in answer.text
    assert views.settlements(clinic.db) == []  # no settlement was made


def test_only_writers_make_drafts(clinic: Site) -> None:
    for role in ("read-only", "practitioner"):
        answer = clinic.as_(role, "B1" if role == "practitioner" else None).post(
            "/oppgjor", data={"type": "fbv"}
        )
        assert answer.status_code == 403


def test_a_settlement_that_is_not_a_draft_opens_its_status_page(clean: Site) -> None:
    clinic = clean
    office = clinic.as_("settlement-office")
    sid = new_draft(office, fra="2026-02-01", til="2026-02-28")
    assert office.get(f"/oppgjor/{sid}").status_code == 200
    _submitted(clinic, office, sid)
    moved = office.get(f"/oppgjor/{sid}")
    assert moved.status_code == 303 and moved.headers["location"] == f"/oppgjor/{sid}/status"
    assert office.get("/oppgjor/999").status_code == 404
    assert office.get("/oppgjor/0").status_code == 404


def _submitted(site: Site, office: TestClient, sid: int) -> None:
    """*sid* controlled and submitted."""
    office.post(f"/oppgjor/{sid}/kontroll")
    answer = office.post(f"/oppgjor/{sid}/send-inn")
    assert answer.status_code == 303, answer.text
    assert st.load_settlement(site.db, sid).state is SettlementState.SUBMITTED


def test_ticking_one_claim_with_htmx_answers_the_totals(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    sid = new_draft(office)
    first = waiting(clinic)[0]
    answer = office.post(
        f"/oppgjor/{sid}/marker",
        headers=htmx(),
        data={"vist": [first], "valgt": [first], "versjon": version(clinic, sid)},
    )
    assert answer.status_code == 200, answer.text
    assert 'id="sum"' in answer.text and "<h1>" not in answer.text
    assert re.search(r'class="antall-valgt">1<', answer.text)
    assert 'hx-swap-oob="true"' in answer.text and f'value="{version(clinic, sid)}"' in answer.text
    # every form of the page gets the new version (the date form too: no 409 after ticking)
    assert 'id="versjon-dato"' in answer.text
    again = {"dato": "2026-03-03", "versjon": version(clinic, sid)}
    dated = office.post(f"/oppgjor/{sid}/dato", data=again)
    assert dated.status_code == 303, dated.text
    assert numbers(clinic, sid) == [first]
    untick = office.post(
        f"/oppgjor/{sid}/marker",
        headers=htmx(),
        data={"vist": [first], "versjon": version(clinic, sid)},
    )
    assert re.search(r'class="antall-valgt">0<', untick.text)
    assert numbers(clinic, sid) == []


def test_the_form_without_javascript_saves_the_ticks_of_the_claims_shown(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    sid = new_draft(office)
    a, b, *_ = waiting(clinic)
    saved = office.post(f"/oppgjor/{sid}/marker", data={"vist": [a, b], "valgt": [a, b]})
    assert saved.status_code == 303 and saved.headers["location"] == f"/oppgjor/{sid}"
    assert numbers(clinic, sid) == [a, b]
    office.post(f"/oppgjor/{sid}/marker", data={"vist": [b], "valgt": []})
    assert numbers(clinic, sid) == [a]  # a was not shown (filtered away): it stays
    office.post(f"/oppgjor/{sid}/marker", data={"handling": "ingen"})
    assert numbers(clinic, sid) == []
    office.post(f"/oppgjor/{sid}/marker", data={"handling": "alle"})
    assert len(numbers(clinic, sid)) >= 3
    nothing = office.post(f"/oppgjor/{sid}/marker", data={})
    assert nothing.status_code == 303


def test_marking_a_period_and_bad_periods(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    sid = new_draft(office)
    bad = office.post(
        f"/oppgjor/{sid}/marker",
        data={"handling": "periode", "fra": "2026-02-28", "til": "2026-02-01"},
    )
    assert bad.status_code == 400 and "Perioden er snudd" in bad.text
    half = office.post(f"/oppgjor/{sid}/marker", data={"handling": "periode", "fra": "2026-02-01"})
    assert half.status_code == 400 and "fra- og til-dato" in half.text
    assert numbers(clinic, sid) == []
    office.post(
        f"/oppgjor/{sid}/marker",
        data={"handling": "periode", "fra": "2026-02-01", "til": "2026-02-28"},
    )
    assert len(numbers(clinic, sid)) == 3


def test_bad_claim_numbers_and_a_stale_version_change_nothing(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    sid = new_draft(office)
    unknown = office.post(f"/oppgjor/{sid}/marker", data={"vist": [9999], "valgt": [9999]})
    assert unknown.status_code == 404 and "9999" in unknown.text
    text = office.post(f"/oppgjor/{sid}/marker", data={"vist": ["en"], "valgt": ["en"]})
    assert text.status_code == 422
    first = waiting(clinic)[0]
    stale = office.post(
        f"/oppgjor/{sid}/marker",
        headers=htmx(),
        data={"vist": [first], "valgt": [first], "versjon": 99},
    )
    assert stale.status_code == 412 and stale.headers["hx-retarget"] == "#meldinger"
    assert numbers(clinic, sid) == []


def test_sort_and_filter_by_patient(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    sid = new_draft(office, fra="2026-02-01", til="2026-02-28")
    only = office.get(f"/oppgjor/{sid}?pasient=feil&sorter=pasient")
    assert only.status_code == 200
    assert "Per Feil" in only.text and only.text.count('name="vist"') == 1
    by_amount = office.get(f"/oppgjor/{sid}?sorter=belop")
    assert by_amount.status_code == 200
    assert office.get(f"/oppgjor/{sid}?sorter=navn").status_code == 422


def test_control_shows_findings_per_claim_with_links_that_come_back(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    sid = new_draft(office, fra="2026-02-01", til="2026-02-28")
    before = office.get(f"/oppgjor/{sid}")
    assert "ikke kontrollert ennå" in before.text and "Flytt feilede ut" not in before.text
    done = office.post(f"/oppgjor/{sid}/kontroll", data={"versjon": version(clinic, sid)})
    assert done.status_code == 303 and done.headers["location"] == f"/oppgjor/{sid}#funn"
    page = office.get(f"/oppgjor/{sid}")
    assert "Kontrollen er ferdig: 3 feil" in page.text
    back = f"tilbake=%2Foppgjor%2F{sid}"
    assert f'href="/registre/series/S1?{back}"' in page.text  # SERIES_DEBTOR: fix the series
    assert f'href="/registre/patients/P3?{back}"' in page.text  # the invalid national id
    assert f'href="/planlegger/avtale/A4?{back}"' in page.text  # the claim's appointment
    assert "SERIES_DEBTOR" in page.text and "NATIONAL_ID_INVALID" in page.text
    assert "15916400185" not in page.text  # national ids are only shown masked
    assert "Flytt feilede ut (3)" in page.text


def test_control_with_htmx_is_a_redirect_htmx_follows(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    sid = new_draft(office, fra="2026-02-01", til="2026-02-28")
    done = office.post(f"/oppgjor/{sid}/kontroll", headers=htmx())
    assert done.status_code == 204 and done.headers["hx-redirect"] == f"/oppgjor/{sid}#funn"


def test_moving_failed_claims_out_in_one_click(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    sid = new_draft(office, fra="2026-02-01", til="2026-02-28")
    office.post(f"/oppgjor/{sid}/kontroll")
    moved = office.post(f"/oppgjor/{sid}/flytt-ut", data={"versjon": version(clinic, sid)})
    assert moved.status_code == 303
    assert numbers(clinic, sid) == []
    page = office.get(f"/oppgjor/{sid}").text
    assert "3 regninger med feil er flyttet ut" in page
    # what is left is controlled again at once: «Send inn» may follow without another click
    assert "Kontrollen er ferdig" in page
    assert st.load_settlement(clinic.db, sid).control_version == version(clinic, sid)
    again = office.post(f"/oppgjor/{sid}/flytt-ut")
    assert again.status_code == 303
    assert "Ingen regninger hadde feil" in office.get(f"/oppgjor/{sid}").text


def test_submitting_with_errors_is_refused_with_the_findings(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    sid = new_draft(office, fra="2026-02-01", til="2026-02-28")
    office.post(f"/oppgjor/{sid}/kontroll")
    refused = office.post(f"/oppgjor/{sid}/send-inn")
    assert refused.status_code == 422 and "SERIES_DEBTOR" in refused.text
    assert st.load_settlement(clinic.db, sid).state is SettlementState.DRAFT


def test_submit_and_unlock(clean: Site) -> None:
    office = clean.as_("settlement-office")
    sid = new_draft(office, fra="2026-02-01", til="2026-02-28")
    assert "Send inn" in office.get(f"/oppgjor/{sid}").text
    office.post(f"/oppgjor/{sid}/kontroll")
    sent = office.post(f"/oppgjor/{sid}/send-inn", data={"versjon": version(clean, sid)})
    assert sent.status_code == 303 and sent.headers["location"] == f"/oppgjor/{sid}/status"
    tab = office.get("/oppgjor?fane=innsendt")
    assert f'action="/oppgjor/{sid}/las-opp"' in tab.text
    reader = clean.as_("read-only").get("/oppgjor?fane=innsendt")
    assert f'href="/oppgjor/{sid}"' in reader.text and "las-opp" not in reader.text
    assert office.get(f"/oppgjor/{sid}/slett").headers["location"] == f"/oppgjor/{sid}/status"
    refused = office.post(f"/oppgjor/{sid}/slett", data={"bekreft": "ja"})
    assert refused.status_code == 409 and "Innsendt" in refused.text
    stale = office.post(f"/oppgjor/{sid}/las-opp", data={"versjon": 1})
    assert stale.status_code == 412
    unlocked = office.post(f"/oppgjor/{sid}/las-opp", data={"versjon": version(clean, sid)})
    assert unlocked.status_code == 303 and unlocked.headers["location"] == f"/oppgjor/{sid}"
    assert st.load_settlement(clean.db, sid).state is SettlementState.DRAFT


@pytest.mark.parametrize(("role", "practitioner"), [("read-only", None), ("practitioner", "B1")])
def test_a_role_that_may_not_submit_sees_no_button_and_is_refused(
    clean: Site, role: str, practitioner: str | None
) -> None:
    office = clean.as_("settlement-office")
    sid = new_draft(office, fra="2026-02-01", til="2026-02-28")
    office.post(f"/oppgjor/{sid}/kontroll")
    other = clean.as_(role, practitioner)
    shown = other.get(f"/oppgjor/{sid}")
    if role == "read-only":
        assert shown.status_code == 200 and "Send inn" not in shown.text
        assert "Kontrollér" not in shown.text and "disabled" in shown.text
    else:
        assert shown.status_code == 403
    for action in ("send-inn", "las-opp", "kontroll", "flytt-ut", "marker", "slett"):
        answer = other.post(f"/oppgjor/{sid}/{action}", data={"bekreft": "ja"})
        assert answer.status_code == 403, action
    assert st.load_settlement(clean.db, sid).state is SettlementState.DRAFT


def test_the_settlement_office_sees_every_action(clean: Site) -> None:
    office = clean.as_("settlement-office")
    sid = new_draft(office)
    page = office.get(f"/oppgjor/{sid}")
    for words in ("Kontrollér", "Send inn", "Slett", "Oppdater", "Velg alle", "Markér periode"):
        assert words in page.text


def test_deleting_needs_a_confirmation(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    sid = new_draft(office, fra="2026-02-01", til="2026-02-28")
    unconfirmed = office.post(f"/oppgjor/{sid}/slett")
    assert unconfirmed.status_code == 303
    assert unconfirmed.headers["location"] == f"/oppgjor/{sid}/slett"
    confirm = office.get(f"/oppgjor/{sid}/slett")
    assert confirm.status_code == 200 and f"<h1>Slett oppgjør {sid}</h1>" in confirm.text
    assert st.load_settlement(clinic.db, sid).state is SettlementState.DRAFT
    bad = office.post(f"/oppgjor/{sid}/slett", data={"bekreft": "ja", "versjon": "x"})
    assert bad.status_code == 422
    deleted = office.post(f"/oppgjor/{sid}/slett", data={"bekreft": "ja"}, headers=htmx())
    assert deleted.status_code == 204 and deleted.headers["hx-redirect"] == "/oppgjor"
    assert office.get(f"/oppgjor/{sid}").status_code == 404
    assert len(waiting(clinic)) == 3  # the claims wait again


def test_all_and_none_apply_to_the_claims_shown_and_the_filter_stays(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    sid = new_draft(office)
    shown = office.get(f"/oppgjor/{sid}?pasient=feil")
    only = [int(n) for n in re.findall(r'name="vist" value="(\d+)"', shown.text)]
    assert len(only) == 1
    ticked = office.post(
        f"/oppgjor/{sid}/marker", data={"handling": "alle", "vist": only, "pasient": "feil"}
    )
    assert ticked.headers["location"] == f"/oppgjor/{sid}?pasient=feil"
    assert numbers(clinic, sid) == only
    office.post(f"/oppgjor/{sid}/marker", data={"handling": "alle"})  # nothing named: all
    assert len(numbers(clinic, sid)) == 3
    office.post(
        f"/oppgjor/{sid}/marker", data={"handling": "ingen", "vist": only, "sorter": "belop"}
    )
    assert len(numbers(clinic, sid)) == 2 and only[0] not in numbers(clinic, sid)


def test_changing_the_date_and_bad_dates(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    sid = new_draft(office)
    changed = office.post(f"/oppgjor/{sid}/dato", data={"dato": "2026-03-16", "versjon": 1})
    assert changed.status_code == 303
    assert str(st.load_settlement(clinic.db, sid).date) == "2026-03-16"
    assert "16.03.2026" in office.get(f"/oppgjor/{sid}").text
    bad = office.post(f"/oppgjor/{sid}/dato", data={"dato": "16.03.2026"})
    assert bad.status_code == 422 and "dato" in bad.text
    reader = clinic.as_("read-only").post(f"/oppgjor/{sid}/dato", data={"dato": "2026-04-01"})
    assert reader.status_code == 403
    assert str(st.load_settlement(clinic.db, sid).date) == "2026-03-16"


def test_a_tariff_finding_links_to_the_tariff_list_searched(site: Site) -> None:
    """Tariffs have no page of their own (they are dated rows): the list, searched."""
    link = record_link("takst", "FBV01", "/oppgjor/3")
    assert link is not None and link.href == "/registre/tariffs?q=FBV01&tilbake=%2Foppgjor%2F3"
    assert site.as_("settlement-office").get(link.href).status_code == 200
