"""The tariff plate over HTTP: periods listed by code and date, the period valid on a date,
new periods added (a period is never changed: history stays), import and export."""

import datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from oppgjor.api import records as generic
from oppgjor.api.deps import Ctx
from oppgjor.api.record_shapes import SHAPES
from oppgjor.api.schemas import PROBLEM_RESPONSES, Page
from oppgjor.app.clinic import actions

KIND = "tariffs"
SHAPES_ = SHAPES[KIND]
TAG = "takstplakaten"
router = APIRouter(responses=PROBLEM_RESPONSES)
Code = Query(None, min_length=1, max_length=20, description="Takstkoden, f.eks. FBV01.")
On = Query(None, description="Bare periodene som gjelder denne datoen (ÅÅÅÅ-MM-DD).")

generic.add_files(SHAPES_, TAG, on=router)


@router.get(f"/{KIND}", response_model=Page[SHAPES_.out], tags=[TAG],  # type: ignore[name-defined]
            summary="List takstperioder", operation_id="list_tariffs",
            description="Takstplakatens perioder, filtrert på kode og dato, en side om "
            "gangen.")  # fmt: skip
def list_(
    code: str | None = Code, on: datetime.date | None = On, offset: int = generic.Offset,
    limit: int = generic.Limit, ctx: Ctx = generic.READ,
) -> dict[str, Any]:  # fmt: skip
    found = actions.tariff_periods(ctx.db, code=code, on=on)
    items = [SHAPES_.row(t) for t in found[offset : offset + limit]]
    return {"items": items, "total": len(found), "offset": offset, "limit": limit}


@router.get(f"/{KIND}/valid", response_model=SHAPES_.out, tags=[TAG],
            summary="Taksten som gjelder en dato", operation_id="tariff_on",
            description="Perioden av koden som gjelder datoen (404 hvis ingen); `specialty` "
            "velger fagområde når koden finnes i flere.")  # fmt: skip
def valid_on(
    code: str = Query(min_length=1, max_length=20, description="Takstkoden."),
    on: datetime.date = Query(description="Datoen (ÅÅÅÅ-MM-DD)."),
    specialty: str | None = Query(None, min_length=1, max_length=20, description="Fagområde."),
    ctx: Ctx = generic.READ,
) -> BaseModel:
    return SHAPES_.shown(actions.tariff_on(ctx.db, code, on, specialty))


@router.post(f"/{KIND}", status_code=201, response_model=SHAPES_.written, tags=[TAG],
             summary="Legg til en takstperiode", operation_id="add_tariff",
             description="En ny periode for en takstkode. Lagrede perioder endres aldri: en "
             "periode som ville skrive om historikken, gir 422.")  # fmt: skip
def add(body: SHAPES_.new, response: Response, ctx: Ctx = generic.WRITE) -> BaseModel:  # type: ignore[name-defined]
    made = generic.create_record(SHAPES_, body.model_dump(exclude_none=True), response, ctx)
    response.headers["Location"] = f"/api/v1/{KIND}?code={quote(str(body.code or ''), safe='')}"
    return made
