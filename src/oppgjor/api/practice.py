"""The practice, series templates, the overview counts and a patient's overview over HTTP."""

from typing import Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field, create_model

from oppgjor.access.domain.roles import Permission
from oppgjor.api.appointments import owner_of
from oppgjor.api.deps import Ctx, etag, if_match, needs
from oppgjor.api.record_shapes import FORBID, SHAPES, Change, Text, changes_out
from oppgjor.api.records import clock_of
from oppgjor.api.schemas import PROBLEM_RESPONSES, FindingOut, findings_out
from oppgjor.app.clinic import actions, updates
from oppgjor.app.clinic.tags import content_tag
from oppgjor.clinic.adapters.practice_row import PRACTICE
from oppgjor.clinic.domain.model import Practice, SeriesTemplate

router = APIRouter(responses=PROBLEM_RESPONSES)
READ = needs(Permission.RECORDS_READ)
WRITE = needs(Permission.RECORDS_WRITE)
TAG = "praksis og maler"

PracticeRecord: Any = create_model(  # type: ignore[call-overload]
    "PracticeRecord", __doc__="Praksisen.",
    **{c: (str, Field(description=h)) for c, h in PRACTICE.columns.items()},
)  # fmt: skip
PracticeValues: Any = create_model(  # type: ignore[call-overload]
    "PracticeValues", __config__=FORBID,
    __doc__="Feltene som settes; bare de som sendes, endres (tom tekst eller null tømmer).",
    **{c: (Text | None, Field(None, description=h)) for c, h in PRACTICE.columns.items()},
)  # fmt: skip


class PracticeWritten(BaseModel):
    record: PracticeRecord
    changes: dict[str, Change]
    findings: list[FindingOut]


def _practice(response: Response, practice: Practice) -> Any:
    response.headers["ETag"] = etag(content_tag(PRACTICE, practice))
    return PracticeRecord.model_validate(PRACTICE.row_of(practice))


def _written(
    write: Any, body: BaseModel, request: Request, response: Response, ctx: Ctx
) -> PracticeWritten:
    """Set or change the practice with *write* (the fields sent, the If-Match seen)."""
    done: updates.Update = write(ctx.db, _values(body), actor=ctx.actor, clock=clock_of(ctx),
                                 expected=if_match(request))  # fmt: skip
    return PracticeWritten(
        record=_practice(response, done.record), changes=changes_out(done.changes),
        findings=findings_out(done.findings),
    )  # fmt: skip


def _values(body: BaseModel) -> dict[str, str]:
    return {k: "" if v is None else v for k, v in body.model_dump(exclude_unset=True).items()}


@router.get("/practice", response_model=PracticeRecord, tags=[TAG], summary="Praksisen",
            operation_id="show_practice")  # fmt: skip
def show_practice(response: Response, ctx: Ctx = READ) -> Any:
    return _practice(response, actions.get_practice(ctx.db))


@router.put("/practice", response_model=PracticeWritten, tags=[TAG],
            summary="Registrer praksisen", operation_id="set_practice",
            description="Registrerer praksisen, eller endrer feltene som sendes når den finnes "
            "(som «oppgjor practice set»). `If-Match`: 412 hvis den er endret av noen "
            "andre.")  # fmt: skip
def set_practice(
    body: PracticeValues, request: Request, response: Response, ctx: Ctx = WRITE
) -> PracticeWritten:
    return _written(updates.set_practice, body, request, response, ctx)


@router.patch("/practice", response_model=PracticeWritten, tags=[TAG],
              summary="Endre praksisen", operation_id="update_practice",
              description="Bare feltene som sendes, endres (404 hvis praksisen ikke er "
              "registrert). `If-Match`: 412 hvis den er endret av noen andre.")  # fmt: skip
def update_practice(
    body: PracticeValues, request: Request, response: Response, ctx: Ctx = WRITE
) -> PracticeWritten:
    return _written(updates.update_practice, body, request, response, ctx)


# -- series templates ----------------------------------------------------------------------

Name = Path(min_length=1, max_length=100, description="Malens navn.")


