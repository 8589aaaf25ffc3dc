"""ISF: upload activity and start a run (a background job), follow its progress, read its
summary by area, month and DRG/STG/TFG with charts, its findings per code, and download its
results. The same use cases as ``oppgjor isf compute`` and ``POST /api/v1/isf/runs``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse

from oppgjor.access.domain.roles import Permission
from oppgjor.api import isf as api_isf
from oppgjor.app import jobs
from oppgjor.app.errors import UseCaseError
from oppgjor.app.isf import jobs as isf_jobs
from oppgjor.app.isf import runs as isf_app
from oppgjor.app.isf import uploads, views
from oppgjor.isf.domain.prices import Area
from oppgjor.store.jobs import DONE, FAILED
from oppgjor.web.charts import bar_chart
from oppgjor.web.deps import Page, page
from oppgjor.web.render import env, is_htmx, maaned, redirect, render

router = APIRouter()
READ = page(Permission.ISF_READ)
RUN = page(Permission.ISF_RUN)
RunId = Annotated[int, Path(ge=1, le=2_147_483_647)]
FindingCode = Annotated[str, Query(pattern=r"^[A-Z][A-Z0-9_]{0,59}$")]
OptionalFile = Annotated[UploadFile | None, File()]

AREAS = {"somatic": "Somatikk", "phv_tsb": "PHV/TSB"}
STATES = {"queued": "I kø", "running": "Kjører", "done": "Ferdig", "failed": "Feilet"}
LISTED = 50  # earlier runs on the start page
CHARTED_CODES = 12
RECORDS_PER_PAGE = 50


def points(value: Decimal | int | str) -> str:
    """ISF points as Norwegians write them, with three decimals: ``1\u00a0155,110``."""
    number = Decimal(str(value))
    text = f"{abs(number):,.3f}".replace(",", "\u00a0").replace(".", ",")
    return ("-" if number < 0 else "") + text


env.filters["isf_poeng"] = points


def _runner(request: Request) -> jobs.Runner:
    """The one job runner of the server (the API's): pages and API share it."""
    return api_isf.runner(getattr(request.app.state, "api", request.app))


@router.get("/isf")
def start_page(ctx: Page = READ) -> Response:
    return _start(ctx)


@router.get("/isf/kjoringer")
def run_list(request: Request, ctx: Page = READ) -> Response:
    """The list of runs (polled by the start page while a run is unfinished)."""
    if not is_htmx(request):
        return redirect(request, "/isf")
    return render(ctx, "isf/_runs.html", **_runs(ctx))


def _runs(ctx: Page) -> dict[str, Any]:
    found, total = isf_jobs.runs_page(ctx.db, 0, LISTED)
    return {"runs": found, "total": total, "states": STATES, "percent": views.percent}


def _start(ctx: Page, status: int = 200, error: str | None = None,
           year: str | None = None, **price: Any) -> Response:  # fmt: skip
    years = views.published_years(ctx.now.year)
    chosen = year or str(years[-1] if years else ctx.now.year)
    return render(ctx, "isf/index.html", status=status, section="isf", years=years, year=chosen,
                  error=error, max_mb=uploads.max_upload() // 2**20, areas=AREAS,
                  deadlines=isf_app.npr_deadlines(ctx.now.year), **_runs(ctx),
                  **price)  # fmt: skip


@router.get("/isf/pris")
def price(
    request: Request,
    aar: Annotated[str, Query(max_length=20)] = "",
    poeng: Annotated[str, Query(max_length=30)] = "",
    omrade: Annotated[str, Query(max_length=20)] = "somatic",
    ctx: Page = READ,
) -> Response:
    """Points × unit price × ISF share for a year (as ``isf price``)."""
    asked = {"aar": aar, "poeng": poeng, "omrade": omrade}
    found: dict[str, Any]
    try:
        found = {"line": views.price_line(_year(aar), _points(poeng), _area(omrade))}
        status = 200
    except UseCaseError as exc:
        found, status = {"price_error": str(exc)}, 422
    if is_htmx(request):
        return render(ctx, "isf/_price.html", status=status, areas=AREAS, **found)
    return _start(ctx, status, asked=asked, **found)


def _points(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or abs(value) >= Decimal(10) ** 12:
        raise UseCaseError(f"Skriv poengsummen som et tall, f.eks. 155,11 (ikke «{text}»).")
    return value


def _area(text: str) -> Area:
    if text not in AREAS:
        raise UseCaseError("Velg området: somatikk eller PHV/TSB.")
    return Area(text)


def _upload(file: UploadFile | None) -> uploads.Upload | None:
    """A file the form sent; None for a file field left empty."""
    if file is None or not file.filename:
        return None
    return uploads.Upload(file.filename, file.file)


def _year(text: str) -> int:
    value = text.strip()
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise uploads.UploadRefused(f"Året må være et årstall mellom 2000 og 2100, ikke "
                                    f"«{value[:10]}».")  # fmt: skip
    return int(value)


def _too_large(request: Request) -> bool:
    length = request.headers.get("content-length", "")
    return length.isdigit() and int(length) > uploads.max_upload() + 4 * uploads.MAX_SMALL


@router.post("/isf/kjoringer")
def start_run(
    request: Request,
    activity: OptionalFile = None,
    year: Annotated[str, Form(max_length=20)] = "",
    weights: OptionalFile = None,
    settings: OptionalFile = None,
    definitions: OptionalFile = None,
    names: OptionalFile = None,
    regroup: Annotated[str, Form(max_length=10)] = "",
    ctx: Page = RUN,
) -> Response:
    """Start a run on the uploaded files; a file that cannot be used is told on the form
    (nothing started)."""
    try:
        if _too_large(request):
            raise uploads.UploadTooLarge("Filene er for store.")
        given = _upload(activity)
        if given is None:
            raise uploads.UploadRefused("Velg aktivitetsfilen (CSV, Parquet eller NPR-XML).")
        extra = isf_jobs.RunFiles(_upload(weights), _upload(settings), _upload(definitions),
                                  _upload(names))  # fmt: skip
        job = isf_jobs.start_run(ctx.db, _runner(request), _year(year), given, extra,
                                 regroup=bool(regroup), actor=ctx.actor)  # fmt: skip
    except uploads.UploadRefused as exc:
        status = 413 if isinstance(exc, uploads.UploadTooLarge) else 422
        return _start(ctx, status, f"{exc} Ingen kjøring ble startet.", year[:20])
    return redirect(request, f"/isf/kjoring/{job.id}", f"Kjøring {job.id} er startet.")


@router.get("/isf/kjoring/{run_id}")
def run_page(run_id: RunId, ctx: Page = READ) -> Response:
    return render(ctx, "isf/run.html", section="isf", **_run(ctx, run_id))


@router.get("/isf/kjoring/{run_id}/fremdrift")
def run_progress(run_id: RunId, ctx: Page = READ) -> Response:
    """The run's part of the page (polled while it runs; the summary once it is done)."""
    return render(ctx, "isf/_run.html", **_run(ctx, run_id))


def _run(ctx: Page, run_id: int) -> dict[str, Any]:
    job = isf_jobs.run(ctx.db, run_id)
    data: dict[str, Any] = {"job": job, "percent": views.percent(job), "states": STATES,
                            "areas": AREAS, "result": job.result or {},
                            "ended": job.state in (DONE, FAILED)}  # fmt: skip
    if job.state == DONE:
        try:
            data.update(_summary(ctx, run_id))
        except UseCaseError as exc:
            data["missing"] = str(exc)
    return data


def _summary(ctx: Page, run_id: int) -> dict[str, Any]:
    found = isf_jobs.summary(ctx.db, run_id)
    result = found.job.result or {}
    months = views.by_month(found.rows)
    codes = views.by_code(found.rows)
    areas = [a for a in AREAS if any(a in m.points for m in months)]
    labels = [_month_label(m.month, months) for m in months]
    charted = codes[:CHARTED_CODES]
    return {
        "months": months, "codes": codes, "month_areas": areas,
        "month_chart": bar_chart(labels, {AREAS[a]: [m.points.get(a, 0) for m in months]
                                          for a in areas}, unit="poeng"),
        "code_chart": bar_chart([c.code for c in charted],
                                {"Poeng": [c.points for c in charted]}, unit="poeng"),
        "totals": result.get("totals", {}), "names": result.get("names", {}),
        "findings": views.findings(result.get("findings_by_code", {})),
        "bad_rows": result.get("bad_rows", [])[:50],
    }  # fmt: skip


def _month_label(month: str, months: list[views.MonthTotal]) -> str:
    """``jan``; with the year when the run spans more than one."""
    text = maaned(month)[:3]
    return text if len({m.month[:4] for m in months}) == 1 else f"{text} {month[2:4]}"


@router.get("/isf/kjoring/{run_id}/poster")
def records_page(
    run_id: RunId, fra: Annotated[int, Query(ge=0, le=2_000_000_000)] = 0, ctx: Page = READ
) -> Response:
    """A page of the run's per-record results."""
    job = isf_jobs.run(ctx.db, run_id)
    records, total = isf_jobs.records(ctx.db, run_id, fra, RECORDS_PER_PAGE)
    return render(ctx, "isf/records.html", section="isf", job=job, records=records, total=total,
                  start=fra, size=RECORDS_PER_PAGE)  # fmt: skip


@router.get("/isf/kjoring/{run_id}/funn")
def finding_records(run_id: RunId, kode: FindingCode, ctx: Page = READ) -> Response:
    """The records of a run with one finding code."""
    job = isf_jobs.run(ctx.db, run_id)
    records, count = views.records_with_finding(ctx.db, run_id, kode)
    meaning = next((f for f in views.findings({kode: count})), None)
    return render(ctx, "isf/finding.html", section="isf", job=job, code=kode, records=records,
                  count=count, meaning=meaning)  # fmt: skip


@router.get("/isf/kjoring/{run_id}/poster.csv")
def records_csv(run_id: RunId, ctx: Page = READ) -> Response:
    return _download(isf_jobs.records_csv(ctx.db, run_id), f"isf-{run_id}-poster.csv")


@router.get("/isf/kjoring/{run_id}/sammendrag.csv")
def summary_csv(run_id: RunId, ctx: Page = READ) -> Response:
    return _download(isf_jobs.summary_csv(ctx.db, run_id), f"isf-{run_id}-sammendrag.csv")


def _download(lines: Any, name: str) -> Response:
    return StreamingResponse(lines, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"',
                                      "Cache-Control": "no-store"})  # fmt: skip
