"""Oppgjør after Send inn in the browser's place: the status page with Helfo's answer per claim,
sending (the certificate password asked, never kept or shown), the portal file, the receipt,
"rett avviste", the payout with its difference (ADR 0017), booking, the accounting file and
the history; the buttons by role and the refusals behind them; bad input said in Norwegian
with nothing saved."""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
from decimal import Decimal
from pathlib import Path

import pytest

from oppgjor.app.helfo import exchange, inbox, kuhr, status
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain.model import Outcome, SettlementState, SettlementType
from tests.api.settlement_world import SECRET
from web.conftest import Site, htmx
from web.status_world import WHO, answered, clinic, numbers, paid, sent, submitted


@pytest.fixture
def world(site: Site, tmp_path: Path) -> Site:
    clinic(site.db, tmp_path, site.clock.now())
    return site


def state(site: Site, sid: int) -> SettlementState:
    return st.load_settlement(site.db, sid).state


def test_a_submitted_settlement_shows_its_claims_and_the_send_form(world: Site) -> None:
    s = submitted(world.db, world.clock.now())
    page = world.as_("settlement-office").get(f"/oppgjor/{s.id}/status")
    assert page.status_code == 200
    assert page.text.count("<h1") == 1 and f"Oppgjør {s.id}: innsendt" in page.text
    for number in numbers(world.db, s.id):
        assert f"<td>{number}</td>" in page.text
    assert "ikke besvart" in page.text
    assert 'type="password"' in page.text and ">Send</button>" in page.text
    assert "Last ned fil til portalen" in page.text
    assert "Registrer utbetaling" not in page.text


def test_sending_uses_the_password_once_and_never_shows_it(world: Site, tmp_path: Path) -> None:
    s = submitted(world.db, world.clock.now())
    office = world.as_("settlement-office")
    answer = office.post(f"/oppgjor/{s.id}/send", data={"passord": SECRET, "versjon": s.version})
    assert answer.status_code == 303 and answer.headers["location"] == f"/oppgjor/{s.id}/status"
    assert SECRET not in str(answer.headers)
    assert state(world, s.id) is SettlementState.SENT
    assert len(list((tmp_path / "meldinger" / "outbox").iterdir())) == 1
    page = office.get(answer.headers["location"])
    assert "er sendt til utboksen" in page.text and SECRET not in page.text
    assert "Les innboksen" in page.text and "Registrer kvittering" in page.text


