"""A demo clinic to run the trials on: a database (a SQLite file in a temporary folder, or a
schema of its own in a local PostgreSQL), its Helfo folders and TEST certificate, and
settlements made ready in the state a trial needs. Everything synthetic (``demo seed``)."""

from __future__ import annotations

import datetime
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from oppgjor.app.clinic import demo
from oppgjor.app.helfo import settlements as st
from oppgjor.app.helfo.demo import _certificate
from oppgjor.app.helfo.exchange import set_settings
from oppgjor.helfo.domain.model import SettlementState, SettlementType
from oppgjor.helfo.domain.transport import ManualTransport
from oppgjor.store import Database, resolve_url

PG_ENV = "OPPGJOR_TEST_POSTGRES_URL"
NOW = datetime.datetime(2026, 12, 1, 12, 0)
START = datetime.date(2026, 9, 1)
WHO = "soak"


def postgres_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@dataclass
class World:
    """One database and the folders beside it; ``url``/``options`` open it in another process
    (``env`` runs the CLI on it)."""

    url: str
    options: dict[str, Any]
    folder: Path
    env: dict[str, str]

    def open(self, migrate: bool = False) -> Database:
        return Database(self.url, migrate=migrate, **self.options)

    @property
    def helfo(self) -> Path:
        return self.folder / "helfo"


def _env(url: str, folder: Path, schema: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPPGJOR_")}
    env["OPPGJOR_DATABASE_URL"] = url
    if schema:  # libpq reads the search path from PGOPTIONS
        env["PGOPTIONS"] = f"-csearch_path={schema}"
    env["HOME"] = str(folder)
    env["XDG_DATA_HOME"] = str(folder / "data")
    return env


@contextmanager
def sqlite_world(folder: Path, template: Path | None = None) -> Iterator[World]:
    """A SQLite world in *folder*; copied from *template* (a seeded file) when given."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "oppgjor.db"
    if template is not None:
        shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    yield World(url, {}, folder, _env(url, folder, None))


@contextmanager
def postgres_world(folder: Path) -> Iterator[World]:
    """A schema of its own in the local PostgreSQL, dropped afterwards."""
    base = postgres_url()
    assert base, f"{PG_ENV} is not set"
    url = resolve_url(base)
    schema = f"soak_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    folder.mkdir(parents=True, exist_ok=True)
    options = {"connect_args": {"options": f"-csearch_path={schema}"}}
    try:
        yield World(base, options, folder, _env(base, folder, schema))
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def seed(world: World, *, helfo: bool = True) -> None:
    """The demo clinic (a test installation), and its Helfo folders and TEST certificate."""
    db = world.open(migrate=True)
    try:
        demo.seed(db, 2026, START, NOW)
        if helfo:
            set_settings(db, folder=str(world.helfo))
            _certificate(db, world.helfo / "sertifikat", NOW)
    finally:
        db.dispose()


def relocate(world: World) -> None:
    """Point a copied world's Helfo settings at its own folders and certificate."""
    db = world.open()
    try:
        cert = world.helfo / "sertifikat"
        set_settings(
            db,
            folder=str(world.helfo),
            certificate=str(cert / "demo-virksomhetssertifikat-TEST.p12"),
            password_file=str(cert / "demo-virksomhetssertifikat-TEST.passord"),
        )
    finally:
        db.dispose()


@contextmanager
def copied_world(template: Path, folder: Path) -> Iterator[World]:
    """A SQLite world copied from a seeded one in *template* (database and Helfo folders)."""
    shutil.copytree(template / "helfo", folder / "helfo")
    with sqlite_world(folder, template / "oppgjor.db") as world:
        relocate(world)
        yield world


class Settlements:
    """Settlements made ready for a trial from the demo's waiting claims, a few claims each."""

    def __init__(self, db: Database, type_: SettlementType = SettlementType.BKM) -> None:
        self.db = db
        self.type = type_
        self.pool = [c.number for c in st.waiting(db, type_, now=NOW)]

    def draft(self, claims: int = 3) -> int:
        numbers, self.pool = self.pool[:claims], self.pool[claims:]
        if not numbers:
            raise RuntimeError("the demo clinic has no more waiting claims")
        s = st.new(self.db, self.type, date=NOW.date(), actor=WHO, now=NOW)
        st.mark(self.db, s.id, st.Selection(add=numbers), actor=WHO, now=NOW)
        return s.id

    def controlled(self, claims: int = 3) -> int:
        sid = self.draft(claims)
        if st.control(self.db, sid, actor=WHO, now=NOW).blocking:
            st.move_blocked_out(self.db, sid, actor=WHO, now=NOW)
            st.control(self.db, sid, actor=WHO, now=NOW)
        return sid

    def submitted(self, claims: int = 3) -> int:
        while True:
            sid = self.controlled(claims)
            if st.load_settlement(self.db, sid).count:
                st.submit(self.db, sid, actor=WHO, now=NOW)
                return sid
            st.delete(self.db, sid, actor=WHO, now=NOW)

    def sent(self, claims: int = 3) -> int:
        sid = self.submitted(claims)
        st.send(self.db, sid, ManualTransport(f"SOAK-{sid}"), actor=WHO, now=NOW)
        return sid

    def receipted(self, claims: int = 3, rejected: int = 1) -> int:
        sid = self.sent(claims)
        numbers = [c.number for c in st.claims_in(self.db, sid)][:rejected]
        st.receipt(
            self.db, sid, {n: ("07", "Simulert avvisning") for n in numbers}, actor=WHO, now=NOW
        )
        return sid

    def paid(self, claims: int = 3) -> int:
        sid = self.receipted(claims, rejected=0)
        s = st.load_settlement(self.db, sid)
        st.pay(self.db, sid, s.total, NOW.date(), actor=WHO, now=NOW)
        return sid

    def state(self, sid: int) -> SettlementState | None:
        try:
            return st.load_settlement(self.db, sid).state
        except Exception:
            return None
