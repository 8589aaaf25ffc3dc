"""The pieces the register pages' forms share: which kinds have pages, the values a form
posts, the fields it changed, the findings beside their fields, and the way back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request

from oppgjor.app.clinic.kinds import KINDS, RecordKind
from oppgjor.core.findings import Finding
from oppgjor.web.deps import safe_target
from oppgjor.web.render import alvor, felt

# the kinds with a page per record (tariff periods are never changed; templates are their own)
EDITABLE = ("departments", "practitioners", "patients", "referrers", "series")
LISTED = (*EDITABLE, "tariffs")
KEY = "ref"
TAG = "versjon"  # the hidden field carrying the record's content tag
BACK = "tilbake"
MAX_VALUE = 2000  # characters of one field's value


def kind_of(key: str, allowed: Sequence[str] = EDITABLE) -> RecordKind:
    """The kind of record a page address names (404 for any other)."""
    if key not in allowed:
        raise HTTPException(404)
    return KINDS[key]


def columns(kind: RecordKind) -> list[str]:
    assert kind.rows is not None
    return list(kind.rows.columns)


async def posted(request: Request, names: Iterable[str]) -> dict[str, str]:
    """The form's values of the fields *names* (those it sent), trimmed."""
    form = await request.form()
    values: dict[str, str] = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str):
            values[name] = value.strip()[:MAX_VALUE]
    return values


async def form_text(request: Request, name: str) -> str:
    value = (await request.form()).get(name)
    return value.strip() if isinstance(value, str) else ""


def changes(values: Mapping[str, str], shown: Mapping[str, str]) -> dict[str, str]:
    """The fields whose posted value differs from what the form showed (the key is never
    changed here; a masked identity number left as shown is not a change)."""
    return {k: v for k, v in values.items() if k != KEY and v != shown.get(k, "")}


def field_of(finding: Finding) -> str:
    """The record field a finding is about (``serie[S1].stay_type`` → ``stay_type``)."""
    return finding.where.field.rsplit(".", 1)[-1].split("[", 1)[0]


@dataclass
class Checked:
    """Findings split: the ones shown beside their field, and the rest."""

    inline: dict[str, str] = field(default_factory=dict)
    other: list[Finding] = field(default_factory=list)
    count: int = 0


def by_field(findings: Sequence[Finding], names: Iterable[str]) -> Checked:
    known = set(names)
    result = Checked(count=len(findings))
    for f in findings:
        name = field_of(f)
        if name in known:
            text = f"{alvor(f.severity)}: {f.message}"
            result.inline[name] = f"{result.inline[name]} {text}" if name in result.inline else text
        else:
            result.other.append(f)
    return result


def back(request: Request, value: str | None = None) -> str:
    """The page to return to (the ``tilbake`` parameter, on this site only), or empty."""
    target = value if value is not None else request.query_params.get(BACK, "")
    safe = safe_target(target)
    return safe if target and safe == target else ""


def with_back(url: str, target: str) -> str:
    return f"{url}?{BACK}={quote(target, safe='/')}" if target else url


def back_text(target: str) -> str:
    return "Tilbake til oppgjøret" if target.startswith("/oppgjor") else "Tilbake"


def record_url(kind: str, ref: str) -> str:
    return f"/registre/{kind}/{quote(ref, safe='')}"


def form_data(kind: RecordKind, values: Mapping[str, Any], findings: Sequence[Finding],
              **more: Any) -> dict[str, Any]:  # fmt: skip
    """What the record form template needs."""
    names = columns(kind)
    assert kind.rows is not None
    return {"kind": kind, "columns": names, "values": values, "helps": helps_of(kind.rows.columns),
            "checked": by_field(findings, names), **more}  # fmt: skip


def helps_of(described: Mapping[str, str]) -> dict[str, str]:
    """The fields' descriptions (as the import files have them) that say more than the
    field's label does: shown under the field."""
    return {c: h for c, h in described.items() if h.casefold() != felt(c).casefold()}
