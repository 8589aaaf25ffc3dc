"""The appointment's life through the CLI, on SQLite and PostgreSQL: refs given when not
given, update, attended / no-show / cancel, delete, the claim following it (out of its
draft, a new one when attended again, refused once Helfo has it), and the filtered list."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from cli_helpers import js
from oppgjor.cli.main import app
from oppgjor.clinic.domain.model import Appointment
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


@pytest.fixture
def audit(database_url):
    db = Database(database_url)

    def find(**filters):
        with db.reading() as repos:
            return repos.audit.find(**filters)

    yield find
    db.dispose()


NEW = ("--practitioner-ref", "B02", "--patient-ref", "P0002")


def _create(cli, day, *extra):
    start, end = f"{day} 09:00", f"{day} 09:30"
    return cli("appointment", "create", *NEW, "--start", start, "--end", end, *extra, "--json")


def _shown(cli, ref):
    return js(cli("appointment", "show", ref, "--json"))


def _draft_claim(cli, settlement_id):
    """A claim in a demo draft with its appointment's ref."""
    claims = js(cli("settlement", "show", str(settlement_id), "--json"))["claims"]
    return next(c for c in claims if c["appointment"])


def test_create_with_a_ref_and_times_with_a_zone_are_refused_cleanly(cli):
    # the crash of issue 12 (fixed with the kinds' registry): a given ref is kept
    assert _create(cli, "2027-01-04", "--ref", "X1", "--lines", "A2a").exit_code == 0
    assert _shown(cli, "X1")["lines"] == "A2a"
    # a time with a zone offset crashed the planner's rules (INTERNAL); now it is refused
    zoned = cli("appointment", "create", *NEW, "--ref", "X2", "--start", "2027-01-05 09+01",
                "--end", "2027-01-05 10:00")  # fmt: skip
    assert zoned.exit_code == 1
    assert "tidssone" in zoned.output and "INTERNAL" not in zoned.output
    assert cli("appointment", "show", "X2").exit_code == 3


def test_refs_are_given_in_sequence_never_again_and_skip_refs_users_gave(cli, tmp_path):
    first = js(_create(cli, "2027-01-04"))
    assert [f["message"] for f in first["findings"] if f["code"] == "PLANNER_REF_ASSIGNED"] == [
        "Avtalen fikk nøkkelen A000001."
    ]
    assert _shown(cli, "A000001")["start"] == "2027-01-04 09:00"
    assert _create(cli, "2027-01-05").exit_code == 0
    assert cli("appointment", "delete", "A000002").exit_code == 0
    assert _create(cli, "2027-01-06", "--ref", "A000003").exit_code == 0  # a user's own ref
    js(_create(cli, "2027-01-07"))
    assert _shown(cli, "A000004")["start"] == "2027-01-07 09:00"  # not A000002, not A000003
    assert cli("appointment", "show", "A000002").exit_code == 3
    # an import without refs: every row gets one
    path = tmp_path / "avtaler.csv"
    path.write_text(
        "ref,practitioner_ref,patient_ref,start,end,lines,status\n"
        ",B02,P0002,2027-01-11 09:00,2027-01-11 09:30,A2a,planned\n"
        ",B02,P0002,2027-01-12 09:00,2027-01-12 09:30,A2a,planned\n",
        encoding="utf-8",
    )
    imported = js(cli("appointment", "import", str(path), "--json"))
    assert imported["created"] == 2
    assert _shown(cli, "A000005")["start"][:10] == "2027-01-11"
    assert _shown(cli, "A000006")["start"][:10] == "2027-01-12"


