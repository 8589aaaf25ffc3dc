"""The audit event of one record's change (store.audit.record_change)."""

from __future__ import annotations

import datetime

from oppgjor.clinic.domain.model import IdType, Patient
from oppgjor.core.changes import snapshot
from oppgjor.store.audit import record_change

AT = datetime.datetime(2026, 12, 1, 10, 0)


def _patient(**changes: object) -> Patient:
    values: dict[str, object] = {
        "ref": "P1",
        "id_type": IdType.FNR,
        "id_value": "15058612345",
        "first_name": "Kari",
        "last_name": "Test",
    }
    values.update(changes)
    return Patient(**values)  # type: ignore[arg-type]


def test_an_update_keeps_only_the_fields_that_changed() -> None:
    event = record_change(
        AT, "ola", "patient", "P1", snapshot(_patient()), snapshot(_patient(last_name="Nord"))
    )
    assert event is not None
    assert event.action == "updated"
    assert event.detail == {"before": {"last_name": "Test"}, "after": {"last_name": "Nord"}}


def test_a_creation_keeps_every_field_with_the_identity_number_masked() -> None:
    event = record_change(AT, "ola", "patient", "P1", None, snapshot(_patient()))
    assert event is not None and event.action == "created"
    assert event.detail["after"]["id_value"] == "150586*****"
    assert "15058612345" not in str(event.detail)


def test_no_change_is_no_event_and_a_deletion_keeps_what_was_there() -> None:
    same = snapshot(_patient())
    assert record_change(AT, "ola", "patient", "P1", same, dict(same)) is None
    deleted = record_change(AT, "ola", "patient", "P1", same, None)
    assert deleted is not None and deleted.action == "deleted"
    assert deleted.detail["before"]["first_name"] == "Kari"
