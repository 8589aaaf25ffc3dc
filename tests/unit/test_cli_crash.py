"""An unexpected error: one Norwegian sentence, exit code 70, and a masked log file in a
known place (issue 11 §4). Ctrl-C keeps its own message and code (tests/unit/test_cli_entry)."""

import datetime
import os
import sys
import types
from pathlib import Path

import pytest

from leak_guard import national_ids_in
from oppgjor.cli import crash, entry
from oppgjor.core.ids import national_id

FNR = national_id.make(datetime.date(1975, 3, 2), 301, synthetic=True)


def test_the_log_goes_where_configured_else_beside_the_database(monkeypatch, tmp_path):
    monkeypatch.setenv("OPPGJOR_LOG_DIR", str(tmp_path / "logg"))
    assert crash.log_dir("sqlite:////srv/oppgjor/oppgjor.db") == tmp_path / "logg"
    monkeypatch.delenv("OPPGJOR_LOG_DIR")
    monkeypatch.delenv("OPPGJOR_DATABASE_URL", raising=False)
    assert crash.log_dir("sqlite:////srv/oppgjor/oppgjor.db") == Path("/srv/oppgjor")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert crash.log_dir("postgresql://db/oppgjor") == tmp_path / "state" / "oppgjor"
    assert crash.log_dir(None) == tmp_path / "data" / "oppgjor"  # beside the default database


def test_the_command_is_logged_without_its_values():
    group = types.SimpleNamespace(commands={"create": object()})
    commands = {"patient": group}
    args = ["patient", "create", "--ref", "P1", f"--id-value={FNR}", "--first-name", "Kari"]
    assert crash.command_of(args, commands) == "patient create --ref --id-value --first-name"


def _fails_while_loading():
    raise RuntimeError(f"kunne ikke lese pasient {FNR} (Kari Nordmann)")


def test_an_error_while_the_commands_load_is_reported_not_shown(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("OPPGJOR_LOG_DIR", str(tmp_path))
    monkeypatch.setitem(
        sys.modules, "oppgjor.cli.main", types.SimpleNamespace(app=_fails_while_loading)
    )
    with pytest.raises(SystemExit) as done:
        entry.main()
    assert done.value.code == crash.UNEXPECTED == 70
    err = capsys.readouterr().err
    assert err.startswith("Uventet feil (RuntimeError)") and "Traceback" not in err
    assert str(tmp_path / crash.LOG_NAME) in err
    log = (tmp_path / crash.LOG_NAME).read_text(encoding="utf-8")
    assert "_fails_while_loading" in log and national_id.mask(FNR) in log
    assert national_ids_in(log) == set()
    assert os.stat(tmp_path / crash.LOG_NAME).st_mode & 0o777 == crash.LOG_MODE


def test_a_log_that_cannot_be_written_is_said_so(monkeypatch, capsys, tmp_path):
    blocked = tmp_path / "fil"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("OPPGJOR_LOG_DIR", str(blocked / "logg"))  # under a file: no folder
    assert crash.report(ValueError(FNR), "overview") == crash.UNEXPECTED
    err = capsys.readouterr().err
    assert "loggfilen kunne ikke skrives" in err and national_ids_in(err) == set()
