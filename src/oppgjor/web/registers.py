"""Registre: the clinic's records. The index with counts, the practice, a searchable list per
kind, series templates, each record's history and the import of Helfo's tariff data; one
record's page is :mod:`oppgjor.web.register_records`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from oppgjor.access.domain.roles import Permission
from oppgjor.app import history
from oppgjor.app.clinic import actions, checking, records, updates
from oppgjor.app.clinic.kinds import KINDS
from oppgjor.app.errors import Rejected, Stale
from oppgjor.clinic.adapters.practice_row import PRACTICE
from oppgjor.clinic.adapters.record_files import Format
from oppgjor.core.clock import FixedClock
from oppgjor.core.findings import Finding
from oppgjor.web import register_hours, register_records
from oppgjor.web.deps import Page, page
from oppgjor.web.register_forms import (
    EDITABLE,
    LISTED,
    TAG,
    back,
    back_text,
    by_field,
    changes,
    form_text,
    helps_of,
    kind_of,
    posted,
    record_url,
)
from oppgjor.web.render import redirect, render

router = APIRouter()
READ = Permission.RECORDS_READ
WRITE = Permission.RECORDS_WRITE
PER_PAGE = 50
MAX_UPLOAD = 50 * 1024 * 1024  # bytes
PRACTICE_FIELDS = list(PRACTICE.columns)


@router.get("/registre")
def index(ctx: Page = page(READ)) -> Response:
    counts = actions.counts(ctx.db)
    registers = [(k, KINDS[k].title, KINDS[k].help, counts[KINDS[k].title])
                 for k in (*LISTED, "templates")]  # fmt: skip
    practice = checking.shown_practice(ctx.db)
    return render(ctx, "registers/index.html", section="registre", registers=registers,
                  practice=practice)  # fmt: skip


# -- the practice ---------------------------------------------------------------------------


def _practice_page(ctx: Page, values: dict[str, str], findings: Sequence[Finding], tag: str,
                   status: int = 200, problem: str = "") -> Response:  # fmt: skip
    return render(ctx, "registers/practice.html", status=status, section="registre",
                  columns=PRACTICE_FIELDS, values=values, tag=tag, problem=problem,
                  helps=helps_of(PRACTICE.columns),
                  checked=by_field(findings, PRACTICE_FIELDS))  # fmt: skip


@router.get("/registre/praksis")
def practice(ctx: Page = page(READ)) -> Response:
    shown = checking.shown_practice(ctx.db)
    if shown is None:
        return _practice_page(ctx, {}, [], "")
    findings = checking.check_practice_values(ctx.db, {})
    return _practice_page(ctx, shown.row, findings, shown.tag)


@router.post("/registre/praksis/sjekk")
async def check_practice(ctx: Page = page(WRITE)) -> Response:
    shown = checking.shown_practice(ctx.db)
    values = await posted(ctx.request, PRACTICE_FIELDS)
    wanted = changes(values, shown.row if shown else {})
    findings = checking.check_practice_values(ctx.db, wanted)
    return render(ctx, "registers/_fields.html", section="registre", columns=PRACTICE_FIELDS,
                  values=values, checked=by_field(findings, PRACTICE_FIELDS), ref="praksis",
                  helps=helps_of(PRACTICE.columns),
                  kind=None)  # fmt: skip


@router.post("/registre/praksis")
async def save_practice(ctx: Page = page(WRITE)) -> Response:
    shown = checking.shown_practice(ctx.db)
    values = await posted(ctx.request, PRACTICE_FIELDS)
    tag = await form_text(ctx.request, TAG)
    wanted = changes(values, shown.row if shown else {})
    try:
        done = updates.set_practice(ctx.db, wanted, actor=ctx.actor, clock=FixedClock(ctx.now),
                                    expected=tag or None)  # fmt: skip
    except Stale as stale:
        return _practice_page(ctx, values, [], tag, 409, f"{stale} Ingenting ble lagret.")
    except Rejected as refused:
        return _practice_page(ctx, values, list(refused.findings), tag, 422,
                              "Ingenting ble lagret; rett feltene som er merket.")  # fmt: skip
    message = "Praksisen er lagret." if done.changes else "Ingen endringer å lagre."
    return redirect(ctx.request, "/registre/praksis", message)


@router.get("/registre/praksis/historikk")
def practice_history(ctx: Page = page(READ)) -> Response:
    entries, exists = history.history(ctx.db, "practice", None)
    return render(ctx, "registers/history.html", section="registre", noun="praksis", ref="",
                  entries=entries, exists=exists, url="/registre/praksis", target="",
                  back_label="")  # fmt: skip


# -- series templates -------------------------------------------------------------------------


@router.get("/registre/templates")
def templates(ctx: Page = page(READ)) -> Response:
    return render(ctx, "registers/templates.html", section="registre",
                  templates=actions.list_templates(ctx.db))  # fmt: skip


@router.post("/registre/templates")
async def save_template(ctx: Page = page(WRITE)) -> Response:
    """Save a series' values as a template (a template of that name is replaced)."""
    name = await form_text(ctx.request, "navn")
    series = await form_text(ctx.request, "serie")
    template, created = actions.save_template_from_series(
        ctx.db, name, series, FixedClock(ctx.now), actor=ctx.actor
    )
    said = "lagret" if created else "erstattet"
    return redirect(ctx.request, "/registre/templates", f"Malen «{template.name}» er {said}.")


