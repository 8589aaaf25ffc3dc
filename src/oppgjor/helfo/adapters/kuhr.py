"""The KUHR Krav API channel: JWE-encrypted JSON BKM, status polling, token providers.

The only module that talks HTTP (httpx) and JOSE (jwcrypto). Retries with backoff on 5xx and
timeouts; a message the API has accepted is never sent again (``DUPLIKAT_KRAV`` counts as
accepted).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx
from jwcrypto import jwe, jwk, jwt

from oppgjor.helfo.adapters.messages import kuhr_json
from oppgjor.helfo.adapters.messages import mapping as submission
from oppgjor.helfo.domain.transport import SendResult, Submission

SEND_PATH = "/kuhr/krav/v1/process/sendinnbehandlerkravmelding"
STATUS_PATH = "/kuhr/krav/v1/data/behandlerkravmelding"
JWK_PATH = "/kuhr/krav/v1/jwk"
ENVIRONMENTS = {
    "dev": "https://api-preprod.helserefusjon.no",
    "prod": "https://api.helserefusjon.no",
}


class KuhrError(RuntimeError):
    """The API refused the message or could not be reached after the retries."""

    def __init__(self, message: str, codes: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.codes = codes


class TokenProvider(Protocol):
    """Gives a bearer token for the API (Maskinporten now; HelseID is the next step)."""

    def token(self) -> str: ...


@dataclass
class StaticToken:
    """A token obtained elsewhere (e.g. from the operator's own HelseID client)."""

    value: str

    def token(self) -> str:
        return self.value


@dataclass
class Maskinporten:
    """Maskinporten JWT grant for an organisation: a JWT signed with the client's key,
    exchanged for an access token with scope ``nav:kuhr/krav``; cached until it expires."""

    token_url: str
    audience: str
    client_id: str
    key: jwk.JWK
    key_id: str | None = None
    scope: str = "nav:kuhr/krav"
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10))
    _cached: tuple[str, float] | None = None

    @classmethod
    def from_key_file(
        cls, token_url: str, audience: str, client_id: str, path: Path
    ) -> Maskinporten:
        """The client's private key from a PEM file (read when used, never stored)."""
        try:
            key = jwk.JWK.from_pem(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise KuhrError(f"Kan ikke lese Maskinporten-nøkkelen {path.name}: {exc}") from None
        return cls(token_url, audience, client_id, key)

    def grant(self, now: float) -> str:
        header = {"alg": "RS256", **({"kid": self.key_id} if self.key_id else {})}
        claims = {
            "aud": self.audience, "iss": self.client_id, "scope": self.scope,
            "iat": int(now), "exp": int(now) + 120, "jti": str(uuid.uuid4()),
        }  # fmt: skip
        token = jwt.JWT(header=header, claims=claims)
        token.make_signed_token(self.key)
        return str(token.serialize())

    def token(self) -> str:
        now = time.time()
        if self._cached and self._cached[1] > now + 30:
            return self._cached[0]
        response = self.http.post(
            self.token_url,
            data={
                "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "assertion": self.grant(now),
            },
        )
        if response.status_code != 200:
            raise KuhrError(f"Maskinporten avviste tokenforespørselen ({response.status_code}).")
        try:
            body = kuhr_json.loads(response.content)
            self._cached = (str(body["access_token"]), now + float(body.get("expires_in", 60)))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise KuhrError("Maskinporten svarte uten et token oppgjor kan lese.") from None
        return self._cached[0]


@dataclass
class KuhrClient:
    base_url: str
    tokens: TokenProvider
    practice_id: str
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=20))
    retries: int = 4
    backoff: float = 0.5
    sleep: Callable[[float], None] = time.sleep
    name: str = "kuhr-api"

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens.token()}", **kwargs.pop("headers", {})}
        last = ""
        for attempt in range(self.retries + 1):
            try:
                response = self.http.request(
                    method, self.base_url + path, headers=headers, **kwargs
                )
            except httpx.TransportError as exc:  # timeouts, refused connections
                last = type(exc).__name__
            else:
                if response.status_code < 500:
                    return response
                last = f"HTTP {response.status_code}"
            if attempt < self.retries:
                self.sleep(self.backoff * 2**attempt)
        raise KuhrError(f"KUHR svarer ikke ({last}) etter {self.retries + 1} forsøk.")

    def public_key(self) -> jwk.JWK:
        response = self._request("GET", JWK_PATH)
        try:
            body = kuhr_json.loads(response.content)
            keys = body.get("keys", [body]) if isinstance(body, dict) else body
            return jwk.JWK(**keys[0])
        except (ValueError, KeyError, TypeError, IndexError, AttributeError, jwk.InvalidJWKValue):
            raise KuhrError("KUHR svarte uten en offentlig nøkkel oppgjor kan bruke.") from None

    def encrypt(self, payload: dict[str, Any], key: jwk.JWK) -> str:
        header = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": key.get("kid")}
        token = jwe.JWE(json.dumps(payload, ensure_ascii=False).encode(), protected=header)
        token.add_recipient(key)
        return str(token.serialize(compact=True))

    def send(self, sub: Submission) -> SendResult:
        """Post the settlement as a JWE; ``mottatt`` and ``DUPLIKAT_KRAV`` are success."""
        body = kuhr_json.build(submission.bkm_message(sub), self.practice_id)
        token = self.encrypt(body, self.public_key())
        response = self._request(
            "POST", SEND_PATH, content=token, headers={"Content-Type": "application/jose"}
        )
        try:
            answer = kuhr_json.loads(response.content) if response.content else {}
        except ValueError:  # not JSON (a proxy's error page, say)
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        codes = tuple(str(f.get("kode")) for f in answer.get("feilmeldinger") or [])
        message_id = str(answer.get("behandlerkravmeldingId") or "")
        if response.status_code == 200 or "DUPLIKAT_KRAV" in codes:
            if not message_id:
                raise KuhrError("KUHR svarte uten behandlerkravmeldingId.")
            return SendResult(message_id, f"KUHR status {answer.get('status', 'mottatt')}")
        texts = "; ".join(
            f"{f.get('kode')}: {f.get('melding')}" for f in answer.get("feilmeldinger") or []
        )
        raise KuhrError(f"KUHR avviste meldingen (HTTP {response.status_code}): {texts}", codes)

    def status(self, message_id: str) -> kuhr_json.KuhrStatus:
        response = self._request("GET", f"{STATUS_PATH}/{message_id}")
        if response.status_code != 200:
            raise KuhrError(f"KUHR ga ikke status for {message_id} (HTTP {response.status_code}).")
        try:
            return kuhr_json.latest(kuhr_json.parse_status(kuhr_json.loads(response.content)))
        except (ValueError, ArithmeticError) as exc:  # incl. decimal.InvalidOperation
            raise KuhrError(f"KUHR svarte med en status oppgjor ikke kan lese: {exc}") from None
