"""The same action from several processes at once (issue 11 §6, §8): exactly one wins, every
other exits 5 saying the settlement (or claim) was changed by someone else, and nothing is
done twice.

Each race forks its contenders (each opens the database itself), lines them up at a barrier
and lets them go together. So that they truly overlap, the harness holds the row (PostgreSQL)
or the write lock (SQLite) the action needs while they start: every contender reads the state
before any of them can write, as two users who looked at the same screen."""

from __future__ import annotations

import datetime
import multiprocessing as mp
import sqlite3
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import create_engine, text

from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import booking, claims, inbox
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain.model import ClaimKind
from oppgjor.helfo.domain.transport import ManualTransport
from oppgjor.store import Database, StoreError
from soak.figures import DUPLICATES, TRACEBACKS, WRONG_EXIT, Trial
from soak.world import NOW, WHO, Settlements, World

CHANGED = "endret av noen andre"
HOLD_SECONDS = 0.4
LATER = NOW + datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class Race:
    """An action raced: *prepare* makes a target (settlement id or claim number) ready, *act*
    is what each contender does, *table* the row the harness holds, *done* counts how often
    the action took effect (1 expected)."""

    name: str
    prepare: Callable[[Settlements], int]
    act: Callable[[Database, int], object]
    table: str = "settlement"
    done: Callable[[Database, int], int] | None = None
    exactly_one: bool = True


def _events(action: str) -> Callable[[Database, int], int]:
    def count(db: Database, sid: int) -> int:
        with db.transaction() as repos:
            return sum(1 for e in repos.helfo.settlements.events(sid) if e.action == action)

    return count


def _credits(db: Database, number: int) -> int:
    with db.transaction() as repos:
        return len(repos.helfo.claims.find(numbers=[number], kind=ClaimKind.CREDIT))


def _accepted_claim(s: Settlements) -> int:
    sid = s.receipted(claims=2, rejected=0)
    return st.claims_in(s.db, sid)[0].number


def _copayment_claim(s: Settlements) -> int:
    """A waiting claim with an unpaid co-payment (taken from the pool for good)."""
    waiting = st.waiting(s.db, s.type, now=NOW)
    found = [c for c in waiting if c.content.copayment > 0 and not c.copayment_paid]
    found = [c for c in found if c.number in s.pool]
    s.pool = [n for n in s.pool if n != found[0].number]
    return found[0].number


RECEIPTS = 10  # enough that the readers' passes over the inbox overlap


def _inbox_ready(s: Settlements) -> int:
    """Sent settlements (the first one's id returned) with a receipt each in the inbox."""
    sids = [s.sent(claims=2) for _ in range(RECEIPTS)]
    for sid in sids:
        inbox.simulate_receipt(s.db, sid, {}, now=NOW)
    _INBOX_ROUNDS[sids[0]] = sids
    return sids[0]


_INBOX_ROUNDS: dict[int, list[int]] = {}


def _receipts_applied(db: Database, first: int) -> int:
    """How often the receipts of this round were applied, at most (1: each once)."""
    with db.transaction() as repos:
        return max(
            sum(1 for e in repos.helfo.settlements.events(sid) if e.action == "receipt")
            for sid in _INBOX_ROUNDS[first]
        )


A: dict[str, Any] = {"actor": WHO, "now": LATER}


def _send(db: Database, sid: int) -> object:
    return st.send(db, sid, ManualTransport(f"RACE-{sid}"), **A)


def _pay(db: Database, sid: int) -> object:
    return st.pay(db, sid, Decimal("100.00"), NOW.date(), **A)


def _credit(db: Database, number: int) -> object:
    return claims.credit(db, number, LATER)


def _copayment(db: Database, number: int) -> object:
    return claims.copayment_paid(db, number, NOW.date(), LATER)


def _remove_all(db: Database, sid: int) -> object:
    return st.mark(db, sid, st.Selection(remove_all=True), **A)


