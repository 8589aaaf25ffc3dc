"""Background jobs: work that takes longer than a request (an ISF run) runs off the request
thread, in a small bounded pool of worker threads in the server process, and writes its state
and progress to its row (``background_job``) as it goes, so any request can read them.

A job's work is a function of a :data:`Progress` callback returning its result (JSON-able).
A :class:`~oppgjor.app.errors.UseCaseError` it raises fails the job with the error's
(Norwegian) text; anything else fails it with a short message, and is logged. Texts are
masked (no national id). Jobs a previous process left queued or running are marked failed
(:meth:`Runner.recover`) when a runner starts: nobody runs them any more."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from oppgjor.app.errors import NotFound, UseCaseError
from oppgjor.core.clock import Clock
from oppgjor.core.redact import redact
from oppgjor.store import Database, StoreError
from oppgjor.store.jobs import JobRow

log = logging.getLogger("oppgjor.jobs")

WORK_DIR_ENV = "OPPGJOR_WORK_DIR"
ABANDONED = "Kjøringen ble avbrutt: serveren ble stoppet før den var ferdig. Start den på nytt."
UNEXPECTED = "Kjøringen stoppet på en uventet feil; den er logget."
PROGRESS_EVERY = 0.5  # seconds between progress writes (the last one is always written)

Progress = Callable[[int, int | None], None]  # (done, total)
Work = Callable[[Progress], dict[str, Any]]


def work_dir(db: Database) -> Path:
    """Where jobs keep their files: $OPPGJOR_WORK_DIR, else ``jobs`` next to the SQLite
    database, else ``~/.local/share/oppgjor/jobs`` (the user's data directory)."""
    configured = os.environ.get(WORK_DIR_ENV)
    if configured:
        return Path(configured)
    database = db.engine.url.database if db.dialect == "sqlite" else None
    if database and database != ":memory:" and not database.startswith("file:"):
        return Path(database).resolve().parent / "jobs"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "oppgjor" / "jobs"


def workers() -> int:
    """One worker per core at most (a run uses every core itself), and at most four."""
    return max(1, min(os.cpu_count() or 1, 4))


class Runner:
    """The worker pool of one server process, on one database."""

    def __init__(self, db: Database, clock: Clock, max_workers: int | None = None) -> None:
        self.db = db
        self.clock = clock
        self._pool = ThreadPoolExecutor(max_workers or workers(), thread_name_prefix="jobb")

    def recover(self) -> int:
        """Fail the jobs a previous process left unfinished; returns how many."""
        with self.db.transaction() as repos:
            count = repos.jobs.abandon_unfinished(ABANDONED, self.clock.now())
        if count:
            log.warning("%d bakgrunnsjobber ble merket som avbrutt", count)
        return count

    def submit(self, job_id: int, work: Work) -> None:
        self._pool.submit(self._run, job_id, work)

    def shutdown(self) -> None:
        """Wait for running jobs; queued ones not started are dropped (and found by
        :meth:`recover` next time)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job_id: int, work: Work) -> None:
        try:
            with self.db.transaction() as repos:
                repos.jobs.start(job_id, self.clock.now())
            result = work(_Reporter(self.db, job_id))
        except (UseCaseError, StoreError) as exc:  # said to the user (masked)
            self._end(job_id, error=redact(str(exc)) or UNEXPECTED)
        except Exception as exc:  # a job must end, whatever happens in it
            log.error("bakgrunnsjobb %d feilet: %s", job_id,
                      redact(f"{type(exc).__name__}: {exc}"))  # fmt: skip
            self._end(job_id, error=UNEXPECTED)
        else:
            self._end(job_id, result=result)

    def _end(self, job_id: int, *, result: dict[str, Any] | None = None,
             error: str | None = None) -> None:  # fmt: skip
        try:
            with self.db.transaction() as repos:
                if error is None:
                    repos.jobs.finish(job_id, result or {}, self.clock.now())
                else:
                    repos.jobs.fail(job_id, error, self.clock.now())
        except Exception as exc:  # the database is gone: recover() finds the job next time
            log.error("bakgrunnsjobb %d: kan ikke lagre utfallet: %s", job_id, redact(str(exc)))


class _Reporter:
    """Writes a job's progress to its row, at most every :data:`PROGRESS_EVERY` seconds
    (and always when it is complete)."""

    def __init__(self, db: Database, job_id: int) -> None:
        self.db = db
        self.job_id = job_id
        self._last = 0.0
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last < PROGRESS_EVERY and done != total:
                return
            self._last = now
        try:
            with self.db.transaction() as repos:
                repos.jobs.progress(self.job_id, done, total)
        except StoreError as exc:  # a busy database does not fail the run: the next report
            log.warning("bakgrunnsjobb %d: fremdriften ble ikke lagret: %s", self.job_id,
                        redact(str(exc)))  # fmt: skip


def job(db: Database, job_id: int, kind: str) -> JobRow:
    """The job *job_id* of *kind*; NotFound if there is none."""
    with db.reading() as repos:
        found = repos.jobs.get(job_id, kind)
    if found is None:
        raise NotFound(f"Fant ingen kjøring med nummer {job_id}.")
    return found


def jobs(db: Database, kind: str, offset: int, limit: int) -> tuple[list[JobRow], int]:
    """A page of the jobs of *kind* (newest first), and how many there are."""
    with db.reading() as repos:
        return repos.jobs.list(kind, offset, limit), repos.jobs.count(kind)
