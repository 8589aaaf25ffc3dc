"""Change a stored record: only the fields given, read from text like an import's, the whole
record checked, one audit event with what changed (ADR 0015).

A field given as an empty value is cleared (``--referrer-ref ""``, or ``""``/``null`` in
JSON); a required field cannot be cleared. The ref is the record's key and is not changed
here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from oppgjor.app.clinic import trail
from oppgjor.app.clinic.kinds import KINDS, RecordKind, named
from oppgjor.app.clinic.records import apply_in
from oppgjor.app.clinic.tags import STALE, check_tag
from oppgjor.app.errors import NotFound, Rejected, Stale, UseCaseError
from oppgjor.clinic.adapters.practice_row import PRACTICE
from oppgjor.clinic.adapters.record_files import RowSpec
from oppgjor.clinic.adapters.rows import RowReader
from oppgjor.clinic.domain import records, templates
from oppgjor.clinic.domain.model import Practice
from oppgjor.core.changes import differences, record_differences, snapshot
from oppgjor.core.clock import SYSTEM_CLOCK, Clock
from oppgjor.core.findings import Finding, has_blocking
from oppgjor.store import Database
from oppgjor.store.audit import record_change
from oppgjor.store.repos import Repos

PRACTICE_KIND = "practice"
KEY = "ref"


class UnknownField(UseCaseError):
    """A field the kind of record does not have (or may not change here): a usage error."""

    exit_code = 2


@dataclass
class Update:
    """What an update changed (``{field: (before, after)}``) and the record's findings."""

    kind: str
    ref: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    record: Any = None  # the record as stored after the change

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "changes": {k: {"before": b, "after": a} for k, (b, a) in self.changes.items()},
            "findings": [f.as_dict() for f in self.findings],
        }


def updatable_kinds() -> list[str]:
    """The CLI names of the kinds :func:`update` changes."""
    return [k.name for k in KINDS.values() if k.updatable] + [PRACTICE_KIND]


def update(
    db: Database,
    kind: str,
    ref: str,
    changes: Mapping[str, str | None],
    *,
    actor: str = trail.SYSTEM_ACTOR,
    clock: Clock = SYSTEM_CLOCK,
    template: str | None = None,
    expected: str | None = None,
) -> Update:
    """Change the fields *changes* names of record *ref* of *kind* (its CLI name or key;
    ``practice`` ignores *ref*), and nothing else. *template* (series): fill the fields still
    empty from that series template. Raises UnknownField, NotFound, or Rejected (nothing
    written) when the resulting record has BLOCKING findings (a series is saved with them,
    ADR 0003). *expected*: the record's content tag as the caller read it (Stale if it has
    changed since; compared while the record is held)."""
    if kind == PRACTICE_KIND:
        return update_practice(db, changes, actor=actor, clock=clock, expected=expected)
    entry = _updatable(kind)
    assert entry.rows is not None
    wanted = _checked_fields(entry.noun, entry.rows, changes, ref)
    with db.transaction() as repos:
        repos.hold(entry.key, ref)  # a concurrent update waits and then starts from this one's
        stored = _stored(repos, entry, ref)
        check_tag(entry.rows, stored, expected, entry.noun.capitalize())
        record = changed(entry.rows, stored, wanted, entry.label(stored))
        kept: list[Finding] = []
        if template is not None:
            record, kept = templates.apply_template(record, _template(repos, template))
        report = apply_in(
            repos, entry.key, [(entry.label(record), record)], mode="update", actor=actor,
            clock=clock,
        )  # fmt: skip
        after = _stored(repos, entry, ref)
    done = record_differences(stored, after)
    return Update(entry.name, ref, done, [*kept, *report.findings], after)


def changed(spec: RowSpec, stored: Any, changes: Mapping[str, str | None], label: str) -> Any:
    """*stored* with the fields *changes* names read from their text as an import reads them
    (the rest exactly as stored); Rejected if a value cannot be read."""
    row = spec.row_of(stored)
    row.update({name: value or "" for name, value in changes.items()})
    reader = RowReader(row, label)
    built = spec.build(reader)
    if reader.findings:
        raise Rejected(reader.findings)
    return dataclasses.replace(stored, **{name: getattr(built, name) for name in changes})


