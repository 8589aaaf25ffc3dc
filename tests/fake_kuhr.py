"""A fake KUHR Krav API on 127.0.0.1 for tests: it decrypts the JWE with its own key, refuses
unknown fields as the real one does (UKJENT_FELT), detects duplicates, and answers status
from the documented examples (shared/reference/helfo/kuhr-krav-api/examples-json)."""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from jwcrypto import jwe, jwk

import reference

# read when a FakeKuhr starts (a test without the shared material skips there)
EXAMPLES = reference.path("reference/helfo/kuhr-krav-api/examples-json")


def allowed_fields() -> dict[str, Any]:
    """The documented field tree, from the API's own all-fields example."""

    def tree(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: tree(v) for k, v in value.items()}
        if isinstance(value, list) and value:
            merged: dict[str, Any] = {}
            for item in value:
                sub = tree(item)
                if isinstance(sub, dict):
                    merged.update(sub)
            return [merged]
        return None

    reference.require()
    return tree(json.loads((EXAMPLES / "bkm_alle_felter.json").read_text()))


def unknown_fields(value: Any, schema: Any, path: str = "") -> list[str]:
    found = []
    if isinstance(value, dict):
        for key, sub in value.items():
            if not isinstance(schema, dict) or key not in schema:
                found.append(f"{path}.{key}".lstrip("."))
            else:
                found += unknown_fields(sub, schema[key], f"{path}.{key}")
    elif isinstance(value, list) and isinstance(schema, list):
        for item in value:
            found += unknown_fields(item, schema[0], path)
    return found


class FakeKuhr:
    def __init__(self) -> None:
        self.key = jwk.JWK.generate(kty="RSA", size=2048, kid="fake-kuhr-1")
        self.schema = allowed_fields()
        self.messages: dict[str, dict[str, Any]] = {}
        self.digests: dict[str, str] = {}
        self.reject: dict[str, tuple[int, str]] = {}  # claim number -> (merknad, text)
        self.fail_next = 0  # answer 503 this many times first
        self.requests: list[str] = []
        self.token = "test-token"
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeKuhr:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # what Helfo does after receiving ------------------------------------------------------
    def pay(self, message_id: str, date: str = "2026-01-07T23:45:57+01:00") -> None:
        self.messages[message_id]["paid"] = date

    def status(self, message_id: str) -> dict[str, Any]:
        stored = self.messages[message_id]
        template = json.loads(
            (EXAMPLES / "flyt_04_status_detaljer_2_avvist_1_godkjent.json").read_text()
        )
        row = copy.deepcopy(template["behandlerkravmeldinger"][0])
        claims, paid = [], 0.0
        decided = stored.setdefault("rejected", dict(self.reject))  # the control runs once
        for c in stored["body"]["behandlerkrav"]["regninger"]:
            number = c["regningsnummer"]
            if number in decided:
                remark = {"nummer": str(decided[number][0]), "tekst": decided[number][1]}
                claims.append({"status": "avvist", "guid": c["guid"], "regningsnummer": number,
                               "merknader": [remark]})  # fmt: skip
            else:
                claims.append({"status": "godkjent", "guid": c["guid"],
                               "regningsnummer": number, "merknader": []})  # fmt: skip
                paid += c["belop"]
        krav = stored["body"]["behandlerkrav"]
        row.update(behandlerkravmeldingId=message_id, praksisId=stored["body"]["praksisId"],
                   antallRegninger=len(claims), sumKravbelop=krav["belop"])  # fmt: skip
        row["innsending"]["regninger"] = claims
        if stored.get("paid"):
            paid_row = json.loads((EXAMPLES / "flyt_10_status_detaljer_utbetalt.json").read_text())
            row["utbetalingsstatus"] = paid_row["utbetalingsstatus"]
            row["vedtakId"] = paid_row["vedtakId"]
            row["sumUtbetaltbelop"] = round(paid, 2)
            row["vedtak"] = copy.deepcopy(paid_row["vedtak"])
            row["vedtak"]["utbetaling"]["belop"] = round(paid, 2)
            row["vedtak"]["utbetaling"]["utbetaltdato"] = stored["paid"]
            return row  # the documented final example is a bare object
        return {"behandlerkravmeldinger": [row]}

    def _receive(self, token: str) -> tuple[int, dict[str, Any]]:
        message = jwe.JWE()
        try:
            message.deserialize(token, key=self.key)
            body = json.loads(message.payload)
        except Exception:
            return 400, {
                "status": "feil_i_melding",
                "feilmeldinger": [{"kode": "UKJENT_FORMAT", "melding": "x"}],
            }
        message_id = str(uuid.uuid4())
        errors = [{"kode": "UKJENT_FELT", "melding": f} for f in unknown_fields(body, self.schema)]
        if "praksisId" not in body:
            errors.append({"kode": "MANGLER_PRAKSISID", "melding": "praksisId"})
        claims = (body.get("behandlerkrav") or {}).get("regninger") or []
        if any(not c.get("guid") for c in claims):
            errors.append({"kode": "MANGLER_GUID", "melding": "guid"})
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        if digest in self.digests:
            errors.append({"kode": "DUPLIKAT_KRAV", "melding": "allerede behandlet"})
            message_id = self.digests[digest]
        if errors:
            return 400, {"behandlerkravmeldingId": message_id, "status": "feil_i_melding",
                         "feilmeldinger": errors}  # fmt: skip
        self.digests[digest] = message_id
        self.messages[message_id] = {"body": body}
        return 200, {"behandlerkravmeldingId": message_id, "status": "mottatt"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _reply(self, code: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _guard(self) -> bool:
                fake.requests.append(f"{self.command} {self.path}")
                if fake.fail_next > 0:
                    fake.fail_next -= 1
                    self._reply(503, {"error": "unavailable"})
                    return False
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    self._reply(401, {"error": "unauthorized"})
                    return False
                return True

            def do_GET(self) -> None:
                if not self._guard():
                    return
                if self.path == "/kuhr/krav/v1/jwk":
                    self._reply(200, {"keys": [json.loads(fake.key.export_public())]})
                elif self.path.startswith("/kuhr/krav/v1/data/behandlerkravmelding/"):
                    message_id = self.path.rsplit("/", 1)[1]
                    if message_id not in fake.messages:
                        self._reply(404, {"error": "ukjent"})
                    else:
                        self._reply(200, fake.status(message_id))
                else:
                    self._reply(404, {"error": "ukjent sti"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                token = self.rfile.read(length).decode()
                if not self._guard():
                    return
                if self.path != "/kuhr/krav/v1/process/sendinnbehandlerkravmelding":
                    self._reply(404, {"error": "ukjent sti"})
                    return
                self._reply(*fake._receive(token))

        return Handler
