"""ISF: runs on an uploaded activity file as background jobs, their summary and records,
the NPR deadlines, pricing points and grouping cases (as ``oppgjor isf …``)."""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from oppgjor.access.domain.roles import Permission
from oppgjor.api.deps import Ctx, needs
from oppgjor.api.problems import ApiError
from oppgjor.api.schemas import PROBLEM_RESPONSES, Page, Timestamp
from oppgjor.app import jobs
from oppgjor.app.isf import jobs as isf_jobs
from oppgjor.app.isf import runs as isf_app
from oppgjor.app.isf import uploads
from oppgjor.isf.domain.prices import Area
from oppgjor.store.jobs import JobRow

READ = needs(Permission.ISF_READ)
RUN = needs(Permission.ISF_RUN)
RunId = Annotated[int, Path(ge=1, le=2_147_483_647, description="Kjøringens nummer.")]
Year = Annotated[int, Query(ge=2000, le=2100, description="Året.")]
_lock = threading.Lock()


def runner(app: FastAPI) -> jobs.Runner:
    """The app's job runner, made (and the jobs a previous process left failed) on first
    use: at start-up, or by the first request that needs it."""
    with _lock:
        found: jobs.Runner | None = getattr(app.state, "job_runner", None)
        if found is None:
            found = jobs.Runner(app.state.db, app.state.clock)
            found.recover()
            app.state.job_runner = found
        return found


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    await run_in_threadpool(runner, app)
    yield
    with _lock:
        made: jobs.Runner | None = getattr(app.state, "job_runner", None)
        app.state.job_runner = None  # a later start (or request) makes a new one
    if made is not None:
        await run_in_threadpool(made.shutdown)


router = APIRouter(tags=["ISF"], responses=PROBLEM_RESPONSES, lifespan=lifespan)


class Amounts(BaseModel):
    points: Decimal = Field(description="Poeng (tre desimaler).")
    kroner: Decimal = Field(description="Kroner av de summerte poengene, avrundet én gang.")


class CodeAmounts(Amounts):
    code: str = Field(description="DRG, STG eller TFG.")
    name: str | None = Field(description="Kodens navn, der det er kjent.")


class RunOut(BaseModel):
    """En ISF-kjøring: tilstand, fremdrift og tall når den er ferdig."""

    id: int
    state: str = Field(description="queued, running, done eller failed.")
    progress_percent: int = Field(ge=0, le=100, description="Hvor langt kjøringen er kommet.")
    year: int
    file_name: str = Field(description="Navnet på den opplastede aktivitetsfilen.")
    records: int | None = Field(description="Poster som er beregnet (når ferdig).")
    findings: int | None = Field(description="Poster med funn (når ferdig).")
    bad_rows: int | None = Field(description="Rader som ikke kunne brukes (når ferdig).")
    error: str | None = Field(description="Hvorfor kjøringen feilet.")
    created_by: str
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None

    @classmethod
    def of(cls, job: JobRow) -> RunOut:
        result = job.result or {}
        done = job.state == "done"
        percent = 100 if done else int(100 * job.done / job.total) if job.total else 0
        return cls(
            id=job.id, state=job.state, progress_percent=max(0, min(percent, 100)),
            year=job.parameters.get("year", 0), file_name=job.parameters.get("file_name", ""),
            records=result.get("records"), findings=result.get("findings"),
            bad_rows=result.get("bad_row_count"), error=job.error, created_by=job.created_by,
            created_at=job.created_at, started_at=job.started_at, finished_at=job.finished_at,
        )  # fmt: skip


class SummaryRowOut(BaseModel):
    area: str = Field(description="somatic eller phv_tsb.")
    month: str = Field(description="ÅÅÅÅ-MM.")
    code: str = Field(description="DRG, STG eller TFG.")
    institution: str
    records: int
    points: Decimal
    kroner: Decimal | None = Field(description="Kroner, der årets pris er kjent.")


class BadRow(BaseModel):
    line: int = Field(description="Linjen i filen.")
    reason: str = Field(description="Hvorfor raden ikke kunne brukes.")


class RunSummaryOut(BaseModel):
    """Sammendraget av en ferdig kjøring: per område, og per område, måned og DRG/STG/TFG."""

    run: RunOut
    synthetic_weights: bool = Field(description="Beregnet med SYNTETISKE demovekter.")
    warnings: list[str]
    totals: dict[str, Amounts] = Field(description="Per område.")
    top_codes: list[CodeAmounts] = Field(description="Kodene med flest poeng.")
    findings_by_code: dict[str, int]
    bad_rows: list[BadRow] = Field(description="De første radene som ikke kunne brukes.")
    rows: list[SummaryRowOut]


