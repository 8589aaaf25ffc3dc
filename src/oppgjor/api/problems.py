"""Errors as ``application/problem+json`` (RFC 9457), carrying the findings.

The caller's mistakes are 4xx, never a 500: a use case's refusal, a value that cannot be read,
a missing record, a conflict, a stale version. Only a programming error is a 500, and it says
nothing of what was asked (it is logged, masked)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from oppgjor.api.schemas import Problem, findings_out
from oppgjor.app.access import Invalid, Unauthenticated
from oppgjor.app.errors import Conflict, Forbidden, NotFound, Rejected, Stale, UseCaseError
from oppgjor.app.signin import Throttled
from oppgjor.core.findings import Finding, Location, Severity
from oppgjor.core.redact import redact
from oppgjor.store import StoreBusy, StoreDuplicate, StoreError

log = logging.getLogger("oppgjor.api")

MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "Ugyldig forespørsel",
    401: "Ikke innlogget",
    403: "Ingen tilgang",
    404: "Finnes ikke",
    405: "Metoden støttes ikke",
    409: "Konflikt",
    412: "Endret av noen andre",
    413: "For stor forespørsel",
    415: "Feil innholdstype",
    422: "Ugyldige verdier",
    428: "If-Match mangler",
    429: "For mange forsøk",
    500: "Intern feil",
    503: "Databasen er opptatt",
}


class ApiError(Exception):
    """An error raised in a route: its status and Norwegian detail."""

    def __init__(self, status: int, detail: str, findings: Sequence[Finding] = (),
                 headers: dict[str, str] | None = None) -> None:  # fmt: skip
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.findings = list(findings)
        self.headers = headers or {}


def problem(
    status: int, detail: str, *, instance: str | None = None, findings: Sequence[Finding] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:  # fmt: skip
    body = Problem(
        type="about:blank",
        title=TITLES.get(status, "Feil"), status=status, detail=redact(detail),
        instance=None if instance is None else redact(instance),
        findings=findings_out(list(findings)),
    )  # fmt: skip
    return JSONResponse(
        body.model_dump(), status_code=status, media_type=MEDIA_TYPE, headers=headers
    )


def _input_findings(errors: Sequence[Any]) -> list[Finding]:
    """Pydantic's complaints about the request as findings: where, and what (in Norwegian)."""
    found = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body",)]
        where = ".".join(loc[1:] if loc and loc[0] in ("query", "path", "header") else loc)
        found.append(
            Finding(
                "API_INVALID_INPUT", Severity.BLOCKING,
                f"«{where or 'forespørselen'}» kan ikke brukes: {_in_norwegian(error)}",
                Location("forespørsel", field=where), "api",
            )
        )  # fmt: skip
    return found


def _in_norwegian(error: Any) -> str:
    kind = str(error.get("type", ""))
    words = {
        "missing": "mangler",
        "int_parsing": "må være et heltall",
        "int_type": "må være et heltall",
        "float_parsing": "må være et tall",
        "decimal_parsing": "må være et tall",
        "bool_parsing": "må være true eller false",
        "date_from_datetime_parsing": "må være en dato (ÅÅÅÅ-MM-DD)",
        "date_parsing": "må være en dato (ÅÅÅÅ-MM-DD)",
        "datetime_parsing": "må være et tidspunkt (ÅÅÅÅ-MM-DDTTT:MM)",
        "datetime_from_date_parsing": "må være et tidspunkt (ÅÅÅÅ-MM-DDTTT:MM)",
        "string_type": "må være tekst",
        "string_too_long": "er for lang",
        "string_too_short": "er for kort",
        "greater_than_equal": "er for lite",
        "less_than_equal": "er for stort",
        "greater_than": "er for lite",
        "less_than": "er for stort",
        "enum": "er ikke en av de lovlige verdiene",
        "literal_error": "er ikke en av de lovlige verdiene",
        "json_invalid": "er ikke gyldig JSON",
        "model_attributes_type": "må være et JSON-objekt",
        "dict_type": "må være et JSON-objekt",
        "list_type": "må være en liste",
        "extra_forbidden": "er ikke et felt her",
    }
    return words.get(kind, "ugyldig verdi")


def install(app: FastAPI) -> None:
    """Turn every error into a problem response."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return problem(exc.status, exc.detail, instance=request.url.path,
                       findings=exc.findings, headers=exc.headers)  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        findings = _input_findings(exc.errors())
        return problem(422, "Forespørselen har ugyldige verdier; ingenting ble lagret.",
                       instance=request.url.path, findings=findings)  # fmt: skip

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "")
        if exc.status_code == 404 and detail == "Not Found":
            detail = "Ingen slik adresse i API-et."
        if exc.status_code == 405:
            detail = "Metoden støttes ikke på denne adressen."
        return problem(exc.status_code, detail, instance=request.url.path,
                       headers=dict(exc.headers or {}))  # fmt: skip

    @app.exception_handler(UseCaseError)
    async def _use_case(request: Request, exc: UseCaseError) -> JSONResponse:
        return use_case_problem(exc, request.url.path)

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> JSONResponse:
        if isinstance(exc, StoreBusy):
            return problem(503, str(exc), instance=request.url.path,
                           headers={"Retry-After": "1"})  # fmt: skip
        if isinstance(exc, StoreDuplicate):
            return problem(409, "Noen andre lagret det samme samtidig; hent på nytt.",
                           instance=request.url.path)  # fmt: skip
        return problem(409, str(exc), instance=request.url.path)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("uventet feil i %s %s: %s", request.method, request.url.path,
                  redact(f"{type(exc).__name__}: {exc}"))  # fmt: skip
        return problem(500, "En uventet feil oppstod; den er logget.", instance=request.url.path)


def use_case_problem(exc: UseCaseError, instance: str | None = None) -> JSONResponse:
    status, findings, headers = 400, [], {}
    if isinstance(exc, Rejected):
        status, findings = 422, exc.findings
    elif isinstance(exc, Stale):
        status = 412
    elif isinstance(exc, Conflict):
        status = 409
    elif isinstance(exc, NotFound):
        status = 404
    elif isinstance(exc, Forbidden):
        status = 403
    elif isinstance(exc, Unauthenticated):
        status, headers = 401, {"WWW-Authenticate": "Bearer"}
    elif isinstance(exc, Throttled):
        status, headers = 429, {"Retry-After": str(exc.retry_after)}
    elif isinstance(exc, Invalid):
        status = 422
    return problem(status, str(exc), instance=instance, findings=findings, headers=headers)