def test_a_wrong_password_is_said_in_norwegian_and_nothing_is_sent(
    world: Site, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    s = submitted(world.db, world.clock.now())
    office = world.as_("settlement-office")
    answer = office.post(f"/oppgjor/{s.id}/send", data={"passord": "feil-passord-99"})
    assert answer.status_code == 400
    assert "feil-passord-99" not in answer.text
    assert state(world, s.id) is SettlementState.SUBMITTED
    fragment = office.post(f"/oppgjor/{s.id}/send", data={"passord": "feil"}, headers=htmx())
    assert fragment.headers["hx-retarget"] == "#meldinger"
    assert "feil-passord-99" not in caplog.text


def test_the_portal_file_downloads_signed_and_marks_it_sent(world: Site) -> None:
    s = submitted(world.db, world.clock.now())
    office = world.as_("settlement-office")
    answer = office.post(f"/oppgjor/{s.id}/portalfil", data={"passord": SECRET})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/xml")
    assert answer.headers["content-disposition"] == f'attachment; filename="oppgjor-{s.id}.xml"'
    assert answer.content.startswith(b"<?xml") and b"Signature" in answer.content
    assert state(world, s.id) is SettlementState.SENT


def test_a_receipt_typed_in_rejects_the_ticked_claim(world: Site) -> None:
    s = sent(world.db, world.clock.now())
    first, *rest = numbers(world.db, s.id)
    office = world.as_("settlement-office")
    rows = [first, *rest]
    answer = office.post(f"/oppgjor/{s.id}/kvittering", data={
        "avvist": [str(first)], "regning": [str(n) for n in rows],
        "kode": ["07"] + [""] * len(rest), "tekst": ["Feil i henvisning"] + [""] * len(rest),
    })  # fmt: skip
    assert answer.status_code == 303
    outcomes = {c.number: c.outcome for c in st.claims_in(world.db, s.id)}
    assert outcomes[first] is Outcome.REJECTED
    assert all(outcomes[n] is Outcome.ACCEPTED for n in rest)
    page = office.get(f"/oppgjor/{s.id}/status")
    assert "Feil i henvisning" in page.text and "Rett avviste" in page.text


def test_a_rejection_without_a_code_is_refused_and_nothing_changes(world: Site) -> None:
    s = sent(world.db, world.clock.now())
    first = numbers(world.db, s.id)[0]
    answer = world.as_("settlement-office").post(f"/oppgjor/{s.id}/kvittering", data={
        "avvist": [str(first)], "regning": [str(first)], "kode": [""], "tekst": [""],
    })  # fmt: skip
    assert answer.status_code == 400
    assert "avvisningskode" in answer.text and "Ingenting ble lagret" in answer.text
    assert state(world, s.id) is SettlementState.SENT


def test_correcting_rejected_claims_makes_a_draft_and_links_to_it(world: Site) -> None:
    s = answered(world.db, world.clock.now())
    rejected = [c.number for c in st.claims_in(world.db, s.id) if c.outcome is Outcome.REJECTED]
    office = world.as_("settlement-office")
    answer = office.post(f"/oppgjor/{s.id}/rett-avviste", data={"versjon": s.version})
    assert answer.status_code == 303
    with world.db.transaction() as repos:
        drafts = [x for x in repos.helfo.settlements.find(None) if x.corrects_id == s.id]
    assert len(drafts) == 1 and drafts[0].state is SettlementState.DRAFT
    assert numbers(world.db, drafts[0].id) == rejected
    page = office.get(answer.headers["location"])
    assert f'href="/oppgjor/{drafts[0].id}"' in page.text and "nytt utkast" in page.text
    assert f'rettes i <a href="/oppgjor/{drafts[0].id}">' in page.text


def test_a_draft_is_sent_to_the_draft_page(world: Site) -> None:
    s = st.new(world.db, SettlementType.FBV, actor=WHO, now=world.clock.now())
    answer = world.as_("read-only").get(f"/oppgjor/{s.id}/status")
    assert answer.status_code == 303 and answer.headers["location"] == f"/oppgjor/{s.id}"


def test_the_payout_shows_its_difference_and_is_registered(world: Site) -> None:
    s = answered(world.db, world.clock.now())
    office = world.as_("settlement-office")
    page = office.get(f"/oppgjor/{s.id}/status")
    assert "Registrer utbetaling" in page.text and 'hx-get="/oppgjor/' in page.text
    preview = office.get(f"/oppgjor/{s.id}/avvik", params={"belop": "100,00"}, headers=htmx())
    assert preview.status_code == 200 and "mindre enn godkjent" in preview.text
    form = {"belop": "100,00", "dato": "2026-03-02", "referanse": "KID 42"}
    answer = office.post(f"/oppgjor/{s.id}/utbetaling", data=form)
    assert answer.status_code == 303
    fresh = st.load_settlement(world.db, s.id)
    assert fresh.state is SettlementState.PAID and fresh.payout_amount == Decimal("100.00")
    page = office.get(f"/oppgjor/{s.id}/status")
    assert "mindre enn godkjent" in page.text and 'name="avvik"' in page.text


@pytest.mark.parametrize("amount", ["tolv kroner", "-5", "1,234", "", "1e400"])
def test_a_payout_that_is_not_an_amount_is_refused(world: Site, amount: str) -> None:
    s = answered(world.db, world.clock.now())
    answer = world.as_("settlement-office").post(
        f"/oppgjor/{s.id}/utbetaling", data={"belop": amount, "dato": "2026-03-02"}
    )
    assert answer.status_code in (400, 422)
    assert "Ingenting ble lagret" in answer.text
    assert state(world, s.id) is SettlementState.RECEIPTED


def test_a_payout_in_the_future_or_without_a_date_is_refused(world: Site) -> None:
    s = answered(world.db, world.clock.now())
    office = world.as_("settlement-office")
    for day in ("2026-04-01", "i morgen"):
        answer = office.post(f"/oppgjor/{s.id}/utbetaling", data={"belop": "10", "dato": day})
        assert answer.status_code == 400 and "Ingenting ble" in answer.text
    assert state(world, s.id) is SettlementState.RECEIPTED


def test_booking_a_differing_payout_needs_the_decision(world: Site) -> None:
    s = paid(world.db, world.clock.now(), short=Decimal("50.00"))
    office = world.as_("settlement-office")
    refused = office.post(f"/oppgjor/{s.id}/bokfor", data={})
    assert refused.status_code == 400 and "Velg hvordan avviket føres" in refused.text
    assert "--difference" not in refused.text
    no_reason = office.post(f"/oppgjor/{s.id}/bokfor", data={"avvik": "write-off"})
    assert no_reason.status_code == 400 and "begrunnelse" in no_reason.text
    assert state(world, s.id) is SettlementState.PAID
    answer = office.post(f"/oppgjor/{s.id}/bokfor", data={"avvik": "awaiting"})
    assert answer.status_code == 303 and state(world, s.id) is SettlementState.BOOKED
    page = office.get(f"/oppgjor/{s.id}/status")
    assert "1500" in page.text and "Last ned bokføringsfilen" in page.text


def test_booking_and_the_accounting_file(world: Site) -> None:
    s = paid(world.db, world.clock.now())
    office = world.as_("settlement-office")
    assert office.post(f"/oppgjor/{s.id}/bokfor", data={"versjon": s.version}).status_code == 303
    csv_file = office.get(f"/oppgjor/{s.id}/bokforing.csv")
    assert csv_file.status_code == 200
    assert csv_file.headers["content-type"].startswith("text/csv")
    assert csv_file.headers["content-disposition"] == f'attachment; filename="bokforing-{s.id}.csv"'
    rows = list(csv.DictReader(io.StringIO(csv_file.text), delimiter=";"))
    assert sum(Decimal(r["belop"]) for r in rows) == 0 and len(rows) == 1 + s.count
    assert rows[0]["konto"] == "1920"


def test_the_accounting_file_of_a_settlement_not_booked_is_refused(world: Site) -> None:
    s = paid(world.db, world.clock.now())
    answer = world.as_("settlement-office").get(f"/oppgjor/{s.id}/bokforing.csv")
    assert answer.status_code == 400 and "ikke bokført" in answer.text


def test_the_history_names_who_did_what(world: Site) -> None:
    s = answered(world.db, world.clock.now())
    page = world.as_("read-only").get(f"/oppgjor/{s.id}/historikk")
    assert page.status_code == 200 and page.text.count("<h1") == 1
    for words in ("opprettet", "sendt inn", "sendt", "kvittering registrert", WHO):
        assert words in page.text
    assert "Innsendt → Sendt" in page.text


def test_a_read_only_user_sees_no_buttons_and_is_refused(world: Site) -> None:
    s = answered(world.db, world.clock.now())
    reader = world.as_("read-only")
    page = reader.get(f"/oppgjor/{s.id}/status")
    assert page.status_code == 200
    for button in ("Rett avviste</button>", "Registrer utbetaling", "Les innboksen"):
        assert button not in page.text
    for path, data in (("rett-avviste", {}), ("utbetaling", {"belop": "1", "dato": "2026-03-01"}),
                       ("kvittering", {}), ("send", {}), ("portalfil", {}), ("innboks", {}),
                       ("bokfor", {})):  # fmt: skip
        assert reader.post(f"/oppgjor/{s.id}/{path}", data=data).status_code == 403, path
    assert reader.get(f"/oppgjor/{s.id}/bokforing.csv").status_code == 403
    assert state(world, s.id) is SettlementState.RECEIPTED


def test_an_unknown_settlement_is_not_found(world: Site) -> None:
    office = world.as_("settlement-office")
    assert office.get("/oppgjor/9999/status").status_code == 404
    assert office.get("/oppgjor/9999/historikk").status_code == 404
    assert office.get("/oppgjor/0/status").status_code == 404  # no such number either


def test_sent_by_other_means_keeps_the_reference(world: Site) -> None:
    s = submitted(world.db, world.clock.now())
    office = world.as_("settlement-office")
    empty = office.post(f"/oppgjor/{s.id}/sendt-utenom", data={"referanse": "  "})
    assert empty.status_code == 400 and "Ingenting ble lagret" in empty.text
    assert state(world, s.id) is SettlementState.SUBMITTED
    answer = office.post(f"/oppgjor/{s.id}/sendt-utenom", data={"referanse": "portal-77"},
                         headers=htmx())  # fmt: skip
    assert answer.status_code == 204 and answer.headers["hx-redirect"] == f"/oppgjor/{s.id}/status"
    fresh = st.load_settlement(world.db, s.id)
    assert fresh.state is SettlementState.SENT and fresh.transport_ref == "portal-77"


def test_a_whole_message_rejected_rejects_every_claim(world: Site) -> None:
    s = sent(world.db, world.clock.now())
    office = world.as_("settlement-office")
    no_code = office.post(f"/oppgjor/{s.id}/kvittering", data={"hele": "true"})
    assert no_code.status_code == 400 and "hele meldingen" in no_code.text
    whole = {"hele": "true", "hele_kode": "E10", "hele_tekst": "Ugyldig"}
    answer = office.post(f"/oppgjor/{s.id}/kvittering", data=whole)
    assert answer.status_code == 303
    assert {c.outcome for c in st.claims_in(world.db, s.id)} == {Outcome.REJECTED}


def test_reading_the_inbox_applies_helfos_receipt(world: Site) -> None:
    s = sent(world.db, world.clock.now())
    first = numbers(world.db, s.id)[0]
    inbox.simulate_receipt(world.db, s.id, {first: ("07", "Simulert")}, now=world.clock.now())
    office = world.as_("settlement-office")
    answer = office.post(f"/oppgjor/{s.id}/innboks")
    assert answer.status_code == 303
    page = office.get(answer.headers["location"])
    assert "1 kvittering lagt inn, én av dem for dette oppgjøret" in page.text
    assert state(world, s.id) is SettlementState.RECEIPTED
    assert "Simulert" in page.text


def test_sending_through_kuhr_and_fetching_its_answer(
    world: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_kuhr = pytest.importorskip("fake_kuhr")
    with world.db.transaction() as repos:
        practice = repos.get_practice()
        assert practice is not None
        repos.save_practice(dataclasses.replace(practice, helfo_practice_id="1004326178"))
    s = submitted(world.db, world.clock.now())
    office = world.as_("settlement-office")
    with fake_kuhr.FakeKuhr() as fake:
        monkeypatch.setenv("OPPGJOR_KUHR_TOKEN", fake.token)
        kuhr.set_settings(world.db, url=fake.url)
        page = office.get(f"/oppgjor/{s.id}/status")
        assert (
            "Send til KUHR" in page.text and 'type="password"' not in page.text.split("<details")[0]
        )
        answer = office.post(f"/oppgjor/{s.id}/send", data={"versjon": s.version})
        assert answer.status_code == 303, answer.text
        assert st.load_settlement(world.db, s.id).transport_ref in fake.messages
        page = office.get(f"/oppgjor/{s.id}/status")
        assert "er sendt til KUHR" in page.text and "Hent status fra KUHR" in page.text
        polled = office.post(f"/oppgjor/{s.id}/kuhr-status")
        assert polled.status_code == 303
        assert "Status fra KUHR: kontrollert" in office.get(polled.headers["location"]).text
    assert state(world, s.id) in (SettlementState.RECEIPTED, SettlementState.PAID)


def test_the_way_back_is_a_page_of_this_site_only(world: Site) -> None:
    s = submitted(world.db, world.clock.now())
    office = world.as_("settlement-office")
    home = office.get(f"/oppgjor/{s.id}/status", params={"tilbake": "/?fane=innsendt"})
    assert 'href="/?fane=innsendt">Tilbake</a>' in home.text
    elsewhere = office.get(f"/oppgjor/{s.id}/status", params={"tilbake": "//evil.example/x"})
    assert "evil.example" not in elsewhere.text and 'href="/">Tilbake</a>' in elsewhere.text


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("12 345,50", "12345.50"),
        ("12345.5", "12345.50"),
        ("1\u00a0000 kr", "1000.00"),
        ("0", "0.00"),
    ],
)
def test_a_payout_is_read_as_the_user_types_it(typed: str, amount: str) -> None:
    assert status.parse_amount(typed) == Decimal(amount)


