"""Checking a record as a form is edited: the findings a save gives, and nothing written;
the search a register's list uses never shows a national id in full."""

from __future__ import annotations

import datetime

import pytest

from clinic_world import WORLD, load_world
from oppgjor.app.clinic import checking, records, updates
from oppgjor.app.errors import Rejected
from oppgjor.core.clock import FixedClock
from oppgjor.core.findings import Finding
from oppgjor.store import Database

NOW = datetime.datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def world(db: Database) -> Database:
    load_world(db, WORLD, NOW)
    return db


def _codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


def test_a_check_gives_the_findings_a_save_refuses_with_and_writes_nothing(world: Database) -> None:
    change = {"org_nr": "123"}
    found = checking.check(world, "referrers", "K1", change, today=NOW.date())
    with pytest.raises(Rejected) as refused:
        updates.update(world, "referrers", "K1", change)
    assert _codes(found) == _codes(refused.value.findings) != []
    assert records.get_record(world, "referrers", "K1").org_nr == "974760673"


def test_a_series_check_matches_what_the_save_reports(world: Database) -> None:
    change = {"stay_type": "9"}
    before = checking.shown(world, "series", "S1").tag
    found = checking.check(world, "series", "S1", change, today=NOW.date())
    assert checking.shown(world, "series", "S1").tag == before  # nothing written
    done = updates.update(world, "series", "S1", change, clock=FixedClock(NOW))
    assert _codes(found) == _codes(done.findings)


def test_a_new_record_and_an_unreadable_value_are_checked(world: Database) -> None:
    fine = {"ref": "D9", "name": "Ny avdeling"}
    assert checking.check(world, "departments", None, fine, today=NOW.date()) == []
    bad = checking.check(world, "series", "S1", {"start_date": "nei"}, today=NOW.date())
    assert [f.code for f in bad] == ["IMPORT_FIELD_INVALID"]
    assert "/" in checking.check(world, "departments", None, {"ref": "a/b", "name": "x"},
                                 today=NOW.date())[0].message  # fmt: skip


def test_the_search_finds_by_name_and_masks_national_ids(world: Database) -> None:
    rows, total = checking.search(world, "patients", "KARI", limit=10, offset=0)
    assert total == 1 and rows[0]["key"] == "P1"
    assert rows[0]["id_value"] == "159164*****"
    assert checking.search(world, "patients", "15916400184", limit=10, offset=0)[1] == 0
    page, total = checking.search(world, "patients", "", limit=1, offset=1)
    assert total == 2 and [r["key"] for r in page] == ["P2"]
