"""The CLI end to end: exit codes, JSON output, masking, import/export round trip."""

import json

import pytest
from typer.testing import CliRunner

from oppgjor.cli.main import app

runner = CliRunner()


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("OPPGJOR_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")

    def run(*args):
        return runner.invoke(app, list(args))

    return run


def test_demo_seed_then_list_as_json(cli):
    assert cli("demo", "seed", "--start", "2026-08-01").exit_code == 0
    assert "har allerede data" in cli("demo", "seed", "--if-empty").output
    result = cli("patient", "list", "--json")
    rows = json.loads(result.output)
    assert len(rows) == 300
    assert all(r["id_value"].endswith("*****") for r in rows)
    shown = json.loads(cli("series", "show", "S001", "--json").output)
    assert shown["npr_debtor"] == "90"


def test_invalid_patient_is_rejected_with_masked_message(cli):
    result = cli("patient", "create", "--ref", "P1", "--id-value", "15058612337",
                 "--first-name", "Kari", "--last-name", "Nordmann")  # fmt: skip
    assert result.exit_code == 1
    assert "150586*****" in result.output and "15058612337" not in result.output
    assert json.loads(cli("patient", "list", "--json").output) == []


def test_not_found_and_usage_exit_codes(cli):
    assert cli("series", "show", "NOPE").exit_code == 3
    assert cli("patient", "import", "/no/such/file.csv").exit_code == 2


def test_a_database_url_that_is_not_one_or_a_file_that_is_not_a_database(cli, tmp_path):
    """Found trying it as a user: both ended as an unexpected error (exit 70)."""
    typo = cli("--database", "foo", "overview")
    assert typo.exit_code == 2 and "er ikke en database-URL" in typo.output
    hidden = cli("--database", "postgresql:/kari:hemmelig@vert/db", "overview")
    assert hidden.exit_code in (2, 6) and "hemmelig" not in hidden.output
    other = tmp_path / "notat.db"
    other.write_text("ikke en database\n")
    wrong = cli("--database", f"sqlite:///{other}", "overview")
    assert wrong.exit_code == 6 and "kan ikke brukes" in wrong.output
    assert other.read_text() == "ikke en database\n"  # left as it was


def test_series_saved_incomplete_exits_4_and_template_fills_it(cli, tmp_path):
    cli("demo", "seed", "--start", "2026-08-01")
    result = cli("series", "create", "--ref", "S900", "--patient-ref", "P0001", "--fbv", "ja")
    assert result.exit_code == 4
    assert "SERIES_DEBTOR" in result.output
    result = cli("series", "create", "--ref", "S901", "--patient-ref", "P0002",
                 "--template", "FBV dagbehandling", "--referral-date", "2026-08-01",
                 "--rights-assessment-date", "2026-08-03", "--diagnosis-code", "M54.5",
                 "--json")  # fmt: skip
    report = json.loads(result.output)
    assert result.exit_code == 0, report
    assert not [f for f in report["findings"] if f["severity"] == "BLOCKING"]


def test_import_export_round_trip(cli, tmp_path):
    cli("demo", "seed", "--start", "2026-08-01")
    out = tmp_path / "referrers.csv"
    assert cli("referrer", "export", "--output", str(out)).exit_code == 0
    result = cli("referrer", "import", str(out), "--json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["created"] == 0 and report["updated"] == 9


def test_bad_csv_lists_every_bad_row(cli, tmp_path):
    bad = tmp_path / "patients.csv"
    bad.write_text("ref,id_type,id_value,first_name,last_name\n"
                   "P1,FNR,12345678901,A,B\nP2,XXX,1,A,B\nP3,FNR,,A,B\n")  # fmt: skip
    result = cli("patient", "import", str(bad), "--json")
    assert result.exit_code == 1
    locations = {f["location"].split(".")[0] for f in json.loads(result.output)["findings"]}
    assert locations == {"rad 2", "rad 3", "rad 4"}
