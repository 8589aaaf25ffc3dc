"""Issue 12 §1: edits change what the user changed and nothing else; every change is in the
record's history; a finding names the command that fixes it; lists are paged."""

import json

import pytest
from rich.console import Console

from cli_helpers import js
from oppgjor.cli.render import print_findings
from oppgjor.core.findings import FindingCode, Location, Severity


def _show(cli, kind, ref):
    return js(cli(kind, "show", ref, "--json"))


def test_series_update_keeps_every_field_not_given(cli):
    before = _show(cli, "series", "S005")
    assert before["department_ref"] and before["referred_from_ref"] and before["fbv_tariff"]
    # the reproduction: these options used to wipe department, referrer, FBV fields
    result = cli("series", "update", "S005", "--patient-ref", "P0005",
                 "--rights-assessment-date", "2026-09-01", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["changes"] == {
        "rights_assessment_date": {"before": None, "after": "2026-09-01"}
    }
    # the issue's own words: --diagnosis (the field is diagnosis_code)
    result = cli("series", "update", "S005", "--diagnosis", "M54.5", "--json")
    assert result.exit_code == 0, result.output
    after = _show(cli, "series", "S005")
    assert after == {**before, "rights_assessment_date": "2026-09-01", "diagnosis_code": "M54.5"}
    shown = cli("series", "update", "S005", "--diagnosis-code", "M54.5")
    assert "Ingen endringer" in shown.output


def test_update_shows_what_changed_and_clears_with_an_empty_value(cli):
    result = cli("series", "update", "S010", "--title", "Ny tittel", "--end-date", "")
    assert result.exit_code == 0, result.output
    assert "Ny tittel" in result.output
    result = cli("series", "update", "S010", "--referred-from-ref", "", "--json")
    assert result.exit_code == 4  # saved incomplete (ADR 0003): FBV needs the referrer
    assert json.loads(result.output)["changes"]["referred_from_ref"]["after"] is None
    assert _show(cli, "series", "S010")["referred_from_ref"] == ""
    required = cli("series", "update", "S010", "--patient-ref", "", "--json")
    assert required.exit_code == 1
    assert any("må fylles ut" in f["message"] for f in json.loads(required.output)["findings"])


def test_practice_her_id_change_keeps_the_account_number(cli):
    before = js(cli("practice", "show", "--json"))
    assert before["account_number"]
    assert cli("practice", "set", "--her-id", "79768").exit_code == 0
    assert cli("practice", "update", "--contact-email", "ny@klinikk.example").exit_code == 0
    after = js(cli("practice", "show", "--json"))
    assert after == {**before, "her_id": "79768", "contact_email": "ny@klinikk.example"}
    bad = cli("practice", "update", "--account-number", "1234")
    assert bad.exit_code == 1
    assert js(cli("practice", "show", "--json"))["account_number"] == before["account_number"]


def test_unknown_field_and_ref_are_refused(cli):
    result = cli("series", "update", "S005", "--bogus", "x")
    assert result.exit_code == 2 and "bogus" in result.output
    assert cli("series", "update", "NOPE", "--title", "x").exit_code == 3
    assert (
        cli("series", "create", "--ref", "S900", "--patient-ref", "P1", "--update").exit_code == 2
    )


def test_create_of_an_existing_ref_is_a_conflict_naming_update(cli):
    result = cli("department", "create", "--ref", "D1", "--name", "Ny")
    assert result.exit_code == 5
    assert "oppgjor department update D1" in result.output
    assert _show(cli, "department", "D1")["name"] != "Ny"


def test_blocking_update_writes_nothing(cli):
    before = _show(cli, "practitioner", "B02")
    result = cli("practitioner", "update", "B02", "--hpr-number", "12a", "--name", "X")
    assert result.exit_code == 1
    assert "HPR" in result.output
    assert _show(cli, "practitioner", "B02") == before
    unreadable = cli("series", "update", "S005", "--start-date", "ikke en dato", "--title", "Y",
                     "--json")  # fmt: skip
    assert unreadable.exit_code == 1
    [finding] = json.loads(unreadable.output)["findings"]
    assert finding["location"] == "serie[S005].start_date" and "ugyldig dato" in finding["message"]
    assert _show(cli, "series", "S005")["title"] != "Y"
    events = js(cli("history", "practitioner", "B02", "--json"))["events"]
    assert [e["action"] for e in events] == ["created"]


@pytest.mark.reveals_national_id
def test_history_after_create_update_and_reveal(cli):
    created = cli("referrer", "create", "--ref", "K99", "--name", "Legekontoret",
                  "--org-nr", "974760673", "--user", "ola")  # fmt: skip
    assert created.exit_code == 0, created.output
    assert cli("referrer", "update", "K99", "--name", "Legesenteret").exit_code == 0
    events = js(cli("history", "referrer", "K99", "--json"))["events"]
    assert [(e["actor"], e["what"]) for e in events] == [("ola", "opprettet"), ("kari", "endret")]
    assert events[1]["changes"] == {"name": {"before": "Legekontoret", "after": "Legesenteret"}}
    shown = cli("history", "referrer", "K99")
    assert "navn: Legekontoret → Legesenteret" in shown.output and "kari" in shown.output

    full = js(cli("patient", "show", "P0001", "--json", "--reveal"))["id_value"]  # audited
    assert cli("patient", "update", "P0001", "--last-name", "Hansen").exit_code == 0
    history = cli("history", "patient", "P0001")
    assert [e["action"] for e in js(cli("history", "patient", "P0001", "--json"))["events"]] == [
        "created",
        "reveal",
        "updated",
    ]
    assert "vist" in history.output and full not in history.output
    assert full[:6] + "*****" in history.output  # the created snapshot, masked


def test_history_kinds_and_refs(cli):
    unknown = cli("history", "planet", "X")
    assert unknown.exit_code == 2 and "series" in unknown.output and "settlement" in unknown.output
    assert cli("history", "series", "NOPE").exit_code == 3
    booked = js(cli("settlement", "list", "--tab", "booked", "--json"))[0]
    events = js(cli("history", "settlement", str(booked["id"]), "--json"))["events"]
    assert [e["what"] for e in events][-2:] == ["utbetaling registrert", "bokført"]
    assert events[-1]["changes"]["status"] == {"before": "Utbetalt", "after": "Bokført"}
    assert js(cli("history", "practice", "--json"))["events"][0]["action"] == "created"


def test_import_is_audited_per_record_changed(cli, tmp_path):
    path = tmp_path / "departments.csv"
    assert cli("department", "export", "--output", str(path)).exit_code == 0
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[1], "Omdøpt", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ref = lines[1].split(",")[0]
    report = js(cli("department", "import", str(path), "--json", "--user", "importør"))
    assert report["updated"] == len(lines) - 1
    events = js(cli("history", "department", ref, "--json"))["events"]
    assert [(e["actor"], e["action"]) for e in events][-1] == ("importør", "updated")
    assert events[-1]["changes"]["name"]["after"] == "Omdøpt"
    other = lines[2].split(",")[0]  # unchanged rows make no event
    assert [e["action"] for e in js(cli("history", "department", other, "--json"))["events"]] == [
        "created"
    ]


def test_appointments_created_are_audited(cli):
    created = cli("appointment", "create", "--ref", "A-X1", "--practitioner-ref", "B01",
                  "--patient-ref", "P0005", "--start", "2026-12-20 09:00", "--end",
                  "2026-12-20 10:00", "--lines", "FBV01", "--series-ref", "S005",
                  "--user", "ola")  # fmt: skip
    assert created.exit_code == 0, created.output
    [event] = js(cli("history", "appointment", "A-X1", "--json"))["events"]
    assert (event["actor"], event["action"]) == ("ola", "created")
    assert event["changes"]["lines"]["after"] == [{"code": "FBV01", "quantity": 1}]
    shown = cli("history", "appointment", "A-X1").output
    assert "Historikk for avtale «A-X1» (1 hendelse)" in shown
    assert "takster: FBV01*1" in shown and "start: 20.12.2026 09:00" in shown
    assert "(tom)" not in shown  # a first event lists the values set


def test_templates_and_tariffs_are_audited(cli):
    assert cli("template", "save", "Mal X", "--from-series", "S005", "--user", "ola").exit_code == 0
    assert cli("template", "delete", "Mal X").exit_code == 0
    events = js(cli("history", "template", "Mal X", "--json"))["events"]
    assert [(e["actor"], e["action"]) for e in events] == [("ola", "created"), ("kari", "deleted")]
    added = cli("tariff", "add", "--code", "ZZ1", "--specialty", "FY", "--fee", "100",
                "--refund", "50", "--copayment", "50", "--valid-from", "2026-01-01")  # fmt: skip
    assert added.exit_code == 0, added.output
    events = js(cli("history", "tariff", "ZZ1/FY/2026-01-01", "--json"))["events"]
    assert events[0]["changes"]["fee"]["after"] == "100.00"


def test_a_findings_named_command_fixes_it(cli):
    drafts = js(cli("settlement", "list", "--tab", "draft", "--json"))
    fbv = next(s for s in drafts if s["type"] == "NPR BKM FBV")
    sid = str(fbv["id"])
    assert js(cli("settlement", "control", sid, "--json"))["blocking"] == 0
    series = js(cli("settlement", "show", sid, "--json"))["claims"][0]["series"]
    department = _show(cli, "series", series)["department_ref"]
    assert cli("series", "update", series, "--department-ref", "").exit_code == 4
    controlled = json.loads(cli("settlement", "control", sid, "--json").output)
    blocking = [f for f in controlled["findings"] if f["severity"] == "BLOCKING"]
    assert blocking and blocking[0]["link"] == f"serie/{series}"
    fix = blocking[0]["fix"]
    assert fix == f"oppgjor series update {series} --department-ref <ref>"
    words = fix.split()[1:]
    assert cli(*words[:-1], department).exit_code == 0
    assert js(cli("settlement", "control", sid, "--json"))["blocking"] == 0


def test_the_findings_table_shows_the_command():
    code = FindingCode("X", Severity.BLOCKING, "x")
    finding = code("Velg avdeling.", Location("serie", "S1", "department_ref").within(
        Location("regning", "7")), link="serie/S1")  # fmt: skip
    console = Console(record=True, width=200)
    print_findings([finding], console)
    assert "oppgjor series update S1 --department-ref <ref>" in console.export_text()


def test_a_record_is_named_once_in_a_location(cli):
    result = cli("series", "create", "--ref", "S900", "--patient-ref", "P0001", "--fbv", "ja",
                 "--json")  # fmt: skip
    assert result.exit_code == 4
    locations = [f["location"] for f in json.loads(result.output)["findings"]]
    assert "serie[S900].npr_debtor" in locations
    assert not [x for x in locations if x.count("serie[S900]") > 1]


def test_authorised_practitioner_without_settlement_is_warned(cli):
    result = cli("practitioner", "create", "--ref", "B90", "--name", "Fysio Ny",
                 "--profession", "FY", "--hpr-number", "1432688", "--modules", "planner",
                 "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    [warning] = [f for f in json.loads(result.output)["findings"]]
    assert warning["code"] == "PRACTITIONER_NO_SETTLEMENT" and warning["severity"] == "WARNING"
    assert "stoppes i kontrollen" in warning["message"]
    assert "oppgjor practitioner update B90 --modules 'planner settlement'" in warning["message"]
    fixed = js(cli("practitioner", "update", "B90", "--modules", "planner settlement", "--json"))
    assert fixed["findings"] == []
    naprapath = cli("practitioner", "create", "--ref", "B91", "--name", "Naprapat",
                    "--profession", "NA", "--modules", "planner", "--json")  # fmt: skip
    assert json.loads(naprapath.output)["findings"] == []


def test_lists_are_paged(cli):
    first = cli("patient", "list")
    assert "viser 1–50 av 300" in first.output and "--offset 50" in first.output
    assert first.output.count("*****") == 50
    page = cli("patient", "list", "--offset", "290")
    assert "viser 291–300 av 300" in page.output and "--offset" not in page.output.split("│")[-1]
    assert cli("patient", "list", "--all").output.count("*****") == 300
    assert len(js(cli("patient", "list", "--json"))) == 300
    limited = js(cli("patient", "list", "--json", "--limit", "10", "--offset", "5"))
    assert [r["ref"] for r in limited] == [f"P{n:04d}" for n in range(6, 16)]
    assert "viser" not in cli("department", "list").output  # all shown
    assert cli("patient", "list", "--limit", "-1").exit_code == 1
