"""Reader for activity in the NPR-melding structure (Melding → Institusjon → Objektholder →
Episode → Kontakt / Tilstand / Tjeneste / Tiltak / Prosedyre / Kode), turned into the
documented activity columns (docs/isf-activity.md), one row per Episode.

The somatic activity XSD is not public (shared/reference/isf/NOTES.md §3); the element and
attribute names follow the 57.0.1 skeleton and the KPP 58.0.1 schema described there, in any
namespace (``…/57_0_1_ord``, ``…/58_0_1``, or none). Where the notes do not place a field
(``polIndir``, ``egenandel``, an already grouped ``drg``, ``utskrKlarDato``), oppgjor reads it
as an attribute of ``Kontakt`` or ``Episode``; docs/isf-activity.md lists the mapping.

The file is streamed (``iterparse``), so a large message is never held whole. A file that is
not well-formed or not an activity message is refused whole (:class:`NprError`); a bad
Episode becomes a row with a ``problem`` and its line number, reported and left out later.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

# The columns this reader fills (a subset of oppgjor.isf.adapters.batch.COLUMNS) plus ``row`` (the
# Episode's line in the file) and ``problem`` (why the Episode cannot be used, or None).
FIELDS = (
    "row", "patient_id", "institution", "unit", "area", "date_in", "date_out", "care_level",
    "contact_type", "activity_location", "indirect_activity", "debtor", "health_personnel",
    "copayment", "sex", "age_days", "main_condition", "secondary_conditions", "procedures",
    "special_codes", "drg", "ready_for_discharge", "problem",
)  # fmt: skip

# Kodeverk 8410 (Kode.kodeverk): S = midlertidige nasjonale særkoder; D = ICD-10.
SPECIAL_CODE_SYSTEM = "S"
DIAGNOSIS_SYSTEM = "D"
PROCEDURE_SYSTEMS = {"K", "M", "Q", "R"}  # NCSP-N, NCMP, NCSP/NCMP/NCRP, NCRP
# Enhet.sektor: 1 somatikk; 2, 3 psykisk helsevern (voksne, barn og unge); 4 TSB.
PHV_TSB_SECTORS = {"2", "3", "4"}


# The elements the stream stops at; everything inside an Episode is read from the Episode.
WATCHED = ("Melding", "Institusjon", "Enhet", "Objektholder", "Pasient", "Episode", "EpisodeKPP")


class NprError(ValueError):
    """The file cannot be read as an NPR activity message at all."""


def _local(tag: object) -> str:
    """``{namespace}Name`` → ``Name`` (comments and processing instructions → "")."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _index(node: etree._Element) -> dict[str, list[etree._Element]]:
    """The elements under *node* (itself included) by local name, in document order: one
    walk of the subtree instead of one per element kind."""
    found: dict[str, list[etree._Element]] = {}
    for child in node.iter():
        found.setdefault(_local(child.tag), []).append(child)
    return found


def _children(node: etree._Element, name: str) -> list[etree._Element]:
    return _index(node).get(name, [])


def _attr(node: etree._Element | None, name: str) -> str | None:
    if node is None:
        return None
    value = node.get(name)
    return value.strip() if value is not None and value.strip() else None


def _date(value: str | None) -> str | None:
    """``2021-03-01T08:00:00`` → ``2021-03-01`` (validated later, with the row's line)."""
    return value[:10] if value else None


def _age_days(birth_year: str | None, date_in: str | None) -> str | None:
    """NPR carries only the birth year: the age is counted from 1 July of that year (the
    middle of the year), which places a case within half a year of its true age."""
    if not birth_year or not date_in:
        return None
    try:
        born = datetime.date(int(birth_year), 7, 1)
        days = (datetime.date.fromisoformat(date_in) - born).days
    except ValueError:
        return None
    return str(max(days, 0))


class _Context:
    def __init__(self) -> None:
        self.institution: str | None = None
        self.patient: str | None = None
        self.sex: str | None = None
        self.birth_year: str | None = None
        self.sectors: dict[str, str] = {}


def _codes(
    parts: dict[str, list[etree._Element]],
) -> tuple[list[str], list[str], list[str], list[str]]:
    """(conditions in tilstNr order, procedures, special codes, problems)."""
    problems: list[str] = []
    conditions: list[tuple[int, int, str]] = []
    for n, state in enumerate(parts.get("Tilstand", [])):
        codes = [k for k in _children(state, "Kode") if _attr(k, "kodeverk") in {None, "D"}]
        value = _attr(codes[0], "kodeVerdi") if codes else None
        if value is None:
            problems.append(f"Tilstand (linje {state.sourceline}) mangler ICD-10-kode")
            continue
        number = _attr(state, "tilstNr") or ""
        conditions.append((int(number) if number.isdigit() else 1_000 + n, n, value))
    procedures: list[str] = []
    special: list[str] = []
    for proc in parts.get("Prosedyre", []):
        for code in _children(proc, "Kode"):
            value, system = _attr(code, "kodeVerdi"), _attr(code, "kodeverk")
            if value is None:
                problems.append(f"Kode (linje {code.sourceline}) mangler kodeVerdi")
            elif system == SPECIAL_CODE_SYSTEM:
                special.append(value)
            elif system is None or system in PROCEDURE_SYSTEMS:
                procedures.append(value)
            else:
                problems.append(f"Prosedyre-kode {value} har ukjent kodeverk «{system}»")
    ordered = [value.replace(".", "") for _, _, value in sorted(conditions)]
    return ordered, procedures, special, problems