RACES = [
    Race(
        "submit",
        Settlements.controlled,
        lambda db, i: st.submit(db, i, **A),
        done=_events("submit"),
    ),
    Race("send", Settlements.submitted, _send, done=_events("send")),
    Race(
        "receipt",
        Settlements.sent,
        lambda db, i: st.receipt(db, i, {}, **A),
        done=_events("receipt"),
    ),
    Race(
        "correct",
        Settlements.receipted,
        lambda db, i: st.correct_rejected(db, i, **A),
        done=_events("correct"),
    ),
    Race("pay", lambda s: s.receipted(rejected=0), _pay, done=_events("pay")),
    Race("book", Settlements.paid, lambda db, i: booking.book(db, i, **A), done=_events("book")),
    Race(
        "unlock", Settlements.submitted, lambda db, i: st.unlock(db, i, **A), done=_events("unlock")
    ),
    Race("delete", Settlements.draft, lambda db, i: st.delete(db, i, **A)),
    Race("mark", Settlements.draft, _remove_all, exactly_one=False),
    Race("control", Settlements.draft, lambda db, i: st.control(db, i, **A), exactly_one=False),
    Race("credit", _accepted_claim, _credit, table="claim", done=_credits),
    Race("copayment", _copayment_claim, _copayment, table="claim"),
    Race(
        "inbox",
        _inbox_ready,
        lambda db, _: inbox.read_inbox(db, **A),
        table="received_message",
        done=_receipts_applied,
        exactly_one=False,
    ),
]
BY_NAME = {r.name: r for r in RACES}


def _contender(world: World, race: str, target: int, barrier: Any, results: Any) -> None:
    db = world.open()
    try:
        barrier.wait(timeout=60)
        BY_NAME[race].act(db, target)
        results.put(("win", 0, ""))
    except (UseCaseError, StoreError) as exc:
        code = getattr(exc, "exit_code", 6)
        results.put(("lost", code, str(exc)))
    except Exception:
        results.put(("traceback", -1, traceback.format_exc()))
    finally:
        db.dispose()


class _Holder:
    """Holds what the contenders need while they start: SQLite's write lock, or the row."""

    def __init__(self, world: World, table: str, key: int, db: Database) -> None:
        self.release: Callable[[], None] = lambda: None
        if not table:
            return
        if world.url.startswith("sqlite") and table == "received_message":
            return  # SQLite cannot hold one table: the readers would wait before they list
        if world.url.startswith("sqlite"):
            conn = sqlite3.connect(world.url.split("///", 1)[1], isolation_level=None, timeout=30)
            conn.execute("BEGIN IMMEDIATE")

            def commit() -> None:
                conn.execute("COMMIT")
                conn.close()

            self.release = commit
            return
        engine = create_engine(db.url, **world.options)
        conn2 = engine.connect()
        if table == "received_message":  # receipts: nobody records one until we let go
            conn2.execute(text("LOCK TABLE received_message IN EXCLUSIVE MODE"))
        else:
            column = "id" if table == "settlement" else "number"
            query = text(f"SELECT 1 FROM {table} WHERE {column} = :k FOR UPDATE")
            conn2.execute(query, {"k": key})

        def release() -> None:
            conn2.commit()
            conn2.close()
            engine.dispose()

        self.release = release


def run_race(
    world: World, db: Database, ready: Settlements, race: Race, contenders: int, trial: Trial
) -> None:
    """One race of *contenders* processes; failures are counted on *trial*."""
    target = race.prepare(ready)
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(contenders + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_contender, args=(world, race.name, target, barrier, results))
        for _ in range(contenders)
    ]
    db.engine.dispose()  # no SQLite connection of ours may cross the fork
    for p in procs:
        p.start()
    holder = _Holder(world, race.table, target, db)  # after the fork, for the same reason
    try:
        barrier.wait(timeout=60)
        time.sleep(HOLD_SECONDS)
    finally:
        holder.release()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    trial.runs += 1
    _judge(race, outcomes, trial)
    if race.done is not None:
        trial.fail(
            DUPLICATES, f"{race.name}: done more than once", max(0, race.done(db, target) - 1)
        )


def _judge(race: Race, outcomes: list[tuple[str, int, str]], trial: Trial) -> None:
    for kind, _, message in outcomes:
        trial.output(message)
        if kind == "traceback":
            trial.fail(TRACEBACKS, message[-300:])
    wins = sum(1 for kind, _, _ in outcomes if kind == "win")
    losers = [(code, msg) for kind, code, msg in outcomes if kind == "lost"]
    bad = [f"exit {code}: {msg}" for code, msg in losers if code != 5 or CHANGED not in msg]
    if race.exactly_one and wins != 1:
        trial.fail(WRONG_EXIT, f"{race.name}: {wins} winners; {bad[:1]}")
    if bad:
        trial.fail(WRONG_EXIT, f"{race.name}: {bad[0]}", len(bad))
