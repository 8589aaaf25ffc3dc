"""The inbox never stops on one bad file (issue 11 §2): values longer than their column, a
database refusal or an internal error quarantine that one file with a finding and the next
receipt is still applied; file names too long for a reason file; a receipt applied before
its file was archived; error codes outside kodeverk 8221. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import uuid

import pytest

from clinic_world import WORLD, load_world
from oppgjor.app.helfo import exchange as hx
from oppgjor.app.helfo import inbox
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.adapters.messages import apprec, xml
from oppgjor.helfo.domain.model import SettlementState, SettlementType
from oppgjor.helfo.domain.transport import ManualTransport
from oppgjor.store import StoreBusy
from oppgjor.store.helfo.messages import MessageRepository

NOW = datetime.datetime(2026, 3, 10, 12, 0)
MSG = "MSG-1"


@pytest.fixture
def sent(db, tmp_path):
    """A settlement sent as message MSG-1; the message folders under tmp_path."""
    load_world(db, WORLD, NOW)
    hx.set_settings(db, folder=str(tmp_path / "meldinger"))
    s = st.new(db, SettlementType.FBV, actor="t", now=NOW)
    st.mark(db, s.id, st.Selection(add_all=True), actor="t", now=NOW)
    st.control(db, s.id, actor="t", now=NOW)
    st.submit(db, s.id, actor="t", now=NOW)
    st.send(db, s.id, ManualTransport(MSG), actor="t", now=NOW)
    target = hx.folders(hx.get_settings(db))
    target.ensure()
    return db, s.id, target


def drop(target, name, *, receipt_id=None, original=MSG, status="1", errors=()):
    receipt = apprec.AppRec(receipt_id or str(uuid.uuid4()), NOW, status, tuple(errors), original)
    path = target.inbox / name
    path.write_bytes(xml.serialise(apprec.build(receipt)))
    return path


def read(db):
    return inbox.read_inbox(db, actor="t", now=NOW)


def state(db, sid):
    with db.transaction() as repos:
        return repos.helfo.settlements.get(sid).state


def receipt_events(db, sid):
    with db.transaction() as repos:
        return [e for e in repos.helfo.settlements.events(sid) if e.after == "receipted"]


def codes(report):
    return [f.code for f in report.findings]


LONG = {
    "id": {"receipt_id": "R" * 100},
    "original": {"original": "M" * 100},
    "status": {"status": "1" * 9},
    "error_code": {"status": "2", "errors": [apprec.AppRecError("X" * 20, "Avvist", None)]},
}


@pytest.mark.parametrize("part", sorted(LONG))
def test_a_value_longer_than_its_column_is_quarantined_and_the_next_receipt_applied(sent, part):
    db, sid, target = sent
    drop(target, "a-lang.xml", **LONG[part])
    drop(target, "b-god.xml")
    report = read(db)  # on PostgreSQL this raised a DataError before (and every run after)
    assert codes(report) == ["INBOX_VALUE_TOO_LONG"]
    assert [name for name, _ in report.quarantined] == ["a-lang.xml"]
    assert report.applied == [("b-god.xml", sid, "1")]
    assert state(db, sid) is SettlementState.RECEIPTED
    assert (target.quarantine / "a-lang.xml").is_file()
    reason = (target.quarantine / "a-lang.xml.reason.txt").read_text(encoding="utf-8")
    assert reason.startswith("INBOX_VALUE_TOO_LONG:") and "høyst" in reason
    assert read(db).quarantined == []  # the next run is clean


def test_a_database_refusal_quarantines_one_file_without_sql_and_the_run_goes_on(sent, monkeypatch):
    db, sid, target = sent
    original = MessageRepository.add_received
    calls = []

    def refused_once(self, msg_id, *args):
        calls.append(msg_id)
        # the first file: a real NOT NULL violation in the database
        return original(self, None if len(calls) == 1 else msg_id, *args)

    monkeypatch.setattr(MessageRepository, "add_received", refused_once)
    first = drop(target, "a-avvist-av-db.xml", receipt_id="KVITTERING-EN")
    drop(target, "b-god.xml", receipt_id="KVITTERING-TO")
    report = read(db)
    assert codes(report) == ["INBOX_NOT_SAVED"]
    assert report.quarantined[0][0] == first.name
    message = report.findings[0].message
    assert "KVITTERING-EN" not in message and "INSERT" not in message.upper()
    assert "received_message" not in message and "NULL" not in message.upper()
    assert report.applied == [("b-god.xml", sid, "1")]  # applied: the refused one changed nothing
    assert len(receipt_events(db, sid)) == 1


def test_an_internal_error_quarantines_one_file_and_the_run_goes_on(sent, monkeypatch):
    db, sid, target = sent
    real = st.receipt_in
    calls = []

    def broken_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise ZeroDivisionError("a bug")
        return real(*args, **kwargs)

    monkeypatch.setattr(inbox.st, "receipt_in", broken_once)
    drop(target, "a.xml")
    drop(target, "b.xml")
    report = read(db)
    assert codes(report) == ["INBOX_INTERNAL"] and "ZeroDivisionError" in report.quarantined[0][1]
    assert report.applied == [("b.xml", sid, "1")]


def test_a_busy_database_leaves_the_receipt_in_the_inbox_for_the_next_run(sent, monkeypatch):
    db, sid, target = sent
    real = st.receipt_in

    def busy(*args, **kwargs):
        raise StoreBusy("Databasen er opptatt eller utilgjengelig; prøv igjen.")

    monkeypatch.setattr(inbox.st, "receipt_in", busy)
    path = drop(target, "a.xml")
    with pytest.raises(StoreBusy):  # the user is told; a good receipt is never quarantined
        read(db)
    assert path.is_file() and list(target.quarantine.iterdir()) == []
    monkeypatch.setattr(inbox.st, "receipt_in", real)
    assert read(db).applied == [("a.xml", sid, "1")]


@pytest.mark.parametrize("stem", ["k" * 246, "ø" * 125], ids=["250-tegn", "250-byte-utf8"])
def test_a_file_name_too_long_for_its_reason_file_still_goes_to_quarantine(sent, stem):
    db, sid, target = sent
    name = stem + ".xml"
    assert len(name.encode()) <= 255
    (target.inbox / name).write_bytes(b"<ikke xml")
    drop(target, "zz-god.xml")
    report = read(db)  # stopped with a file error (exit 2) before
    assert report.quarantined[0][0] == name and codes(report) == ["INBOX_UNREADABLE"]
    assert report.applied == [("zz-god.xml", sid, "1")]
    reasons = [p for p in target.quarantine.iterdir() if p.name.endswith(".reason.txt")]
    assert len(reasons) == 1 and len(reasons[0].name.encode()) <= 255
    assert reasons[0].name.startswith(stem[:100])  # paired with its file by name
    text = reasons[0].read_text(encoding="utf-8")
    assert text.startswith("INBOX_UNREADABLE:") and name in text
    (target.inbox / name).write_bytes(b"<igjen")  # the same name once more: a numbered name
    again = read(db)
    assert [n for n, _ in again.quarantined] == [name]
    kept = sorted(p.name for p in target.quarantine.iterdir())
    assert len(kept) == 4 and all(len(n.encode()) <= 255 for n in kept)


class Killed(BaseException):
    """The process stops between the commit and the move to the archive."""


def test_a_receipt_applied_but_not_archived_is_archived_on_the_next_run(sent, monkeypatch):
    db, sid, target = sent
    path = drop(target, "svar.xml", receipt_id="R-1")

    def killed(*_args):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(inbox.exchange, "move", killed)
        with pytest.raises(Killed):
            read(db)
    assert path.is_file() and state(db, sid) is SettlementState.RECEIPTED  # committed
    report = read(db)
    assert report.already_applied == [("svar.xml", sid)]
    assert report.quarantined == [] and report.findings == [] and report.applied == []
    assert not path.exists() and (target.archive / "svar.xml").is_file()
    assert list(target.quarantine.iterdir()) == []
    assert len(receipt_events(db, sid)) == 1  # applied once


def test_another_file_with_a_used_receipt_id_stays_a_duplicate(sent):
    db, sid, target = sent
    drop(target, "svar.xml", receipt_id="R-1")
    assert read(db).applied == [("svar.xml", sid, "1")]
    drop(target, "kopi.xml", receipt_id="R-1")
    report = read(db)
    assert codes(report) == ["INBOX_DUPLICATE"] and report.already_applied == []
    assert (target.quarantine / "kopi.xml").is_file()
    assert len(receipt_events(db, sid)) == 1


def test_error_codes_outside_kodeverk_8221_are_warned_and_the_receipt_applied(sent):
    db, sid, target = sent
    errors = [
        apprec.AppRecError("E99", "Ukjent feil", None, apprec.OID_ERRORS),
        apprec.AppRecError("S01", "Feil på signatur", None, apprec.OID_ERRORS),
    ]
    drop(target, "avvist.xml", status="2", errors=errors)
    report = read(db)
    assert report.applied == [("avvist.xml", sid, "2")] and report.quarantined == []
    assert codes(report) == ["INBOX_UNKNOWN_ERROR_CODE"]
    warning = report.findings[0]
    assert warning.severity.value == "WARNING" and "«E99»" in warning.message
    assert "8221" in warning.message and warning.location == "innboks/avvist.xml"
    with db.transaction() as repos:
        claims = repos.helfo.claims.find(settlement_id=sid)
    assert claims and {c.outcome_code for c in claims} == {"E99"}  # still applied


def test_known_codes_and_per_claim_codes_from_kuhr_give_no_warning(sent):
    db, sid, target = sent
    with db.transaction() as repos:
        number = repos.helfo.claims.find(settlement_id=sid)[0].number
    errors = [apprec.AppRecError("07", "Feilbruk av kveldstakst", str(number))]  # 8223
    drop(target, "delvis.xml", status="3", errors=errors)
    drop(target, "uten-kodeverk.xml", status="2", errors=[apprec.AppRecError("Q1", "?", None)])
    report = read(db)
    assert [n for n, _, _ in report.applied] == ["delvis.xml"]
    assert codes(report) == ["INBOX_NOT_APPLICABLE"]  # already receipted: not twice


def test_a_general_error_without_a_code_list_is_checked_against_8221(sent):
    db, sid, target = sent
    receipt = apprec.AppRec("R-9", NOW, "2", (apprec.AppRecError("Q1", "?", None),), MSG)
    element = apprec.build(receipt)
    for error in element.iter(f"{{{xml.NS_APPREC}}}Error"):
        del error.attrib["S"]  # S is optional in AppRec v1.0
    (target.inbox / "uten-s.xml").write_bytes(xml.serialise(element))
    report = read(db)
    assert report.applied == [("uten-s.xml", sid, "2")]
    assert codes(report) == ["INBOX_UNKNOWN_ERROR_CODE"] and "«Q1»" in report.findings[0].message