def test_update_changes_only_the_given_fields_and_is_audited(cli, audit):
    js(_create(cli, "2027-01-04", "--lines", "A2a", "--ref", "U1"))
    before = _shown(cli, "U1")
    moved = js(cli("appointment", "update", "U1", "--start", "2027-01-04 13:00", "--json"))
    after = _shown(cli, "U1")
    assert (after["start"], after["end"]) == ("2027-01-04 13:00", "2027-01-04 13:30")
    assert {k: v for k, v in after.items() if k not in ("start", "end")} == {
        k: v for k, v in before.items() if k not in ("start", "end")
    }
    assert set(moved["changes"]) == {"start", "end"}
    text = cli("appointment", "update", "U1", "--lines", "A2a*2;A2a", "--duration", "45")
    assert text.exit_code == 0, text.output
    assert "Endret avtale U1" in text.output and "13:30 → 2027-01-04 13:45" in text.output
    assert _shown(cli, "U1")["lines"] == "A2a*2 A2a"
    events = audit(kind="appointment", ref="U1", action="updated")
    assert [e.actor for e in events] == ["kari", "kari"]
    assert events[0].detail["after"]["start"] == "2027-01-04T13:00:00"
    assert "patient_ref" not in events[0].detail["after"]


def test_bad_updates_write_nothing(cli, audit):
    js(_create(cli, "2027-01-04", "--ref", "U2"))
    before = _shown(cli, "U2")
    assert cli("appointment", "update", "NOPE", "--start", "2027-01-04 10:00").exit_code == 3
    assert cli("appointment", "update", "U2").exit_code == 2  # nothing to change
    bad_time = cli("appointment", "update", "U2", "--start", "4. januar", "--json")
    assert bad_time.exit_code == 1
    (finding,) = json.loads(bad_time.output)["findings"]
    assert finding["code"] == "IMPORT_FIELD_INVALID" and "ugyldig tidspunkt" in finding["message"]
    unknown_tariff = cli("appointment", "update", "U2", "--lines", "NOPE1", "--json")
    assert unknown_tariff.exit_code == 1
    assert "PLANNER_TARIFF_INVALID" in unknown_tariff.output
    reversed_ = cli("appointment", "update", "U2", "--end", "2027-01-04 08:00", "--json")
    assert reversed_.exit_code == 1
    assert [f["code"] for f in json.loads(reversed_.output)["findings"]] == ["PLANNER_TIMES"]
    assert _shown(cli, "U2") == before
    assert audit(kind="appointment", ref="U2", action="updated") == []


def test_cancelled_appointment_leaves_the_draft_and_attended_again_makes_a_new_claim(cli, audit):
    claim = _draft_claim(cli, 3)
    ref, number = claim["appointment"], claim["number"]
    draft = js(cli("settlement", "show", "3", "--json"))
    cancelled = cli("appointment", "cancel", ref)
    assert cancelled.exit_code == 0, cancelled.output
    assert f"Regning {number} er tatt ut av utkast 3 og slettet." in cancelled.output
    after = js(cli("settlement", "show", "3", "--json"))
    assert after["count"] == draft["count"] - 1
    assert Decimal(after["total"]) == Decimal(draft["total"]) - Decimal(claim["refund"])
    assert after["version"] == draft["version"] + 1
    assert number not in [c["number"] for c in after["claims"]]
    assert f"regning {number} tatt ut" in after["events"][-1]["detail"]
    gone = cli("claim", "show", str(number))
    assert gone.exit_code == 3 and "finnes ikke" in gone.output  # not found
    # made by the demo (its creation is audited too), then cancelled
    assert [e.action for e in audit(kind="appointment", ref=ref)] == ["created", "cancelled"]
    again = js(cli("appointment", "attended", ref, "--json"))
    (note,) = again["claims"]
    new_number = int(note.split()[1])
    assert new_number > number and "er laget" in note
    waiting = js(cli("claim", "waiting", "--json"))
    assert any(c["number"] == new_number and c["appointment"] == ref for c in waiting)
    # not attended: the claim waiting in the pool leaves as well
    no_show = cli("appointment", "no-show", ref)
    assert f"Regning {new_number} er slettet" in no_show.output
    assert all(c["number"] != new_number for c in js(cli("claim", "waiting", "--json")))


