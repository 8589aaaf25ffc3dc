"""Sending a settlement so that no crash ever sends it twice or loses it (ADR 0012).

A file (the outbox, the portal): the intent (message id, content hash, destination) is
committed; the signed file is staged beside the destination and committed as staged; one
atomic step moves it into place; then the settlement is recorded as sent. The KUHR API: the
intent is committed, the message posted, the answer recorded; a post the run did not live to
record is posted again after a crash, which KUHR answers ``DUPLIKAT_KRAV``: success.

Every step runs under the settlement's sending lock; :func:`recover` finishes whatever a
killed run left, and removes its temporary files.
"""

from __future__ import annotations

import datetime
import os
import uuid
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from dataclasses import replace as _replace
from pathlib import Path

from oppgjor.app import outgoing
from oppgjor.app.errors import Conflict, Stale
from oppgjor.app.helfo.answers import submission
from oppgjor.app.helfo.unit import load, refusals, save
from oppgjor.helfo.domain import settlement as aggregate
from oppgjor.helfo.domain.model import Settlement
from oppgjor.helfo.domain.transport import Submission, Transport
from oppgjor.helfo.domain.workflow import Action
from oppgjor.store import Database
from oppgjor.store.outgoing import ABANDONED, DONE, INTENDED, STAGED, Intent

KIND = "settlement"
PORTAL = "portal"


@dataclass(frozen=True)
class FileChannel:
    """Where a rendered message goes: the outbox (a name per message) or one portal file."""

    name: str
    folder: Path
    render: Callable[[Submission], tuple[str, bytes]]  # the message id and its bytes
    file_name: Callable[[int, str], str]  # (settlement id, message id) -> the file's name


@dataclass(frozen=True)
class Sent:
    settlement: Settlement
    reference: str  # the message id (file) or KUHR's id
    detail: str  # where the file went, or what KUHR said
    recovered: bool = False  # finished from an interrupted run rather than sent now


def staging_for(channel: str, destination: Path) -> Path:
    """The staging folder of a destination, on its filesystem: beside the outbox
    (``.outbox-staging``), or a hidden folder beside a portal file."""
    if channel == PORTAL:
        return destination.parent / ".oppgjor-staging"
    return outbox_staging(destination.parent)


def outbox_staging(outbox: Path) -> Path:
    """Beside the outbox (the message server sees nothing of it); inside it, hidden, when the
    outbox is a filesystem of its own, since the move into it must be one atomic step."""
    if os.path.ismount(outbox):
        return outbox / ".oppgjor-staging"
    return outbox.parent / f".{outbox.name}-staging"


def sending_lock(locks: Path, settlement_id: int) -> AbstractContextManager[None]:
    """The settlement's sending lock (a killed holder releases it)."""
    return outgoing.holding(
        locks,
        f"{KIND}-{settlement_id}",
        f"Oppgjør {settlement_id} sendes nå av noen andre; prøv igjen når det er ferdig.",
    )


