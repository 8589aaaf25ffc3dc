"""The README's pictures: the demo clinic (``make run``'s data) in Chromium, at 1280×800 and
on a phone. Run: ``.venv/bin/python scripts/readme_screenshots.py`` (needs Debian's chromium).

Writes docs/images/oversikt.png, oppgjor.png and planlegger-mobil.png."""

from __future__ import annotations

import datetime
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from oppgjor.app import access
from oppgjor.app.clinic import demo
from oppgjor.app.helfo import demo as helfo_demo
from oppgjor.store import Database
from oppgjor.web.site import create_site

OUT = Path(__file__).resolve().parents[1] / "docs" / "images"


def _serve(db: Database) -> tuple[uvicorn.Server, int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_site(db), host="127.0.0.1", port=port,
                                           log_level="warning"))  # fmt: skip
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, port


def main() -> int:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("Chromium mangler (apt-get install -y chromium).", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/demo.db")
        demo.seed(db)
        now = datetime.datetime.now()
        helfo_demo.run(db, now, Path(tmp) / "helfo")
        user, password = access.demo_login(db, now=now)
        server, port = _serve(db)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium)
            page = browser.new_page(viewport={"width": 1280, "height": 800},
                                    base_url=f"http://127.0.0.1:{port}")  # fmt: skip
            page.goto("/logg-inn")
            page.get_by_label("Brukernavn").fill(user)
            page.get_by_label("Passord").fill(password)
            page.get_by_role("button", name="Logg inn").click()
            page.wait_for_url(lambda url: "/logg-inn" not in url)
            page.screenshot(path=str(OUT / "oversikt.png"))
            page.goto("/oppgjor")
            page.get_by_role("button", name="Nytt oppgjør").click()
            page.get_by_role("button", name="Velg alle").click()
            page.get_by_role("button", name="Kontrollér").click()
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(OUT / "oppgjor.png"))
            page.set_viewport_size({"width": 390, "height": 844})
            page.goto("/planlegger")
            page.screenshot(path=str(OUT / "planlegger-mobil.png"))
            browser.close()
        server.should_exit = True
        db.dispose()
    print(f"skrev {OUT}/oversikt.png, oppgjor.png, planlegger-mobil.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
