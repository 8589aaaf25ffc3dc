"""Oversikt: the start page."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from oppgjor.web.deps import Page, page
from oppgjor.web.render import render

router = APIRouter()


@router.get("/")
def overview(ctx: Page = page(None)) -> Response:
    return render(ctx, "overview.html", section="oversikt")