def test_an_open_claim_follows_an_update_a_draft_shows_it_after_the_control(cli):
    claim = _draft_claim(cli, 3)
    ref = claim["appointment"]
    code = claim["tariffs"][0].split("x")[0]
    first = Decimal(js(cli("settlement", "control", "3", "--json"))["total"])
    changed = cli("appointment", "update", ref, "--lines", f"{code}*2")
    assert changed.exit_code == 0, changed.output
    second = Decimal(js(cli("settlement", "control", "3", "--json"))["total"])
    assert second == first + Decimal(claim["refund"])


def _submitted_with(cli, claim):
    """A new BKM settlement holding only *claim*, controlled and submitted."""
    sid = str(js(cli("settlement", "new", "--type", "bkm", "--json"))["id"])
    js(cli("settlement", "mark", "3", "--remove", str(claim["number"]), "--json"))
    js(cli("settlement", "mark", sid, "--add", str(claim["number"]), "--json"))
    assert js(cli("settlement", "control", sid, "--json"))["blocking"] == 0
    js(cli("settlement", "submit", sid, "--json"))
    return sid


def test_a_claim_helfo_has_is_never_changed_silently(cli):
    claim = _draft_claim(cli, 3)
    ref, number = claim["appointment"], claim["number"]
    sid = _submitted_with(cli, claim)
    before = _shown(cli, ref)

    locked = cli("appointment", "cancel", ref, "--json")
    assert locked.exit_code == 5
    assert f"oppgjor settlement unlock {sid}" in json.loads(locked.output)["error"]
    assert cli("appointment", "delete", ref).exit_code == 5

    js(cli("settlement", "sent", sid, "--ref", "MSG-1", "--json"))
    sent = cli("appointment", "update", ref, "--start", "2026-11-02 12:00", "--json")
    assert sent.exit_code == 5
    said = json.loads(sent.output)["error"]
    assert "Vent på kvitteringen" in said and f"oppgjor claim credit {number}" in said

    js(cli("settlement", "receipt", sid, "--json"))  # approved
    approved = cli("appointment", "cancel", ref, "--json")
    assert approved.exit_code == 5
    assert f"oppgjor claim credit {number}" in json.loads(approved.output)["error"]
    assert cli("appointment", "delete", ref).exit_code == 5
    assert _shown(cli, ref) == before
    assert js(cli("claim", "show", str(number), "--json"))[0]["status"] == "godkjent"

    # credited first: then the appointment may change; the credit keeps the history
    assert cli("claim", "credit", str(number)).exit_code == 0
    assert cli("appointment", "cancel", ref).exit_code == 0
    assert cli("appointment", "delete", ref).exit_code == 5  # its claims were sent


def test_delete_a_planned_appointment_and_one_whose_claim_is_in_a_draft(cli, audit):
    js(_create(cli, "2027-01-04", "--ref", "D1"))
    deleted = cli("appointment", "delete", "D1")
    assert deleted.exit_code == 0 and "Avtale D1 er slettet" in deleted.output
    assert cli("appointment", "show", "D1").exit_code == 3
    assert audit(kind="appointment", ref="D1", action="deleted")[0].detail["before"]["ref"] == "D1"
    assert cli("appointment", "delete", "D1").exit_code == 3
    claim = _draft_claim(cli, 3)
    gone = cli("appointment", "delete", claim["appointment"], "--json")
    assert js(gone)["claims"] == [f"Regning {claim['number']} er tatt ut av utkast 3 og slettet."]
    assert claim["number"] not in [
        c["number"] for c in js(cli("settlement", "show", "3", "--json"))["claims"]
    ]


