"""The crash-safe sending's other promises: temporary files a killed write left are removed
(they may hold national ids), files are not world-readable, a settlement being sent by one
process is refused to another, and a settlement on its way cannot be unlocked."""

from __future__ import annotations

import datetime
import os
import stat

import pytest

from oppgjor.app import installation, outgoing
from oppgjor.app.errors import Conflict
from oppgjor.app.helfo import delivery, exchange
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain.model import SettlementState
from oppgjor.store import Database
from tests.crash.world import PASSWORD, leftovers, outbox_messages

NOW = datetime.datetime.now()


@pytest.fixture
def run(world, tmp_path):
    copy = world.copy(tmp_path / "w")
    db = Database(f"sqlite:///{copy.db}")
    yield copy, db, int(copy.settlement)
    db.dispose()


def test_temporary_files_a_killed_write_left_are_removed_on_the_next_run(run):
    copy, db, sid = run
    outbox = copy.folder / "outbox"
    staging = delivery.outbox_staging(outbox)
    staging.mkdir(parents=True)
    old = outbox / f".bkm-20261201T101500-oppgjor{sid}-0a1b.xml.tmp"  # before ADR 0012
    half = staging / f".oppgjor{sid}-4f2e{outgoing.TEMPORARY}"
    other = staging / f".oppgjor{sid + 1000}-77aa{outgoing.TEMPORARY}"
    for path in (old, half, other):
        path.write_bytes(b"<MsgHead>12345678901")
    with outgoing.holding(staging, f"settlement-{sid + 1000}", "opptatt"):  # being written
        exchange.create_file(db, sid, secret=PASSWORD, actor="kari", now=NOW)
    assert not old.exists() and not half.exists()
    assert other.exists()  # its writer is alive (holds the lock): not ours to remove
    exchange.create_file(db, sid, secret=PASSWORD, actor="kari", now=NOW, resend=True)
    assert not other.exists()  # its writer is gone
    assert leftovers(copy.db.parent) == []


def test_message_files_are_never_world_readable(run):
    copy, db, sid = run
    installation.set_file_mode(db, "0600")
    result = exchange.create_file(db, sid, secret=PASSWORD, actor="kari", now=NOW)
    (name,) = next(iter(outbox_messages(copy.folder).values()))
    path = copy.folder / "outbox" / name
    assert result.path == str(path) and stat.S_IMODE(path.stat().st_mode) == 0o600
    installation.set_file_mode(db, "0640")
    again = exchange.create_file(db, sid, secret=PASSWORD, actor="kari", now=NOW, resend=True)
    assert stat.S_IMODE(os.stat(again.path).st_mode) == 0o640
    with pytest.raises(Exception, match="Filmodus"):
        installation.set_file_mode(db, "0644")


def test_a_settlement_being_sent_elsewhere_is_refused_not_sent_twice(run):
    copy, db, sid = run
    locks = exchange.locks(exchange.get_settings(db))
    with (
        outgoing.holding(locks, f"settlement-{sid}", "opptatt"),  # another process sends it
        pytest.raises(Conflict, match="sendes nå av noen andre") as refused,
    ):
        exchange.create_file(db, sid, secret=PASSWORD, actor="ola", now=NOW)
    assert refused.value.exit_code == 5
    assert outbox_messages(copy.folder) == {}
    assert st.load_settlement(db, sid).state is SettlementState.SUBMITTED


def test_a_portal_file_never_overwrites_and_leaves_nothing_on_its_way(run, tmp_path):
    _, db, sid = run
    target = tmp_path / "til-portalen.xml"
    target.write_text("brukerens egen fil")
    with pytest.raises(FileExistsError):
        exchange.portal_file(db, sid, target, secret=PASSWORD, actor="kari", now=NOW)
    assert target.read_text() == "brukerens egen fil"
    with db.transaction() as repos:
        assert not repos.helfo.messages.sending(sid)
    fresh = tmp_path / "ny.xml"
    sent = exchange.portal_file(db, sid, fresh, secret=PASSWORD, actor="kari", now=NOW)
    assert sent.path == str(fresh) and fresh.read_bytes().startswith(b"<?xml")
    assert not (tmp_path / ".oppgjor-staging").exists()  # staging is tidied away
    assert st.load_settlement(db, sid).state is SettlementState.SENT
