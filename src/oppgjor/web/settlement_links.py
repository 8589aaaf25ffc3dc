"""Shared by the settlement pages: the settlement number in an address, a period from a form,
where a finding on a draft is fixed (the record's page, which brings the user back to the
settlement: ``tilbake``), and the sort and filter of a draft's claim list."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import quote, urlencode

from fastapi import Path

from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo.drafts import DraftRow
from oppgjor.core.findings import Finding
from oppgjor.helfo.domain.model import Claim

# a finding's link kind (oppgjor.helfo.domain.controls) -> (the page's address, the words)
PAGES = {
    "serie": ("/registre/series/{ref}", "Åpne serien"),
    "pasient": ("/registre/patients/{ref}", "Åpne pasienten"),
    "avtale": ("/planlegger/avtale/{ref}", "Åpne avtalen"),
    "behandler": ("/registre/practitioners/{ref}", "Åpne behandleren"),
    "takst": ("/registre/tariffs?q={ref}", "Åpne taksten"),
}

MAX_ID = 2**31 - 1
Number = Annotated[int, Path(ge=1, le=MAX_ID)]
Sort = Literal["dato", "pasient", "belop"]
SORTS: list[tuple[str, str]] = [("dato", "Dato"), ("pasient", "Pasient"), ("belop", "Beløp")]


@dataclass(frozen=True)
class Link:
    href: str
    text: str


def record_link(kind: str, ref: str, back: str) -> Link | None:
    """The page of a record of *kind* (``serie``, ``pasient``, …), returning to *back*."""
    if kind not in PAGES or not ref:
        return None
    address, text = PAGES[kind]
    query = urlencode({"tilbake": back})
    joined = "&" if "?" in address else "?"
    return Link(f"{address.format(ref=quote(ref, safe=''))}{joined}{query}", text)


def finding_link(finding: Finding, back: str) -> Link | None:
    """Where *finding* says it is fixed (``serie/S1``), if anywhere."""
    kind, _, ref = finding.link.partition("/")
    return record_link(kind, ref, back)


def claim_links(claim: Claim, back: str) -> list[Link]:
    """The records a claim is made from: its series, patient and appointment."""
    content = claim.content
    wanted = [("serie", content.series_ref or ""), ("pasient", content.patient_ref),
              ("avtale", claim.appointment_ref or "")]  # fmt: skip
    return [link for kind, ref in wanted if (link := record_link(kind, ref, back))]


def draft_address(number: int, sort: str, patient: str) -> str:
    """A draft's page, sorted and filtered as given (the defaults left out)."""
    query = {k: v for k, v in (("sorter", sort), ("pasient", patient)) if v and v != "dato"}
    return f"/oppgjor/{number}" + (f"?{urlencode(query)}" if query else "")


def arranged(rows: Sequence[DraftRow], sort: Sort, patient: str) -> list[DraftRow]:
    """The rows whose patient's name holds *patient* (any case), sorted by *sort*."""
    wanted = patient.strip().casefold()
    chosen = [r for r in rows if wanted in r.patient.casefold()]
    keys = {
        "dato": lambda r: (r.claim.content.service_time, r.claim.number),
        "pasient": lambda r: (r.patient.casefold(), r.claim.content.service_time),
        "belop": lambda r: (-r.claim.amount, r.claim.number),
    }
    return sorted(chosen, key=keys[sort])


def checked_period(
    first: datetime.date | None, last: datetime.date | None
) -> tuple[datetime.date, datetime.date] | None:
    """A period from a form: both days or neither, the first not after the last."""
    if first is None and last is None:
        return None
    if first is None or last is None:
        raise UseCaseError("Oppgi både fra- og til-dato for perioden; ingenting ble endret.")
    if first > last:
        raise UseCaseError(
            f"Perioden er snudd: fra {first:%d.%m.%Y} er etter til {last:%d.%m.%Y}; "
            "ingenting ble endret."
        )
    return first, last
