"""A database with one settlement submitted and a message folder, ready to send: built once
with the CLI, then copied for every kill."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from oppgjor.app.helfo import exchange
from oppgjor.cli.main import app
from oppgjor.helfo.adapters import signing
from oppgjor.helfo.adapters.messages import msghead, xml
from oppgjor.store import Database

KILL_AT = Path(__file__).with_name("kill_at.py")
PASSWORD = "s3cret"


@dataclass(frozen=True)
class World:
    db: Path
    folder: Path
    settlement: str

    def env(self) -> dict[str, str]:
        return {**os.environ, "OPPGJOR_DATABASE_URL": f"sqlite:///{self.db}",
                "OPPGJOR_USER": "kari", "OPPGJOR_CERT_PASSWORD": PASSWORD}  # fmt: skip

    def copy(self, to: Path) -> World:
        """The same world in *to*: the database file and the message folder."""
        to.mkdir(parents=True)
        with sqlite3.connect(self.db) as src, sqlite3.connect(to / self.db.name) as dst:
            src.backup(dst)  # the write-ahead log too
        shutil.copytree(self.folder, to / self.folder.name)
        db = Database(f"sqlite:///{to / self.db.name}")
        exchange.set_settings(db, folder=str(to / self.folder.name))
        db.dispose()
        return World(to / self.db.name, to / self.folder.name, self.settlement)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "oppgjor.cli.entry", *args], env=self.env(),
            capture_output=True, text=True, timeout=120, cwd=self.db.parent,
        )  # fmt: skip

    def killed(self, k: int, when: str, *args: str) -> subprocess.CompletedProcess[str]:
        count = self.db.parent / "steps.txt"
        return subprocess.run(
            [sys.executable, str(KILL_AT), str(k), when, str(count), "--", *args],
            env=self.env(), capture_output=True, text=True, timeout=120, cwd=self.db.parent,
        )  # fmt: skip


def build(base: Path) -> World:
    """Demo clinic, a certificate, and one settlement with every claim, submitted."""
    base.mkdir(parents=True, exist_ok=True)
    db, folder = base / "oppgjor.db", base / "meldinger"
    cert = base / "virk.p12"
    runner = CliRunner()
    env = {"OPPGJOR_DATABASE_URL": f"sqlite:///{db}", "OPPGJOR_USER": "kari",
           "OPPGJOR_CERT_PASSWORD": PASSWORD}  # fmt: skip

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.output

    run("demo", "seed")
    org_nr = json.loads(run("overview", "--json"))["practice"]["org_nr"]
    cert.write_bytes(signing.make_test_certificate(org_nr, "Demo", PASSWORD.encode()))
    run("helfo", "settings", "--folder", str(folder), "--certificate", str(cert))
    sid = run("settlement", "new", "--type", "bkm", "--json").split('"id": ')[1].split(",")[0]
    run("settlement", "mark", sid, "--all")
    runner.invoke(app, ["settlement", "control", sid], env=env)
    run("settlement", "move-blocked", sid)
    run("settlement", "control", sid)
    run("settlement", "submit", sid)
    (folder / "outbox").mkdir(parents=True, exist_ok=True)
    return World(db, folder, sid)


def outbox_messages(folder: Path) -> dict[str, list[str]]:
    """The outbox's files by the MsgId inside them."""
    found: dict[str, list[str]] = {}
    for path in sorted((folder / "outbox").iterdir()):
        if path.name.startswith("."):  # hidden: not for the message server (see leftovers)
            continue
        header, _ = msghead.unwrap(xml.parse(path.read_bytes()))
        found.setdefault(header.msg_id, []).append(path.name)
    return found


def leftovers(base: Path) -> list[str]:
    """Temporary or staged files anywhere under *base* (none may survive a recovery)."""
    return sorted(
        str(p.relative_to(base))
        for p in base.rglob("*")
        if p.is_file() and (p.name.endswith(".tmp") or p.name.endswith(".staged"))
    )
