"""The clinic's registers over HTTP: one set of endpoints per kind of record in the registry
(:data:`oppgjor.app.clinic.kinds.KINDS`), so a new kind gets its endpoints.

Each kind ``/api/v1/<key>`` (``departments``, ``practitioners``, ``patients``, ``referrers``,
``series``): list a page, show one (ETag), create (201), change only the fields sent (PATCH,
``If-Match``), history, import a file, export a file (identity numbers masked). Tariffs and
appointments have their own modules and use the same pieces."""

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel

from oppgjor.access.domain.roles import Permission
from oppgjor.api.deps import Ctx, if_match, needs
from oppgjor.api.record_files import EXPORT_RESPONSES, IMPORT_BODY, Upload, export, upload
from oppgjor.api.record_shapes import SHAPES, HistoryEntry, ImportReport, Shapes
from oppgjor.api.schemas import PROBLEM_RESPONSES, Page
from oppgjor.app import history
from oppgjor.app.clinic import records, single, updates
from oppgjor.app.clinic.kinds import KINDS, RecordKind
from oppgjor.clinic.adapters.record_files import Format
from oppgjor.core.clock import FixedClock

router = APIRouter(responses=PROBLEM_RESPONSES)
READ = needs(Permission.RECORDS_READ)
WRITE = needs(Permission.RECORDS_WRITE)
MAX_LIMIT = 1000

Ref = Path(min_length=1, max_length=64, description="Postens nøkkel (ref).")
Offset = Query(0, ge=0, le=2_147_483_647, description="Hopp over så mange (neste side).")
Limit = Query(50, ge=1, le=MAX_LIMIT, description=f"Høyst så mange (1–{MAX_LIMIT}).")
Template = Query(None, min_length=1, max_length=100, description="Fyll tomme felt fra seriemalen.")

# the kinds served here; tariffs and appointments have their own rules (periods, the planner)
GENERIC = ("departments", "practitioners", "patients", "referrers", "series")


def location(kind: str, key: str) -> str:
    return f"/api/v1/{kind}/{quote(key, safe='')}"


def written(response: Response, shapes: Shapes, record: Any) -> None:
    response.headers["ETag"] = shapes.tag(record)


def add_list(shapes: Shapes, tag: str) -> None:
    kind = shapes.kind

    @router.get(f"/{kind.key}", response_model=Page[shapes.out], tags=[tag],  # type: ignore[name-defined]
                summary=f"List {kind.title}", operation_id=f"list_{kind.key}",
                description=f"{kind.help} En side om gangen; `total` er antall i alt.")  # fmt: skip
    def list_(offset: int = Offset, limit: int = Limit, ctx: Ctx = READ) -> dict[str, Any]:
        found, total = records.list_page(ctx.db, kind.key, limit=limit, offset=offset)
        items = [shapes.row(r) for r in found]
        return {"items": items, "total": total, "offset": offset, "limit": limit}


def add_show(shapes: Shapes, tag: str) -> None:
    kind = shapes.kind

    @router.get(f"/{kind.key}/{{ref}}", response_model=shapes.out, tags=[tag],
                summary=f"Vis en {kind.noun}", operation_id=f"show_{kind.name}",
                description="Posten, med `ETag` til bruk i `If-Match` når den endres.")  # fmt: skip
    def show(response: Response, ref: str = Ref, ctx: Ctx = READ) -> BaseModel:
        record = records.get_record(ctx.db, kind.key, ref)
        written(response, shapes, record)
        return shapes.shown(record)


def _template(template: str | None = Template) -> str | None:
    return template


def _no_template() -> None:
    return None


def template_of(kind: RecordKind) -> Any:
    """The ``template`` query parameter, for a kind that has templates (series) only."""
    return Depends(_template if kind.templated else _no_template)


def add_create(shapes: Shapes, tag: str) -> None:
    kind = shapes.kind
    New = shapes.new

    @router.post(f"/{kind.key}", status_code=201, response_model=shapes.written, tags=[tag],
                 summary=f"Registrer en ny {kind.noun}", operation_id=f"create_{kind.name}",
                 description="Feltene leses som i en import (samme verdier, samme meldinger). "
                 "Ugyldige verdier gir 422 med funnene, og ingenting lagres; en nøkkel som "
                 "finnes, gir 409. Send gjerne `Idempotency-Key`.")  # fmt: skip
    def create(
        body: New,  # type: ignore[valid-type]
        response: Response,
        template: str | None = template_of(kind),
        ctx: Ctx = WRITE,
    ) -> BaseModel:
        values = body.model_dump(exclude_none=True)  # type: ignore[attr-defined]
        return create_record(shapes, values, response, ctx, template)


