"""Personal data never leaks through errors (issue 11 §4): a database error shows no SQL
parameter, no traceback reaches the user, and the log file it goes to is masked. On SQLite and
PostgreSQL (where the driver's messages and SQLAlchemy's tracebacks name every value)."""

import datetime
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from leak_guard import national_ids_in
from oppgjor.cli import common
from oppgjor.cli.main import app
from oppgjor.core.ids import national_id
from oppgjor.store import Database
from oppgjor.store.db import reason
from oppgjor.store.repos import Repos

FNR = national_id.make(datetime.date(1986, 5, 15), 124, synthetic=True)
KARI = ("--first-name", "Kari", "--last-name", "Nordmann")
runner = CliRunner()


@pytest.fixture
def cli(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("OPPGJOR_DATABASE_URL", database_url)
    monkeypatch.setenv("OPPGJOR_LOG_DIR", str(tmp_path / "logg"))

    def run(*args):
        return runner.invoke(app, list(args))

    assert run("config", "--test-installation").exit_code == 0
    yield run
    common.close_database()


def create(cli, ref):
    return cli("patient", "create", "--ref", ref, "--id-type", "FNR", "--id-value", FNR, *KARI)


def log_text(tmp_path):
    folder = tmp_path / "logg"
    return "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.log"))


def test_a_refused_write_names_no_value(cli, monkeypatch, tmp_path):
    """The same national id saved twice at once (the check before the write saw neither): the
    database refuses; PostgreSQL's message names the key's values on its DETAIL line."""
    assert create(cli, "P1").exit_code == 0
    monkeypatch.setattr(Repos, "patients_by_identity", lambda self, values: {})
    result = create(cli, "P2")
    assert result.exit_code == common.DATABASE, result.output
    assert "Databasefeil" in result.output and "Traceback" not in result.output
    assert national_ids_in(result.output) == set()
    assert "Kari" not in result.output


def _buggy_upsert(self, table, ref, row):
    """A repository bug: a statement with more values than places for them."""
    mark = "?" if self.conn.dialect.name == "sqlite" else "%s"
    self.conn.exec_driver_sql(
        f"INSERT INTO {table.name} (ref, id_value) VALUES ({mark}, {mark})",
        (ref, row["id_value"], row["first_name"], row["last_name"]),
    )


def test_an_unexpected_database_error_is_told_briefly_and_logged_masked(cli, monkeypatch, tmp_path):
    monkeypatch.setattr(Repos, "_upsert", _buggy_upsert)
    result = create(cli, "P1")
    assert result.exit_code == common.UNEXPECTED, (result.output, result.exception)
    assert "Uventet feil" in result.output and "Traceback" not in result.output
    log = tmp_path / "logg" / "oppgjor.log"
    assert str(log) in result.output.replace("\n", "")
    text = log_text(tmp_path)
    assert "Traceback" in text and "ProgrammingError" in text  # the details are there
    assert "patient create --ref --id-type --id-value --first-name --last-name" in text
    assert national_ids_in(text) == set() and national_ids_in(result.output) == set()
    assert "Nordmann" not in text and "Kari" not in text  # no parameter listing
    assert os.stat(log).st_mode & 0o777 == 0o600


def test_the_message_of_a_refused_write_is_its_first_line_masked():
    class Driver(Exception):
        pass

    class Wrapped(Exception):
        orig = Driver(
            'duplicate key value violates unique constraint "uq_patient_id_type_id_value"\n'
            f"DETAIL:  Key (id_type, id_value)=(FNR, {FNR}) already exists."
        )

    assert reason(Wrapped()) == (
        'duplicate key value violates unique constraint "uq_patient_id_type_id_value"'
    )
    assert reason(Driver(f"refused {FNR}")) == f"refused {national_id.mask(FNR)}"


_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER refuse_patient BEFORE INSERT ON patient "
        "BEGIN SELECT RAISE(ABORT, 'pasient avvist'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_patient() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'pasient avvist' USING DETAIL = format("
        "'Failing row contains (%s, %s, %s, %s)', NEW.ref, NEW.id_value, NEW.first_name, "
        "NEW.birth_date); END $$",
        "CREATE TRIGGER refuse_patient BEFORE INSERT ON patient "
        "FOR EACH ROW EXECUTE FUNCTION refuse_patient()",
    ],
}


def test_the_command_shows_no_traceback_when_the_database_refuses(database_url, tmp_path):
    """The real entry point in a process of its own, as a user runs it: the database refuses
    the new patient with its own error (PostgreSQL echoes the row); whatever the path (a
    refused write, exit 6, or an error oppgjor did not expect, exit 70), nothing on the screen
    or in the log holds the national id, and there is no traceback on the screen."""
    db = Database(database_url)
    with db.engine.begin() as conn:
        for statement in _TRIGGERS[db.dialect]:
            conn.exec_driver_sql(statement)
    db.dispose()
    env = {**os.environ, "OPPGJOR_DATABASE_URL": database_url}
    env["OPPGJOR_LOG_DIR"] = str(tmp_path / "logg")
    command = [sys.executable, "-c", "from oppgjor.cli.entry import main; main()"]
    subprocess.run([*command, "config", "--test-installation"], env=env, check=True)
    done = subprocess.run(
        [*command, "patient", "create", "--ref", "P1", "--id-value", FNR, *KARI],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    shown = done.stdout + done.stderr
    assert done.returncode in (common.DATABASE, common.UNEXPECTED), shown
    assert ("Traceback" not in shown and "avvist" in shown) or "Uventet feil" in shown
    assert national_ids_in(shown) == set() and "Nordmann" not in shown
    assert national_ids_in(log_text(tmp_path)) == set()
    assert "Nordmann" not in log_text(tmp_path)