def test_a_form_from_an_older_version_changes_nothing(world: Site) -> None:
    s = submitted(world.db, world.clock.now())
    answer = world.as_("settlement-office").post(
        f"/oppgjor/{s.id}/send", data={"passord": SECRET, "versjon": s.version - 1}
    )
    assert answer.status_code in (409, 412)
    assert state(world, s.id) is SettlementState.SUBMITTED


def test_sending_without_the_password_asks_for_it(world: Site) -> None:
    s = submitted(world.db, world.clock.now())
    office = world.as_("settlement-office")
    for path in ("send", "portalfil"):
        answer = office.post(f"/oppgjor/{s.id}/{path}", data={"versjon": s.version})
        assert answer.status_code == 400 and "Skriv passordet" in answer.text, path
        assert "--password-file" not in answer.text
    assert state(world, s.id) is SettlementState.SUBMITTED


def test_what_is_missing_before_a_file_can_be_made_is_listed(world: Site) -> None:
    s = submitted(world.db, world.clock.now())
    exchange.set_settings(world.db, certificate="/finnes/ikke.p12")
    page = world.as_("settlement-office").get(f"/oppgjor/{s.id}/status")
    assert "Fyll ut før filen kan lages" in page.text and "/finnes/ikke.p12" in page.text
    assert "Be administratoren" in page.text and "oppgjor helfo settings" not in page.text
