"""The history of one record: every audit event about it, oldest first (ADR 0015).

Kinds are the registry's English names (``series``, ``patient``, …, ``practice``,
``template``, ``tariff``) and ``settlement``, whose workflow events (``settlement_event``)
are shown with its audit events, so one command gives every history. Identity numbers stay
masked (the events keep them masked; what is shown is masked again).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from oppgjor.app.clinic.kinds import KINDS
from oppgjor.app.clinic.trail import PRACTICE_REF
from oppgjor.app.errors import NotFound, UseCaseError
from oppgjor.clinic.domain.tariffs import tariff_ref
from oppgjor.core.changes import MASKED
from oppgjor.core.redact import mask_national_ids
from oppgjor.helfo.domain.model import STATE_LABELS, Event, SettlementState
from oppgjor.store import Database
from oppgjor.store.audit import AuditEvent
from oppgjor.store.repos import Repos

SETTLEMENT = "settlement"
PRACTICE = "practice"
ACCESS = ("user", "token", "booking-client")  # who may use the API (app.access)
CLAIM = "claim"  # credits and co-payments paid (app.helfo.claims)

# what happened, in the user's words
ACTION_WORDS = {
    "created": "opprettet",
    "updated": "endret",
    "deleted": "slettet",
    "reveal": "vist (fullt ID-nummer)",
    "export": "eksportert",
    "cancelled": "avlyst",
    "attended": "møtt",
    "no_show": "ikke møtt",
    "planned": "planlagt igjen",
    # a settlement's workflow (helfo.domain.workflow.Action)
    "create": "opprettet",
    "edit": "endret",
    "submit": "sendt inn",
    "unlock": "låst opp",
    "delete": "slettet",
    "send": "sendt",
    "resend": "sendt på nytt",
    "receipt": "kvittering registrert",
    "correct": "avviste regninger flyttet til nytt oppgjør",
    "pay": "utbetaling registrert",
    "book": "bokført",
    # access (app.access)
    "login": "logget inn",
    "revoked": "tilbakekalt",
    "credited": "kreditert",
    "copayment_paid": "egenandel betalt",
}


class UnknownKind(UseCaseError):
    exit_code = 2


@dataclass
class Entry:
    """One event of a record's history."""

    at: datetime.datetime
    actor: str
    action: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    note: str = ""

    @property
    def what(self) -> str:
        return ACTION_WORDS.get(self.action, self.action)

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "what": self.what,
            "changes": {k: {"before": b, "after": a} for k, (b, a) in self.changes.items()},
            "note": self.note,
        }


def kinds() -> list[str]:
    """The kinds :func:`history` knows, by their CLI names."""
    return [k.name for k in KINDS.values()] + [PRACTICE, SETTLEMENT, CLAIM, *ACCESS]


def history(db: Database, kind: str, ref: str | None) -> tuple[list[Entry], bool]:
    """Every event of record *ref* of *kind*, oldest first, and whether the record exists.
    NotFound when there are no events and no such record."""
    if kind not in kinds():
        raise UnknownKind(f"Ukjent type «{kind}»; velg en av {', '.join(kinds())}.")
    ref = PRACTICE_REF if kind == PRACTICE else ref
    if not ref:
        raise UnknownKind(f"Oppgi nøkkelen (ref) til {kind}.")
    with db.transaction() as repos:
        entries = [_entry(e) for e in repos.audit.find(kind=kind, ref=ref)]
        if kind == SETTLEMENT and ref.isdigit():
            entries += [_settlement_entry(e) for e in repos.helfo.settlements.events(int(ref))]
        exists = _exists(repos, kind, ref)
    if not entries and not exists:
        raise NotFound(f"Fant ingen historikk for {kind} «{ref}», og ingen slik post.")
    entries.sort(key=lambda e: e.at)
    return entries, exists


def _exists(repos: Repos, kind: str, ref: str) -> bool:
    if kind == PRACTICE:
        return repos.get_practice() is not None
    if kind == SETTLEMENT:
        return ref.isdigit() and repos.helfo.settlements.get(int(ref)) is not None
    if kind == "template":
        return any(t.name == ref for t in repos.templates())
    if kind == CLAIM:
        return ref.isdigit() and bool(repos.helfo.claims.find(numbers=[int(ref)]))
    if kind == "user":
        return repos.access.user(ref) is not None
    if kind == "token":
        return ref.isdigit() and repos.access.token_by_id(int(ref)) is not None
    if kind == "booking-client":
        return repos.access.client(ref) is not None
    if kind == "tariff":
        return any(tariff_ref(t) == ref for t in repos.tariffs())
    key = next(k.key for k in KINDS.values() if k.name == kind)
    return repos.exists(key, ref)


def _shown(value: Any) -> Any:
    return mask_national_ids(value) if isinstance(value, str) else value


def _field_value(name: str, value: Any) -> Any:
    """A field's kept value as shown: an identity number masked (it was masked when kept;
    again, to be sure), other values as they were (an account number has eleven digits too)."""
    return _shown(value) if name in MASKED else value


# the words of a reveal's or an export's note
_NOTE_WORDS = {"field": "felt", "file": "fil", "records": "poster", "id_value": "ID-nummer"}


def _entry(event: AuditEvent) -> Entry:
    detail = event.detail
    before = detail.get("before") if isinstance(detail.get("before"), dict) else None
    after = detail.get("after") if isinstance(detail.get("after"), dict) else None
    changes: dict[str, tuple[Any, Any]] = {}
    if before is not None or after is not None:
        names = [*(after or {}), *(k for k in (before or {}) if k not in (after or {}))]
        for name in names:
            old, new = (before or {}).get(name), (after or {}).get(name)
            if old in (None, "", [], {}) and new in (None, "", [], {}):
                continue  # an empty field of a record created or deleted
            changes[name] = (_field_value(name, old), _field_value(name, new))
    note = ""
    if before is None and after is None:
        note = ", ".join(
            f"{_NOTE_WORDS.get(k, k)}: {_NOTE_WORDS.get(str(v), _shown(v))}"
            for k, v in sorted(detail.items())
        )
    return Entry(event.at, event.actor, event.action, changes, note)


def _settlement_entry(event: Event) -> Entry:
    changes: dict[str, tuple[Any, Any]] = {}
    if event.before != event.after:
        changes["status"] = (_state(event.before), _state(event.after))
    return Entry(event.at, event.actor, event.action, changes, _shown(event.detail or ""))


def _state(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return STATE_LABELS[SettlementState(value)]
    except ValueError:
        return value
