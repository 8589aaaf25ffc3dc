"""kill -9 at random moments (issue 11 §8): during ``helfo inbox``, ``patient|appointment
import`` and ``helfo send``. After each kill the state is checked, and the next run is the
user running the command again; a last run is never killed.

Invariants: no receipt lost or applied twice; an import is one transaction (all of its rows or
none); no partial (hidden, temporary) file left after a run that completed; no traceback; at
most one outbox file per MsgId and one MsgId per sending; state and files agree."""

from __future__ import annotations

import functools
import random
import re
from collections import Counter
from pathlib import Path

from oppgjor.app.clinic import records
from oppgjor.app.helfo import inbox
from oppgjor.app.helfo import settlements as st
from oppgjor.app.helfo.exchange import folders, get_settings
from oppgjor.helfo.domain.model import SettlementState
from soak.figures import (
    DUPLICATES,
    LOST_RECEIPTS,
    PARTIAL_FILES,
    PARTIAL_IMPORT,
    STATE_MISMATCH,
    Trial,
)
from soak.procs import Run, oppgjor
from soak.world import NOW, Settlements, World

_MSG_ID = re.compile(rb"MsgId>([^<]+)<")


def _delay(rng: random.Random, calibrated: float) -> float:
    """A random moment in the run: from the end of start-up to a little after it ends."""
    return rng.uniform(0.5 * calibrated, 1.1 * calibrated)


def _partials(world: World) -> list[Path]:
    """Temporary and staged files left anywhere in the message folders (the empty sending
    locks, ``.lock-*``, are meant to stay)."""
    return [
        p
        for p in world.helfo.rglob("*")
        if p.is_file()
        and not p.name.startswith(".lock-")
        and (p.name.startswith(".") or p.suffix in (".tmp", ".staged"))
    ]


class Timing:
    """How long the command runs: kill moments are drawn within it. A run that ended before
    its kill teaches that the command is quicker than thought."""

    def __init__(self, first: Run) -> None:
        self.seconds = first.seconds

    def delay(self, rng: random.Random) -> float:
        return _delay(rng, self.seconds)

    def learn(self, run: Run) -> None:
        if not run.killed:
            self.seconds = min(self.seconds, run.seconds)


def _record(trial: Trial, run: Run, timing: Timing | None = None) -> None:
    trial.runs += 1 if run.killed else 0
    trial.attempts += 1
    trial.output(run.output)
    if timing is not None:
        timing.learn(run)


def _more(trial: Trial, kills: int) -> bool:
    """Until *kills* runs were killed (bounded: a run may end before its kill)."""
    return trial.runs < kills and trial.attempts < 3 * kills + 3


# -- inbox ----------------------------------------------------------------------------------


def inbox_kills(world: World, kills: int, rng: random.Random, trial: Trial, batch: int = 6) -> None:
    """Receipts arrive in batches; ``helfo inbox`` is killed while it reads them."""
    db = world.open()
    ready = Settlements(db)
    expected: dict[int, int] = {}  # settlement -> receipts dropped for it
    timing = Timing(oppgjor(world, "helfo", "inbox"))
    while _more(trial, kills):
        for _ in range(batch):
            sid = ready.sent(claims=1)
            inbox.simulate_receipt(db, sid, {}, now=NOW)
            expected[sid] = 1
        pending = batch
        while pending and _more(trial, kills):
            run = oppgjor(world, "helfo", "inbox", kill_after=timing.delay(rng))
            _record(trial, run, timing)
            pending = len(list(folders(get_settings(db)).inbox.glob("*.xml")))
            _check_receipts(db, expected, trial, final=False)
    last = oppgjor(world, "helfo", "inbox")
    trial.output(last.output)
    _check_receipts(db, expected, trial, final=True)
    trial.fail(PARTIAL_FILES, "inbox: a partial file was left", len(_partials(world)))
    db.dispose()


def _check_receipts(db, expected: dict[int, int], trial: Trial, *, final: bool) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as repos:
        applied = Counter(
            sid
            for sid in expected
            for e in repos.helfo.settlements.events(sid)
            if e.action == "receipt"
        )
    twice = sum(n - 1 for n in applied.values() if n > 1)
    trial.fail(DUPLICATES, "a receipt applied twice", twice)
    if final:
        lost = [sid for sid in expected if applied[sid] == 0]
        trial.fail(LOST_RECEIPTS, f"settlements without their receipt: {lost[:5]}", len(lost))
        target = folders(get_settings(db))
        stuck = list(target.quarantine.glob("*.xml"))
        trial.fail(
            STATE_MISMATCH,
            f"applied receipts in quarantine: {[p.name for p in stuck[:2]]}",
            len(stuck),
        )


# -- import ---------------------------------------------------------------------------------

