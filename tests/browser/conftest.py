"""Browser tests: Playwright (Python) driving the machine's Chromium, headless, against the
whole site served by uvicorn on 127.0.0.1 (a free port), on a SQLite database seeded with the
demo clinic and one user of each role (password :data:`PASSWORD`).

Chromium comes from the system's packages (Debian ``chromium``; ``.ci/run`` installs it): where
it or Playwright is missing, these tests skip and say so. All of them run in one xdist worker
(group ``browser``): one server and one browser for the lot. Each test saves a screenshot in
``var/browser/``; a failing one also saves the page's HTML there.
"""

from __future__ import annotations

import datetime
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oppgjor.access.domain.roles import Role
from oppgjor.app import access
from oppgjor.app.clinic import demo
from oppgjor.core.clock import SYSTEM_CLOCK
from oppgjor.store import Database

PASSWORD = "nettleser-passord-1"
ROLES = ("administrator", "settlement-office", "practitioner", "read-only")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "browser"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None  # type: ignore[assignment]


def _chromium() -> str | None:
    return (
        os.environ.get("OPPGJOR_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    reason = None
    if sync_playwright is None:
        reason = "Playwright for Python er ikke installert (make install)"
    elif _chromium() is None:
        reason = "Chromium finnes ikke på maskinen (apt-get install -y chromium)"
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.xdist_group("browser"))
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


class Server:
    """The site under uvicorn in a thread of this process."""

    def __init__(self, db: Database) -> None:
        import uvicorn

        from oppgjor.web.site import create_site

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(create_site(db), host="127.0.0.1", port=self.port,
                                log_level="warning")  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def site_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The demo clinic, and a user of each role (the practitioner is the demo's first)."""
    path = tmp_path_factory.mktemp("browser") / "site.db"
    db = Database(f"sqlite:///{path}")
    demo.seed(db, clock=SYSTEM_CLOCK)
    now = datetime.datetime.now()
    first = demo_practitioner(db)
    for role in ROLES:
        access.create_user(db, role.replace("-", ""), role=Role(role), password=PASSWORD,
                           practitioner_ref=first if role == "practitioner" else None,
                           actor="test", now=now)  # fmt: skip
    yield db
    db.dispose()


def demo_practitioner(db: Database) -> str:
    with db.reading() as repos:
        return repos.practitioners()[0].ref


@pytest.fixture(scope="session")
def server(site_db: Database) -> Iterator[Server]:
    with Server(site_db) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    assert sync_playwright is not None
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=_chromium(), headless=True)
        yield launched
        launched.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(browser: Browser, server: Server, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser window at 1280×800 on the test server; its screenshot is saved after
    the test (and the page's HTML when the test failed)."""
    context = browser.new_context(viewport=DESKTOP, base_url=server.url, locale="nb-NO")
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = request.node.name.replace("/", "_")
    try:
        opened.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        if request.node.stash.get(_FAILED, False):
            (SHOTS / f"{name}.html").write_text(opened.content(), encoding="utf-8")
    finally:
        context.close()


def log_in(page: Page, username: str, target: str = "/") -> None:
    """Log in through the form, as a person does."""
    page.goto(f"/logg-inn?neste={target}")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(lambda url: "/logg-inn" not in url)
