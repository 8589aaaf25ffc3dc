"""The shapes of the clinic's records over HTTP, made from the registry's row specs: a record
is its fields as text, exactly the columns of its import file (identity numbers masked)."""

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, create_model

from oppgjor.api.deps import etag
from oppgjor.api.schemas import FindingOut, findings_out
from oppgjor.app.clinic import records
from oppgjor.app.clinic.kinds import KINDS, RecordKind
from oppgjor.app.clinic.records import Report
from oppgjor.app.clinic.tags import content_tag
from oppgjor.app.history import Entry
from oppgjor.clinic.adapters.rows import cell

MAX_FIELD = 2000  # characters of one field's value


def _as_text(value: Any) -> Any:
    """Numbers and booleans as a JSON import reads them (``ja``/``nei``); the rest as sent."""
    if isinstance(value, bool | int | float):
        return cell(value)
    return value


Text = Annotated[str, BeforeValidator(_as_text), StringConstraints(max_length=MAX_FIELD)]
FORBID = ConfigDict(extra="forbid")
CHANGES = "Bare feltene som sendes, endres; tom tekst eller null tømmer et valgfritt felt."
KEY = "Postens nøkkel i adressen: ref (en avtale uten ref: #id)."


class Change(BaseModel):
    before: Any = Field(description="Verdien før.")
    after: Any = Field(description="Verdien etter.")


class HistoryEntry(BaseModel):
    """En hendelse i postens historikk."""

    at: str = Field(description="Når (ISO 8601).")
    actor: str = Field(description="Hvem.")
    action: str = Field(description="Hva (stabil kode).")
    what: str = Field(description="Hva, på bokmål.")
    changes: dict[str, Change] = Field(description="Feltene som ble endret.")
    note: str = Field(description="Merknad (vist felt, eksportert fil).")

    @classmethod
    def of(cls, entry: Entry) -> "HistoryEntry":
        return cls.model_validate(entry.as_dict())


class ImportReport(BaseModel):
    """Hva en import gjorde."""

    kind: str
    rows: int = Field(description="Rader i filen.")
    created: int
    updated: int
    unchanged: int
    findings: list[FindingOut]

    @classmethod
    def of(cls, report: Report) -> "ImportReport":
        return cls(kind=report.kind, rows=report.rows, created=report.created,
                   updated=report.updated, unchanged=report.unchanged,
                   findings=findings_out(report.findings))  # fmt: skip


def changes_out(changes: dict[str, tuple[Any, Any]]) -> dict[str, Change]:
    return {name: Change(before=b, after=a) for name, (b, a) in changes.items()}


class Shapes:
    """One kind's models: the record shown, a new record, a change, and write results."""

    def __init__(self, kind: RecordKind) -> None:
        assert kind.rows is not None
        self.kind = kind
        self.spec = kind.rows
        name = kind.name.capitalize()
        columns = kind.rows.columns
        shown: dict[str, Any] = {c: (str, Field(description=h)) for c, h in columns.items()}
        self.out: type[BaseModel] = create_model(
            f"{name}Record", __doc__=kind.help, key=(str, Field(description=KEY)), **shown
        )
        given = {c: (Text | None, Field(None, description=h)) for c, h in columns.items()}
        self.new: type[BaseModel] = create_model(  # type: ignore[call-overload]
            f"New{name}", __config__=FORBID, **given
        )
        changeable = {c: v for c, v in given.items() if c != "ref"}
        self.change: type[BaseModel] = create_model(  # type: ignore[call-overload]
            f"{name}Changes", __config__=FORBID,
            __doc__=CHANGES,
            **changeable,
        )  # fmt: skip
        self.written: type[BaseModel] = create_model(
            f"{name}Written",
            record=(self.out, Field(description="Posten slik den er lagret.")),
            changes=(dict[str, Change], Field(description="Feltene som ble endret.")),
            findings=(list[FindingOut], Field(description="Advarsler og merknader.")),
        )

    def key(self, record: Any) -> str:
        return str(self.spec.key(record) or f"#{getattr(record, 'id', '')}")

    def row(self, record: Any) -> dict[str, str]:
        """The record's fields as text, its identity number masked, and its key."""
        return {"key": self.key(record), **self.spec.row_of(records.masked(self.kind.key, record))}

    def full_row(self, record: Any) -> dict[str, str]:
        """The fields as stored, identity number in full (a reveal, audited by the app)."""
        return {"key": self.key(record), **self.spec.row_of(record)}

    def shown(self, record: Any) -> BaseModel:
        return self.out.model_validate(self.row(record))

    def tag(self, record: Any) -> str:
        return etag(content_tag(self.spec, record))

    def result(self, record: Any, changes: dict[str, tuple[Any, Any]], findings: Any) -> BaseModel:
        return self.written.model_validate(
            {"record": self.row(record), "changes": changes_out(changes),
             "findings": findings_out(findings)}
        )  # fmt: skip


SHAPES: dict[str, Shapes] = {k.key: Shapes(k) for k in KINDS.values() if k.rows is not None}
