"""Files over HTTP: an import's file as the request body (CSV, JSON or multipart) and an
export as a download."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from starlette.datastructures import UploadFile

from oppgjor.api.problems import ApiError
from oppgjor.clinic.adapters.record_files import Format

MAX_UPLOAD = 50 * 1024 * 1024  # bytes
TYPES: dict[str, Format] = {
    "text/csv": "csv", "application/csv": "csv", "text/plain": "csv",
    "application/json": "json",
}  # fmt: skip
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}

IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Filen.",
        "content": {"text/csv": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"type": "array", "items": {}}}},
    }
}  # fmt: skip


@dataclass(frozen=True)
class Upload:
    data: bytes
    fmt: Format


def _too_big() -> ApiError:
    return ApiError(413, f"Filen er for stor (høyst {MAX_UPLOAD // (1024 * 1024)} MB).")


async def upload(request: Request) -> Upload:
    """The file an import sends: the body itself, or the ``file`` part of a form."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD + 1024 * 1024:
        raise _too_big()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        return await _form_file(request)
    if media not in TYPES:
        raise ApiError(415, "Send filen som text/csv, application/json eller multipart/form-data.")
    data = await request.body()
    if len(data) > MAX_UPLOAD:
        raise _too_big()
    return Upload(data, TYPES[media])


async def _form_file(request: Request) -> Upload:
    try:
        form = await request.form()
    except Exception as exc:  # a malformed form is the caller's mistake
        raise ApiError(400, "Skjemaet kunne ikke leses (multipart/form-data).") from exc
    part = form.get("file")
    if not isinstance(part, UploadFile):
        raise ApiError(422, "Legg filen i feltet «file».")
    data = await part.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise _too_big()
    name = (part.filename or "").lower()
    media = (part.content_type or "").split(";")[0].strip().lower()
    fmt: Format = "json" if name.endswith(".json") or media == "application/json" else "csv"
    return Upload(data, fmt)


def export(kind: str, text: str, fmt: Format) -> Response:
    """A download of *text*, named after the kind."""
    return Response(
        content=text.encode("utf-8"), media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{kind}.{fmt}"'},
    )  # fmt: skip