def _updatable(kind: str) -> RecordKind:
    entry = named(kind)
    if entry is None or not entry.updatable or entry.rows is None:
        raise UnknownField(
            f"«{kind}» kan ikke endres med update; velg en av {', '.join(updatable_kinds())}."
        )
    return entry


def _checked_fields(
    noun: str, spec: RowSpec, changes: Mapping[str, str | None], ref: str | None
) -> dict[str, str | None]:
    """The fields to change; an unknown one, or a new ref, is refused with the known ones."""
    known = [c for c in spec.columns if c != KEY]
    unknown = [name for name in changes if name not in spec.columns]
    if unknown:
        raise UnknownField(
            f"Ukjent felt for {noun}: {', '.join(f'«{n}»' for n in unknown)}. "
            f"Felt som kan endres: {', '.join(known)}."
        )
    if KEY in changes and changes[KEY] != ref:
        raise UnknownField(
            f"Nøkkelen (ref) til en {noun} kan ikke endres; registrer en ny {noun} med den nye "
            "nøkkelen i stedet."
        )
    return {k: v for k, v in changes.items() if k != KEY}


def _stored(repos: Repos, kind: RecordKind, ref: str) -> Any:
    found = repos.records_by_ref(kind.key, [ref])
    if not found:
        raise NotFound(f"Fant ikke {kind.noun} «{ref}».")
    return found[0]


def _template(repos: Repos, name: str) -> Any:
    for t in repos.templates():
        if t.name == name:
            return t
    raise NotFound(f"Fant ikke seriemal «{name}».")


def set_practice(
    db: Database,
    values: Mapping[str, str | None],
    *,
    actor: str = trail.SYSTEM_ACTOR,
    clock: Clock = SYSTEM_CLOCK,
    expected: str | None = None,
) -> Update:
    """Register the practice, or, when it is registered, change only the fields given."""
    return _write_practice(db, values, actor=actor, clock=clock, create=True, expected=expected)


def update_practice(
    db: Database,
    changes: Mapping[str, str | None],
    *,
    actor: str = trail.SYSTEM_ACTOR,
    clock: Clock = SYSTEM_CLOCK,
    expected: str | None = None,
) -> Update:
    """Change only the given fields of the practice (NotFound if it is not registered)."""
    return _write_practice(db, changes, actor=actor, clock=clock, create=False, expected=expected)


def _write_practice(
    db: Database,
    values: Mapping[str, str | None],
    *,
    actor: str,
    clock: Clock,
    create: bool,
    expected: str | None = None,
) -> Update:
    wanted = _checked_fields("praksis", PRACTICE, values, None)
    with db.transaction() as repos:
        repos.hold(PRACTICE_KIND)  # read, check and write as one: no change of another lost
        stored = repos.get_practice()
        if stored is not None:
            check_tag(PRACTICE, stored, expected, "Praksisen")
            practice = changed(PRACTICE, stored, wanted, "praksis")
        elif not create:
            raise NotFound("Praksisen er ikke registrert ennå (oppgjor practice set).")
        elif expected is not None:  # the caller names a version of a practice not stored
            raise Stale(STALE.format(what="Praksisen"))
        else:
            reader = RowReader({k: v or "" for k, v in wanted.items()}, "praksis")
            practice = PRACTICE.build(reader)
            if reader.findings:
                raise Rejected(reader.findings)
        return save_practice_record(repos, stored, practice, actor=actor, clock=clock)


def save_practice_record(
    repos: Repos, stored: Practice | None, practice: Practice, *, actor: str, clock: Clock
) -> Update:
    """Check and write the practice (replacing *stored*, read in the same transaction), with
    its audit event."""
    checked, findings = records.check_practice(practice)
    if has_blocking(findings):
        raise Rejected(findings)
    before = snapshot(stored) if stored is not None else None
    after = snapshot(checked)
    repos.save_practice(checked)
    done = record_differences(stored, checked) if stored is not None else differences({}, after)
    event = record_change(
        clock.now(), actor, PRACTICE_KIND, trail.PRACTICE_REF, before, after, changed=done
    )
    if event is not None:
        repos.audit.add(event)
    return Update(PRACTICE_KIND, trail.PRACTICE_REF, done, findings, checked)
