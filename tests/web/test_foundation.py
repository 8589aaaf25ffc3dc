"""The pages' foundation: logging in and out, the menu by role, errors as Norwegian pages,
the rule on every route, what the pages may run (no CDN), and htmx's redirects and errors."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import Request
from fastapi.routing import APIRoute

from oppgjor.web import login, render
from oppgjor.web.app import PAGES
from oppgjor.web.deps import Needs, safe_target
from oppgjor.web.render import HERE, redirect
from web.conftest import PASSWORD, Site, htmx


def test_a_visitor_is_sent_to_the_login_page_and_back(site: Site) -> None:
    browser = site.client()
    answer = browser.get("/?side=2")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/logg-inn?neste=/%3Fside%3D2"
    form = browser.get("/logg-inn?neste=/registre")
    assert form.status_code == 200
    assert 'name="neste" value="/registre"' in form.text
    name = site.user("read-only")
    answer = browser.post("/logg-inn", data={"username": name, "password": PASSWORD,
                                              "neste": "/registre"})  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["location"] == "/registre"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "oppgjor_session=" in cookie


def test_wrong_password_says_so_in_norwegian_and_keeps_the_user_name(site: Site) -> None:
    name = site.user("settlement-office")
    answer = site.client().post("/logg-inn", data={"username": name, "password": "feil-passord"})
    assert answer.status_code == 401
    assert "Feil brukernavn eller passord." in answer.text
    assert f'value="{name}"' in answer.text
    assert "feil-passord" not in answer.text
    empty = site.client().post("/logg-inn", data={"username": "", "password": ""})
    assert empty.status_code == 422
    assert "Skriv inn både brukernavn og passord." in empty.text


def test_too_many_failures_are_throttled(site: Site) -> None:
    name = site.user("settlement-office")
    browser = site.client()
    for _ in range(5):
        assert (
            browser.post("/logg-inn", data={"username": name, "password": "x"}).status_code == 401
        )
    answer = browser.post("/logg-inn", data={"username": name, "password": PASSWORD})
    assert answer.status_code == 429
    assert "For mange mislykkede innlogginger" in answer.text
    assert int(answer.headers["retry-after"]) > 0


def test_login_never_goes_to_another_site() -> None:
    assert safe_target("https://evil.example/x") == "/"
    assert safe_target("//evil.example/x") == "/"
    assert safe_target("/\\evil.example") == "/"
    assert safe_target(None) == "/"
    assert safe_target("/oppgjor/3") == "/oppgjor/3"


def test_logout_ends_the_session(site: Site) -> None:
    browser = site.as_("settlement-office")
    assert browser.get("/").status_code == 200
    answer = browser.post("/logg-ut")
    assert answer.status_code == 303 and answer.headers["location"] == "/logg-inn"
    assert browser.get("/").status_code == 303
    page = browser.get("/logg-inn")
    assert "Du er logget ut." in page.text


def test_the_menu_shows_what_the_role_may_open(site: Site) -> None:
    admin = site.as_("administrator").get("/").text
    reader = site.as_("read-only").get("/").text
    for text in ("Oversikt", "Oppgjør", "Registre", "Planlegger", "ISF", "Innstillinger"):
        assert f">{text}</a>" in admin
    assert ">Innstillinger</a>" not in reader
    assert ">Oppgjør</a>" in reader
    assert 'aria-current="page">Oversikt' in admin


def test_errors_are_norwegian_pages_and_the_api_keeps_its_problems(site: Site) -> None:
    browser = site.as_("settlement-office")
    missing = browser.get("/finnes-ikke")
    assert missing.status_code == 404
    assert "<title>Finnes ikke – oppgjor</title>" in missing.text
    assert "Siden finnes ikke" in missing.text
    api = browser.get("/api/v1/finnes-ikke")
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/problem+json")


def test_a_write_from_another_site_is_refused(site: Site) -> None:
    browser = site.as_("settlement-office")
    answer = browser.post("/logg-ut", headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403
    assert browser.get("/").status_code == 200  # still logged in
    answer = browser.post("/logg-ut", headers={"Sec-Fetch-Site": "cross-site"})
    assert answer.status_code == 403


def test_htmx_is_told_where_to_go_when_the_session_is_gone(site: Site) -> None:
    answer = site.client().get("/", headers=htmx(**{"HX-Current-URL": "http://testserver/isf"}))
    assert answer.status_code == 204
    assert answer.headers["hx-redirect"] == "/logg-inn?neste=/isf"


def test_an_htmx_error_goes_to_the_message_area(site: Site) -> None:
    answer = site.as_("settlement-office").get("/finnes-ikke", headers=htmx())
    assert answer.status_code == 404
    assert answer.headers["hx-retarget"] == "#meldinger"
    assert "<html" not in answer.text and "Siden finnes ikke" in answer.text


def test_pages_run_only_their_own_files(site: Site) -> None:
    answer = site.as_("settlement-office").get("/")
    csp = answer.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert answer.headers["cache-control"] == "no-store"
    sources = re.findall(r'(?:src|href)="([^"]+)"', answer.text)
    assert sources and all(s.startswith(("/", "#")) for s in sources), sources
    script = site.client().get("/static/htmx-2.0.11.min.js")
    assert script.status_code == 200 and "htmx" in script.text[:2000]


def test_every_route_names_its_rule() -> None:
    """Like the API's matrix: a page without ``page(...)`` would be open to anyone."""
    for router in PAGES:
        for route in router.routes:
            assert isinstance(route, APIRoute)
            for method in route.methods:
                if (method, route.path) in login.OPEN:
                    continue
                rules = [d.call for d in route.dependant.dependencies if isinstance(d.call, Needs)]
                assert rules, f"{method} {route.path} has no page(...) rule"


