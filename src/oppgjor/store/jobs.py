"""Repository of background jobs (the ``background_job`` table): a job's row is its state,
its progress, what it was asked and what it found, written as it goes."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from oppgjor.store import tables as t

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
UNFINISHED = (QUEUED, RUNNING)


@dataclass(frozen=True)
class JobRow:
    id: int
    kind: str
    state: str
    done: int
    total: int | None
    parameters: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    folder: str | None
    created_by: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None


def _job(row: Any) -> JobRow:
    return JobRow(
        id=row.id, kind=row.kind, state=row.state, done=row.done, total=row.total,
        parameters=json.loads(row.parameters or "{}"),
        result=json.loads(row.result) if row.result is not None else None,
        error=row.error, folder=row.folder, created_by=row.created_by,
        created_at=row.created_at, started_at=row.started_at, finished_at=row.finished_at,
    )  # fmt: skip


class JobRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def create(self, kind: str, parameters: dict[str, Any], folder: str, created_by: str,
               at: datetime.datetime) -> int:  # fmt: skip
        """A queued job; returns its id."""
        result = self.conn.execute(
            insert(t.background_job).values(
                kind=kind,
                state=QUEUED,
                done=0,
                parameters=json.dumps(parameters),
                folder=folder,
                created_by=created_by,
                created_at=at,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def get(self, job_id: int, kind: str | None = None) -> JobRow | None:
        j = t.background_job
        query = select(j).where(j.c.id == job_id)
        if kind is not None:
            query = query.where(j.c.kind == kind)
        row = self.conn.execute(query).first()
        return _job(row) if row is not None else None

    def list(self, kind: str, offset: int = 0, limit: int = 50) -> list[JobRow]:
        """The jobs of *kind*, newest first."""
        j = t.background_job
        query = select(j).where(j.c.kind == kind).order_by(j.c.id.desc())
        return [_job(r) for r in self.conn.execute(query.offset(offset).limit(limit))]

    def count(self, kind: str) -> int:
        j = t.background_job
        query = select(func.count()).select_from(j).where(j.c.kind == kind)
        return int(self.conn.scalar(query) or 0)

    def start(self, job_id: int, at: datetime.datetime) -> None:
        self._set(job_id, state=RUNNING, started_at=at)

    def progress(self, job_id: int, done: int, total: int | None) -> None:
        self._set(job_id, done=done, total=total)

    def finish(self, job_id: int, result: dict[str, Any], at: datetime.datetime) -> None:
        self._set(job_id, state=DONE, result=json.dumps(result), finished_at=at)

    def fail(self, job_id: int, error: str, at: datetime.datetime) -> None:
        self._set(job_id, state=FAILED, error=error, finished_at=at)

    def abandon_unfinished(self, error: str, at: datetime.datetime) -> int:
        """Mark every queued or running job failed with *error* (a previous process that ran
        them is gone); returns how many."""
        j = t.background_job
        result = self.conn.execute(
            update(j).where(j.c.state.in_(UNFINISHED))
            .values(state=FAILED, error=error, finished_at=at)
        )  # fmt: skip
        return int(result.rowcount or 0)

    def _set(self, job_id: int, **values: Any) -> None:
        """Change a job that has not ended: a job once done or failed (by ``recover`` in
        another process, say) stays as it ended."""
        j = t.background_job
        self.conn.execute(
            update(j).where(j.c.id == job_id, j.c.state.in_(UNFINISHED)).values(**values)
        )
