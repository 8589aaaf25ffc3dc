"""The crash-safe sending's other promises: temporary files a killed write left are removed
(they may hold national ids), files are not world-readable, a settlement being sent by one
process is refused to another, and a settlement on its way cannot be unlocked."""

from __future__ import annotations

import datetime
import os
import stat
import uuid

import pytest

from oppgjor.app import installation, outgoing
from oppgjor.app.errors import Conflict
from oppgjor.app.helfo import delivery, exchange, inbox
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.adapters.messages import apprec, xml
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


def test_a_receipt_for_a_message_the_killed_run_did_not_record_is_applied(run, monkeypatch):
    copy, db, sid = run
    record = delivery._record

    def killed(*args, **kwargs):  # the file is in the outbox; the process dies
        raise SystemExit(137)

    monkeypatch.setattr(delivery, "_record", killed)
    with pytest.raises(SystemExit):
        exchange.create_file(db, sid, secret=PASSWORD, actor="kari", now=NOW)
    monkeypatch.setattr(delivery, "_record", record)
    ((msg_id, _),) = outbox_messages(copy.folder).items()
    assert st.load_settlement(db, sid).state is SettlementState.SUBMITTED
    receipt = apprec.AppRec(str(uuid.uuid4()), NOW, "1", (), msg_id)  # Helfo answers at once
    (copy.folder / "inbox").mkdir(exist_ok=True)
    (copy.folder / "inbox" / "svar.xml").write_bytes(xml.serialise(apprec.build(receipt)))
    report = inbox.read_inbox(db, actor="kari", now=NOW)
    assert report.quarantined == [] and [a[1] for a in report.applied] == [sid]
    s = st.load_settlement(db, sid)
    assert s.state is SettlementState.RECEIPTED and s.transport_ref == msg_id
    assert list(outbox_messages(copy.folder)) == [msg_id]  # recorded, not written again


def test_a_staged_file_no_unfinished_intent_owns_is_removed_not_sent(run):
    copy, db, sid = run
    staging = delivery.outbox_staging(copy.folder / "outbox")
    staging.mkdir(parents=True)
    orphan = outgoing.staged_path(staging, sid, "0123abcd")  # a run that lost a race left it
    orphan.write_bytes(b"<MsgHead>")
    sent = exchange.create_file(db, sid, secret=PASSWORD, actor="kari", now=NOW)
    assert not orphan.exists() and list(outbox_messages(copy.folder)) == [sent.msg_id]
