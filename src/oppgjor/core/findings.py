"""Findings: what controls and validations return instead of raising.

A finding has a stable ``code`` (public API, listed in docs/controls.md), a ``severity``,
a Norwegian ``message`` for the clinic user, a structured ``where`` (what record and field,
rendered as the ``location`` text) and the ``rule`` (name, or the dated parameter versions it
used: ``name@YYYY-MM-DD``) that produced it.
"""

from __future__ import annotations

import re
import shlex
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

T = TypeVar("T")
C = TypeVar("C")

_ROW = re.compile(r"rad (0|[1-9][0-9]*)(?:\.(.+))?", re.DOTALL)
_RECORD = re.compile(r"([^.\[\]]+)\[([^\]]*)\](?:\.(.+))?", re.DOTALL)


class Severity(StrEnum):
    BLOCKING = "BLOCKING"
    WARNING = "WARNING"
    INFO = "INFO"


def _join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding points: a record (``kind`` in the user's words and its ``ref``), a
    ``field`` path inside it, and for a record read from a file, the ``row`` it came from.
    It renders as the text the user sees:

    >>> str(Location("regning", "1042", "takst[0]"))
    'regning[1042].takst[0]'
    >>> str(Location("pasient", "P1", "id_value", row=3))
    'rad 3.pasient[P1].id_value'
    >>> str(Location("praksis", field="org_nr")), str(Location("oppgjør", "7"))
    ('praksis.org_nr', 'oppgjør[7]')

    A finding about one record seen from another keeps the outer record and puts the inner
    one in the field path, so the claim a finding belongs to is always ``kind``/``ref``:

    >>> Location("serie", "S1", "stay_type").within(Location("regning", "5"))
    Location(kind='regning', ref='5', field='serie[S1].stay_type', row=None)
    """

    kind: str = ""  # regning, oppgjør, serie, pasient, behandler, avtale, takst, praksis, …
    ref: str | None = None  # the record's key (claim number, settlement id, the clinic's ref)
    field: str = ""  # a path inside the record: ``service_time``, ``takst[0]``, ``serie[S1].x``
    row: int | None = None  # the line of an import file the record came from

    def __post_init__(self) -> None:
        if self.ref is not None and not self.kind:
            raise ValueError(f"Location: ref {self.ref!r} without a kind")

    @property
    def record(self) -> str:
        """``kind[ref]``, or the kind alone for a record without a key (``praksis``)."""
        return f"{self.kind}[{self.ref}]" if self.ref is not None else self.kind

    def __str__(self) -> str:
        return _join(f"rad {self.row}" if self.row is not None else "", self.record, self.field)

    def key(self, kind: str) -> str | None:
        """The record's ref, if this points into a record of *kind* (e.g. a claim)."""
        return self.ref if self.kind == kind else None

    def same_record(self, other: Location) -> bool:
        """Whether both point into the same record (same kind and ref)."""
        return bool(self.kind) and (self.kind, self.ref) == (other.kind, other.ref)

    def child(self, field: str) -> Location:
        """A field inside this location."""
        return Location(self.kind, self.ref, _join(self.field, field), self.row)

    def within(self, outer: Location) -> Location:
        """This location seen from *outer*: an import row adds its row number; a record keeps
        this one in its field path. The text is ``outer.this``, except that a record seen
        from itself is named once:

        >>> str(Location("serie", "S1", "department_ref").within(Location("serie", "S1")))
        'serie[S1].department_ref'
        """
        if not outer.kind and not outer.field and (outer.row is None or self.row is None):
            row = outer.row if outer.row is not None else self.row
            return Location(self.kind, self.ref, self.field, row)
        if self.same_record(outer) and not outer.field and (outer.row is None or self.row is None):
            # the record seen from itself (a record saved on its own is labelled with its
            # own kind and ref): named once, not ``serie[S1].serie[S1].x``
            row = outer.row if outer.row is not None else self.row
            return Location(self.kind, self.ref, self.field, row)
        return Location(outer.kind, outer.ref, _join(outer.field, str(self)), outer.row)

    @classmethod
    def parse(cls, text: str) -> Location:
        """A location from a label given as text at the edges (``rad 7``, ``avtale[A1]``,
        ``rad 7.id_type``): an optional row, then ``kind[ref]`` if the text starts with one;
        anything else is kept as a field path. ``str(Location.parse(t)) == t``.

        >>> Location.parse("rad 7.behandler[B1].hpr_number")
        Location(kind='behandler', ref='B1', field='hpr_number', row=7)
        >>> Location.parse("innboks/svar.xml")
        Location(kind='', ref=None, field='innboks/svar.xml', row=None)
        """
        row = None
        if m := _ROW.fullmatch(text):
            row, text = int(m[1]), m[2] or ""
        if m := _RECORD.fullmatch(text):
            return cls(m[1], m[2], m[3] or "", row)
        return cls(field=text, row=row)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "ref": self.ref, "field": self.field, "row": self.row}


