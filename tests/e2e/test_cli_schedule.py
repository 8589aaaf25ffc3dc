"""Working hours, exceptions and bookable services through the CLI, on SQLite and
PostgreSQL (the demo clinic): add, list, update, delete; bad input exits with a message and
writes nothing; every change names the user in the audit trail."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli_helpers import js
from oppgjor.cli.main import app
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


def _practitioners(cli):
    return [p["ref"] for p in js(cli("practitioner", "list", "--json"))][:2]


def test_hours_are_added_listed_and_deleted(cli, database_url):
    first, _ = _practitioners(cli)
    made = js(cli("schedule", "hours", "add", first, "--weekday", "1", "--from", "08:00",
                  "--to", "15:30", "--valid-from", "2026-01-01", "--json"))  # fmt: skip
    assert (made["weekday"], made["start"], made["end"]) == (0, "08:00:00", "15:30:00")
    text = cli("schedule", "hours", "list")
    assert text.exit_code == 0 and "mandag" in text.output and "08:00–15:30" in text.output
    bad = cli("schedule", "hours", "add", first, "--weekday", "2", "--from", "16:00", "--to",
              "08:00", "--valid-from", "2026-01-01")  # fmt: skip
    assert bad.exit_code == 1 and "SCHEDULE_TIMES" in bad.output
    assert cli("schedule", "hours", "add", first, "--weekday", "2", "--from", "kl 8", "--to",
               "09:00", "--valid-from", "2026-01-01").exit_code == 2  # fmt: skip
    assert [h["id"] for h in js(cli("schedule", "hours", "list", "--json"))] == [made["id"]]
    assert cli("schedule", "hours", "delete", str(made["id"])).exit_code == 0
    assert js(cli("schedule", "hours", "list", "--json")) == []
    assert cli("schedule", "hours", "delete", str(made["id"])).exit_code == 3
    db = Database(database_url)
    with db.reading() as repos:
        events = repos.audit.find(kind="working_hours")
    db.dispose()
    assert [(e.actor, e.action) for e in events] == [("kari", "created"), ("kari", "deleted")]


def test_exceptions_close_a_day_or_give_other_hours(cli):
    first, _ = _practitioners(cli)
    closed = cli("schedule", "exception", "add", first, "2026-03-04", "--note", "Kurs")
    assert closed.exit_code == 0 and "stengt" in closed.output
    other = js(cli("schedule", "exception", "add", first, "2026-03-05", "--from", "10:00",
                   "--to", "12:00", "--json"))  # fmt: skip
    listed = js(cli("schedule", "exception", "list", "--practitioner", first, "--json"))
    assert [(x["day"], x["start"]) for x in listed] == [("2026-03-04", None),
                                                        ("2026-03-05", "10:00:00")]  # fmt: skip
    assert cli("schedule", "exception", "delete", str(other["id"])).exit_code == 0
    assert len(js(cli("schedule", "exception", "list", "--json"))) == 1


def test_services_are_added_updated_and_listed(cli):
    first, second = _practitioners(cli)
    assert cli("booking-client", "create", "IF", "--name", "If Skadeforsikring").exit_code == 0
    made = js(cli("schedule", "service", "add", "FYS30", "--name", "Fysioterapi", "--minutes",
                  "30", "--price", "850", "--practitioner", first, "--client", "IF",
                  "--json"))  # fmt: skip
    assert (made["price"], made["practitioner_refs"], made["client_refs"]) == (
        "850.00", [first], ["IF"])  # fmt: skip
    changed = js(cli("schedule", "service", "update", "FYS30", "--practitioner", first,
                     "--practitioner", second, "--inactive", "--json"))  # fmt: skip
    assert changed["practitioner_refs"] == sorted([first, second]) and changed["active"] is False
    assert changed["version"] == 2
    table = cli("schedule", "service", "list")
    assert table.exit_code == 0 and "FYS30" in table.output and "850.00 kr" in table.output
    unknown = cli("schedule", "service", "add", "X", "--name", "X", "--minutes", "30",
                  "--client", "NOPE")  # fmt: skip
    assert unknown.exit_code == 1 and "NOPE" in unknown.output
    assert cli("schedule", "service", "add", "FYS30", "--name", "Y", "--minutes",
               "30").exit_code == 5  # fmt: skip
    assert [s["ref"] for s in js(cli("schedule", "service", "list", "--json"))] == ["FYS30"]
    assert js(cli("schedule", "bookings", "--json")) == []
