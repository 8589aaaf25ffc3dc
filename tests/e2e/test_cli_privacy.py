"""National ids on the screen and in files (issue 11 §4): masked wherever records are shown,
revealed only on request and then audited; files that hold them are never readable by others
(the installation's file mode, whatever the umask)."""

import csv
import json
import os
import stat

import pytest

from cli_helpers import js
from leak_guard import national_ids_in
from oppgjor.app.clinic import records
from oppgjor.core.ids import national_id
from oppgjor.store import Database


@pytest.fixture
def db():
    database = Database(os.environ["OPPGJOR_DATABASE_URL"])
    yield database
    database.dispose()


@pytest.fixture
def umask_none():
    """The most open umask: the modes tested are the product's, not the umask's."""
    old = os.umask(0)
    yield
    os.umask(old)


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def stored_id(db, ref):
    return records.get_record(db, "patients", ref).id_value


def test_patient_show_masks_the_national_id(cli, db):
    full = stored_id(db, "P0001")
    table = cli("patient", "show", "P0001")
    shown = js(cli("patient", "show", "P0001", "--json"))
    assert table.exit_code == 0
    assert national_id.mask(full) in table.output and full not in table.output
    assert shown["id_value"] == national_id.mask(full)
    with db.transaction() as repos:
        assert repos.audit.find(kind="patient", action="reveal") == []  # nothing was revealed


@pytest.mark.reveals_national_id
def test_reveal_shows_it_and_records_who_saw_it(cli, db):
    full = stored_id(db, "P0002")
    shown = js(cli("patient", "show", "P0002", "--reveal", "--json"))
    assert shown["id_value"] == full and national_id.is_valid(full, allow_synthetic=True)
    assert full in cli("patient", "show", "P0002", "--reveal", "--user", "ola").output
    with db.transaction() as repos:
        events = repos.audit.find(kind="patient", ref="P0002", action="reveal")
    assert [e.actor for e in events] == ["kari", "ola"]  # OPPGJOR_USER, then --user
    assert all(full not in json.dumps(e.detail) for e in events)
    assert cli("patient", "show", "P9999", "--reveal").exit_code == 3


def test_listings_and_overviews_show_no_national_id(cli):
    outputs = [
        cli("patient", "list").output,
        cli("patient", "list", "--json").output,
        cli("patient-overview", "P0001").output,
        cli("patient-overview", "P0001", "--json").output,
        cli("patient", "export").output,
        cli("patient", "export", "--format", "json").output,
        cli("overview").output,
    ]
    assert all(national_ids_in(text) == set() for text in outputs)
    assert "*****" in outputs[4]  # the screen export is there, masked


def test_an_export_file_holds_the_ids_is_private_and_audited(cli, db, tmp_path, umask_none):
    target = tmp_path / "pasienter.csv"
    assert cli("patient", "export", "--output", str(target)).exit_code == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(rows) == 300
    assert all(national_id.is_valid(r["id_value"], allow_synthetic=True) for r in rows)
    assert mode_of(target) == 0o640
    with db.transaction() as repos:
        [event] = repos.audit.find(kind="patient", action="export")
    assert (event.actor, event.ref, event.detail) == (
        "kari", "*", {"file": "pasienter.csv", "records": 300}
    )  # fmt: skip
    assert cli("patient", "import", str(target)).exit_code == 0  # the file can be read back


def test_the_file_mode_is_the_installations(cli, tmp_path, umask_none):
    assert "modus 0640" in cli("config").output
    refused = cli("config", "--file-mode", "0644")
    assert refused.exit_code == 1 and "andre ingen rettigheter" in refused.output
    assert cli("config", "--file-mode", "abc").exit_code == 1
    assert "modus 0600" in cli("config", "--file-mode", "0600").output
    for kind in ("patient", "series", "appointment"):
        target = tmp_path / f"{kind}.json"
        assert cli(kind, "export", "-f", "json", "-o", str(target)).exit_code == 0
        assert mode_of(target) == 0o600, kind


def test_accounting_and_isf_record_files_are_private(cli, tmp_path, umask_none):
    booked = js(cli("settlement", "list", "--tab", "booked", "--json"))[0]["id"]
    accounting = tmp_path / "bokforing.csv"
    assert cli("settlement", "export", str(booked), "--output", str(accounting)).exit_code == 0
    assert mode_of(accounting) == 0o640 and accounting.read_text(encoding="utf-8")
    activity, priced = tmp_path / "aktivitet.csv", tmp_path / "poster.csv"
    made = cli("isf", "demo", "--year", "2020", "--records", "200", "--output", str(activity))
    assert made.exit_code == 0
    computed = cli("isf", "compute", "--year", "2020", "--input", str(activity),
                   "--output", str(priced))  # fmt: skip
    assert computed.exit_code == 0, computed.output
    assert mode_of(priced) == 0o640 and "patient_id" in priced.read_text(encoding="utf-8")