def _row(episode: etree._Element, ctx: _Context) -> dict[str, str | None]:
    parts = _index(episode)
    contacts = parts.get("Kontakt", [])
    contact = contacts[0] if contacts else None
    person = next(iter(_children(contact, "Helseperson")), None) if contact is not None else None
    units = parts.get("RefEnhet", [])
    unit = _attr(units[0], "enhetID") if units else None
    conditions, procedures, special, problems = _codes(parts)
    if contact is None:
        problems.insert(0, "Episode mangler Kontakt")
    elif len(contacts) > 1:
        problems.insert(0, "Episode har mer enn én Kontakt")
    if ctx.patient is None:
        problems.insert(0, "Objektholder mangler pasientNr")
    date_in = _date(_attr(episode, "innDatoTid"))
    sector = ctx.sectors.get(unit or "")
    copayment = _attr(contact, "egenandel") or _attr(episode, "egenandel")
    return {
        "row": str(episode.sourceline),
        "patient_id": ctx.patient,
        "institution": ctx.institution,
        "unit": unit,
        "area": None if sector is None else ("phv_tsb" if sector in PHV_TSB_SECTORS else "somatic"),
        "date_in": date_in,
        "date_out": _date(_attr(episode, "utDatoTid")),
        "care_level": _attr(episode, "omsorgsniva"),
        "contact_type": _attr(contact, "kontaktType"),
        "activity_location": _attr(contact, "stedAktivitet"),
        "indirect_activity": _attr(contact, "polIndir") or _attr(episode, "polIndir"),
        "debtor": _attr(episode, "debitor"),
        "health_personnel": _attr(person, "polUtforende"),
        "copayment": copayment,
        "sex": ctx.sex,
        "age_days": _age_days(ctx.birth_year, date_in),
        "main_condition": conditions[0] if conditions else None,
        "secondary_conditions": " ".join(conditions[1:]) or None,
        "procedures": " ".join(procedures) or None,
        "special_codes": " ".join(special) or None,
        "drg": _attr(episode, "drg"),
        "ready_for_discharge": "1" if _attr(episode, "utskrKlarDato") else None,
        "problem": "; ".join(problems) or None,
    }


def _forget(node: etree._Element) -> None:
    """Free a read element and its read siblings, so memory stays flat while streaming."""
    node.clear(keep_tail=True)
    parent = node.getparent()
    while parent is not None and node.getprevious() is not None:
        del parent[0]


def episodes(path: Path) -> Iterator[dict[str, str | None]]:
    """One row per Episode, streamed. DTDs, entities and network access are refused."""
    ctx = _Context()
    seen_message = started = False
    events = etree.iterparse(
        str(path), events=("start", "end"), tag=[f"{{*}}{name}" for name in WATCHED],
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True,
    )  # fmt: skip
    try:
        for event, node in events:
            name = _local(node.tag)
            if not started:
                started = True
                info = node.getroottree().docinfo
                if info.doctype or info.internalDTD is not None:
                    raise NprError(f"{path.name}: XML med DOCTYPE/DTD tas ikke imot")
            if event == "start":
                if name == "Melding":
                    seen_message = True
                elif name == "Institusjon":
                    ctx.institution, ctx.sectors = _attr(node, "institusjonID"), {}
                elif name == "Objektholder":
                    ctx.patient, ctx.sex, ctx.birth_year = _attr(node, "pasientNr"), None, None
                elif name == "EpisodeKPP":
                    raise NprError(
                        f"{path.name} er en KPP-melding (kostnad per pasient), ikke aktivitet"
                    )
                continue
            if name == "Enhet":
                ctx.sectors[_attr(node, "enhetID") or ""] = _attr(node, "sektor") or ""
            elif name == "Pasient":
                ctx.patient = ctx.patient or _attr(node, "pasientNr")
                ctx.sex, ctx.birth_year = _attr(node, "kjonn"), _attr(node, "fodselsar")
            elif name == "Objektholder":
                _forget(node)  # the patient's Episodes are read
            elif name == "Episode":
                if not seen_message:
                    line = node.sourceline
                    raise NprError(f"{path.name}: Episode utenfor Melding (linje {line})")
                yield _row(node, ctx)
                _forget(node)
    except etree.XMLSyntaxError as exc:
        raise NprError(f"{path.name} er ikke gyldig XML: {exc}") from None
    if not seen_message:
        raise NprError(f"{path.name} er ikke en NPR-melding (fant ikke elementet Melding)")


def read(path: Path) -> dict[str, list[str | None]]:
    """All Episodes of the file as columns (see :data:`FIELDS`)."""
    columns: dict[str, list[str | None]] = {name: [] for name in FIELDS}
    for row in episodes(path):
        for name in FIELDS:
            columns[name].append(row[name])
    return columns
