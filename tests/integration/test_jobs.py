"""The background job runner: state and progress written to the job's row as it goes, errors
ending a job with a masked message, and jobs a stopped process left behind marked failed."""

from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

import pytest

from oppgjor.app import jobs
from oppgjor.app.errors import UseCaseError
from oppgjor.core.clock import FixedClock
from oppgjor.store import Database
from oppgjor.store.jobs import JobRow

NOW = datetime.datetime(2026, 3, 2, 10, 0)


def _new(db: Database, kind: str = "test") -> int:
    with db.transaction() as repos:
        return repos.jobs.create(kind, {"n": 1}, "/tmp/x", "kari", NOW)


def _ended(db: Database, job_id: int) -> JobRow:
    end = time.monotonic() + 30
    while time.monotonic() < end:
        found = jobs.job(db, job_id, "test")
        if found.state in ("done", "failed"):
            return found
        time.sleep(0.02)
    raise AssertionError("the job did not end")


def test_a_job_runs_off_the_caller_and_writes_its_progress_and_result(db: Database) -> None:
    runner = jobs.Runner(db, FixedClock(NOW), max_workers=1)
    seen: list[tuple[int, int | None]] = []

    def work(progress: jobs.Progress) -> dict[str, Any]:
        for done in range(4):
            progress(done, 3)
            with db.reading() as repos:
                row = repos.jobs.get(job_id)
            assert row is not None and row.state == "running"
            seen.append((row.done, row.total))
        return {"sum": 6}

    job_id = _new(db)
    runner.submit(job_id, work)
    ended = _ended(db, job_id)
    runner.shutdown()
    assert ended.state == "done" and ended.result == {"sum": 6} and ended.error is None
    assert ended.started_at == NOW and ended.finished_at == NOW
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)  # throttled in between, the end written


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            UseCaseError("Pasient 15058612345 mangler i filen."),
            "Pasient 150586***** mangler i filen.",
        ),
        (KeyError("15058612345"), jobs.UNEXPECTED),  # a programming error: no details
    ],
)
def test_an_error_fails_the_job_with_a_masked_message(
    db: Database, error: Exception, message: str
) -> None:
    runner = jobs.Runner(db, FixedClock(NOW), max_workers=1)

    def work(progress: jobs.Progress) -> dict[str, Any]:
        raise error

    job_id = _new(db)
    runner.submit(job_id, work)
    ended = _ended(db, job_id)
    runner.shutdown()
    assert ended.state == "failed" and ended.error == message


def test_jobs_a_stopped_process_left_are_marked_failed_when_a_runner_starts(
    db: Database,
) -> None:
    queued, running, done = _new(db), _new(db), _new(db)
    with db.transaction() as repos:
        repos.jobs.start(running, NOW)
        repos.jobs.finish(done, {"ok": True}, NOW)
    later = NOW + datetime.timedelta(hours=1)
    runner = jobs.Runner(db, FixedClock(later))
    assert runner.recover() == 2
    runner.shutdown()
    for job_id in (queued, running):
        found = jobs.job(db, job_id, "test")
        assert found.state == "failed" and "avbrutt" in (found.error or "")
        assert found.finished_at == later
    assert jobs.job(db, done, "test").state == "done"


def test_jobs_are_listed_by_kind_newest_first(db: Database) -> None:
    first, second = _new(db), _new(db)
    _new(db, kind="annet")
    found, total = jobs.jobs(db, "test", 0, 10)
    assert total == 2 and [j.id for j in found] == [second, first]


def test_the_work_directory_is_configured_or_beside_the_sqlite_file(
    db: Database, monkeypatch: Any, tmp_path: Any
) -> None:
    monkeypatch.setenv(jobs.WORK_DIR_ENV, str(tmp_path / "w"))
    assert jobs.work_dir(db) == tmp_path / "w"
    monkeypatch.delenv(jobs.WORK_DIR_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if db.dialect == "sqlite":
        assert jobs.work_dir(db).name == "jobs"
        assert jobs.work_dir(db).parent == Path(str(db.engine.url.database)).resolve().parent
    else:
        assert jobs.work_dir(db) == tmp_path / "data" / "oppgjor" / "jobs"


def test_a_job_failed_by_another_process_stays_failed_when_its_work_ends(db: Database) -> None:
    """recover() in a second server marked the job failed while this one still ran it: the
    late result does not turn it back to done."""
    runner = jobs.Runner(db, FixedClock(NOW), max_workers=1)

    def work(progress: jobs.Progress) -> dict[str, Any]:
        with db.transaction() as repos:
            repos.jobs.abandon_unfinished("avbrutt", NOW)
        return {"late": True}

    job_id = _new(db)
    runner.submit(job_id, work)
    ended = _ended(db, job_id)
    runner.shutdown()
    assert ended.state == "failed" and ended.result is None


def test_a_job_that_cannot_start_fails_instead_of_waiting_for_ever(db: Database) -> None:
    runner = jobs.Runner(db, FixedClock(NOW), max_workers=1)
    job_id = _new(db)
    real = db.transaction
    calls = {"n": 0}

    def busy_once():  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            from oppgjor.store import StoreBusy

            raise StoreBusy("Databasen er opptatt")
        return real()

    db.transaction = busy_once  # type: ignore[method-assign]
    try:
        runner.submit(job_id, lambda progress: {"ok": True})
        ended = _ended(db, job_id)
    finally:
        runner.shutdown()
        db.transaction = real  # type: ignore[method-assign]
    assert ended.state == "failed" and "opptatt" in (ended.error or "")
