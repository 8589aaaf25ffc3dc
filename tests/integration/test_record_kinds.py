"""The registry of record kinds: every kind is wired through the CLI, the store and the file
formats. A kind added to the registry without a sample row here fails the round-trip test on
purpose: add one line below."""

import datetime
import json

import pytest
import typer
from typer.testing import CliRunner

from oppgjor.app import installation
from oppgjor.app.clinic import actions as clinic_actions
from oppgjor.app.clinic import records
from oppgjor.app.clinic.kinds import KINDS
from oppgjor.cli.main import OWN_COMMANDS, app
from oppgjor.core.ids import national_id
from oppgjor.store import Database

FNR = national_id.make(datetime.date(1980, 5, 15), 123, synthetic=True)

# one record per importable kind, in the registry's order (later ones refer to earlier ones),
# written as the export writes it, so that import -> export gives the same text back
SAMPLES = {
    "departments": "D1,Dagrehabilitering,,,,ja,post@example.no",
    "practitioners": "B1,Fysio Test,FY,9144889,planner settlement,D1,ja",
    "patients": f"P1,FNR,{FNR},Kari,Nordmann,1980-05-15,2,",
    "referrers": "K1,Fjellby legesenter,organisation,,,,Fastlege",
    "tariffs": "A2a,FY,Individuell behandling,420.00,230.00,190.00,2025-01-01,,,DEMO",
    "series": "S1,P1,D1,B1,Behandlingsserie,2026-01-02,,2025-12-20,K1,Henvisning,ICPC2,L03,3,,,"
    "nei,,,,0",
    "appointments": "A1,B1,P1,2026-01-05 08:00,2026-01-05 08:45,A2a,0,S1,attended",
}


def _csv(kind):
    return ",".join(KINDS[kind].rows.columns) + "\n" + SAMPLES[kind] + "\n"


def _key(kind):
    return SAMPLES[kind].split(",")[0] if kind != "tariffs" else "A2a/FY/2025-01-01"


def test_every_importable_kind_has_a_sample():
    assert list(SAMPLES) == [k.key for k in KINDS.values() if k.importable]


def test_every_kind_is_described_whole():
    for kind in KINDS.values():
        assert kind.name and kind.key and kind.noun and kind.title and kind.help, kind
        assert KINDS[kind.key] is kind
        if kind.rows is not None:
            assert set(kind.list_columns) <= set(kind.rows.columns), kind.key
            assert all(kind.rows.columns.values()), f"{kind.key}: a column without help"


def test_every_kind_has_its_cli_group():
    groups = typer.main.get_command(app).commands
    for kind in KINDS.values():
        assert kind.name in groups, kind.name
        commands = groups[kind.name].commands
        if kind.rows is None:
            assert commands, kind.name
            continue
        assert {"list", "show", "import", "export", kind.create_verb} <= set(commands)
        options = {p.name for p in commands[kind.create_verb].params}
        assert set(kind.rows.columns) <= options, kind.name
        assert "update" not in options  # create only creates
        # the generic update, or the kind's own (an appointment's update checks the planner);
        # tariffs have none: a new period is added, history is not rewritten
        assert ("update" in commands) == (kind.updatable or kind.name in OWN_COMMANDS)
        assert ("template" in options) == kind.templated


def test_every_kind_is_counted(db):
    counts = clinic_actions.counts(db)
    assert counts == {kind.title: 0 for kind in KINDS.values()}


def test_import_export_round_trip_per_kind(db, tmp_path):
    installation.set_test_installation(db, True)
    for kind in SAMPLES:
        assert records.import_text(db, kind, _csv(kind)).created == 1, kind
        assert records.export_text(db, kind, mask=False) == _csv(kind), kind
        shown = KINDS[kind].rows.row_of(records.get_record(db, kind, _key(kind)))
        assert ",".join(shown.values()) == SAMPLES[kind]
    assert set(clinic_actions.counts(db).values()) <= {0, 1}

    again = Database(f"sqlite:///{tmp_path / 'again.db'}")
    installation.set_test_installation(again, True)
    for kind in SAMPLES:
        exported = records.export_text(db, kind, "json", mask=False)
        report = records.import_text(again, kind, exported, "json")
        assert report.created == 1, kind
        assert records.export_text(again, kind, mask=False) == _csv(kind), kind
    again.dispose()


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("OPPGJOR_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, (args, result.output)
        return result.output

    run("config", "--test-installation")
    return run


def test_cli_import_show_list_export_per_kind(cli, tmp_path):
    for kind in SAMPLES:
        name = KINDS[kind].name
        path = tmp_path / f"{kind}.csv"
        path.write_text(_csv(kind), encoding="utf-8")
        assert "1 nye" in cli(name, "import", str(path))
        exported = tmp_path / f"{kind}.export.csv"  # a file has the national ids in full
        cli(name, "export", "--output", str(exported))
        assert exported.read_text(encoding="utf-8") == _csv(kind)
        assert cli(name, "export") == _csv(kind).replace(FNR, national_id.mask(FNR))
        shown = json.loads(cli(name, "show", _key(kind), "--json"))
        assert shown["id_value" if kind == "patients" else "ref" if kind != "tariffs" else "code"]
        listed = json.loads(cli(name, "list", "--json"))  # appointments: a page of a list
        assert len(listed["appointments"] if kind == "appointments" else listed) == 1


def test_cli_create_an_appointment_with_its_own_ref(cli, tmp_path):
    for kind in ("practitioners", "patients", "tariffs"):
        path = tmp_path / f"{kind}.csv"
        path.write_text(_csv(kind).replace(",D1,", ",,"), encoding="utf-8")
        cli(KINDS[kind].name, "import", str(path))
    cli("appointment", "create", "--ref", "A7", "--practitioner-ref", "B1",
        "--patient-ref", "P1", "--start", "2026-01-05 08:00", "--end", "2026-01-05 08:45",
        "--lines", "A2a")  # fmt: skip
    assert json.loads(cli("appointment", "show", "A7", "--json"))["lines"] == "A2a"
