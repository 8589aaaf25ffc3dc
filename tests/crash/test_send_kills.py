"""kill -9 at every durable step of ``helfo send`` (each file write, sync, rename, link and
removal, each database commit; just before and just after), then the next run: at most one
file per MsgId and one MsgId per sending, and the settlement's state and the outbox agree.

Before ADR 0012 the signed file reached the outbox before the commit, and a kill between
them made the next run write a second message with the same claims."""

from __future__ import annotations

import datetime
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress

import pytest

from oppgjor.app.errors import Conflict
from oppgjor.app.helfo import exchange
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain.model import SettlementState
from oppgjor.store import Database
from tests.crash.world import PASSWORD, World, leftovers, outbox_messages

NOW = datetime.datetime.now()  # the certificate is made valid from now


@pytest.fixture(scope="module")
def steps(world, tmp_path_factory) -> int:
    """How many durable steps an uninterrupted send takes."""
    run = world.copy(tmp_path_factory.mktemp("count") / "w")
    done = run.killed(0, "after", "helfo", "send", run.settlement)
    assert done.returncode == 0, done.stderr
    assert len(outbox_messages(run.folder)) == 1
    return int((run.db.parent / "steps.txt").read_text())


def recover(run: World) -> tuple[SettlementState, str | None, list[str]]:
    """The next user's run: ``helfo send`` again, in this process; then what is recorded."""
    db = Database(f"sqlite:///{run.db}")
    try:
        assert exchange.get_settings(db)["folder"] == str(run.folder)
        sid = int(run.settlement)
        with suppress(Conflict):  # Conflict: the killed run had recorded it as sent
            exchange.create_file(db, sid, secret=PASSWORD, actor="neste", now=NOW)
        with pytest.raises(Conflict):  # and never again without --resend
            exchange.create_file(db, sid, secret=PASSWORD, actor="neste", now=NOW)
        s = st.load_settlement(db, sid)
        with db.transaction() as repos:
            sent = [m[0] for m in repos.helfo.messages.sent(sid)]
            assert not repos.helfo.messages.sending(sid)
        return s.state, s.transport_ref, sent
    finally:
        db.dispose()


def check_kill(run: World, k: int, when: str, killed) -> None:
    """After the kill at (*k*, *when*): the outbox, then the next run, then the records."""
    assert killed.returncode in (-9, 0), killed.stderr
    assert "Traceback" not in killed.stderr
    before = outbox_messages(run.folder)
    assert len(before) <= 1 and all(len(files) == 1 for files in before.values())
    state, ref, sent = recover(run)
    after = outbox_messages(run.folder)
    assert len(after) == 1, f"kill {when} step {k}: {after}"
    ((msg_id, files),) = after.items()
    assert len(files) == 1
    assert not before or set(before) == {msg_id}  # a file that left is never written again
    assert state is SettlementState.SENT and ref == msg_id and sent == [msg_id]
    assert leftovers(run.db.parent) == []


def points(steps: int) -> list[tuple[int, str]]:
    """Every boundary between two steps is "after k" (= "before k+1"); the tests take every
    fifth one, the soak (``OPPGJOR_SOAK=1``) every step both before and after."""
    if os.environ.get("OPPGJOR_SOAK"):
        return [(k, when) for k in range(1, steps + 1) for when in ("before", "after")]
    every_fifth = [(k, "after") for k in range(1, steps + 1, 5)]
    return list(dict.fromkeys([(1, "before"), *every_fifth, (steps, "after")]))


def test_a_kill_at_any_step_of_sending_never_sends_twice(world, steps, tmp_path):
    assert steps >= 6  # the commits and the file steps are all counted
    runs = {(k, when): world.copy(tmp_path / f"{when}-{k}") for k, when in points(steps)}
    with ThreadPoolExecutor(max_workers=2) as pool:  # two killed processes at a time
        killed = dict(
            zip(
                runs,
                pool.map(
                    lambda item: item[1].killed(*item[0], "helfo", "send", item[1].settlement),
                    runs.items(),
                ),
                strict=True,
            )
        )
    for (k, when), run in runs.items():  # the next runs, one at a time, in this process
        check_kill(run, k, when, killed[(k, when)])