def create_record(
    shapes: Shapes, values: dict[str, Any], response: Response, ctx: Ctx,
    template: str | None = None,
) -> BaseModel:  # fmt: skip
    """Create a record of *shapes*' kind: 201 with its Location and ETag."""
    kind = shapes.kind
    made = single.create(ctx.db, kind.key, values, template=template, actor=ctx.actor,
                         clock=clock_of(ctx), label=kind.noun)  # fmt: skip
    response.headers["Location"] = location(kind.key, made.key)
    written(response, shapes, made.record)
    return shapes.result(made.record, {}, made.report.findings)


def add_update(shapes: Shapes, tag: str) -> None:
    kind = shapes.kind
    Change = shapes.change

    @router.patch(f"/{kind.key}/{{ref}}", response_model=shapes.written, tags=[tag],
                  summary=f"Endre en {kind.noun}", operation_id=f"update_{kind.name}",
                  description="Bare feltene som sendes, endres; tom tekst eller null tømmer et "
                  "valgfritt felt. Med `If-Match` (ETag fra visningen) gir en post som er endret "
                  "av noen andre i mellomtiden 412, og ingenting endres.")  # fmt: skip
    def update(
        body: Change,  # type: ignore[valid-type]
        request: Request,
        response: Response,
        ref: str = Ref,
        template: str | None = template_of(kind),
        ctx: Ctx = WRITE,
    ) -> BaseModel:
        given = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        done = updates.update(
            ctx.db, kind.key, ref, {k: "" if v is None else v for k, v in given.items()},
            actor=ctx.actor, clock=clock_of(ctx), template=template, expected=if_match(request),
        )  # fmt: skip
        written(response, shapes, done.record)
        return shapes.result(done.record, done.changes, done.findings)


def add_history(shapes: Shapes, tag: str) -> None:
    kind = shapes.kind

    @router.get(f"/{kind.key}/{{ref}}/history", response_model=list[HistoryEntry], tags=[tag],
                summary=f"Historikken til en {kind.noun}", operation_id=f"history_{kind.name}",
                description="Hver endring: når, hvem, hva (ID-numre maskert).")  # fmt: skip
    def history_(ref: str = Ref, ctx: Ctx = READ) -> list[HistoryEntry]:
        entries, _ = history.history(ctx.db, kind.name, ref)
        return [HistoryEntry.of(e) for e in entries]


def add_files(shapes: Shapes, tag: str, on: APIRouter = router) -> None:
    """Import and export of *shapes*' kind, on the router *on*."""
    kind = shapes.kind

    @on.post(f"/{kind.key}/import", response_model=ImportReport, tags=[tag],
                 summary=f"Importer {kind.title}", operation_id=f"import_{kind.key}",
                 openapi_extra=IMPORT_BODY,
                 description="En CSV- eller JSON-fil som forespørselens innhold (`text/csv`, "
                 "`application/json`) eller som `multipart/form-data` (feltet `file`). Alt "
                 "eller ingenting: funn som stopper importen gir 422, og ingenting "
                 "lagres.")  # fmt: skip
    def import_(ctx: Ctx = WRITE, file: Upload = Depends(upload)) -> ImportReport:
        report = records.import_file(ctx.db, kind.key, file.data, file.fmt, clock=clock_of(ctx),
                                     actor=ctx.actor)  # fmt: skip
        return ImportReport.of(report)

    @on.get(f"/{kind.key}/export", response_class=Response, tags=[tag],
                responses=EXPORT_RESPONSES, summary=f"Eksporter {kind.title}",
                operation_id=f"export_{kind.key}",
                description="Alle postene som CSV eller JSON; ID-numre maskert.")  # fmt: skip
    def export_(
        format: Format = Query("csv", description="csv eller json."), ctx: Ctx = READ
    ) -> Response:
        return export(kind.key, records.export_text(ctx.db, kind.key, format, mask=True), format)


def clock_of(ctx: Ctx) -> FixedClock:
    """The time of the action, as the use cases read it."""
    return FixedClock(ctx.now)


def add_kind(key: str) -> None:
    shapes = SHAPES[key]
    tag = KINDS[key].title
    add_list(shapes, tag)
    add_files(shapes, tag)  # before /{ref}: "export" is not a record
    add_show(shapes, tag)
    add_create(shapes, tag)
    add_update(shapes, tag)
    add_history(shapes, tag)


for _key in GENERIC:
    add_kind(_key)

PATIENTS = SHAPES["patients"]


@router.post("/patients/{ref}/reveal", response_model=PATIENTS.out, tags=[KINDS["patients"].title],
             summary="Vis en pasients fulle ID-nummer", operation_id="reveal_patient",
             description="Pasienten med fullt fødselsnummer (eller D-nummer). Hvem som så det, "
             "og når, skrives i revisjonssporet.")  # fmt: skip
def reveal(response: Response, ref: str = Ref, ctx: Ctx = WRITE) -> BaseModel:
    response.headers["Cache-Control"] = "no-store"  # a full national id: kept by no one
    record = records.reveal(ctx.db, "patients", ref, actor=ctx.actor, at=ctx.now)
    return PATIENTS.out.model_validate(PATIENTS.full_row(record))
