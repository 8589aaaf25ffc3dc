"""The OpenAPI document as the API behaves: Norwegian descriptions of the answers, every
error as a problem, and the headers of optimistic locking and idempotency named where they
apply (FastAPI knows nothing of the middleware and the ETag helpers)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
IDEMPOTENCY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    "description": "Et nytt forsøk med samme nøkkel gir samme svar; ingenting lages to ganger.",
}  # fmt: skip
IF_MATCH = {
    "name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
    "description": "ETag-en du fikk; er posten endret av noen andre siden, blir svaret 412.",
}  # fmt: skip
CREATED_HEADERS = {
    "Location": {"description": "Adressen til det som ble laget.", "schema": {"type": "string"}},
    "ETag": {"description": "Versjonen (send den i If-Match).", "schema": {"type": "string"}},
}
WORDS = {"Successful Response": "Vellykket svar.", "Validation Error": "Ugyldige verdier."}


def _operation(path: str, method: str, op: dict[str, Any]) -> None:
    for code, answer in op.get("responses", {}).items():
        answer["description"] = WORDS.get(answer.get("description", ""), answer.get("description"))
        if code == "422":
            answer["content"] = PROBLEM
        if code == "201":
            answer.setdefault("headers", {}).update(CREATED_HEADERS)
    params = op.setdefault("parameters", [])
    if method == "post" and op.get("security"):
        params.append(IDEMPOTENCY)
    if method in ("patch", "put", "delete") or (method == "post" and "{" in path):
        params.append(IF_MATCH)


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version,
                              description=app.description, routes=app.routes)  # fmt: skip
            for path, ops in doc.get("paths", {}).items():
                for method, op in ops.items():
                    _operation(path, method, op)
            doc.get("components", {}).get("schemas", {}).pop("HTTPValidationError", None)
            doc.get("components", {}).get("schemas", {}).pop("ValidationError", None)
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