def test_list_filters_and_pages_in_the_database(cli):
    every = json.loads(cli("appointment", "export", "--format", "json").output)
    page = js(cli("appointment", "list", "--json"))
    assert (page["total"], page["offset"], page["limit"]) == (len(every), 0, 50)
    assert len(page["appointments"]) == 50
    text = cli("appointment", "list", "--limit", "10", "--offset", "20").output
    assert f"viser 21–30 av {len(every):,}".replace(",", " ") in text and "--offset 30" in text
    attended = [a for a in every if a["patient_ref"] == "P0002" and a["status"] == "attended"]
    found = js(cli("appointment", "list", "--patient", "P0002", "--status", "møtt",
                   "--limit", "500", "--json"))  # fmt: skip
    assert found["total"] == len(attended) > 0
    assert [a["ref"] for a in found["appointments"]] == [a["ref"] for a in attended]
    october = [a for a in every if "2026-10-05" <= a["start"][:10] <= "2026-10-09"
               and a["practitioner_ref"] == "B01"]  # fmt: skip
    week = js(cli("appointment", "list", "--practitioner", "B01", "--from", "2026-10-05",
                  "--to", "09.10.2026", "--limit", "1", "--json"))  # fmt: skip
    assert week["total"] == len(october) > 1 and len(week["appointments"]) == 1
    two = js(cli("appointment", "list", "--status", "avlyst,ikke-møtt", "--json"))
    assert two["total"] == sum(a["status"] in ("cancelled", "no_show") for a in every)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--from", "2026-10-09", "--to", "2026-10-05"), "er etter --to"),
        (("--status", "kanskje"), "Ukjent status «kanskje»"),
        (("--from", "31.02.2026"), "er ikke en dato"),
    ],
)
def test_list_refuses_bad_filters_as_usage_errors(cli, args, said):
    result = cli("appointment", "list", *args)
    assert result.exit_code == 2 and said in result.output


def test_an_appointment_stored_without_a_ref_is_named_by_its_id(cli, database_url):
    db = Database(database_url)
    start = datetime.datetime(2027, 2, 1, 9)
    old = Appointment("B02", "P0002", start, start + datetime.timedelta(minutes=30))
    with db.transaction() as repos:  # as stored before refs were given
        (id_,) = repos.add_appointments([old])
    db.dispose()
    listed = js(cli("appointment", "list", "--from", "2027-02-01", "--to", "2027-02-01", "--json"))
    assert [a["ref"] for a in listed["appointments"]] == [f"#{id_}"]
    moved = js(cli("appointment", "update", f"#{id_}", "--start", "2027-02-01 10:00", "--json"))
    assert moved["ref"] == f"#{id_}" and set(moved["changes"]) == {"start", "end"}
    assert js(cli("appointment", "show", f"#{id_}", "--json"))["start"] == "2027-02-01 10:00"
    assert cli("appointment", "cancel", f"#{id_}").exit_code == 0
    assert cli("appointment", "delete", f"#{id_}").exit_code == 0
    assert cli("appointment", "delete", f"#{id_}").exit_code == 3


def test_a_value_that_cannot_be_read_is_reported_as_json_when_asked(cli):
    result = cli("appointment", "create", "--practitioner-ref", "B01", "--patient-ref", "P0001",
                 "--start", "i morgen", "--end", "2027-01-01 10:00", "--json")  # fmt: skip
    assert result.exit_code == 1
    [finding] = json.loads(result.output)["findings"]
    assert finding["code"] == "IMPORT_FIELD_INVALID" and "«i morgen»" in finding["message"]


def test_every_appointment_at_once_and_norwegian_status_words_when_created(cli):
    """Found trying it as a user: --all (as the other lists have) was missing, and
    `create --status møtt` was refused although `list --status møtt` was accepted."""
    every = js(cli("appointment", "list", "--all", "--json"))
    assert every["total"] == len(every["appointments"]) > 50 and every["limit"] is None
    assert js(cli("appointment", "list", "--limit", "0", "--json"))["total"] == every["total"]
    made = js(cli("appointment", "create", *NEW, "--start", "2027-01-06 09:00", "--end",
                  "2027-01-06 09:30", "--status", "møtt", "--json"))  # fmt: skip
    [ref] = [f["message"].split()[-1].rstrip(".") for f in made["findings"]
             if f["code"] == "PLANNER_REF_ASSIGNED"]  # fmt: skip
    assert _shown(cli, ref)["status"] == "attended"
    wrong = cli("appointment", "create", *NEW, "--start", "2027-01-07 09:00", "--end",
                "2027-01-07 09:30", "--status", "kanskje", "--json")  # fmt: skip
    assert wrong.exit_code == 1 and "møtt" in wrong.output
