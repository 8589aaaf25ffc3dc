"""The Maskinporten token provider against a mock token endpoint (httpx.MockTransport)."""

from __future__ import annotations

import json
import urllib.parse

import httpx
import pytest
from jwcrypto import jwk, jwt

from oppgjor.helfo.adapters import kuhr


def test_maskinporten_grant_is_signed_and_the_token_cached():
    key = jwk.JWK.generate(kty="RSA", size=2048)
    calls = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        form = urllib.parse.parse_qs(request.content.decode())
        calls.append(form)
        grant = jwt.JWT(jwt=form["assertion"][0], key=key)  # verifies the signature
        claims = json.loads(grant.claims)
        assert claims["iss"] == "client-1" and claims["scope"] == "nav:kuhr/krav"
        assert claims["aud"] == "https://test.maskinporten.no/"
        return httpx.Response(200, json={"access_token": "abc", "expires_in": 120})

    provider = kuhr.Maskinporten(
        "https://test.maskinporten.no/token", "https://test.maskinporten.no/", "client-1", key,
        http=httpx.Client(transport=httpx.MockTransport(endpoint)),
    )  # fmt: skip
    assert provider.token() == "abc" and provider.token() == "abc"
    assert len(calls) == 1
    assert calls[0]["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]


def test_a_refused_grant_is_a_clear_error():
    key = jwk.JWK.generate(kty="RSA", size=2048)
    provider = kuhr.Maskinporten(
        "https://x/token", "https://x/", "c", key,
        http=httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(400))),
    )  # fmt: skip
    with pytest.raises(kuhr.KuhrError, match="Maskinporten avviste"):
        provider.token()


def test_an_unreadable_key_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "key.pem"
    bad.write_text("not a key")
    with pytest.raises(kuhr.KuhrError, match="Kan ikke lese"):
        kuhr.Maskinporten.from_key_file("https://x/token", "https://x/", "c", bad)
