"""Ctrl-C on the command line: a short message and exit code 130, never a traceback."""

import sys
import types

import pytest

from oppgjor.cli import entry


def fake_commands(monkeypatch: pytest.MonkeyPatch, app) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "oppgjor.cli.main", types.SimpleNamespace(app=app))


def interrupt() -> None:
    raise KeyboardInterrupt


def typer_interrupted() -> None:
    raise SystemExit(130)


@pytest.mark.parametrize("app", [interrupt, typer_interrupted], ids=["starting", "running"])
def test_an_interrupt_ends_with_a_message_and_130(monkeypatch, capsys, app):
    fake_commands(monkeypatch, app)
    with pytest.raises(SystemExit) as done:
        entry.main()
    assert done.value.code == 130
    assert "Avbrutt" in capsys.readouterr().err


def test_other_exit_codes_pass_through_unchanged(monkeypatch, capsys):
    def rejected() -> None:
        raise SystemExit(5)

    fake_commands(monkeypatch, rejected)
    with pytest.raises(SystemExit) as done:
        entry.main()
    assert done.value.code == 5
    assert capsys.readouterr().err == ""
