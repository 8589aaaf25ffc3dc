"""The import commands on files a hostile world writes: Excel's Windows-1252, a given
``--encoding``, values that look like Rich markup. Rejected files exit 1 with findings, never
a traceback."""

import datetime
import json

import pytest
import typer
from typer.testing import CliRunner

from cli_helpers import js
from oppgjor.app.clinic.kinds import KINDS
from oppgjor.cli.main import app
from oppgjor.core.ids import national_id

FNR = national_id.make(datetime.date(1980, 5, 15), 123, synthetic=True)
HEADER = "ref,id_type,id_value,first_name,last_name\n"
runner = CliRunner()


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("OPPGJOR_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")

    def run(*args):
        return runner.invoke(app, list(args))

    assert run("config", "--test-installation").exit_code == 0
    return run


def refused(result):
    """The findings of a command that exited 1 (rejected) by itself, not by a traceback."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return json.loads(result.output)["findings"]


def test_every_import_command_takes_an_encoding():
    groups = typer.main.get_command(app).commands
    for kind in KINDS.values():
        if kind.importable:
            options = {p.name for p in groups[kind.name].commands["import"].params}
            assert "encoding" in options, kind.name


def test_excel_file_is_imported_and_the_encoding_is_said(cli, tmp_path):
    path = tmp_path / "pasienter.csv"
    path.write_bytes((HEADER + f"P1,FNR,{FNR},Kjærsti,Ødegård\n").encode("cp1252"))
    result = cli("patient", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Windows-1252" in result.output and "1 nye" in result.output
    assert js(cli("patient", "show", "P1", "--json"))["last_name"] == "Ødegård"


def test_given_encoding_is_used(cli, tmp_path):
    path = tmp_path / "pasienter.csv"
    path.write_bytes((HEADER + f"P1,FNR,{FNR},Kjærsti,Ødegård\n").encode("latin-1"))
    report = js(cli("patient", "import", str(path), "--encoding", "latin-1", "--json"))
    assert report["created"] == 1 and report["findings"] == []


def test_a_file_undecodable_in_the_given_encoding_is_refused(cli, tmp_path):
    path = tmp_path / "pasienter.csv"
    path.write_bytes((HEADER + f"P1,FNR,{FNR},Kjærsti,Ødegård\n").encode("cp1252"))
    findings = refused(cli("patient", "import", str(path), "-e", "utf-8", "--json"))
    assert [(f["code"], f["where"]["row"], f["where"]["field"]) for f in findings] == [
        ("IMPORT_ENCODING_INVALID", 2, "first_name")
    ]
    assert js(cli("patient", "list", "--json")) == []


def test_an_unknown_encoding_is_a_usage_error(cli, tmp_path):
    path = tmp_path / "pasienter.csv"
    path.write_text(HEADER, encoding="utf-8")
    assert cli("patient", "import", str(path), "--encoding", "klingon").exit_code == 2


def test_values_that_look_like_markup_are_printed_as_they_are(cli, tmp_path):
    path = tmp_path / "pasienter.csv"
    path.write_text(HEADER + "P1,[/x],1,A,B\nP2,[bold]FNR,1,A,B\n", encoding="utf-8")
    result = cli("patient", "import", str(path))
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "[/x]" in result.output and "[bold]FNR" in result.output


def test_the_duplicate_national_id_is_refused_masked(cli, tmp_path):
    path = tmp_path / "pasienter.csv"
    path.write_text(HEADER + f"P1,FNR,{FNR},Kari,N\nP2,FNR,{FNR},Ola,N\n", encoding="utf-8")
    result = cli("patient", "import", str(path))
    assert result.exit_code == 1
    assert national_id.mask(FNR) in result.output and FNR not in result.output
    assert js(cli("patient", "list", "--json")) == []
