"""Changes whose consequences reach further than the record (issue 12, found in review), on
SQLite and PostgreSQL: a co-payment registration Helfo has is never deleted with its
appointment, a draft shows at once that an appointment changed its claim, a national id
changed where the mask hides it is still a change, history shows account numbers, and a
problem the appointment already had does not stop it being cancelled."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli_helpers import js
from oppgjor.cli.main import app
from oppgjor.core.ids import national_id
from oppgjor.store import Database

runner = CliRunner()


@pytest.fixture
def cli(database_url, monkeypatch):
    monkeypatch.setenv("OPPGJOR_DATABASE_URL", database_url)
    monkeypatch.setenv("OPPGJOR_USER", "kari")

    def run(*args):
        return runner.invoke(app, list(args))

    assert run("demo", "seed").exit_code == 0
    return run


def _registrations(database_url, number):
    db = Database(database_url)
    try:
        with db.reading() as repos:
            return [r for r in repos.helfo.claims.registrations() if r.claim_number == number]
    finally:
        db.dispose()


def test_a_co_payment_helfo_was_told_of_keeps_its_appointment(cli, database_url):
    # a pure co-payment tariff: the claim never goes into a settlement, its registration does
    assert cli("tariff", "add", "--code", "X0", "--specialty", "FY", "--text", "Egenandel",
               "--fee", "190", "--refund", "0", "--copayment", "190",
               "--valid-from", "2026-01-01").exit_code == 0  # fmt: skip
    made = cli("appointment", "create", "--ref", "PC1", "--practitioner-ref", "B02",
               "--patient-ref", "P0002", "--start", "2026-11-20 09:00", "--end",
               "2026-11-20 09:30", "--lines", "X0", "--status", "attended")  # fmt: skip
    assert made.exit_code == 0, made.output
    assert cli("claim", "waiting").exit_code == 0  # claims are made from attended appointments
    number = _number_of(database_url, "PC1")
    assert cli("claim", "copayment-paid", str(number)).exit_code == 0
    assert cli("settlement", "control", "3").exit_code in (0, 4)
    assert cli("settlement", "submit", "3").exit_code == 0
    [registration] = _registrations(database_url, number)
    assert registration.settlement_id == 3  # sent with settlement 3
    for change in (("cancel", "PC1"), ("delete", "PC1"), ("update", "PC1", "--lines", "")):
        refused = cli("appointment", *change)
        assert refused.exit_code == 5, refused.output
        assert "meldt til Helfo i oppgjør 3" in " ".join(refused.output.split())
    assert _registrations(database_url, number) == [registration]
    assert js(cli("appointment", "show", "PC1", "--json"))["status"] == "attended"


def _number_of(database_url, ref):
    db = Database(database_url)
    try:
        with db.reading() as repos:
            found = repos.appointment(ref)
            assert found is not None and found.id is not None
            [claim] = repos.helfo.claims.find(ids=repos.appointment_claim_ids(found.id))
            return claim.number
    finally:
        db.dispose()


def test_a_draft_shows_at_once_that_an_appointment_changed_its_claim(cli):
    draft = js(cli("settlement", "show", "3", "--json"))
    claim = next(c for c in draft["claims"] if c["appointment"] and c["tariffs"] == ["201bx1"])
    changed = cli("appointment", "update", claim["appointment"], "--lines", "201b*2")
    assert changed.exit_code == 0, changed.output
    assert f"Regning {claim['number']} i utkast 3 er endret" in changed.output
    after = js(cli("settlement", "show", "3", "--json"))
    assert after["version"] == draft["version"] + 1  # a control before it is not the last
    assert float(after["total"]) == pytest.approx(float(draft["total"]) + float(claim["refund"]))
    assert f"regning {claim['number']} endret" in after["events"][-1]["detail"]


@pytest.mark.reveals_national_id  # the stored number is read in full to make a neighbour
def test_a_national_id_changed_where_the_mask_hides_it_is_still_a_change(cli):
    before = js(cli("patient", "show", "P0002", "--reveal", "--json"))["id_value"]
    born = national_id.birth_date(before)
    other = next(
        n for k in range(100, 999)
        if (n := national_id.make(born, k, synthetic=national_id.is_synthetic(before))) != before
    )  # fmt: skip
    assert other[:6] == before[:6]  # the same birth date: the masks are equal
    result = cli("patient", "update", "P0002", "--id-value", other, "--json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)["changes"]
    assert set(changes) == {"id_value"} and other not in result.output
    [event] = js(cli("history", "patient", "P0002", "--json"))["events"][-1:]
    assert event["action"] == "updated" and set(event["changes"]) == {"id_value"}


def test_history_shows_an_account_number_whole(cli):
    assert cli("practice", "update", "--account-number", "86011117947").exit_code == 0
    shown = cli("history", "practice").output
    assert "86011117947" in shown


def test_a_problem_the_appointment_already_had_does_not_stop_its_cancellation(cli):
    made = cli("appointment", "create", "--ref", "SP1", "--practitioner-ref", "B02",
               "--patient-ref", "P0005", "--series-ref", "S005", "--start", "2027-02-01 09:00",
               "--end", "2027-02-01 09:30")  # fmt: skip
    assert made.exit_code == 0, made.output
    # the series is given to another patient: the appointment no longer matches its series
    assert cli("series", "update", "S005", "--patient-ref", "P0001").exit_code in (0, 4)
    moved = cli("appointment", "update", "SP1", "--start", "2027-02-01 10:00")
    assert moved.exit_code == 0, moved.output
    cancelled = cli("appointment", "cancel", "SP1")
    assert cancelled.exit_code == 0, cancelled.output
    # a change that brings the problem is still refused
    other = cli("appointment", "create", "--ref", "SP2", "--practitioner-ref", "B02",
                "--patient-ref", "P0002", "--start", "2027-02-02 09:00", "--end",
                "2027-02-02 09:30")  # fmt: skip
    assert other.exit_code == 0, other.output
    refused = cli("appointment", "update", "SP2", "--series-ref", "S005")
    assert refused.exit_code == 1, refused.output


def test_an_appointment_registered_as_attended_has_its_claim_in_the_expiry_list(cli):
    """Found trying it as a user: a claim appeared only after `claim waiting` had run."""
    made = cli("appointment", "create", "--ref", "OLD1", "--practitioner-ref", "B02",
               "--patient-ref", "P0002", "--start", "2026-04-21 09:00", "--end",
               "2026-04-21 09:30", "--lines", "A2a", "--status", "attended")  # fmt: skip
    assert made.exit_code == 0, made.output
    listed = js(cli("claim", "expiring", "--json"))
    [claim] = [c for c in listed if c["appointment"] == "OLD1"]
    assert claim["expired"] is True  # treated in April: past Helfo's deadline already
