"""The update use case and the audit trail on SQLite and PostgreSQL: partial updates, refused
fields, nothing written when refused, bulk before-snapshots, the history of a record."""

import datetime

import pytest
from sqlalchemy import event

from integration.test_record_kinds import FNR
from oppgjor.app import history, installation
from oppgjor.app.clinic import records, updates
from oppgjor.app.errors import NotFound, Rejected
from oppgjor.clinic.domain.model import Department, Referrer
from oppgjor.core.clock import FixedClock
from oppgjor.core.ids import national_id

NOON = FixedClock(datetime.datetime(2026, 3, 2, 12, 0))


def _clinic(db):
    records.save(db, "departments", Department("D1", "Avdeling", her_id="79768"))
    records.save(db, "referrers", Referrer("K1", "Legekontoret", org_nr="974760673"))


def test_update_changes_only_the_given_fields_and_writes_one_event(db):
    _clinic(db)
    done = updates.update(db, "department", "D1", {"name": "Ny"}, actor="ola", clock=NOON)
    assert done.changes == {"name": ("Avdeling", "Ny")}
    assert done.as_dict()["changes"] == {"name": {"before": "Avdeling", "after": "Ny"}}
    assert records.get_record(db, "departments", "D1") == Department("D1", "Ny", her_id="79768")
    with db.transaction() as repos:
        events = repos.audit.find(kind="department", ref="D1")
    assert [(e.actor, e.action, e.detail) for e in events][-1] == (
        "ola", "updated", {"before": {"name": "Avdeling"}, "after": {"name": "Ny"}}
    )  # fmt: skip
    cleared = updates.update(db, "departments", "D1", {"her_id": ""}, clock=NOON)
    assert cleared.changes == {"her_id": ("79768", None)}


def test_unknown_field_names_the_known_ones_and_ref_is_not_changed(db):
    _clinic(db)
    with pytest.raises(updates.UnknownField) as caught:
        updates.update(db, "department", "D1", {"navn": "x"})
    assert "navn" in str(caught.value) and "name, org_nr" in str(caught.value)
    assert caught.value.exit_code == 2
    with pytest.raises(updates.UnknownField, match="kan ikke endres"):
        updates.update(db, "department", "D1", {"ref": "D2"})
    with pytest.raises(updates.UnknownField, match="series"):
        updates.update(db, "tariff", "x", {"fee": "1"})
    with pytest.raises(NotFound):
        updates.update(db, "department", "D9", {"name": "x"})


def test_a_blocking_update_writes_nothing(db):
    _clinic(db)
    with pytest.raises(Rejected) as caught:
        updates.update(db, "referrer", "K1", {"org_nr": "123", "name": "Endret"})
    assert caught.value.findings[0].location == "kontakt[K1].org_nr"
    assert records.get_record(db, "referrers", "K1").name == "Legekontoret"
    with db.transaction() as repos:
        assert [e.action for e in repos.audit.find(kind="referrer", ref="K1")] == ["created"]


def test_an_import_reads_the_stored_records_in_bulk(db):
    rows = "".join(f"D{n},Avdeling {n}\n" for n in range(200))
    records.import_text(db, "departments", "ref,name\n" + rows, actor="ola")
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        changed = rows.replace("Avdeling 7\n", "Sju\n")
        report = records.import_text(db, "departments", "ref,name\n" + changed, actor="per")
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert report.updated == 200
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # no per-row reads for the before-snapshots (the writer's own look-up of each ref aside)
    assert len([s for s in selects if "FROM department" in s]) <= 200 + 5
    with db.transaction() as repos:
        events = repos.audit.find(kind="department")
    assert [(e.ref, e.actor, e.action) for e in events if e.actor == "per"] == [
        ("D7", "per", "updated")
    ]


def test_history_of_a_record_without_events(db):
    with db.transaction() as repos:  # written before the audit trail kept records' changes
        repos.save_department(Department("D5", "Gammel"))
    entries, exists = history.history(db, "department", "D5")
    assert entries == [] and exists
    with pytest.raises(NotFound):
        history.history(db, "department", "D6")
    with pytest.raises(history.UnknownKind):
        history.history(db, "planet", "D5")


def test_an_imported_patients_event_keeps_the_identity_number_masked(db):
    """An import's created events are encoded from the records' own fields
    (changes.fields_of): the identity number is masked there too, and every field is kept."""
    installation.set_test_installation(db, True)  # FNR is synthetic
    header = "ref,id_type,id_value,first_name,last_name,birth_date\n"
    records.import_text(db, "patients", header + f"P1,FNR,{FNR},Kari,Nordmann,1980-05-15\n",
                        actor="ola")  # fmt: skip
    with db.transaction() as repos:
        [created] = repos.audit.find(kind="patient", ref="P1")
    assert (created.actor, created.action) == ("ola", "created")
    after = created.detail["after"]
    assert after["id_value"] == national_id.mask(FNR) and FNR not in str(created.detail)
    assert (after["first_name"], after["birth_date"], after["id_type"]) == (
        "Kari", "1980-05-15", "FNR",
    )  # fmt: skip
