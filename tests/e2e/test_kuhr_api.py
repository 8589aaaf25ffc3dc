"""The KUHR Krav API channel against a fake KUHR server on 127.0.0.1: the FBV manual's
chapter 2 through the API (two claims rejected, corrected with the same numbers and GUIDs,
accepted, paid, booked), retries, duplicates, unknown fields, lenient status parsing."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

import reference
from clinic_world import WORLD, _merge, load_world
from fake_kuhr import EXAMPLES, FakeKuhr, allowed_fields, unknown_fields
from oppgjor.app.errors import Conflict, UseCaseError
from oppgjor.app.helfo import booking, delivery, exchange
from oppgjor.app.helfo import kuhr as helfo_kuhr
from oppgjor.app.helfo import settlements as st
from oppgjor.clinic.domain.model import Practice
from oppgjor.helfo.adapters import kuhr
from oppgjor.helfo.adapters.messages import kuhr_json
from oppgjor.helfo.domain.model import SettlementState, SettlementType
from oppgjor.store import Database

NOW = datetime.datetime(2026, 3, 10, 12)
MORE = {
    "appointments": {
        "A4": {
            "practitioner_ref": "B1",
            "patient_ref": "P1",
            "start": "2026-02-04T09:00",
            "lines": ["FBV01"],
            "series_ref": "S1",
        },
    }
}


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'k.db'}")
    load_world(database, _merge(WORLD, MORE), NOW)
    with database.transaction() as repos:
        practice = repos.get_practice()
        repos.save_practice(Practice(**{**practice.__dict__, "helfo_practice_id": "1004326178"}))
    exchange.set_settings(database, folder=str(tmp_path / "helfo"))  # the sending locks
    yield database
    database.dispose()


@pytest.fixture
def fake():
    with FakeKuhr() as server:
        yield server


def api(db, fake, **changes):
    helfo_kuhr.set_settings(db, url=fake.url)
    client = helfo_kuhr.client(db, kuhr.StaticToken(fake.token))
    client.sleep = lambda seconds: None
    for key, value in changes.items():
        setattr(client, key, value)
    return client


def submitted(db, type_=SettlementType.FBV):
    s = st.new(db, type_, actor="t", now=NOW)
    st.mark(db, s.id, st.Selection(add_all=True), actor="t", now=NOW)
    st.control(db, s.id, actor="t", now=NOW)
    return st.submit(db, s.id, actor="t", now=NOW)


def test_chapter_2_through_the_api(db, fake):
    client = api(db, fake)
    s = submitted(db)
    sent = helfo_kuhr.send(db, s.id, client, actor="t", now=NOW)
    assert sent.state is SettlementState.SENT and sent.transport_ref in fake.messages
    body = fake.messages[sent.transport_ref]["body"]
    assert unknown_fields(body, allowed_fields()) == []
    numbers = [c["regningsnummer"] for c in body["behandlerkrav"]["regninger"]]
    guids = {c["regningsnummer"]: c["guid"] for c in body["behandlerkrav"]["regninger"]}
    fake.reject = {numbers[0]: (470, "Ugyldig kombinasjon"), numbers[2]: (766, "Fram i tid")}
    polled = helfo_kuhr.poll(db, s.id, client, actor="t", now=NOW)
    assert polled.settlement.state is SettlementState.RECEIPTED
    claims = {str(c.number): c for c in st.claims_in(db, s.id)}
    assert claims[numbers[0]].outcome_code == "470" and claims[numbers[1]].status == "godkjent"
    old, new = st.correct_rejected(db, s.id, actor="t", now=NOW)
    assert new.count == 2 and old.count == 1
    fake.reject = {}
    st.control(db, new.id, actor="t", now=NOW)
    st.submit(db, new.id, actor="t", now=NOW)
    resent = helfo_kuhr.send(db, new.id, client, actor="t", now=NOW)
    again = fake.messages[resent.transport_ref]["body"]["behandlerkrav"]["regninger"]
    assert {c["regningsnummer"]: c["guid"] for c in again} == {
        n: guids[n] for n in (numbers[0], numbers[2])
    }
    assert helfo_kuhr.poll(db, new.id, client, actor="t", now=NOW).settlement.state is (
        SettlementState.RECEIPTED
    )
    for settlement in (s.id, new.id):
        message = st.load_settlement(db, settlement).transport_ref
        fake.pay(message)
        paid = helfo_kuhr.poll(db, settlement, client, actor="t", now=NOW).settlement
        assert paid.state is SettlementState.PAID and paid.payout_amount == paid.total
        assert paid.payout_date == datetime.date(2026, 1, 7)
        with db.transaction() as repos:
            detail = repos.helfo.settlements.events(settlement)[-1].detail
        assert "vedtak 100001812531790" in detail and "konto 12345678901" in detail
        assert booking.book(db, settlement, actor="t", now=NOW)[0].state is SettlementState.BOOKED


def test_retries_on_5xx_and_never_sends_twice(db, fake):
    waits: list[float] = []
    client = api(db, fake, sleep=waits.append)
    s = submitted(db)
    fake.fail_next = 2
    sent = helfo_kuhr.send(db, s.id, client, actor="t", now=NOW)
    assert waits == [0.5, 1.0] and len(fake.messages) == 1
    with pytest.raises(Exception, match="Kan ikke markere som sendt"):
        helfo_kuhr.send(db, s.id, client, actor="t", now=NOW)
    assert len(fake.messages) == 1 and sent.transport_ref in fake.messages


def test_gives_up_after_the_retries_and_records_nothing(db, fake):
    client = api(db, fake, retries=2)
    s = submitted(db)
    fake.fail_next = 10
    with pytest.raises(UseCaseError, match="etter 3 forsøk"):
        helfo_kuhr.send(db, s.id, client, actor="t", now=NOW)
    assert st.load_settlement(db, s.id).state is SettlementState.SUBMITTED


def test_a_duplicate_is_a_success_not_an_error(db, fake):
    client = api(db, fake)
    s = submitted(db)
    with db.transaction() as repos:
        sub = st.submission(repos, st.load(repos, s.id))
    first = client.send(sub)
    second = client.send(sub)  # the same message again: KUHR answers DUPLIKAT_KRAV
    assert second.reference == first.reference and len(fake.messages) == 1


def test_a_post_the_run_did_not_live_to_record_is_finished_never_sent_twice(db, fake, monkeypatch):
    client = api(db, fake)
    s = submitted(db)
    record = delivery._record

    def killed(*args, **kwargs):  # the process dies after KUHR took the message
        raise SystemExit(137)

    monkeypatch.setattr(delivery, "_record", killed)
    with pytest.raises(SystemExit):
        helfo_kuhr.send(db, s.id, client, actor="t", now=NOW)
    assert len(fake.messages) == 1 and st.load_settlement(db, s.id).state is (
        SettlementState.SUBMITTED
    )
    with pytest.raises(Conflict, match="under sending"):  # on its way: not to be changed
        st.unlock(db, s.id, actor="t", now=NOW)
    monkeypatch.setattr(delivery, "_record", record)
    sent = helfo_kuhr.send(db, s.id, client, actor="u", now=NOW)
    (accepted,) = fake.messages  # posted again, answered DUPLIKAT_KRAV: one message in all
    assert sent.state is SettlementState.SENT and sent.transport_ref == accepted
    with db.transaction() as repos:
        assert [m[0] for m in repos.helfo.messages.sent(s.id)] == [accepted]
        assert not repos.helfo.messages.sending(s.id)


def test_a_refused_post_leaves_nothing_on_its_way(db, fake):
    client = api(db, fake, retries=0)
    s = submitted(db)
    fake.fail_next = 1
    with pytest.raises(UseCaseError):
        helfo_kuhr.send(db, s.id, client, actor="t", now=NOW)
    with db.transaction() as repos:
        assert not repos.helfo.messages.sending(s.id)
    assert st.unlock(db, s.id, actor="t", now=NOW).state is SettlementState.DRAFT


def test_unknown_fields_are_refused_by_the_fake_as_by_helfo(db, fake):
    client = api(db, fake)
    body = kuhr_json.build(kuhr_json_message(), "1004326178")
    body["behandlerkrav"]["ekstra"] = 1
    token = client.encrypt(body, client.public_key())
    response = client._request("POST", kuhr.SEND_PATH, content=token)
    assert response.status_code == 400 and "UKJENT_FELT" in response.text


def kuhr_json_message():
    from oppgjor.helfo.adapters.messages.content import (
        BkmClaim,
        BkmMessage,
        BkmTariff,
        BkmTreatment,
    )

    tariff = BkmTariff("2ad", Decimal("10.03"), 1)
    when = datetime.datetime(2026, 1, 6, 13, 3)
    treatment = BkmTreatment((tariff,), Decimal("10.03"))
    claim = BkmClaim("4", when, "f0bcd358-0676-49c7-94f8-c055c4b21332", treatment=treatment)
    return BkmMessage((claim,), epj_name="oppgjor")


def test_our_json_uses_only_documented_fields_and_exact_amounts():
    body = kuhr_json.build(kuhr_json_message(), "1004326178")
    assert unknown_fields(body, allowed_fields()) == []
    claim = body["behandlerkrav"]["regninger"][0]
    assert claim["tidspunkt"] == "2026-01-06T13:03:00+01:00"
    assert Decimal(repr(claim["takster"][0]["belop"])) == Decimal("10.03")
    assert body["behandlerkrav"]["antallRegninger"] == 1


def status_examples():
    return sorted(p.name for p in EXAMPLES.glob("*status*.json"))


@pytest.mark.parametrize("name", reference.cases(status_examples))
def test_every_documented_status_example_parses(name):
    rows = kuhr_json.parse_status(json.loads((EXAMPLES / name).read_text()))
    assert rows and all(r.message_id for r in rows)
    for row in rows:
        assert all(isinstance(m.number, str) for c in row.claims for m in c.remarks)


def test_lenient_parsing_of_the_documentations_own_quirks():
    assert kuhr_json.parse_time("2026-01-0615:30:29+01:00") == datetime.datetime.fromisoformat(
        "2026-01-06T15:30:29+01:00"
    )

    def row_of(status, number, **extra):
        remark = {"nummer": number, "tekst": "x"}
        claim = {"regningsnummer": "1", "status": status, "merknader": [remark]}
        return {"behandlerkravmeldingId": "a", "innsending": {"regninger": [claim]}, **extra}

    rows = [row_of("avvist", 470), row_of("godkjent", "710", rebehandling=True)]
    row = kuhr_json.latest(kuhr_json.parse_status(rows))
    assert row.reprocessing and row.claims[0].status == "godkjent"
    with pytest.raises(ValueError):
        kuhr_json.parse_status("nonsense")


def test_missing_kuhr_settings_are_listed(db):
    with pytest.raises(UseCaseError, match="KUHR-adresse"):
        helfo_kuhr.client(db, kuhr.StaticToken("x"))
    with pytest.raises(UseCaseError, match="https"):
        helfo_kuhr.set_settings(db, url="http://example.org")
