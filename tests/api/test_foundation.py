"""The API's ground: problems, login and its throttling, tokens and their scopes, masking."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from oppgjor.app import access, signin
from tests.api.conftest import NOW, PASSWORD, World


def test_openapi_is_served_with_norwegian_descriptions(api: World) -> None:
    r = api.client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["info"]["title"] == "oppgjor API"
    assert "Idempotency-Key" in doc["info"]["description"]
    assert doc["paths"]["/api/v1/session"]["post"]["summary"] == "Logg inn"


def test_no_credentials_is_401_as_a_problem(api: World) -> None:
    r = api.client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == 401 and body["title"] == "Ikke innlogget"
    assert "Bearer" in r.headers["www-authenticate"]


def test_a_token_names_its_owner_and_what_it_may_do(api: World) -> None:
    me = api.as_("settlementoffice").get("/api/v1/me").json()
    assert me["actor"] == "settlementoffice"
    assert me["role"] == "settlement-office"
    assert "settlements.submit" in me["permissions"] and "admin" not in me["permissions"]
    client = api.as_("IF").get("/api/v1/me").json()
    assert client["actor"] == "booking:IF" and client["permissions"] == ["booking.book"]


def test_a_token_without_the_scope_cannot_do_what_the_role_could(api: World) -> None:
    made = access.create_token(
        api.db, "bare lesing", username="administrator", scopes=["read"], actor="t",
        now=api.clock.now(),
    )  # fmt: skip
    r = api.client.get("/api/v1/users", headers={"Authorization": f"Bearer {made.value}"})
    assert r.status_code == 403
    assert "admin" in r.json()["detail"]
    assert api.as_("administrator").get("/api/v1/users").status_code == 200


def test_expired_revoked_and_unknown_tokens_are_refused(api: World) -> None:
    made = access.create_token(
        api.db, "kort", username="readonly", scopes=["read"],
        lifetime=datetime.timedelta(minutes=5), actor="t", now=api.clock.now(),
    )  # fmt: skip
    auth = {"Authorization": f"Bearer {made.value}"}
    assert api.client.get("/api/v1/me", headers=auth).status_code == 200
    api.clock = api.app.state.clock = type(api.clock)(
        api.clock.now() + datetime.timedelta(minutes=6)
    )
    assert api.client.get("/api/v1/me", headers=auth).status_code == 401
    revoked = access.create_token(api.db, "x", username="readonly", scopes=["read"], actor="t",
                                  now=api.clock.now())  # fmt: skip
    access.revoke_token(api.db, revoked.id, actor="t", now=api.clock.now())
    bad = {"Authorization": f"Bearer {revoked.value}"}
    assert api.client.get("/api/v1/me", headers=bad).status_code == 401
    other = {"Authorization": "Bearer opg_not-a-token"}
    assert api.client.get("/api/v1/me", headers=other).status_code == 401
    basic = {"Authorization": "Basic a2FyaTpwYXNz"}
    assert api.client.get("/api/v1/me", headers=basic).status_code == 401


def test_tokens_and_passwords_are_stored_only_as_hashes(api: World) -> None:
    with api.db.reading() as repos:
        rows = repos.conn.exec_driver_sql("SELECT token_hash, prefix FROM api_token").all()
        users = repos.conn.exec_driver_sql("SELECT password_hash FROM app_user").all()
    stored = " ".join(str(v) for row in rows for v in row)
    for token in api.tokens.values():
        assert token not in stored
    hashes = [u[0] for u in users if u[0] is not None]
    assert hashes and all(h.startswith("$argon2") and PASSWORD not in h for h in hashes)


def test_login_sets_a_safe_cookie_and_logout_ends_the_session(api: World) -> None:
    r = api.client.post("/api/v1/session", json={"username": "readonly", "password": PASSWORD})
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Secure" not in cookie  # plain http on loopback; https sets it
    assert api.client.get("/api/v1/me").json()["actor"] == "readonly"
    assert api.client.delete("/api/v1/session").status_code == 204
    api.client.cookies.clear()
    assert api.client.get("/api/v1/me").status_code == 401


def test_logins_are_throttled_after_repeated_failures(api: World) -> None:
    for _ in range(signin.MAX_FAILURES):
        r = api.client.post(
            "/api/v1/session", json={"username": "readonly", "password": "feil-feil-feil"}
        )
        assert r.status_code == 401
        assert r.json()["detail"] == "Feil brukernavn eller passord."
    r = api.client.post("/api/v1/session", json={"username": "readonly", "password": PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    later = api.clock.now() + signin.WINDOW + datetime.timedelta(seconds=1)
    api.app.state.clock = type(api.clock)(later)
    r = api.client.post("/api/v1/session", json={"username": "readonly", "password": PASSWORD})
    assert r.status_code == 200


def test_an_unknown_user_is_refused_like_a_wrong_password(api: World) -> None:
    r = api.client.post("/api/v1/session", json={"username": "finnesikke", "password": PASSWORD})
    assert r.status_code == 401
    assert r.json()["detail"] == "Feil brukernavn eller passord."


def test_bad_input_is_a_422_problem_with_findings(api: World) -> None:
    r = api.as_("administrator").post("/api/v1/users", json={"username": "x", "role": "konge"})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    fields = {f["where"]["field"] for f in r.json()["findings"]}
    assert {"username", "role", "password"} <= fields
    assert all(f["code"] == "API_INVALID_INPUT" for f in r.json()["findings"])
    r = api.as_("administrator").post(
        "/api/v1/users", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 422


def test_a_weak_password_is_refused_and_nothing_is_saved(api: World) -> None:
    r = api.as_("administrator").post(
        "/api/v1/users", json={"username": "ola", "role": "read-only", "password": "kort"}
    )
    assert r.status_code == 422 and "minst 10 tegn" in r.json()["detail"]
    assert all(u.username != "ola" for u in access.users(api.db))


def test_an_unknown_address_is_a_404_problem(api: World) -> None:
    r = api.client.get("/api/v1/finnes-ikke")
    assert r.status_code == 404 and r.json()["detail"] == "Ingen slik adresse i API-et."


def test_idempotency_key_replays_the_first_answer(api: World) -> None:
    admin = api.as_("administrator")
    body = {"ref": "GJ", "name": "Gjensidige"}
    first = admin.post("/api/v1/booking-clients", json=body, headers={"Idempotency-Key": "k-1"})
    again = admin.post("/api/v1/booking-clients", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert [c.ref for c in access.clients(api.db)].count("GJ") == 1
    other = admin.post("/api/v1/booking-clients", json={"ref": "X", "name": "X"},
                       headers={"Idempotency-Key": "k-1"})  # fmt: skip
    assert other.status_code == 422
    # without the key, a second create is a conflict (it exists)
    assert admin.post("/api/v1/booking-clients", json=body).status_code == 409


def test_changes_name_their_actor_in_the_audit_trail(api: World) -> None:
    r = api.as_("administrator").post(
        "/api/v1/users", json={"username": "ola", "role": "read-only", "password": PASSWORD}
    )
    assert r.status_code == 201
    with api.db.reading() as repos:
        events = repos.audit.find(kind="user", ref="ola")
    assert [(e.actor, e.action) for e in events] == [("administrator", "created")]


def test_an_id_too_large_for_the_database_is_422_not_500(api: World) -> None:
    # found by the fuzzing (tests/api/test_fuzz.py): 2**63 overflowed SQLite's INTEGER
    r = api.as_("administrator").delete(f"/api/v1/tokens/{2**63}")
    assert r.status_code == 422 and r.json()["findings"][0]["code"] == "API_INVALID_INPUT"
    long_name = api.as_("administrator").patch("/api/v1/users/" + "x" * 65, json={})
    assert long_name.status_code == 422


def test_times_in_responses_carry_their_utc_offset(api: World) -> None:
    # found by the fuzzing: OpenAPI's date-time (RFC 3339) requires the offset
    caller = api.as_("administrator")
    times = [
        caller.get("/api/v1/me").json()["expires_at"],
        caller.get("/api/v1/users").json()[0]["created_at"],
        caller.get("/api/v1/tokens").json()[0]["expires_at"],
    ]
    for text in times:
        parsed = datetime.datetime.fromisoformat(text)
        assert parsed.utcoffset() is not None, text
        assert parsed.replace(tzinfo=None) >= NOW, text


def test_the_servers_log_lines_are_masked() -> None:
    """Through the formatters the server is configured with: an access line with a national
    id in its query, and a traceback of a database error that echoed its values."""
    import logging

    from oppgjor.api import logs

    names = ("uvicorn", "uvicorn.error", "uvicorn.access", "oppgjor")
    saved = {n: (logging.getLogger(n).handlers[:], logging.getLogger(n).propagate) for n in names}
    try:
        _check_masked_formatters(logs)
    finally:  # the rest of the test session logs as before
        for name, (handlers, propagate) in saved.items():
            logging.getLogger(name).handlers[:] = handlers
            logging.getLogger(name).propagate = propagate


def _check_masked_formatters(logs: Any) -> None:
    import logging.config

    logging.config.dictConfig(logs.config())
    access_handler = logging.getLogger("uvicorn.access").handlers[0]
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/patients?q=15058612345", "1.1", 200), None,
    )  # fmt: skip
    line = access_handler.format(record)
    assert "15058612345" not in line and "150586*****" in line and "200" in line
    try:
        raise RuntimeError("INSERT failed [parameters: ('15058612345', 'Kari')]")
    except RuntimeError:
        import sys

        failed = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1,
                                   "Exception in ASGI application", (), sys.exc_info())  # fmt: skip
    text = (
        logging.getLogger("uvicorn.error").handlers[0].format(failed)
        if logging.getLogger("uvicorn.error").handlers
        else logging.getLogger("uvicorn").handlers[0].format(failed)
    )
    assert "Traceback" in text and "15058612345" not in text and "Kari" not in text
    oppgjor_handler = logging.getLogger("oppgjor").handlers[0]
    assert "150586*****" in oppgjor_handler.format(
        logging.LogRecord("oppgjor.app.x", logging.INFO, __file__, 1, "id %s", ("15058612345",),
                          None))  # fmt: skip


def test_over_tls_the_session_cookie_is_secure(api: World) -> None:
    from fastapi.testclient import TestClient

    with TestClient(api.app, base_url="https://testserver") as tls:
        r = tls.post("/api/v1/session", json={"username": "readonly", "password": PASSWORD})
    assert r.status_code == 200
    assert "Secure" in r.headers["set-cookie"]


def test_idempotency_keeps_no_secret(api: World) -> None:
    """A token made with an Idempotency-Key is not kept with the answer (a retry is told it was
    done), and a password in a request leaves no trace in what is kept."""
    admin = api.as_("administrator")
    body = {"name": "epj", "username": "readonly", "scopes": ["read"], "days": 30}
    first = admin.post("/api/v1/tokens", json=body, headers={"Idempotency-Key": "t-1"})
    assert first.status_code == 201 and first.headers["cache-control"] == "no-store"
    token = first.json()["token"]
    again = admin.post("/api/v1/tokens", json=body, headers={"Idempotency-Key": "t-1"})
    assert again.status_code == 409 and token not in again.text
    new_user = {"username": "ola", "role": "read-only", "password": PASSWORD}
    assert admin.post("/api/v1/users", json=new_user,
                      headers={"Idempotency-Key": "u-1"}).status_code == 201  # fmt: skip
    other_password = {**new_user, "password": "et-annet-passord-2"}
    replay = admin.post("/api/v1/users", json=other_password, headers={"Idempotency-Key": "u-1"})
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"
    with api.db.reading() as repos:
        kept = repos.conn.exec_driver_sql(
            "SELECT request_hash, headers, body FROM idempotent_request"
        ).all()
    everything = " ".join(str(v) for row in kept for v in row)
    assert token not in everything and PASSWORD not in everything
    import hashlib

    for secret in (token, PASSWORD):
        assert hashlib.sha256(secret.encode()).hexdigest() not in everything


def test_a_large_body_is_read_only_for_a_caller_with_credentials(
    api: World, monkeypatch: Any
) -> None:
    from oppgjor.api import limits

    big = b"x" * (limits.ANONYMOUS + 1)
    anonymous = api.client.post("/api/v1/patients/import", content=big,
                                headers={"Content-Type": "text/csv"})  # fmt: skip
    assert anonymous.status_code == 401
    bad = api.client.post("/api/v1/patients/import", content=big,
                          headers={"Content-Type": "text/csv",
                                   "Authorization": "Bearer opg_ikke-gyldig"})  # fmt: skip
    assert bad.status_code == 401
    allowed = api.as_("administrator").post(
        "/api/v1/patients/import", content=big, headers={"Content-Type": "text/csv"}
    )
    assert allowed.status_code not in (401, 413)  # read, and answered by the import
    monkeypatch.setattr(limits, "MAXIMUM", 1000)
    too_big = api.as_("administrator").post(
        "/api/v1/patients/import", content=b"x" * 2000, headers={"Content-Type": "text/csv"}
    )
    assert too_big.status_code == 413


def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(api: World) -> None:
    for _ in range(signin.MAX_FAILURES):
        with pytest.raises(access.Unauthenticated):
            signin.login(api.db, "readonly", "feil-feil-feil", remote="10.0.0.66",
                         now=api.clock.now())  # fmt: skip
    with pytest.raises(signin.Throttled):
        signin.login(api.db, "readonly", PASSWORD, remote="10.0.0.66", now=api.clock.now())
    secret, user = signin.login(api.db, "readonly", PASSWORD, remote="10.0.0.7",
                                now=api.clock.now())  # fmt: skip
    assert user.username == "readonly" and secret.value


def test_a_token_cannot_carry_a_scope_its_users_role_can_never_use(api: World) -> None:
    r = api.as_("administrator").post("/api/v1/tokens", json={
        "name": "x", "username": "readonly", "scopes": ["read", "write"]})  # fmt: skip
    assert r.status_code == 422 and "write" in r.json()["detail"]


def test_a_problem_never_repeats_a_national_id_from_the_address(api: World) -> None:
    r = api.as_("readonly").get("/api/v1/patients/15058612345")
    assert r.status_code == 404
    assert "15058612345" not in r.text and "150586*****" in r.json()["instance"]


def test_a_ref_that_could_not_be_addressed_is_refused(api: World) -> None:
    office = api.as_("administrator")
    for ref in ("a/b", "../x", "x?y", ".."):
        r = office.post("/api/v1/departments", json={"ref": ref, "name": "Avdeling"})
        assert r.status_code == 422, (ref, r.text)
        assert "REF_INVALID" in [f["code"] for f in r.json()["findings"]]
    assert office.get("/api/v1/departments").json()["total"] == 0
    assert office.post("/api/v1/departments", json={"ref": "D-1.a", "name": "Avdeling"}
                       ).status_code == 201  # fmt: skip


def test_an_administrator_cannot_lock_themselves_out(api: World) -> None:
    """The same rule as the pages: not deactivated, not demoted, by oneself."""
    admin = api.as_("administrator")
    for change in ({"active": False}, {"role": "read-only"}):
        refused = admin.patch("/api/v1/users/administrator", json=change)
        assert refused.status_code == 422, refused.text
        assert "deg selv" in refused.json()["detail"]
    me = [u for u in admin.get("/api/v1/users").json() if u["username"] == "administrator"]
    assert me[0]["active"] is True and me[0]["role"] == "administrator"
    other = admin.patch("/api/v1/users/readonly", json={"active": False})
    assert other.status_code == 200 and other.json()["active"] is False