def locate(where: Location | str) -> Location:
    """*where* as a Location (text labels are parsed with :meth:`Location.parse`)."""
    return where if isinstance(where, Location) else Location.parse(where)


@dataclass(frozen=True, slots=True)
class FindingCode:
    """A catalogued finding code: the code, its severity and what it means (bokmål)."""

    code: str
    severity: Severity
    title: str

    def __call__(
        self, message: str, where: Location | str, rule: str = "", link: str = ""
    ) -> Finding:
        rule = rule or self.code.lower()
        return Finding(self.code, self.severity, message, locate(where), rule, link)


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    where: Location
    rule: str
    link: str = ""  # where the user fixes it, e.g. ``serie/S001`` or ``pasient/P0001``

    @property
    def location(self) -> str:
        """The location as the user reads it, e.g. ``regning[1042].takst[0]``."""
        return str(self.where)

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOCKING

    def at(self, prefix: Location | str) -> Finding:
        """The same finding, located under *prefix* (e.g. ``rad 7`` or a claim)."""
        where = self.where.within(locate(prefix))
        return Finding(self.code, self.severity, self.message, where, self.rule, self.link)

    def linked(self, link: str) -> Finding:
        """The same finding pointing at *link*, unless it already points somewhere."""
        if self.link:
            return self
        return Finding(self.code, self.severity, self.message, self.where, self.rule, link)

    @property
    def fix(self) -> str:
        """The command that fixes this finding, when it is linked to a record the CLI edits
        (``oppgjor series update S005 --department-ref <ref>``), else ``""``."""
        return fix_command(self.link, self.where)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location,
            "where": self.where.as_dict(),
            "rule": self.rule,
            "link": self.link,
            "fix": self.fix,
        }


# the command group of each kind of record a finding links to (``serie/S005``), by the noun
# locations use: the registry's English names (oppgjor.app.clinic.kinds), which the CLI, the
# audit trail and the API share
RECORD_COMMANDS = {
    "serie": "series",
    "pasient": "patient",
    "behandler": "practitioner",
    "avdeling": "department",
    "kontakt": "referrer",
    "avtale": "appointment",
}
_PLACEHOLDERS = {"modules": "'planner settlement'"}


def fix_command(link: str, where: Location) -> str:
    """The command that fixes a finding linked to *link* (``kind/ref``) at *where*: the
    record's ``update`` with the option of the field *where* names in that record, if any.

    >>> fix_command("serie/S5", Location("regning", "7", "serie[S5].department_ref"))
    'oppgjor series update S5 --department-ref <ref>'
    >>> fix_command("behandler/B 1", Location("behandler", "B 1", "modules"))
    "oppgjor practitioner update 'B 1' --modules 'planner settlement'"
    >>> fix_command("avtale/A1", Location("regning", "7", "type"))
    'oppgjor appointment update A1'
    >>> fix_command("takst/A2a", Location())
    ''
    """
    noun, _, ref = link.partition("/")
    group = RECORD_COMMANDS.get(noun)
    if group is None or not ref:
        return ""
    command = f"oppgjor {group} update {shlex.quote(ref)}"
    field = _field_of(where, Location(noun, ref))
    if not field:
        return command
    return f"{command} --{field.replace('_', '-')} {_placeholder(field)}"


def _field_of(where: Location, record: Location) -> str:
    """The field of *record* that *where* points at (directly or inside its field path)."""
    inner = where if where.same_record(record) else Location.parse(where.field)
    if not inner.same_record(record):
        return ""
    return re.split(r"[.\[]", inner.field, maxsplit=1)[0]


def _placeholder(field: str) -> str:
    if field in _PLACEHOLDERS:
        return _PLACEHOLDERS[field]
    if field.endswith("_ref"):
        return "<ref>"
    return "<dato>" if field.endswith("_date") else "<verdi>"


INTERNAL = FindingCode(
    "INTERNAL",
    Severity.BLOCKING,
    "En kontroll feilet internt; meld fra til leverandøren. Kontrollen fortsatte med resten.",
)


def has_blocking(findings: Iterable[Finding]) -> bool:
    return any(f.blocking for f in findings)


def run_controls(
    controls: Sequence[Callable[[T, C], Iterable[Finding]]],
    subject: T,
    context: C,
    where: Location | str,
) -> list[Finding]:
    """Run each control on (subject, context) in order; a crash becomes an INTERNAL finding
    located at *where*."""
    findings: list[Finding] = []
    for control in controls:
        try:
            findings.extend(control(subject, context))
        except Exception as exc:  # a crashing control must not stop the run
            last = traceback.extract_tb(exc.__traceback__)[-1]
            findings.append(
                INTERNAL(
                    f"Kontrollen {control.__name__} feilet ({type(exc).__name__} i "
                    f"{last.name}). Meld fra til leverandøren.",
                    where,
                    control.__name__,
                )
            )
    return findings
