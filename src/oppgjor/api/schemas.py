"""Shapes every part of the API shares: findings, problems (RFC 9457) and pages."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from oppgjor.core.findings import Finding

T = TypeVar("T")


def _with_offset(value: datetime.datetime) -> datetime.datetime:
    """A stored time (local wall time, without a zone) with the server's UTC offset."""
    return value.astimezone() if value.tzinfo is None else value


Timestamp = Annotated[
    datetime.datetime, PlainSerializer(_with_offset, return_type=datetime.datetime)
]
"""A point in time in a response: RFC 3339 with its UTC offset (``2026-03-02T10:00:00+01:00``),
as the OpenAPI ``date-time`` format requires; the database keeps local wall time."""


class Strict(BaseModel):
    """A request body: an unknown field is refused (422), never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Where(BaseModel):
    kind: str = Field(description="Posttypen funnet gjelder (regning, serie, pasient, …).")
    ref: str | None = Field(description="Postens nøkkel.")
    field: str = Field(description="Feltet i posten.")
    row: int | None = Field(description="Linjen i en importert fil.")


class FindingOut(BaseModel):
    """Et funn fra en kontroll eller validering."""

    code: str = Field(description="Stabil kode (se docs/controls.md).")
    severity: str = Field(description="BLOCKING, WARNING eller INFO.")
    message: str = Field(description="Hva som er galt og hva som må rettes (bokmål).")
    location: str = Field(description="Hvor: oppgjør, regning, post og felt.")
    where: Where
    rule: str = Field(description="Regelen (og versjonen) som ga funnet.")
    link: str = Field(description="Posten som rettes, f.eks. serie/S005.")
    fix: str = Field(description="Kommandoen som retter funnet, når den finnes.")

    @classmethod
    def of(cls, finding: Finding) -> FindingOut:
        return cls.model_validate(finding.as_dict())


def findings_out(findings: list[Finding]) -> list[FindingOut]:
    return [FindingOut.of(f) for f in findings]


class Problem(BaseModel):
    """En feil (RFC 9457, application/problem+json), med funnene som forklarer den."""

    type: str = Field("about:blank", description="Feiltypen som URI.")
    title: str = Field(description="Kort beskrivelse av feiltypen.")
    status: int = Field(description="HTTP-statuskoden.")
    detail: str = Field("", description="Hva som gikk galt, på bokmål.")
    instance: str | None = Field(None, description="Forespørselens sti.")
    findings: list[FindingOut] = Field(default_factory=list, description="Funnene.")


class Page(BaseModel, Generic[T]):
    """En side av en liste."""

    items: list[T]
    total: int = Field(description="Antall treff i alt.")
    offset: int
    limit: int


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}, "description": text}
    for code, text in (
        (400, "Ugyldig forespørsel."),
        (401, "Ikke innlogget, eller ugyldig token."),
        (403, "Ingen tilgang til dette."),
        (404, "Finnes ikke."),
        (409, "I konflikt med det som er lagret."),
        (412, "Endret av noen andre siden du hentet det (If-Match)."),
        (422, "Ugyldige verdier; funnene sier hva."),
        (429, "For mange forsøk."),
        (503, "Databasen er opptatt; prøv igjen."),
    )
}
