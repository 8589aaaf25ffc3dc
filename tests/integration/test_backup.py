"""Backup and restore (issue 11 §7): a backup taken while another thread writes holds every
transaction committed before its copy was complete, whole; restore checks the file first and
refuses while the database is open; PostgreSQL is pointed to pg_dump."""

import datetime
import json
import os
import sqlite3
import stat
import threading

import pytest
from typer.testing import CliRunner

from oppgjor.app import backup
from oppgjor.app.errors import Conflict
from oppgjor.cli import common
from oppgjor.cli.main import app
from oppgjor.store import Database
from oppgjor.store.audit import AuditEvent

runner = CliRunner()
AT = datetime.datetime(2026, 10, 1, 12, 0)
PER_TRANSACTION = 3


def url_of(path):
    return f"sqlite:///{path}"


class Writer(threading.Thread):
    """Writes transactions of three audit events each (numbered ref "n/k") until stopped;
    *committed* is the number of transactions committed so far."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.db = Database(url)
        self.committed = 0
        self.stop = threading.Event()
        self.failure = None

    def run(self):
        try:
            while not self.stop.is_set():
                n = self.committed + 1
                with self.db.transaction() as repos:
                    for k in range(PER_TRANSACTION):
                        repos.audit.add(AuditEvent(AT, "skriver", "test", f"{n}/{k}", "write"))
                self.committed = n
        except Exception as exc:  # reported by the test
            self.failure = exc
        finally:
            self.db.dispose()

    def wait_for(self, count, seconds=60.0):
        deadline = datetime.datetime.now() + datetime.timedelta(seconds=seconds)
        while self.committed < count and datetime.datetime.now() < deadline:
            assert self.failure is None, self.failure
            self.stop.wait(0.01)
        assert self.committed >= count, "the writer did not get going"


def transactions_in(url):
    db = Database(url)
    try:
        with db.transaction() as repos:
            refs = [e.ref for e in repos.audit.find(kind="test")]
    finally:
        db.dispose()
    numbers = sorted({int(ref.split("/")[0]) for ref in refs})
    assert len(refs) == PER_TRANSACTION * len(numbers), "a transaction was copied in part"
    assert numbers == list(range(1, len(numbers) + 1)), "a committed transaction is missing"
    return len(numbers)


def test_a_backup_taken_during_writes_holds_every_committed_transaction(tmp_path):
    live = url_of(tmp_path / "live.db")
    Database(live).dispose()
    writer = Writer(live)
    writer.start()
    try:
        writer.wait_for(20)
        before = writer.committed
        at_copy: list[int] = []
        info = backup.backup(
            live, tmp_path / "kopi.db", on_copied=lambda: at_copy.append(writer.committed)
        )
        returned = writer.committed
        writer.wait_for(returned + 20)  # the writer went on after the backup
    finally:
        writer.stop.set()
        writer.join(60)
    assert writer.failure is None, writer.failure
    assert info.revision and stat.S_IMODE(os.stat(tmp_path / "kopi.db").st_mode) == 0o640

    restored = url_of(tmp_path / "gjenopprettet.db")
    backup.restore(restored, tmp_path / "kopi.db")
    copied = transactions_in(restored)
    assert copied >= at_copy[0] >= before  # all committed when the copy was complete
    assert copied <= returned
    assert transactions_in(live) >= returned + 20 > copied


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("OPPGJOR_DATABASE_URL", url_of(tmp_path / "oppgjor.db"))

    def run(*args):
        result = runner.invoke(app, list(args))
        common.close_database()  # as when the command's process ends
        return result

    assert run("department", "create", "--ref", "D1", "--name", "Fysioterapi").exit_code == 0
    return run


def department_refs(cli):
    return [d["ref"] for d in json.loads(cli("department", "list", "--json").output)]


def test_backup_and_restore_through_the_command_line(cli, tmp_path):
    copy = tmp_path / "kopi.db"
    done = cli("backup", str(copy))
    assert done.exit_code == 0 and "Sikkerhetskopi skrevet" in done.output
    again = cli("backup", str(copy))
    assert again.exit_code == common.CONFLICT and "--force" in again.output
    assert cli("backup", str(copy), "--force").exit_code == 0
    assert cli("department", "create", "--ref", "D2", "--name", "Psykologi").exit_code == 0
    assert department_refs(cli) == ["D1", "D2"]

    refused = cli("restore", str(copy))  # the database exists: everything after is lost
    assert refused.exit_code == common.CONFLICT and department_refs(cli) == ["D1", "D2"]
    assert cli("restore", str(copy), "--force").exit_code == 0
    assert department_refs(cli) == ["D1"]


def test_restore_checks_the_file_and_changes_nothing_when_it_is_not_a_backup(cli, tmp_path):
    text = tmp_path / "tekst.db"
    text.write_text("ikke en database\n" * 200, encoding="utf-8")
    stranger = tmp_path / "fremmed.db"
    with sqlite3.connect(stranger) as other:
        other.execute("CREATE TABLE t (x)")
    newer = tmp_path / "nyere.db"
    assert cli("backup", str(newer)).exit_code == 0
    with sqlite3.connect(newer) as made_later:
        made_later.execute("UPDATE alembic_version SET version_num = '9999'")
    for bad, why in ((text, "ikke en oppgjor-database"), (stranger, "ingen"),
                     (newer, "9999"), (tmp_path / "mangler.db", "Finner ikke")):  # fmt: skip
        result = cli("restore", str(bad), "--force")
        assert result.exit_code == common.USAGE, (bad, result.output)
        assert why in result.output.replace("\n", " "), (bad, result.output)
    assert department_refs(cli) == ["D1"]


def test_restore_is_refused_while_the_database_is_open(tmp_path):
    target = tmp_path / "oppgjor.db"
    db = Database(url_of(target))
    copy = tmp_path / "kopi.db"
    backup.backup(url_of(target), copy)
    open_connection = db.engine.connect()  # another program working on the database
    try:
        with pytest.raises(Conflict, match="i bruk"):
            backup.restore(url_of(target), copy, force=True)
    finally:
        open_connection.close()
        db.dispose()
    assert backup.restore(url_of(target), copy, force=True).revision


def test_postgresql_is_pointed_to_pg_dump(monkeypatch):
    monkeypatch.setenv("OPPGJOR_DATABASE_URL", "postgresql://oppgjor@127.0.0.1:1/oppgjor")
    for command in ("backup", "restore"):
        result = runner.invoke(app, [command, "kopi.dump"])
        assert result.exit_code == common.USAGE
        assert "pg_dump" in result.output and "pg_restore" in result.output