def test_every_template_compiles_and_vendored_files_are_listed() -> None:
    env = render.env
    names = env.list_templates()
    assert "base.html" in names
    for name in names:
        env.get_template(name)  # raises on a syntax error
    listed = (HERE / "static" / "VENDORED.md").read_text()
    for path in Path(HERE / "static").iterdir():
        if path.suffix in (".js", ".css") and not path.name.startswith("oppgjor."):
            assert path.name in listed, path.name


def test_htmx_reloads_a_page_it_would_only_scroll_on(site: Site) -> None:
    """A redirect to the page htmx is on, with a fragment, would only scroll: it reloads."""

    def asked(current: str) -> Request:
        headers = [(b"hx-request", b"true"), (b"hx-current-url", current.encode())]
        return Request({"type": "http", "method": "POST", "path": "/", "headers": headers})

    same = redirect(asked("http://testserver/oppgjor/4"), "/oppgjor/4#funn", "Ferdig.")
    assert same.headers["hx-refresh"] == "true" and "hx-redirect" not in same.headers
    assert "oppgjor_melding=" in same.headers["set-cookie"]
    other = redirect(asked("http://testserver/oppgjor/4?pasient=x"), "/oppgjor/4#funn")
    assert other.headers["hx-redirect"] == "/oppgjor/4#funn"


def test_a_way_back_with_hidden_characters_is_not_another_site(site: Site) -> None:
    """A browser drops a tab from a link: ``/\\t/evil.example`` would become ``//evil.example``."""
    for sneaky in ("/\t/evil.example/x", "/\n/evil.example", "/%09/evil", "https:/evil"):
        assert safe_target(sneaky) in ("/", "/%09/evil"), sneaky
    page = site.as_("settlement-office").get("/logg-inn", params={"neste": "/\t/evil.example"})
    assert 'name="neste" value="/"' in page.text


def test_an_error_page_keeps_the_menu_and_a_bad_number_is_not_found(site: Site) -> None:
    browser = site.as_("settlement-office")
    refused = browser.post("/oppgjor", data={"type": "fbv", "dato": "ikke-en-dato"})
    assert refused.status_code == 422
    assert 'aria-label="Hovedmeny"' in refused.text and ">Logg ut</button>" in refused.text
    missing = browser.get("/oppgjor/abc")
    assert missing.status_code == 404 and "Siden finnes ikke" in missing.text
