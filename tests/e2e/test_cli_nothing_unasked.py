"""Issue 12 §3: nothing the user did not ask for. The demo never lands in a database with
data; a deleted settlement's id (and its history) is never handed to a new one. On SQLite and
PostgreSQL."""

import pytest
from typer.testing import CliRunner

from cli_helpers import js
from oppgjor.cli.common import close_database
from oppgjor.cli.main import app

runner = CliRunner()


@pytest.fixture
def cli(database_url, monkeypatch):
    monkeypatch.setenv("OPPGJOR_DATABASE_URL", database_url)
    monkeypatch.setenv("OPPGJOR_USER", "kari")

    def run(*args):
        return runner.invoke(app, list(args))

    yield run
    close_database()


def test_demo_seed_if_empty_seeds_once_and_then_leaves_the_test_installation(cli):
    first = cli("demo", "seed", "--if-empty", "--start", "2026-08-01")
    assert first.exit_code == 0 and "Demoklinikk laget" in first.output
    before = js(cli("overview", "--json"))
    again = cli("demo", "seed", "--if-empty")  # a second `make run`
    assert again.exit_code == 0 and "allerede data" in again.output
    without_flag = cli("demo", "seed")
    assert without_flag.exit_code == 5 and "ingenting ble endret" in without_flag.output
    assert js(cli("overview", "--json")) == before


def test_demo_seed_refuses_a_database_with_a_real_practice(cli):
    made = cli("practice", "set", "--name", "Klinikk AS", "--org-nr", "889640782",
               "--account-number", "8601.11.17947")  # fmt: skip
    assert made.exit_code == 0, made.output
    for flags in ((), ("--if-empty",)):
        refused = cli("demo", "seed", *flags)
        assert refused.exit_code == 5, refused.output
        assert "ikke en testinstallasjon" in refused.output
        assert "ingenting ble endret" in refused.output
    overview = js(cli("overview", "--json"))
    assert overview["practice"]["name"] == "Klinikk AS"
    assert overview["practice"]["org_nr"] == "889640782"
    assert not any(overview["counts"].values())
    assert "merket som produksjon" in cli("config").output


def test_a_deleted_settlements_id_and_history_go_to_no_new_settlement(cli):
    one = js(cli("settlement", "new", "--type", "bkm", "--json"))["id"]
    two = js(cli("settlement", "new", "--type", "bkm", "--json"))["id"]
    js(cli("settlement", "date", str(two), "2026-10-01", "--json"))
    assert cli("settlement", "delete", str(two)).exit_code == 0
    three = js(cli("settlement", "new", "--type", "bkm", "--json"))["id"]
    assert (one, two, three) == (1, 2, 3)
    events = js(cli("settlement", "show", "3", "--json"))["events"]
    assert [e["action"] for e in events] == ["create"]
    assert cli("settlement", "show", "2").exit_code == 3