def send_file(
    db: Database,
    settlement_id: int,
    channel: FileChannel,
    *,
    locks: Path,
    resend: bool,
    mode: int,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> Sent:
    """Send the settlement as a file through *channel*; a run a crash interrupted is
    finished instead, and no second message is made."""
    recover(db, locks=locks, now=now, also=(channel.folder,))
    with sending_lock(locks, settlement_id):
        finished = _finish(db, settlement_id, now, None, locks)
        if finished:
            return finished[-1]
        intent, _, data = _prepare(db, settlement_id, channel, resend, expected, actor, now)
        staging = staging_for(channel.name, Path(intent.target or ""))
        try:
            outgoing.stage(staging, settlement_id, intent.intent, data, mode)
        except BaseException:
            _abandon(db, intent, staging, now)
            raise
        return _deliver(db, _moved(db, intent, STAGED, now), now)


def send_api(
    db: Database, settlement_id: int, api: Transport, *, locks: Path,
    expected: int | None = None, actor: str, now: datetime.datetime,
) -> Sent:  # fmt: skip
    """Post the settlement through an API channel (KUHR); a post a crash left unrecorded is
    posted again (KUHR answers ``DUPLIKAT_KRAV``, which is success) and recorded."""
    recover(db, locks=locks, now=now)
    with sending_lock(locks, settlement_id):
        finished = _finish(db, settlement_id, now, api, locks)
        if finished:
            return finished[-1]
        intent, content, _ = _prepare(db, settlement_id, api, False, expected, actor, now)
        return _post(db, intent, api, content, now)


def recover(
    db: Database,
    *,
    locks: Path,
    now: datetime.datetime,
    api: Transport | None = None,
    also: Iterable[Path] = (),
) -> list[Sent]:
    """Finish every send a killed run left (those another process is working on are left
    to it), and remove the temporary files killed writes left behind in staging, in the
    pending intents' folders and in *also* (the outbox)."""
    with db.transaction() as repos:
        pending = repos.outgoing.pending(KIND)
    folders = {locks, *also} | {staging_for(i.channel, Path(i.target)) for i in pending if i.target}
    leftovers: dict[int, list[Path]] = {}
    for folder in folders:
        for sid, paths in outgoing.temporaries(folder).items():
            leftovers.setdefault(sid, []).extend(paths)
    done = []
    for sid in sorted({i.subject_id for i in pending} | set(leftovers)):
        try:
            with sending_lock(locks, sid):
                for path in leftovers.get(sid, []):
                    path.unlink(missing_ok=True)
                done += _finish(db, sid, now, api, locks)
        except outgoing.Busy:
            continue
    return done


# -- the steps, each committed before the next ------------------------------------------------


def _prepare(
    db: Database,
    settlement_id: int,
    channel: FileChannel | Transport,
    resend: bool,
    expected: int | None,
    actor: str,
    now: datetime.datetime,
) -> tuple[Intent, Submission, bytes]:
    """Commit the intent: what will be sent, where, with which message id and content;
    refused (stale) if the settlement is no longer at the *expected* version."""
    with refusals(), db.transaction() as repos:
        s = load(repos, settlement_id)
        aggregate.check(s, Action.RESEND if resend else Action.SEND, expected)
        if not repos.helfo.settlements.lock(s.id, s.version):
            raise Stale(aggregate.changed_by_others(s))
        if repos.helfo.messages.sending(s.id):
            raise Conflict(f"Oppgjør {s.id} er allerede under sending.")
        content = submission(repos, s)
        data, file_values = b"", {}
        if isinstance(channel, FileChannel):
            msg_id, data = channel.render(content)
            target = channel.folder / channel.file_name(s.id, msg_id)
            if target.exists():
                raise FileExistsError(17, "finnes allerede", str(target))
            file_values = {"msg_id": msg_id, "content_hash": outgoing.digest(data),
                           "file_name": target.name, "target": str(target)}  # fmt: skip
        intent = repos.outgoing.add(
            intent=uuid.uuid4().hex, channel=channel.name, subject_kind=KIND, subject_id=s.id,
            actor=actor, at=now, resend=resend, **file_values,
        )  # fmt: skip
    return intent, content, data


def _moved(db: Database, intent: Intent, to: str, now: datetime.datetime) -> Intent:
    with db.transaction() as repos:
        if not repos.outgoing.move(intent, to, now):
            raise Conflict(f"Sendingen av oppgjør {intent.subject_id} ble endret av noen andre.")
    return _replace(intent, state=to)


def _abandon(db: Database, intent: Intent, staging: Path | None, now: datetime.datetime) -> None:
    """Nothing of *intent* left the building: forget it (and what it staged)."""
    with db.transaction() as repos:
        repos.outgoing.move(intent, ABANDONED, now)
    if staging is not None:
        outgoing.discard(staging, intent.subject_id, intent.intent)


def _deliver(db: Database, intent: Intent, now: datetime.datetime) -> Sent:
    """Move the staged file into its destination (unless it got there before), record."""
    destination = Path(intent.target or "")
    staging = staging_for(intent.channel, destination)
    staged = outgoing.staged_path(staging, intent.subject_id, intent.intent)
    delivered = outgoing.deliver(staged, destination, intent.content_hash or "")
    if intent.channel == PORTAL:
        _remove_if_empty(staging)
    return _record(db, intent, intent.msg_id or "", str(destination), now, not delivered)


def _post(
    db: Database, intent: Intent, api: Transport, content: Submission, now: datetime.datetime
) -> Sent:
    try:
        result = api.send(content)
    except BaseException:
        _abandon(db, intent, None, now)  # not accepted (a post KUHR did take is a duplicate)
        raise
    return _record(db, intent, result.reference, result.detail, now, False)


def _record(
    db: Database,
    intent: Intent,
    reference: str,
    detail: str,
    now: datetime.datetime,
    recovered: bool,
) -> Sent:
    """The settlement was sent: its state, its claims, the message, the intent done."""
    with refusals(), db.transaction() as repos:
        s = load(repos, intent.subject_id)
        change = aggregate.send(
            s, resend=intent.resend, transport=intent.channel, reference=reference,
            detail=detail, expected=None, actor=intent.actor, now=now,
        )  # fmt: skip
        claims = repos.helfo.claims.find(settlement_id=s.id)
        repos.helfo.claims.mark_sent([c.id or 0 for c in claims], now.date())
        repos.helfo.messages.add_sent(s.id, reference, intent.channel, detail, now)
        if not repos.outgoing.move(intent, DONE, now, reference=reference):
            raise Conflict(f"Sendingen av oppgjør {s.id} ble endret av noen andre.")
        return Sent(save(repos, s, change), reference, detail, recovered)


def _finish(
    db: Database, settlement_id: int, now: datetime.datetime, api: Transport | None, locks: Path
) -> list[Sent]:
    """Finish the settlement's intents a killed run left (the caller holds its lock), and
    remove a staged file no unfinished intent owns (a run that lost a race left it)."""
    with db.transaction() as repos:
        pending = repos.outgoing.pending(KIND, settlement_id)
    done = []
    for intent in pending:
        if intent.target is None:  # an API post: posted again, if the API is at hand
            if api is None or api.name != intent.channel:
                continue
            with db.transaction() as repos:
                content = submission(repos, load(repos, settlement_id))
            done.append(_replace(_post(db, intent, api, content, now), recovered=True))
            continue
        staging = staging_for(intent.channel, Path(intent.target))
        staged = outgoing.staged_path(staging, settlement_id, intent.intent)
        if intent.state == INTENDED:
            if outgoing.file_digest(staged) != intent.content_hash:
                _abandon(db, intent, staging, now)  # killed while staging: nothing left
                continue
            intent = _moved(db, intent, STAGED, now)  # killed before the commit: staged
        done.append(_replace(_deliver(db, intent, now), recovered=True))
    with db.transaction() as repos:  # read under the lock: no one can add an intent now
        owned = {i.intent for i in repos.outgoing.pending(KIND, settlement_id)}
    for intent_key, path in outgoing.staged_files(locks, settlement_id).items():
        if intent_key not in owned:
            path.unlink(missing_ok=True)
    return done


def _remove_if_empty(folder: Path) -> None:
    with suppress(OSError):
        folder.rmdir()