@router.post("/registre/templates/{name}/slett")
def delete_template(name: str, ctx: Page = page(WRITE)) -> Response:
    actions.delete_template(ctx.db, name, actor=ctx.actor, clock=FixedClock(ctx.now))
    return redirect(ctx.request, "/registre/templates", f"Malen «{name}» er slettet.")


@router.get("/registre/templates/{name}/historikk")
def template_history(name: str, ctx: Page = page(READ)) -> Response:
    entries, exists = history.history(ctx.db, "template", name)
    return render(ctx, "registers/history.html", section="registre", noun="seriemal", ref=name,
                  entries=entries, exists=exists, url="/registre/templates", target="",
                  back_label="")  # fmt: skip


# -- tariffs: Helfo's open data ---------------------------------------------------------------


@router.post("/registre/tariffs/import")
async def import_tariffs(ctx: Page = page(WRITE)) -> Response:
    """Import a tariff file (Helfo's open ``takstkoder`` JSON, or oppgjor's CSV/JSON): all or
    nothing, and the report on the page."""
    part = (await ctx.request.form()).get("fil")
    if not isinstance(part, UploadFile) or not part.filename:
        return _tariffs(ctx, problem="Velg en fil å importere.", status=422)
    data = await part.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return _tariffs(ctx, problem="Filen er for stor (høyst 50 MB).", status=413)
    fmt: Format = "json" if part.filename.lower().endswith(".json") else "csv"
    try:
        report = records.import_file(ctx.db, "tariffs", data, fmt, clock=FixedClock(ctx.now),
                                     actor=ctx.actor)  # fmt: skip
    except Rejected as refused:
        return _tariffs(ctx, problem=f"{refused}", findings_list=list(refused.findings), status=422)
    return _tariffs(ctx, report=report)


def _tariffs(ctx: Page, status: int = 200, **data: Any) -> Response:
    return list_page(ctx, "tariffs", "", 1, status=status, **data)


# -- lists and history -------------------------------------------------------------------------


def list_page(ctx: Page, kind: str, q: str, side: int, status: int = 200,
              **data: Any) -> Response:  # fmt: skip
    entry = kind_of(kind, LISTED)
    rows, total = checking.search(ctx.db, kind, q, limit=PER_PAGE, offset=(side - 1) * PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    template = "registers/_rows.html" if _rows_only(ctx) else "registers/list.html"
    return render(ctx, template, status=status, section="registre", kind=entry, rows=rows,
                  total=total, q=q, side=side, pages=pages, editable=kind in EDITABLE,
                  **data)  # fmt: skip


def _rows_only(ctx: Page) -> bool:
    """An htmx search asks for the table only."""
    return ctx.request.headers.get("hx-target") == "treff"


@router.get("/registre/{kind}")
def listing(
    kind: str,
    q: str = Query("", max_length=100),
    side: int = Query(1, ge=1, le=1_000_000),
    ctx: Page = page(READ),
) -> Response:
    return list_page(ctx, kind, q, side)


@router.get("/registre/{kind}/{ref}/historikk")
def record_history(kind: str, ref: str, ctx: Page = page(READ)) -> Response:
    entry = kind_of(kind)
    entries, exists = history.history(ctx.db, entry.name, ref)
    target = back(ctx.request)
    return render(ctx, "registers/history.html", section="registre", noun=entry.noun, ref=ref,
                  entries=entries, exists=exists, url=record_url(kind, ref), target=target,
                  back_label=back_text(target))  # fmt: skip


# one record's routes, after the lists (``/registre/ny/{kind}`` before ``/{kind}/{ref}``)
router.routes.extend([*register_hours.router.routes, *register_records.router.routes])