class Template(BaseModel):
    """En seriemal: standardverdier som fyller tomme felt i en serie."""

    name: str
    values: dict[str, Any]

    @classmethod
    def of(cls, t: SeriesTemplate) -> "Template":
        return cls(name=t.name, values={k: str(v) for k, v in t.values.items()})


class NewTemplate(BaseModel):
    model_config = FORBID
    name: str = Field(min_length=1, max_length=100, description="Malens navn.")
    from_series: str = Field(min_length=1, max_length=64, description="Serien verdiene hentes fra.")


@router.get("/templates", response_model=list[Template], tags=[TAG], summary="Seriemaler",
            operation_id="list_templates")  # fmt: skip
def list_templates(ctx: Ctx = READ) -> list[Template]:
    return [Template.of(t) for t in actions.list_templates(ctx.db)]


@router.get("/templates/{name}", response_model=Template, tags=[TAG], summary="Vis en seriemal",
            operation_id="show_template")  # fmt: skip
def show_template(name: str = Name, ctx: Ctx = READ) -> Template:
    return Template.of(actions.get_template(ctx.db, name))


@router.post("/templates", status_code=201, response_model=Template, tags=[TAG],
             summary="Lagre en series verdier som mal", operation_id="save_template",
             description="Samme navn overskriver malen. Brukes med `?template=` når en serie "
             "lages eller endres: tomme felt fylles fra malen.")  # fmt: skip
def save_template(body: NewTemplate, response: Response, ctx: Ctx = WRITE) -> Template:
    template, _ = actions.save_template_from_series(
        ctx.db, body.name, body.from_series, clock_of(ctx), actor=ctx.actor
    )
    response.headers["Location"] = f"/api/v1/templates/{template.name}"
    return Template.of(template)


@router.delete("/templates/{name}", status_code=204, tags=[TAG], summary="Slett en seriemal",
               operation_id="delete_template")  # fmt: skip
def delete_template(name: str = Name, ctx: Ctx = WRITE) -> Response:
    actions.delete_template(ctx.db, name, actor=ctx.actor, clock=clock_of(ctx))
    return Response(status_code=204)


# -- overviews -----------------------------------------------------------------------------


class Overview(BaseModel):
    """Praksisen og hvor mye som er registrert."""

    practice: PracticeRecord | None
    counts: dict[str, int] = Field(description="Antall poster per type (norsk navn).")


@router.get("/overview", response_model=Overview, tags=[TAG], summary="Oversikt",
            operation_id="overview",
            description="Praksisen og hvor mye som er registrert (som «oppgjor "
            "overview»).")  # fmt: skip
def overview(ctx: Ctx = READ) -> Overview:
    practice, counts = actions.overview(ctx.db)
    shown = None if practice is None else PracticeRecord.model_validate(PRACTICE.row_of(practice))
    return Overview(practice=shown, counts=counts)


SeriesRecord: Any = SHAPES["series"].out
AppointmentRecord: Any = SHAPES["appointments"].out
PatientOverview: Any = create_model(
    "PatientOverview", __doc__="En pasients serier og avtaler.",
    series=(list[SeriesRecord], ...), appointments=(list[AppointmentRecord], ...),
)  # fmt: skip


@router.get("/patients/{ref}/overview", response_model=PatientOverview,
            tags=[SHAPES["patients"].kind.title], summary="En pasients serier og avtaler",
            operation_id="patient_overview",
            description="Som «oppgjor patient-overview». En behandler ser bare sine egne "
            "avtaler.")  # fmt: skip
def patient_overview(
    ref: str = Path(min_length=1, max_length=64, description="Pasientens nøkkel (ref)."),
    limit: int = Query(50, ge=1, le=1000, description="Høyst så mange avtaler."),
    ctx: Ctx = READ,
) -> Any:
    series, found = actions.patient_overview(ctx.db, ref, limit, owner=owner_of(ctx))
    return {"series": [SHAPES["series"].row(s) for s in series],
            "appointments": [SHAPES["appointments"].row(a) for a in found]}  # fmt: skip