ROWS = 800  # the first rows of the export: enough for an import that takes a moment
_IMPORTS = {"patient": ("patients", "first_name"), "appointment": ("appointments", "end")}


def _marked(text: str, column: str, round_: int) -> str:
    lines = text.splitlines()
    header = lines[0].split(",")
    at = header.index(column)
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        if column == "first_name":
            cells[at] = f"Soak{chr(65 + round_ % 26)}{chr(65 + round_ // 26 % 26)}"
        else:  # end time: the minute says the round
            cells[at] = cells[at][:-2] + f"{round_ % 2 + 44:02d}"
        out.append(",".join(cells))
    return "\n".join(out) + "\n"


def import_kills(world: World, kind: str, kills: int, rng: random.Random, trial: Trial) -> None:
    """The whole file is imported, or nothing of it: after each kill every row holds one round's
    value, never a mix."""
    db = world.open()
    plural, column = _IMPORTS[kind]
    original = "\n".join(records.export_text(db, plural, mask=False).splitlines()[:ROWS]) + "\n"
    path = world.folder / f"{plural}.csv"
    path.write_text(_marked(original, column, 0), encoding="utf-8")
    refs = {line.split(",", 1)[0] for line in original.splitlines()[1:]}
    timing = Timing(oppgjor(world, kind, "import", str(path)))
    round_ = 0
    while _more(trial, kills):
        round_ += 1
        path.write_text(_marked(original, column, round_), encoding="utf-8")
        run = oppgjor(world, kind, "import", str(path), kill_after=timing.delay(rng))
        _record(trial, run, timing)
        _check_import(db, plural, column, refs, trial)
    last = oppgjor(world, kind, "import", str(path))
    trial.output(last.output)
    _check_import(db, plural, column, refs, trial)
    db.dispose()


def _check_import(db, plural: str, column: str, refs: set[str], trial: Trial) -> None:  # type: ignore[no-untyped-def]
    """Every row of the file holds one round's value (the end's minute for appointments)."""
    values = {
        r.end.minute if column == "end" else getattr(r, column)
        for r in records.list_records(db, plural)
        if r.ref in refs
    }
    if len(values) != 1:
        trial.fail(PARTIAL_IMPORT, f"{plural}: {len(values)} different rounds in the table")


# -- send -----------------------------------------------------------------------------------


def send_kills(
    world: World, kills: int, rng: random.Random, trial: Trial, *, timed: bool = False
) -> None:
    """``helfo send`` killed while it signs and writes (*timed*: the moment its file appears in
    the outbox); the user then runs it again if the settlement still shows as submitted.
    Duplicates are counted, never raised."""
    db = world.open()
    ready = Settlements(db)
    timing = Timing(oppgjor(world, "helfo", "send", str(ready.submitted(claims=2))))
    sids = []
    while _more(trial, kills):
        sid = ready.submitted(claims=2)
        sids.append(sid)
        outbox = folders(get_settings(db)).outbox
        appeared = functools.partial(_file_of, outbox, sid) if timed else None
        delay = None if timed else timing.delay(rng)
        _record(
            trial, oppgjor(world, "helfo", "send", str(sid), kill_after=delay, kill_when=appeared)
        )
        if ready.state(sid) is SettlementState.SUBMITTED:  # the user sends it again
            trial.output(oppgjor(world, "helfo", "send", str(sid)).output)
        _check_sending(db, world, sid, trial)
    trial.fail(PARTIAL_FILES, "send: a partial file was left", len(_partials(world)))
    db.dispose()


def _file_of(outbox: Path, sid: int) -> bool:
    return any(outbox.glob(f"bkm-*-oppgjor{sid}-*.xml"))


def _check_sending(db, world: World, sid: int, trial: Trial) -> None:  # type: ignore[no-untyped-def]
    target = folders(get_settings(db))
    files = [p for p in target.outbox.glob(f"bkm-*-oppgjor{sid}-*.xml")]
    ids = Counter(m.group(1).decode() for p in files for m in [_MSG_ID.search(p.read_bytes())] if m)
    trial.fail(
        DUPLICATES, f"settlement {sid}: {len(ids)} MsgIds in the outbox", max(0, len(ids) - 1)
    )
    trial.fail(
        DUPLICATES, f"settlement {sid}: a MsgId in two files", sum(n - 1 for n in ids.values())
    )
    with db.transaction() as repos:
        recorded = {m[0] for m in repos.helfo.messages.sent(sid)}
    state = st.load_settlement(db, sid).state
    agree = (state is SettlementState.SENT and set(ids) == recorded and len(ids) == 1) or (
        state is SettlementState.SUBMITTED and not ids
    )
    if not agree:
        trial.fail(
            STATE_MISMATCH,
            f"settlement {sid} {state.value}: files {len(ids)}, recorded {len(recorded)}",
        )