class DeadlineOut(BaseModel):
    year: int
    tertial: int
    period_start: datetime.date
    period_end: datetime.date
    first: datetime.date = Field(description="Første dataleveranse.")
    final: datetime.date = Field(description="Andre og siste dataleveranse.")
    rule: str


class PriceOut(BaseModel):
    year: int
    area: Area
    points: Decimal
    kroner: Decimal = Field(description="Poeng × enhetspris × ISF-andel.")


class GroupedOut(BaseModel):
    case: str = Field(description="RegelNr.")
    expected: list[str] = Field(description="Forventet DRG og rad.")
    found: list[str] | None = Field(description="Funnet DRG og rad (ingen: null).")
    passed: bool


def _upload(file: UploadFile | None) -> uploads.Upload | None:
    return None if file is None else uploads.Upload(file.filename or "", file.file)


def _partition(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,4})/(\d{1,4})", text)
    if match is None:
        raise ApiError(422, f"Ugyldig partisjon «{text[:20]}»; skriv K/N, f.eks. 0/4.")
    return int(match[1]), int(match[2])


def _small_enough(request: Request) -> None:
    """Refuse a body larger than the largest upload before it is read (413)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > uploads.max_upload() + 4 * uploads.MAX_SMALL:
        raise ApiError(413, "Filen er for stor.")


def _refused(exc: uploads.UploadRefused) -> ApiError:
    return ApiError(413 if isinstance(exc, uploads.UploadTooLarge) else 422, str(exc))


@router.post(
    "/isf/runs", status_code=202, response_model=RunOut, summary="Start en ISF-kjøring",
    description="Last opp aktiviteten (CSV, Parquet eller NPR-melding XML) og eventuelt årets "
    "vekttabell, innstillinger, definisjonsdata og navn, som for «oppgjor isf compute». "
    "Kjøringen går i bakgrunnen; svaret (202) peker på den i Location. En fil som ikke kan "
    "brukes, avvises med 422 når det kan ses med en gang, ellers feiler kjøringen med årsaken.",
    dependencies=[Depends(_small_enough)],
)  # fmt: skip
def start_run(
    request: Request,
    activity: Annotated[UploadFile, File(description="Aktiviteten: CSV, Parquet eller XML.")],
    year: Annotated[int, Form(ge=2000, le=2100, description="ISF-året.")],
    weights: Annotated[UploadFile | None, File(description="Årets vekttabell (CSV).")] = None,
    settings: Annotated[UploadFile | None, File(description="Priser og andeler (YAML).")] = None,
    definitions: Annotated[
        UploadFile | None, File(description="NordDRG-definisjonsdata (zip eller json).")
    ] = None,
    names: Annotated[UploadFile | None, File(description="Navn på koder (CSV).")] = None,
    regroup: Annotated[bool, Form(description="Grupper også poster med DRG.")] = False,
    partition: Annotated[
        str | None, Form(max_length=20, description="Bare pasientene i del K av N, f.eks. 0/4.")
    ] = None,
    ctx: Ctx = RUN,
) -> Any:
    extra = isf_jobs.RunFiles(_upload(weights), _upload(settings), _upload(definitions),
                              _upload(names))  # fmt: skip
    try:
        job = isf_jobs.start_run(
            ctx.db, runner(request.app), year, uploads.Upload(activity.filename or "",
            activity.file), extra, regroup=regroup, partition=_partition(partition),
            actor=ctx.actor,
        )  # fmt: skip
    except uploads.UploadRefused as exc:
        raise _refused(exc) from None
    location = str(request.url_for("get_run", run_id=job.id).path)
    return _json(RunOut.of(job), 202, {"Location": location})


def _json(model: BaseModel, status: int, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse(model.model_dump(mode="json"), status_code=status, headers=headers)


@router.get("/isf/runs", response_model=Page[RunOut], summary="ISF-kjøringer",
            description="Kjøringene, nyeste først.")  # fmt: skip
def list_runs(
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ctx: Ctx = READ,
) -> Page[RunOut]:
    found, total = isf_jobs.runs_page(ctx.db, offset, limit)
    return Page[RunOut](items=[RunOut.of(j) for j in found], total=total, offset=offset,
                        limit=limit)  # fmt: skip


@router.get("/isf/runs/{run_id}", response_model=RunOut, summary="En ISF-kjøring",
            description="Tilstand, fremdrift i prosent og antall funn.")  # fmt: skip
def get_run(run_id: RunId, ctx: Ctx = READ) -> RunOut:
    return RunOut.of(isf_jobs.run(ctx.db, run_id))


@router.get(
    "/isf/runs/{run_id}/summary", response_model=RunSummaryOut, summary="Sammendrag av en kjøring",
    description="Poeng og kroner per område, de største kodene, og per område, måned, DRG/STG/TFG "
    "og institusjon (som «isf compute --summary»). 409 til kjøringen er ferdig.",
)  # fmt: skip
def run_summary(run_id: RunId, ctx: Ctx = READ) -> RunSummaryOut:
    found = isf_jobs.summary(ctx.db, run_id)
    result = found.job.result or {}
    names: dict[str, str] = result.get("names", {})
    return RunSummaryOut(
        run=RunOut.of(found.job), synthetic_weights=result.get("synthetic_weights", False),
        warnings=result.get("warnings", []), findings_by_code=result.get("findings_by_code", {}),
        totals={a: Amounts(points=Decimal(p), kroner=Decimal(k))
                for a, (p, k) in result.get("totals", {}).items()},
        top_codes=[CodeAmounts(code=c, name=names.get(c), points=Decimal(p), kroner=Decimal(k))
                   for c, p, k in result.get("top_codes", [])],
        bad_rows=[BadRow(line=n, reason=why) for n, why in result.get("bad_rows", [])],
        rows=[SummaryRowOut(**r.__dict__) for r in found.rows],
    )  # fmt: skip


@router.get(
    "/isf/runs/{run_id}/records", response_model=Page[dict[str, str]],
    summary="Resultat per post", description="En side av resultatet per post (kolonnene som i "
    "«isf compute --output»); fødselsnumre maskert. 409 til kjøringen er ferdig.",
)  # fmt: skip
def run_records(
    run_id: RunId,
    offset: Annotated[int, Query(ge=0, le=2_000_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ctx: Ctx = READ,
) -> Page[dict[str, str]]:
    page, total = isf_jobs.records(ctx.db, run_id, offset, limit)
    return Page[dict[str, str]](items=page, total=total, offset=offset, limit=limit)


@router.get(
    "/isf/runs/{run_id}/records.csv", summary="Resultat per post som CSV",
    description="Hele resultatet per post som CSV; fødselsnumre maskert.",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                     "description": "CSV, én linje per post."}},
)  # fmt: skip
def run_records_csv(run_id: RunId, ctx: Ctx = READ) -> StreamingResponse:
    lines = isf_jobs.records_csv(ctx.db, run_id)
    return StreamingResponse(
        lines, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="isf-{run_id}.csv"'},
    )  # fmt: skip


@router.get("/isf/deadlines", response_model=list[DeadlineOut], summary="NPR-frister",
            description="Første og siste leveranse til NPR per tertial i året.")  # fmt: skip
def deadlines(year: Year, ctx: Ctx = READ) -> list[DeadlineOut]:
    return [DeadlineOut(**d.__dict__) for d in isf_app.npr_deadlines(year)]


@router.get("/isf/price", response_model=PriceOut, summary="ISF-refusjon for en poengsum",
            description="Poeng × enhetspris × ISF-andel for året (som «isf price»).")  # fmt: skip
def price(
    year: Year,
    points: Annotated[str, Query(min_length=1, max_length=20, description="F.eks. 155,11.")],
    area: Annotated[Area, Query(description="somatic eller phv_tsb.")] = Area.SOMATIC,
    ctx: Ctx = READ,
) -> PriceOut:
    try:
        value = Decimal(points.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ApiError(422, f"Ugyldig poengsum «{points}».") from None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 12:
        raise ApiError(422, f"Ugyldig poengsum «{points}».")
    kroner = isf_app.price(year, value, area, None)
    return PriceOut(year=year, area=area, points=value, kroner=kroner)


@router.post(
    "/isf/group", response_model=list[GroupedOut], summary="Grupper kasus",
    description="Grupper kasusene i en fil i NordDRG-regresjonsformat med definisjonsdataene "
    "(zip eller json) og sammenlign med forventet DRG (som «isf group»).",
)  # fmt: skip
def group(
    definitions: Annotated[UploadFile, File(description="Definisjonsdata: zip eller json.")],
    cases: Annotated[UploadFile, File(description="Kasusfil: RegelNr;DRGKode;regel;streng.")],
    ctx: Ctx = RUN,
) -> list[GroupedOut]:
    try:
        results = uploads.group_uploaded(
            uploads.Upload(definitions.filename or "", definitions.file),
            uploads.Upload(cases.filename or "", cases.file),
        )
    except uploads.UploadRefused as exc:
        raise _refused(exc) from None
    return [
        GroupedOut(case=r.number, expected=[r.expected_drg, r.expected_row],
                   found=[r.found.drg, str(r.found.ord)] if r.found else None, passed=r.passed)
        for r in results
    ]  # fmt: skip
