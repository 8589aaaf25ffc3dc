"""``oppgjor user``, ``token``, ``booking-client`` and ``serve``: users and their roles, tokens
shown once and kept only as hashes, and the server answering on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from oppgjor.cli.main import app

runner = CliRunner()
PASSWORD = "et-langt-passord-1"


@pytest.fixture
def cli(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPPGJOR_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("OPPGJOR_USER", "kari")

    def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), input=stdin)

    return run


def test_a_user_is_created_with_a_role_and_a_password_read_hidden(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("user", "create", "ola", "--role", "oppgjørskontor", "--password-stdin",
            stdin=PASSWORD + "\n")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "oppgjørskontor" in r.output and PASSWORD not in r.output
    listed = json.loads(cli("user", "list", "--json").output)
    assert listed == [{"username": "ola", "name": "ola", "role": "settlement-office",
                       "practitioner_ref": None, "active": True}]  # fmt: skip
    assert cli("user", "update", "ola", "--role", "read-only").exit_code == 0
    history = cli("history", "user", "ola")
    assert history.exit_code == 0, history.output
    assert "kari" in history.output and "opprettet" in history.output
    assert "oppgjørskontor" in history.output or "settlement-office" in history.output


def test_a_weak_password_or_unknown_role_is_refused_and_nothing_saved(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("user", "create", "ola", "--role", "read-only", "--password-stdin", stdin="kort\n")
    assert r.exit_code == 2 and "minst 10 tegn" in r.output
    r = cli("user", "create", "ola", "--role", "konge", "--password-stdin", stdin=PASSWORD + "\n")
    assert r.exit_code == 2 and "Ukjent rolle" in r.output
    assert json.loads(cli("user", "list", "--json").output) == []


def test_a_practitioner_user_must_name_an_existing_practitioner(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("user", "create", "b1", "--role", "practitioner", "--password-stdin",
            stdin=PASSWORD + "\n")  # fmt: skip
    assert r.exit_code == 2 and "knyttes til en behandler" in r.output
    r = cli("user", "create", "b1", "--role", "practitioner", "--practitioner", "NOPE",
            "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert r.exit_code == 3 and "NOPE" in r.output


def test_a_token_is_shown_once_and_listed_without_its_value(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("user", "create", "ola", "--role", "read-only", "--password-stdin",
               stdin=PASSWORD + "\n").exit_code == 0  # fmt: skip
    made = json.loads(cli("token", "create", "rapporter", "--for", "ola", "--json").output)
    assert made["token"].startswith("opg_")
    listed = cli("token", "list", "--json")
    assert made["token"] not in listed.output
    assert json.loads(listed.output)[0]["scopes"] == ["read"]
    assert cli("token", "revoke", str(made["id"])).exit_code == 0
    assert json.loads(cli("token", "list", "--json").output)[0]["revoked_at"] is not None


def test_a_user_token_cannot_hold_the_booking_scope_nor_a_client_token_more(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("user", "create", "ola", "--role", "administrator", "--password-stdin",
               stdin=PASSWORD + "\n").exit_code == 0  # fmt: skip
    r = cli("token", "create", "x", "--for", "ola", "--scope", "booking")
    assert r.exit_code == 2 and "bookingklienter" in r.output
    assert cli("booking-client", "create", "IF", "--name", "If").exit_code == 0
    r = cli("token", "create", "x", "--client", "IF", "--scope", "admin")
    assert r.exit_code == 2
    r = cli("token", "create", "x", "--client", "IF", "--scope", "sludder")
    assert r.exit_code == 2 and "Ukjent omfang" in r.output
    assert json.loads(cli("token", "list", "--json").output) == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_on_loopback_until_stopped(tmp_path: Path) -> None:
    env = {**os.environ, "OPPGJOR_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    port = _free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "oppgjor"), "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        doc = None
        for _ in range(100):
            try:
                doc = httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1).json()
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert doc is not None and doc["info"]["title"] == "oppgjor API"
        r = httpx.get(f"http://127.0.0.1:{port}/api/v1/me", timeout=2)
        assert r.status_code == 401
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/api/v1" in output


def test_serve_on_a_port_in_use_says_so_and_stops(cli) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        r = cli("serve", "--port", str(busy.getsockname()[1]))
    assert r.exit_code == 2
    assert "kan ikke lytte" in r.output and "oppgjor lytter" not in r.output
